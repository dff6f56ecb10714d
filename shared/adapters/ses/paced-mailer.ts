// Bounds the SES send rate of one invocation (issue 21): each email starts at least 1/rate s
// after the previous one started in this process, whatever the number in flight. With the event
// source's maximum concurrency, that bounds the account's rate (infra/ses-rate.ts). The turn is
// taken in order (a promise chain), and the start is measured again after the pause, so a timer
// that fires late never lets two emails start closer than the interval.
import type { EmailMessage, Mailer } from '#shared/domain/notifications/ports.ts';

export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacingClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export class PacedMailer implements Mailer {
  private readonly intervalMs: number;
  private lastStart = -Infinity;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly inner: Mailer,
    /** Emails per second for this process; may be below 1 (one every 1/rate seconds). */
    sendsPerSecond: number,
    private readonly clock: PacingClock = realClock,
  ) {
    if (!(sendsPerSecond > 0)) throw new Error(`PacedMailer needs a positive rate (got ${sendsPerSecond})`);
    this.intervalMs = 1000 / sendsPerSecond;
  }

  send(message: EmailMessage): Promise<{ messageId: string }> {
    const mine = this.turn.then(() => this.waitForSlot());
    this.turn = mine;
    return mine.then(() => this.inner.send(message));
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const wait = this.lastStart + this.intervalMs - this.clock.now();
      if (wait <= 0) break;
      await this.clock.sleep(Math.ceil(wait));
    }
    this.lastStart = this.clock.now();
  }
}
