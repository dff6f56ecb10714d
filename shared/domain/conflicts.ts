// The two signals a repository gives when a conditional write did not hold. Nothing was
// written; the use case reads again and decides again (bounded, with jitter: decideAgain), which
// is how every concurrency question of the house is decided by DynamoDB rather than in memory.
import { ServiceBusyError } from '#shared/errors.ts';

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

/** Waits `ms` milliseconds (the default `sleep` of the use cases; tests inject their own). */
export const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The full-jitter wait of `policy` after the attempt `attempt` (0-based) lost, through `sleep`. */
export const jitterWait =
  (policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, sleep: (ms: number) => Promise<void>) =>
  (attempt: number): Promise<void> =>
    sleep(jitterDelay(policy, attempt));

/** How a use case decides again (decideAgain). */
export interface Redecision {
  /** `maxAttempts` attempts; with `maxElapsedMs`, until that long has passed, but never fewer than `minAttempts`. */
  attempts: Pick<RetryPolicy, 'maxAttempts' | 'maxElapsedMs' | 'minAttempts'>;
  /** The wait after an attempt (0-based) lost, before the next one or the final error; absent: none. Usually `jitterWait`. */
  wait?: ((attempt: number) => Promise<void>) | undefined;
  /** The error once every attempt lost, given how many ran and the last refusal (default: ServiceBusyError). */
  busy?: ((attempts: number, last: unknown) => Error) | undefined;
  /** What counts as a lost race (default: a StaleReadError); any other error goes through at once. */
  lost?: ((error: unknown) => boolean) | undefined;
}

const isStale = (error: unknown): boolean => error instanceof StaleReadError;

/**
 * Read, decide, write — and on a lost race, wait and do it all again: runs `decide(attempt)`
 * (attempt 0, 1, …; each reads afresh) until it returns, for at most the attempts `how` allows,
 * then throws its `busy` error (nothing was written). The one retry loop of the use cases.
 */
export async function decideAgain<T>(how: Redecision, decide: (attempt: number) => Promise<T>): Promise<T> {
  const { maxAttempts, maxElapsedMs, minAttempts = 0 } = how.attempts;
  const lost = how.lost ?? isStale;
  const deadline = Date.now() + (maxElapsedMs ?? Number.POSITIVE_INFINITY);
  let attempt = 0;
  let last: unknown;
  for (; attempt < maxAttempts && (attempt < minAttempts || Date.now() < deadline); attempt++) {
    try {
      return await decide(attempt);
    } catch (error) {
      if (!lost(error)) throw error;
      last = error;
      if (how.wait) await how.wait(attempt);
    }
  }
  throw how.busy ? how.busy(attempt, last) : new ServiceBusyError();
}
