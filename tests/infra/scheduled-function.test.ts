// The scheduled function construct, on its own in a test stack with a no-op handler.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRateExpression, ScheduledFunction } from '#infra/constructs/scheduled-function.ts';
import { buildScheduledEvent } from '../../scripts/local/scheduler.ts';
import { actionsOnResource, logicalIdOf, nagViolations, newApp, statementsOfRole } from './helpers.ts';

let stack: Stack;
let tick: ScheduledFunction;
let template: Template;

beforeAll(() => {
  stack = new Stack(newApp({ cloudFormationValidation: false }), 'ScheduledFunctionTest');
  tick = new ScheduledFunction(stack, 'Reminders', {
    entry: 'tests/support/handlers/noop-handler.ts',
    description: 'test tick',
    serviceName: 'schedule-test',
    logRetention: RetentionDays.ONE_WEEK,
    logRemovalPolicy: RemovalPolicy.DESTROY,
    rate: Duration.minutes(5),
  });
  template = Template.fromStack(stack);
});

const fnId = () => logicalIdOf(tick.handler.fn);
const dlqArn = () => ({ 'Fn::GetAtt': [logicalIdOf(tick.deadLetterQueue), 'Arn'] });

describe('ScheduledFunction', () => {
  it('invokes the function every 5 minutes, on time, with retries and a DLQ', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [fnId(), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [logicalIdOf(tick.schedulerRole), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: dlqArn() },
      },
    });
  });

  it('passes the scheduled time in the event the local runtime also builds', () => {
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    const input = JSON.parse(schedule?.Properties.Target.Input as string) as Record<string, unknown>;
    expect(input.time).toBe('<aws.scheduler.scheduled-time>');
    // Same shape as `npm run tick` delivers, so the handler meets one event in AWS and locally.
    const local = buildScheduledEvent(new Date('2026-03-09T08:00:00Z'));
    expect(input).toEqual({ ...local, time: '<aws.scheduler.scheduled-time>' });
  });

  it('sends runs that fail inside the function to the same DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId() },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: dlqArn() } },
    });
  });

  it('lets the scheduler role invoke this function and write to the DLQ, nothing more', () => {
    const role = template.toJSON().Resources[logicalIdOf(tick.schedulerRole)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    const statements = statementsOfRole(template, logicalIdOf(tick.schedulerRole));
    expect([...actionsOnResource(statements, fnId())]).toEqual(['lambda:InvokeFunction']);
    expect([...actionsOnResource(statements, logicalIdOf(tick.deadLetterQueue))]).toEqual(['sqs:SendMessage']);
    expect(statements).toHaveLength(2);
  });

  it('keeps failed runs 14 days in an encrypted DLQ and alarms on them', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(tick.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
    });
  });

  it.each([
    ['rate(5 minutes)', 300],
    ['rate(1 minute)', 60],
    ['rate(2 hours)', 7200],
    ['rate(1 day)', 86400],
  ] as const)('reads the manifest schedule %s', (expression, seconds) => {
    expect(parseRateExpression(expression).toSeconds()).toBe(seconds);
  });

  it.each(['rate(0 minutes)', 'rate(5 minute)', 'rate(1 minutes)', 'rate(5 seconds)', 'cron(0 8 * * ? *)', 'every 5 minutes'])(
    'refuses the schedule %s',
    (expression) => {
      expect(() => parseRateExpression(expression)).toThrow(/Invalid schedule/);
    },
  );

  it('deletes its DLQ with the stack by default; retains it and reserves concurrency when asked', () => {
    expect(template.toJSON().Resources[logicalIdOf(tick.deadLetterQueue)].DeletionPolicy).toBe('Delete');
    const other = new Stack(newApp({ cloudFormationValidation: false }), 'RetainedTick');
    const kept = new ScheduledFunction(other, 'Kept', {
      entry: 'tests/support/handlers/noop-handler.ts',
      description: 'kept tick',
      serviceName: 'schedule-kept',
      logRetention: RetentionDays.ONE_WEEK,
      logRemovalPolicy: RemovalPolicy.DESTROY,
      rate: Duration.minutes(5),
      reservedConcurrency: 1,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const t = Template.fromStack(other).toJSON().Resources;
    expect(t[logicalIdOf(kept.deadLetterQueue)].DeletionPolicy).toBe('Retain');
    expect(t[logicalIdOf(kept.handler.fn)].Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('passes cdk-nag AwsSolutions without findings', () => {
    expect(nagViolations(stack)).toEqual([]);
  });
});
