// Reminders queue consumer: one email per message (session reminders, updates, cancellations,
// subscription confirmations, meeting reminders), sent at most once in effect.
import type { DeliverMessage, RemindersQueueMessage } from '#shared/domain/reminders/model.ts';
import { RemindersQueueMessageSchema } from '#shared/domain/reminders/model.ts';
import { createReminderDelivery } from '#shared/lambda/reminders-context.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';

const ctx = createServiceContext();
const delivery = createReminderDelivery(ctx);

/** The subscription confirmation is one more dispatch of the occurrence: one per subscriber. */
function toDelivery(message: RemindersQueueMessage): DeliverMessage {
  if (message.type === 'reminder.deliver') return message;
  return {
    type: 'reminder.deliver',
    owner_kind: 'session-series',
    owner_id: message.series_id,
    subject: message.occurrence_id,
    kind: 'confirmation',
    rule: null,
    sequence: 0,
    recipient: message.subscriber_id,
  };
}

export const handler = sqsConsumer({
  name: 'queue-reminders',
  schema: RemindersQueueMessageSchema,
  // Emails in flight per invocation; with the event source's maximum concurrency this bounds
  // the SES send rate (docs/operations.md, « Reminders »).
  concurrency: 5,
  handle: async (message) => {
    await delivery.deliver(toDelivery(message));
  },
});
