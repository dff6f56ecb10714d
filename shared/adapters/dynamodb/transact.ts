// The one way a use case commits: a single TransactWriteItems whose items are tagged, so that a
// cancelled transaction says which condition failed (a marker already taken, a counter that no
// longer allows the plan, a version that moved), optionally consuming the signed call's nonce
// in the same write (shared/domain/call-nonce.ts).
import {
  type DynamoDBDocumentClient,
  TransactionCanceledException,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  unmarshall,
} from '#shared/adapters/aws/sdk.ts';
import { ReplayedCallError, type CallNonce } from '#shared/domain/call-nonce.ts';
import { nonceItem } from '#shared/adapters/dynamodb/nonce-repository.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface TaggedItem<T extends string = string> {
  tag: T;
  item: TransactItem;
  /**
   * When its condition fails, DynamoDB returns the item as it stood (ReturnValuesOnConditionCheckFailure
   * ALL_OLD, no extra cost): the caller decides again on it without reading.
   */
  returnCurrent?: boolean;
}

/** The item of a failed condition, as it stood when checked (absent: the item did not exist). */
export interface CurrentItem<T extends string = string> {
  tag: T;
  item: Record<string, unknown> | undefined;
}

export interface NonceTarget {
  tableName: string;
  nonce: CallNonce;
}

/** DynamoDB's limit of items in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** Reasons that mean "the state moved under this plan": read again and decide again. */
const RETRYABLE_REASONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError']);

/** A condition failed or a concurrent transaction conflicted; nothing was written. */
export class TransactionRefusedError<T extends string = string> extends Error {
  constructor(
    /** Tags whose ConditionExpression failed. */
    readonly failedTags: ReadonlySet<T>,
    /** A concurrent transaction touched one of the items (no condition failed because of it). */
    readonly conflict: boolean,
    /** Items marked `returnCurrent` whose condition failed, as they stood when checked. */
    readonly current: ReadonlyArray<CurrentItem<T>> = [],
  ) {
    super(`transaction refused (${[...failedTags].join(', ') || (conflict ? 'conflict' : 'unknown')})`);
    this.name = 'TransactionRefusedError';
  }

  failed(tag: T): boolean {
    return this.failedTags.has(tag);
  }
}

/**
 * Sends one TransactWriteItems (plus the nonce's Put when `nonce` is given, marked consumed on
 * success). Throws ReplayedCallError when the nonce was already used, TransactionRefusedError
 * when a condition failed or a transaction conflicted, and rethrows anything else (a validation
 * error is a bug; throttling left after the SDK's retries becomes a 503 in the HTTP chain).
 */
export async function transactWrite<T extends string>(
  client: DynamoDBDocumentClient,
  items: TaggedItem<T>[],
  nonce?: NonceTarget,
): Promise<void> {
  const all: Array<{ tag: T | '#nonce'; item: TransactItem; returnCurrent?: boolean }> = [...items];
  if (nonce && !nonce.nonce.consumed) all.push({ tag: '#nonce', item: { Put: nonceItem(nonce.tableName, nonce.nonce) } });
  if (all.length > MAX_TRANSACTION_ITEMS) throw new Error(`transaction of ${all.length} items (at most ${MAX_TRANSACTION_ITEMS})`);
  try {
    await client.send(new TransactWriteCommand({ TransactItems: all.map(withReturnCurrent) }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const failedTags = new Set<T>();
    const current: Array<CurrentItem<T>> = [];
    let replayed = false;
    all.forEach((t, i) => {
      const reason = reasons[i];
      if (reason?.Code !== 'ConditionalCheckFailed') return;
      if (t.tag === '#nonce') {
        replayed = true;
        return;
      }
      failedTags.add(t.tag);
      // The low-level item (AttributeValues): lib-dynamodb does not unmarshall cancellation reasons.
      if (t.returnCurrent) current.push({ tag: t.tag, item: reason.Item ? unmarshall(reason.Item as Parameters<typeof unmarshall>[0]) : undefined });
    });
    if (replayed) throw new ReplayedCallError();
    if (reasons.some((r) => !RETRYABLE_REASONS.has(r.Code ?? 'None'))) throw error;
    throw new TransactionRefusedError(failedTags, reasons.some((r) => r.Code === 'TransactionConflict'), current);
  }
  nonce?.nonce.markConsumed();
}

/** The item to send, asking for its current values when its condition fails if the caller wants them. */
function withReturnCurrent(t: { item: TransactItem; returnCurrent?: boolean }): TransactItem {
  if (!t.returnCurrent) return t.item;
  const { Put, Update, Delete, ConditionCheck } = t.item;
  const ask = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
  if (Update) return { Update: { ...Update, ...ask } };
  if (Put) return { Put: { ...Put, ...ask } };
  if (Delete) return { Delete: { ...Delete, ...ask } };
  if (ConditionCheck) return { ConditionCheck: { ...ConditionCheck, ...ask } };
  return t.item;
}
