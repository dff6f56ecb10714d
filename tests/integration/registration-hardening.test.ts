// The registration hot path as the hardening issue asks for it, against DynamoDB Local: one
// transaction when a remembered meeting says every place asked is free (refused by DynamoDB
// whenever it is not), otherwise two DynamoDB calls (one read, one transaction that also
// consumes the call's nonce), exact waiting
// positions, an organiser's change racing registrations, and capacities that cannot fall below
// what is confirmed.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { meetingKeys } from '#shared/adapters/dynamodb/keys.ts';
import { nonceKey } from '#shared/adapters/dynamodb/nonce-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { CallNonce, ReplayedCallError } from '#shared/domain/call-nonce.ts';
import { ConflictError, RefusalError } from '#shared/errors.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { MeetingChanges } from '#shared/domain/registrations/meeting-changes.ts';
import { RegistrationRequestSchema, type Registration } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const now = new Date('2026-05-02T10:00:00Z');
const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `hard-data-${suffix}`, NonceTable: `hard-nonces-${suffix}` };
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
await createTables(raw, tables);

const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const sent: string[] = [];
ddb.middlewareStack.add(
  (next, context) => async (args) => {
    sent.push(context.commandName ?? '?');
    return next(args);
  },
  { step: 'initialize', name: 'countCalls' },
);
const meetingRepository = new DynamoMeetingRepository(ddb, tables.DataTable);
const store = new DynamoRegistrationRepository(ddb, tables.DataTable, meetingRepository, tables.NonceTable);
const meetings = new MeetingService(meetingRepository);
const service = new RegistrationService({
  meetings: meetingRepository,
  store,
  publisher: { publish: async () => undefined },
  baseUrl: 'http://club.test',
  retry: { maxAttempts: 10_000, maxElapsedMs: 60_000, baseDelayMs: 5, maxDelayMs: 250 },
});
const changes = new MeetingChanges(meetings, meetingRepository, service, store);

/**
 * The organiser's early look at the registrations reads an index that lags the table by
 * milliseconds. This store shows it the listing as it was before any registration (the fault
 * injected); everything else reads and writes DynamoDB Local, so only the save's own
 * conditions can see the people who chose a workshop.
 */
class LaggingListingRepository extends DynamoRegistrationRepository {
  override async listByMeeting(): Promise<Registration[]> {
    return [];
  }
}
const laggingChanges = new MeetingChanges(meetings, meetingRepository, service, new LaggingListingRepository(ddb, tables.DataTable, meetingRepository, tables.NonceTable));

afterAll(() => {
  ddb.destroy();
  raw.destroy();
});

let seq = 0;
const meetingBody = (over: Record<string, unknown> = {}) =>
  MeetingInputSchema.parse({
    title: 'Club test',
    venue: 'Villejuif',
    registration_opens_at: '2026-01-01T00:00:00+01:00',
    registration_closes_at: '2026-12-31T00:00:00+01:00',
    days: [{ date: '2026-06-07', onsite_capacity: 30, waiting_list: true }],
    ...over,
  });
async function createMeeting(over: Record<string, unknown> = {}): Promise<string> {
  const id = `h-${++seq}-${suffix}`;
  await meetings.putMeeting(id, meetingBody(over), now);
  return id;
}
const person = (i: number | string, over: Record<string, unknown> = {}) =>
  RegistrationRequestSchema.parse({
    form_uuid: `hard-${i}-${suffix}`,
    email: `hard${i}@example.org`,
    last_name: `Nom ${i}`,
    organisation: 'Ville de Test',
    onsite_days: ['2026-06-07'],
    ...over,
  });
const dayCounter = async (meetingId: string) =>
  (await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: meetingKeys.item(meetingId, 'day:2026-06-07'), ConsistentRead: true }))).Item;
// The nonce expires on the real clock (the decisions use the fixed `now`): an expiry in the past
// could let DynamoDB Local's TTL sweep remove it mid-test and accept a replay.
const callNonce = (v: string) => new CallNonce('demarches.example.org', `${v}-${suffix}`, Math.floor(Date.now() / 1000) + 300);

