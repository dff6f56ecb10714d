// A fixed number of tasks run by `concurrency` workers: each worker takes the next index as
// soon as its previous task settled, so exactly `concurrency` requests are in flight until the
// tail. A deadline stops the workers from taking new tasks (everything stays bounded in time).

export interface PoolResult {
  wallMs: number;
  /** Tasks started (less than `count` only when the deadline was reached). */
  started: number;
  deadlineReached: boolean;
}

export async function runPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  deadline: number = Number.POSITIVE_INFINITY,
): Promise<PoolResult> {
  let next = 0;
  let deadlineReached = false;
  const worker = async () => {
    for (;;) {
      if (next >= count) return;
      if (Date.now() > deadline) {
        deadlineReached = true;
        return;
      }
      const index = next++;
      await task(index);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { wallMs: performance.now() - started, started: next, deadlineReached };
}
