// Reminders queue consumer: one email per message (session reminders, updates, cancellations,
// subscription confirmations, meeting reminders, survey invitations and reminders), composed by
// its context's source and sent at most once in effect. Survey messages read the participation
// key (manifest: usesParticipationKey).
import { createMeetingReminderSource } from '#shared/contexts/registrations.ts';
import { registrationCalendar } from '#shared/domain/registrations/calendar.ts';
import { createRemindersContext } from '#shared/contexts/reminders.ts';
import { createSessionDeliverySource } from '#shared/contexts/sessions.ts';
import { createSurveyInvitationSource } from '#shared/contexts/surveys.ts';
import { RemindersQueueMessageSchema, toDeliverMessage } from '#shared/domain/reminders/model.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';

const ctx = createServiceContext();
const { delivery } = createRemindersContext(ctx, {
  sources: {
    meeting: createMeetingReminderSource(ctx, undefined, registrationCalendar),
    survey: createSurveyInvitationSource(ctx),
    'session-series': createSessionDeliverySource(ctx),
  },
});

export const handler = sqsConsumer({
  name: 'queue-reminders',
  schema: RemindersQueueMessageSchema,
  // Emails in flight per invocation; the SES rate itself is bounded by the mailer's pace
  // (SES_SEND_RATE) × the event source's maximum concurrency (infra/ses-rate.ts).
  concurrency: 5,
  handle: async (message) => {
    await delivery.deliver(toDeliverMessage(message));
  },
});
