import { ConditionalCheckFailedException, type DynamoDBDocumentClient, PutCommand } from '#shared/adapters/aws/sdk.ts';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';

export interface NonceRepository {
  /** The table holding the nonces, for use cases that consume the nonce in their own transaction. */
  readonly tableName: string;
  /** Records the nonce; false when it was already recorded (a replayed call). */
  claim(nonce: CallNonce): Promise<boolean>;
}

// Nonces are remembered well beyond the ±30 s signature window: a replay is refused by the
// timestamp check after that, and TTL deletion is lazy anyway (the condition is what counts).
export const NONCE_LIFETIME_SECONDS = 300;

/** Same truncation as w.c.s. (128 characters); keyed per caller so tenants cannot collide. */
export const nonceKey = (orig: string | undefined, value: string) => ({ pk: `NONCE#${orig ?? '-'}#${value.slice(0, 128)}` });

/** The conditional Put that consumes a nonce (alone, or inside a use case's transaction). */
export function nonceItem(tableName: string, nonce: CallNonce) {
  return {
    TableName: tableName,
    Item: { ...nonceKey(nonce.orig, nonce.value), [TTL_ATTRIBUTE]: nonce.expiresAt },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
}

export class DynamoNonceRepository implements NonceRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async claim(nonce: CallNonce): Promise<boolean> {
    try {
      await this.client.send(new PutCommand(nonceItem(this.tableName, nonce)));
      nonce.markConsumed();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
