// Delivery reports of every reminder owner through the real engine (admin PUT → signed calls →
// scheduled tick → reminders queue → queue-reminders through the SES emulator → admin report):
// a session occurrence, a meeting and a survey, in JSON and CSV. Each owner's first tick comes
// late, when an earlier rule is already past: the report shows that rule as not sent (`missed`),
// with no email. An unknown occurrence, meeting or survey is a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const DOMAIN = 'rapports.example.fr';

interface Line {
  email: string | null;
  kind: string;
  rule: string | null;
  sequence: number;
  status: string;
  at: string;
  reason: string | null;
}
interface Report {
  err: number;
  data: { deliveries: Line[]; counts: Record<string, number> } & Record<string, unknown>;
}

const drained = () => stack.consumers['queue-reminders']?.poller.idle(60_000);
const reminders = (result: Array<{ name: string; result: unknown }>) => result.find((r) => r.name === 'schedule-reminders')?.result;

async function report(path: string): Promise<Report> {
  const res = await stack.fetchAdmin(path);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

async function csv(path: string): Promise<string[][]> {
  const res = await stack.fetchAdmin(`${path}?format=csv`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/csv');
  return (await res.text())
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => l.split(';'));
}

async function notFound(path: string, errClass: string) {
  const res = await stack.fetchAdmin(path);
  expect(res.status).toBe(404);
  const body = (await res.json()) as { err: number; err_class: string; err_desc: string };
  expect(body.err_class).toBe(errClass);
  expect(body.err_desc).toMatch(/inconnue/);
}

async function register(meetingId: string, who: string, day: string) {
  const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, {
    method: 'POST',
    json: { form_uuid: `rapport-${meetingId}-${who}`, email: `${who}@${DOMAIN}`, first_name: who, last_name: 'Test', organisation: 'Ville', onsite_days: [day], image_rights: 'accepted' },
  });
  const body = (await res.json()) as { err: number; data: { registration_id: string } };
  expect(body.err).toBe(0);
  return body.data;
}

