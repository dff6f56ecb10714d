// Registration against DynamoDB Local: capacity under concurrency, idempotency, promotion,
// modification, and faults that the emulator cannot produce (injected into the client).
import { randomBytes } from 'node:crypto';
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import type { Notification } from '#shared/domain/registrations/ports.ts';
import { RegistrationRequestSchema, type RegistrationRequest } from '#shared/domain/registrations/schema.ts';
import { RegistrationService, type RetryPolicy } from '#shared/domain/registrations/service.ts';
import { RefusalError, ServiceBusyError } from '#shared/errors.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const now = new Date('2026-05-02T10:00:00Z');
const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tableName = `reg-data-${suffix}`;
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));

const published: Notification[] = [];
const publisher = { publish: async (n: Notification[]) => void published.push(...n) };

function services(opts: { retry?: RetryPolicy } = {}) {
  const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
  const meetings = new DynamoMeetingRepository(ddb, tableName);
  const store = new DynamoRegistrationRepository(ddb, tableName, meetings, `${tableName}-nonces`);
  const service = new RegistrationService({ meetings, store, publisher, baseUrl: 'http://club.test', ...opts });
  return { ddb, meetings, store, service, meetingService: new MeetingService(meetings) };
}
const main = services();
// A 500-request burst on one waiting list is served one ticket at a time (each join takes the
// next ticket by compare-and-set, for exact positions): on a shared laptop-class machine that
// takes longer than the 7 s a Lambda invocation allows itself, so these tests give the service
// a longer budget. The production budget answering "busy" in time is tested below.
const burst = services({ retry: { maxAttempts: 10_000, maxElapsedMs: 170_000, baseDelayMs: 5, maxDelayMs: 250 } });

let meetingSeq = 0;
async function createMeeting(body: Record<string, unknown>): Promise<string> {
  const id = `m-${++meetingSeq}-${suffix}`;
  const input = MeetingInputSchema.parse({
    title: 'Club test',
    venue: 'Villejuif',
    registration_opens_at: '2026-01-01T00:00:00+01:00',
    registration_closes_at: '2026-12-31T00:00:00+01:00',
    ...body,
  });
  await main.meetingService.putMeeting(id, input, now);
  return id;
}

function request(i: number | string, overrides: Record<string, unknown> = {}): RegistrationRequest {
  return RegistrationRequestSchema.parse({
    form_uuid: `form-${i}-${suffix}`,
    email: `person${i}@example.org`,
    last_name: `Nom ${i}`,
    organisation: 'Ville de Test',
    onsite_days: ['2026-06-07'],
    ...overrides,
  });
}

async function counter(meetingId: string, key: string) {
  const item = (await main.store.readCounters(meetingId)).get(key);
  if (!item) throw new Error(`no item ${key}`);
  return { confirmed: item.confirmed, waiting: item.waiting };
}

async function waitingPositions(meetingId: string, key: string): Promise<number[]> {
  const regs = await main.store.listByMeeting(meetingId);
  const positions: number[] = [];
  for (const reg of regs) {
    const fresh = await main.store.findById(reg.id);
    if (!fresh || !fresh.items.some((h) => h.key === key && h.status === 'waiting')) continue;
    const p = (await main.store.waitingPositions(fresh)).get(key);
    if (p !== undefined) positions.push(p);
  }
  return positions.sort((a, b) => a - b);
}

beforeAll(async () => {
  await createTables(raw, { DataTable: tableName, NonceTable: `reg-nonces-${suffix}` });
});

afterAll(() => {
  raw.destroy();
});

