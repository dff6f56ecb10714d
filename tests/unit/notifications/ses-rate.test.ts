// The SES send rate bounded explicitly (issue 21): a burst of 1,000 emails through the paced
// senders the stack deploys (infra/ses-rate.ts: invocations × pace per consumer) never puts more
// than the account's rate in any 1-second window. Simulated clock (vitest fake timers): each
// invocation is a PacedMailer with 5 emails in flight, as queue-reminders runs, over an SES whose
// calls take 50–400 ms. The same burst unpaced exceeds the rate many times over (the control).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queueConsumers } from '#functions/manifest.ts';
import { emailPacing, pacedRate, PACED_SECONDS } from '#infra/ses-rate.ts';
import { PacedMailer } from '#shared/adapters/ses/paced-mailer.ts';
import type { EmailMessage, Mailer } from '#shared/domain/notifications/ports.ts';

/** An SES stand-in that records when each call started (the moment SES counts it). */
class RecordingSes implements Mailer {
  readonly starts: number[] = [];
  private seq = 0;
  async send(_message: EmailMessage): Promise<{ messageId: string }> {
    this.starts.push(Date.now());
    const n = ++this.seq;
    await new Promise((resolve) => setTimeout(resolve, 50 + ((n * 7919) % 350)));
    return { messageId: `m-${n}` };
  }
}

/** The most sends in any half-open 1-second window [t, t + 1000). */
function peakPerSecond(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let peak = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

/** One invocation: `emails` messages, 5 in flight (the consumer's concurrency), through `mailer`. */
async function invocation(mailer: Mailer, emails: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < emails) {
      next++;
      await mailer.send({ to: 'x@example.org', subject: 's', text: 't', html: 'h' });
    }
  };
  await Promise.all(Array.from({ length: 5 }, worker));
}

/** 1,000 reminders and, at the same time, 100 promotion emails, each consumer at its cap of invocations. */
async function burst(rate: number, paced: boolean): Promise<{ ses: RecordingSes; seconds: number }> {
  const ses = new RecordingSes();
  const pacing = emailPacing(rate, 5, queueConsumers);
  const work = { 'queue-reminders': 1000, 'queue-notifier': 100 } as Record<string, number>;
  const runs: Promise<void>[] = [];
  for (const [name, p] of pacing) {
    const total = work[name] ?? 0;
    for (let i = 0; i < p.maxConcurrency; i++) {
      runs.push(invocation(paced ? new PacedMailer(ses, p.sendsPerSecond) : ses, Math.floor((total + i) / p.maxConcurrency)));
    }
  }
  const started = Date.now();
  const all = Promise.all(runs);
  await vi.runAllTimersAsync();
  await all;
  return { ses, seconds: (Date.now() - started) / 1000 };
}

describe('the SES rate (simulated clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([14, 50, 4])('a burst of 1,000 reminders + 100 promotions never exceeds %i emails in any second', async (rate) => {
    const { ses, seconds } = await burst(rate, true);
    expect(ses.starts).toHaveLength(1100);
    expect(peakPerSecond(ses.starts)).toBeLessThanOrEqual(rate);
    // …and keeps close to it (the quota is used, not wasted): the reminders' share, sustained.
    expect(seconds).toBeLessThan((1000 / (rate - 2)) * 1.1 + 2);
  });

  it('unpaced, the same burst goes far over the rate (what the pacing prevents)', async () => {
    const { ses } = await burst(14, false);
    expect(peakPerSecond(ses.starts)).toBeGreaterThan(14 * 3);
  });

  it('in an SES sandbox (1/s) every invocation gets a quarter: 100 emails sustained at ≤ 1/s', async () => {
    const pacing = emailPacing(1, 2, queueConsumers);
    expect(pacedRate(pacing)).toBeLessThanOrEqual(1);
    const ses = new RecordingSes();
    const runs = [...pacing.values()].flatMap((p) => Array.from({ length: p.maxConcurrency }, () => invocation(new PacedMailer(ses, p.sendsPerSecond), 25)));
    const started = Date.now();
    const all = Promise.all(runs);
    await vi.runAllTimersAsync();
    await all;
    // 100 emails over the four invocations: 4 at once at most (one per invocation), 1/s sustained.
    expect(peakPerSecond(ses.starts)).toBeLessThanOrEqual(4);
    expect((Date.now() - started) / 1000).toBeGreaterThanOrEqual(96);
  });
});

describe('emailPacing', () => {
  it('shares the rate: Σ invocations × pace ≤ rate, whole paces from 4/s up, batches that fit the paced time', () => {
    for (const rate of [1, 2, 3, 4, 5, 10, 14, 28, 50, 100, 200, 1000]) {
      const pacing = emailPacing(rate, 5, queueConsumers);
      expect([...pacing.keys()].sort(), `rate ${rate}`).toEqual(['queue-notifier', 'queue-reminders']);
      expect(pacedRate(pacing), `rate ${rate}`).toBeLessThanOrEqual(rate);
      for (const [name, p] of pacing) {
        expect(p.maxConcurrency, `${name} at ${rate}`).toBeGreaterThanOrEqual(2);
        expect(p.maxConcurrency, `${name} at ${rate}`).toBeLessThanOrEqual(5);
        expect(p.batchSize / p.sendsPerSecond, `${name} at ${rate}`).toBeLessThanOrEqual(PACED_SECONDS);
        if (rate >= 4) expect(Number.isInteger(p.sendsPerSecond), `${name} at ${rate}`).toBe(true);
      }
    }
    // A high rate raises the reminders' concurrency (one invocation sustains about 20/s).
    expect(emailPacing(200, 5, queueConsumers).get('queue-reminders')).toEqual({ maxConcurrency: 5, sendsPerSecond: 36, batchSize: 10 });
    expect(() => emailPacing(0, 5, queueConsumers)).toThrow(/sesMaxSendRate/);
  });
});