const meetingBody = (day: string, extra: Record<string, unknown> = {}) => ({
  title: 'Club des rapports',
  venue: 'Villejuif',
  timezone: 'Europe/Paris',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  days: [{ date: day, onsite_capacity: 60, waiting_list: false }],
  workshops: [],
  ...extra,
});

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('delivery reports', () => {
  it('a session occurrence: the confirmation and the 60-minute reminder sent, the 7-day and 1-day reminders missed', async () => {
    const SERIES = 'rapports-sessions';
    // Thursday 8 January 2097, 14:00 Paris (13:00Z): the 60-minute rule is due at 12:00Z.
    const OCCURRENCE = `${SERIES}-2097-01-08`;
    const seriesBody = {
      title: 'Sessions des rapports',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=MONTHLY',
      dtstart: '2097-01-08T14:00',
      count: 2,
      duration_minutes: 60,
      visio_url: 'https://visio.example.org/rapports',
      default_topic: 'Session des rapports',
      reminders: [{ days_before: 7, at: '09:00' }, { days_before: 1, at: '09:00' }, { minutes_before: 60 }],
    };
    const put = await stack.fetchAdmin(`/admin/session-series/${SERIES}`, { method: 'PUT', json: seriesBody });
    expect(put.status).toBe(201);
    const sub = await stack.fetchSigned('/sessions/subscriptions', {
      method: 'POST',
      json: { form_uuid: 'rapport-session-alice', email: `alice@${DOMAIN}`, first_name: 'Alice', series_id: SERIES },
    });
    expect(((await sub.json()) as { err: number }).err).toBe(0);
    await drained();

    // The first tick comes 60 minutes before: the 7-day and 1-day rules are past.
    expect(reminders(await stack.tick(new Date('2097-01-08T12:00:00Z')))).toMatchObject({ owners: 1, fannedOut: 1, skipped: 2, queued: 1 });
    await drained();

    const body = await report(`/admin/sessions/${OCCURRENCE}/deliveries`);
    expect(body.data.occurrence_id).toBe(OCCURRENCE);
    const lines = body.data.deliveries.map((l) => [l.email, l.kind, l.rule, l.status, l.reason]);
    expect(lines).toEqual([
      [`alice@${DOMAIN}`, 'confirmation', null, 'sent', null],
      [null, 'reminder', '1d-0900', 'skipped', 'missed'],
      [`alice@${DOMAIN}`, 'reminder', '60m', 'sent', null],
      [null, 'reminder', '7d-0900', 'skipped', 'missed'],
    ]);
    expect(body.data.counts).toEqual({ sent: 2, failed: 0, skipped: 2, sending: 0 });
    expect(body.data.deliveries.every((l) => !Number.isNaN(Date.parse(l.at)))).toBe(true);

    const rows = await csv(`/admin/sessions/${OCCURRENCE}/deliveries`);
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r[0] === '' && r[2] === '1d-0900')).toHaveLength(1);
    expect(rows.find((r) => r[2] === '1d-0900')).toEqual(expect.arrayContaining(['rappel', 'non envoyé', 'missed']));

    // Unknown: a series that does not exist, a date the rule does not produce, a malformed id.
    await notFound(`/admin/sessions/inconnue-2097-01-08/deliveries`, 'not-found');
    await notFound(`/admin/sessions/${SERIES}-2097-01-09/deliveries`, 'not-found');
    await notFound(`/admin/sessions/pas-une-seance/deliveries`, 'not-found');
    // The next occurrence (8 February) exists and has nothing yet: an empty 200.
    const empty = await report(`/admin/sessions/${SERIES}-2097-02-08/deliveries`);
    expect(empty.data.deliveries).toEqual([]);

    // The series replaced by a rule that no longer produces 8 January: its history stays readable.
    const replaced = await stack.fetchAdmin(`/admin/session-series/${SERIES}`, { method: 'PUT', json: { ...seriesBody, dtstart: '2097-01-09T14:00' } });
    expect(replaced.status).toBe(200);
    expect((await report(`/admin/sessions/${OCCURRENCE}/deliveries`)).data.counts).toEqual({ sent: 2, failed: 0, skipped: 2, sending: 0 });
    await notFound(`/admin/sessions/${SERIES}-2097-02-08/deliveries`, 'not-found');
  });

  it('a meeting: the 1-day reminder sent (not to a cancelled registration), the 7-day reminder missed', async () => {
    const MEETING = 'club-rapports';
    // Day 1 is 10 March 2098 (Paris): 1d-0900 is due on 9 March at 08:00Z, 7d-0900 on 3 March.
    expect(
      (await stack.fetchAdmin(`/admin/meetings/${MEETING}`, { method: 'PUT', json: meetingBody('2098-03-10', { reminders: [{ days_before: 7, at: '09:00' }, { days_before: 1, at: '09:00' }] }) }))
        .status,
    ).toBe(201);
    await register(MEETING, 'anne', '2098-03-10');
    const bruno = await register(MEETING, 'bruno', '2098-03-10');
    expect((await report(`/admin/meetings/${MEETING}/deliveries`)).data.deliveries).toEqual([]);

    // A cancelled registration is not in the audience: nothing is queued for it.
    const cancel = await stack.fetchSigned(`/registrations/${bruno.registration_id}/cancel`, { method: 'POST', json: { form_uuid: `rapport-${MEETING}-bruno` } });
    expect(cancel.status).toBe(200);
    expect(reminders(await stack.tick(new Date('2098-03-09T08:00:00Z')))).toMatchObject({ fannedOut: 1, skipped: 1, queued: 1 });
    await drained();

    const body = await report(`/admin/meetings/${MEETING}/deliveries`);
    expect(body.data.meeting_id).toBe(MEETING);
    const lines = body.data.deliveries.map((l) => [l.email, l.rule, l.status, l.reason]);
    expect(lines).toEqual([
      [`anne@${DOMAIN}`, '1d-0900', 'sent', null],
      [null, '7d-0900', 'skipped', 'missed'],
    ]);
    expect(body.data.counts).toEqual({ sent: 1, failed: 0, skipped: 1, sending: 0 });
    const rows = await csv(`/admin/meetings/${MEETING}/deliveries`);
    expect(rows[0]).toEqual(['Courriel', 'Message', 'Règle', 'Séquence', 'Statut', 'Date', 'Motif']);
    expect(rows).toHaveLength(3);

    await notFound('/admin/meetings/reunion-inconnue/deliveries', 'unknown-meeting');
  });

  it('a survey: the first reminder sent, the invitation missed', async () => {
    const MEETING = 'club-rapports-avis';
    const SURVEY = 'club-rapports-avis-enquete';
    expect((await stack.fetchAdmin(`/admin/meetings/${MEETING}`, { method: 'PUT', json: meetingBody('2027-06-07') })).status).toBe(201);
    await register(MEETING, 'carla', '2027-06-07');
    const put = await stack.fetchAdmin(`/admin/surveys/${SURVEY}`, {
      method: 'PUT',
      json: {
        meeting_id: MEETING,
        title: 'Votre avis',
        opens_at: '2026-01-01T00:00:00+01:00',
        closes_at: '2099-06-30T23:59:59+02:00',
        questions: [{ id: 'global', type: 'rating', label: 'Note globale', required: true }],
        invitations: { form_url: 'https://demarches.example.org/club/avis-rapports/', send_at: '2099-06-09T09:00:00+02:00', reminder_after_days: 3, max_reminders: 1 },
      },
    });
    expect(put.status).toBe(201);

    // First tick three days after send_at: the invitation is past, the reminder r1 is due.
    expect(reminders(await stack.tick(new Date('2099-06-12T07:00:00Z')))).toMatchObject({ fannedOut: 1, skipped: 1, queued: 1 });
    await drained();

    const body = await report(`/admin/surveys/${SURVEY}/deliveries`);
    expect(body.data.survey_id).toBe(SURVEY);
    expect(body.data.deliveries.map((l) => [l.email, l.kind, l.rule, l.status, l.reason])).toEqual([
      [`carla@${DOMAIN}`, 'reminder', 'r1', 'sent', null],
      [null, 'invitation', null, 'skipped', 'missed'],
    ]);
    const rows = await csv(`/admin/surveys/${SURVEY}/deliveries`);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[4], r[6]])).toEqual([
      [`carla@${DOMAIN}`, 'rappel', 'envoyé', ''],
      ['', 'invitation', 'non envoyé', 'missed'],
    ]);

    await notFound('/admin/surveys/enquete-inconnue/deliveries', 'survey-not-found');
  });
});
