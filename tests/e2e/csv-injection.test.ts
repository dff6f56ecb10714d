// Issue 13: CSV row and formula injection, through every CSV export of the service, as w.c.s.
// and organisers call it (signed webservices, admin routes, the local gateway, DynamoDB Local
// and the queue consumers). Hostile strings go in wherever a person or an organiser types
// text; each export is read back with a real CSV parser (csv-parse): as many rows as its JSON
// twin has items, every row as wide as the headers, and no cell that a spreadsheet would run.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

const HOSTILE = [
  'x\n=HYPERLINK("http://evil","x")',
  // No quote nor separator: only the line feed itself makes this cell need quoting.
  'x\n=1+1',
  'Végétarien\n@SUM(A1)',
  '\r=1+1',
  '=cmd|\' /C calc\'!A0',
  '+1',
  '-1+2',
  '@SUM(A1)',
  '\t=1',
  'Dupont "le dur" ; et fils',
  'a;b\r\n=2+3',
];
// What a spreadsheet runs: OWASP's list, the line feed (a CR is stored as LF) and full-width forms.
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

// A spreadsheet ends a row at CRLF, and at a bare LF or CR outside quotes too (csv-parse, left to
// itself, would take the first CRLF as the only row end and keep a bare LF inside the cell).
const SPREADSHEET_ROW_ENDS = ['\r\n', '\n', '\r'];
const MEETING = 'csv-club';
const CAMPAIGN = 'csv-evol';
const SURVEY = 'csv-avis';
const SERIES = 'csv-sessions';
const FIRST_SESSION = `${SERIES}-2031-01-14`;
const DAY = '2030-06-07';
const past = new Date(Date.now() - 86_400_000).toISOString();
const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
const emailOf = (i: number) => `agent${i}@csv-injection.example.fr`;

let stack: TestStack;

async function signed(path: string, json: unknown): Promise<Record<string, any>> {
  const res = await stack.fetchSigned(path, { method: 'POST', json });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, any>;
  if (body['err'] !== 0) throw new Error(`${path}: ${JSON.stringify(body)}`);
  return body;
}

async function admin(path: string, method = 'GET', json?: unknown): Promise<Record<string, any>> {
  const res = await stack.fetchAdmin(path, { method, ...(json === undefined ? {} : { json }) });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as Record<string, any>;
}