describe('the hot path', () => {
  it('joins a waiting list with two DynamoDB calls: one read, one transaction consuming the nonce', async () => {
    const meetingId = await createMeeting({
      workshops: [{ id: 'w1', day: '2026-06-07', title: 'Atelier', starts_at: '10:00', ends_at: '12:00', capacity: 1, waiting_list: true }],
      evening_event: { date: '2026-06-06', capacity: 5, waiting_list: true },
    });
    await service.register(meetingId, person('warm', { workshops: ['w1'] }), now);
    const nonce = callNonce('n-hot');
    sent.length = 0;
    const outcome = await service.register(meetingId, person('hot', { workshops: ['w1'], evening_event: true }), now, nonce);
    expect(sent).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    // The waiting position comes from the write itself, exact at commit.
    expect(outcome.answer.workshops[0]).toMatchObject({ status: 'waiting', waiting_position: 1 });
    expect(nonce.consumed).toBe(true);
    const stored = await ddb.send(new GetCommand({ TableName: tables.NonceTable, Key: nonceKey(nonce.orig, nonce.value) }));
    expect(stored.Item).toBeDefined();

    // The same signed call again: refused, nothing more written.
    const before = (await store.listByMeeting(meetingId)).length;
    const replay = service.register(meetingId, person('hot-2'), now, callNonce('n-hot'));
    await expect(replay).rejects.toBeInstanceOf(ReplayedCallError);
    expect(await store.listByMeeting(meetingId)).toHaveLength(before);
  });

  it('registers with ONE DynamoDB call when this container read the meeting lately and every place asked is free', async () => {
    const meetingId = await createMeeting({
      workshops: [{ id: 'w1', day: '2026-06-07', title: 'Atelier', starts_at: '10:00', ends_at: '12:00', capacity: 5, waiting_list: true }],
    });
    await service.register(meetingId, person('one-warm', { workshops: ['w1'] }), now);
    const nonce = callNonce('n-one');
    sent.length = 0;
    const outcome = await service.register(meetingId, person('one-hot', { workshops: ['w1'] }), now, nonce);
    expect(sent).toEqual(['TransactWriteItemsCommand']);
    expect(outcome.answer.days[0]).toMatchObject({ status: 'confirmed' });
    expect(outcome.answer.workshops[0]).toMatchObject({ status: 'confirmed' });
    expect(nonce.consumed).toBe(true);
    expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 2 });
  });

  describe('a remembered meeting never decides: every change made elsewhere is seen', () => {
    // `other` is another container: it registers and the organiser changes the meeting while
    // `service` still remembers what it read.
    const other = new RegistrationService({
      meetings: meetingRepository,
      store,
      publisher: { publish: async () => undefined },
      baseUrl: 'http://club.test',
    });

    it('places taken elsewhere: the write is refused with the counter as it stands, and the person joins the waiting list without a read', async () => {
      const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 2, waiting_list: true }] });
      await service.register(meetingId, person('elsewhere-0'), now);
      await other.register(meetingId, person('elsewhere-1'), now);
      sent.length = 0;
      const outcome = await service.register(meetingId, person('elsewhere-2'), now);
      expect(sent).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
      expect(outcome.answer.days[0]).toMatchObject({ status: 'waiting', waiting_position: 1 });
      expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 2, waiting: 1 });
    });

    it('a waiting list joined elsewhere: the ticket refused comes back as it stands, the next one is taken without a read, position exact', async () => {
      const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 1, waiting_list: true }] });
      await service.register(meetingId, person('queue-0'), now);
      await service.register(meetingId, person('queue-1'), now); // waiting 1, remembered
      await other.register(meetingId, person('queue-2'), now); // waiting 2, unknown to `service`
      sent.length = 0;
      const outcome = await service.register(meetingId, person('queue-3'), now);
      expect(sent).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
      expect(outcome.answer.days[0]).toMatchObject({ status: 'waiting', waiting_position: 3 });
      expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 1, waiting: 3, seq: 3 });
    });

    it('a full item without waiting list: refused with day-full, nothing written, nonce left free', async () => {
      const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 2, waiting_list: false }] });
      await service.register(meetingId, person('nowl-0'), now);
      await other.register(meetingId, person('nowl-1'), now);
      const nonce = callNonce('n-nowl');
      await expect(service.register(meetingId, person('nowl-2'), now, nonce)).rejects.toMatchObject({ code: 'day-full' });
      expect(nonce.consumed).toBe(false);
      expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 2, waiting: 0 });
    });

    it('a meeting known to the container is not read again while the counters carry its version; a raised capacity is seen', async () => {
      const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 1, waiting_list: false }] });
      await service.register(meetingId, person('known-0'), now);
      // Full on what `service` knows: the read path, which does not read the meeting again.
      sent.length = 0;
      await expect(service.register(meetingId, person('known-1'), now)).rejects.toMatchObject({ code: 'day-full' });
      expect(sent).toEqual(['BatchGetItemCommand']);
      // The organiser raises the capacity: the counter's version moved, the meeting is read.
      await changes.putMeeting(meetingId, meetingBody({ days: [{ date: '2026-06-07', onsite_capacity: 2, waiting_list: false }] }), now);
      sent.length = 0;
      const outcome = await service.register(meetingId, person('known-2'), now);
      expect(sent).toEqual(['BatchGetItemCommand', 'GetItemCommand', 'TransactWriteItemsCommand']);
      expect(outcome.answer.days[0]).toMatchObject({ status: 'confirmed' });
      expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 2 });
    });

    it('the organiser closed registrations: refused on the new meeting', async () => {
      const meetingId = await createMeeting();
      await service.register(meetingId, person('closed-0'), now);
      await changes.putMeeting(meetingId, meetingBody({ registration_closes_at: '2026-05-01T00:00:00+02:00' }), now);
      await expect(service.register(meetingId, person('closed-1'), now)).rejects.toMatchObject({ code: 'registration-closed' });
      expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 1 });
    });

    it('the organiser removed a workshop: refused as unknown, not booked on a ghost', async () => {
      const withWorkshop = {
        workshops: [{ id: 'w', day: '2026-06-07', title: 'Atelier', starts_at: '10:00', ends_at: '12:00', capacity: 5, waiting_list: true }],
      };
      const meetingId = await createMeeting(withWorkshop);
      await service.register(meetingId, person('ghost-0'), now);
      await service.register(meetingId, person('ghost-w', { workshops: ['w'] }), now); // remembers w
      await service.cancel((await store.findByFormUuid(`hard-ghost-w-${suffix}`))!.id, now);
      await changes.putMeeting(meetingId, meetingBody(), now);
      await expect(service.register(meetingId, person('ghost-1', { workshops: ['w'] }), now)).rejects.toMatchObject({ code: 'unknown-workshop' });
    });

    it('the same form again: answered as a replay of the first registration', async () => {
      const meetingId = await createMeeting();
      const first = await service.register(meetingId, person('replay-0'), now);
      const again = await service.register(meetingId, person('replay-0'), now);
      expect(again.registration.id).toBe(first.registration.id);
      expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 1 });
    });

    it('an email registered by another form: already-registered, nothing written', async () => {
      const meetingId = await createMeeting();
      await service.register(meetingId, person('mail-0'), now);
      await service.register(meetingId, person('mail-1'), now);
      await expect(service.register(meetingId, person('mail-2', { email: 'hardmail-0@example.org' }), now)).rejects.toMatchObject({
        code: 'already-registered',
      });
      expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 2 });
    });

    it('a signed call played twice on the one-call path: refused, nothing more written', async () => {
      const meetingId = await createMeeting();
      await service.register(meetingId, person('nonce-0'), now);
      await service.register(meetingId, person('nonce-1'), now, callNonce('n-twice'));
      await expect(service.register(meetingId, person('nonce-2'), now, callNonce('n-twice'))).rejects.toBeInstanceOf(ReplayedCallError);
      expect(await dayCounter(meetingId)).toMatchObject({ confirmed: 2 });
    });
  });

  it('a refused registration leaves the nonce free', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 1, waiting_list: false }] });
    await service.register(meetingId, person('full-1'), now);
    const nonce = callNonce('n-refused');
    await expect(service.register(meetingId, person('full-2'), now, nonce)).rejects.toMatchObject({ code: 'day-full' });
    expect(nonce.consumed).toBe(false);
  });
});

