// The audit trail in the data table (keys: auditKeys). Records expire through DynamoDB TTL
// 5 years after they were written: deletion is the whole job, so no purge touches them.
import * as z from 'zod';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';
import { auditKeys } from '#shared/adapters/dynamodb/keys.ts';
import { TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';
import type { AuditReader, AuditTrail } from '#shared/domain/audit/ports.ts';
import { auditExpiry, type AuditPage, type AuditQuery, type AuditRecord } from '#shared/domain/audit/record.ts';
import { AuditRecordSchema } from '#shared/domain/audit/schema.ts';
import { InvalidRequestError } from '#shared/errors.ts';

const TableCursor = z.strictObject({ pk: z.literal(auditKeys.partition), sk: z.string() });
const TargetCursor = z.strictObject({ gsi1pk: z.string(), gsi1sk: z.string(), pk: z.literal(auditKeys.partition), sk: z.string() });

const badCursor = () =>
  new InvalidRequestError('Paramètres invalides : after : curseur inconnu (reprenez la valeur « next » de la page précédente, avec les mêmes filtres).', [
    { path: 'after', message: 'curseur inconnu' },
  ]);

/** A cursor goes back only to the listing that made it (same `target`), else a 400. */
function startKey(query: AuditQuery): Record<string, unknown> | undefined {
  if (!query.after) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(query.after, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (query.target === undefined) {
    const key = TableCursor.safeParse(raw);
    if (!key.success) throw badCursor();
    return key.data;
  }
  const key = TargetCursor.safeParse(raw);
  if (!key.success || key.data.gsi1pk !== auditKeys.targetPartition(query.target)) throw badCursor();
  return key.data;
}

/** The writer every function with admin writes carries: one conditional PutItem, no parsing (the chain builds the record). */
export class DynamoAuditTrail implements AuditTrail {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(item: AuditRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...auditKeys.record(item.at, item.id),
          ...(item.target !== undefined ? auditKeys.targetListing(item.target, item.at, item.id) : {}),
          type: 'audit',
          ...item,
          [TTL_ATTRIBUTE]: auditExpiry(item.at),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}

export class DynamoAuditReader implements AuditReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(query: AuditQuery): Promise<AuditPage> {
    const byTarget = query.target !== undefined;
    const [pkName, skName, pk] = byTarget
      ? ['gsi1pk', 'gsi1sk', auditKeys.targetPartition(query.target as string)]
      : ['pk', 'sk', auditKeys.partition];
    const exclusiveStartKey = startKey(query);
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        ...(byTarget ? { IndexName: 'gsi1' } : {}),
        KeyConditionExpression: query.since !== undefined ? `${pkName} = :pk AND ${skName} >= :since` : `${pkName} = :pk`,
        ExpressionAttributeValues: { ':pk': pk, ...(query.since !== undefined ? { ':since': query.since } : {}) },
        ScanIndexForward: false,
        Limit: query.limit,
        ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
      }),
    );
    const records = (answer.Items ?? []).map((item) => AuditRecordSchema.parse(item));
    const last = answer.LastEvaluatedKey;
    return { records, next: last ? Buffer.from(JSON.stringify(last), 'utf8').toString('base64url') : null };
  }
}
