import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';

export interface NonceStore {
  /** Records the nonce; false when it was already recorded (a replayed call). */
  claim(orig: string | undefined, nonce: string, now: Date): Promise<boolean>;
}

// Nonces are remembered well beyond the ±30 s signature window: a replay is refused by the
// timestamp check after that, and TTL deletion is lazy anyway (the condition is what counts).
const NONCE_LIFETIME_SECONDS = 300;

export class DynamoNonceStore implements NonceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(orig: string | undefined, nonce: string, now: Date): Promise<boolean> {
    // Same truncation as w.c.s. (128 characters); keyed per caller so tenants cannot collide.
    const pk = `NONCE#${orig ?? '-'}#${nonce.slice(0, 128)}`;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + NONCE_LIFETIME_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
