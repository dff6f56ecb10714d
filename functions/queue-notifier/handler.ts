// Notification queue consumer: promotion emails and signed callbacks to the w.c.s. forms.
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { PublikCallbackClient } from '#shared/adapters/publik/callback-client.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { PromotionNotifier } from '#shared/domain/notifications/service.ts';
import { NotificationSchema } from '#shared/domain/registrations/ports.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';

const ctx = createServiceContext();
const meetings = new DynamoMeetingRepository(ctx.ddb, ctx.config.dataTable);
const notifier = new PromotionNotifier({
  meetings,
  registrations: new DynamoRegistrationRepository(ctx.ddb, ctx.config.dataTable, meetings, ctx.config.nonceTable),
  deliveries: new DynamoDeliveryRepository(ctx.ddb, ctx.config.dataTable),
  mailer: SesMailer.fromConfig(ctx.config),
  callbacks: new PublikCallbackClient({
    signatureKeys: async () => (await ctx.secrets()).signatureKeys,
    orig: ctx.config.orig,
  }),
  baseUrl: ctx.config.publicBaseUrl,
});

export const handler = sqsConsumer({
  name: 'queue-notifier',
  schema: NotificationSchema,
  handle: async (notification) => {
    await notifier.notify(notification);
  },
});
