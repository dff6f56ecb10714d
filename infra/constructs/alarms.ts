// Alarms that reach someone: one SNS topic, subscribed by email (the `alarmEmail` stage
// parameter), is the alarm and OK action of every CloudWatch alarm of the stack, whoever
// created it (an aspect wires them at synth, so a new alarm cannot be forgotten).
import { Aspects, Duration, type IAspect, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

/** Every alarm of this project looks at 5-minute periods. */
export const ALARM_PERIOD = Duration.minutes(5);

export interface ThresholdAlarmProps {
  metric: cloudwatch.IMetric;
  /** What happened and what to do (the email body starts with it). */
  description: string;
  /** Breaches when the metric is >= this over one period; default 1. */
  threshold?: number;
}

/**
 * An alarm that breaches as soon as one 5-minute period reaches `threshold`; no data (nothing
 * happened: no invocation, no message) is not a breach.
 */
export function thresholdAlarm(scope: Construct, id: string, props: ThresholdAlarmProps): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric,
    threshold: props.threshold ?? 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

export interface AlarmTopicProps {
  /** Subscribed by email; the subscription must be confirmed from the mail AWS sends. */
  email: string | undefined;
}

export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'publik-club alarms',
      // Refuses publishing and subscribing over plain HTTP (cdk-nag AwsSolutions-SNS3).
      enforceSSL: true,
    });
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));

    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names, metric values and thresholds, never personal data; CloudWatch cannot publish to a topic encrypted with the AWS-managed aws/sns key, and a customer-managed key (with its policy for CloudWatch) would add cost and a way to silence every alarm for nothing to protect.',
    });
  }

  /** Makes the topic the alarm and OK action of every CloudWatch alarm under `scope`. */
  notifyEveryAlarm(scope: IConstruct): void {
    Aspects.of(scope).add(new AlarmActions(new SnsAction(this.topic)));
  }
}

class AlarmActions implements IAspect {
  /** Aspects may visit a construct again (a second synthesis): each alarm gets the topic once. */
  private readonly wired = new WeakSet<cloudwatch.Alarm>();

  constructor(private readonly action: SnsAction) {}

  visit(node: IConstruct): void {
    if (node instanceof cloudwatch.Alarm && !this.wired.has(node)) {
      this.wired.add(node);
      node.addAlarmAction(this.action);
      // The recovery is news too: whoever got the alarm learns it is over.
      node.addOkAction(this.action);
    }
  }
}
