// The desk context (http-desk): what the console's meeting and door pages read and undo —
// fill levels from the counters, the registrations search, check-in undo, a badge's preview.
// And the waiting lists by hand (promote, move), whose promotions go to the notification queue
// like the automatic ones. No reminder engine, no PDF.
import { createNotificationPublisher, createRegistrationRepositories } from '#shared/contexts/registrations.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { DeskService } from '#shared/domain/registrations/desk.ts';
import { WaitingListService } from '#shared/domain/registrations/waiting-list.ts';
import { useCaseLogger as logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createDeskContext(ctx: ServiceContext) {
  const { meetingRepository, registrationRepository } = createRegistrationRepositories(ctx);
  return {
    meetings: new MeetingService(meetingRepository),
    desk: new DeskService({ meetings: meetingRepository, store: registrationRepository, logger }),
    waitingList: new WaitingListService({ meetings: meetingRepository, store: registrationRepository, publisher: createNotificationPublisher(ctx), logger }),
  };
}
