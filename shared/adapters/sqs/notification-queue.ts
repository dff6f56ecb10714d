import type { Notification, NotificationPublisher } from '#shared/domain/registrations/ports.ts';
import { SQS_BATCH, TypedMessageSender } from '#shared/adapters/sqs/typed-sender.ts';

export class SqsNotificationPublisher extends TypedMessageSender implements NotificationPublisher {
  async publish(notifications: Notification[]): Promise<void> {
    for (let i = 0; i < notifications.length; i += SQS_BATCH) {
      const batch = notifications.slice(i, i + SQS_BATCH);
      const failed = await this.sendMessageBatch(batch.map((n) => [n.id.slice(0, 80), n]));
      if (failed.length > 0) {
        throw new Error(`SQS refused ${failed.length} notification(s): ${failed.map((f) => f.Code).join(', ')}`);
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
