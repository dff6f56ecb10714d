// The one read of a use case: every item its decision needs, by key, in one BatchGetItem.
import { BatchGetCommand, type DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** DynamoDB's limit of keys in one BatchGetItem. */
export const MAX_BATCH_GET_KEYS = 100;

export const itemKey = (k: ItemKey): string => `${k.pk}\u0000${k.sk}`;

/**
 * Reads `keys` with strongly consistent reads in one BatchGetItem (repeated keys read once).
 * Keys DynamoDB leaves unprocessed (throughput) are asked again with a short backoff. The map is
 * keyed by `itemKey`; an absent item is absent from the map.
 */
export async function batchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: ItemKey[],
  /** Only these attributes of every item (`pk` and `sk` are always added). */
  projection?: { attributes: string[] },
): Promise<Map<string, Record<string, unknown>>> {
  const unique = [...new Map(keys.map((k) => [itemKey(k), { pk: k.pk, sk: k.sk }])).values()];
  if (unique.length > MAX_BATCH_GET_KEYS) throw new Error(`batchGet of ${unique.length} keys (at most ${MAX_BATCH_GET_KEYS})`);
  const found = new Map<string, Record<string, unknown>>();
  let pending: Record<string, unknown>[] = unique;
  const names = projection ? Object.fromEntries(['pk', 'sk', ...projection.attributes].map((a, i) => [`#p${i}`, a])) : undefined;
  const projected = names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {};
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      if (attempt > 8) throw new Error(`batchGet: ${pending.length} keys still unprocessed after ${attempt} attempts`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(500, 10 * 2 ** attempt)));
    }
    const out = await client.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...projected } } }),
    );
    for (const item of out.Responses?.[tableName] ?? []) {
      found.set(itemKey({ pk: String(item['pk']), sk: String(item['sk']) }), item);
    }
    pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
  }
  return found;
}
