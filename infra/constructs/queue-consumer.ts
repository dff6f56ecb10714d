// An SQS queue, its dead-letter queue and the function that consumes it, wired the way every
// consumer of this project must be: partial batch failures reported, poison messages parked in
// the DLQ after a few attempts, and an alarm as soon as the DLQ holds anything.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_PERIOD, thresholdAlarm } from './alarms.ts';
import { deadLetterAlarm } from './dead-letter-alarm.ts';
import { ServiceFunction } from './service-function.ts';

/** Default number of failed receives after which a message moves to the DLQ. */
export const MAX_RECEIVE_COUNT = 5;

export interface QueueConsumerProps {
  entry: string;
  description: string;
  serviceName: string;
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /** Function timeout; default 30 s (a batch of up to 10 outbound calls). */
  timeout?: Duration;
  /** Default 6 × the function timeout, as AWS advises; must exceed the timeout. */
  visibilityTimeout?: Duration;
  /** Default 10 messages per invocation. */
  batchSize?: number;
  /** A message failing this many receives moves to the DLQ; default MAX_RECEIVE_COUNT (5). */
  maxReceiveCount?: number;
  /** Most concurrent invocations the event source starts (2–1000): caps downstream rates (SES). */
  maxConcurrency?: number;
  /** Default 5 s: gathers bursts into fewer invocations; delivery is not latency-critical. */
  maxBatchingWindow?: Duration;
  environment?: Record<string, string>;
  /** The function reads SSM parameters (ServiceFunctionProps.readsParameters). */
  readsParameters?: boolean;
  /**
   * Reserved concurrency of the consumer, also the event source's maximum concurrency (so the
   * pollers never invoke more than the function may run: a throttled batch would count as a
   * failed receive and push healthy messages towards the DLQ). At least 2; unset: neither.
   */
  reservedConcurrency?: number;
  /** What happens to the queue and its DLQ when the stack or the resource goes; default DESTROY. */
  removalPolicy?: RemovalPolicy;
  /** Alarm when the oldest message has waited this long; default 15 minutes. */
  maxMessageAge?: Duration;
}

export class QueueConsumer extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly handler: ServiceFunction;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Messages waiting too long: the consumer is failing, throttled or stopped. */
  readonly messageAgeAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(30);
    const visibilityTimeout = props.visibilityTimeout ?? Duration.seconds(timeout.toSeconds() * 6);
    const maxReceiveCount = props.maxReceiveCount ?? MAX_RECEIVE_COUNT;
    // 1 would park a message after a single transient failure; SQS allows at most 1000.
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 2 || maxReceiveCount > 1000) {
      throw new Error(`${this.node.path}: maxReceiveCount must be an integer from 2 to 1000 (got ${maxReceiveCount})`);
    }
    // Lambda keeps a message invisible while it works on it; if the queue let the message
    // reappear before the function could time out, a second consumer would process it too.
    if (visibilityTimeout.toSeconds() <= timeout.toSeconds()) {
      throw new Error(
        `${this.node.path}: queue visibility timeout (${visibilityTimeout.toSeconds()} s) must exceed the function timeout (${timeout.toSeconds()} s)`,
      );
    }

    const reserved = props.reservedConcurrency;
    if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 2 || reserved > 1000)) {
      throw new Error(`${this.node.path}: reservedConcurrency of a queue consumer must be an integer from 2 to 1000 (got ${reserved})`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const maxConcurrency =
      props.maxConcurrency === undefined ? reserved : reserved === undefined ? props.maxConcurrency : Math.min(props.maxConcurrency, reserved);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      removalPolicy,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to notice the alarm, fix the cause and redrive.
      retentionPeriod: Duration.days(14),
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      removalPolicy,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    this.handler = new ServiceFunction(this, 'Handler', {
      entry: props.entry,
      description: props.description,
      serviceName: props.serviceName,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      timeout,
      ...(props.environment ? { environment: props.environment } : {}),
      ...(props.readsParameters ? { readsParameters: true } : {}),
      ...(reserved === undefined ? {} : { reservedConcurrency: reserved }),
    });

    this.handler.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(5),
        // Only the failed messages of a batch return to the queue; the others are deleted.
        reportBatchItemFailures: true,
        // The consumer's own cap (e.g. the SES sending rate) within its reserved concurrency.
        ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
      }),
    );

    this.deadLetterAlarm = deadLetterAlarm(
      this,
      this.deadLetterQueue,
      `Messages in the dead-letter queue of ${props.serviceName}: inspect them, fix the cause, then redrive (docs/operations.md).`,
    );

    const maxMessageAge = props.maxMessageAge ?? Duration.minutes(15);
    this.messageAgeAlarm = thresholdAlarm(this, 'MessageAgeAlarm', {
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
      threshold: maxMessageAge.toSeconds(),
      description: `A message has waited ${maxMessageAge.toHumanString()} or more in the queue of ${props.serviceName}: the consumer is failing (errors alarm, DLQ), throttled (throttles alarm) or its event source is disabled; notifications are late (docs/operations.md, "Alarms").`,
    });
  }
}