describe('capacity under concurrency', () => {
  // Taking a free place is decided by the counter's capacity condition alone: a 500-request
  // burst commits without serialising. Joining a waiting list takes the next ticket by
  // compare-and-set on the counter (exact positions at commit), one winner per round: bursts
  // that end on a waiting list are smaller here, with a longer time budget (see `burst`).
  for (const [capacity, people] of [
    [500, 500],
    [1, 40],
    [10, 60],
    [100, 150],
  ] as const) {
    it(`${people} concurrent registrations on one item of capacity ${capacity}: exact counts, exact FIFO positions`, async () => {
      const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: capacity, waiting_list: true }] });
      const outcomes = await Promise.all(
        Array.from({ length: people }, (_, i) => burst.service.register(meetingId, request(`${capacity}-${i}`), now)),
      );
      const confirmed = outcomes.filter((o) => o.answer.status === 'confirmed');
      const waiting = outcomes.filter((o) => o.answer.status === 'waiting');
      expect(confirmed).toHaveLength(Math.min(capacity, people));
      expect(waiting).toHaveLength(people - Math.min(capacity, people));
      // Every answer told its exact position at commit: 1..n, no two people told the same.
      const told = waiting.map((o) => o.answer.days[0]?.waiting_position).sort((a, b) => (a ?? 0) - (b ?? 0));
      expect(told).toEqual(Array.from({ length: waiting.length }, (_, i) => i + 1));
      expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: confirmed.length, waiting: waiting.length });

      // One registration per person, and the waiting list is 1..n with no gap or duplicate.
      const regs = await main.store.listByMeeting(meetingId);
      expect(new Set(regs.map((r) => r.email)).size).toBe(people);
      expect(regs).toHaveLength(people);
      const positions = await waitingPositions(meetingId, 'day:2026-06-07');
      expect(positions).toEqual(Array.from({ length: waiting.length }, (_, i) => i + 1));
      // What each person was told is where they stand.
      for (const o of waiting) {
        const fresh = await main.store.findById(o.answer.registration_id);
        expect((await main.store.waitingPositions(fresh!)).get('day:2026-06-07')).toBe(o.answer.days[0]?.waiting_position);
      }
    }, 240_000);
  }

  it('20 concurrent copies of one form make one registration', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 5, waiting_list: true }] });
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => main.service.register(meetingId, request('copy'), now)));
    const ids = new Set(outcomes.map((o) => o.answer.registration_id));
    expect(ids.size).toBe(1);
    expect(outcomes.filter((o) => !o.answer.replayed)).toHaveLength(1);
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 1, waiting: 0 });
    expect(await main.store.listByMeeting(meetingId)).toHaveLength(1);
  });

  it('concurrent cancellations promote exactly as many waiting people as they free, first in line first', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 10, waiting_list: true }] });
    const outcomes: Awaited<ReturnType<typeof main.service.register>>[] = [];
    for (let i = 0; i < 30; i++) outcomes.push(await main.service.register(meetingId, request(`c-${i}`), now));
    const confirmed = outcomes.filter((o) => o.answer.status === 'confirmed').map((o) => o.answer.registration_id);
    const waiting = outcomes.filter((o) => o.answer.status === 'waiting').map((o) => o.answer.registration_id);
    expect(confirmed).toHaveLength(10);
    expect(waiting).toHaveLength(20);
    published.length = 0;

    // Five confirmed people and the last three in line cancel at the same time.
    const leaving = [...confirmed.slice(0, 5), ...waiting.slice(-3)];
    await Promise.all(leaving.map((id) => main.service.cancel(id, now)));

    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 10, waiting: 12 });
    const promoted = published.filter((n) => n.meeting_id === meetingId).map((n) => n.registration_id);
    expect(promoted.sort()).toEqual(waiting.slice(0, 5).sort());
    for (const id of waiting.slice(0, 5)) {
      expect((await main.service.getRegistration(id)).answer.status).toBe('confirmed');
    }
    expect(await waitingPositions(meetingId, 'day:2026-06-07')).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await main.store.listOutbox('9999')).toEqual([]);

    // Cancelling again answers the same, and frees nothing more.
    const again = await main.service.cancel(leaving[0] as string, now);
    expect(again.answer).toMatchObject({ status: 'cancelled', replayed: true });
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 10, waiting: 12 });
  }, 120_000);
});