/** Fetches `path?format=csv`, parses it, checks it and returns its data rows. */
async function csvRows(path: string, expectedRows: number): Promise<string[][]> {
  const res = await stack.fetchAdmin(`${path}${path.includes('?') ? '&' : '?'}format=csv`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/csv');
  const text = await res.text();
  const rows = parse(text, { bom: true, delimiter: ';', record_delimiter: SPREADSHEET_ROW_ENDS }) as string[][];
  const [headers, ...data] = rows as [string[], ...string[][]];
  expect(data, `${path}: rows`).toHaveLength(expectedRows);
  for (const row of rows) expect(row, `${path}: row width`).toHaveLength(headers.length);
  const live = rows.flat().filter((cell) => FORMULA_START.test(cell));
  expect(live, `${path}: cells starting a formula`).toEqual([]);
  return data;
}

/** The hostile text reached the file (neutralised or quoted), so the test exercised it. */
function expectHostileIn(rows: string[][]): void {
  const cells = rows.flat();
  expect(cells.some((c) => c.includes('=HYPERLINK("http://evil","x")'))).toBe(true);
  expect(cells.some((c) => c.startsWith('x\n=1+1'))).toBe(true);
  expect(cells.some((c) => c.startsWith("'"))).toBe(true);
}

beforeAll(async () => {
  stack = await startTestStack();
  await admin(`/admin/meetings/${MEETING}`, 'PUT', {
    title: HOSTILE[0],
    venue: 'Villejuif',
    registration_opens_at: past,
    registration_closes_at: future,
    days: [{ date: DAY, label: '=1+1 jour', onsite_capacity: 50, waiting_list: true }],
    workshops: [{ id: 'atelier', day: DAY, title: '@SUM(A1) atelier', starts_at: '14:00', ends_at: '16:00', capacity: 20, waiting_list: false }],
    evening_event: { date: DAY, title: '+soirée', capacity: 20, waiting_list: false },
  });
  for (const [i, h] of HOSTILE.entries()) {
    await signed(`/meetings/${MEETING}/registrations`, {
      form_uuid: `csv-reg-${i}`,
      email: emailOf(i),
      first_name: h,
      last_name: h,
      organisation: `${h} ${i}`,
      organisation_kind: h,
      job_title: h,
      badge_name: h,
      dietary_requirements: h,
      accessibility_needs: h,
      onsite_days: [DAY],
      workshops: ['atelier'],
      evening_event: true,
      image_rights: 'refused',
    });
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('every CSV export read back with a real parser: same rows, no live formula', () => {
  it('meeting counts, registrations, workshop roster, evening list, "do not photograph" list', async () => {
    const base = `/admin/meetings/${MEETING}`;
    // Counts: on site and remote per day, the workshop, the evening.
    const counts = await csvRows(base, 2 + 1 + 1);
    expect(counts.map((r) => r[0])).toContain("'@SUM(A1) atelier");
    const registrations = await csvRows(`${base}/registrations`, (await admin(`${base}/registrations`)).data.length);
    expect(registrations).toHaveLength(HOSTILE.length);
    expectHostileIn(registrations);
    expectHostileIn(await csvRows(`${base}/workshops/atelier/roster`, (await admin(`${base}/workshops/atelier/roster`)).data.entries.length));
    expectHostileIn(await csvRows(`${base}/evening`, (await admin(`${base}/evening`)).data.entries.length));
    const refusals = await csvRows(`${base}/image-rights-refusals`, (await admin(`${base}/image-rights-refusals`)).data.length);
    expect(refusals).toHaveLength(HOSTILE.length);
    expectHostileIn(refusals);
  });

  it('vote results and ballots', async () => {
    await admin(`/admin/campaigns/${CAMPAIGN}`, 'PUT', {
      title: HOSTILE[2],
      meeting_id: MEETING,
      proposals_open_at: past,
      proposals_close_at: future,
      supporters_needed: 1,
      method: 'approval',
      max_choices: 1,
      min_choices: 1,
      retain: 1,
      electorate: 'meeting',
    });
    const proposals: string[] = [];
    for (const [i, h] of HOSTILE.entries()) {
      const r = await signed('/proposals', {
        form_uuid: `csv-prop-${i}`,
        campaign_id: CAMPAIGN,
        title: h,
        description: h,
        use_case: h,
        component: 'w.c.s.',
        organisation: `${h} ${i}`,
        email: emailOf(i),
        first_name: h,
        last_name: h,
      });
      proposals.push(r.data.proposal_id as string);
    }
    await admin(`/admin/campaigns/${CAMPAIGN}/open`, 'POST');
    for (const [i, h] of HOSTILE.entries()) {
      await signed(`/campaigns/${CAMPAIGN}/ballots`, { form_uuid: `csv-ballot-${i}`, email: emailOf(i), first_name: h, last_name: h, choices: proposals[i] });
    }
    await admin(`/admin/campaigns/${CAMPAIGN}/close`, 'POST');
    const results = await csvRows(`/admin/campaigns/${CAMPAIGN}/results`, (await admin(`/admin/campaigns/${CAMPAIGN}/results`)).data.proposals.length);
    expect(results).toHaveLength(HOSTILE.length);
    expectHostileIn(results);
    const ballots = await csvRows(`/admin/campaigns/${CAMPAIGN}/ballots`, (await admin(`/admin/campaigns/${CAMPAIGN}/ballots`)).data.length);
    expect(ballots.length).toBeGreaterThan(0);
    expectHostileIn(ballots);
  });

  it('survey responses (free texts, option texts and question labels)', async () => {
    await admin(`/admin/surveys/${SURVEY}`, 'PUT', {
      meeting_id: MEETING,
      title: HOSTILE[0],
      opens_at: past,
      closes_at: future,
      min_group_size: 1,
      questions: [
        { id: 'global', type: 'rating', label: '=note', required: true },
        { id: 'format', type: 'single', label: '-format', options: [{ id: 'court', text: '@court' }, { id: 'long', text: HOSTILE[0] }] },
        { id: 'remarques', type: 'text', label: '+remarques' },
      ],
    });
    for (const [i, h] of HOSTILE.entries()) {
      await signed(`/surveys/${SURVEY}/responses`, { form_uuid: `csv-answer-${i}`, email: emailOf(i), answers: { global: 3, format: i % 2 === 0 ? 'court' : 'long', remarques: h } });
    }
    const responses = await csvRows(`/admin/surveys/${SURVEY}/results`, (await admin(`/admin/surveys/${SURVEY}/results`)).data.responses);
    expect(responses).toHaveLength(HOSTILE.length);
    expectHostileIn(responses);
  });

  it('session subscribers and the deliveries of a session', async () => {
    await admin(`/admin/session-series/${SERIES}`, 'PUT', {
      title: HOSTILE[0],
      timezone: 'Europe/Paris',
      rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
      dtstart: '2031-01-14T14:00',
      until: '2031-12-31',
      duration_minutes: 90,
      visio_url: 'https://visio.example.org/club-publik',
      default_topic: '=topic',
      reminders: [{ days_before: 7, at: '09:00' }],
    });
    // Addresses may start with + or - too (RFC 5322 allows both in the local part).
    const emails = [...HOSTILE.map((_, i) => emailOf(i)), '+1@csv-injection.example.fr', '-1+2@csv-injection.example.fr'];
    for (const [i, email] of emails.entries()) {
      const h = HOSTILE[i % HOSTILE.length] as string;
      await signed('/sessions/subscriptions', { form_uuid: `csv-sub-${i}`, email, first_name: h, last_name: h, organisation: h, series_id: SERIES });
    }
    const subscribers = await csvRows(`/admin/session-series/${SERIES}/subscribers`, emails.length);
    expectHostileIn(subscribers);
    expect(subscribers.flat()).toContain("'+1@csv-injection.example.fr");
    // The confirmations go through the queue; each leaves a delivery line.
    await stack.consumers['queue-reminders']?.poller.idle(60_000);
    const report = await admin(`/admin/sessions/${FIRST_SESSION}/deliveries`);
    expect(report.data.deliveries.length).toBeGreaterThanOrEqual(emails.length);
    const deliveries = await csvRows(`/admin/sessions/${FIRST_SESSION}/deliveries`, report.data.deliveries.length);
    expect(deliveries.flat()).toContain("'-1+2@csv-injection.example.fr");
  });
});
