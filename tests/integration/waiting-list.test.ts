// Waiting lists by hand against DynamoDB Local, with the interleavings an e2e race cannot force:
// something changes between the use case's read and its write (injected right after the read),
// and the write's own conditions make it decide again, so that the answer is exact at commit.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { meetingKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import type { Notification } from '#shared/domain/registrations/ports.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { WaitingListService } from '#shared/domain/registrations/waiting-list.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const now = new Date('2026-05-02T10:00:00Z');
const DAY = 'day:2026-06-07';
const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tableName = `wl-data-${suffix}`;
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const meetings = new DynamoMeetingRepository(ddb, tableName);
const store = new DynamoRegistrationRepository(ddb, tableName, meetings, `${tableName}-nonces`);
const published: Notification[] = [];
const publisher = { publish: async (n: Notification[]) => void published.push(...n) };
const registrations = new RegistrationService({ meetings, store, publisher, baseUrl: 'http://club.test' });

/** The use case, with `once` run right after its first read (of the meeting, or of the list). */
function waitingList(once: () => Promise<void>) {
  let pending: (() => Promise<void>) | undefined = once;
  const fire = async () => {
    const run = pending;
    pending = undefined;
    if (run) await run();
  };
  return new WaitingListService({
    meetings: { findMeetingWithItems: async (id) => Object.assign({}, await meetings.findMeetingWithItems(id), await fire()) },
    store: {
      findById: (id) => store.findById(id),
      promote: (w, v) => store.promote(w, v),
      clearOutbox: (n) => store.clearOutbox(n),
      moveWaiting: (w, v) => store.moveWaiting(w, v),
      readWaitingLine: async (m, k) => {
        const line = await store.readWaitingLine(m, k);
        await fire();
        return line;
      },
    },
    publisher,
    sleep: async () => {},
  });
}

let seq = 0;
/** A meeting whose day has 2 places and a waiting list, with `n` people registered in order. */
async function crowd(n: number): Promise<{ meetingId: string; ids: string[] }> {
  const meetingId = `wl-${++seq}-${suffix}`;
  const input = MeetingInputSchema.parse({
    title: 'Club test',
    venue: 'Villejuif',
    registration_opens_at: '2026-01-01T00:00:00+01:00',
    registration_closes_at: '2026-12-31T00:00:00+01:00',
    days: [{ date: '2026-06-07', onsite_capacity: 2, waiting_list: true }],
  });
  await new MeetingService(meetings).putMeeting(meetingId, input, now);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const request = RegistrationRequestSchema.parse({
      form_uuid: `${meetingId}-${i}`,
      email: `p${i}@example.org`,
      last_name: `Nom ${i}`,
      organisation: 'Ville',
      onsite_days: ['2026-06-07'],
    });
    ids.push((await registrations.register(meetingId, request, now)).registration.id);
  }
  return { meetingId, ids };
}

const counter = async (meetingId: string) => (await store.readCounters(meetingId)).get(DAY)!;
const position = async (id: string) => (await store.waitingPositions((await store.findById(id))!)).get(DAY);

/** A place freed whose promotion is still to come (a crash between the two, left for the sweep). */
const freeOnePlace = (meetingId: string) => () =>
  ddb.send(new UpdateCommand({ TableName: tableName, Key: meetingKeys.item(meetingId, DAY), UpdateExpression: 'ADD confirmed :m', ExpressionAttributeValues: { ':m': -1 } })).then(() => undefined);

beforeAll(async () => {
  await createTables(raw, { DataTable: tableName, NonceTable: `${tableName}-nonces` });
});

afterAll(() => {
  raw.destroy();
});

describe('promotion by hand, decided again when the counter moved', () => {
  it('read full, a place freed before the write: granted within the capacity, and said so', async () => {
    const { meetingId, ids } = await crowd(4); // 2 confirmed, 2 waiting
    const p = await waitingList(freeOnePlace(meetingId)).promote(ids[3]!, DAY, now);
    // The first decision (past the capacity) was refused by its condition: the answer is the second one.
    expect(p).toMatchObject({ already: false, beyond_capacity: false, confirmed: 2, capacity: 2, waiting: 1 });
    expect(await counter(meetingId)).toMatchObject({ confirmed: 2, waiting: 1 });
    expect(await position(ids[2]!)).toBe(1);
  });

  it('read a free place, taken before the write: granted past the capacity, and said so', async () => {
    const { meetingId, ids } = await crowd(4);
    await freeOnePlace(meetingId)(); // 1 confirmed of 2, 2 waiting
    // Meanwhile the sweep promotes the first in line: the place is gone.
    const p = await waitingList(async () => void (await registrations.completePromotions(meetingId, now))).promote(ids[3]!, DAY, now);
    expect(p).toMatchObject({ already: false, beyond_capacity: true, confirmed: 3, capacity: 2, waiting: 0 });
    expect(await counter(meetingId)).toMatchObject({ confirmed: 3, waiting: 0 });
  });
});

describe('moving in the waiting list, decided again when the list moved', () => {
  it('someone ahead leaves between the read and the write: the position answered is the one stored', async () => {
    const { ids } = await crowd(6); // waiting: 2, 3, 4, 5
    const [a, b, c, d] = ids.slice(2) as [string, string, string, string];
    const m = await waitingList(async () => void (await registrations.cancel(a, now))).move(d, DAY, 2, now);
    expect(m).toMatchObject({ moved: true, position: 2, waiting: 3 });
    expect([await position(b), await position(d), await position(c)]).toEqual([1, 2, 3]);
  });

  it('someone joins between the read and a move to the end: the person still ends last', async () => {
    const { meetingId, ids } = await crowd(5); // waiting: 2, 3, 4
    const late = RegistrationRequestSchema.parse({ form_uuid: `${meetingId}-late`, email: 'late@example.org', last_name: 'Tard', organisation: 'Ville', onsite_days: ['2026-06-07'] });
    let lateId = '';
    const m = await waitingList(async () => {
      lateId = (await registrations.register(meetingId, late, now)).registration.id;
    }).move(ids[2]!, DAY, 99, now);
    expect(m).toMatchObject({ moved: true, previous_position: 1, position: 4, waiting: 4 });
    expect([await position(ids[3]!), await position(ids[4]!), await position(lateId), await position(ids[2]!)]).toEqual([1, 2, 3, 4]);
    // The next join comes after everyone, the moved person included.
    const next = RegistrationRequestSchema.parse({ form_uuid: `${meetingId}-next`, email: 'next@example.org', last_name: 'Suivant', organisation: 'Ville', onsite_days: ['2026-06-07'] });
    const joined = await registrations.register(meetingId, next, now);
    expect(joined.answer.days[0]).toMatchObject({ status: 'waiting', waiting_position: 5 });
  });
});
