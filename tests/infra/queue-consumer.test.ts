// The queue consumer construct, on its own in a test stack with a no-op handler.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECEIVE_COUNT, QueueConsumer } from '#infra/constructs/queue-consumer.ts';
import { actionsOnResource, logicalIdOf, nagViolations, newApp, statementsOfRole } from './helpers.ts';

const props = {
  entry: 'tests/support/handlers/noop-handler.ts',
  description: 'test consumer',
  serviceName: 'queue-test',
  logRetention: RetentionDays.ONE_WEEK,
  logRemovalPolicy: RemovalPolicy.DESTROY,
};

let stack: Stack;
let consumer: QueueConsumer;
let template: Template;

beforeAll(() => {
  stack = new Stack(newApp({ cloudFormationValidation: false }), 'QueueConsumerTest');
  consumer = new QueueConsumer(stack, 'Notifier', { ...props, timeout: Duration.seconds(20) });
  template = Template.fromStack(stack);
});

const resource = (id: string) => template.toJSON().Resources[id];

describe('QueueConsumer', () => {
  it('sends a message to the dead-letter queue after 5 failed receives', () => {
    expect(MAX_RECEIVE_COUNT).toBe(5);
    expect(resource(logicalIdOf(consumer.queue)).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(consumer.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(resource(logicalIdOf(consumer.deadLetterQueue)).Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('encrypts both queues and refuses non-TLS access to them', () => {
    for (const queue of [consumer.queue, consumer.deadLetterQueue]) {
      expect(resource(logicalIdOf(queue)).Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('reads batches of 10 and reports partial batch failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(consumer.queue), 'Arn'] },
      FunctionName: { Ref: logicalIdOf(consumer.handler.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it('keeps a message invisible for 6 × the function timeout', () => {
    const fnTimeout = resource(logicalIdOf(consumer.handler.fn)).Properties.Timeout as number;
    const visibility = resource(logicalIdOf(consumer.queue)).Properties.VisibilityTimeout as number;
    expect(fnTimeout).toBe(20);
    expect(visibility).toBe(6 * fnTimeout);
    expect(visibility).toBeGreaterThan(fnTimeout);
  });

  it('refuses a visibility timeout that does not exceed the function timeout', () => {
    const other = new Stack(newApp({ cloudFormationValidation: false }), 'Invalid');
    expect(
      () => new QueueConsumer(other, 'Bad', { ...props, timeout: Duration.seconds(30), visibilityTimeout: Duration.seconds(30) }),
    ).toThrow(/visibility timeout \(30 s\) must exceed the function timeout \(30 s\)/);
  });

  it.each([0, 1, 1001, 2.5])('refuses maxReceiveCount %s', (maxReceiveCount) => {
    const other = new Stack(newApp({ cloudFormationValidation: false }), 'InvalidReceives');
    expect(() => new QueueConsumer(other, 'Bad', { ...props, maxReceiveCount })).toThrow(
      /maxReceiveCount must be an integer from 2 to 1000/,
    );
  });

  it('alarms as soon as the dead-letter queue holds a message', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(consumer.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('lets the function consume its queue and nothing else', () => {
    const statements = statementsOfRole(template, logicalIdOf(consumer.handler.role));
    const onQueue = actionsOnResource(statements, logicalIdOf(consumer.queue));
    expect(onQueue).toContain('sqs:ReceiveMessage');
    expect(onQueue).toContain('sqs:DeleteMessage');
    expect(onQueue).not.toContain('sqs:SendMessage');
    expect([...actionsOnResource(statements, logicalIdOf(consumer.deadLetterQueue))]).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('sqs:SendMessage');
  });

  it('alarms when the oldest message has waited 15 minutes', () => {
    expect(resource(logicalIdOf(consumer.messageAgeAlarm)).Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(consumer.queue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('deletes both queues with the stack by default, and reserves no concurrency', () => {
    for (const queue of [consumer.queue, consumer.deadLetterQueue]) expect(resource(logicalIdOf(queue)).DeletionPolicy).toBe('Delete');
    expect(resource(logicalIdOf(consumer.handler.fn)).Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('retains both queues when asked, and caps the pollers at the reserved concurrency', () => {
    const other = new Stack(newApp({ cloudFormationValidation: false }), 'Retained');
    const kept = new QueueConsumer(other, 'Kept', { ...props, removalPolicy: RemovalPolicy.RETAIN, reservedConcurrency: 3 });
    const t = Template.fromStack(other);
    for (const queue of [kept.queue, kept.deadLetterQueue]) {
      expect(t.toJSON().Resources[logicalIdOf(queue)].DeletionPolicy).toBe('Retain');
      expect(t.toJSON().Resources[logicalIdOf(queue)].UpdateReplacePolicy).toBe('Retain');
    }
    expect(t.toJSON().Resources[logicalIdOf(kept.handler.fn)].Properties.ReservedConcurrentExecutions).toBe(3);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 3 } });
  });

  it.each([1, 0, 2.5])('refuses a reserved concurrency of %s (the event source needs at least 2)', (reservedConcurrency) => {
    const other = new Stack(newApp({ cloudFormationValidation: false }), 'InvalidConcurrency');
    expect(() => new QueueConsumer(other, 'Bad', { ...props, reservedConcurrency })).toThrow(/reservedConcurrency of a queue consumer must be an integer from 2/);
  });

  it('passes cdk-nag AwsSolutions without findings', () => {
    expect(nagViolations(stack)).toEqual([]);
  });
});
