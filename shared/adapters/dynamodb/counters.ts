// The one mechanism for additive tallies (vote scores, survey statistics): write-sharded counter
// sets. A write adds its deltas to ONE randomly chosen shard item, inside the use case's own
// transaction, so that a room writing at once spreads over the shards instead of queueing on one
// hot item (DynamoDB serves about 1,000 writes/s per item, and transactions on one item conflict).
// A read sums every shard of the set in one Query: its cost depends on the number of shards and
// counters, never on the number of writes.
import type { DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';
import { partitionItems } from '#shared/adapters/dynamodb/query.ts';
import type { TransactItem } from '#shared/adapters/dynamodb/transact.ts';

export const DEFAULT_SHARDS = 16;

/** Counter attributes are top-level numbers named `c:<key>` (ADD works on top-level attributes only). */
const PREFIX = 'c:';
const MAX_KEY_LENGTH = 200;

export const counterSetPartition = (setId: string) => `CNT#${setId}`;
export const counterShardKey = (setId: string, shard: number) => ({
  pk: counterSetPartition(setId),
  sk: `SHARD#${String(shard).padStart(2, '0')}`,
});

/**
 * One Update adding `deltas` to a random shard of counter set `setId` (created on first use).
 * Zero deltas are left out; include the item in the transaction that records what is counted.
 */
export function counterDeltaItem(
  tableName: string,
  setId: string,
  deltas: Record<string, number>,
  shards: number = DEFAULT_SHARDS,
  pickShard: () => number = () => Math.floor(Math.random() * shards),
): TransactItem {
  const entries = Object.entries(deltas).filter(([, v]) => v !== 0);
  if (entries.length === 0) throw new Error('counterDeltaItem: no non-zero delta');
  const names: Record<string, string> = { '#type': 'type' };
  const values: Record<string, unknown> = { ':type': 'counter-shard' };
  const adds = entries.map(([key, value], i) => {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw new Error(`counter key of ${key.length} characters`);
    if (!Number.isFinite(value)) throw new Error(`counter delta for ${key} is not a finite number`);
    names[`#c${i}`] = `${PREFIX}${key}`;
    values[`:c${i}`] = value;
    return `#c${i} :c${i}`;
  });
  return {
    Update: {
      TableName: tableName,
      Key: counterShardKey(setId, pickShard() % shards),
      UpdateExpression: `SET #type = :type ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** Totals of counter set `setId`, summed over its shards in one (paginated) Query. */
export async function readCounterSet(
  client: DynamoDBDocumentClient,
  tableName: string,
  setId: string,
): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for await (const item of partitionItems(client, tableName, counterSetPartition(setId))) {
    for (const [name, value] of Object.entries(item)) {
      if (!name.startsWith(PREFIX) || typeof value !== 'number') continue;
      const key = name.slice(PREFIX.length);
      totals[key] = (totals[key] ?? 0) + value;
    }
  }
  return totals;
}

/**
 * Version stamps on a counter set (issue 21): every save of the aggregate the set counts for (a
 * vote campaign, a survey) stamps its version on every shard, in the save's own transaction
 * (`versionStampItems`); a write decided on a copy of the aggregate that an instance remembers
 * (no read) requires, on the one shard it updates, that no later version was stamped since
 * (`stampGuard`). A changed aggregate then refuses such writes, without a hot item in every
 * transaction. A shard without a stamp was never touched by a save since the stamps exist.
 */
export interface StampGuard {
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The condition a write decided on `version` puts on its shard: no stamp, or a stamp ≤ `version`. */
export function stampGuard(attribute: string, version: number): StampGuard {
  return { condition: '(attribute_not_exists(#cv) OR #cv <= :cv)', names: { '#cv': attribute }, values: { ':cv': version } };
}

/**
 * The Updates stamping `version` (attribute `attribute`) on every shard of counter set `setId`,
 * to be sent in the save's transaction; `extra` adds to each (the seal of a closed campaign).
 */
export function versionStampItems(
  tableName: string,
  setId: string,
  attribute: string,
  version: number,
  shards: number = DEFAULT_SHARDS,
  extra: { set?: string; names?: Record<string, string>; values?: Record<string, unknown> } = {},
): TransactItem[] {
  return Array.from({ length: shards }, (_, shard) => ({
    Update: {
      TableName: tableName,
      Key: counterShardKey(setId, shard),
      UpdateExpression: `SET #type = :type, #cv = :cv${extra.set ? `, ${extra.set}` : ''}`,
      ExpressionAttributeNames: { '#type': 'type', '#cv': attribute, ...extra.names },
      ExpressionAttributeValues: { ':type': 'counter-shard', ':cv': version, ...extra.values },
    },
  }));
}

/** `item` (an Update of counterDeltaItem) with `guard` as its condition. */
export function guardedDeltaItem(item: TransactItem, guard: StampGuard): TransactItem {
  if (!item.Update) throw new Error('guardedDeltaItem: an Update was expected');
  return {
    Update: {
      ...item.Update,
      ConditionExpression: guard.condition,
      ExpressionAttributeNames: { ...item.Update.ExpressionAttributeNames, ...guard.names },
      ExpressionAttributeValues: { ...item.Update.ExpressionAttributeValues, ...guard.values },
    },
  };
}
