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
