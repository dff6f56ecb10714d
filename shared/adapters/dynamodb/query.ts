// The Query shapes of the repositories, written once: a partition read whole (consistent), a
// gsi1 listing (eventually consistent, milliseconds behind: organiser lists and fan-outs), and a
// count. Every page is read (the SDK paginator); each repository parses the items it expects.
import { paginateQuery, type DynamoDBDocumentClient, type QueryCommandInput } from '#shared/adapters/aws/sdk.ts';

type Item = Record<string, unknown>;

/** Every item a Query returns, page after page. */
export async function* queryItems(client: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Item> {
  for await (const page of paginateQuery({ client }, input)) yield* (page.Items ?? []) as Item[];
}

/**
 * Every item of a partition; with `prefix`, only the sort keys that start with it. Read
 * consistently unless `consistent: false` (reports that may lag a write by milliseconds).
 */
export function partitionItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  opts: { prefix?: string | undefined; consistent?: boolean } = {},
): AsyncGenerator<Item> {
  const { prefix, consistent = true } = opts;
  return queryItems(client, {
    TableName: tableName,
    KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
    ...(consistent ? { ConsistentRead: true } : {}),
  });
}

/** Every entry of a gsi1 listing (`more`: a projection, its attribute names). */
export function listingItems(client: DynamoDBDocumentClient, tableName: string, gsi1pk: string, more: Partial<QueryCommandInput> = {}): AsyncGenerator<Item> {
  return queryItems(client, {
    TableName: tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': gsi1pk },
    ...more,
  });
}

/** How many items a Query matches, every page counted. */
export async function countItems(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<number> {
  let count = 0;
  for await (const page of paginateQuery({ client }, { ...input, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}

/** The items of a Query, each mapped. */
export async function collect<T>(items: AsyncIterable<Item>, map: (item: Item) => T): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(map(item));
  return out;
}
