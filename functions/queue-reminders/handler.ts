// Reminders queue consumer: one email per message (session reminders, updates, cancellations,
// subscription confirmations, meeting reminders, survey invitations and reminders), sent at most
// once in effect. Survey messages read the participation key (manifest: usesParticipationKey).
import { RemindersQueueMessageSchema, toDeliverMessage } from '#shared/domain/reminders/model.ts';
import { createReminderDelivery } from '#shared/lambda/reminder-delivery-context.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';

const ctx = createServiceContext();
const delivery = createReminderDelivery(ctx);

export const handler = sqsConsumer({
  name: 'queue-reminders',
  schema: RemindersQueueMessageSchema,
  // Emails in flight per invocation; with the event source's maximum concurrency (manifest)
  // this bounds the SES send rate (docs/operations.md, « Reminders »).
  concurrency: 5,
  handle: async (message) => {
    await delivery.deliver(toDeliverMessage(message));
  },
});
