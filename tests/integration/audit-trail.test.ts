// The audit trail's repository against DynamoDB Local: records expire 5 years after they were
// written (TTL), a record id is never written twice, pages run newest first across the whole
// trail or one target, `since` bounds them, and 200 records are read back in full by paging.
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { DynamoAuditReader, DynamoAuditTrail } from '#shared/adapters/dynamodb/audit-repository.ts';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { auditKeys } from '#shared/adapters/dynamodb/keys.ts';
import { AuditLog } from '#shared/domain/audit/service.ts';
import type { AuditRecord } from '#shared/domain/audit/record.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `audit-data-${suffix}`, NonceTable: `audit-nonces-${suffix}` };
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), tables);
const trail = new DynamoAuditTrail(ddb, tables.DataTable);
const reader = new DynamoAuditReader(ddb, tables.DataTable);

const record = (i: number, target?: string): AuditRecord => ({
  at: new Date(Date.UTC(2026, 11, 7, 10, 0, i)).toISOString(),
  id: randomUUID(),
  actor: { kind: 'token', label: 'bureau' },
  action: 'meeting.put',
  ...(target ? { target } : {}),
  ...(i % 3 === 0 ? { counts: { promoted: i } } : {}),
});

describe('DynamoAuditTrail', () => {
  const written = Array.from({ length: 200 }, (_, i) => record(i, i % 2 === 0 ? 'club-12' : `reg-${i}`));

  it('writes each record once, with its TTL 5 years on, listed by target in gsi1', async () => {
    await Promise.all(written.map((r) => trail.append(r)));
    await expect(trail.append(written[0] as AuditRecord)).rejects.toThrow();
    const raw = await ddb.send(
      new QueryCommand({ TableName: tables.DataTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': auditKeys.partition }, Limit: 1 }),
    );
    const item = raw.Items?.[0] as Record<string, unknown>;
    expect(item['expiresAt']).toBe(Math.floor(Date.parse(String(item['at']).replace('2026-', '2031-')) / 1000));
    expect(item['gsi1pk']).toMatch(/^AUDIT#/);
  });

  it('reads every record back newest first through pages, across the trail and for one target', async () => {
    const log = new AuditLog(reader);
    const all = await log.all({});
    expect(all.map((r) => r.id)).toEqual([...written].reverse().map((r) => r.id));
    expect(all[0]).toEqual(written[199]);

    const first = await log.page({ target: 'club-12', limit: 40 });
    expect(first.records).toHaveLength(40);
    const rest = await log.all({ target: 'club-12', after: first.next ?? undefined });
    expect([...first.records, ...rest].map((r) => r.id)).toEqual(written.filter((_, i) => i % 2 === 0).reverse().map((r) => r.id));

    const since = await log.all({ since: (written[190] as AuditRecord).at });
    expect(since).toHaveLength(10);
  });

  it('refuses a cursor made by another listing', async () => {
    const page = await reader.list({ limit: 5 });
    await expect(reader.list({ target: 'club-12', after: page.next ?? undefined, limit: 5 })).rejects.toMatchObject({ statusCode: 400 });
    await expect(reader.list({ after: 'pas-un-curseur', limit: 5 })).rejects.toMatchObject({ statusCode: 400 });
  });
});
