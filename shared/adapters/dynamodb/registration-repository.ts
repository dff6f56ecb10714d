import { FormTakenError, StaleReadError } from '#shared/domain/conflicts.ts';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand } from '#shared/adapters/aws/sdk.ts';
import * as z from 'zod';
import { InvalidRequestError } from '#shared/errors.ts';
import type { CapacityItem } from '#shared/domain/meetings/items.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { ItemAction } from '#shared/domain/registrations/allocation.ts';
import { NotificationSchema, EmailTakenError, type CheckinTokenChange, type CounterState, type Notification, type PromotionWrite, type RegistrationContext, type RegistrationCursorPage, type RegistrationPage, type RegistrationRepository, type RegistrationWrite, type WaitingLine, type WaitingListRepository } from '#shared/domain/registrations/ports.ts';
import { RegistrationSchema, type Registration } from '#shared/domain/registrations/schema.ts';
import { eligibilityView } from '#shared/domain/surveys/eligibility.ts';
import { MeetingSchema, type Meeting } from '#shared/domain/meetings/schema.ts';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { batchGet, itemKey } from '#shared/adapters/dynamodb/batch-get.ts';
import { collect, countItems, listingItems, listingPage, partitionItems, queryItems } from '#shared/adapters/dynamodb/query.ts';
import { decodeCursor, encodeCursor } from '#shared/adapters/dynamodb/cursor.ts';
import { exprNames, versionCondition } from '#shared/adapters/dynamodb/expressions.ts';
import { meetingKeys, personKeys, registrationKeys } from '#shared/adapters/dynamodb/keys.ts';
import { TransactionRefusedError, transactWrite, type TaggedItem, type TransactItem } from '#shared/adapters/dynamodb/transact.ts';

type Tag = 'form' | 'email' | 'old-email' | 'registration' | 'counter' | 'waiting' | 'outbox' | 'checkin';
type Tagged = TaggedItem<Tag>;

const PointerSchema = z.object({ registration_id: z.string() });
const FormMarkerSchema = z.object({ registration_id: z.string(), meeting_id: z.string() });
const EmailMarkerSchema = z.object({ registration_id: z.string(), form_uuid: z.string().optional() });
/** A promotion takes a free place; an organiser's promotion past the capacity asserts that the item is full. */
const WITHIN_CAPACITY = 'attribute_type(#capacity, :nullType) OR #confirmed < #capacity';
const BEYOND_CAPACITY = 'NOT attribute_type(#capacity, :nullType) AND #confirmed >= #capacity';
const ListedSchema = z.object({ registration: RegistrationSchema.pick({ id: true, state: true, meeting_id: true, checked_in: true, items: true }) });
const CheckinTokenItemSchema = z.object({ registration_id: z.string(), meeting_id: z.string() });
/** Registrations whose tokens one transaction stores (3 items each: registration, new hash, old hash). */
const TOKENS_PER_TRANSACTION = 33;

/**
 * A search cursor as the console sends it back: it must be one of ours, for this meeting's
 * listing; anything else is bad input naming `cursor` (never a read of another partition).
 */
function searchCursor(cursor: string | null, meetingId: string): Record<string, unknown> | undefined {
  if (cursor === null) return undefined;
  let key: Record<string, unknown> | undefined;
  try {
    key = decodeCursor(cursor);
  } catch {
    key = undefined;
  }
  if (!key || key['gsi1pk'] !== registrationKeys.meetingListingPartition(meetingId)) {
    const message = 'Curseur de pagination invalide : reprenez la recherche depuis le début.';
    throw new InvalidRequestError(message, [{ path: 'cursor', message }]);
  }
  return key;
}
const WaitingEntrySchema = z.object({ registration_id: z.string(), ticket: z.number().int(), sk: z.string() });
const CounterItemSchema = z.object({
  key: z.string(),
  kind: z.enum(['day', 'remote', 'workshop', 'evening']),
  ref: z.string(),
  capacity: z.number().int().nullable(),
  waiting_list: z.boolean(),
  confirmed: z.number().int(),
  waiting: z.number().int(),
  seq: z.number().int().default(0),
  /** The meeting version that defined the item (written by every admin PUT). */
  meeting_version: z.number().int().optional(),
});

