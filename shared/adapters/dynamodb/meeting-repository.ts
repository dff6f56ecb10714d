import { StaleReadError } from '#shared/domain/conflicts.ts';
import { type DynamoDBDocumentClient, GetCommand } from '#shared/adapters/aws/sdk.ts';
import { collect, listingItems, partitionItems, queryItems } from '#shared/adapters/dynamodb/query.ts';
import { MeetingMessageSchema, type MeetingMessage } from '#shared/domain/meetings/messages.ts';
import * as z from 'zod';
import { itemDefinitionsOf, withCounters } from '#shared/domain/meetings/items.ts';
import { CapacityBelowConfirmedError, ItemInUseError, type MeetingChange, type MeetingRepository, type MeetingWithItems } from '#shared/domain/meetings/ports.ts';
import { MeetingSchema, type Meeting } from '#shared/domain/meetings/schema.ts';
import { exprNames, versionCondition } from '#shared/adapters/dynamodb/expressions.ts';
import { meetingKeys } from '#shared/adapters/dynamodb/keys.ts';
import { TransactionRefusedError, transactWrite, type TaggedItem } from '#shared/adapters/dynamodb/transact.ts';

// Every counter carries the meeting version it was defined by: registrations take places and
// count their choices only on items of the version they decided on
// (shared/adapters/dynamodb/registration-repository.ts). `chosen` counts the active
// registrations whose workshops name the item, whatever they hold; counters stored before it
// existed lack it until their next save (missing reads as 0 in the conditions below).
const UPSERT_ITEM =
  'SET #key = :key, #kind = :kind, #ref = :ref, #capacity = :capacity, #waiting_list = :wl, #meeting_version = :mv, ' +
  '#confirmed = if_not_exists(#confirmed, :zero), #waiting = if_not_exists(#waiting, :zero), #seq = if_not_exists(#seq, :zero), ' +
  '#chosen = if_not_exists(#chosen, :zero), #type = :type';
/** A capacity is never set below the places already confirmed, unless overbooking is allowed. */
const CAPACITY_HOLDS = 'attribute_not_exists(pk) OR #confirmed <= :capacity';
const NOT_CHOSEN = '(attribute_not_exists(#chosen) OR #chosen = :zero)';
/** Removed: nobody holds a place, waits, or chose it (a workshop waiting for its day holds nothing). */
const ITEM_UNUSED = `attribute_not_exists(pk) OR (#confirmed = :zero AND #waiting = :zero AND ${NOT_CHOSEN})`;

const CounterSchema = z.object({
  key: z.string(),
  confirmed: z.number().int(),
  waiting: z.number().int(),
  seq: z.number().int().default(0),
});

