// The organisers' desk (the console's meeting and door pages): a bounded, paged search of a
// meeting's registrations, undoing a check-in made by mistake, and what a badge's token names
// before anyone is checked in. Storage comes in through the ports.
import { decideAgain } from '#shared/domain/conflicts.ts';
import { silentLogger, type Logger } from '#shared/domain/logger.ts';
import { InvalidRequestError, ServiceBusyError } from '#shared/errors.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { meetingNotFound } from '#shared/domain/meetings/service.ts';
import { confirmedOnsiteDays, meetingToday } from './check-in.ts';
import { CHECKIN_TOKEN_PATTERN, checkinTokenHash } from './checkin-token.ts';
import type { RegistrationRepository } from './ports.ts';
import { matchesFilter, waitingDayItems, rowWaitingPositions, searchRow, type RegistrationFilter, type SearchRow } from './search.ts';
import type { Registration } from './schema.ts';
import { registrationNotFound, unknownCheckinToken } from './service.ts';

/** Registrations read per Query page, and at most per search request (bounded work per call). */
export const SEARCH_PAGE = 100;
export const SEARCH_MAX_READ = 1000;

export interface DeskDeps {
  meetings: Pick<MeetingRepository, 'findMeeting'>;
  store: Pick<RegistrationRepository, 'findById' | 'findByCheckinTokenHash' | 'pageWithCursors' | 'clearCheckIn' | 'waitingOrder'>;
  logger?: Logger;
}

export interface SearchResult {
  rows: SearchRow[];
  /** Where the next call goes on (null: the whole list was read). */
  cursor: string | null;
  /** Registrations read by this call (≤ SEARCH_MAX_READ). */
  read: number;
}

/** Three reads in a row found the registration changed: nothing written (no wait between them). */
const undoBusy = () => new ServiceBusyError('L’inscription est modifiée en même temps par quelqu’un d’autre : veuillez réessayer.');

function dayIssue(meeting: Meeting, day: string, field = 'day'): InvalidRequestError {
  const message = `Le ${day} n’est pas un jour de la réunion « ${meeting.title} ».`;
  return new InvalidRequestError(message, [{ path: field, message }]);
}

export class DeskService {
  private readonly logger: Logger;
  constructor(private readonly deps: DeskDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  private async meeting(meetingId: string): Promise<Meeting> {
    const meeting = await this.deps.meetings.findMeeting(meetingId);
    if (!meeting) throw meetingNotFound(meetingId);
    return meeting;
  }

  /**
   * Up to `limit` registrations matching `filter`, in order of arrival, from `cursor` on. Reads
   * pages of SEARCH_PAGE until it has `limit` rows or has read SEARCH_MAX_READ registrations:
   * a rare word in a big meeting answers fewer rows with a cursor to go on, never a slow call.
   */
  async search(meetingId: string, filter: RegistrationFilter, cursor: string | null, limit: number): Promise<SearchResult> {
    const meeting = await this.meeting(meetingId);
    if (filter.day !== undefined && !meeting.days.some((d) => d.date === filter.day)) throw dayIssue(meeting, filter.day);
    const found: Registration[] = [];
    let next = cursor;
    let read = 0;
    do {
      const page = await this.deps.store.pageWithCursors(meetingId, next, SEARCH_PAGE);
      next = page.cursor;
      for (const [i, entry] of page.entries.entries()) {
        read++;
        if (!matchesFilter(entry.registration, filter)) continue;
        found.push(entry.registration);
        if (found.length === limit) {
          // Full: go on right after this one (unless it was the last of the listing).
          next = i === page.entries.length - 1 ? page.cursor : entry.cursor;
          break;
        }
      }
    } while (next !== null && found.length < limit && read < SEARCH_MAX_READ);
    // Waiting positions of the rows' days: each list that appears on the page read once (its
    // stored order), every row's position computed from it — one Query per waiting day shown,
    // however many rows wait on it.
    const lists = [...new Set(found.flatMap((reg) => waitingDayItems(reg).map((h) => h.key)))];
    const orders = new Map(await Promise.all(lists.map(async (key) => [key, await this.deps.store.waitingOrder(meetingId, key)] as const)));
    const rows: SearchRow[] = found.map((reg) => searchRow(reg, meeting, rowWaitingPositions(reg, orders)));
    return { rows, cursor: next, read };
  }

  /**
   * Removes the check-in of `day` (a tick made by mistake). Idempotent: `removed: false` when
   * there was none. Conditional on the registration's version, read again on a race.
   */
  async undoCheckIn(registrationId: string, day: string): Promise<{ removed: boolean; checkedIn: Record<string, string> }> {
    return decideAgain({ attempts: { maxAttempts: 3 }, busy: undoBusy }, async () => {
      const reg = await this.deps.store.findById(registrationId);
      if (!reg) throw registrationNotFound(registrationId);
      const meeting = await this.meeting(reg.meeting_id);
      if (!meeting.days.some((d) => d.date === day)) throw dayIssue(meeting, day);
      if (reg.checked_in[day] === undefined) return { removed: false, checkedIn: reg.checked_in };
      const next = await this.deps.store.clearCheckIn(reg, day);
      this.logger.info('check-in undone', { registrationId: reg.id, day });
      return { removed: true, checkedIn: next.checked_in };
    });
  }

  /**
   * What a badge's token names, without checking anyone in (the check-in page reads it first,
   * then posts): the person, the meeting, today on its clock, and each day with their arrival.
   */
  async tokenPreview(token: string, now: Date) {
    if (!CHECKIN_TOKEN_PATTERN.test(token)) throw unknownCheckinToken();
    const hash = checkinTokenHash(token);
    const found = await this.deps.store.findByCheckinTokenHash(hash);
    if (!found) throw unknownCheckinToken();
    const [reg, meeting] = await Promise.all([this.deps.store.findById(found.registrationId), this.deps.meetings.findMeeting(found.meetingId)]);
    if (!reg || !meeting || reg.checkin_token?.hash !== hash) throw unknownCheckinToken();
    const onsite = new Set(confirmedOnsiteDays(reg));
    const today = meetingToday(meeting, now);
    return {
      registration_id: reg.id,
      name: [reg.first_name, reg.last_name].filter(Boolean).join(' '),
      organisation: reg.organisation,
      cancelled: reg.state === 'cancelled',
      meeting_id: meeting.id,
      meeting_title: meeting.title,
      timezone: meeting.timezone,
      today,
      today_is_meeting_day: meeting.days.some((d) => d.date === today),
      days: meeting.days.map((d) => ({
        date: d.date,
        label: d.label,
        expected_onsite: onsite.has(d.date),
        checked_in_at: reg.checked_in[d.date] ?? null,
      })),
    };
  }
}
