// Session series, occurrence overrides and subscriptions in the data table (keys in keys.ts,
// `sessionKeys`). Items keep the domain object under one attribute (`series`, `override`,
// `subscription`, `marker`) and the attributes conditions and indexes need at the top.
// Tokens: the one-click item is keyed by the token's SHA-256, so the credential never shows in
// a key (keys appear in errors and metrics); the token itself lives only inside the
// subscription, which is never logged.
import { FormTakenError, StaleReadError } from '#shared/domain/conflicts.ts';
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '#shared/adapters/aws/sdk.ts';
import * as z from 'zod';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { type ActiveSubscriber, type SeriesReplacement, type SeriesWithOverrides, type SessionRepository, type SubscriberPage, type SubscriptionReads, type SubscriptionWrite } from '#shared/domain/sessions/ports.ts';
import {
  FormMarkerSchema,
  OccurrenceOverrideSchema,
  SeriesSchema,
  SubscriptionSchema,
  type OccurrenceOverride,
  type Series,
  type Subscription,
} from '#shared/domain/sessions/schema.ts';
import { batchGet, itemKey } from '#shared/adapters/dynamodb/batch-get.ts';
import { decodeCursor, encodeCursor } from '#shared/adapters/dynamodb/cursor.ts';
import { collect, countItems, listingItems, partitionItems } from '#shared/adapters/dynamodb/query.ts';
import { exprNames } from '#shared/adapters/dynamodb/expressions.ts';
import { personKeys, sessionKeys } from '#shared/adapters/dynamodb/keys.ts';
import { MAX_TRANSACTION_ITEMS, TransactionRefusedError, transactWrite, type TaggedItem, type TransactItem } from '#shared/adapters/dynamodb/transact.ts';

const GSI = 'gsi1';

export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const TokenTargetSchema = z.object({ series_id: z.string(), email: z.string() });
const PointerSchema = z.object({ email: z.string() });

type SubscriptionTag = 'subscription' | 'form' | 'pointer' | 'token';