export class DynamoRegistrationRepository implements RegistrationRepository, WaitingListRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meetings: MeetingRepository,
    /** Where signed calls' nonces live: consumed inside our transactions. */
    private readonly nonceTable: string,
  ) {}

  async loadRegistrationContext(
    meetingId: string,
    formUuid: string,
    email: string,
    itemKeys: string[],
    known?: Meeting,
  ): Promise<RegistrationContext> {
    const meetingKey = meetingKeys.meeting(meetingId);
    const formKey = registrationKeys.form(formUuid);
    const emailKey = registrationKeys.email(meetingId, email);
    const itemKeysRead = itemKeys.map((k) => meetingKeys.item(meetingId, k));
    // A meeting known to this container is not read again when every counter read carries its
    // version: the admin PUT writes the meeting and every counter's version in one transaction.
    const readMeeting = known === undefined || itemKeys.length === 0;
    const found = await batchGet(this.client, this.tableName, [...(readMeeting ? [meetingKey] : []), formKey, emailKey, ...itemKeysRead]);
    const form = found.get(itemKey(formKey));
    const emailMarker = found.get(itemKey(emailKey));
    const counters = new Map<string, CapacityItem>();
    let current = true;
    for (const k of itemKeysRead) {
      const item = found.get(itemKey(k));
      if (item) {
        const c = CounterItemSchema.parse(item);
        counters.set(c.key, c);
        if (c.meeting_version !== known?.version) current = false;
      } else current = false;
    }
    let meeting: Meeting | undefined;
    if (readMeeting) {
      const meetingItem = found.get(itemKey(meetingKey));
      meeting = meetingItem ? MeetingSchema.parse(meetingItem['meeting']) : undefined;
    } else {
      meeting = current ? known : await this.meetings.findMeeting(meetingId);
    }
    const formMarker = form ? FormMarkerSchema.parse(form) : undefined;
    const holder = emailMarker ? EmailMarkerSchema.parse(emailMarker) : undefined;
    return {
      meeting,
      counters,
      formHolder: formMarker ? { registrationId: formMarker.registration_id, meetingId: formMarker.meeting_id } : undefined,
      emailHolder: holder ? { registrationId: holder.registration_id, formUuid: holder.form_uuid } : undefined,
    };
  }

  async readCounters(meetingId: string): Promise<Map<string, CapacityItem>> {
    const found = await this.meetings.findMeetingWithItems(meetingId);
    return new Map((found?.items ?? []).map((i) => [i.key, i]));
  }

  async findById(registrationId: string): Promise<Registration | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: registrationKeys.registration(registrationId), ConsistentRead: true }),
    );
    return out.Item ? RegistrationSchema.parse(out.Item.registration) : undefined;
  }

  private async pointer(key: { pk: string; sk: string }): Promise<string | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item ? PointerSchema.parse(out.Item).registration_id : undefined;
  }

  async findByFormUuid(formUuid: string): Promise<Registration | undefined> {
    const id = await this.pointer(registrationKeys.form(formUuid));
    return id ? this.findById(id) : undefined;
  }

  findIdByEmail(meetingId: string, email: string): Promise<string | undefined> {
    return this.pointer(registrationKeys.email(meetingId, email));
  }

  async create(write: RegistrationWrite): Promise<void> {
    const reg = write.registration;
    const items: Tagged[] = [
      {
        tag: 'form',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...registrationKeys.form(reg.form_uuid), type: 'form', registration_id: reg.id, meeting_id: reg.meeting_id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      this.putEmailMarker(reg),
      { tag: 'registration', item: this.putRegistration(reg, 0) },
      ...(reg.checkin_token ? [{ tag: 'checkin' as const, item: { Put: this.checkinTokenItem(reg, reg.checkin_token.hash) } }] : []),
      ...this.actionItems(reg.meeting_id, reg.id, write.actions, write.meetingVersion),
      ...(write.notification ? [this.outboxItem(write.notification)] : []),
    ];
    await this.transact(items, write.nonce);
  }

  async update(write: RegistrationWrite, expectedVersion: number, previousEmail: string): Promise<void> {
    const reg = write.registration;
    const emailMoves: Tagged[] = [];
    if (reg.state === 'cancelled') {
      emailMoves.push({ tag: 'old-email', item: { Delete: { TableName: this.tableName, Key: registrationKeys.email(reg.meeting_id, previousEmail) } } });
    } else if (previousEmail !== reg.email) {
      emailMoves.push(
        { tag: 'old-email', item: { Delete: { TableName: this.tableName, Key: registrationKeys.email(reg.meeting_id, previousEmail) } } },
        this.putEmailMarker(reg),
      );
    } else {
      // Same email: the marker is this registration's; its eligibility view follows the change.
      emailMoves.push(this.putEmailMarker(reg, false));
    }
    await this.transact(
      [
        { tag: 'registration', item: this.putRegistration(reg, expectedVersion) },
        ...emailMoves,
        ...this.actionItems(reg.meeting_id, reg.id, write.actions, write.meetingVersion),
      ],
      write.nonce,
    );
  }

  async promote(write: PromotionWrite, expectedVersion: number): Promise<void> {
    const reg = write.registration;
    const n = write.notification;
    const condition = write.beyondCapacity ? BEYOND_CAPACITY : WITHIN_CAPACITY;
    await this.transact([
      { tag: 'registration', item: this.putRegistration(reg, expectedVersion) },
      this.putEmailMarker(reg, false),
      {
        tag: 'counter',
        item: {
          Update: {
            TableName: this.tableName,
            Key: meetingKeys.item(reg.meeting_id, write.itemKey),
            UpdateExpression: 'ADD #confirmed :one, #waiting :minus',
            ConditionExpression: condition,
            ExpressionAttributeNames: exprNames('ADD #confirmed :one, #waiting :minus', condition),
            ExpressionAttributeValues: { ':one': 1, ':minus': -1, ':nullType': 'NULL' },
          },
        },
      },
      {
        tag: 'waiting',
        item: {
          Delete: {
            TableName: this.tableName,
            Key: registrationKeys.waiting(reg.meeting_id, write.itemKey, write.ticket, write.rank),
            ConditionExpression: 'registration_id = :id',
            ExpressionAttributeValues: { ':id': reg.id },
          },
        },
      },
      ...this.actionItems(reg.meeting_id, reg.id, write.actions, write.meetingVersion),
      this.outboxItem(n),
    ]);
  }

  private outboxItem(n: Notification): Tagged {
    return {
      tag: 'outbox',
      item: { Put: { TableName: this.tableName, Item: { ...registrationKeys.outbox(n.created_at, n.id), type: 'outbox', notification: n } } },
    };
  }

  async waitingPositions(registration: Registration): Promise<Map<string, number>> {
    const waiting = registration.items.filter((h) => h.status === 'waiting' && h.ticket !== undefined);
    const entries = await Promise.all(
      waiting.map(async (h) => {
        const ahead = await countItems(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk < :sk',
          ExpressionAttributeValues: {
            ':pk': registrationKeys.waitingPartition(registration.meeting_id, h.key),
            ':sk': registrationKeys.waiting(registration.meeting_id, h.key, h.ticket as number, h.rank).sk,
          },
          ConsistentRead: true,
        });
        return [h.key, ahead + 1] as const;
      }),
    );
    return new Map(entries);
  }

  async waitingOrder(meetingId: string, itemKey: string): Promise<string[]> {
    return collect(
      queryItems(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': registrationKeys.waitingPartition(meetingId, itemKey) },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      }),
      (item) => z.string().parse(item['sk']),
    );
  }

  async firstWaiting(meetingId: string, itemKey: string): Promise<{ registrationId: string; ticket: number } | undefined> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': registrationKeys.waitingPartition(meetingId, itemKey) },
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const first = out.Items?.[0];
    if (!first) return undefined;
    const entry = WaitingEntrySchema.parse(first);
    return { registrationId: entry.registration_id, ticket: entry.ticket };
  }

  async readWaitingLine(meetingId: string, itemKey: string): Promise<WaitingLine | undefined> {
    // The counter first: an entry that changed after it was read also changed the counter, which
    // the move's condition then finds moved.
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: meetingKeys.item(meetingId, itemKey), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const counter = CounterItemSchema.parse(out.Item);
    const entries = await collect(partitionItems(this.client, this.tableName, registrationKeys.waitingPartition(meetingId, itemKey)), (item) => {
      const e = WaitingEntrySchema.parse(item);
      return { registrationId: e.registration_id, ticket: e.ticket, key: e.sk };
    });
    return { counter, entries };
  }

  async moveWaiting(
    write: { registration: Registration; itemKey: string; ticket: number; from: string; rank: string; counter: CapacityItem },
    expectedVersion: number,
  ): Promise<void> {
    const reg = write.registration;
    const pk = registrationKeys.waitingPartition(reg.meeting_id, write.itemKey);
    const condition = '#waiting = :waiting AND #seq = :seq';
    await this.transact([
      { tag: 'registration', item: this.putRegistration(reg, expectedVersion) },
      this.putEmailMarker(reg, false),
      {
        tag: 'waiting',
        item: { Delete: { TableName: this.tableName, Key: { pk, sk: write.from }, ConditionExpression: 'registration_id = :id', ExpressionAttributeValues: { ':id': reg.id } } },
      },
      {
        tag: 'waiting',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk, sk: write.rank, type: 'waiting', registration_id: reg.id, ticket: write.ticket },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      {
        tag: 'counter',
        item: {
          Update: {
            TableName: this.tableName,
            Key: meetingKeys.item(reg.meeting_id, write.itemKey),
            // `seq` moves on: a join decided on the list as it was fails its own seq condition.
            UpdateExpression: 'SET #seq = :next',
            ConditionExpression: condition,
            ExpressionAttributeNames: exprNames('SET #seq = :next', condition),
            ExpressionAttributeValues: { ':next': write.counter.seq + 1, ':waiting': write.counter.waiting, ':seq': write.counter.seq },
          },
        },
      },
    ]);
  }

  /**
   * One registration per (meeting, normalised email): the marker a create or an email change
   * takes (`take`), or puts back with the registration's new state. It carries what a survey
   * answer needs to decide eligibility (issue 21: an answer then reads it in its first read, not
   * the registration), stamped with the registration's version.
   */
  private putEmailMarker(reg: Registration, take = true): Tagged {
    return {
      tag: 'email',
      item: {
        Put: {
          TableName: this.tableName,
          Item: {
            ...registrationKeys.email(reg.meeting_id, reg.email),
            ...personKeys.person(reg.email),
            type: 'email',
            registration_id: reg.id,
            form_uuid: reg.form_uuid,
            registration_version: reg.version,
            eligibility: eligibilityView(reg),
          },
          ...(take ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
        },
      },
    };
  }

  /**
   * One page of a meeting's registrations (gsi1, in order of arrival): id, state, meeting and
   * check-ins only. The pager of the meeting reminder and survey invitation sources.
   */
  async pageByMeeting(meetingId: string, cursor: string | null, limit: number): Promise<RegistrationPage> {
    const out = await listingPage(this.client, this.tableName, registrationKeys.meetingListingPartition(meetingId), { cursor, limit }, {
      ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, #registration.#id, #registration.#state, #registration.#meeting, #registration.#checked, #registration.#items',
      ExpressionAttributeNames: { '#registration': 'registration', '#id': 'id', '#state': 'state', '#meeting': 'meeting_id', '#checked': 'checked_in', '#items': 'items' },
    });
    return { registrations: out.items.map((item) => ListedSchema.parse(item).registration), cursor: out.cursor };
  }

  async pageWithCursors(meetingId: string, cursor: string | null, limit: number): Promise<RegistrationCursorPage> {
    searchCursor(cursor, meetingId); // another meeting's or a garbled cursor: a 400 naming `cursor`
    const out = await listingPage(this.client, this.tableName, registrationKeys.meetingListingPartition(meetingId), { cursor, limit });
    const entries = out.items.map((item) => ({
      registration: RegistrationSchema.parse(item['registration']),
      cursor: encodeCursor({ pk: item['pk'], sk: item['sk'], gsi1pk: item['gsi1pk'], gsi1sk: item['gsi1sk'] }) as string,
    }));
    return { entries, cursor: out.cursor };
  }

  listByMeeting(meetingId: string): Promise<Registration[]> {
    // Read from the index (eventually consistent, milliseconds behind): organiser lists.
    const listing = listingItems(this.client, this.tableName, registrationKeys.meetingListingPartition(meetingId));
    return collect(listing, (item) => RegistrationSchema.parse(item['registration']));
  }

  async findByCheckinTokenHash(hash: string): Promise<{ registrationId: string; meetingId: string } | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: registrationKeys.checkinToken(hash), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const item = CheckinTokenItemSchema.parse(out.Item);
    return { registrationId: item.registration_id, meetingId: item.meeting_id };
  }

  async setCheckinTokens(changes: CheckinTokenChange[]): Promise<void> {
    for (let i = 0; i < changes.length; i += TOKENS_PER_TRANSACTION) {
      const items: Tagged[] = [];
      for (const { registration: reg, next } of changes.slice(i, i + TOKENS_PER_TRANSACTION)) {
        const previous = reg.checkin_token?.hash;
        items.push(
          {
            tag: 'registration',
            item: {
              Update: {
                TableName: this.tableName,
                Key: registrationKeys.registration(reg.id),
                // The version moves, like a check-in: a writer holding an older copy fails its
                // version condition and re-reads, instead of putting back the old token record.
                UpdateExpression: 'SET #reg.#token = :token, #version = #version + :one, #reg.#version = #reg.#version + :one',
                ConditionExpression: '#version = :v',
                ExpressionAttributeNames: { '#reg': 'registration', '#token': 'checkin_token', '#version': 'version' },
                ExpressionAttributeValues: { ':token': next, ':one': 1, ':v': reg.version },
              },
            },
          },
          { tag: 'checkin', item: { Put: this.checkinTokenItem(reg, next.hash) } },
        );
        if (previous !== undefined && previous !== next.hash) {
          items.push({ tag: 'checkin', item: { Delete: { TableName: this.tableName, Key: registrationKeys.checkinToken(previous) } } });
        }
      }
      await this.transact(items);
    }
  }

  /**
   * The day's first check-in, and the email marker's eligibility view with it, in one
   * transaction: a `checked-in` survey reads the marker, which can then never disagree with the
   * registration (no second write to lose). Decided on the registration as read (`#version`).
   */
  async setCheckIn(reg: Registration, day: string, at: string): Promise<Registration> {
    const next: Registration = { ...reg, checked_in: { ...reg.checked_in, [day]: reg.checked_in[day] ?? at }, version: reg.version + 1 };
    // The version moves too: a writer holding an older copy (a promotion, a modification) then
    // fails its version condition and re-reads, instead of erasing the check-in.
    await this.checkInWrite(reg, next, 'SET #reg.#checked.#day = if_not_exists(#reg.#checked.#day, :at), #version = #version + :one, #reg.#version = #reg.#version + :one', { ':at': at }, day);
    return next;
  }

  /** Removes the day's check-in (a tick made by mistake), the marker's view with it, in one transaction. */
  async clearCheckIn(reg: Registration, day: string): Promise<Registration> {
    const checkedIn = { ...reg.checked_in };
    delete checkedIn[day];
    const next: Registration = { ...reg, checked_in: checkedIn, version: reg.version + 1 };
    await this.checkInWrite(reg, next, 'REMOVE #reg.#checked.#day SET #version = #version + :one, #reg.#version = #reg.#version + :one', {}, day);
    return next;
  }

  private async checkInWrite(reg: Registration, next: Registration, update: string, values: Record<string, unknown>, day: string): Promise<void> {
    await this.transact([
      {
        tag: 'registration',
        item: {
          Update: {
            TableName: this.tableName,
            Key: registrationKeys.registration(reg.id),
            UpdateExpression: update,
            // Decided on the registration as read: cancelled or moved meanwhile, it is checked again.
            ConditionExpression: '#version = :v',
            ExpressionAttributeNames: { '#reg': 'registration', '#checked': 'checked_in', '#day': day, '#version': 'version' },
            ExpressionAttributeValues: { ...values, ':one': 1, ':v': reg.version },
          },
        },
      },
      // Only an active registration holds its marker (a cancellation deleted it).
      ...(next.state === 'active' ? [this.putEmailMarker(next, false)] : []),
    ]);
  }

  async clearOutbox(notification: Notification): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: registrationKeys.outbox(notification.created_at, notification.id) }),
    );
  }

  async listOutbox(olderThan: string): Promise<Notification[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk < :sk',
        ExpressionAttributeValues: { ':pk': registrationKeys.outboxPartition, ':sk': olderThan },
        Limit: 100,
      }),
    );
    return (out.Items ?? []).map((i) => NotificationSchema.parse(i.notification));
  }

  // -------------------------------------------------------------------------------------

  /** The lookup item of a check-in token hash (a derived token: putting it again is harmless). */
  private checkinTokenItem(reg: Registration, hash: string) {
    return {
      TableName: this.tableName,
      Item: { ...registrationKeys.checkinToken(hash), type: 'checkin-token', registration_id: reg.id, meeting_id: reg.meeting_id },
    };
  }

  private putRegistration(reg: Registration, expectedVersion: number): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: registrationItem(reg), ...versionCondition(expectedVersion) },
    };
  }

  /**
   * Counter updates whose conditions hold only if the plan is still right. Taking a place or
   * joining a waiting list also requires the item to belong to the meeting version the plan was
   * made on (an organiser's change in between makes the registration decide again); joining a
   * waiting list takes the ticket `seq + 1` from the very counter it updates, behind exactly the
   * `ahead` requests read, so the position announced is exact at commit.
   *
   * A workshop's `chosen` count moves in the same update (one operation per item per
   * transaction). Counting a new choice requires the meeting version too: an organiser's save
   * that removed or moved the workshop first makes the registration decide again, and a save
   * coming after finds the count above 0 and is refused. Counters stored before `chosen`
   * existed lack it: ADD treats it as 0, and only registrations counted in it take it back.
   */
  private actionItems(meetingId: string, registrationId: string, actions: ItemAction[], meetingVersion: number): Tagged[] {
    const out: Tagged[] = [];
    const update = (Key: { pk: string; sk: string }, expression: string, condition: string, values: Record<string, unknown>): Tagged => ({
      tag: 'counter',
      // A refused counter comes back as it stands: the plan is made again on it without a read.
      returnCurrent: true,
      item: {
        Update: {
          TableName: this.tableName,
          Key,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: exprNames(expression, condition),
          ExpressionAttributeValues: values,
        },
      },
    });
    for (const action of actions) {
      const Key = meetingKeys.item(meetingId, action.key);
      const chosen = action.chosen === undefined ? '' : ', #chosen :chosen';
      const chosenValue = action.chosen === undefined ? {} : { ':chosen': action.chosen };
      const counting = action.chosen === 1 ? ' AND #meeting_version = :mv' : '';
      const countingValue = action.chosen === 1 ? { ':mv': meetingVersion } : {};
      switch (action.type) {
        case 'take':
          // A place is free and nobody waits for it (a freed place belongs to the waiting list).
          out.push(
            update(
              Key,
              `ADD #confirmed :one${chosen}`,
              '(attribute_type(#capacity, :nullType) OR #confirmed < #capacity) AND #waiting = :zero AND #meeting_version = :mv',
              { ':one': 1, ':zero': 0, ':nullType': 'NULL', ':mv': meetingVersion, ...chosenValue },
            ),
          );
          break;
        case 'wait': {
          const seqCondition = action.ticket === 1 ? '(attribute_not_exists(#seq) OR #seq = :zero)' : '#seq = :previous';
          out.push(
            update(
              Key,
              `SET #seq = :ticket ADD #waiting :one${chosen}`,
              `#waiting_list = :true AND (#waiting > :zero OR #confirmed >= #capacity) AND #waiting = :ahead AND ${seqCondition} AND #meeting_version = :mv`,
              {
                ':one': 1,
                ':zero': 0,
                ':true': true,
                ':ticket': action.ticket,
                ':ahead': action.ahead,
                ':mv': meetingVersion,
                ...(action.ticket === 1 ? {} : { ':previous': action.ticket - 1 }),
                ...chosenValue,
              },
            ),
            {
              tag: 'waiting',
              item: {
                Put: {
                  TableName: this.tableName,
                  Item: { ...registrationKeys.waiting(meetingId, action.key, action.ticket), type: 'waiting', registration_id: registrationId, ticket: action.ticket },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            },
          );
          break;
        }
        case 'release':
          out.push(
            update(Key, `ADD #confirmed :minus${chosen}`, `#confirmed > :zero${counting}`, { ':minus': -1, ':zero': 0, ...chosenValue, ...countingValue }),
          );
          break;
        case 'leave':
          out.push(
            update(Key, `ADD #waiting :minus${chosen}`, `#waiting > :zero${counting}`, { ':minus': -1, ':zero': 0, ...chosenValue, ...countingValue }),
            {
              tag: 'waiting',
              item: {
                Delete: {
                  TableName: this.tableName,
                  Key: registrationKeys.waiting(meetingId, action.key, action.ticket, action.rank),
                  ConditionExpression: 'registration_id = :id',
                  ExpressionAttributeValues: { ':id': registrationId },
                },
              },
            },
          );
          break;
        case 'choose':
          // Taking a choice back needs only the counter to exist (an ADD would otherwise create
          // a bare item); a counted choice keeps its workshop from being removed, so it does.
          out.push(
            action.chosen === 1
              ? update(Key, 'ADD #chosen :chosen', '#meeting_version = :mv', { ':chosen': 1, ':mv': meetingVersion })
              : update(Key, 'ADD #chosen :chosen', 'attribute_exists(#key)', { ':chosen': -1 }),
          );
          break;
      }
    }
    return out;
  }

  private async transact(items: Tagged[], nonce?: CallNonce): Promise<void> {
    try {
      await transactWrite(this.client, items, nonce ? { tableName: this.nonceTable, nonce } : undefined);
    } catch (error) {
      if (!(error instanceof TransactionRefusedError)) throw error;
      if (error.failed('form')) throw new FormTakenError();
      if (error.failed('email')) throw new EmailTakenError();
      // Stale counters, a moved waiting entry, a concurrent edit or a transaction in flight.
      throw new StaleReadError('plan outdated', countersExplaining(error));
    }
  }
}

/** The stored item of a registration (also written by the anonymisation, people-repository.ts). */
export function registrationItem(reg: Registration): Record<string, unknown> {
  return {
    ...registrationKeys.registration(reg.id),
    ...registrationKeys.meetingListing(reg.meeting_id, reg.created_at, reg.id),
    // An anonymised registration holds no email: it leaves the per-person index.
    ...(reg.anonymised_at === undefined ? personKeys.person(reg.email) : {}),
    type: 'registration',
    version: reg.version,
    registration: reg,
  };
}

/**
 * The counters that explain a refusal, as they stood when checked, when they alone explain it:
 * only counter conditions failed (and the waiting entries of tickets those counters show taken),
 * each counter came back, and no transaction conflicted.
 */
function countersExplaining(error: TransactionRefusedError<Tag>): CounterState[] | undefined {
  if (error.conflict || !error.failed('counter') || [...error.failedTags].some((t) => t !== 'counter' && t !== 'waiting')) return undefined;
  const counters: CounterState[] = [];
  for (const { item } of error.current) {
    const parsed = item ? CounterItemSchema.safeParse(item) : undefined;
    if (!parsed?.success) return undefined; // a counter gone (its item removed): read again
    counters.push(parsed.data);
  }
  return counters.length > 0 ? counters : undefined;
}