export class DynamoMeetingRepository implements MeetingRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findMeeting(meetingId: string): Promise<Meeting | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: meetingKeys.meeting(meetingId), ConsistentRead: true }),
    );
    return out.Item ? MeetingSchema.parse(out.Item.meeting) : undefined;
  }

  async findMeetingWithItems(meetingId: string): Promise<MeetingWithItems | undefined> {
    let meeting: Meeting | undefined;
    const counters = new Map<string, { confirmed: number; waiting: number; seq: number }>();
    for await (const item of partitionItems(this.client, this.tableName, meetingKeys.meetingPartition(meetingId))) {
      if (item['sk'] === meetingKeys.META) meeting = MeetingSchema.parse(item['meeting']);
      else if (typeof item['sk'] === 'string' && item['sk'].startsWith(meetingKeys.ITEM_PREFIX)) {
        const c = CounterSchema.parse(item);
        counters.set(c.key, { confirmed: c.confirmed, waiting: c.waiting, seq: c.seq });
      }
    }
    if (!meeting) return undefined;
    return { meeting, items: withCounters(itemDefinitionsOf(meeting), counters) };
  }

  async addMessage(message: MeetingMessage): Promise<boolean> {
    try {
      await transactWrite(this.client, [
        {
          tag: 'meeting',
          item: { ConditionCheck: { TableName: this.tableName, Key: meetingKeys.meeting(message.meeting_id), ConditionExpression: 'attribute_exists(pk)' } },
        },
        {
          tag: 'message',
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...meetingKeys.message(message.meeting_id, message.id), type: 'meeting-message', message },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionRefusedError && error.failed('meeting')) return false;
      throw error;
    }
  }

  async findMeetingWithMessages(meetingId: string): Promise<{ meeting: Meeting; messages: MeetingMessage[] } | undefined> {
    // One query: META and the MSG# items sort together after every ITEM# counter.
    let meeting: Meeting | undefined;
    const messages: MeetingMessage[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk >= :meta',
      ExpressionAttributeValues: { ':pk': meetingKeys.meetingPartition(meetingId), ':meta': meetingKeys.META },
      ConsistentRead: true,
    })) {
      if (item['sk'] === meetingKeys.META) meeting = MeetingSchema.parse(item['meeting']);
      else if (String(item['sk']).startsWith('MSG#')) messages.push(MeetingMessageSchema.parse(item['message']));
    }
    return meeting ? { meeting, messages } : undefined;
  }

  listMeetings(): Promise<Meeting[]> {
    return collect(listingItems(this.client, this.tableName, 'MEETINGS'), (item) => MeetingSchema.parse(item['meeting']));
  }

  async saveMeeting(next: Meeting, expectedVersion: number, change: MeetingChange): Promise<void> {
    const firstDate = next.days[0]?.date ?? '9999-12-31';
    const meta: TaggedItem = {
      tag: 'meeting',
      item: {
        Put: {
          TableName: this.tableName,
          Item: {
            ...meetingKeys.meeting(next.id),
            ...meetingKeys.meetingListing(firstDate, next.id),
            type: 'meeting',
            version: next.version,
            meeting: next,
          },
          ...versionCondition(expectedVersion),
        },
      },
    };
    // Counters are created at zero and never overwritten here: registrations own them. A moved
    // workshop keeps its item: the same update requires that nobody chose it, so that a choice
    // made on its former day, committed first, refuses the move (the item as it stood tells
    // which condition failed when a capacity condition rides along).
    const definitions = itemDefinitionsOf(next);
    const moved = new Set(change.moved);
    const upserts: TaggedItem[] = definitions.map((def) => {
      const conditions = [
        ...(!change.allowOverbooking && def.capacity !== null ? [`(${CAPACITY_HOLDS})`] : []),
        ...(moved.has(def.key) ? [NOT_CHOSEN] : []),
      ];
      const condition = conditions.join(' AND ');
      return {
        tag: `upsert:${def.key}`,
        returnCurrent: moved.has(def.key),
        item: {
          Update: {
            TableName: this.tableName,
            Key: meetingKeys.item(next.id, def.key),
            UpdateExpression: UPSERT_ITEM,
            ...(condition ? { ConditionExpression: condition } : {}),
            ExpressionAttributeNames: exprNames(UPSERT_ITEM, condition),
            ExpressionAttributeValues: {
              ':key': def.key,
              ':kind': def.kind,
              ':ref': def.ref,
              ':capacity': def.capacity,
              ':wl': def.waiting_list,
              ':mv': next.version,
              ':zero': 0,
              ':type': 'item',
            },
          },
        },
      };
    });
    const removals: TaggedItem[] = change.removed.map((itemKey) => ({
      tag: `remove:${itemKey}`,
      item: {
        Delete: {
          TableName: this.tableName,
          Key: meetingKeys.item(next.id, itemKey),
          ConditionExpression: ITEM_UNUSED,
          ExpressionAttributeNames: exprNames(ITEM_UNUSED),
          ExpressionAttributeValues: { ':zero': 0 },
        },
      },
    }));
    try {
      await transactWrite(this.client, [meta, ...upserts, ...removals]);
    } catch (error) {
      if (!(error instanceof TransactionRefusedError)) throw error;
      // A concurrent writer (stale version or a transaction in flight): recompute and retry.
      if (error.conflict || error.failed('meeting')) throw new StaleReadError();
      const chosenBefore = new Map(error.current.map((c) => [c.tag, Number(c.item?.['chosen'] ?? 0)]));
      const busy = [
        ...change.removed.filter((key) => error.failed(`remove:${key}`)),
        ...definitions.filter((d) => moved.has(d.key) && (chosenBefore.get(`upsert:${d.key}`) ?? 0) > 0).map((d) => d.key),
      ];
      if (busy.length > 0) throw new ItemInUseError(busy);
      const below = definitions.filter((d) => error.failed(`upsert:${d.key}`)).map((d) => d.key);
      if (below.length > 0) throw new CapacityBelowConfirmedError(below);
      throw error;
    }
  }
}
