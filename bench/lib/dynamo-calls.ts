// Counts the DynamoDB API calls made by this process (handlers included: the gateway runs them
// in-process), by operation, through node:http's diagnostics channels. It tells how many round
// trips one registration costs and how many transactions were cancelled and retried, without
// touching the code under measurement.
import dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

const TARGET_PREFIX = 'DynamoDB_20120810.';

export interface CallCount {
  calls: number;
  /** Answers with an HTTP status >= 400 (a cancelled transaction, a failed condition...). */
  failed: number;
}

export type CallCounts = Record<string, CallCount>;

function operation(request: ClientRequest): string | undefined {
  const target = request.getHeader('x-amz-target');
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
}

export class DynamoCallCounter {
  private readonly counts = new Map<string, CallCount>();
  private readonly onStart = (message: unknown) => {
    const op = operation((message as { request: ClientRequest }).request);
    if (op === undefined) return;
    const entry = this.counts.get(op) ?? { calls: 0, failed: 0 };
    entry.calls++;
    this.counts.set(op, entry);
  };
  private readonly onFinish = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const op = operation(request);
    if (op === undefined || (response.statusCode ?? 0) < 400) return;
    const entry = this.counts.get(op);
    if (entry) entry.failed++;
  };

  start(): this {
    dc.subscribe('http.client.request.start', this.onStart);
    dc.subscribe('http.client.response.finish', this.onFinish);
    return this;
  }

  stop(): void {
    dc.unsubscribe('http.client.request.start', this.onStart);
    dc.unsubscribe('http.client.response.finish', this.onFinish);
  }

  snapshot(): CallCounts {
    return Object.fromEntries([...this.counts].map(([op, c]) => [op, { ...c }]));
  }
}

/** `after - before`, added into `into`. */
export function addDelta(into: CallCounts, before: CallCounts, after: CallCounts): void {
  for (const [op, c] of Object.entries(after)) {
    const b = before[op] ?? { calls: 0, failed: 0 };
    const target = (into[op] ??= { calls: 0, failed: 0 });
    target.calls += c.calls - b.calls;
    target.failed += c.failed - b.failed;
  }
}

export function totalCalls(counts: CallCounts): number {
  return Object.values(counts).reduce((sum, c) => sum + c.calls, 0);
}
