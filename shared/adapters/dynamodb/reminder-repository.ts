// The reminder engine's ledger in the data table (see shared/domain/reminders/engine.ts):
// - schedule item per owner, pk `RMD#<kind>#<id>` sk `#SCHEDULE`: `revision` (bumped by every
//   next-due write, the condition that orders an admin refresh and a tick) and, only while
//   something is ahead, `gsi1pk = REMINDERS-DUE` / `gsi1sk = <dueAt>#<kind>#<id>` (sparse);
// - one record per dispatch in the same partition, sk `DISPATCH#<subject>#<kind>#<rule>#<seq>`:
//   status fanning|done|skipped, the fan-out cursor, the lease (token + until) and counts.
// The tick's « is anything due? » is one Query of gsi1; an owner's whole history is one Query.
// Leases are measured on the run's scheduled instant (`now`), like every decision of a tick:
// a run retried with the same instant finds the lease still held, the next scheduled run
// (5 minutes later) finds a crashed holder's lease expired and resumes its fan-out.
import {
  ConditionalCheckFailedException,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '#shared/adapters/aws/sdk.ts';
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { exprNames, updateIfHolds } from '#shared/adapters/dynamodb/expressions.ts';
import { reminderKeys } from '#shared/adapters/dynamodb/keys.ts';
import { collect, partitionItems, queryItems } from '#shared/adapters/dynamodb/query.ts';
import { TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';
import { dispatchFields, dispatchId, MessageKindSchema, OwnerKindSchema, type Dispatch, type DispatchRecord, type OwnerRef, type Plan } from '#shared/domain/reminders/model.ts';
import type { FanOutClaim, ReminderRepository } from '#shared/domain/reminders/ports.ts';

// Records of past occurrences are kept a year (delivery reports, « was it sent? »), then expire.
const RECORD_LIFETIME_SECONDS = 366 * 24 * 3600;

const RecordSchema = z
  .object({
    subject: z.string(),
    kind: MessageKindSchema,
    rule: z.string().nullable(),
    sequence: z.number().int(),
    due_at: z.string(),
    starts_at: z.string().nullable(),
    status: z.enum(['fanning', 'done', 'skipped']),
    queued: z.number().int().default(0),
    reason: z.string().optional(),
    created_at: z.string().optional(),
  })
  .transform(
    (r): DispatchRecord => ({
      subject: r.subject,
      kind: r.kind,
      rule: r.rule,
      sequence: r.sequence,
      dueAt: r.due_at,
      startsAt: r.starts_at,
      status: r.status,
      queued: r.queued,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.created_at ? { recordedAt: r.created_at } : {}),
    }),
  );

const DueSchema = z.object({ owner_kind: OwnerKindSchema, owner_id: z.string() });
const ScheduleSchema = z.object({ revision: z.number().int() });
const ClaimSchema = z.object({ cursor: z.string().nullable().optional(), queued: z.number().int().default(0) });

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoReminderRepository implements ReminderRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async dueOwners(now: Date, limit: number): Promise<OwnerRef[]> {
    // `~` sorts after every character of an ISO instant: every key whose instant is ≤ now.
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :upto',
        ExpressionAttributeValues: { ':pk': reminderKeys.duePartition, ':upto': `${now.toISOString()}#~` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => {
      const d = DueSchema.parse(item);
      return { kind: d.owner_kind, id: d.owner_id };
    });
  }

  async history(owner: OwnerRef): Promise<{ revision: number; records: DispatchRecord[] }> {
    let revision = 0;
    const records: DispatchRecord[] = [];
    for await (const item of partitionItems(this.client, this.tableName, reminderKeys.ownerPartition(owner.kind, owner.id))) {
      if (item['sk'] === reminderKeys.schedule(owner.kind, owner.id).sk) revision = ScheduleSchema.parse(item).revision;
      else if (String(item['sk']).startsWith(reminderKeys.DISPATCH_PREFIX)) records.push(RecordSchema.parse(item));
    }
    return { revision, records };
  }

  subjectRecords(owner: OwnerRef, subject: string): Promise<DispatchRecord[]> {
    // Ids never hold `#`: the prefix `DISPATCH#<subject>#` names this subject's records only.
    const items = queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': reminderKeys.ownerPartition(owner.kind, owner.id), ':prefix': `${reminderKeys.DISPATCH_PREFIX}${subject}#` },
    });
    return collect(items, (item) => RecordSchema.parse(item));
  }

  async record(owner: OwnerRef, plan: Pick<Plan, 'fanOut' | 'skip'>, now: Date): Promise<void> {
    const put = async (dispatch: Dispatch, status: 'fanning' | 'skipped', reason?: string) => {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...reminderKeys.dispatch(owner.kind, owner.id, dispatchId(dispatch)),
              type: 'reminder-dispatch',
              ...dispatchFields(owner, dispatch),
              due_at: dispatch.dueAt,
              starts_at: dispatch.startsAt,
              status,
              queued: 0,
              cursor: null,
              created_at: now.toISOString(),
              ...(status === 'skipped' ? { finished_at: now.toISOString() } : {}),
              ...(reason ? { reason } : {}),
              [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + RECORD_LIFETIME_SECONDS,
            },
            // Recorded once: a racing tick that planned the same pair leaves ours alone.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    };
    await Promise.all([...plan.fanOut.map((d) => put(d, 'fanning')), ...plan.skip.map((d) => put(d, 'skipped', d.reason))]);
  }

  async claimFanOut(owner: OwnerRef, dispatch: Dispatch, now: Date, leaseSeconds: number): Promise<FanOutClaim | undefined> {
    const token = randomUUID();
    const update = 'SET #lease_token = :token, #lease_until = :until ADD #claims :one';
    const condition = '#status = :fanning AND (attribute_not_exists(#lease_until) OR #lease_until < :now)';
    const values = {
      ':token': token,
      ':until': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
      ':now': now.toISOString(),
      ':fanning': 'fanning',
      ':one': 1,
    };
    const out = await this.updateRecord(owner, dispatch, update, condition, values, true);
    if (!out) return undefined;
    const claim = ClaimSchema.parse(out.Attributes);
    return { token, cursor: claim.cursor ?? null, queued: claim.queued };
  }

  async advanceFanOut(owner: OwnerRef, dispatch: Dispatch, token: string, cursor: string, queued: number, now: Date, leaseSeconds: number): Promise<boolean> {
    return this.underLease(owner, dispatch, token, 'SET #cursor = :cursor, #queued = :queued, #lease_until = :until', {
      ':cursor': cursor,
      ':queued': queued,
      ':until': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
    });
  }

  async finishFanOut(owner: OwnerRef, dispatch: Dispatch, token: string, queued: number, now: Date): Promise<boolean> {
    return this.underLease(owner, dispatch, token, 'SET #status = :done, #queued = :queued, #finished_at = :at REMOVE #lease_token, #lease_until, #cursor', {
      ':done': 'done',
      ':queued': queued,
      ':at': now.toISOString(),
    });
  }

  private async underLease(owner: OwnerRef, dispatch: Dispatch, token: string, update: string, values: Record<string, unknown>): Promise<boolean> {
    const condition = '#status = :fanning AND #lease_token = :token';
    const out = await this.updateRecord(owner, dispatch, update, condition, { ':fanning': 'fanning', ':token': token, ...values });
    return out !== undefined;
  }

  /** A conditional update of a dispatch record; undefined when the condition failed. */
  private updateRecord(owner: OwnerRef, dispatch: Dispatch, update: string, condition: string, values: Record<string, unknown>, returnNew = false) {
    return updateIfHolds(this.client, {
      TableName: this.tableName,
      Key: reminderKeys.dispatch(owner.kind, owner.id, dispatchId(dispatch)),
      UpdateExpression: update,
      ConditionExpression: condition,
      ExpressionAttributeNames: exprNames(update, condition),
      ExpressionAttributeValues: values,
      ...(returnNew ? { ReturnValues: 'ALL_NEW' as const } : {}),
    });
  }

  async setNextDue(owner: OwnerRef, nextDueAt: string | null, expectedRevision: number, now: Date): Promise<boolean> {
    const base = 'SET #revision = :next, #owner_kind = :kind, #owner_id = :id, #type = :type, #updated_at = :now';
    const update =
      nextDueAt === null
        ? `${base} REMOVE #next_due_at, #gsi1pk, #gsi1sk`
        : `${base}, #next_due_at = :due, #gsi1pk = :gpk, #gsi1sk = :gsk`;
    const condition = expectedRevision === 0 ? 'attribute_not_exists(#pk)' : '#revision = :expected';
    const due = nextDueAt === null ? undefined : reminderKeys.due(nextDueAt, owner.kind, owner.id);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reminderKeys.schedule(owner.kind, owner.id),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: exprNames(update, condition),
          ExpressionAttributeValues: {
            ':next': expectedRevision + 1,
            ':kind': owner.kind,
            ':id': owner.id,
            ':type': 'reminder-schedule',
            ':now': now.toISOString(),
            ...(expectedRevision === 0 ? {} : { ':expected': expectedRevision }),
            ...(due ? { ':due': nextDueAt, ':gpk': due.gsi1pk, ':gsk': due.gsi1sk } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
