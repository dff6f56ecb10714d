// The desk context (http-desk): what the console's meeting and door pages read and undo —
// fill levels from the counters, the registrations search, check-in undo, a badge's preview.
// Only the repositories and two small use cases: no queue, no reminder engine, no PDF.
import { createRegistrationRepositories } from '#shared/contexts/registrations.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { DeskService } from '#shared/domain/registrations/desk.ts';
import { useCaseLogger as logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createDeskContext(ctx: ServiceContext) {
  const { meetingRepository, registrationRepository } = createRegistrationRepositories(ctx);
  return {
    meetings: new MeetingService(meetingRepository),
    desk: new DeskService({ meetings: meetingRepository, store: registrationRepository, logger }),
  };
}
