// Issue 20: what organisers find in every CSV export, through the real routes (local gateway,
// DynamoDB Local, the queue consumers): instants as `YYYY-MM-DD HH:MM:SS` on the meeting's (or
// Paris) wall clock, never an ISO text; one header spelling per concept (`Courriel` for every
// address); the ballots list with each proposal's title beside its id and the agent named.
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

const MEETING = 'csv-dates';
const CAMPAIGN = 'csv-dates-evol';
const SURVEY = 'csv-dates-avis';
const SERIES = 'csv-dates-sessions';
const FIRST_SESSION = `${SERIES}-2031-01-14`;
const DAY = '2030-06-07';
const past = new Date(Date.now() - 86_400_000).toISOString();
const future = new Date(Date.now() + 30 * 86_400_000).toISOString();

// Headers that hold an instant; every other header must hold none.
const DATE_HEADERS = /^(Inscrit·e le|Présent·e|Présent le .*|Déposé le|Premier dépôt le|Abonné·e le|Désabonné·e le|Date)$/;
const SPREADSHEET_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

let stack: TestStack;
const headersSeen = new Set<string>();

async function signed(path: string, json: unknown): Promise<Record<string, any>> {
  const res = await stack.fetchSigned(path, { method: 'POST', json });
  const body = (await res.json()) as Record<string, any>;
  if (res.status !== 200 || body['err'] !== 0) throw new Error(`${path}: ${JSON.stringify(body)}`);
  return body;
}

async function admin(path: string, method = 'GET', json?: unknown): Promise<Record<string, any>> {
  const res = await stack.fetchAdmin(path, { method, ...(json === undefined ? {} : { json }) });
  expect(res.status, path).toBeLessThan(300);
  return (await res.json()) as Record<string, any>;
}

/** The export as records by header, after checking its dates and noting its headers. */
async function exported(path: string): Promise<Record<string, string>[]> {
  const res = await stack.fetchAdmin(`${path}${path.includes('?') ? '&' : '?'}format=csv`);
  expect(res.status, path).toBe(200);
  const [headers, ...rows] = parse(await res.text(), { bom: true, delimiter: ';' }) as [string[], ...string[][]];
  expect(rows.length, `${path}: rows`).toBeGreaterThan(0);
  for (const h of headers) headersSeen.add(h);
  for (const row of rows) {
    row.forEach((cell, i) => {
      const header = headers[i] ?? '';
      expect(cell, `${path}: ${header}`).not.toMatch(ISO_INSTANT);
      if (DATE_HEADERS.test(header) && cell !== '') expect(cell, `${path}: ${header}`).toMatch(SPREADSHEET_DATE);
    });
  }
  return rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i] ?? ''])));
}

const paris = (iso: string) => DateTime.fromISO(iso).setZone('Europe/Paris').toFormat('yyyy-LL-dd HH:mm:ss');

