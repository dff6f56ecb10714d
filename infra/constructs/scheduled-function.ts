// A function run on a fixed rate by EventBridge Scheduler. The event carries the instant the
// run was scheduled for, which the function takes as "now": a retried or late run then decides
// exactly as the on-time run would have, and `npm run tick -- --at …` can replay any instant.
// The event has the shape the local runtime builds (scripts/local/scheduler.ts); a test
// checks that both agree.
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
  TimeWindow,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterAlarm } from './dead-letter-alarm.ts';
import { ServiceFunction } from './service-function.ts';

/**
 * The event the function receives, with `time` the scheduled instant, e.g.
 * `{ "source": "publik-club.scheduler", "detail-type": "Scheduled Event", "time": "2026-03-09T08:00:00Z", "detail": {} }`.
 */
export function scheduledEvent(detail: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: 'publik-club.scheduler',
    'detail-type': 'Scheduled Event',
    time: ContextAttribute.scheduledTime,
    detail,
  };
}

const RATE_UNITS = { minute: Duration.minutes, hour: Duration.hours, day: Duration.days } as const;

/**
 * `rate(5 minutes)` → `Duration.minutes(5)`: the manifest's schedule expressions, which the
 * construct renders back with ScheduleExpression.rate. Only fixed rates are accepted (a cron
 * expression would not be "every N").
 */
export function parseRateExpression(expression: string): Duration {
  const match = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression.trim());
  const value = Number(match?.[1]);
  const unit = match?.[2] as keyof typeof RATE_UNITS | undefined;
  // EventBridge Scheduler wants the singular for 1 and the plural otherwise.
  if (match === null || unit === undefined || value < 1 || (value === 1) !== (match[3] === '')) {
    throw new Error(`Invalid schedule "${expression}": expected "rate(<n> minute(s)|hour(s)|day(s))"`);
  }
  return RATE_UNITS[unit](value);
}

export interface ScheduledFunctionProps {
  entry: string;
  description: string;
  serviceName: string;
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /** How often the function runs, e.g. `Duration.minutes(5)`. */
  rate: Duration;
  /** Function timeout; default 60 s. */
  timeout?: Duration;
  /** Retries of a failed run, by Scheduler and by Lambda's asynchronous invocation: 0–2 (Lambda allows at most 2); default 2. */
  retryAttempts?: number;
  /** A run not delivered within this age is given up (sent to the DLQ); default 1 hour. */
  maxEventAge?: Duration;
  /** Fixed `detail` of every event; default `{}`. */
  detail?: Record<string, unknown>;
  environment?: Record<string, string>;
  /** The function reads SSM parameters (ServiceFunctionProps.readsParameters). */
  readsParameters?: boolean;
  /** Reserved concurrency of the function (1: a run never overlaps the next); unset: none. */
  reservedConcurrency?: number;
  /** What happens to the DLQ when the stack or the resource goes; default DESTROY. */
  removalPolicy?: RemovalPolicy;
}

export class ScheduledFunction extends Construct {
  readonly handler: ServiceFunction;
  readonly schedule: Schedule;
  /** The role Scheduler assumes to invoke the function and to write to the DLQ. */
  readonly schedulerRole: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ScheduledFunctionProps) {
    super(scope, id);
    const retryAttempts = props.retryAttempts ?? 2;
    const maxEventAge = props.maxEventAge ?? Duration.hours(1);

    this.handler = new ServiceFunction(this, 'Handler', {
      entry: props.entry,
      description: props.description,
      serviceName: props.serviceName,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      timeout: props.timeout ?? Duration.seconds(60),
      ...(props.environment ? { environment: props.environment } : {}),
      ...(props.readsParameters ? { readsParameters: true } : {}),
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrency: props.reservedConcurrency }),
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter queue of the schedule target and of the function's asynchronous invocations; a DLQ of a DLQ would only hide failed runs.",
    });

    // Scheduler invokes the function asynchronously: its retry policy covers runs Lambda would
    // not accept (throttling, service errors); Lambda's own retries cover runs that fail inside
    // the function. Either way a run given up ends in the same DLQ.
    this.handler.fn.configureAsyncInvoke({
      retryAttempts,
      maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // A role per schedule (instead of the stack-wide one the target would create), so that
    // each schedule can invoke its own function and nothing else.
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler invoking ${props.serviceName}`,
    });

    this.schedule = new Schedule(this, 'Schedule', {
      description: `${props.serviceName}: every ${props.rate.toHumanString()}`,
      schedule: ScheduleExpression.rate(props.rate),
      // Runs are due at exact instants; spreading them would only delay reminders.
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.handler.fn, {
        role: this.schedulerRole,
        input: ScheduleTargetInput.fromObject(scheduledEvent(props.detail)),
        retryAttempts,
        maxEventAge,
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    const functionLogicalId = Stack.of(this).getLogicalId(this.handler.fn.node.defaultChild as CfnElement);
    Validations.of(this.schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason:
        'The LambdaInvoke target grants lambda:InvokeFunction on the function and on "<function ARN>:*" (its versions and aliases); the wildcard never reaches another function.',
    });

    this.deadLetterAlarm = deadLetterAlarm(
      this,
      this.deadLetterQueue,
      `Failed scheduled runs of ${props.serviceName}: inspect the DLQ messages, fix the cause, replay the instants with npm run tick (docs/operations.md).`,
    );
  }
}