describe('registration rules on the real store', () => {
  const meetingBody = {
    days: [
      { date: '2026-06-07', onsite_capacity: 1, waiting_list: true },
      { date: '2026-06-08', onsite_capacity: 1, waiting_list: false },
    ],
    workshops: [
      { id: 'socle', day: '2026-06-07', title: 'Atelier socle', starts_at: '14:00', ends_at: '16:00', capacity: 1, waiting_list: true },
    ],
    evening_event: { date: '2026-06-06', title: 'Soirée', capacity: 1, waiting_list: true },
  };

  it('a full day without waiting list refuses the whole registration and books nothing', async () => {
    const meetingId = await createMeeting(meetingBody);
    await main.service.register(meetingId, request('full-1', { onsite_days: ['2026-06-08'] }), now);
    const attempt = main.service.register(meetingId, request('full-2', { onsite_days: ['2026-06-07', '2026-06-08'], evening_event: true }), now);
    await expect(attempt).rejects.toBeInstanceOf(RefusalError);
    await expect(attempt).rejects.toMatchObject({ code: 'day-full' });
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 0, waiting: 0 });
    expect(await counter(meetingId, 'evening')).toEqual({ confirmed: 0, waiting: 0 });
    expect(await main.store.findByFormUuid(`form-full-2-${suffix}`)).toBeUndefined();
    expect(await main.store.findIdByEmail(meetingId, 'personfull-2@example.org')).toBeUndefined();
  });

  it('someone waiting for the day gets the workshop when promoted to the day', async () => {
    const meetingId = await createMeeting(meetingBody);
    const first = await main.service.register(meetingId, request('w-1', { workshops: ['socle'] }), now);
    const second = await main.service.register(meetingId, request('w-2', { workshops: ['socle'] }), now);
    expect(first.answer.workshops[0]).toMatchObject({ status: 'confirmed' });
    expect(second.answer.status).toBe('waiting');
    expect(second.answer.days[0]).toMatchObject({ status: 'waiting', waiting_position: 1 });
    expect(second.answer.workshops[0]).toMatchObject({ status: 'waiting', waiting_position: null, waiting_for_day: true });
    expect(await counter(meetingId, 'workshop:socle')).toEqual({ confirmed: 1, waiting: 0 });

    published.length = 0;
    await main.service.cancel(first.answer.registration_id, now);
    const after = await main.service.getRegistration(second.answer.registration_id);
    expect(after.answer.status).toBe('confirmed');
    expect(after.answer.workshops[0]).toMatchObject({ status: 'confirmed', waiting_position: null });
    expect(await counter(meetingId, 'workshop:socle')).toEqual({ confirmed: 1, waiting: 0 });
    expect(published.map((n) => [n.registration_id, n.type === 'registration.promoted' ? n.item_key : null])).toEqual([[second.answer.registration_id, 'day:2026-06-07']]);
  });

  it('a modification keeps the waiting position of unchanged items and frees what is dropped', async () => {
    const meetingId = await createMeeting(meetingBody);
    await main.service.register(meetingId, request('m-1', { evening_event: true }), now);
    const second = await main.service.register(meetingId, request('m-2', { evening_event: true }), now);
    const third = await main.service.register(meetingId, request('m-3'), now);
    expect(third.answer.days[0]?.waiting_position).toBe(2);

    // The third person adds the evening: still second in line for the day, first for the evening.
    const changed = await main.service.register(meetingId, request('m-3', { evening_event: true }), now);
    expect(changed.answer.registration_id).toBe(third.answer.registration_id);
    expect(changed.answer.replayed).toBe(false);
    expect(changed.answer.days[0]).toMatchObject({ status: 'waiting', waiting_position: 2 });
    expect(changed.answer.evening_event).toMatchObject({ status: 'waiting', waiting_position: 2 });

    // The second person drops the evening: the third moves up to first place on that list.
    await main.service.modify(second.answer.registration_id, request('m-2', { evening_event: false }), now);
    const third2 = await main.service.getRegistration(third.answer.registration_id);
    expect(third2.answer.evening_event).toMatchObject({ status: 'waiting', waiting_position: 1 });
    expect(await counter(meetingId, 'evening')).toEqual({ confirmed: 1, waiting: 1 });

    // The same data again is a replay that books nothing.
    const replay = await main.service.register(meetingId, request('m-3', { evening_event: true }), now);
    expect(replay.answer.replayed).toBe(true);
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 1, waiting: 2 });
  });

  it('another form with an email already registered is refused, revealing nothing of that registration', async () => {
    const meetingId = await createMeeting(meetingBody);
    const first = await main.service.register(meetingId, request('e-1', { email: 'Same.Person@Example.org ' }), now);
    const error = await main.service.register(meetingId, request('e-2', { email: 'same.person@example.org' }), now).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'already-registered' });
    expect((error as RefusalError).details).toBeUndefined();
    expect((error as Error).message).not.toContain(first.answer.registration_id);
  });
});

