// Delivery markers, one item per (notification, channel) — or, for the reminder engine, per
// (subject, kind, rule, sequence, recipient), listed per subject — in the data table: a
// conditional write claims the right to send, a second one records the outcome. This is what
// turns the queue's at-least-once delivery into exactly-once in effect. Both kinds of marker
// share the one claim/lease/finish protocol below.
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBDocumentClient,
  UpdateCommand,
} from '#shared/adapters/aws/sdk.ts';
import * as z from 'zod';
import type {
  ClaimResult,
  DeliveryChannel,
  DeliveryRepository,
  DispatchDeliveryRef,
  DispatchDeliveryRow,
  DispatchDeliveryRepository,
} from '#shared/domain/notifications/ports.ts';
import { exprNames, updateIfHolds } from '#shared/adapters/dynamodb/expressions.ts';
import { deliveryKeys, personKeys, reminderKeys } from '#shared/adapters/dynamodb/keys.ts';
import { collect, partitionItems } from '#shared/adapters/dynamodb/query.ts';
import { TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';

// A notification's markers (no address in them) outlive any redelivery (SQS keeps a message 14
// days at most, DLQ included) and stay readable for support questions ("was I notified?") for a
// quarter; TTL then removes them. The reminder engine's lines have no TTL: they are the delivery
// reports' lines and counts, kept; the retention purge erases their address after 90 days
// (keys.ts reminderKeys.addressListing).
const MARKER_LIFETIME_SECONDS = 90 * 24 * 3600;

const MarkerSchema = z.object({
  state: z.enum(['sending', 'sent', 'skipped', 'failed']),
  lease_until: z.string().optional(),
});

// Lease instants are ISO strings from toISOString (fixed width, UTC): they compare as text.
const CLAIMABLE = 'attribute_not_exists(#pk) OR #state = :failed OR (#state = :sending AND #lease_until < :now)';
const CLAIM = 'SET #state = :sending, #claim_token = :token, #lease_until = :lease, #claimed_at = :now, #type = :type';
const OWNED = '#state = :sending AND #claim_token = :token';

export class DynamoDeliveryRepository implements DeliveryRepository, DispatchDeliveryRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  claim(notificationId: string, channel: DeliveryChannel, now: Date, leaseSeconds: number): Promise<ClaimResult> {
    const expires = Math.floor(now.getTime() / 1000) + MARKER_LIFETIME_SECONDS;
    return this.claimKey(deliveryKeys.delivery(notificationId, channel), { notification_id: notificationId, channel, [TTL_ATTRIBUTE]: expires }, now, leaseSeconds);
  }

  /** Claims `key`, writing `identity` (attributes naming what the marker is for) with the claim. */
  private async claimKey(
    key: { pk: string; sk: string },
    identity: Record<string, string | number | null>,
    now: Date,
    leaseSeconds: number,
  ): Promise<ClaimResult> {
    const token = randomUUID();
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(identity).map(([name, value], i) => {
      names[`#id${i}`] = name;
      values[`:id${i}`] = value;
      return `#id${i} = :id${i}`;
    });
    const update = `${CLAIM}${sets.map((x) => `, ${x}`).join('')} ADD #attempts :one`;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: update,
          ConditionExpression: CLAIMABLE,
          ExpressionAttributeNames: { ...exprNames(CLAIM, CLAIMABLE), '#attempts': 'attempts', ...names },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':failed': 'failed',
            ':token': token,
            ':now': now.toISOString(),
            ':lease': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
            ':type': 'delivery',
            ':one': 1,
            ...values,
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

  // -- Reminder engine markers (DispatchDeliveryRepository) -------------------------------------

  claimDispatch(ref: DispatchDeliveryRef, now: Date, leaseSeconds: number): Promise<ClaimResult> {
    return this.claimKey(dispatchKey(ref), { subject: ref.subject, kind: ref.kind, rule: ref.rule, sequence: ref.sequence, recipient: ref.recipient }, now, leaseSeconds);
  }

  markDispatchSent(ref: DispatchDeliveryRef, token: string, at: Date, detail: string, to: string): Promise<boolean> {
    return this.finishKey(dispatchKey(ref), token, 'sent', { '#sent_at': 'sent_at', '#detail': 'detail' }, { ':at': at.toISOString(), ':detail': detail }, to);
  }

  markDispatchSkipped(ref: DispatchDeliveryRef, token: string, at: Date, reason: string, to?: string): Promise<boolean> {
    return this.finishKey(dispatchKey(ref), token, 'skipped', { '#sent_at': 'skipped_at', '#detail': 'detail' }, { ':at': at.toISOString(), ':detail': reason }, to);
  }

  async releaseDispatch(ref: DispatchDeliveryRef, token: string, at: Date, error: string, to?: string): Promise<void> {
    await this.finishKey(dispatchKey(ref), token, 'failed', { '#sent_at': 'failed_at', '#detail': 'last_error' }, {
      ':at': at.toISOString(),
      ':detail': error.slice(0, 500),
    }, to);
  }

  listDispatchDeliveries(subject: string): Promise<DispatchDeliveryRow[]> {
    const rows = partitionItems(this.client, this.tableName, reminderKeys.dispatchDeliveryPartition(subject), { consistent: false });
    return collect(rows, (item) => DispatchRowSchema.parse(item));
  }

  markSent(notificationId: string, channel: DeliveryChannel, token: string, at: Date, detail: string): Promise<boolean> {
    return this.finishKey(deliveryKeys.delivery(notificationId, channel), token, 'sent', { '#sent_at': 'sent_at', '#detail': 'detail' }, {
      ':at': at.toISOString(),
      ':detail': detail,
    });
  }

  markSkipped(notificationId: string, channel: DeliveryChannel, token: string, at: Date, reason: string): Promise<boolean> {
    return this.finishKey(deliveryKeys.delivery(notificationId, channel), token, 'skipped', { '#sent_at': 'skipped_at', '#detail': 'detail' }, {
      ':at': at.toISOString(),
      ':detail': reason,
    });
  }

  async release(notificationId: string, channel: DeliveryChannel, token: string, at: Date, error: string): Promise<void> {
    await this.finishKey(deliveryKeys.delivery(notificationId, channel), token, 'failed', { '#sent_at': 'failed_at', '#detail': 'last_error' }, {
      ':at': at.toISOString(),
      // Error texts come from remote answers: bounded so a marker never grows large.
      ':detail': error.slice(0, 500),
    });
  }

  /** Moves our claimed marker to a final (or failed) state; false when the claim is no longer ours. */
  private async finishKey(
    key: { pk: string; sk: string },
    token: string,
    state: 'sent' | 'skipped' | 'failed',
    names: { '#sent_at': string; '#detail': string },
    values: { ':at': string; ':detail': string },
    to?: string,
  ): Promise<boolean> {
    // The recipient's address joins the per-person index (keys.ts, personKeys) and the listing
    // of addresses the retention purge erases after 90 days (reminderKeys.addressListing).
    const update = `SET #state = :state, #sent_at = :at, #detail = :detail, #at = :at${to ? ', #to = :to, #person = :person, #gsi1pk = :addresses, #gsi1sk = :at' : ''} REMOVE #lease_until`;
    const out = await updateIfHolds(this.client, {
      TableName: this.tableName,
      Key: key,
      UpdateExpression: update,
      ConditionExpression: OWNED,
      ExpressionAttributeNames: { ...exprNames(update, OWNED), ...names },
      ExpressionAttributeValues: {
        ':state': state,
        ':sending': 'sending',
        ':token': token,
        ...values,
        ...(to ? { ':to': to, ':person': personKeys.value(to), ':addresses': reminderKeys.ADDRESS_LISTING } : {}),
      },
    });
    return out !== undefined;
  }
}

/** The old item of a failed condition comes back in the low-level attribute-value format. */
function unmarshallState(item: Record<string, AttributeValue>): Record<string, string | undefined> {
  return { state: item['state']?.S, lease_until: item['lease_until']?.S };
}

const dispatchKey = (ref: DispatchDeliveryRef) => reminderKeys.dispatchDelivery(ref.subject, ref.kind, ref.rule, ref.sequence, ref.recipient);

/** A reminder delivery line as stored (also read by the people export, people-repository.ts). */
export const DispatchRowSchema = z
  .object({
    subject: z.string(),
    kind: z.string(),
    rule: z.string().nullable(),
    sequence: z.number().int(),
    recipient: z.string(),
    state: z.enum(['sending', 'sent', 'skipped', 'failed']),
    to: z.string().optional(),
    at: z.string().optional(),
    claimed_at: z.string(),
    detail: z.string().optional(),
    last_error: z.string().optional(),
  })
  .transform((m): DispatchDeliveryRow => ({
    subject: m.subject,
    kind: m.kind,
    rule: m.rule,
    sequence: m.sequence,
    recipient: m.recipient,
    state: m.state,
    ...(m.to ? { to: m.to } : {}),
    at: m.at ?? m.claimed_at,
    ...((m.state === 'failed' ? m.last_error : m.detail) ? { detail: (m.state === 'failed' ? m.last_error : m.detail) as string } : {}),
  }));
