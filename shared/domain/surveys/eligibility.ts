// Who may answer a survey, and the two groups a response is counted in. Pure.
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { Eligibility, Mode, ProfileGroup, Survey } from './schema.ts';

const DAY_PREFIX = 'day:';
const WORKSHOP_PREFIX = 'workshop:';

export interface Participant {
  mode: Mode;
  profile: ProfileGroup;
  /** Workshops the person holds a confirmed place in (their workshop questions apply). */
  workshops: ReadonlySet<string>;
}

/**
 * What eligibility and the response's groups need of a registration. The registration's email
 * marker carries it (written with the registration, shared/adapters/dynamodb), so that an answer
 * decides on its first read.
 */
export interface EligibilityView {
  state: Registration['state'];
  meeting_id: string;
  checked_in: Record<string, string>;
  profile?: Registration['profile'];
  items: Array<Pick<Registration['items'][number], 'key' | 'status'>>;
}

/** The eligibility view of a registration (what its email marker carries). */
export function eligibilityView(registration: Registration): EligibilityView {
  return {
    state: registration.state,
    meeting_id: registration.meeting_id,
    checked_in: registration.checked_in,
    ...(registration.profile !== undefined ? { profile: registration.profile } : {}),
    items: registration.items.map((h) => ({ key: h.key, status: h.status })),
  };
}

/**
 * - `registered`: a registration to the meeting that is not cancelled;
 * - `checked-in`: such a registration checked in on at least one day.
 */
export function isEligible(
  eligibility: Eligibility,
  registration: Pick<Registration, 'state' | 'meeting_id' | 'checked_in'> | undefined,
  meetingId: string,
): boolean {
  if (!registration || registration.state !== 'active' || registration.meeting_id !== meetingId) return false;
  return eligibility === 'registered' || Object.keys(registration.checked_in).length > 0;
}

/** `onsite` when the registration holds at least one confirmed on-site day, else `remote`. */
export function modeOf(registration: Pick<EligibilityView, 'items'>): Mode {
  return registration.items.some((h) => h.key.startsWith(DAY_PREFIX) && h.status === 'confirmed') ? 'onsite' : 'remote';
}

export function participantOf(registration: Pick<EligibilityView, 'items' | 'profile'>): Participant {
  return {
    mode: modeOf(registration),
    profile: registration.profile ?? 'unknown',
    workshops: new Set(
      registration.items
        .filter((h) => h.key.startsWith(WORKSHOP_PREFIX) && h.status === 'confirmed')
        .map((h) => h.key.slice(WORKSHOP_PREFIX.length)),
    ),
  };
}

/** The people a survey is for, from the registrations of its meeting (invitations, response rate). */
export function eligibleRegistrations(survey: Pick<Survey, 'eligibility' | 'meeting_id'>, registrations: Registration[]): Registration[] {
  return registrations.filter((r) => isEligible(survey.eligibility, r, survey.meeting_id));
}

/** Whether the survey takes answers at `now` (bounds included). */
export function isOpen(survey: Pick<Survey, 'opens_at' | 'closes_at'>, now: Date): boolean {
  const t = now.getTime();
  return t >= Date.parse(survey.opens_at) && t <= Date.parse(survey.closes_at);
}