beforeAll(async () => {
  stack = await startTestStack();
  await admin(`/admin/meetings/${MEETING}`, 'PUT', {
    title: 'Club des exports',
    venue: 'Villejuif',
    timezone: 'Europe/Paris',
    registration_opens_at: past,
    registration_closes_at: future,
    image_rights_notice: 'J’accepte d’être photographié·e.',
    days: [{ date: DAY, label: 'Vendredi 7 juin', onsite_capacity: 50, waiting_list: false }],
    workshops: [{ id: 'atelier', day: DAY, title: 'Atelier', starts_at: '14:00', ends_at: '16:00', capacity: 20, waiting_list: false }],
    evening_event: { date: DAY, title: 'Soirée', capacity: 20, waiting_list: false },
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('every CSV export: dates spreadsheets read, one header per concept', () => {
  it('meeting exports: registration and check-in instants in the meeting’s time', async () => {
    const claire = await signed(`/meetings/${MEETING}/registrations`, {
      form_uuid: 'csv-dates-1',
      email: 'claire@villejuif.fr',
      first_name: 'Claire',
      last_name: 'Martin',
      organisation: 'Ville de Villejuif',
      onsite_days: [DAY],
      workshops: ['atelier'],
      evening_event: true,
      image_rights: 'refused',
    });
    const checkIn = await admin(`/admin/registrations/${claire.data.registration_id}/check-in`, 'POST', { day: DAY });
    const list = (await admin(`/admin/meetings/${MEETING}/registrations`)).data as Array<Record<string, any>>;
    const createdAt = list.find((r) => r['registration_id'] === claire.data.registration_id)?.['created_at'] as string;
    expect(createdAt).toMatch(ISO_INSTANT);

    const [row] = await exported(`/admin/meetings/${MEETING}/registrations`);
    expect(row?.['Inscrit·e le']).toBe(paris(createdAt));
    expect(row?.['Présent le vendredi 7 juin']).toBe(paris(checkIn.data.checked_in_at as string));
    expect(row?.['Courriel']).toBe('claire@villejuif.fr');
    const [roster] = await exported(`/admin/meetings/${MEETING}/workshops/atelier/roster`);
    expect(roster?.['Présent·e']).toBe(paris(checkIn.data.checked_in_at as string));
    await exported(`/admin/meetings/${MEETING}/evening`);
    await exported(`/admin/meetings/${MEETING}/image-rights-refusals`);
    await exported(`/admin/meetings/${MEETING}`);
  });

  it('ballots: proposal titles beside ids, the agent named from the registration, Paris dates', async () => {
    await admin(`/admin/campaigns/${CAMPAIGN}`, 'PUT', {
      title: 'Évolutions',
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
    const proposal = await signed('/proposals', {
      form_uuid: 'csv-dates-prop',
      campaign_id: CAMPAIGN,
      title: 'Paiement en plusieurs fois',
      description: 'Pouvoir payer en trois fois.',
      use_case: 'Les cantines.',
      component: 'w.c.s.',
      organisation: 'Ville de Villejuif',
      email: 'claire@villejuif.fr',
    });
    const id = proposal.data.proposal_id as string;
    await admin(`/admin/campaigns/${CAMPAIGN}/open`, 'POST');
    // The ballot form sends no name: the registration's names fill the agent column.
    await signed(`/campaigns/${CAMPAIGN}/ballots`, { form_uuid: 'csv-dates-ballot', email: 'claire@villejuif.fr', choices: id });
    const json = (await admin(`/admin/campaigns/${CAMPAIGN}/ballots`)).data as Array<Record<string, any>>;
    const [row] = await exported(`/admin/campaigns/${CAMPAIGN}/ballots`);
    expect(row?.['Choix']).toBe(`${id} « Paiement en plusieurs fois »`);
    expect(row?.['Agent']).toBe('Claire Martin');
    expect(row?.['Courriel']).toBe('claire@villejuif.fr');
    expect(row?.['Déposé le']).toBe(paris(json[0]?.['cast_at'] as string));
    await exported(`/admin/campaigns/${CAMPAIGN}/results`);
  });

  it('survey responses, session subscribers and deliveries', async () => {
    await admin(`/admin/surveys/${SURVEY}`, 'PUT', {
      meeting_id: MEETING,
      title: 'Votre avis',
      opens_at: past,
      closes_at: future,
      min_group_size: 1,
      questions: [{ id: 'global', type: 'rating', label: 'Note', required: true }],
    });
    await signed(`/surveys/${SURVEY}/responses`, { form_uuid: 'csv-dates-answer', email: 'claire@villejuif.fr', answers: { global: 4 } });
    await exported(`/admin/surveys/${SURVEY}/results`);

    await admin(`/admin/session-series/${SERIES}`, 'PUT', {
      title: 'Sessions en ligne',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
      dtstart: '2031-01-14T14:00',
      until: '2031-12-31',
      duration_minutes: 90,
      visio_url: 'https://visio.example.org/club-publik',
      default_topic: 'Session en ligne',
      reminders: [{ days_before: 7, at: '09:00' }],
    });
    await signed('/sessions/subscriptions', { form_uuid: 'csv-dates-sub', email: 'paul@villejuif.fr', first_name: 'Paul', series_id: SERIES });
    const subscribers = (await admin(`/admin/session-series/${SERIES}/subscribers`)).data as Array<Record<string, any>>;
    const [subscriber] = await exported(`/admin/session-series/${SERIES}/subscribers`);
    expect(subscriber?.['Courriel']).toBe('paul@villejuif.fr');
    expect(subscriber?.['Abonné·e le']).toBe(paris(subscribers[0]?.['subscribed_at'] as string));
    await stack.consumers['queue-reminders']?.poller.idle(60_000);
    const report = (await admin(`/admin/sessions/${FIRST_SESSION}/deliveries`)).data as { deliveries: Array<Record<string, any>> };
    const [delivery] = await exported(`/admin/sessions/${FIRST_SESSION}/deliveries`);
    expect(delivery?.['Date']).toBe(paris(report.deliveries[0]?.['at'] as string));
  });

  it('one spelling per concept across every export seen above', () => {
    const about = (pattern: RegExp) => [...headersSeen].filter((h) => pattern.test(h)).sort();
    expect(about(/courriel|mail|électronique|adresse/i)).toEqual(['Courriel']);
    expect(about(/organi[sz]ation/i)).toEqual(['Organisation', 'Type d’organisation']);
    expect(about(/^(nom|name|last|first|prénom)/i)).toEqual(['Nom', 'Nom sur le badge', 'Prénom']);
  });
});