describe('faults the emulator cannot produce', () => {
  type Fault = { command: string; remaining: number; error: () => Error };

  function faulty(fault: Fault, retry?: RetryPolicy) {
    const s = services({ retry });
    // The document client shares the base client's middleware stack: throw before sending.
    s.ddb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === fault.command && fault.remaining > 0) {
          fault.remaining--;
          throw fault.error();
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'faultInjection', priority: 'low' },
    );
    return s;
  }

  const conflict = () =>
    new TransactionCanceledException({
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
      $metadata: {},
      CancellationReasons: [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
    });

  it('transaction conflicts are retried with backoff and the result stays exact', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 2, waiting_list: true }] });
    const fault = { command: 'TransactWriteItemsCommand', remaining: 4, error: conflict };
    const s = faulty(fault);
    const outcomes = await Promise.all([0, 1, 2].map((i) => s.service.register(meetingId, request(`tc-${i}`), now)));
    expect(fault.remaining).toBe(0);
    expect(outcomes.map((o) => o.answer.status).sort()).toEqual(['confirmed', 'confirmed', 'waiting']);
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 2, waiting: 1 });
  });

  it('conflicts that outlast the retries answer busy, with nothing written', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 2, waiting_list: true }] });
    const fault = { command: 'TransactWriteItemsCommand', remaining: 1_000, error: conflict };
    const s = faulty(fault, { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 });
    const attempt = s.service.register(meetingId, request('busy'), now);
    await expect(attempt).rejects.toBeInstanceOf(ServiceBusyError);
    await expect(attempt).rejects.toMatchObject({ code: 'service-busy', statusCode: 503 });
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 0, waiting: 0 });
    expect(await main.store.findByFormUuid(`form-busy-${suffix}`)).toBeUndefined();
    expect(await main.store.listByMeeting(meetingId)).toEqual([]);
  });

  it('a cancellation that planning again cannot cure is not retried', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 2, waiting_list: true }] });
    const invalid = () =>
      new TransactionCanceledException({
        message: 'Transaction cancelled [ValidationError]',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ValidationError', Message: 'Item size has exceeded the maximum allowed size' }],
      });
    const fault = { command: 'TransactWriteItemsCommand', remaining: 1_000, error: invalid };
    await expect(faulty(fault).service.register(meetingId, request('invalid'), now)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(fault.remaining).toBe(999);
  });

  it('throttling is absorbed by the SDK retries, and when it persists surfaces with nothing written', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 2, waiting_list: true }] });
    const throttle = () => new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    const brief = { command: 'TransactWriteItemsCommand', remaining: 2, error: throttle };
    const ok = await faulty(brief).service.register(meetingId, request('th-1'), now);
    expect(ok.answer.status).toBe('confirmed');
    expect(brief.remaining).toBe(0);

    const persistent = { command: 'TransactWriteItemsCommand', remaining: 1_000, error: throttle };
    await expect(faulty(persistent).service.register(meetingId, request('th-2'), now)).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 1, waiting: 0 });
    expect(await main.store.findByFormUuid(`form-th-2-${suffix}`)).toBeUndefined();
  });

  it('a promotion cut short after the release is completed by the maintenance sweep', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 1, waiting_list: true }] });
    const first = await main.service.register(meetingId, request('crash-1'), now);
    const second = await main.service.register(meetingId, request('crash-2'), now);
    // The first read after the cancellation's transaction fails, as a timed-out Lambda would.
    const fault = { command: 'QueryCommand', remaining: 1, error: () => new Error('Task timed out after 10.00 seconds') };
    const cancelled = await faulty(fault).service.cancel(first.answer.registration_id, now);
    expect(cancelled.answer.status).toBe('cancelled');
    expect(fault.remaining).toBe(0);
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 0, waiting: 1 });

    // Meanwhile nobody can take the free place ahead of the waiting list.
    const third = await main.service.register(meetingId, request('crash-3'), now);
    expect(third.answer.status).toBe('waiting');

    const promoted = await main.service.completePromotions(meetingId, now);
    expect(promoted.map((n) => n.registration_id)).toEqual([second.answer.registration_id]);
    expect((await main.service.getRegistration(second.answer.registration_id)).answer.status).toBe('confirmed');
    expect(await counter(meetingId, 'day:2026-06-07')).toEqual({ confirmed: 1, waiting: 1 });
  });

  it('notifications the queue refused stay in the outbox until the sweep queues them', async () => {
    const meetingId = await createMeeting({ days: [{ date: '2026-06-07', onsite_capacity: 1, waiting_list: true }] });
    const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
    const meetings = new DynamoMeetingRepository(ddb, tableName);
    const store = new DynamoRegistrationRepository(ddb, tableName, meetings, `${tableName}-nonces`);
    const queued: Notification[] = [];
    let queueDown = true;
    const service = new RegistrationService({
      meetings,
      store,
      baseUrl: 'http://club.test',
      publisher: {
        publish: async (n) => {
          if (queueDown) throw new Error('SQS unreachable');
          queued.push(...n);
        },
      },
    });
    const first = await service.register(meetingId, request('outbox-1'), now);
    const second = await service.register(meetingId, request('outbox-2'), now);
    await service.cancel(first.answer.registration_id, now);
    expect((await service.getRegistration(second.answer.registration_id)).answer.status).toBe('confirmed');
    const left = (await store.listOutbox('9999')).filter((n) => n.meeting_id === meetingId);
    expect(left.map((n) => n.registration_id)).toEqual([second.answer.registration_id]);

    queueDown = false;
    // Too recent: a call may still be sending it.
    expect(await service.drainOutbox(now, 60)).toBe(0);
    const later = new Date(now.getTime() + 120_000);
    expect(await service.drainOutbox(later, 60)).toBeGreaterThanOrEqual(1);
    expect(queued.filter((n) => n.meeting_id === meetingId).map((n) => n.registration_id)).toEqual([second.answer.registration_id]);
    expect((await store.listOutbox('9999')).filter((n) => n.meeting_id === meetingId)).toEqual([]);
  });
});

