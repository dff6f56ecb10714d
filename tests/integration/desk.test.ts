// The desk's repository pieces against DynamoDB Local (shared/domain/registrations/desk.ts over
// DynamoRegistrationRepository): the search pages with per-entry cursors across Query pages,
// refuses a cursor of another meeting, and undoing a check-in is decided by the registration's
// version: a writer holding an older copy fails and nothing is lost.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { DeskService } from '#shared/domain/registrations/desk.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
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

  it('undoes a check-in only on the version it read', async () => {
    const id = ids[0] as string;
    await registrations.checkIn(id, DAY, now);
    const read = await store.findById(id);
    // Someone else changes the registration meanwhile (a second check-in day, a promotion…).
    await store.setCheckIn(id, '2026-06-08', now.toISOString(), read?.version as number);
    await expect(store.clearCheckIn(id, DAY, read?.version as number)).rejects.toBeInstanceOf(StaleReadError);
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
