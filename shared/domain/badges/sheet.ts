// What goes on the badges of a meeting: who gets one (people confirmed on site, on a day or on
// any day; one person for a reprint), in which order (French collation), and what each badge
// says. Pure: tokens are planned here too (checkin-token.ts), the use case writes them.
import { InvalidRequestError } from '#shared/errors.ts';
import { workshopKey } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { checkinTokenRecord, type CheckinTokenRecord } from '#shared/domain/registrations/checkin-token.ts';
import { confirmedOnsiteDays } from '#shared/domain/registrations/check-in.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';

export type BadgeSort = 'name' | 'organisation';
export type Profile = NonNullable<Registration['profile']> | 'unknown';

export const PROFILE_BAND_LABELS: Record<Profile, string> = {
  newcomer: 'Nouvel·le utilisateur·rice',
  expert: 'Expert·e',
  unknown: 'Participant·e',
};

/** One badge, before its token is known. */
export interface BadgeContent {
  registrationId: string;
  /** The badge name, or first and last name, as typed. */
  name: string;
  organisation: string;
  profile: Profile;
  profileLabel: string;
  /** "Sur place : Samedi 7 juin, Dimanche 8 juin". */
  days: string;
  /** "Ateliers : …", or empty. */
  workshops: string;
  noPhoto: boolean;
}

// Built on first use (ICU start-up costs 10–20 ms), like the exports' collator.
let collator: Intl.Collator | undefined;
const compare = (a: string, b: string) => (collator ??= new Intl.Collator('fr', { sensitivity: 'base', numeric: true })).compare(a, b);

/**
 * Alphabetical in French (accents and case ignored, then by code point for equal names): by
 * last name then first name, or by organisation then name. The registration id breaks ties so
 * that two prints come out in the same order.
 */
export function sortForBadges(regs: Registration[], sort: BadgeSort): Registration[] {
  const byName = (a: Registration, b: Registration) =>
    compare(a.last_name, b.last_name) || compare(a.first_name ?? '', b.first_name ?? '');
  const order =
    sort === 'organisation' ? (a: Registration, b: Registration) => compare(a.organisation, b.organisation) || byName(a, b) : byName;
  return [...regs].sort((a, b) => order(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** 400 naming `day` when it is not one of the meeting's days. */
export function checkBadgeDay(meeting: Meeting, day: string | undefined): void {
  if (day === undefined || meeting.days.some((d) => d.date === day)) return;
  const message = `Le ${day} n’est pas un jour de la réunion « ${meeting.title} » (jours : ${meeting.days.map((d) => d.date).join(', ')}).`;
  throw new InvalidRequestError(message, [{ path: 'day', message }]);
}

/** Who gets a badge: active registrations confirmed on site that day (or on at least one day). */
export function badgeHolders(regs: Registration[], day: string | undefined): Registration[] {
  return regs.filter((r) => {
    const days = confirmedOnsiteDays(r);
    return day === undefined ? days.length > 0 : days.includes(day);
  });
}

export function badgeContent(meeting: Meeting, reg: Registration): BadgeContent {
  const labels = new Map(meeting.days.map((d) => [d.date, d.label ?? d.date]));
  const titles = new Map(meeting.workshops.map((w) => [w.id, w.title]));
  const onsite = confirmedOnsiteDays(reg);
  const workshops = reg.workshops
    .filter((id) => reg.items.some((h) => h.key === workshopKey(id) && h.status === 'confirmed'))
    .map((id) => titles.get(id) ?? id);
  const profile: Profile = reg.profile ?? 'unknown';
  return {
    registrationId: reg.id,
    name: reg.badge_name ?? [reg.first_name, reg.last_name].filter(Boolean).join(' '),
    organisation: reg.organisation,
    profile,
    profileLabel: PROFILE_BAND_LABELS[profile],
    days: onsite.length === 0 ? '' : `Sur place : ${onsite.map((d) => labels.get(d) ?? d).join(', ')}`,
    workshops: workshops.length === 0 ? '' : `${workshops.length === 1 ? 'Atelier' : 'Ateliers'} : ${workshops.join(' ; ')}`,
    noPhoto: reg.image_rights?.answer === 'refused',
  };
}

/** What the empty print says (nobody confirmed on site). */
export function emptyBadgesMessage(meeting: Meeting, day: string | undefined): string {
  const label = day === undefined ? undefined : (meeting.days.find((d) => d.date === day)?.label ?? day);
  return label === undefined
    ? `Personne n’est confirmé·e sur place à la réunion « ${meeting.title} » : aucun badge à imprimer.`
    : `Personne n’est confirmé·e sur place le jour « ${label} » de la réunion « ${meeting.title} » : aucun badge à imprimer.`;
}

export interface TokenPlan {
  /** The token to print, by registration id. */
  tokens: Map<string, string>;
  /** The registrations whose stored record must change (first print, reissue, rotated key). */
  changes: Array<{ registration: Registration; next: CheckinTokenRecord }>;
}

/**
 * The token each badge prints: the registration's current generation (1 when it has none yet),
 * or the next one for a reissue. When the stored hash is not that token's (none yet, a reissue,
 * or a key rotated since), the record changes.
 */
export function planTokens(key: string, regs: Registration[], reissue: boolean): TokenPlan {
  const tokens = new Map<string, string>();
  const changes: TokenPlan['changes'] = [];
  for (const reg of regs) {
    const current = reg.checkin_token;
    const generation = reissue ? (current?.generation ?? 1) + 1 : (current?.generation ?? 1);
    const { token, record } = checkinTokenRecord(key, reg.id, generation);
    tokens.set(reg.id, token);
    if (current?.hash !== record.hash) changes.push({ registration: reg, next: record });
  }
  return { tokens, changes };
}
