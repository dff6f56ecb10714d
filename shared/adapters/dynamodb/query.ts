// The Query shapes of the repositories, written once: a partition read whole (consistent), a
// gsi1 listing (eventually consistent, milliseconds behind: organiser lists and fan-outs), and a
// count. Every page is read (the SDK paginator); each repository parses the items it expects.
import { paginateQuery, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '#shared/adapters/aws/sdk.ts';
import { decodeCursor, encodeCursor } from '#shared/adapters/dynamodb/cursor.ts';

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

/** One page of a gsi1 listing from an opaque cursor (cursor.ts); `cursor` null after the last page. */
export async function listingPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  gsi1pk: string,
  page: { cursor: string | null; limit: number },
  more: Partial<QueryCommandInput> = {},
): Promise<{ items: Item[]; cursor: string | null }> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk },
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor),
      ...more,
    }),
  );
  return { items: (out.Items ?? []) as Item[], cursor: encodeCursor(out.LastEvaluatedKey) };
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
