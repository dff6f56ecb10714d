// The demo session series `npm start` creates through the real routes: `club-en-ligne`, the
// second Tuesday of every quarter at 14:00 Paris time, with three subscribers (subscribed as
// w.c.s. would, signed; fixed form uuids, so a restart on kept data replays instead of adding).
import { DateTime } from 'luxon';
import { nextOccurrence } from '#shared/domain/sessions/occurrences.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { signUrl } from '#shared/publik/signature.ts';
import type { SigningKeys } from './dev-defaults.ts';

export const DEMO_SERIES_ID = 'club-en-ligne';

/** Body of `PUT /admin/session-series/{seriesId}` (contract-sessions.md). */
export const demoSeries = {
  title: 'Sessions en ligne du club',
  timezone: 'Europe/Paris',
  rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
  dtstart: '2027-01-12T14:00',
  duration_minutes: 90,
  visio_url: 'https://visio.example.org/club-publik',
  default_topic: 'Session en ligne du club',
  reminders: [{ days_before: 7, at: '09:00' }, { days_before: 1, at: '09:00' }, { minutes_before: 60 }],
};

export const demoSubscribers = [
  { form_uuid: 'demo-sessions-1', email: 'claire.martin@example.org', first_name: 'Claire', last_name: 'Martin', organisation: 'Ville de Villejuif' },
  { form_uuid: 'demo-sessions-2', email: 'paul.durand@example.org', first_name: 'Paul', last_name: 'Durand', organisation: 'Métropole de Lyon' },
  { form_uuid: 'demo-sessions-3', email: 'amina.benali@example.org', first_name: 'Amina', last_name: 'Benali', organisation: 'Département du Nord' },
];

/**
 * The instant the demo series' first reminder (7 days before, 09:00 Paris) falls due for its
 * first session after `now`, for the banner's `npm run tick -- --at …`.
 */
export function demoFirstReminderAt(now: Date): string {
  const series = SeriesInputSchema.parse(demoSeries);
  const first = nextOccurrence({ ...series, id: DEMO_SERIES_ID, created_at: '', updated_at: '' }, [], now);
  if (!first) return now.toISOString();
  return DateTime.fromISO(first.starts_at, { zone: series.timezone })
    .minus({ days: 7 })
    .set({ hour: 9, minute: 0, second: 0, millisecond: 0 })
    .toUTC()
    .toISO({ suppressMilliseconds: true }) as string;
}

/** A subscription body for the banner's example (a fourth person). */
export function demoSubscription(n: number) {
  return { form_uuid: `demo-sessions-try-${n}`, email: `essai${n}@example.org`, first_name: 'Essai', last_name: `N°${n}`, series_id: DEMO_SERIES_ID };
}

export interface DemoSessionsResult {
  seriesId: string;
  ok: boolean;
  /** What failed, for the banner. */
  detail: string;
}

export async function seedDemoSessions(baseUrl: string, adminToken: string, keys: SigningKeys): Promise<DemoSessionsResult> {
  const fail = (detail: string): DemoSessionsResult => ({ seriesId: DEMO_SERIES_ID, ok: false, detail });
  try {
    const put = await fetch(`${baseUrl}/admin/session-series/${DEMO_SERIES_ID}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(demoSeries),
    });
    if (!put.ok) return fail(`PUT /admin/session-series/${DEMO_SERIES_ID}: HTTP ${put.status} ${(await put.text()).slice(0, 500)}`);
    for (const person of demoSubscribers) {
      const url = signUrl(`${baseUrl}/sessions/subscriptions`, keys.key, { orig: keys.orig });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...person, series_id: DEMO_SERIES_ID }),
      });
      const answer = (await res.json()) as { err?: number };
      if (!res.ok || answer.err !== 0) return fail(`POST /sessions/subscriptions: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 500)}`);
    }
    return { seriesId: DEMO_SERIES_ID, ok: true, detail: '' };
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}