describe('an organiser’s change racing registrations', () => {
  it('a workshop removed while people register: the removal sees them (409) or wins first, never a 500 nor a ghost workshop', async () => {
    for (let round = 0; round < 4; round++) {
      const withWorkshop = {
        workshops: [{ id: 'w', day: '2026-06-07', title: 'Atelier', starts_at: '10:00', ends_at: '12:00', capacity: 50, waiting_list: true }],
      };
      const meetingId = await createMeeting(withWorkshop);
      const registering = Array.from({ length: 12 }, (_, i) =>
        service.register(meetingId, person(`race-${round}-${i}`, { workshops: ['w'] }), now).then(
          (o) => ({ ok: true as const, o }),
          (e: unknown) => ({ ok: false as const, e }),
        ),
      );
      // Let a few registrations through on some rounds, none on others.
      if (round % 2 === 1) await new Promise((r) => setTimeout(r, 30));
      const removal = changes.putMeeting(meetingId, meetingBody(), now).then(
        () => 'removed',
        (e: unknown) => e,
      );
      const [results, removed] = await Promise.all([Promise.all(registering), removal]);
      for (const r of results) {
        if (!r.ok) {
          expect(r.e, String(r.e)).toBeInstanceOf(RefusalError);
          expect((r.e as RefusalError).code).toBe('unknown-workshop');
        }
      }
      const { meeting } = await meetings.getMeeting(meetingId);
      const holders = (await store.listByMeeting(meetingId)).filter((reg) => reg.state === 'active' && reg.workshops.includes('w'));
      if (removed === 'removed') {
        expect(meeting.workshops).toEqual([]);
        expect(holders).toEqual([]);
      } else {
        expect(removed).toBeInstanceOf(ConflictError);
        expect((removed as ConflictError).code).toBe('item-in-use');
        expect(meeting.workshops.map((w) => w.id)).toEqual(['w']);
        expect(holders.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('a workshop removed or moved while people choose it, decided by the save’s conditions', () => {
  const W = { id: 'w', day: '2026-06-07', title: 'Atelier', starts_at: '10:00', ends_at: '12:00', capacity: 50, waiting_list: true };
  const D1 = '2026-06-07';
  const D2 = '2026-06-08';
  const later = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const settle = <T>(p: Promise<T>) => p.then((o) => ({ ok: true as const, o }), (e: unknown) => ({ ok: false as const, e }));
  const choosers = async (meetingId: string) =>
    (await store.listByMeeting(meetingId)).filter((reg) => reg.state === 'active' && reg.workshops.includes('w'));
  const chosenCount = async (meetingId: string) => {
    const out = await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: meetingKeys.item(meetingId, 'workshop:w'), ConsistentRead: true }));
    return out.Item ? Number(out.Item['chosen'] ?? 0) : undefined;
  };

  it('someone waiting for the full day chose the workshop: its removal is refused by the save, the listing lagging', async () => {
    const meetingId = await createMeeting({ days: [{ date: D1, onsite_capacity: 1, waiting_list: true }], workshops: [W] });
    await service.register(meetingId, person(`wd-filler-${meetingId}`), now);
    const waiter = await service.register(meetingId, person(`wd-waiter-${meetingId}`, { workshops: ['w'] }), now);
    expect(waiter.answer.workshops[0]).toMatchObject({ waiting_for_day: true });
    expect(waiter.registration.items.map((h) => h.key)).toEqual([`day:${D1}`]); // nothing held on the workshop

    const removal = laggingChanges.putMeeting(meetingId, meetingBody({ days: [{ date: D1, onsite_capacity: 1, waiting_list: true }] }), now);
    await expect(removal).rejects.toBeInstanceOf(ConflictError);
    await expect(removal).rejects.toMatchObject({ code: 'item-in-use', details: { data: { workshops: ['w'] } } });
    expect((await meetings.getMeeting(meetingId)).meeting.workshops.map((w) => w.id)).toEqual(['w']);
    expect(await chosenCount(meetingId)).toBe(1);

    // Once they no longer choose it, the count is back to 0 and the workshop may go.
    await service.modify(waiter.registration.id, person(`wd-waiter-${meetingId}`), now);
    expect(await chosenCount(meetingId)).toBe(0);
    await laggingChanges.putMeeting(meetingId, meetingBody({ days: [{ date: D1, onsite_capacity: 1, waiting_list: true }] }), now);
    expect((await meetings.getMeeting(meetingId)).meeting.workshops).toEqual([]);
  });

  it('a modification adding the workshop, the removal committing between its read and its write: decided again, unknown-workshop', async () => {
    // The modification of someone waiting for the day plans no counter change but the choice:
    // only the count's own meeting-version condition can see the removal that came in between.
    class RemovalFirst extends DynamoRegistrationRepository {
      before: (() => Promise<unknown>) | undefined;
      override async update(...args: Parameters<DynamoRegistrationRepository['update']>): Promise<void> {
        const run = this.before;
        this.before = undefined;
        await run?.();
        return super.update(...args);
      }
    }
    const hooked = new RemovalFirst(ddb, tables.DataTable, meetingRepository, tables.NonceTable);
    const hookedService = new RegistrationService({ meetings: meetingRepository, store: hooked, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
    const days = [{ date: D1, onsite_capacity: 1, waiting_list: true }];
    const meetingId = await createMeeting({ days, workshops: [W] });
    await service.register(meetingId, person(`mf-filler-${meetingId}`), now);
    const waiter = await service.register(meetingId, person(`mf-waiter-${meetingId}`), now);
    hooked.before = () => changes.putMeeting(meetingId, meetingBody({ days }), now);
    const modification = hookedService.modify(waiter.registration.id, person(`mf-waiter-${meetingId}`, { workshops: ['w'] }), now);
    await expect(modification).rejects.toMatchObject({ code: 'unknown-workshop' });
    expect((await meetings.getMeeting(meetingId)).meeting.workshops).toEqual([]);
    expect((await store.findById(waiter.registration.id))?.workshops).toEqual([]);
  });

  it('people waiting for the full day register while the workshop they choose is removed: 409 and they keep it, or the removal first and unknown-workshop', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const days = [{ date: D1, onsite_capacity: 1, waiting_list: true }];
      const meetingId = await createMeeting({ days, workshops: [W] });
      const filler = await service.register(meetingId, person(`rw-${round}-filler-${meetingId}`), now);
      const registering = Array.from({ length: 8 }, (_, i) =>
        settle(later(6 * round + 3 * i).then(() => service.register(meetingId, person(`rw-${round}-${i}-${meetingId}`, { workshops: ['w'] }), now))),
      );
      // The registrations start later each round: the change lands at a different point among them.
      const removal = settle(later(12).then(() => (round % 2 === 0 ? laggingChanges : changes).putMeeting(meetingId, meetingBody({ days }), now)));
      const [results, removed] = await Promise.all([Promise.all(registering), removal]);
      const { meeting } = await meetings.getMeeting(meetingId);
      const active = await choosers(meetingId);
      if (removed.ok) {
        outcomes.add('removed');
        // The removal won: every registration decided again on the meeting without the workshop.
        for (const r of results) expect(r.ok ? 'registered' : (r.e as RefusalError).code, String(r.ok || r.e)).toBe('unknown-workshop');
        expect(meeting.workshops).toEqual([]);
        expect(active).toEqual([]);
      } else {
        outcomes.add('refused');
        expect(removed.e).toBeInstanceOf(ConflictError);
        expect(removed.e).toMatchObject({ code: 'item-in-use', details: { data: { workshops: ['w'] } } });
        expect(meeting.workshops.map((w) => w.id)).toEqual(['w']);
        for (const r of results) {
          if (r.ok) expect(r.o.registration.workshops).toEqual(['w']);
          else expect((r.e as RefusalError).code).toBe('unknown-workshop');
        }
        expect(active.length).toBeGreaterThan(0);
        expect(await chosenCount(meetingId)).toBe(active.length);
        // The first in line gets the day and then the workshop; the count does not move.
        await service.cancel(filler.registration.id, now);
        expect(await chosenCount(meetingId)).toBe(active.length);
      }
    }
    expect(outcomes.size).toBeGreaterThan(0);
  });

  it('a confirmed holder of the workshop: moving it to another day is refused by the save, the listing lagging', async () => {
    const days = [
      { date: D1, onsite_capacity: 30, waiting_list: true },
      { date: D2, onsite_capacity: 30, waiting_list: true },
    ];
    const meetingId = await createMeeting({ days, workshops: [W] });
    const holder = await service.register(meetingId, person(`mv-holder-${meetingId}`, { workshops: ['w'] }), now);
    expect(holder.answer.workshops[0]).toMatchObject({ status: 'confirmed' });
    const move = laggingChanges.putMeeting(meetingId, meetingBody({ days, workshops: [{ ...W, day: D2 }] }), now);
    await expect(move).rejects.toMatchObject({ code: 'item-in-use', details: { data: { workshops: ['w'] } } });
    expect((await meetings.getMeeting(meetingId)).meeting.workshops[0]?.day).toBe(D1);
    // Other changes of the workshop (its capacity) are not refused.
    await laggingChanges.putMeeting(meetingId, meetingBody({ days, workshops: [{ ...W, capacity: 40 }] }), now);

    // Cancelled, the holder no longer counts: the move goes through.
    await service.cancel(holder.registration.id, now);
    expect(await chosenCount(meetingId)).toBe(0);
    await laggingChanges.putMeeting(meetingId, meetingBody({ days, workshops: [{ ...W, day: D2 }] }), now);
    expect((await meetings.getMeeting(meetingId)).meeting.workshops[0]?.day).toBe(D2);
  });

  it('people register for the workshop while it moves to another day: 409, or the move first and they are decided on its new day', async () => {
    const days = [
      { date: D1, onsite_capacity: 30, waiting_list: true },
      { date: D2, onsite_capacity: 30, waiting_list: true },
    ];
    for (let round = 0; round < 8; round++) {
      const meetingId = await createMeeting({ days, workshops: [W] });
      // Half come on the workshop's day only, half on both days (they may follow it).
      const registering = Array.from({ length: 8 }, (_, i) =>
        settle(
          later(6 * round + 3 * i).then(() =>
            service.register(meetingId, person(`mv-${round}-${i}-${meetingId}`, { workshops: ['w'], onsite_days: i % 2 === 0 ? [D1] : [D1, D2] }), now),
          ),
        ),
      );
      const move = settle(
        later(12).then(() => (round % 2 === 0 ? laggingChanges : changes).putMeeting(meetingId, meetingBody({ days, workshops: [{ ...W, day: D2 }] }), now)),
      );
      const [results, moved] = await Promise.all([Promise.all(registering), move]);
      const { meeting } = await meetings.getMeeting(meetingId);
      const active = await choosers(meetingId);
      for (const r of results) if (!r.ok) expect((r.e as RefusalError).code, String(r.e)).toBe('workshop-requires-onsite');
      if (moved.ok) {
        expect(meeting.workshops[0]?.day).toBe(D2);
        // Nobody kept a choice made on its former day: each chose it on its new day.
        for (const reg of active) expect(reg.days).toContainEqual({ date: D2, mode: 'onsite' });
        for (const r of results) if (r.ok) expect(r.o.registration.days).toContainEqual({ date: D2, mode: 'onsite' });
      } else {
        expect(moved.e).toMatchObject({ code: 'item-in-use', details: { data: { workshops: ['w'] } } });
        expect(meeting.workshops[0]?.day).toBe(D1);
        expect(active.length).toBeGreaterThan(0);
      }
      expect(await chosenCount(meetingId)).toBe(active.length);
    }
  });
});

describe('capacities below what is confirmed', () => {
  it('are refused with 409 naming the item and its confirmed count, unless overbooking is allowed', async () => {
    const meetingId = await createMeeting();
    await Promise.all(Array.from({ length: 20 }, (_, i) => service.register(meetingId, person(`cap-${i}`), now)));
    const lower = meetingBody({ days: [{ date: '2026-06-07', onsite_capacity: 3, waiting_list: true }] });
    const error = await meetings.putMeeting(meetingId, lower, now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      code: 'capacity-below-confirmed',
      details: { data: { items: [{ item: 'day:2026-06-07', confirmed: 20, capacity: 3 }] } },
    });
    expect((error as Error).message).toMatch(/20 confirmées pour 3 places/);
    expect((await meetings.getMeeting(meetingId)).items.find((i) => i.key === 'day:2026-06-07')?.capacity).toBe(30);

    await meetings.putMeeting(meetingId, meetingBody({ days: [{ date: '2026-06-07', onsite_capacity: 3, waiting_list: true }], allow_overbooking: true }), now);
    const day = (await meetings.getMeeting(meetingId)).items.find((i) => i.key === 'day:2026-06-07');
    expect(day).toMatchObject({ capacity: 3, confirmed: 20 });
  });
});
