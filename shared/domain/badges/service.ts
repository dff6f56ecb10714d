// GET /admin/meetings/{id}/badges.pdf, the data side: read the meeting and its registrations,
// decide who gets a badge and in which order, make sure each printed token is the one stored
// (creating it on a first print of a registration stored before badges existed, or moving to
// the next generation on a reissue), and hand the PDF engine what to draw. The tokens are
// written in one transaction per 33 registrations, conditional on each registration's version:
// a registration changed meanwhile is read again and planned again.
import { ConflictError, ServiceBusyError } from '#shared/errors.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { meetingNotFound } from '#shared/domain/meetings/service.ts';
import { checkinUrl } from '#shared/domain/registrations/checkin-token.ts';
import { decideAgain } from '#shared/domain/conflicts.ts';
import type { RegistrationRepository } from '#shared/domain/registrations/ports.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import { registrationNotFound } from '#shared/domain/registrations/service.ts';
import type { BadgeLayout } from './layout.ts';
import {
  badgeContent,
  badgeHolders,
  checkBadgeDay,
  emptyBadgesMessage,
  planTokens,
  sortForBadges,
  type BadgeContent,
  type BadgeSort,
} from './sheet.ts';

export interface BadgeRequest {
  day?: string | undefined;
  /** One badge (a reprint). */
  registrationId?: string | undefined;
  /** With registrationId: a new token, the old one stops working. */
  reissue?: boolean | undefined;
  sort?: BadgeSort | undefined;
  layout?: BadgeLayout | undefined;
}

export type PrintedBadge = BadgeContent & { checkinUrl: string };

/** What the PDF engine draws. */
export interface BadgePrint {
  meetingId: string;
  meetingTitle: string;
  layout: BadgeLayout;
  badges: PrintedBadge[];
  /** Set when there is no badge: the one page says so. */
  emptyMessage?: string;
  /** badges-<meetingId>[-<day>].pdf */
  filename: string;
}

export interface BadgeServiceDeps {
  meetings: MeetingRepository;
  store: RegistrationRepository;
  checkinKey: () => Promise<string>;
  baseUrl: string;
  maxAttempts?: number;
}

/** Every attempt found some registration changed meanwhile: nothing printed. */
const printBusy = () => new ServiceBusyError('Les inscriptions changent pendant l’impression : réessayez.');

export class BadgeService {
  constructor(private readonly deps: BadgeServiceDeps) {}

  async prepare(meetingId: string, request: BadgeRequest): Promise<BadgePrint> {
    const [meeting, read] = await Promise.all([
      this.deps.meetings.findMeeting(meetingId),
      request.registrationId === undefined
        ? this.deps.store.listByMeeting(meetingId)
        : this.deps.store.findById(request.registrationId).then((r) => (r ? [r] : [])),
    ]);
    if (!meeting) throw meetingNotFound(meetingId);
    checkBadgeDay(meeting, request.day);
    const holders = this.select(meeting, read, request);
    const layout = request.layout ?? 'a4';
    const filename = `badges-${meeting.id}${request.day ? `-${request.day}` : ''}.pdf`;
    if (holders.length === 0) {
      return { meetingId: meeting.id, meetingTitle: meeting.title, layout, badges: [], emptyMessage: emptyBadgesMessage(meeting, request.day), filename };
    }
    const tokens = await this.tokensFor(holders, request.reissue === true);
    const badges = sortForBadges(holders, request.sort ?? 'name').map((reg) => ({
      ...badgeContent(meeting, reg),
      checkinUrl: checkinUrl(this.deps.baseUrl, tokens.get(reg.id) as string),
    }));
    return { meetingId: meeting.id, meetingTitle: meeting.title, layout, badges, filename };
  }

  private select(meeting: Meeting, read: Registration[], request: BadgeRequest): Registration[] {
    if (request.registrationId === undefined) return badgeHolders(read, request.day);
    const reg = read[0];
    if (!reg || reg.meeting_id !== meeting.id) throw registrationNotFound(request.registrationId);
    if (reg.state === 'cancelled') {
      throw new ConflictError('registration-cancelled', 'Cette inscription a été annulée : pas de badge.', { registration_id: reg.id });
    }
    // A reprint is the organiser's explicit choice: printed even if the person waits for a place.
    return [reg];
  }

  /** The tokens to print, after storing the records that must change (bounded retries). */
  private async tokensFor(holders: Registration[], reissue: boolean): Promise<Map<string, string>> {
    const key = await this.deps.checkinKey();
    let regs = holders;
    /** The registrations whose tokens the last attempt failed to store. */
    let refused: string[] = [];
    const tokens = new Map<string, string>();
    return decideAgain({ attempts: { maxAttempts: this.deps.maxAttempts ?? 5 }, busy: printBusy }, async () => {
      if (refused.length > 0) {
        // Some registration moved (or the list, read from an index, lagged): read the ones to
        // change again, consistently, and plan again; the others are already right.
        const fresh = await Promise.all(refused.map((id) => this.deps.store.findById(id)));
        regs = fresh.filter((r): r is Registration => r !== undefined);
      }
      const plan = planTokens(key, regs, reissue);
      for (const [id, token] of plan.tokens) tokens.set(id, token);
      if (plan.changes.length === 0) return tokens;
      refused = plan.changes.map((c) => c.registration.id);
      await this.deps.store.setCheckinTokens(plan.changes);
      return tokens;
    });
  }
}
