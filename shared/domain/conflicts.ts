// The two signals a repository gives when a conditional write did not hold. Nothing was
// written; the use case reads again and decides again (bounded, with jitter), which is how
// every concurrency question of the house is decided by DynamoDB rather than in memory.

/**
 * What the decision was made on has changed since it was read: a condition failed, a
 * transaction conflicted, or the one read was torn. Read and decide again. `current` carries
 * what the refusal itself returned when that is enough to decide again without a read (the
 * counters of a refused registration, ReturnValuesOnConditionCheckFailure).
 */
export class StaleReadError<T = unknown> extends Error {
  constructor(
    message = 'stale read: decide again',
    readonly current?: T,
  ) {
    super(message);
  }
}

/** The w.c.s. form uuid was taken by a concurrent call: read again (the call is now a replay). */
export class FormTakenError extends Error {}

/**
 * How a use case decides again after a StaleReadError: bounded attempts (or time), with
 * full-jitter backoff between them (jitterDelay).
 */
export interface RetryPolicy {
  /** Attempts of one decision before answering "busy" (nothing written then). */
  maxAttempts: number;
  /** …or this long spent deciding, whichever comes first (the functions time out at 10 s)… */
  maxElapsedMs?: number;
  /** …but never fewer attempts than this (a slow store must not shorten the retries). */
  minAttempts?: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Full jitter: a delay drawn in [0, min(max, base·2^attempt)), so that contenders spread over
 * the window instead of colliding again in step.
 */
export function jitterDelay(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, attempt: number): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 20));
}
