// The desk's repository pieces against DynamoDB Local (shared/domain/registrations/desk.ts over
// DynamoRegistrationRepository): the search pages with per-entry cursors across Query pages,
// refuses a cursor of another meeting, and undoing a check-in is decided by the registration's
// version: a writer holding an older copy fails and nothing is lost. The rows' waiting positions
// are read once per waiting day shown (not once per row) and equal the per-row counts.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { registrationKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { DeskService } from '#shared/domain/registrations/desk.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { WaitingListService } from '#shared/domain/registrations/waiting-list.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const dataTable = `desk-data-${suffix}`;
const meetingId = `desk-${suffix}`;
const now = new Date('2026-05-02T10:00:00Z');
const DAY = '2026-06-07';

const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const meetingRepository = new DynamoMeetingRepository(ddb, dataTable);
const store = new DynamoRegistrationRepository(ddb, dataTable, meetingRepository, `desk-nonces-${suffix}`);
const registrations = new RegistrationService({ meetings: meetingRepository, store, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const desk = new DeskService({ meetings: meetingRepository, store });
const ids: string[] = [];

beforeAll(async () => {
  await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), { DataTable: dataTable, NonceTable: `desk-nonces-${suffix}` });
  const input = MeetingInputSchema.parse({
    title: 'Club du bureau',
    venue: 'Villejuif',
    registration_opens_at: '2026-01-01T00:00:00+01:00',
    registration_closes_at: '2026-06-01T00:00:00+02:00',
    days: [{ date: DAY, label: 'Dimanche 7 juin', onsite_capacity: 100, waiting_list: false }],
  });
  await new MeetingService(meetingRepository).putMeeting(meetingId, input, now);
  for (let i = 0; i < 7; i++) {
    const request = RegistrationRequestSchema.parse({
      form_uuid: `form-${i}-${suffix}`,
      email: `p${i}@example.org`,
      last_name: i % 2 === 0 ? `Martin${i}` : `Durand${i}`,
      organisation: 'Ville de Test',
      onsite_days: [DAY],
    });
    ids.push((await registrations.register(meetingId, request, now)).registration.id);
  }
}, 60_000);

describe('desk over DynamoDB Local', () => {
  it('goes on from the cursor of the last row shown, across Query pages, without losing or repeating anyone', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let calls = 0;
    do {
      const page = await desk.search(meetingId, { q: 'martin' }, cursor, 1);
      seen.push(...page.rows.map((r) => r.last_name));
      cursor = page.cursor;
      calls++;
    } while (cursor !== null && calls < 10);
    expect(seen.sort()).toEqual(['Martin0', 'Martin2', 'Martin4', 'Martin6']);
  });

  it('refuses a cursor made for another meeting as bad input naming cursor', async () => {
    const mine = (await desk.search(meetingId, {}, null, 1)).cursor as string;
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(mine, 'base64url').toString()), gsi1pk: 'MEETING#autre#REGS' })).toString('base64url');
    await expect(desk.search(meetingId, {}, other, 1)).rejects.toMatchObject({ statusCode: 400, details: { errors: [{ path: 'cursor' }] } });
  });

  it('a check-in and its undo write the email marker in the same transaction: a failed marker write leaves nothing written', async () => {
    // A request writing the email marker fails before it is sent (a fault DynamoDB Local cannot
    // produce). With the marker refreshed by a second write, the check-in stayed and the marker
    // (what a `checked-in` survey reads) disagreed with it.
    const faulty = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
    faulty.middlewareStack.add(
      (next, context) => async (args) => {
        const reads = ['GetCommand', 'BatchGetCommand', 'QueryCommand'];
        if (!reads.includes(context.commandName ?? '') && JSON.stringify(args.input).includes('EMAIL#')) throw new Error('injected: marker write failed');
        return next(args);
      },
      { step: 'initialize', name: 'failMarkerWrites' },
    );
    const faultyStore = new DynamoRegistrationRepository(faulty, dataTable, meetingRepository, `desk-nonces-${suffix}`);
    const id = ids[1] as string;
    const read = (await store.findById(id))!;
    expect(read.checked_in[DAY]).toBeUndefined();
    await expect(faultyStore.setCheckIn(read, DAY, now.toISOString())).rejects.toThrow('injected');
    expect(await store.findById(id)).toEqual(read);
    const checked = await store.setCheckIn(read, DAY, now.toISOString());
    expect(await store.findById(id)).toEqual(checked);
    await expect(faultyStore.clearCheckIn(checked, DAY)).rejects.toThrow('injected');
    expect((await store.findById(id))?.checked_in[DAY]).toBe(now.toISOString());
    // Both writes, together: the marker's view follows the registration.
    const undone = await store.clearCheckIn(checked, DAY);
    const marker = await ddb.send(new GetCommand({ TableName: dataTable, Key: registrationKeys.email(meetingId, read.email), ConsistentRead: true }));
    expect(marker.Item?.['registration_version']).toBe(undone.version);
    expect(marker.Item?.['eligibility']?.checked_in).toEqual({});
    faulty.destroy();
  });

  it('undoes a check-in only on the version it read', async () => {
    const id = ids[0] as string;
    await registrations.checkIn(id, DAY, now);
    const read = await store.findById(id);
    // Someone else changes the registration meanwhile (a second check-in day, a promotion…).
    await store.setCheckIn(read!, '2026-06-08', now.toISOString());
    await expect(store.clearCheckIn(read!, DAY)).rejects.toBeInstanceOf(StaleReadError);
    expect((await store.findById(id))?.checked_in[DAY]).toBeDefined();
    // The use case reads again and succeeds.
    expect(await desk.undoCheckIn(id, DAY)).toMatchObject({ removed: true });
    expect((await store.findById(id))?.checked_in[DAY]).toBeUndefined();
  });

  it('lets concurrent undos of the same check-in remove it once', async () => {
    const id = ids[1] as string;
    await registrations.checkIn(id, DAY, now);
    const results = await Promise.all(Array.from({ length: 5 }, () => desk.undoCheckIn(id, DAY)));
    expect(results.filter((r) => r.removed).length).toBe(1);
    expect((await store.findById(id))?.checked_in).toEqual({});
  });
});