export class DynamoSessionRepository implements SessionRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nonceTable: string,
  ) {}

  // -------------------------------------------------------------------------------------
  // Series and overrides

  async findSeries(seriesId: string): Promise<Series | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: sessionKeys.series(seriesId), ConsistentRead: true }));
    return out.Item ? seriesOf(out.Item) : undefined;
  }

  async findSeriesWithOverrides(seriesId: string): Promise<SeriesWithOverrides | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: sessionKeys.series(seriesId), ConsistentRead: true }));
    return out.Item ? { series: seriesOf(out.Item), overrides: overridesOf(out.Item) } : undefined;
  }

  async listSeries(): Promise<Series[]> {
    return (await this.listSeriesWithOverrides()).map((s) => s.series);
  }

  listSeriesWithOverrides(): Promise<SeriesWithOverrides[]> {
    const listing = listingItems(this.client, this.tableName, sessionKeys.SERIES_LISTING);
    return collect(listing, (item) => ({ series: seriesOf(item), overrides: overridesOf(item) }));
  }

  async listOccurrenceOverrides(seriesId: string): Promise<OccurrenceOverride[]> {
    const out: OccurrenceOverride[] = [];
    for await (const item of partitionItems(this.client, this.tableName, sessionKeys.seriesPartition(seriesId), { prefix: sessionKeys.OVERRIDE_PREFIX })) {
      out.push(OccurrenceOverrideSchema.parse(item['override']));
    }
    return out;
  }

  async putSeries(series: Series, { previous, overrides, lastDate }: SeriesReplacement): Promise<{ created: boolean; createdAt: string }> {
    if (overrides.length >= MAX_TRANSACTION_ITEMS) throw new Error(`a series replacement may change at most ${MAX_TRANSACTION_ITEMS - 1} occurrences`);
    const createdAt = previous?.series.created_at ?? series.created_at;
    // An Update, not a Put: the creation date and the copy of the occurrence overrides survive a
    // replacement. The condition is on what the replacement was decided on (created_at stays
    // at the top of the item, `series.updated_at` moves on every replacement).
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':series': series,
      ':type': 'session-series',
      ':gpk': sessionKeys.seriesListing(series.id).gsi1pk,
      ':gsk': sessionKeys.seriesListing(series.id).gsi1sk,
      ':now': series.created_at,
    };
    let update = 'SET #series = :series, #type = :type, #gsi1pk = :gpk, #gsi1sk = :gsk, #created_at = if_not_exists(#created_at, :now), #last_date = :last';
    // The rule's last instance (null without end), read by the retention purge (people-repository.ts).
    values[':last'] = lastDate;
    if (previous) {
      overrides.forEach((o, i) => {
        update += `, #overrides.#d${i} = :o${i}`;
        names[`#d${i}`] = o.date;
        values[`:o${i}`] = o;
      });
      names['#updated_at'] = 'updated_at';
      values[':prev'] = previous.series.updated_at;
    } else {
      update += ', #overrides = :none';
      values[':none'] = {};
    }
    for (const [name, attribute] of Object.entries(exprNames(update))) names[name] ??= attribute;
    const items: TaggedItem<'series' | 'override'>[] = [
      {
        tag: 'series',
        item: {
          Update: {
            TableName: this.tableName,
            Key: sessionKeys.series(series.id),
            UpdateExpression: update,
            ConditionExpression: previous ? '#series.#updated_at = :prev' : 'attribute_not_exists(pk)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
      },
      ...overrides.map((override) => {
        const before = previous?.overrides.find((o) => o.date === override.date);
        return { tag: 'override' as const, item: this.overridePut(override, before) };
      }),
    ];
    try {
      await transactWrite(this.client, items);
    } catch (error) {
      if (error instanceof TransactionRefusedError) throw new StaleReadError();
      throw error;
    }
    return { created: previous === undefined, createdAt };
  }

  /** The override item, conditional on the revision read (or on its absence). */
  private overridePut(override: OccurrenceOverride, previous: OccurrenceOverride | undefined): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...sessionKeys.override(override.series_id, override.date), type: 'session-override', revision: override.revision, override },
        ConditionExpression: previous ? '#revision = :prev' : 'attribute_not_exists(pk)',
        ...(previous ? { ExpressionAttributeNames: { '#revision': 'revision' }, ExpressionAttributeValues: { ':prev': previous.revision } } : {}),
      },
    };
  }

  async saveOverride(override: OccurrenceOverride, previous: OccurrenceOverride | undefined): Promise<void> {
    // The override item (what the engine lists) and its copy in the series item (so that one
    // read of the series brings its occurrences as they are) change together.
    const items: TaggedItem<'override' | 'series'>[] = [
      { tag: 'override', item: this.overridePut(override, previous) },
      {
        tag: 'series',
        item: {
          Update: {
            TableName: this.tableName,
            Key: sessionKeys.series(override.series_id),
            UpdateExpression: 'SET #overrides.#date = :o',
            ConditionExpression: 'attribute_exists(#overrides)',
            ExpressionAttributeNames: { '#overrides': 'overrides', '#date': override.date },
            ExpressionAttributeValues: { ':o': override },
          },
        },
      },
    ];
    try {
      await transactWrite(this.client, items);
    } catch (error) {
      if (error instanceof TransactionRefusedError) throw new StaleReadError();
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------
  // Subscriptions

  async readForSubscription(seriesId: string, email: string, formUuid: string | undefined): Promise<SubscriptionReads> {
    const keys = [sessionKeys.series(seriesId), sessionKeys.subscription(seriesId, email), ...(formUuid ? [sessionKeys.form(formUuid)] : [])];
    const found = await batchGet(this.client, this.tableName, keys);
    const series = found.get(itemKey(sessionKeys.series(seriesId)));
    const subscription = found.get(itemKey(sessionKeys.subscription(seriesId, email)));
    const marker = formUuid ? found.get(itemKey(sessionKeys.form(formUuid))) : undefined;
    return {
      series: series ? seriesOf(series) : undefined,
      overrides: series ? overridesOf(series) : [],
      subscription: subscription ? SubscriptionSchema.parse(subscription['subscription']) : undefined,
      marker: marker ? FormMarkerSchema.parse(marker['marker']) : undefined,
    };
  }

  async commitSubscription(write: SubscriptionWrite, nonce: CallNonce | undefined): Promise<void> {
    const items: TaggedItem<SubscriptionTag>[] = [];
    const versionCheck =
      write.expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :v',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':v': write.expectedVersion },
          };
    const s = write.subscription;
    if (s) {
      items.push({ tag: 'subscription', item: { Put: { TableName: this.tableName, Item: this.subscriptionItem(s), ...versionCheck } } });
    } else if (write.marker) {
      // Already subscribed: the subscription is not rewritten, but must still be as read.
      const key = sessionKeys.subscription(write.marker.series_id, write.marker.email);
      items.push({ tag: 'subscription', item: { ConditionCheck: { TableName: this.tableName, Key: key, ...versionCheck } } });
    }
    if (write.marker) {
      items.push({
        tag: 'form',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...sessionKeys.form(write.marker.form_uuid), ...personKeys.person(write.marker.email), type: 'session-form', marker: write.marker },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      });
    }
    if (write.isNew && s) {
      items.push(
        {
          tag: 'pointer',
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...sessionKeys.subscriberPointer(s.series_id, s.subscriber_id), ...personKeys.person(s.email), type: 'session-subscriber', email: s.email },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
        {
          tag: 'token',
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...sessionKeys.unsubscribeToken(tokenHash(s.token)), ...personKeys.person(s.email), type: 'session-token', series_id: s.series_id, email: s.email },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
      );
    }
    try {
      await transactWrite(this.client, items, nonce ? { tableName: this.nonceTable, nonce } : undefined);
    } catch (error) {
      if (error instanceof TransactionRefusedError) {
        if (error.failedTags.has('form')) throw new FormTakenError();
        throw new StaleReadError();
      }
      throw error;
    }
  }

  private subscriptionItem(s: Subscription): Record<string, unknown> {
    return {
      ...sessionKeys.subscription(s.series_id, s.email),
      ...personKeys.person(s.email),
      type: 'session-subscription',
      version: s.version,
      subscription: s,
      // Sparse: only active subscriptions are listed for the fan-out.
      ...(s.status === 'active' ? sessionKeys.activeListing(s.series_id, s.subscriber_id) : {}),
    };
  }

  async findTokenTarget(token: string): Promise<{ seriesId: string; email: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKeys.unsubscribeToken(tokenHash(token)), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const target = TokenTargetSchema.parse(out.Item);
    return { seriesId: target.series_id, email: target.email };
  }

  async unsubscribeByToken(target: { seriesId: string; email: string }, token: string, now: Date): Promise<boolean> {
    const update =
      'SET #subscription.#status = :unsubscribed, #subscription.#unsubscribed_at = :at, ' +
      '#subscription.#version = #subscription.#version + :one, #version = #version + :one REMOVE #gsi1pk, #gsi1sk';
    // The token must still be this subscription's: a link names one subscription only.
    const condition = '#subscription.#status = :active AND #subscription.#token = :token';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKeys.subscription(target.seriesId, target.email),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: exprNames(update, condition),
          ExpressionAttributeValues: {
            ':unsubscribed': 'unsubscribed',
            ':active': 'active',
            ':at': now.toISOString(),
            ':one': 1,
            ':token': token,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listActiveSubscribers(seriesId: string, cursor: string | undefined, limit: number): Promise<SubscriberPage> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: GSI,
      KeyConditionExpression: '#gsi1pk = :pk',
      ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk' },
      ExpressionAttributeValues: { ':pk': sessionKeys.activeListingPartition(seriesId) },
      Limit: Math.max(1, Math.min(limit, 1000)),
      ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
    };
    const out = await this.client.send(new QueryCommand(input));
    const items: ActiveSubscriber[] = [];
    for (const item of out.Items ?? []) {
      const s = SubscriptionSchema.parse(item['subscription']);
      // The index lags the table by a moment: never hand out someone who just left.
      if (s.status !== 'active') continue;
      items.push({ subscriber_id: s.subscriber_id, email: s.email, first_name: s.first_name, token: s.token });
    }
    return { items, cursor: encodeCursor(out.LastEvaluatedKey) ?? undefined };
  }

  async findSubscription(seriesId: string, subscriberId: string): Promise<Subscription | undefined> {
    const pointer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKeys.subscriberPointer(seriesId, subscriberId), ConsistentRead: true }),
    );
    if (!pointer.Item) return undefined;
    const { email } = PointerSchema.parse(pointer.Item);
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKeys.subscription(seriesId, email), ConsistentRead: true }),
    );
    return out.Item ? SubscriptionSchema.parse(out.Item['subscription']) : undefined;
  }

  async countSubscribers(seriesId: string): Promise<number> {
    return countItems(this.client, {
      TableName: this.tableName,
      IndexName: GSI,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': sessionKeys.activeListingPartition(seriesId) },
    });
  }

  async listSubscriptions(seriesId: string): Promise<Subscription[]> {
    const out: Subscription[] = [];
    for await (const item of partitionItems(this.client, this.tableName, sessionKeys.subscriptionsPartition(seriesId), { prefix: sessionKeys.SUBSCRIPTION_PREFIX })) {
      out.push(SubscriptionSchema.parse(item['subscription']));
    }
    return out;
  }

}

/** The stored definition; its creation date is the item's first one (a replacement keeps it). */
export function seriesOf(item: Record<string, unknown>): Series {
  const series = z.record(z.string(), z.unknown()).parse(item['series']);
  return SeriesSchema.parse({ ...series, created_at: item['created_at'] ?? series['created_at'] });
}

/** The copy of the occurrence overrides kept in the series item, by local date. */
function overridesOf(item: Record<string, unknown>): OccurrenceOverride[] {
  const map = z.record(z.string(), z.unknown()).optional().parse(item['overrides']) ?? {};
  return Object.values(map).map((o) => OccurrenceOverrideSchema.parse(o));
}

