import type { SQSClient } from '@aws-sdk/client-sqs';
import { resolveClient, type ClientSource } from '#shared/adapters/aws/lazy-client.ts';
import type { Notification, NotificationPublisher } from '#shared/domain/registrations/ports.ts';
import { loadSqs } from '#shared/adapters/aws/sdk.ts';

const SQS_BATCH = 10;

export class SqsNotificationPublisher implements NotificationPublisher {
  constructor(
    /** The client, or its lazy loader (@aws-sdk/client-sqs is loaded by the first publish). */
    private readonly sqs: ClientSource<SQSClient>,
    private readonly queueUrl: string,
  ) {}

  async publish(notifications: Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    const { SendMessageBatchCommand } = loadSqs();
    const sqs = await resolveClient(this.sqs);
    for (let i = 0; i < notifications.length; i += SQS_BATCH) {
      const batch = notifications.slice(i, i + SQS_BATCH);
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((n) => ({
            Id: n.id.slice(0, 80),
            MessageBody: JSON.stringify(n),
            MessageAttributes: { type: { DataType: 'String', StringValue: n.type } },
          })),
        }),
      );
      if (out.Failed && out.Failed.length > 0) {
        throw new Error(`SQS refused ${out.Failed.length} notification(s): ${out.Failed.map((f) => f.Code).join(', ')}`);
      }
    }
  }
}

/** Where no queue is configured (a function that never notifies): refuses loudly. */
export class MissingNotificationPublisher implements NotificationPublisher {
  async publish(notifications: Notification[]): Promise<void> {
    if (notifications.length > 0) throw new Error('NOTIFY_QUEUE_URL is not configured');
  }
}
