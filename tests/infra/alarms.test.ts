// The alarm topic on its own: TLS only, the email subscription when an address is given, and
// the aspect that makes it the action of every alarm, including alarms created after it.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { AlarmTopic, thresholdAlarm } from '#infra/constructs/alarms.ts';
import { acknowledgements, logicalIdOf, nagViolations, newApp } from './helpers.ts';

const metric = (name: string) => new cloudwatch.Metric({ namespace: 'Test', metricName: name });

describe('AlarmTopic', () => {
  it('notifies every alarm of the scope, before or after it, on alarm and on recovery', () => {
    const stack = new Stack(newApp({ cloudFormationValidation: false }), 'AlarmTopicTest');
    const before = thresholdAlarm(stack, 'Before', { metric: metric('A'), description: 'before the topic' });
    const topic = new AlarmTopic(stack, 'Alarms', { email: 'ops@example.org' });
    topic.notifyEveryAlarm(stack);
    const after = new cloudwatch.Alarm(stack, 'After', { metric: metric('B'), threshold: 3, evaluationPeriods: 1 });
    const template = Template.fromStack(stack);
    const topicRef = { Ref: logicalIdOf(topic.topic) };
    for (const alarm of [before, after]) {
      const props = template.toJSON().Resources[logicalIdOf(alarm)].Properties;
      expect(props.AlarmActions).toEqual([topicRef]);
      expect(props.OKActions).toEqual([topicRef]);
    }
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org', TopicArn: topicRef });
    expect(nagViolations(stack)).toEqual([]);
    expect(acknowledgements(stack).map((a) => a.id)).toEqual(['AwsSolutions-SNS2']);
  });

  it('has no subscription without an address', () => {
    const stack = new Stack(newApp({ cloudFormationValidation: false }), 'NoSubscription');
    new AlarmTopic(stack, 'Alarms', { email: undefined });
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('breaches at the threshold over one 5-minute period; no data is no breach', () => {
    const stack = new Stack(newApp({ cloudFormationValidation: false }), 'Threshold');
    const alarm = thresholdAlarm(stack, 'Age', { metric: metric('Age'), description: 'old', threshold: 900 });
    expect(Template.fromStack(stack).toJSON().Resources[logicalIdOf(alarm)].Properties).toMatchObject({
      Threshold: 900,
      EvaluationPeriods: 1,
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});
