// The organiser side of registration through the http-admin handler, against DynamoDB Local
// and the SQS emulator: lists (JSON and CSV), rosters, the evening and "do not photograph"
// lists, check-in rules, and promotion when an organiser raises capacities.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import type { Notification } from '#shared/domain/registrations/ports.ts';
import { RegistrationRequestSchema, type Registration } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { httpEvent, lambdaContext } from '#tests/unit/lambda/http-event.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const dataTable = `adm-data-${suffix}`;
const nonceTable = `adm-nonces-${suffix}`;
const meetingId = `club-${suffix}`;
const token = `admin-${suffix}`;
const now = new Date('2026-05-02T10:00:00Z');

const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const sqs = new SQSClient(localClientConfig(endpoints.sqsEndpoint));

type Handler = (event: ReturnType<typeof httpEvent>, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;
let queueUrl: string;

// Registrations are made through the service directly, with a publisher that records.
const recorded: Notification[] = [];
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const meetingRepository = new DynamoMeetingRepository(ddb, dataTable);
const store = new DynamoRegistrationRepository(ddb, dataTable, meetingRepository, `${dataTable}-nonces`);
const service = new RegistrationService({
  meetings: meetingRepository,
  store,
  publisher: { publish: async (n) => void recorded.push(...n) },
  baseUrl: 'http://club.test',
});

const meetingBody = (capacities: { day1: number; workshop: number }) => ({
  title: 'Club de test',
  venue: 'Villejuif',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2026-06-01T00:00:00+02:00',
  image_rights_notice: 'J’accepte d’être photographié·e.',
  days: [
    { date: '2026-06-07', label: 'Dimanche 7 juin', onsite_capacity: capacities.day1, waiting_list: true },
    { date: '2026-06-08', label: 'Lundi 8 juin', onsite_capacity: 5, waiting_list: false },
  ],
  workshops: [
    { id: 'atelier-a', day: '2026-06-08', title: 'Atelier A', starts_at: '14:00', ends_at: '16:00', capacity: capacities.workshop, waiting_list: true },
  ],
  evening_event: { date: '2026-06-06', title: 'Soirée', capacity: 1, waiting_list: true },
});

interface Answer {
  status: number;
  headers: Record<string, string | number | boolean>;
  text: string;
  body: any;
}

async function call(method: string, path: string, opts: { query?: string; body?: unknown; auth?: string | null } = {}): Promise<Answer> {
  const auth = opts.auth === undefined ? `Bearer ${token}` : opts.auth;
  const res = await handler(
    httpEvent({
      method,
      path,
      rawQueryString: opts.query ?? '',
      body: opts.body,
      headers: auth === null ? {} : { authorization: auth },
    }),
    lambdaContext,
  );
  const textBody = String(res.body ?? '');
  const type = String(res.headers?.['content-type'] ?? '');
  return {
    status: res.statusCode ?? 0,
    headers: res.headers ?? {},
    text: textBody,
    body: type.startsWith('application/json') ? JSON.parse(textBody) : undefined,
  };
}

const people: Record<string, Registration> = {};
async function register(name: string, overrides: Record<string, unknown>): Promise<Registration> {
  const request = RegistrationRequestSchema.parse({
    form_uuid: `form-${name}-${suffix}`,
    form_number: `42-${name}`,
    email: `${name}@example.org`,
    first_name: name[0]?.toUpperCase() + name.slice(1),
    organisation: 'Ville de Test',
    image_rights: 'accepted',
    ...overrides,
  });
  const { registration } = await service.register(meetingId, request, now);
  people[name] = registration;
  return registration;
}

async function receiveNotifications(expected: number): Promise<Notification[]> {
  const out: Notification[] = [];
  for (let attempt = 0; attempt < 10 && out.length < expected; attempt++) {
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const m of res.Messages ?? []) out.push(JSON.parse(m.Body ?? '{}') as Notification);
  }
  return out;
}