describe('waiting positions on a search page', () => {
  // A page of 50 rows, 40 of them waiting on two days (20 each), after moves by hand and a
  // promotion: every row's positions equal what waitingPositions counts for it, and the page
  // costs the same few DynamoDB calls whatever the number of waiting rows.
  const crowdId = `desk-crowd-${suffix}`;
  const DAYS = ['2026-06-07', '2026-06-08'] as const;
  const sent: string[] = [];
  const counted = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
  counted.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const countedMeetings = new DynamoMeetingRepository(counted, dataTable);
  const countedStore = new DynamoRegistrationRepository(counted, dataTable, countedMeetings, `desk-nonces-${suffix}`);
  const countedDesk = new DeskService({ meetings: countedMeetings, store: countedStore });
  const crowd: string[] = [];

  beforeAll(async () => {
    const input = MeetingInputSchema.parse({
      title: 'Club des listes',
      venue: 'Villejuif',
      registration_opens_at: '2026-01-01T00:00:00+01:00',
      registration_closes_at: '2026-06-01T00:00:00+02:00',
      days: DAYS.map((date, i) => ({ date, onsite_capacity: 4 + i, waiting_list: true })),
    });
    await new MeetingService(meetingRepository).putMeeting(crowdId, input, now);
    // 26 on each day: 4 then 5 confirmed, 22 then 21 waiting.
    for (let i = 0; i < 52; i++) {
      const request = RegistrationRequestSchema.parse({
        form_uuid: `crowd-${i}-${suffix}`,
        email: `c${i}@example.org`,
        last_name: `Foule${i}`,
        organisation: 'Ville de Test',
        onsite_days: [DAYS[i % 2]],
      });
      // One second apart: the listing orders by arrival (created_at, then the random id), and
      // the page's rows must be the first 50 whatever the ids.
      crowd.push((await registrations.register(crowdId, request, new Date(now.getTime() + i * 1000))).registration.id);
    }
    const byHand = new WaitingListService({ meetings: meetingRepository, store, publisher: { publish: async () => undefined } });
    // Waiting on day 1: crowd[8], [10], … ; on day 2: crowd[11], [13], …
    await byHand.move(crowd[40] as string, `day:${DAYS[0]}`, 1, now);
    await byHand.move(crowd[14] as string, `day:${DAYS[0]}`, 7, now);
    await byHand.move(crowd[51] as string, `day:${DAYS[1]}`, 3, now);
    await byHand.move(crowd[11] as string, `day:${DAYS[1]}`, 99, now);
    // One promotion on each day: a place granted past the capacity by hand, and the automatic one after a cancellation.
    await byHand.promote(crowd[30] as string, `day:${DAYS[0]}`, now);
    await registrations.cancel(crowd[1] as string, now);
    await registrations.completePromotions(crowdId, now);
  }, 120_000);

  it('equal the per-row counts, for a bounded number of calls', async () => {
    sent.length = 0;
    // The first 50 active registrations in order of arrival (crowd[1] is cancelled, crowd[51] is
    // past the page): 10 confirmed, 21 waiting on day 1 and 19 on day 2.
    const page = await countedDesk.search(crowdId, {}, null, 50);
    const pageCalls = [...sent];
    expect(page.rows).toHaveLength(50);
    const waitingRows = page.rows.filter((r) => r.days.some((d) => d.place === 'waiting'));
    expect(waitingRows).toHaveLength(40);
    expect(new Set(waitingRows.map((r) => r.days[0]?.date))).toEqual(new Set(DAYS));

    sent.length = 0;
    const perRow: Record<string, number | null> = {};
    for (const row of page.rows) {
      const reg = (await store.findById(row.registration_id))!;
      const positions = await countedStore.waitingPositions(reg);
      for (const d of row.days) perRow[`${row.registration_id} ${d.date}`] = d.place === 'waiting' ? (positions.get(`day:${d.date}`) ?? null) : null;
    }
    const perRowCalls = sent.length;
    const shown = Object.fromEntries(page.rows.flatMap((r) => r.days.map((d) => [`${r.registration_id} ${d.date}`, d.waiting_position])));
    expect(shown).toEqual(perRow);
    // Every waiting row has a position, and each day's positions are dense among the rows shown.
    expect(Object.values(shown).filter((p) => p !== null)).toHaveLength(40);
    expect(perRow[`${crowd[40]} ${DAYS[0]}`]).toBe(1);

    // One meeting read, one page of registrations, one Query per waiting day: 4 calls, against
    // the 40 counts (one per waiting row) of per-row positions.
    expect(pageCalls.sort()).toEqual(['GetItemCommand', 'QueryCommand', 'QueryCommand', 'QueryCommand']);
    expect(perRowCalls).toBe(40);
  });
});
