// Subscriptions against DynamoDB Local and the SQS emulator: idempotency on the form uuid
// under concurrency, one subscription per email, unsubscribe/resubscribe, the one-click token,
// the nonce consumed inside the one write, the confirmation message, and the engine's reads.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { clientOptions } from '#shared/adapters/aws/client-options.ts';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { nonceKey } from '#shared/adapters/dynamodb/nonce-repository.ts';
import { DynamoSessionRepository, tokenHash } from '#shared/adapters/dynamodb/session-repository.ts';
import { SqsConfirmationPublisher } from '#shared/adapters/sqs/session-confirmations.ts';
import { CallNonce, ReplayedCallError } from '#shared/domain/call-nonce.ts';
import { RefusalError } from '#shared/errors.ts';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SessionCatalog } from '#shared/domain/sessions/reminder-catalog.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const now = new Date('2026-11-29T12:00:00Z');
const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `sess-data-${suffix}`, NonceTable: `sess-nonces-${suffix}` };
await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), tables);
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const sqs = new SQSClient(clientOptions(endpoints.sqsEndpoint));
const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `sess-reminders-${suffix}` }))).QueueUrl as string;

const store = new DynamoSessionRepository(ddb, tables.DataTable, tables.NonceTable);
const warnings: unknown[] = [];
const service = new SessionService({
  store,
  confirmations: new SqsConfirmationPublisher(sqs, queueUrl),
  baseUrl: 'http://club.test',
  logger: { warn: (m, a) => void warnings.push({ m, a }) },
});

const seriesBody = {
  title: 'Sessions en ligne du club',
  timezone: 'Europe/Paris',
  rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
  dtstart: '2027-01-12T14:00',
  until: '2028-12-31',
  duration_minutes: 90,
  visio_url: 'https://visio.example.org/club-publik',
  default_topic: 'Session en ligne du club',
  reminders: [{ days_before: 7, at: '09:00' }, { days_before: 1, at: '09:00' }, { minutes_before: 60 }],
};
let seriesSeq = 0;
async function newSeries(): Promise<string> {
  const id = `s${++seriesSeq}-${suffix}`;
  await service.putSeries(id, SeriesInputSchema.parse(seriesBody), now);
  return id;
}

let nonceSeq = 0;
const nonce = () => new CallNonce('demarches.example.org', `n-${++nonceSeq}-${suffix}`, Math.floor(Date.now() / 1000) + 300);
const subscribeBody = (seriesId: string, form: string, email = 'claire.martin@example.org') =>
  SubscribeRequestSchema.parse({ series_id: seriesId, form_uuid: `${form}-${suffix}`, email, first_name: 'Claire', last_name: 'Martin' });

async function receiveAll(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    for (const m of r.Messages ?? []) out.push(JSON.parse(m.Body ?? '{}') as Record<string, unknown>);
    if ((r.Messages ?? []).length === 0) break;
  }
  return out;
}

