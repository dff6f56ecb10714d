import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CapacityItem } from '#shared/domain/meetings/items.ts';
import type { MeetingStore } from '#shared/domain/meetings/ports.ts';
import type { ItemAction } from '#shared/domain/registrations/allocation.ts';
import {
  NotificationSchema,
  EmailTakenError,
  FormTakenError,
  PlanOutdatedError,
  type Notification,
  type RegistrationStore,
  type RegistrationWrite,
} from '#shared/domain/registrations/ports.ts';
import { RegistrationSchema, type Registration } from '#shared/domain/registrations/schema.ts';
import { exprNames, versionCondition } from '#shared/adapters/dynamodb/expressions.ts';
import { keys, registrationKeys as rk } from '#shared/adapters/dynamodb/keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Tag = 'form' | 'email' | 'old-email' | 'registration' | 'counter' | 'waiting' | 'outbox';
interface Tagged {
  tag: Tag;
  item: TransactItem;
}

/** Cancellation reasons that mean "the state moved under this plan": plan again. */
const RETRYABLE_REASONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError']);

const PointerSchema = z.object({ registration_id: z.string() });
const WaitingEntrySchema = z.object({ registration_id: z.string(), ticket: z.number().int() });

export class DynamoRegistrationStore implements RegistrationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meetings: MeetingStore,
  ) {}

  async readCounters(meetingId: string): Promise<Map<string, CapacityItem>> {
    const found = await this.meetings.findMeetingWithItems(meetingId);
    return new Map((found?.items ?? []).map((i) => [i.key, i]));
  }

  async findById(registrationId: string): Promise<Registration | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: rk.registration(registrationId), ConsistentRead: true }),
    );
    return out.Item ? RegistrationSchema.parse(out.Item.registration) : undefined;
  }

  private async pointer(key: { pk: string; sk: string }): Promise<string | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item ? PointerSchema.parse(out.Item).registration_id : undefined;
  }

  async findByFormUuid(formUuid: string): Promise<Registration | undefined> {
    const id = await this.pointer(rk.form(formUuid));
    return id ? this.findById(id) : undefined;
  }

  findIdByEmail(meetingId: string, email: string): Promise<string | undefined> {
    return this.pointer(rk.email(meetingId, email));
  }

  async reserveTickets(meetingId: string, itemKeys: string[]): Promise<Map<string, number>> {
    const entries = await Promise.all(
      itemKeys.map(async (key) => {
        const out = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: rk.ticketSequence(meetingId, key),
            UpdateExpression: 'ADD #seq :one',
            ExpressionAttributeNames: { '#seq': 'seq' },
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return [key, z.number().int().parse(out.Attributes?.seq)] as const;
      }),
    );
    return new Map(entries);
  }

  async create(write: RegistrationWrite): Promise<void> {
    const reg = write.registration;
    const items: Tagged[] = [
      {
        tag: 'form',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...rk.form(reg.form_uuid), type: 'form', registration_id: reg.id, meeting_id: reg.meeting_id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      {
        tag: 'email',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...rk.email(reg.meeting_id, reg.email), type: 'email', registration_id: reg.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      { tag: 'registration', item: this.putRegistration(reg, 0) },
      ...this.actionItems(reg.meeting_id, reg.id, write.actions, write.tickets),
    ];
    await this.transact(items);
  }

  async update(write: RegistrationWrite, expectedVersion: number, previousEmail: string): Promise<void> {
    const reg = write.registration;
    const emailMoves: Tagged[] = [];
    if (reg.state === 'cancelled') {
      emailMoves.push({ tag: 'old-email', item: { Delete: { TableName: this.tableName, Key: rk.email(reg.meeting_id, previousEmail) } } });
    } else if (previousEmail !== reg.email) {
      emailMoves.push(
        { tag: 'old-email', item: { Delete: { TableName: this.tableName, Key: rk.email(reg.meeting_id, previousEmail) } } },
        {
          tag: 'email',
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...rk.email(reg.meeting_id, reg.email), type: 'email', registration_id: reg.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
      );
    }
    await this.transact([
      { tag: 'registration', item: this.putRegistration(reg, expectedVersion) },
      ...emailMoves,
      ...this.actionItems(reg.meeting_id, reg.id, write.actions, write.tickets),
    ]);
  }

  async promote(
    write: RegistrationWrite & { itemKey: string; ticket: number; notification: Notification },
    expectedVersion: number,
  ): Promise<void> {
    const reg = write.registration;
    const n = write.notification;
    await this.transact([
      { tag: 'registration', item: this.putRegistration(reg, expectedVersion) },
      {
        tag: 'counter',
        item: {
          Update: {
            TableName: this.tableName,
            Key: keys.item(reg.meeting_id, write.itemKey),
            UpdateExpression: 'ADD #confirmed :one, #waiting :minus',
            ConditionExpression: 'attribute_type(#capacity, :nullType) OR #confirmed < #capacity',
            ExpressionAttributeNames: exprNames('ADD #confirmed :one, #waiting :minus', 'attribute_type(#capacity, :nullType) OR #confirmed < #capacity'),
            ExpressionAttributeValues: { ':one': 1, ':minus': -1, ':nullType': 'NULL' },
          },
        },
      },
      {
        tag: 'waiting',
        item: {
          Delete: {
            TableName: this.tableName,
            Key: rk.waiting(reg.meeting_id, write.itemKey, write.ticket),
            ConditionExpression: 'registration_id = :id',
            ExpressionAttributeValues: { ':id': reg.id },
          },
        },
      },
      ...this.actionItems(reg.meeting_id, reg.id, write.actions, write.tickets),
      {
        tag: 'outbox',
        item: { Put: { TableName: this.tableName, Item: { ...rk.outbox(n.created_at, n.id), type: 'outbox', notification: n } } },
      },
    ]);
  }

  async waitingPositions(registration: Registration): Promise<Map<string, number>> {
    const waiting = registration.items.filter((h) => h.status === 'waiting' && h.ticket !== undefined);
    const entries = await Promise.all(
      waiting.map(async (h) => {
        let ahead = 0;
        const pages = paginateQuery(
          { client: this.client },
          {
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk < :sk',
            ExpressionAttributeValues: {
              ':pk': rk.waitingPartition(registration.meeting_id, h.key),
              ':sk': rk.waiting(registration.meeting_id, h.key, h.ticket as number).sk,
            },
            Select: 'COUNT',
            ConsistentRead: true,
          },
        );
        for await (const page of pages) ahead += page.Count ?? 0;
        return [h.key, ahead + 1] as const;
      }),
    );
    return new Map(entries);
  }

  async firstWaiting(meetingId: string, itemKey: string): Promise<{ registrationId: string; ticket: number } | undefined> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': rk.waitingPartition(meetingId, itemKey) },
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const first = out.Items?.[0];
    if (!first) return undefined;
    const entry = WaitingEntrySchema.parse(first);
    return { registrationId: entry.registration_id, ticket: entry.ticket };
  }

  async listByMeeting(meetingId: string): Promise<Registration[]> {
    // Read from the index (eventually consistent, milliseconds behind): organiser lists.
    const regs: Registration[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': rk.meetingListingPartition(meetingId) },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) regs.push(RegistrationSchema.parse(item.registration));
    return regs;
  }

  async setCheckIn(registrationId: string, day: string, at: string, expectedVersion: number): Promise<Registration> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rk.registration(registrationId),
          // The version moves too: a writer holding an older copy (a promotion, a modification)
          // then fails its version condition and re-reads, instead of erasing the check-in.
          UpdateExpression:
            'SET #reg.#checked.#day = if_not_exists(#reg.#checked.#day, :at), #version = #version + :one, #reg.#version = #reg.#version + :one',
          // Decided on the registration as read: cancelled or moved meanwhile, it is checked again.
          ConditionExpression: '#version = :v',
          ExpressionAttributeNames: { '#reg': 'registration', '#checked': 'checked_in', '#day': day, '#version': 'version' },
          ExpressionAttributeValues: { ':at': at, ':one': 1, ':v': expectedVersion },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return RegistrationSchema.parse(out.Attributes?.registration);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new PlanOutdatedError();
      throw error;
    }
  }

  async clearOutbox(notification: Notification): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: rk.outbox(notification.created_at, notification.id) }),
    );
  }

  async listOutbox(olderThan: string): Promise<Notification[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk < :sk',
        ExpressionAttributeValues: { ':pk': rk.outboxPartition, ':sk': olderThan },
        Limit: 100,
      }),
    );
    return (out.Items ?? []).map((i) => NotificationSchema.parse(i.notification));
  }

  // -------------------------------------------------------------------------------------

  private putRegistration(reg: Registration, expectedVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...rk.registration(reg.id),
          ...rk.meetingListing(reg.meeting_id, reg.created_at, reg.id),
          type: 'registration',
          version: reg.version,
          registration: reg,
        },
        ...versionCondition(expectedVersion),
      },
    };
  }

  /** Counter updates whose conditions hold only if the plan is still right. */
  private actionItems(meetingId: string, registrationId: string, actions: ItemAction[], tickets: ReadonlyMap<string, number>): Tagged[] {
    const out: Tagged[] = [];
    for (const action of actions) {
      const Key = keys.item(meetingId, action.key);
      switch (action.type) {
        case 'take':
          // A place is free and nobody waits for it (a freed place belongs to the waiting list).
          out.push({
            tag: 'counter',
            item: {
              Update: {
                TableName: this.tableName,
                Key,
                UpdateExpression: 'ADD #confirmed :one',
                ConditionExpression: '(attribute_type(#capacity, :nullType) OR #confirmed < #capacity) AND #waiting = :zero',
                ExpressionAttributeNames: exprNames('ADD #confirmed :one', '(attribute_type(#capacity, :nullType) OR #confirmed < #capacity) AND #waiting = :zero'),
                ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':nullType': 'NULL' },
              },
            },
          });
          break;
        case 'wait': {
          const ticket = tickets.get(action.key);
          if (ticket === undefined) throw new Error(`no ticket reserved for ${action.key}`);
          out.push(
            {
              tag: 'counter',
              item: {
                Update: {
                  TableName: this.tableName,
                  Key,
                  UpdateExpression: 'ADD #waiting :one',
                  ConditionExpression: '#waiting_list = :true AND (#waiting > :zero OR #confirmed >= #capacity)',
                  ExpressionAttributeNames: exprNames('ADD #waiting :one', '#waiting_list = :true AND (#waiting > :zero OR #confirmed >= #capacity)'),
                  ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':true': true },
                },
              },
            },
            {
              tag: 'waiting',
              item: {
                Put: {
                  TableName: this.tableName,
                  Item: { ...rk.waiting(meetingId, action.key, ticket), type: 'waiting', registration_id: registrationId, ticket },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            },
          );
          break;
        }
        case 'release':
          out.push({
            tag: 'counter',
            item: {
              Update: {
                TableName: this.tableName,
                Key,
                UpdateExpression: 'ADD #confirmed :minus',
                ConditionExpression: '#confirmed > :zero',
                ExpressionAttributeNames: exprNames('ADD #confirmed :minus', '#confirmed > :zero'),
                ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
              },
            },
          });
          break;
        case 'leave':
          out.push(
            {
              tag: 'counter',
              item: {
                Update: {
                  TableName: this.tableName,
                  Key,
                  UpdateExpression: 'ADD #waiting :minus',
                  ConditionExpression: '#waiting > :zero',
                  ExpressionAttributeNames: exprNames('ADD #waiting :minus', '#waiting > :zero'),
                  ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
                },
              },
            },
            {
              tag: 'waiting',
              item: {
                Delete: {
                  TableName: this.tableName,
                  Key: rk.waiting(meetingId, action.key, action.ticket),
                  ConditionExpression: 'registration_id = :id',
                  ExpressionAttributeValues: { ':id': registrationId },
                },
              },
            },
          );
          break;
      }
    }
    return out;
  }

  private async transact(items: Tagged[]): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items.map((t) => t.item) }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      // Anything but a failed condition or a passing conflict is not cured by planning again.
      if (reasons.some((r) => !RETRYABLE_REASONS.has(r.Code ?? 'None'))) throw error;
      const failed = (tag: Tag) => items.some((t, i) => t.tag === tag && reasons[i]?.Code === 'ConditionalCheckFailed');
      if (failed('form')) throw new FormTakenError();
      if (failed('email')) throw new EmailTakenError();
      // Stale counters, a moved waiting entry, a concurrent edit or a transaction in flight.
      throw new PlanOutdatedError();
    }
  }
}
