// The shared DynamoDB primitives every use case commits through, against DynamoDB Local: one
// transaction that consumes the call's nonce, one BatchGetItem, write-sharded counter sets.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { batchGet, itemKey } from '#shared/adapters/dynamodb/batch-get.ts';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { counterDeltaItem, readCounterSet } from '#shared/adapters/dynamodb/counters.ts';
import { DynamoNonceRepository, nonceKey } from '#shared/adapters/dynamodb/nonce-repository.ts';
import { TransactionRefusedError, transactWrite } from '#shared/adapters/dynamodb/transact.ts';
import { CallNonce, ReplayedCallError } from '#shared/domain/call-nonce.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `prim-data-${suffix}`, NonceTable: `prim-nonces-${suffix}` };
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), tables);

const nonce = (value: string) => new CallNonce('demarches.example.org', value, Math.floor(Date.now() / 1000) + 300);
const put = (pk: string, condition = true) => ({
  tag: pk,
  item: {
    Put: {
      TableName: tables.DataTable,
      Item: { pk, sk: 'META', v: 1 },
      ...(condition ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
    },
  },
});
const exists = async (table: string, key: Record<string, string>) =>
  (await ddb.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item !== undefined;

describe('transactWrite', () => {
  it('consumes the nonce in the same write, and refuses a replay with nothing written', async () => {
    const n = nonce(`n1-${suffix}`);
    await transactWrite(ddb, [put(`A#${suffix}`)], { tableName: tables.NonceTable, nonce: n });
    expect(n.consumed).toBe(true);
    expect(await exists(tables.NonceTable, nonceKey(n.orig, n.value))).toBe(true);

    const replay = nonce(`n1-${suffix}`);
    await expect(transactWrite(ddb, [put(`B#${suffix}`)], { tableName: tables.NonceTable, nonce: replay })).rejects.toBeInstanceOf(
      ReplayedCallError,
    );
    expect(await exists(tables.DataTable, { pk: `B#${suffix}`, sk: 'META' })).toBe(false);
  });

  it('names the failed conditions, and a refused write leaves the nonce free for the retry', async () => {
    const n = nonce(`n2-${suffix}`);
    const error = await transactWrite(ddb, [put(`A#${suffix}`), put(`C#${suffix}`)], { tableName: tables.NonceTable, nonce: n }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransactionRefusedError);
    expect([...(error as TransactionRefusedError).failedTags]).toEqual([`A#${suffix}`]);
    expect(n.consumed).toBe(false);
    expect(await exists(tables.NonceTable, nonceKey(n.orig, n.value))).toBe(false);
    await transactWrite(ddb, [put(`C#${suffix}`)], { tableName: tables.NonceTable, nonce: n });
    expect(n.consumed).toBe(true);
  });

  it('lets the nonce store claim a nonce that no write consumed, once', async () => {
    const store = new DynamoNonceRepository(ddb, tables.NonceTable);
    expect(await store.claim(nonce(`n3-${suffix}`))).toBe(true);
    expect(await store.claim(nonce(`n3-${suffix}`))).toBe(false);
  });
});

describe('batchGet', () => {
  it('reads found items by key in one call and leaves absent ones out', async () => {
    await ddb.send(new PutCommand({ TableName: tables.DataTable, Item: { pk: `G#${suffix}`, sk: 'X', v: 7 } }));
    const keys = [
      { pk: `G#${suffix}`, sk: 'X' },
      { pk: `G#${suffix}`, sk: 'missing' },
      { pk: `G#${suffix}`, sk: 'X' },
    ];
    const found = await batchGet(ddb, tables.DataTable, keys);
    expect(found.size).toBe(1);
    expect(found.get(itemKey({ pk: `G#${suffix}`, sk: 'X' }))).toMatchObject({ v: 7 });
  });
});

describe('sharded counter sets', () => {
  it('sums concurrent deltas over shards exactly, negative deltas included', async () => {
    const set = `votes-${suffix}`;
    const writes = Array.from({ length: 200 }, (_, i) =>
      transactWrite(ddb, [{ tag: 'counter', item: counterDeltaItem(tables.DataTable, set, { 'score:a': 1, 'score:b': i % 2, ballots: 1 }) }]),
    );
    await Promise.all(writes);
    await transactWrite(ddb, [{ tag: 'counter', item: counterDeltaItem(tables.DataTable, set, { 'score:a': -3, 'score:c': 2 }) }]);
    expect(await readCounterSet(ddb, tables.DataTable, set)).toEqual({ 'score:a': 197, 'score:b': 100, 'score:c': 2, ballots: 200 });
    expect(await readCounterSet(ddb, tables.DataTable, `empty-${suffix}`)).toEqual({});
  });
});
