// An organiser redefines a meeting: what registrations allow to change, and the promotions a
// raised capacity makes possible.
import { workshopKey } from '#shared/domain/meetings/items.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { MeetingInput } from '#shared/domain/meetings/schema.ts';
import { itemInUse, type MeetingService } from '#shared/domain/meetings/service.ts';
import type { ReminderSchedule } from '#shared/domain/reminders/ports.ts';
import type { RegistrationRepository } from './ports.ts';
import type { RegistrationService } from './service.ts';

export class MeetingChanges {
  constructor(
    private readonly meetings: MeetingService,
    private readonly meetingRepository: MeetingRepository,
    private readonly registrations: RegistrationService,
    private readonly registrationRepository: RegistrationRepository,
    /** Reschedules the meeting's reminders after each change (the reminder engine). */
    private readonly reminders?: ReminderSchedule,
  ) {}

  /**
   * Creates or updates the meeting, then promotes waiting requests where places opened. A
   * workshop that someone chose cannot be removed or moved to another day (their place, or
   * their wait for the day, would point to nothing); capacities and times may change.
   * The save decides it in its own transaction: every registration counts its choices in the
   * workshop items (`chosen`), and a removed or moved workshop must be chosen by nobody, so a
   * registration racing the change is either seen (409) or decided again on the new meeting.
   * The early look below only answers sooner from the listing, and covers registrations stored
   * before the counts existed (counted at their next change); it may lag by milliseconds.
   * Promotions are best-effort: the meeting is saved whatever happens to them, and the
   * maintenance sweep finishes what is left.
   */
  async putMeeting(meetingId: string, input: MeetingInput, now: Date): Promise<{ created: boolean; promoted: number }> {
    const previous = await this.meetingRepository.findMeeting(meetingId);
    if (previous) {
      const touched = previous.workshops
        .filter((w) => input.workshops.find((n) => n.id === w.id)?.day !== w.day)
        .map((w) => w.id);
      if (touched.length > 0) {
        const active = (await this.registrationRepository.listByMeeting(meetingId)).filter((r) => r.state === 'active');
        const inUse = touched.filter((id) => active.some((r) => r.workshops.includes(id)));
        if (inUse.length > 0) throw itemInUse(inUse.map(workshopKey), previous);
      }
    }
    const { created } = await this.meetings.putMeeting(meetingId, input, now);
    await this.reminders?.refreshNextDue('meeting', meetingId, now);
    const promoted = await this.registrations.completePromotionsSafely(meetingId, now);
    return { created, promoted };
  }
}
