// The badges context: the badges PDF use case over the meeting and registration repositories,
// with the key check-in tokens are derived from (functions/http-badges).
import { BadgeService } from '#shared/domain/badges/service.ts';
import { checkinKeyOf } from '#shared/lambda/checkin-key.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';
import { createRegistrationsContext } from './registrations.ts';

export function createBadgesContext(ctx: ServiceContext) {
  const { meetingRepository, registrationRepository } = createRegistrationsContext(ctx);
  return {
    badges: new BadgeService({
      meetings: meetingRepository,
      store: registrationRepository,
      checkinKey: checkinKeyOf(ctx),
      baseUrl: ctx.config.publicBaseUrl,
    }),
  };
}
