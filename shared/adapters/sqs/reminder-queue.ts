// The reminders queue: one message per recipient, SendMessageBatch of 10 (the SQS maximum),
// several batches in flight so that a page of recipients is queued in about one round trip.
import type { RemindersQueueMessage } from '#shared/domain/reminders/model.ts';
import type { ReminderQueue } from '#shared/domain/reminders/ports.ts';
import { SQS_BATCH, TypedMessageSender } from '#shared/adapters/sqs/typed-sender.ts';

/** Batches in flight at once (one page of 100 recipients = 10 batches). */
const IN_FLIGHT = 10;

export class SqsReminderQueue extends TypedMessageSender implements ReminderQueue {
  async send(messages: RemindersQueueMessage[]): Promise<void> {
    const batches: RemindersQueueMessage[][] = [];
    for (let i = 0; i < messages.length; i += SQS_BATCH) batches.push(messages.slice(i, i + SQS_BATCH));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as RemindersQueueMessage[];
        await this.sendBatch(batch);
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, worker));
  }

  private async sendBatch(batch: RemindersQueueMessage[], attempt = 0): Promise<void> {
    const byId = new Map(batch.map((m, i) => [String(i), m]));
    const refused = await this.sendMessageBatch([...byId]);
    const failed = refused.map((f) => byId.get(f.Id ?? '')).filter((m): m is RemindersQueueMessage => m !== undefined);
    if (failed.length === 0) return;
    // Entries refused by the service (throttled, internal) are retried once; then the page fails
    // and the fan-out resumes from its last saved cursor at the next tick.
    if (attempt === 0 && refused.every((f) => f.SenderFault !== true)) return this.sendBatch(failed, 1);
    throw new Error(`SQS refused ${failed.length} reminder message(s): ${refused.map((f) => f.Code).join(', ')}`);
  }
}

/** Where no reminders queue is configured: refuses loudly. */
export class MissingReminderQueue implements ReminderQueue {
  async send(messages: RemindersQueueMessage[]): Promise<void> {
    if (messages.length > 0) throw new Error('REMINDERS_QUEUE_URL is not configured');
  }
}
