// The reads and the one write of the zone offsets' refresh (scripts/refresh-zone-offsets.ts,
// shared/domain/sessions/zone-refresh.ts). Apart from the session repository: no Lambda bundle
// carries it.
import { ConditionalCheckFailedException, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '#shared/adapters/aws/sdk.ts';
import { sessionKeys } from '#shared/adapters/dynamodb/keys.ts';
import { collect, listingItems } from '#shared/adapters/dynamodb/query.ts';
import { seriesOf } from '#shared/adapters/dynamodb/session-repository.ts';
import type { Series } from '#shared/domain/sessions/schema.ts';
import type { ZoneOffsets } from '#shared/domain/zone-offsets.ts';

export class ZoneOffsetsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every series (the listing index). */
  listSeries(): Promise<Series[]> {
    return collect(listingItems(this.client, this.tableName, sessionKeys.SERIES_LISTING), seriesOf);
  }

  /** The series as stored now (consistent read): what a refused write decides again on. */
  async findSeries(seriesId: string): Promise<Series | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: sessionKeys.series(seriesId), ConsistentRead: true }));
    return out.Item ? seriesOf(out.Item) : undefined;
  }

  /**
   * Stores the offsets in the series' definition, only if it is still the one they were decided
   * on (`updated_at`: an organiser's PUT moves it, and computes fresh offsets itself). The
   * definition's `updated_at` stays: the organiser's definition did not change. False when refused.
   */
  async saveZoneOffsets(seriesId: string, offsets: ZoneOffsets, decidedOn: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKeys.series(seriesId),
          UpdateExpression: 'SET #series.#offsets = :offsets',
          ConditionExpression: '#series.#updated_at = :decided',
          ExpressionAttributeNames: { '#series': 'series', '#offsets': 'zone_offsets', '#updated_at': 'updated_at' },
          ExpressionAttributeValues: { ':offsets': offsets, ':decided': decidedOn },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
