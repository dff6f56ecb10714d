// The reads and the one write of the workshops' `chosen` backfill (scripts/backfill-workshop-counts.ts,
// shared/domain/registrations/choice-backfill.ts). Apart from the registration repository: no
// Lambda bundle carries it.
import { type DynamoDBDocumentClient, GetCommand } from '#shared/adapters/aws/sdk.ts';
import { listingPage } from '#shared/adapters/dynamodb/query.ts';
import { meetingKeys, registrationKeys } from '#shared/adapters/dynamodb/keys.ts';
import { TransactionRefusedError, transactWrite, MAX_TRANSACTION_ITEMS, type TaggedItem } from '#shared/adapters/dynamodb/transact.ts';
import { RegistrationSchema, type Registration } from '#shared/domain/registrations/schema.ts';

export class ChoiceBackfillRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One page of a meeting's registrations (the listing index), at most `limit`. */
  async page(meetingId: string, cursor: string | null, limit: number): Promise<{ registrations: Registration[]; cursor: string | null }> {
    const out = await listingPage(this.client, this.tableName, registrationKeys.meetingListingPartition(meetingId), { cursor, limit });
    return { registrations: out.items.map((item) => RegistrationSchema.parse(item['registration'])), cursor: out.cursor };
  }

  /** The registration as stored now (consistent read): what a refused write decides again on. */
  async registration(registrationId: string): Promise<Registration | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: registrationKeys.registration(registrationId), ConsistentRead: true }));
    return out.Item ? RegistrationSchema.parse(out.Item['registration']) : undefined;
  }

  /**
   * Marks the registration counted (its version moves, so a live writer holding an older copy
   * re-reads) and adds 1 to each workshop item, in one transaction: only if the registration is
   * still at `registration.version` and uncounted, and each item still at `meetingVersion` (an
   * organiser's save that removed the workshop meanwhile refuses it). False when refused: read
   * again and decide again.
   */
  async count(meetingId: string, registration: Registration, itemKeys: string[], meetingVersion: number): Promise<boolean> {
    if (itemKeys.length + 1 > MAX_TRANSACTION_ITEMS) throw new Error('too many workshops for one transaction');
    const items: TaggedItem<'registration' | 'counter'>[] = [
      {
        tag: 'registration',
        item: {
          Update: {
            TableName: this.tableName,
            Key: registrationKeys.registration(registration.id),
            UpdateExpression: 'SET #reg.#counted = :true, #version = #version + :one, #reg.#version = #reg.#version + :one',
            ConditionExpression: '#version = :v AND #reg.#state = :active AND attribute_not_exists(#reg.#counted)',
            ExpressionAttributeNames: { '#reg': 'registration', '#counted': 'choices_counted', '#version': 'version', '#state': 'state' },
            ExpressionAttributeValues: { ':true': true, ':one': 1, ':v': registration.version, ':active': 'active' },
          },
        },
      },
      ...itemKeys.map((key) => ({
        tag: 'counter' as const,
        item: {
          Update: {
            TableName: this.tableName,
            Key: meetingKeys.item(meetingId, key),
            UpdateExpression: 'ADD #chosen :one',
            ConditionExpression: '#meeting_version = :mv',
            ExpressionAttributeNames: { '#chosen': 'chosen', '#meeting_version': 'meeting_version' },
            ExpressionAttributeValues: { ':one': 1, ':mv': meetingVersion },
          },
        },
      })),
    ];
    try {
      await transactWrite(this.client, items);
      return true;
    } catch (error) {
      if (error instanceof TransactionRefusedError) return false;
      throw error;
    }
  }
}
