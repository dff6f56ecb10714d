// Notification queue consumer: promotion emails and signed callbacks to the w.c.s. forms.
import { createNotificationsContext } from '#shared/contexts/notifications.ts';
import { NotificationSchema } from '#shared/domain/registrations/ports.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';

const ctx = createServiceContext();
const { notifier } = createNotificationsContext(ctx);

export const handler = sqsConsumer({
  name: 'queue-notifier',
  schema: NotificationSchema,
  handle: async (notification) => {
    await notifier.notify(notification);
  },
});