beforeAll(async () => {
  await createTables(raw, { DataTable: dataTable, NonceTable: nonceTable });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `adm-notify-${suffix}` }))).QueueUrl as string;
  Object.assign(process.env, {
    DATA_TABLE: dataTable,
    NONCE_TABLE: nonceTable,
    DYNAMODB_ENDPOINT: endpoints.dynamodbEndpoint,
    SQS_ENDPOINT: endpoints.sqsEndpoint,
    NOTIFY_QUEUE_URL: queueUrl,
    ADMIN_TOKENS: `other-token,${token}`,
    AWS_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    PUBLIC_BASE_URL: 'http://club.test',
  });
  // The handler reads its configuration when its module is first imported.
  handler = ((await import('#functions/http-admin/handler.ts')) as { handler: Handler }).handler;

  const created = await call('PUT', `/admin/meetings/${meetingId}`, { body: meetingBody({ day1: 1, workshop: 1 }) });
  expect(created.status).toBe(201);
  expect(created.body.data).toMatchObject({ created: true, promoted: 0 });

  await register('alice', {
    last_name: 'Dupont',
    onsite_days: ['2026-06-07', '2026-06-08'],
    workshops: ['atelier-a'],
    evening_event: true,
  });
  await register('bruno', {
    last_name: 'Martin',
    onsite_days: ['2026-06-07'],
    remote_days: ['2026-06-08'],
    evening_event: true,
    image_rights: 'refused',
    badge_name: 'Bruno M.',
    dietary_requirements: 'Végétarien',
  });
  await register('chloe', { last_name: 'Étienne', onsite_days: ['2026-06-08'], workshops: ['atelier-a'], image_rights: 'refused' });
  await register('denis', { last_name: 'Zola', onsite_days: ['2026-06-07'] });
  const eve = await register('eve', { last_name: 'Annulée', remote_days: ['2026-06-08'] });
  await service.cancel(eve.id, now);
});

afterAll(() => {
  raw.destroy();
  sqs.destroy();
});

describe('admin authentication and formats', () => {
  it('refuses a call without a bearer token (401) or with a wrong one (403)', async () => {
    const missing = await call('GET', `/admin/meetings/${meetingId}/registrations`, { auth: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ err: 1, err_class: 'unauthorized' });
    const wrong = await call('GET', `/admin/meetings/${meetingId}/registrations`, { auth: 'Bearer nope' });
    expect(wrong.status).toBe(403);
  });

  it('refuses another format than json or csv with a French 400', async () => {
    const res = await call('GET', `/admin/meetings/${meetingId}/registrations`, { query: 'format=xlsx' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ err: 1, err_class: 'invalid-request' });
    expect(res.body.err_desc).toBe('Paramètres invalides : format : Valeur non autorisée pour le format : attendu json ou csv.');
  });

  it('answers 404 for an unknown meeting', async () => {
    const res = await call('GET', `/admin/meetings/nope-${suffix}/registrations`);
    expect(res.status).toBe(404);
    expect(res.body.err_class).toBe('unknown-meeting');
  });
});

