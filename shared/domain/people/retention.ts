// How long personal data is kept (../shared/handbook/contract-rgpd.md, "What is personal here,
// and for how long"), as pure rules: when each kind of record falls due, and what an item looks
// like once its identity is erased. The daily purge (service.ts) applies all of them (no TTL on
// personal data); `GET /admin/retention?at=` reports them.
import { DateTime } from 'luxon';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { Agent } from '#shared/domain/votes/schema.ts';

/** A meeting's or a campaign's default (their `retention_days` field). */
export { DEFAULT_RETENTION_DAYS } from '#shared/domain/meetings/schema.ts';
import { DEFAULT_RETENTION_DAYS } from '#shared/domain/meetings/schema.ts';

/** A session subscription outlives its series' last occurrence by this much. */
export const SUBSCRIPTION_AFTER_SERIES_DAYS = 90;
/** A delivery line keeps its recipient's address this long after sending. */
export const DELIVERY_LINE_DAYS = 90;
/** Survey participation and replay markers outlive the survey's close by this much. */
export const SURVEY_MARKER_DAYS = 30;

export const RETENTION_KINDS = ['registrations', 'subscriptions', 'agents', 'deliveries', 'survey-markers'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

const DAY_MS = 86_400_000;
const plusDays = (instant: string, days: number) => new Date(Date.parse(instant) + days * DAY_MS).toISOString();

/** Whether something due at `dueAt` (null: never) is due at `at`. */
export const isDue = (dueAt: string | null, at: Date): boolean => dueAt !== null && Date.parse(dueAt) <= at.getTime();

/**
 * A meeting's registrations are kept through its last day + `retention_days` (whole days on the
 * meeting's wall clock) and anonymised from the start of the next day.
 */
export function meetingRetentionDueAt(meeting: { days: ReadonlyArray<{ date: string }>; timezone: string; retention_days?: number | undefined }): string | null {
  const last = meeting.days.map((d) => d.date).sort().at(-1);
  if (last === undefined) return null;
  const days = meeting.retention_days ?? DEFAULT_RETENTION_DAYS;
  return localDayStart(last, days + 1, meeting.timezone);
}

/**
 * Whether something due at the start of the local day `date` + `days` (in `zone`) is due at `at`,
 * asking the zone only when the answer depends on it. Every zone's offset is under a day either
 * way (UTC−12:00 … UTC+14:00), so that start lies within a day of the same date's UTC midnight:
 * an `at` more than a day before or after it decides alone. Only an `at` within that day asks
 * luxon for the zone, whose first use in a process starts ICU through Intl.DateTimeFormat
 * (10–20 ms of a cold start; issue 21). Same answer as `isDue` of the exact instant.
 */
function localDayStartIsDue(date: string, days: number, zone: string, at: Date): boolean {
  const utcMidnight = Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS;
  const t = at.getTime();
  if (t < utcMidnight - DAY_MS) return false;
  if (t >= utcMidnight + DAY_MS) return true;
  return isDue(localDayStart(date, days, zone), at);
}

const localDayStart = (date: string, days: number, zone: string): string =>
  DateTime.fromISO(date, { zone }).startOf('day').plus({ days }).toUTC().toISO() as string;

/** `isDue(meetingRetentionDueAt(meeting), at)`, without the zone unless `at` is within a day of it. */
export function meetingRetentionIsDue(meeting: { days: ReadonlyArray<{ date: string }>; timezone: string; retention_days?: number | undefined }, at: Date): boolean {
  const last = meeting.days.map((d) => d.date).sort().at(-1);
  if (last === undefined) return false;
  return localDayStartIsDue(last, (meeting.retention_days ?? DEFAULT_RETENTION_DAYS) + 1, meeting.timezone, at);
}

/** A campaign's agents are kept until its close (the recorded close, else the planned one) + `retention_days`. */
export function campaignRetentionDueAt(campaign: { closed_at?: string | undefined; vote_closes_at?: string | undefined; retention_days?: number | undefined }): string | null {
  const close = campaign.closed_at ?? campaign.vote_closes_at;
  return close === undefined ? null : plusDays(close, campaign.retention_days ?? DEFAULT_RETENTION_DAYS);
}

/**
 * Survey markers are deleted by the purge at the survey's close + 30 days: the close as it
 * stands on the day of the purge, so a close moved later keeps them (no TTL fixed at answer time).
 */
export const surveyMarkersDueAt = (closesAt: string): string => plusDays(closesAt, SURVEY_MARKER_DAYS);

/** A delivery line's address is erased 90 days after sending. */
export const deliveryLineDueAt = (sentAt: string): string => plusDays(sentAt, DELIVERY_LINE_DAYS);

/** The purge at `at` erases the addresses of the delivery lines sent at or before this instant. */
export const deliveryAddressesSentBy = (at: Date): string => plusDays(at.toISOString(), -DELIVERY_LINE_DAYS);

/**
 * A session subscription is deleted once unsubscribed, or 90 days after the series' last
 * occurrence (`seriesLastDate`, a local date; null for a series without end), whichever comes first.
 */
export function subscriptionDueAt(
  subscription: { status: 'active' | 'unsubscribed'; unsubscribed_at?: string | undefined },
  series: { lastDate: string | null; timezone: string },
): string | null {
  const ended = series.lastDate === null ? null : localDayStart(series.lastDate, SUBSCRIPTION_AFTER_SERIES_DAYS + 1, series.timezone);
  const left = subscription.status === 'unsubscribed' ? (subscription.unsubscribed_at ?? null) : null;
  if (left === null) return ended;
  if (ended === null) return left;
  return Date.parse(left) <= Date.parse(ended) ? left : ended;
}

/**
 * `isDue(subscriptionDueAt(subscription, series), at)` (the earlier of two instants is due when
 * either is), without the zone unless `at` is within a day of the series' end + 90 days.
 */
export function subscriptionIsDue(
  subscription: { status: 'active' | 'unsubscribed'; unsubscribed_at?: string | undefined },
  series: { lastDate: string | null; timezone: string },
  at: Date,
): boolean {
  const left = subscription.status === 'unsubscribed' ? (subscription.unsubscribed_at ?? null) : null;
  if (isDue(left, at)) return true;
  return series.lastDate !== null && localDayStartIsDue(series.lastDate, SUBSCRIPTION_AFTER_SERIES_DAYS + 1, series.timezone, at);
}

/**
 * The registration with its identity erased: email, names, badge name, phone, job title, needs,
 * `user_name_id`, form and callback URLs, personal-link and check-in tokens, and the request's
 * fingerprint (made from them). Organisation, its kind, profile, days, workshops, evening,
 * places, check-ins, the image-rights answer and the state stay: every count and chart is the same.
 */
export function anonymiseRegistration(reg: Registration, at: Date): Registration {
  const {
    first_name: _first,
    form_url: _formUrl,
    callback_url: _callback,
    user_name_id: _user,
    job_title: _job,
    phone: _phone,
    badge_name: _badge,
    dietary_requirements: _diet,
    accessibility_needs: _access,
    checkin_token: _token,
    ...kept
  } = reg;
  return {
    ...kept,
    email: '',
    last_name: '',
    access_token: '',
    request_hash: '',
    anonymised_at: at.toISOString(),
    version: reg.version + 1,
  };
}

/** Whether a registration still holds an identity. */
export const holdsIdentity = (reg: Registration): boolean => reg.anonymised_at === undefined;

/** An agent with name and address erased (the organisation and its choices stay beside it). */
export const ERASED_AGENT: Agent = { email: '' };
export const holdsAgent = (agent: Agent): boolean => agent.email !== '' || agent.first_name !== undefined || agent.last_name !== undefined;
