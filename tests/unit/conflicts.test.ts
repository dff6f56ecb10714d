// The one retry loop of the use cases (shared/domain/conflicts.ts, decideAgain): how many
// attempts run, which waits go to `sleep`, what a lost race is, and the error at the end.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decideAgain, FormTakenError, jitterDelay, jitterWait, StaleReadError } from '#shared/domain/conflicts.ts';
import { ConflictError, ServiceBusyError } from '#shared/errors.ts';

const POLICY = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 };

/** A decision that loses `losses` races, then answers its attempt number. */
function losing(losses: number, error: () => Error = () => new StaleReadError()) {
  const attempts: number[] = [];
  const decide = async (attempt: number) => {
    attempts.push(attempt);
    if (attempts.length <= losses) throw error();
    return `won at ${attempt}`;
  };
  return { attempts, decide };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('decideAgain', () => {
  it('answers the first attempt that wins, after one full-jitter wait per lost race, passed to sleep', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const sleeps: number[] = [];
    const { attempts, decide } = losing(2);
    const out = await decideAgain({ attempts: POLICY, wait: jitterWait(POLICY, async (ms) => void sleeps.push(ms)) }, decide);
    expect(out).toBe('won at 2');
    expect(attempts).toEqual([0, 1, 2]);
    // 0.5 × min(50, 10·2^attempt) for the attempts 0 and 1.
    expect(sleeps).toEqual([5, 10]);
    expect(sleeps).toEqual([jitterDelay(POLICY, 0), jitterDelay(POLICY, 1)]);
  });

  it('runs maxAttempts attempts, waits after each lost one, then throws ServiceBusyError', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const sleeps: number[] = [];
    const { attempts, decide } = losing(Number.POSITIVE_INFINITY);
    const error = await decideAgain({ attempts: POLICY, wait: jitterWait(POLICY, async (ms) => void sleeps.push(ms)) }, decide).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceBusyError);
    expect(error).toMatchObject({ statusCode: 503 });
    expect(attempts).toEqual([0, 1, 2, 3]);
    // Capped at maxDelayMs from the third wait on.
    expect(sleeps).toEqual([10, 20, 40, 50]);
  });

  it('gives the caller’s error the number of attempts and the last refusal', async () => {
    const last = new StaleReadError('the last one');
    let calls = 0;
    const busy = vi.fn((_attempts: number, _last: unknown) => new ConflictError('busy-here', 'Occupé.'));
    const error = await decideAgain({ attempts: { maxAttempts: 3 }, busy }, async () => {
      calls++;
      throw calls === 3 ? last : new StaleReadError();
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'busy-here' });
    expect(busy).toHaveBeenCalledTimes(1);
    expect(busy).toHaveBeenCalledWith(3, last);
  });

  it('lets any other error through at once, without waiting or trying again', async () => {
    const wait = vi.fn(async () => undefined);
    const { attempts, decide } = losing(5, () => new FormTakenError());
    await expect(decideAgain({ attempts: POLICY, wait }, decide)).rejects.toBeInstanceOf(FormTakenError);
    expect(attempts).toEqual([0]);
    expect(wait).not.toHaveBeenCalled();
  });

  it('counts what `lost` says is a lost race', async () => {
    const { attempts, decide } = losing(2, () => new FormTakenError());
    const lost = (error: unknown) => error instanceof FormTakenError || error instanceof StaleReadError;
    await expect(decideAgain({ attempts: POLICY, lost }, decide)).resolves.toBe('won at 2');
    expect(attempts).toEqual([0, 1, 2]);
  });

  it('stops at maxElapsedMs, but never before minAttempts', async () => {
    let clock = 1_000;
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    const slow = losing(Number.POSITIVE_INFINITY);
    const wait = async () => {
      clock += 100; // each lost attempt and its wait take 100 ms
    };
    const timed = { maxAttempts: 1000, maxElapsedMs: 250 };
    await expect(decideAgain({ attempts: timed, wait }, slow.decide)).rejects.toBeInstanceOf(ServiceBusyError);
    expect(slow.attempts).toEqual([0, 1, 2]);
    const floor = losing(Number.POSITIVE_INFINITY);
    await expect(decideAgain({ attempts: { ...timed, minAttempts: 6 }, wait }, floor.decide)).rejects.toBeInstanceOf(ServiceBusyError);
    expect(floor.attempts).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