describe('lists', () => {
  it('lists registrations as JSON with statuses, positions and live counts', async () => {
    const res = await call('GET', `/admin/meetings/${meetingId}/registrations`);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(4);
    expect(res.body.data.map((r: { last_name: string }) => r.last_name)).toEqual(['Dupont', 'Étienne', 'Martin', 'Zola']);
    const martin = res.body.data[2];
    expect(martin).toMatchObject({
      registration_id: people['bruno']?.id,
      status: 'waiting',
      days: [
        { date: '2026-06-07', mode: 'onsite', status: 'waiting', waiting_position: 1 },
        { date: '2026-06-08', mode: 'remote', status: 'confirmed' },
      ],
      evening_event: { status: 'waiting', waiting_position: 1 },
      image_rights: 'refused',
      badge_name: 'Bruno M.',
    });
    expect(res.body.counts.registrations).toMatchObject({ active: 4, cancelled: 1 });
    expect(res.body.counts.days[0]).toMatchObject({ onsite: { capacity: 1, confirmed: 1, waiting: 2, available: 0 } });
    expect(res.body.counts.days[1]).toMatchObject({ onsite: { confirmed: 2 }, remote: { confirmed: 1 } });

    const all = await call('GET', `/admin/meetings/${meetingId}/registrations`, { query: 'include_cancelled=1' });
    expect(all.body.count).toBe(5);
    expect(all.body.data.find((r: { last_name: string }) => r.last_name === 'Annulée')).toMatchObject({ status: 'cancelled' });
  });

  it('exports registrations as a CSV for Excel FR (BOM, ;, CRLF) with one row per active person', async () => {
    const res = await call('GET', `/admin/meetings/${meetingId}/registrations`, { query: 'format=csv' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${meetingId}-inscriptions.csv"`);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const lines = res.text.slice(1).split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1 + 4);
    const headers = lines[0]?.split(';') as string[];
    expect(headers.slice(0, 11)).toEqual([
      'Nom',
      'Prénom',
      'Courriel',
      'Organisation',
      'Type d’organisation',
      'Fonction',
      'Téléphone',
      'Profil',
      'Dimanche 7 juin',
      'Lundi 8 juin',
      'Atelier A',
    ]);
    const martin = lines.find((l) => l.startsWith('Martin;'))?.split(';') as string[];
    expect(martin[headers.indexOf('Dimanche 7 juin')]).toBe('Sur place (liste d’attente)');
    expect(martin[headers.indexOf('Lundi 8 juin')]).toBe('À distance');
    expect(martin[headers.indexOf('Soirée')]).toBe('Liste d’attente');
    expect(martin[headers.indexOf('Droit à l’image')]).toBe('Refuse');
    expect(martin[headers.indexOf('Statut')]).toBe('Liste d’attente');
    expect(martin[headers.indexOf('N° du formulaire')]).toBe('42-bruno');
    expect(martin[headers.indexOf('Inscrit·e le')]).toBe('2026-05-02 12:00:00');
    expect(lines.some((l) => l.startsWith('Annulée;'))).toBe(false);
  });

  it('gives the workshop roster: confirmed, then waiting with positions', async () => {
    const res = await call('GET', `/admin/meetings/${meetingId}/workshops/atelier-a/roster`);
    expect(res.status).toBe(200);
    expect(res.body.data.entries.map((e: { last_name: string; status: string; waiting_position: number | null }) => [e.last_name, e.status, e.waiting_position])).toEqual([
      ['Dupont', 'confirmed', null],
      ['Étienne', 'waiting', 1],
    ]);
    const csv = await call('GET', `/admin/meetings/${meetingId}/workshops/atelier-a/roster`, { query: 'format=csv' });
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${meetingId}-atelier-atelier-a.csv"`);
    expect(csv.text.slice(1).split('\r\n')[2]).toBe('Liste d’attente;1;Étienne;Chloe;Ville de Test;chloe@example.org;—;;');
    const unknown = await call('GET', `/admin/meetings/${meetingId}/workshops/inconnu/roster`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ err_class: 'unknown-workshop', err_desc: 'Atelier inconnu : « inconnu ».' });
  });

  it('gives the evening list with dietary requirements', async () => {
    const res = await call('GET', `/admin/meetings/${meetingId}/evening`);
    expect(res.status).toBe(200);
    expect(res.body.data.entries.map((e: { last_name: string; status: string; dietary_requirements: string | null }) => [e.last_name, e.status, e.dietary_requirements])).toEqual([
      ['Dupont', 'confirmed', null],
      ['Martin', 'waiting', 'Végétarien'],
    ]);
  });

  it('gives the "do not photograph" list', async () => {
    const res = await call('GET', `/admin/meetings/${meetingId}/image-rights-refusals`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { last_name: string; badge_name: string | null }) => [r.last_name, r.badge_name])).toEqual([
      ['Étienne', null],
      ['Martin', 'Bruno M.'],
    ]);
    const csv = await call('GET', `/admin/meetings/${meetingId}/image-rights-refusals`, { query: 'format=csv' });
    expect(csv.text.slice(1).split('\r\n')[2]).toBe('Martin;Bruno;Ville de Test;Bruno M.;—;Dimanche 7 juin (liste d’attente)');
  });
});

