// Online sessions benchmark: subscriptions and the occurrences data source through the real
// handlers behind the local gateway, against DynamoDB Local in memory, called as w.c.s. calls
// them (signed URL, fresh nonce, JSON body). It records latency at concurrency 1 and 16, the
// DynamoDB calls one subscription costs (the read-once/write-once promise: one BatchGetItem and
// one TransactWriteItems, plus the overrides Query made alongside for `next_session`), and a
// race of copies of one form (one subscription, every other answer a replay).
//
//   npm run bench -- sessions            full run (~1 min on the shared 2-core machine)
//   npm run bench -- sessions --quick    smoke run
//
// The load is generated in this process (unlike the registration bench's forked client): the
// figures include the client's share of the CPU and are an upper bound of the service's own.
import { signUrl } from '#shared/publik/signature.ts';
import { startLocalRuntime } from '../scripts/local/runtime.ts';
import { demoSeries } from '../scripts/local/demo-sessions.ts';
import { addDelta, DynamoCallCounter, totalCalls, type CallCounts } from './lib/dynamo-calls.ts';
import { machineInfo } from './lib/machine.ts';
import { runPool } from './lib/pool.ts';
import { writeResults } from './lib/results.ts';
import { summarize, type LatencySummary } from './lib/stats.ts';
import { formatTable } from './lib/table.ts';

interface Settings {
  warmup: number;
  subscribe: Array<{ concurrency: number; requests: number }>;
  dataSource: { concurrency: number; requests: number };
  race: { copies: number };
}

const FULL: Settings = {
  warmup: 50,
  subscribe: [
    { concurrency: 1, requests: 200 },
    { concurrency: 16, requests: 800 },
  ],
  dataSource: { concurrency: 8, requests: 400 },
  race: { copies: 50 },
};

const QUICK: Settings = {
  warmup: 10,
  subscribe: [
    { concurrency: 1, requests: 20 },
    { concurrency: 16, requests: 64 },
  ],
  dataSource: { concurrency: 8, requests: 40 },
  race: { copies: 20 },
};

interface Phase {
  name: string;
  concurrency: number;
  latency: LatencySummary;
  errors: Record<string, number>;
  dynamo: { byOperation: CallCounts; callsPerRequest: number };
}

async function measure(
  counter: DynamoCallCounter,
  name: string,
  count: number,
  concurrency: number,
  call: (i: number) => Promise<Response>,
): Promise<Phase> {
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  const before = counter.snapshot();
  const pool = await runPool(count, concurrency, async (i) => {
    const t0 = performance.now();
    try {
      const res = await call(i);
      const body = (await res.json()) as { err?: number; err_class?: string };
      if (res.status !== 200 || body.err !== 0) errors[body.err_class ?? `http-${res.status}`] = (errors[body.err_class ?? `http-${res.status}`] ?? 0) + 1;
      else samples.push(performance.now() - t0);
    } catch (error) {
      const key = error instanceof Error ? error.name : 'error';
      errors[key] = (errors[key] ?? 0) + 1;
    }
  });
  const byOperation: CallCounts = {};
  addDelta(byOperation, before, counter.snapshot());
  return {
    name,
    concurrency,
    latency: summarize(samples, Object.values(errors).reduce((a, b) => a + b, 0), pool.wallMs),
    errors,
    dynamo: { byOperation, callsPerRequest: Number((totalCalls(byOperation) / Math.max(1, count)).toFixed(2)) },
  };
}

export async function runSessionsBench(opts: { quick: boolean }): Promise<boolean> {
  const settings = opts.quick ? QUICK : FULL;
  const startedAt = new Date();
  const rt = await startLocalRuntime({
    port: 0,
    inMemory: true,
    quiet: true,
    seed: false,
    stateFile: false,
    // No reminders queue here: each subscription would log a warning into the measurement.
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const counter = new DynamoCallCounter().start();
  try {
    const put = await fetch(`${rt.baseUrl}/admin/session-series/bench`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${rt.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(demoSeries),
    });
    if (put.status !== 201) throw new Error(`PUT series: HTTP ${put.status}`);
    const signed = (path: string) => signUrl(`${rt.baseUrl}${path}`, rt.keys.key, { orig: rt.keys.orig });
    let seq = 0;
    const subscribe = (form: string, email: string) =>
      fetch(signed('/sessions/subscriptions'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ form_uuid: form, email, first_name: 'Bench', series_id: 'bench' }),
      });

    await measure(counter, 'warmup', settings.warmup, 4, () => {
      const n = ++seq;
      return subscribe(`warm-${n}`, `warm${n}@example.org`);
    });
    const phases: Phase[] = [];
    for (const level of settings.subscribe) {
      phases.push(
        await measure(counter, 'subscribe', level.requests, level.concurrency, () => {
          const n = ++seq;
          return subscribe(`form-${n}`, `person${n}@example.org`);
        }),
      );
    }
    phases.push(
      await measure(counter, 'data source GET /sessions', settings.dataSource.requests, settings.dataSource.concurrency, () =>
        fetch(signed('/sessions?series=bench')),
      ),
    );
    const race = await measure(counter, `race: ${settings.race.copies} copies of one form`, settings.race.copies, settings.race.copies, () =>
      subscribe('race-form', 'race@example.org'),
    );
    phases.push(race);

    const subscribers = await fetch(`${rt.baseUrl}/admin/session-series/bench/subscribers`, {
      headers: { authorization: `Bearer ${rt.adminToken}` },
    });
    const counts = ((await subscribers.json()) as { counts: { active: number } }).counts;
    const expected = settings.warmup + settings.subscribe.reduce((a, l) => a + l.requests, 0) + 1;
    const checks = {
      everySubscriptionStored: counts.active === expected,
      noErrors: phases.every((p) => p.latency.errors === 0),
      raceMadeOneSubscription: counts.active === expected,
    };
    const ok = Object.values(checks).every(Boolean);

    console.log(
      formatTable(
        ['phase', 'conc.', 'ok', 'err', 'p50 ms', 'p90 ms', 'p99 ms', 'req/s', 'DynamoDB calls/req'],
        phases.map((p) => [p.name, p.concurrency, p.latency.count, p.latency.errors, p.latency.p50, p.latency.p90, p.latency.p99, p.latency.rps, p.dynamo.callsPerRequest]),
      ),
    );
    console.log(`checks: ${JSON.stringify(checks)}`);
    const written = writeResults(
      'sessions',
      startedAt,
      { benchmark: 'sessions', quick: opts.quick, startedAt: startedAt.toISOString(), machine: machineInfo(), settings, phases, subscribers: counts, checks, ok },
      { latest: ok && !opts.quick },
    );
    console.log(`results: ${written.file}`);
    return ok;
  } finally {
    counter.stop();
    await rt.stop();
  }
}
