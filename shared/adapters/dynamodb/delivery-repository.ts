// Delivery markers, one item per (notification, channel) in the data table: a conditional
// write claims the right to send, a second one records the outcome. This is what turns the
// queue's at-least-once delivery into exactly-once in effect.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { ClaimResult, DeliveryChannel, DeliveryStore } from '#shared/domain/notifications/ports.ts';
import { exprNames } from '#shared/adapters/dynamodb/expressions.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';

/** Key of the marker of one channel of one notification. */

// Markers outlive any redelivery (SQS keeps a message 14 days at most, DLQ included) and stay
// readable for support questions ("was I notified?") for a quarter; TTL then removes them.
const MARKER_LIFETIME_SECONDS = 90 * 24 * 3600;

const MarkerSchema = z.object({
  state: z.enum(['sending', 'sent', 'skipped', 'failed']),
  lease_until: z.string().optional(),
});

// Lease instants are ISO strings from toISOString (fixed width, UTC): they compare as text.
const CLAIMABLE = 'attribute_not_exists(#pk) OR #state = :failed OR (#state = :sending AND #lease_until < :now)';
const CLAIM =
  'SET #state = :sending, #claim_token = :token, #lease_until = :lease, #claimed_at = :now, ' +
  '#notification_id = :id, #channel = :channel, #type = :type, #ttl = :ttl ADD #attempts :one';
const OWNED = '#state = :sending AND #claim_token = :token';

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(notificationId: string, channel: DeliveryChannel, now: Date, leaseSeconds: number): Promise<ClaimResult> {
    const token = randomUUID();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(notificationId, channel),
          UpdateExpression: CLAIM,
          ConditionExpression: CLAIMABLE,
          ExpressionAttributeNames: { ...exprNames(CLAIM, CLAIMABLE), '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':failed': 'failed',
            ':token': token,
            ':now': now.toISOString(),
            ':lease': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
            ':id': notificationId,
            ':channel': channel,
            ':type': 'delivery',
            ':ttl': Math.floor(now.getTime() / 1000) + MARKER_LIFETIME_SECONDS,
            ':one': 1,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { status: 'claimed', token };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = MarkerSchema.parse(error.Item ? unmarshallState(error.Item) : undefined);
      if (current.state === 'sent' || current.state === 'skipped') return { status: 'done', state: current.state };
      return { status: 'busy', leaseUntil: current.lease_until ?? '' };
    }
  }

  markSent(notificationId: string, channel: DeliveryChannel, token: string, at: Date, detail: string): Promise<boolean> {
    return this.finish(notificationId, channel, token, 'sent', { '#sent_at': 'sent_at', '#detail': 'detail' }, {
      ':at': at.toISOString(),
      ':detail': detail,
    });
  }

  markSkipped(notificationId: string, channel: DeliveryChannel, token: string, at: Date, reason: string): Promise<boolean> {
    return this.finish(notificationId, channel, token, 'skipped', { '#sent_at': 'skipped_at', '#detail': 'detail' }, {
      ':at': at.toISOString(),
      ':detail': reason,
    });
  }

  async release(notificationId: string, channel: DeliveryChannel, token: string, at: Date, error: string): Promise<void> {
    await this.finish(notificationId, channel, token, 'failed', { '#sent_at': 'failed_at', '#detail': 'last_error' }, {
      ':at': at.toISOString(),
      // Error texts come from remote answers: bounded so a marker never grows large.
      ':detail': error.slice(0, 500),
    });
  }

  /** Moves our claimed marker to a final (or failed) state; false when the claim is no longer ours. */
  private async finish(
    notificationId: string,
    channel: DeliveryChannel,
    token: string,
    state: 'sent' | 'skipped' | 'failed',
    names: { '#sent_at': string; '#detail': string },
    values: { ':at': string; ':detail': string },
  ): Promise<boolean> {
    const update = 'SET #state = :state, #sent_at = :at, #detail = :detail REMOVE #lease_until';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(notificationId, channel),
          UpdateExpression: update,
          ConditionExpression: OWNED,
          ExpressionAttributeNames: { ...exprNames(update, OWNED), ...names },
          ExpressionAttributeValues: { ':state': state, ':sending': 'sending', ':token': token, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** The old item of a failed condition comes back in the low-level attribute-value format. */
function unmarshallState(item: Record<string, AttributeValue>): Record<string, string | undefined> {
  return { state: item['state']?.S, lease_until: item['lease_until']?.S };
}