describe('series', () => {
  it('replacing a series answers created/replaced, keeps its creation date and its overrides', async () => {
    const id = `keep-${suffix}`;
    const first = await service.putSeries(id, SeriesInputSchema.parse(seriesBody), now);
    expect(first.created).toBe(true);
    await service.changeOccurrence(`${id}-2027-04-13`, { topic: 'Le nouveau portail agent' }, now);
    const later = new Date(now.getTime() + 3_600_000);
    const second = await service.putSeries(id, SeriesInputSchema.parse({ ...seriesBody, title: 'Renommée' }), later);
    expect(second).toMatchObject({ created: false, series: { created_at: now.toISOString(), title: 'Renommée' } });
    const found = await store.findSeriesWithOverrides(id);
    expect(found?.series.title).toBe('Renommée');
    expect(found?.overrides).toEqual([expect.objectContaining({ date: '2027-04-13', topic: 'Le nouveau portail agent' })]);
    // The override item (what the engine lists) and its copy in the series item agree.
    expect(await store.listOccurrenceOverrides(id)).toEqual(found?.overrides);
    const items = await service.dataSource({ series: id }, now);
    expect(items[1]?.text).toBe('Mardi 13 avril 2027, 14 h 00 – 15 h 30 — Le nouveau portail agent');
  });

  it('a move raises the sequence each time; the data source shows the new time', async () => {
    const id = await newSeries();
    const moved = await service.changeOccurrence(`${id}-2027-01-12`, { starts_at: '2027-01-14T14:00:00+01:00' }, now);
    expect(moved).toMatchObject({ sequence: 1, moved: true });
    const cancelled = await service.changeOccurrence(`${id}-2027-01-12`, { cancelled: true }, now);
    expect(cancelled).toMatchObject({ sequence: 2, cancelled: true, starts_at: '2027-01-14T14:00:00+01:00' });
    expect((await service.dataSource({ series: id }, now))[0]?.id).toBe(`${id}-2027-04-13`);
    const withCancelled = await service.dataSource({ series: id, include_cancelled: true }, now);
    expect(withCancelled[0]).toMatchObject({ id: `${id}-2027-01-12`, cancelled: true, disabled: true });
    await expect(service.changeOccurrence(`${id}-2027-01-13`, { topic: 'x' }, now)).rejects.toThrow(/Séance inconnue/);
  });

  it('concurrent changes of one occurrence both apply, each raising the sequence once', async () => {
    const id = await newSeries();
    const occ = `${id}-2027-07-13`;
    await Promise.all([
      service.changeOccurrence(occ, { duration_minutes: 60 }, now),
      service.changeOccurrence(occ, { starts_at: '2027-07-13T16:00:00+02:00' }, now),
    ]);
    const [override] = await store.listOccurrenceOverrides(id);
    expect(override).toMatchObject({ duration_minutes: 60, starts_at: '2027-07-13T16:00:00+02:00', sequence: 2, revision: 2 });
    expect((await store.findSeriesWithOverrides(id))?.overrides).toEqual([override]);
  });
});

