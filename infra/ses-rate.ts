// The SES send rate, bounded explicitly (issue 21). The account's maximum send rate (emails per
// second, the SES console's « Sending quota ») is a stage parameter (`sesMaxSendRate`); it is
// shared out between the queue consumers that send email, and for each one this fixes:
//   - the event source's maximum concurrency m (how many invocations at once),
//   - the per-invocation pace p (emails per second; `SES_SEND_RATE`, applied by PacedMailer,
//     which starts one email at least 1/p s after the previous one in that invocation),
//   - the batch size, so that a batch at pace p fits in the time an invocation may spend.
// The bound: Σ m × p ≤ rate. With p a whole number (rate ≥ 2 per invocation slot), no half-open
// 1-second window ever holds more than `rate` sends: an invocation spacing its sends ≥ 1/p apart
// puts at most p in any such window. Below that (an SES sandbox: 1/s), every invocation gets
// rate / (number of invocation slots), a fraction: the sustained rate stays ≤ the quota, with a
// burst of at most one email per invocation slot.
import type { QueueConsumerSpec } from '#functions/manifest.ts';

/** What one invocation can actually sustain: 5 emails in flight at ≈ 0.25 s per SES call. */
export const MAX_SENDS_PER_INVOCATION = 20;
/** Seconds of an invocation spent pacing one batch: the 30 s timeout less the 15 s reserve of sqsConsumer. */
export const PACED_SECONDS = 15;
/** The event source's smallest maximum concurrency (Lambda's minimum). */
const MIN_CONCURRENCY = 2;
/** SQS batches hold at most 10 messages here (no batching window beyond that). */
const MAX_BATCH = 10;

export interface EmailPacing {
  maxConcurrency: number;
  /** Emails per second per invocation (PacedMailer), possibly fractional below 1. */
  sendsPerSecond: number;
  batchSize: number;
}

/** Shares of the rate: promotion emails are few; the reminder fan-outs take the rest. */
const WEIGHTS: Record<string, number> = { 'queue-notifier': 1, 'queue-reminders': 9 };

/**
 * The pacing of every email-sending consumer for an account rate (emails per second) and a
 * reserved concurrency per consumer (the event source's cap cannot exceed it).
 */
export function emailPacing(rate: number, reservedConcurrency: number, consumers: ReadonlyArray<Pick<QueueConsumerSpec, 'name' | 'sendsEmail'>>): Map<string, EmailPacing> {
  if (!Number.isInteger(rate) || rate < 1) throw new Error(`sesMaxSendRate must be a whole number of emails per second ≥ 1 (got ${rate})`);
  const senders = consumers.filter((c) => c.sendsEmail).map((c) => ({ name: c.name, weight: WEIGHTS[c.name] ?? 1 }));
  const out = new Map<string, EmailPacing>();
  const batchFor = (p: number) => Math.max(1, Math.min(MAX_BATCH, Math.floor(p * PACED_SECONDS)));
  const slots = senders.length * MIN_CONCURRENCY;
  if (rate < slots * 1) {
    // Too low for a whole email per second per invocation: equal fractions.
    const p = rate / slots;
    for (const s of senders) out.set(s.name, { maxConcurrency: MIN_CONCURRENCY, sendsPerSecond: p, batchSize: batchFor(p) });
    return out;
  }
  // Heaviest last: it takes whatever the others leave, so the whole rate is used.
  const ordered = [...senders].sort((a, b) => a.weight - b.weight);
  const total = ordered.reduce((sum, s) => sum + s.weight, 0);
  let left = rate;
  ordered.forEach((s, i) => {
    const last = i === ordered.length - 1;
    // Keep one email per second per invocation slot for the consumers still to serve.
    const reserveForOthers = (ordered.length - 1 - i) * MIN_CONCURRENCY;
    const share = last ? left : Math.max(MIN_CONCURRENCY, Math.min(left - reserveForOthers, Math.floor((rate * s.weight) / total)));
    const m = Math.min(Math.max(MIN_CONCURRENCY, reservedConcurrency), Math.max(MIN_CONCURRENCY, Math.ceil(share / MAX_SENDS_PER_INVOCATION)));
    const p = Math.floor(share / m);
    out.set(s.name, { maxConcurrency: m, sendsPerSecond: p, batchSize: batchFor(p) });
    left -= m * p;
  });
  return out;
}

/** Σ maxConcurrency × sendsPerSecond: what the account sees at most, sustained. */
export function pacedRate(pacing: ReadonlyMap<string, EmailPacing>): number {
  return [...pacing.values()].reduce((sum, p) => sum + p.maxConcurrency * p.sendsPerSecond, 0);
}
