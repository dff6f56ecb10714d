// Issue 21: a series written by the admin PUT stores its zone's offsets; the refresh script
// (scripts/refresh-zone-offsets.ts) against DynamoDB Local gives them to series stored before
// (and to series whose offsets the tz database no longer agrees with): dry run first (nothing
// written), then the writes, and a second run writes nothing. A refresh decided on a definition an
// organiser replaced meanwhile is refused. The data source answers the same throughout.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { sessionKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { ZoneOffsetsRepository } from '#shared/adapters/dynamodb/zone-offsets-repository.ts';
import { upcomingOccurrences } from '#shared/domain/sessions/occurrences.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { occurrenceDataSourceItem } from '#shared/domain/sessions/views.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { refreshZoneOffsets } from '../../scripts/refresh-zone-offsets.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `zo-data-${suffix}`, NonceTable: `zo-nonces-${suffix}` };
await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), tables);
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const store = new DynamoSessionRepository(ddb, tables.DataTable, tables.NonceTable);
const refresh = new ZoneOffsetsRepository(ddb, tables.DataTable);
const service = new SessionService({ store, confirmations: { publishConfirmation: async () => undefined }, baseUrl: 'http://club.test', logger: { warn: () => undefined } });
const now = new Date('2026-12-01T10:00:00Z');

const body = (timezone: string) =>
  SeriesInputSchema.parse({
    title: 'Sessions en ligne du club',
    timezone,
    rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2',
    dtstart: '2027-01-12T14:00',
    duration_minutes: 90,
    visio_url: 'https://visio.example.org/club-publik',
    reminders: [{ days_before: 7, at: '09:00' }],
  });

const stored = async (id: string) =>
  (await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: sessionKeys.series(id), ConsistentRead: true }))).Item?.['series'] as Record<string, unknown>;
const dataSource = async (id: string) => {
  const found = await store.findSeriesWithOverrides(id);
  if (!found) throw new Error(`no series ${id}`);
  return upcomingOccurrences(found.series, found.overrides, new Date('2027-03-01T00:00:00Z')).map(occurrenceDataSourceItem);
};

describe('zone offsets stored with a series', () => {
  it('are written by the PUT, given to series stored before by the refresh (dry run first), and a second run writes nothing', async () => {
    const ids = { current: `cur-${suffix}`, legacy: `old-${suffix}`, stale: `stale-${suffix}` };
    const answer = await service.putSeries(ids.current, body('Europe/Paris'), now);
    expect(answer.series).not.toHaveProperty('zone_offsets'); // stored, never answered
    await service.putSeries(ids.legacy, body('America/Martinique'), now);
    await service.putSeries(ids.stale, body('Europe/Paris'), now);
    const written = await stored(ids.current);
    expect((written['zone_offsets'] as { zone: string; changes: unknown[] }).zone).toBe('Europe/Paris');
    expect((written['zone_offsets'] as { changes: unknown[] }).changes.length).toBeGreaterThan(20);
    const answers = { current: await dataSource(ids.current), legacy: await dataSource(ids.legacy), stale: await dataSource(ids.stale) };

    // As the code before issue 21 left it: no offsets. And offsets the tz database disagrees with
    // (as after a change of rule): summer time of 2027 starting on 20 April.
    await ddb.send(new UpdateCommand({ TableName: tables.DataTable, Key: sessionKeys.series(ids.legacy), UpdateExpression: 'REMOVE #s.#z', ExpressionAttributeNames: { '#s': 'series', '#z': 'zone_offsets' } }));
    const wrong = structuredClone(written['zone_offsets']) as { changes: Array<{ at: string; offset: number }> };
    const march = wrong.changes.find((c) => c.at.startsWith('2027-03'));
    if (!march) throw new Error('no change in March 2027');
    march.at = '2027-04-20T01:00:00.000Z';
    await ddb.send(new UpdateCommand({ TableName: tables.DataTable, Key: sessionKeys.series(ids.stale), UpdateExpression: 'SET #s.#z = :z', ExpressionAttributeNames: { '#s': 'series', '#z': 'zone_offsets' }, ExpressionAttributeValues: { ':z': wrong } }));
    // The legacy series still answers the same (luxon's IANA zone); the stale one shows the wrong offsets.
    expect(await dataSource(ids.legacy)).toEqual(answers.legacy);
    expect((await dataSource(ids.stale)).find((o) => o.id === `${ids.stale}-2027-04-13`)?.starts_at).toBe('2027-04-13T14:00:00+01:00');
    expect(answers.stale.find((o) => o.id === `${ids.stale}-2027-04-13`)?.starts_at).toBe('2027-04-13T14:00:00+02:00');

    const dry = await refreshZoneOffsets(refresh, { apply: false, now });
    expect(dry.states).toEqual({ current: 1, missing: 1, differs: 1 });
    expect(dry.refreshed.sort()).toEqual([ids.legacy, ids.stale].sort());
    expect((await stored(ids.legacy))['zone_offsets']).toBeUndefined();
    expect(await stored(ids.stale)).toMatchObject({ zone_offsets: wrong });

    const applied = await refreshZoneOffsets(refresh, { apply: true, now });
    expect(applied.refreshed.sort()).toEqual([ids.legacy, ids.stale].sort());
    expect(applied.busy).toEqual([]);
    expect((await stored(ids.legacy))['zone_offsets']).toMatchObject({ zone: 'America/Martinique', changes: [] });
    expect((await stored(ids.stale))['zone_offsets']).toEqual(written['zone_offsets']);
    expect((await stored(ids.legacy))['updated_at']).toBe(now.toISOString());
    for (const key of ['current', 'legacy', 'stale'] as const) expect(await dataSource(ids[key])).toEqual(answers[key]);

    const again = await refreshZoneOffsets(refresh, { apply: true, now: new Date(now.getTime() + 86_400_000) });
    expect(again.states).toEqual({ current: 3 });
    expect(again.refreshed).toEqual([]);
  });

  it('are not written over a definition an organiser replaced meanwhile', async () => {
    const id = `race-${suffix}`;
    const { series } = await service.putSeries(id, body('Europe/Paris'), now);
    await service.putSeries(id, body('Europe/Brussels'), new Date(now.getTime() + 60_000));
    const offsets = (await stored(id))['zone_offsets'];
    expect(await refresh.saveZoneOffsets(id, { zone: 'Europe/Paris', from: series.created_at, until: series.created_at, offset: 60, changes: [] }, series.updated_at)).toBe(false);
    expect((await stored(id))['zone_offsets']).toEqual(offsets);
  });
});