describe('subscribing', () => {
  it('one write with the nonce; a replay of the form answers the same and sends nothing more', async () => {
    const id = await newSeries();
    await receiveAll();
    const n = nonce();
    const answer = await service.subscribe(subscribeBody(id, 'f1'), n, now);
    expect(n.consumed).toBe(true);
    expect(answer).toMatchObject({
      series_id: id,
      status: 'subscribed',
      already_subscribed: false,
      replayed: false,
      next_session: { id: `${id}-2027-01-12`, starts_at: '2027-01-12T14:00:00+01:00' },
    });
    expect(answer.unsubscribe_url).toMatch(/^http:\/\/club\.test\/u\/[A-Za-z0-9_-]{43}$/);
    const nonceItem = await ddb.send(new GetCommand({ TableName: tables.NonceTable, Key: nonceKey(n.orig, n.value) }));
    expect(nonceItem.Item).toBeDefined();

    const replayNonce = nonce();
    const replay = await service.subscribe(subscribeBody(id, 'f1'), replayNonce, now);
    expect(replay).toMatchObject({ replayed: true, subscription_id: answer.subscription_id, unsubscribe_url: answer.unsubscribe_url });
    expect(replayNonce.consumed).toBe(false); // the chain claims it: nothing was written

    const messages = await receiveAll();
    expect(messages).toEqual([
      { type: 'session.confirmation', series_id: id, subscriber_id: answer.subscription_id, occurrence_id: `${id}-2027-01-12`, subscription_version: 0 },
    ]);
  });

  it('a replayed nonce writes nothing', async () => {
    const id = await newSeries();
    const n = nonce();
    await service.subscribe(subscribeBody(id, 'r1', 'a@example.org'), n, now);
    const again = new CallNonce(n.orig, n.value, n.expiresAt);
    await expect(service.subscribe(subscribeBody(id, 'r2', 'b@example.org'), again, now)).rejects.toBeInstanceOf(ReplayedCallError);
    expect(await store.countSubscribers(id)).toBe(1);
  });

  it('20 copies of one form racing: one subscription, one confirmation, the others replayed', async () => {
    const id = await newSeries();
    await receiveAll();
    const answers = await Promise.all(Array.from({ length: 20 }, () => service.subscribe(subscribeBody(id, 'race'), nonce(), now)));
    expect(new Set(answers.map((a) => a.subscription_id)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(await store.countSubscribers(id)).toBe(1);
    expect(await store.listSubscriptions(id)).toHaveLength(1);
    expect((await receiveAll()).filter((m) => m['series_id'] === id)).toHaveLength(1);
  });

  it('the same email from two forms racing: one subscription, the other already_subscribed', async () => {
    const id = await newSeries();
    const [a, b] = await Promise.all([
      service.subscribe(subscribeBody(id, 'two-a', 'Same@Example.org'), nonce(), now),
      service.subscribe(subscribeBody(id, 'two-b', 'same@example.org'), nonce(), now),
    ]);
    expect(a!.subscription_id).toBe(b!.subscription_id);
    expect([a!.already_subscribed, b!.already_subscribed].sort()).toEqual([false, true]);
    const winner = a!.already_subscribed ? b! : a!;
    const other = a!.already_subscribed ? a! : b!;
    expect(winner.unsubscribe_url).toMatch(/\/u\//);
    expect(other.unsubscribe_url).toBeNull();
    expect(await store.countSubscribers(id)).toBe(1);
  });

  it('unsubscribe by form, then resubscribe: same id and link, active again, confirmation again', async () => {
    const id = await newSeries();
    const first = await service.subscribe(subscribeBody(id, 'u1'), nonce(), now);
    await receiveAll();
    const out = await service.unsubscribe(UnsubscribeRequestSchema.parse({ series_id: id, email: 'claire.martin@example.org', form_uuid: `u2-${suffix}` }), nonce(), now);
    expect(out).toMatchObject({ status: 'unsubscribed', was_subscribed: true, replayed: false });
    expect(await store.countSubscribers(id)).toBe(0);
    const replay = await service.unsubscribe(UnsubscribeRequestSchema.parse({ series_id: id, email: 'claire.martin@example.org', form_uuid: `u2-${suffix}` }), nonce(), now);
    expect(replay).toMatchObject({ was_subscribed: true, replayed: true });
    const unknown = await service.unsubscribe(UnsubscribeRequestSchema.parse({ series_id: id, email: 'nobody@example.org' }), nonce(), now);
    expect(unknown).toMatchObject({ status: 'unsubscribed', was_subscribed: false });

    const back = await service.subscribe(subscribeBody(id, 'u3'), nonce(), now);
    expect(back).toMatchObject({ subscription_id: first.subscription_id, already_subscribed: false, unsubscribe_url: first.unsubscribe_url });
    expect(await store.countSubscribers(id)).toBe(1);
    expect((await receiveAll()).filter((m) => m['series_id'] === id)).toHaveLength(1);
  });

  it('the one-click token unsubscribes once, idempotently; an unknown token finds nothing', async () => {
    const id = await newSeries();
    const answer = await service.subscribe(subscribeBody(id, 't1'), nonce(), now);
    const token = answer.unsubscribe_url!.split('/u/')[1] as string;
    expect(await service.describeToken(token)).toMatchObject({ series: { id } });
    expect(await store.countSubscribers(id)).toBe(1); // the page changes nothing
    expect(await service.unsubscribeByToken(token, now)).toMatchObject({ wasSubscribed: true });
    expect(await service.unsubscribeByToken(token, now)).toMatchObject({ wasSubscribed: false });
    expect(await store.countSubscribers(id)).toBe(0);
    expect(await service.unsubscribeByToken(`${token.slice(0, -2)}xx`, now)).toBeUndefined();
    expect(await service.describeToken('short')).toBeUndefined();
  });

  it('stores the token hashed in keys only', async () => {
    const id = await newSeries();
    const answer = await service.subscribe(subscribeBody(id, 'k1'), nonce(), now);
    const token = answer.unsubscribe_url!.split('/u/')[1] as string;
    const all = await ddb.send(new ScanCommand({ TableName: tables.DataTable }));
    const keysText = JSON.stringify((all.Items ?? []).map((i) => [i['pk'], i['sk'], i['gsi1pk'], i['gsi1sk']]));
    expect(keysText).not.toContain(token);
    expect(keysText).toContain(tokenHash(token));
  });

  it('an unknown series is a refusal; a missing series_id with several series is a 400 naming it', async () => {
    await expect(service.subscribe(subscribeBody(`nope-${suffix}`, 'x1'), nonce(), now)).rejects.toMatchObject({ code: 'unknown-series' });
    await expect(service.subscribe(subscribeBody(`nope-${suffix}`, 'x1'), nonce(), now)).rejects.toBeInstanceOf(RefusalError);
    const body = SubscribeRequestSchema.parse({ form_uuid: `x2-${suffix}`, email: 'a@example.org' });
    await expect(service.subscribe(body, nonce(), now)).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('series_id') });
  });
});

describe('what the reminder engine reads', () => {
  it('pages through active subscribers and finds one by id', async () => {
    const id = await newSeries();
    for (let i = 0; i < 7; i++) await service.subscribe(subscribeBody(id, `p${i}`, `p${i}@example.org`), nonce(), now);
    await service.unsubscribe(UnsubscribeRequestSchema.parse({ series_id: id, email: 'p3@example.org' }), nonce(), now);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listActiveSubscribers(id, cursor, 3);
      pages++;
      for (const s of page.items) {
        expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        seen.push(s.email);
      }
      cursor = page.cursor;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.sort()).toEqual(['p0', 'p1', 'p2', 'p4', 'p5', 'p6'].map((p) => `${p}@example.org`));
    expect(await store.countSubscribers(id)).toBe(6);
    const one = (await store.listActiveSubscribers(id, undefined, 1)).items[0]!;
    expect(await store.findSubscription(id, one.subscriber_id)).toMatchObject({ email: one.email, status: 'active' });
    expect(await store.findSubscription(id, 'unknown')).toBeUndefined();
    expect((await store.listSeries()).map((s) => s.id)).toContain(id);
  });
});

