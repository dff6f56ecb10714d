// The backfill of the workshops' `chosen` counts (issue 21, scripts/backfill-workshop-counts.ts)
// against DynamoDB Local: registrations made live, then turned into « stored before the counts »
// (flag removed, counts zeroed) as the old code left them. Dry run first (nothing written), then
// the backfill racing live cancellations and modifications of the same registrations: every
// count ends exact (no choice counted twice or lost), and running it again changes nothing.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { ChoiceBackfillRepository } from '#shared/adapters/dynamodb/choice-backfill-repository.ts';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { meetingKeys, registrationKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { workshopKey } from '#shared/domain/meetings/items.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { backfillWorkshopCounts } from '../../scripts/backfill-workshop-counts.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const table = `bf-data-${suffix}`;
await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), { DataTable: table, NonceTable: `${table}-nonces` });
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const meetings = new DynamoMeetingRepository(ddb, table);
const registrations = new DynamoRegistrationRepository(ddb, table, meetings, `${table}-nonces`);
const service = new RegistrationService({ meetings, store: registrations, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const backfill = new ChoiceBackfillRepository(ddb, table);
const now = new Date('2026-05-02T10:00:00Z');
const meetingId = `bf-${suffix}`;
const WORKSHOPS = ['socle', 'portail', 'agenda'];

const request = (i: number, workshops: string[], form = `bf-${i}-${suffix}`) =>
  RegistrationRequestSchema.parse({ form_uuid: form, email: `p${i}@example.org`, last_name: `Nom ${i}`, organisation: 'Ville', onsite_days: ['2026-06-07'], workshops });

async function chosen(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const id of WORKSHOPS) {
    const item = await ddb.send(new GetCommand({ TableName: table, Key: meetingKeys.item(meetingId, workshopKey(id)), ConsistentRead: true }));
    out[id] = Number(item.Item?.['chosen'] ?? 0);
  }
  return out;
}

/** What the counts must be: the active registrations' choices, as stored. */
async function truth(ids: string[]): Promise<{ counts: Record<string, number>; uncounted: number }> {
  const counts = Object.fromEntries(WORKSHOPS.map((w) => [w, 0]));
  let uncounted = 0;
  for (const id of ids) {
    const r = await backfill.registration(id);
    if (r?.state !== 'active') continue;
    if (r.choices_counted !== true) uncounted += 1;
    for (const w of r.workshops) counts[w] = (counts[w] ?? 0) + 1;
  }
  return { counts, uncounted };
}

/** As the code before the counters left things: no flag on the registrations, no counts. */
async function makeLegacy(ids: string[]): Promise<void> {
  for (const id of ids) {
    await ddb.send(new UpdateCommand({ TableName: table, Key: registrationKeys.registration(id), UpdateExpression: 'REMOVE #r.#c', ExpressionAttributeNames: { '#r': 'registration', '#c': 'choices_counted' } }));
  }
  for (const w of WORKSHOPS) {
    await ddb.send(new UpdateCommand({ TableName: table, Key: meetingKeys.item(meetingId, workshopKey(w)), UpdateExpression: 'SET #c = :z', ExpressionAttributeNames: { '#c': 'chosen' }, ExpressionAttributeValues: { ':z': 0 } }));
  }
}

describe('backfill of the workshops’ chosen counts', () => {
  it('dry run writes nothing; then, racing live cancellations and changes, every count ends exact; run again, nothing moves', { timeout: 180_000 }, async () => {
    await new MeetingService(meetings).putMeeting(
      meetingId,
      MeetingInputSchema.parse({
        title: 'Club',
        venue: 'Villejuif',
        registration_opens_at: '2026-01-01T00:00:00+01:00',
        registration_closes_at: '2026-12-31T00:00:00+01:00',
        days: [{ date: '2026-06-07', onsite_capacity: 200, waiting_list: false }],
        workshops: WORKSHOPS.map((id, i) => ({ id, day: '2026-06-07', title: `Atelier ${id}`, starts_at: `${10 + 2 * i}:00`, ends_at: `${11 + 2 * i}:00`, capacity: 200, waiting_list: false })),
      }),
      now,
    );
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const workshops = WORKSHOPS.filter((_, k) => (i + k) % 3 !== 0);
      ids.push((await service.register(meetingId, request(i, workshops), now)).registration.id);
    }
    const live = await chosen();
    expect(Object.values(live).reduce((a, b) => a + b, 0)).toBe(80);
    await makeLegacy(ids);
    expect(await chosen()).toEqual({ socle: 0, portail: 0, agenda: 0 });

    // Dry run: the report of what it would add, nothing written.
    const dry = await backfillWorkshopCounts(meetings, backfill, { meetingId, apply: false, pageSize: 7 });
    expect(dry).toMatchObject({ apply: false, scanned: 40, counted: 40, untouched: 0, busy: [], cursor: null });
    expect(dry.added).toEqual(Object.fromEntries(WORKSHOPS.map((w) => [workshopKey(w), live[w]])));
    expect(await chosen()).toEqual({ socle: 0, portail: 0, agenda: 0 });
    expect((await truth(ids)).uncounted).toBe(40);

    // Resumable: one page, then on from its cursor.
    const first = await backfillWorkshopCounts(meetings, backfill, { meetingId, apply: true, pageSize: 5, maxPages: 1 });
    expect(first).toMatchObject({ scanned: 5, counted: 5 });
    expect(first.cursor).not.toBeNull();

    // The rest, racing live changes of the same legacy registrations: cancellations (which take
    // back only counted choices) and modifications (which count what they choose).
    const [rest] = await Promise.all([
      backfillWorkshopCounts(meetings, backfill, { meetingId, apply: true, pageSize: 7, cursor: first.cursor }),
      ...ids.slice(5, 15).map((id) => service.cancel(id, now)),
      ...ids.slice(15, 25).map((id, k) => service.modify(id, request(15 + k, ['agenda'], `bf-mod-${15 + k}-${suffix}`), now)),
    ]);
    expect(rest.busy).toEqual([]);
    const after = await truth(ids);
    expect(after.uncounted).toBe(0);
    expect(await chosen()).toEqual(after.counts);

    // Idempotent: a second full run finds nothing to do.
    const again = await backfillWorkshopCounts(meetings, backfill, { meetingId, apply: true });
    expect(again).toMatchObject({ scanned: 40, counted: 0, untouched: 40, added: {} });
    expect(await chosen()).toEqual(after.counts);
  });
});