describe('check-in', () => {
  const checkIn = (id: string, day: unknown) => call('POST', `/admin/registrations/${id}/check-in`, { body: { day } });

  it('checks in someone confirmed on site, once per day (the first time is kept)', async () => {
    const alice = people['alice'] as Registration;
    const first = await checkIn(alice.id, '2026-06-07');
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ registration_id: alice.id, day: '2026-06-07', already_checked_in: false });
    const at = first.body.data.checked_in_at as string;
    expect(first.body.data.checked_in).toEqual({ '2026-06-07': at });

    const again = await checkIn(alice.id, '2026-06-07');
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ checked_in_at: at, already_checked_in: true });

    const second = await checkIn(alice.id, '2026-06-08');
    expect(second.body.data.checked_in).toEqual({ '2026-06-07': at, '2026-06-08': second.body.data.checked_in_at });

    const meeting = await call('GET', `/admin/meetings/${meetingId}`);
    expect(meeting.body.data.counts.days.map((d: { checked_in: number }) => d.checked_in)).toEqual([1, 1]);
  });

  it('refuses someone waiting or remote that day with 409 not-attending', async () => {
    const bruno = people['bruno'] as Registration;
    const waiting = await checkIn(bruno.id, '2026-06-07');
    expect(waiting.status).toBe(409);
    expect(waiting.body).toMatchObject({ err: 1, err_class: 'not-attending' });
    expect(waiting.body.err_desc).toBe('Bruno Martin est en liste d’attente pour le dimanche 7 juin : sa place sur place n’est pas confirmée.');
    const remote = await checkIn(bruno.id, '2026-06-08');
    expect(remote.status).toBe(409);
    expect(remote.body.err_desc).toBe('Bruno Martin participe à distance le lundi 8 juin.');
    expect((await store.findById(bruno.id))?.checked_in).toEqual({});
  });

  it('answers 404 for an unknown registration and 400 for a bad day', async () => {
    const unknown = await checkIn(`r${'a'.repeat(26)}`, '2026-06-07');
    expect(unknown.status).toBe(404);
    expect(unknown.body.err_class).toBe('unknown-registration');
    const bad = await checkIn((people['alice'] as Registration).id, 'demain');
    expect(bad.status).toBe(400);
    expect(bad.body.err_desc).toBe('Données invalides : day : Date attendue au format AAAA-MM-JJ.');
  });
});

describe('raising capacities', () => {
  it('promotes the first waiting requests when an organiser raises capacities', async () => {
    expect(recorded).toEqual([]);
    const res = await call('PUT', `/admin/meetings/${meetingId}`, { body: meetingBody({ day1: 2, workshop: 2 }) });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ created: false, promoted: 2 });
    // Day 1: Martin (first in line) gets the new place, Zola stays first in line.
    expect(res.body.data.days[0].places).toMatchObject({ total: 2, reserved: 2, waiting_list_reserved: 1 });
    expect(res.body.data.workshops[0].places).toMatchObject({ total: 2, reserved: 2, waiting_list_reserved: 0 });
    expect(res.body.data.evening_event.places).toMatchObject({ reserved: 1, waiting_list_reserved: 1 });

    const list = await call('GET', `/admin/meetings/${meetingId}/registrations`);
    const byName = new Map(list.body.data.map((r: { last_name: string }) => [r.last_name, r]));
    expect(byName.get('Martin')).toMatchObject({ status: 'partial', days: [{ status: 'confirmed' }, { status: 'confirmed' }] });
    expect(byName.get('Étienne')).toMatchObject({ status: 'confirmed', workshops: [{ id: 'atelier-a', status: 'confirmed' }] });
    expect(byName.get('Zola')).toMatchObject({ days: [{ status: 'waiting', waiting_position: 1 }] });

    const notifications = await receiveNotifications(2);
    expect(notifications.map((n) => [n.type, n.registration_id, n.type === 'registration.promoted' ? n.item_key : null]).sort()).toEqual(
      [
        ['registration.promoted', people['bruno']?.id, 'day:2026-06-07'],
        ['registration.promoted', people['chloe']?.id, 'workshop:atelier-a'],
      ].sort(),
    );

    // Saving again without a change promotes nobody.
    const again = await call('PUT', `/admin/meetings/${meetingId}`, { body: meetingBody({ day1: 2, workshop: 2 }) });
    expect(again.body.data.promoted).toBe(0);
  });
});
