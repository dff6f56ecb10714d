// Creates the local tables from the same definitions the CDK stack uses (keys, GSIs, TTL), so
// the local runtime and the tests cannot drift from what is deployed.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { tableDefinitions, type KeyAttribute, type TableDefinition } from '#shared/adapters/dynamodb/tables.ts';

/** Construct ids of shared/adapters/dynamodb/tables.ts (a new table there must be added here). */
export type TableId = 'DataTable' | 'NonceTable';

/** Physical names used by `npm start`. Tests use unique names (see tests/support/local-stack.ts). */
export const localTableNames: Record<TableId, string> = {
  DataTable: 'publik-club-data',
  NonceTable: 'publik-club-nonces',
};

/** `{ DATA_TABLE: name, NONCE_TABLE: name }`: the environment the functions read. */
export function tableEnv(names: Record<TableId, string>): Record<string, string> {
  return Object.fromEntries(tableDefinitions.map((def) => [def.envVar, physicalName(names, def)]));
}

export interface CreatedTable {
  id: TableId;
  name: string;
  /** False when the table already existed (idempotent). */
  created: boolean;
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function indexInput(index: TableDefinition['globalIndexes'][number]) {
  return { IndexName: index.indexName, KeySchema: keySchema(index.partitionKey, index.sortKey), Projection: { ProjectionType: 'ALL' as const } };
}

function attributeDefinitions(def: TableDefinition): AttributeDefinition[] {
  const attributes = new Map<string, AttributeDefinition>();
  for (const key of [def.partitionKey, def.sortKey, ...def.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return [...attributes.values()];
}

/** CreateTable input for one definition (on-demand billing, GSIs projecting ALL, like the stack). */
export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions(def),
    KeySchema: keySchema(def.partitionKey, def.sortKey),
    ...(def.globalIndexes.length > 0 ? { GlobalSecondaryIndexes: def.globalIndexes.map(indexInput) } : {}),
  };
}

/**
 * Adds the indexes of `def` that an existing table lacks (a `.local/data` table created before
 * an index was defined), one UpdateTable each (DynamoDB creates one index at a time), and waits
 * until each is active. Items already stored are indexed by DynamoDB itself. Returns the names added.
 */
export async function addMissingIndexes(client: DynamoDBClient, def: TableDefinition, tableName: string): Promise<string[]> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const added: string[] = [];
  for (const index of def.globalIndexes) {
    if (present.has(index.indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions(def),
        GlobalSecondaryIndexUpdates: [{ Create: indexInput(index) }],
      }),
    );
    for (let i = 0; ; i++) {
      const { Table: now } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (now?.GlobalSecondaryIndexes?.find((g) => g.IndexName === index.indexName)?.IndexStatus === 'ACTIVE') break;
      if (i >= 120) throw new Error(`Index ${index.indexName} of ${tableName} not active after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    added.push(index.indexName);
  }
  return added;
}

function physicalName(names: Record<TableId, string>, def: TableDefinition): string {
  const name = (names as Record<string, string | undefined>)[def.id];
  if (!name) throw new Error(`No local name for table ${def.id}: add it to TableId and the name maps in scripts/local/tables.ts`);
  return name;
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function ensureTimeToLive(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const ttl = current.TimeToLiveDescription;
  if (ttl?.TimeToLiveStatus === 'ENABLED' && ttl.AttributeName === attribute) return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
    }),
  );
}

/**
 * Creates every table of `tableDefinitions` under the given physical names, skipping those that
 * already exist (adding the indexes they lack), waits until they are active and enables TTL.
 * Safe to call again.
 */
export async function createTables(client: DynamoDBClient, names: Record<TableId, string>): Promise<CreatedTable[]> {
  return Promise.all(
    tableDefinitions.map(async (def): Promise<CreatedTable> => {
      const name = physicalName(names, def);
      let created = false;
      if (!(await tableExists(client, name))) {
        try {
          await client.send(new CreateTableCommand(createTableInput(def, name)));
          created = true;
        } catch (error) {
          // Created meanwhile by another caller: fine.
          if (!(error instanceof ResourceInUseException)) throw error;
        }
      }
      await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: name });
      // A table kept from an older `npm start` (.local/data) gets the indexes defined since.
      if (!created) await addMissingIndexes(client, def, name);
      if (def.ttlAttribute) await ensureTimeToLive(client, name, def.ttlAttribute);
      return { id: def.id as TableId, name, created };
    }),
  );
}
