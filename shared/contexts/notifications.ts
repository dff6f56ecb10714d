// The notifications context (queue-notifier): promotion emails and signed callbacks to the
// w.c.s. forms, each delivered at most once in effect (delivery markers).
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { PublikCallbackClient } from '#shared/adapters/publik/callback-client.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { createRegistrationRepositories } from '#shared/contexts/registrations.ts';
import { PromotionNotifier } from '#shared/domain/notifications/service.ts';
import { useCaseLogger as logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createNotificationsContext(ctx: ServiceContext) {
  const { meetingRepository, registrationRepository } = createRegistrationRepositories(ctx);
  const notifier = new PromotionNotifier({
    meetings: meetingRepository,
    registrations: registrationRepository,
    deliveries: new DynamoDeliveryRepository(ctx.ddb, ctx.config.dataTable),
    mailer: SesMailer.fromConfig(ctx.config),
    callbacks: new PublikCallbackClient({
      signatureKeys: async () => (await ctx.secrets()).signatureKeys,
      orig: ctx.config.orig,
    }),
    baseUrl: ctx.config.publicBaseUrl,
    logger,
  });
  return { notifier };
}