describe('the catalog the reminder engine reads', () => {
  it('series with reminder ids, upcoming occurrences with overrides, subscriber pages and lookups', async () => {
    const id = await newSeries();
    await service.changeOccurrence(`${id}-2027-04-13`, { starts_at: '2027-04-14T10:00:00+02:00' }, now);
    const a = await service.subscribe(subscribeBody(id, 'cat1', 'cat1@example.org'), nonce(), now);
    await service.subscribe(subscribeBody(id, 'cat2', 'cat2@example.org'), nonce(), now);
    const catalog = new SessionCatalog(store);

    const upcoming = await catalog.upcoming(id, now);
    expect(upcoming?.series).toMatchObject({ id, timezone: 'Europe/Paris', reminders: [{ id: '7d-0900' }, { id: '1d-0900' }, { id: '60m' }] });
    expect(upcoming?.occurrences[1]).toMatchObject({ id: `${id}-2027-04-13`, starts_at: '2027-04-14T10:00:00+02:00', sequence: 1, visio_url: seriesBody.visio_url });
    expect(await catalog.occurrence(`${id}-2027-01-12`)).toMatchObject({ occurrence: { sequence: 0, cancelled: false } });
    expect(await catalog.occurrence(`${id}-2027-01-13`)).toBeUndefined();

    const page = await catalog.subscribers(id, null, 10);
    expect(page).toEqual({ recipients: expect.arrayContaining([a.subscription_id]), cursor: null });
    expect(page.recipients).toHaveLength(2);
    const one = await catalog.subscriber(id, a.subscription_id);
    expect(one).toEqual({ id: a.subscription_id, series_id: id, email: 'cat1@example.org', first_name: 'Claire', unsubscribe_token: a.unsubscribe_url!.split('/u/')[1], active: true });
    await service.unsubscribeByToken(one!.unsubscribe_token, now);
    expect(await catalog.subscriber(id, a.subscription_id)).toMatchObject({ active: false });
  });
});
