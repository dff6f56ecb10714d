// Registration benchmark (issue 3, "Benchmark"): the real handlers behind the local gateway,
// against DynamoDB Local in memory, called as w.c.s. calls them (signed URL, fresh nonce, JSON
// body), and side by side the bare DynamoDB Local round trip of the same TransactWriteItems.
//
//   npm run bench -- registration            full run (~3–4 min on the shared 2-core machine)
//   npm run bench -- registration --quick    smoke run with small counts (~40 s)
//
// Three processes: this one hosts the emulators' clients, the gateway and the handlers (like
// `npm start`); a forked load generator (bench/lib/load-child.ts) makes every timed call, both
// sides; DynamoDB Local is its java child. "ours" = HTTP to the gateway, event building, the
// middy chain, signature check, nonce write, meeting read, form-uuid lookup, counter read, plan,
// the transaction (with its retries), the answer. "raw" = one TransactWriteItems, nothing else.
import os from 'node:os';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { meetingKeys } from '#shared/adapters/dynamodb/keys.ts';
import { dayKey } from '#shared/domain/meetings/items.ts';
import { startLocalRuntime, type LocalRuntime } from '../scripts/local/runtime.ts';
import { dynamoDbLocalPids, processCpuMs, selfCpuMs } from './lib/cpu.ts';
import { addDelta, DynamoCallCounter, totalCalls, type CallCounts } from './lib/dynamo-calls.ts';
import { LoadClient } from './lib/load-client.ts';
import { machineInfo, type MachineInfo } from './lib/machine.ts';
import { REQUEST_TIMEOUT_MS, type LoadJob, type LoadResult } from './lib/registration-load.ts';
import { writeResults } from './lib/results.ts';
import { ratio, summarize, type LatencySummary } from './lib/stats.ts';
import { formatTable } from './lib/table.ts';

export interface BenchOptions {
  quick: boolean;
}

interface Level {
  concurrency: number;
  requests: number;
}

interface Settings {
  /** Unrecorded requests per side before the first level (JIT of node and java, connections). */
  warmup: number;
  levels: Level[];
  /** Each level is measured in this many rounds, alternating ours→raw and raw→ours. */
  rounds: number;
  oversell: { requests: number; capacity: number; concurrency: number };
}

const FULL: Settings = {
  warmup: 200,
  levels: [
    { concurrency: 1, requests: 200 },
    { concurrency: 16, requests: 800 },
    { concurrency: 64, requests: 1280 },
  ],
  rounds: 4,
  // Joining a waiting list is a compare-and-set on the item's ticket counter (exact positions):
  // one contender wins per round, so the oversell run keeps a waiting list of 200 at 16 at once.
  oversell: { requests: 600, capacity: 400, concurrency: 16 },
};

const QUICK: Settings = {
  warmup: 20,
  levels: [
    { concurrency: 1, requests: 20 },
    { concurrency: 16, requests: 64 },
    { concurrency: 64, requests: 128 },
  ],
  rounds: 2,
  oversell: { requests: 120, capacity: 80, concurrency: 16 },
};

/** Enough places that no latency request ever reaches the waiting list (the schema's maximum). */
const LATENCY_CAPACITY = 100_000;
/** Measurement phases stop starting requests past this budget, so a run stays under ~6 min. */
const BUDGET_MS = Number(process.env['BENCH_BUDGET_S'] ?? 320) * 1000;

const INTERLEAVING_NOTE =
  'ours (gateway) and raw (bare TransactWriteItems) are measured in alternating rounds at each level ' +
  '(ours→raw, raw→ours, …), each round after an unrecorded burst of max(concurrency, 10) calls of the same side, ' +
  'so that machine noise hits both alike.';

// ---------------------------------------------------------------------------------------
// Result shapes

/** CPU ms per request, per process. */
interface CpuPerRequest {
  /** The forked load generator (node:http or the SDK client). */
  loadGenerator: number;
  /** This process: gateway + handlers (ours); idle for raw. */
  gatewayAndHandlers: number;
  dynamoDbLocal: number;
}

interface DynamoUsage {
  byOperation: CallCounts;
  callsPerRegistration: number;
  transactionsPerRegistration: number;
  cancelledTransactions: number;
}

interface LevelResult {
  concurrency: number;
  requestsPerSide: number;
  rounds: number;
  ours: LatencySummary;
  raw: LatencySummary & { conflicts: number };
  ratio: { p50: number; p99: number };
  errors: { ours: Record<string, number>; raw: Record<string, number> };
  /** DynamoDB calls the handlers made during the recorded ours rounds. */
  oursDynamo: DynamoUsage;
  cpu: { ours: CpuPerRequest; raw: CpuPerRequest };
  deadlineReached: boolean;
}

interface OversellResult {
  requests: number;
  capacity: number;
  concurrency: number;
  wallMs: number;
  decidedPerSecond: number;
  answers: { confirmed: number; waiting: number; other: number; errors: number };
  errors: Record<string, number>;
  latency: LatencySummary;
  dynamo: DynamoUsage;
  counters: { confirmed: number; waiting: number };
  listing: { registrations: number; confirmed: number; waiting: number; distinctEmails: number; distinctWaitingTickets: number };
  oversold: number;
  checks: Record<string, boolean>;
  ok: boolean;
  deadlineReached: boolean;
}

function perRequest(total: number, requests: number): number {
  return Number((requests > 0 ? total / requests : Number.NaN).toFixed(2));
}

function dynamoUsage(counts: CallCounts, registrations: number): DynamoUsage {
  const tx = counts['TransactWriteItems'] ?? { calls: 0, failed: 0 };
  return {
    byOperation: counts,
    callsPerRegistration: perRequest(totalCalls(counts), registrations),
    transactionsPerRegistration: perRequest(tx.calls, registrations),
    cancelledTransactions: tx.failed,
  };
}

// ---------------------------------------------------------------------------------------
// Helpers

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Creates a one-day meeting, registration open now, through the real admin route. */
async function putMeeting(rt: LocalRuntime, meetingId: string, day: string, capacity: number, now: Date): Promise<void> {
  const body = {
    title: `Banc d’essai ${meetingId}`,
    venue: 'Boucle locale',
    timezone: 'Europe/Paris',
    registration_opens_at: new Date(now.getTime() - 86_400_000).toISOString(),
    registration_closes_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    image_rights_notice: "J'accepte d'être photographié·e ou filmé·e pendant le club.",
    days: [{ date: day, label: 'Journée du banc d’essai', onsite_capacity: capacity, waiting_list: true }],
    workshops: [],
  };
  const res = await fetch(`${rt.baseUrl}/admin/meetings/${meetingId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${rt.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`PUT /admin/meetings/${meetingId} answered ${res.status}: ${text.slice(0, 500)}`);
}

async function readCounter(ddb: DynamoDBDocumentClient, tableName: string, meetingId: string, day: string) {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: meetingKeys.item(meetingId, dayKey(day)), ConsistentRead: true }));
  const item = out.Item ?? {};
  return { confirmed: Number(item['confirmed'] ?? Number.NaN), waiting: Number(item['waiting'] ?? Number.NaN) };
}

function mergeCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

interface Context {
  rt: LocalRuntime;
  ddb: DynamoDBDocumentClient;
  load: LoadClient;
  tableName: string;
  runTag: string;
  day: string;
  deadline: number;
  calls: DynamoCallCounter;
  javaPid: number | undefined;
  /** Next sequence number per side, and calls that took a place (warm-ups included). */
  seq: { ours: number; raw: number; took: number };
}

interface Measured {
  result: LoadResult;
  calls: CallCounts;
  cpu: { loadGenerator: number; gatewayAndHandlers: number; dynamoDbLocal: number };
}

/** Runs one job in the load generator and measures what each process spent meanwhile. */
async function measure(ctx: Context, side: 'ours' | 'raw', meetingId: string, count: number, concurrency: number): Promise<Measured> {
  const job: LoadJob = { side, meetingId, day: ctx.day, runTag: ctx.runTag, firstSeq: ctx.seq[side], count, concurrency, deadline: ctx.deadline };
  ctx.seq[side] += count;
  const callsBefore = ctx.calls.snapshot();
  const cpuBefore = { load: processCpuMs(ctx.load.pid), self: selfCpuMs(), java: processCpuMs(ctx.javaPid) };
  const result = await ctx.load.run(job);
  const calls: CallCounts = {};
  addDelta(calls, callsBefore, ctx.calls.snapshot());
  ctx.seq.took += (result.statuses['confirmed'] ?? 0) + (result.statuses['written'] ?? 0);
  return {
    result,
    calls,
    cpu: {
      loadGenerator: processCpuMs(ctx.load.pid) - cpuBefore.load,
      gatewayAndHandlers: selfCpuMs() - cpuBefore.self,
      dynamoDbLocal: processCpuMs(ctx.javaPid) - cpuBefore.java,
    },
  };
}

// ---------------------------------------------------------------------------------------
// Phases

async function measureLevel(ctx: Context, meetingId: string, level: Level, rounds: number): Promise<LevelResult> {
  const c = level.concurrency;
  const sides = {
    ours: { samples: [] as number[], errors: {} as Record<string, number>, failed: 0, conflicts: 0, wallMs: 0, calls: {} as CallCounts, cpu: { loadGenerator: 0, gatewayAndHandlers: 0, dynamoDbLocal: 0 }, unexpected: 0 },
    raw: { samples: [] as number[], errors: {} as Record<string, number>, failed: 0, conflicts: 0, wallMs: 0, calls: {} as CallCounts, cpu: { loadGenerator: 0, gatewayAndHandlers: 0, dynamoDbLocal: 0 }, unexpected: 0 },
  };
  let deadlineReached = false;
  for (let round = 0; round < rounds; round++) {
    const size = Math.floor(level.requests / rounds) + (round < level.requests % rounds ? 1 : 0);
    const order = round % 2 === 0 ? (['ours', 'raw'] as const) : (['raw', 'ours'] as const);
    for (const side of order) {
      // Reopens the side's c connections and settles it (the other side ran meanwhile).
      await measure(ctx, side, meetingId, Math.max(c, 10), c);
      const m = await measure(ctx, side, meetingId, size, c);
      const s = sides[side];
      const expected = side === 'ours' ? 'confirmed' : 'written';
      s.samples.push(...m.result.samples);
      for (const [status, n] of Object.entries(m.result.statuses)) {
        if (status !== expected) {
          s.unexpected += n;
          s.errors[`unexpected status ${status}`] = (s.errors[`unexpected status ${status}`] ?? 0) + n;
        }
      }
      mergeCounts(s.errors, m.result.errors);
      s.failed += Object.values(m.result.errors).reduce((a, b) => a + b, 0);
      s.conflicts += m.result.conflicts;
      s.wallMs += m.result.wallMs;
      addDelta(s.calls, {}, m.calls);
      s.cpu.loadGenerator += m.cpu.loadGenerator;
      s.cpu.gatewayAndHandlers += m.cpu.gatewayAndHandlers;
      s.cpu.dynamoDbLocal += m.cpu.dynamoDbLocal;
      deadlineReached ||= m.result.deadlineReached;
    }
  }
  const summary = (side: 'ours' | 'raw') => summarize(sides[side].samples, sides[side].failed + sides[side].unexpected, sides[side].wallMs);
  const cpu = (side: 'ours' | 'raw'): CpuPerRequest => {
    const n = sides[side].samples.length + sides[side].failed;
    return {
      loadGenerator: perRequest(sides[side].cpu.loadGenerator, n),
      gatewayAndHandlers: perRequest(sides[side].cpu.gatewayAndHandlers, n),
      dynamoDbLocal: perRequest(sides[side].cpu.dynamoDbLocal, n),
    };
  };
  const ours = summary('ours');
  const raw = summary('raw');
  return {
    concurrency: c,
    requestsPerSide: level.requests,
    rounds,
    ours,
    raw: { ...raw, conflicts: sides.raw.conflicts },
    ratio: { p50: ratio(ours.p50, raw.p50), p99: ratio(ours.p99, raw.p99) },
    errors: { ours: sides.ours.errors, raw: sides.raw.errors },
    oursDynamo: dynamoUsage(sides.ours.calls, sides.ours.samples.length + sides.ours.failed),
    cpu: { ours: cpu('ours'), raw: cpu('raw') },
    deadlineReached,
  };
}

async function oversellRun(ctx: Context, settings: Settings['oversell']): Promise<OversellResult> {
  const { rt, ddb, tableName, runTag, day } = ctx;
  const meetingId = `bench-oversell-${runTag}`;
  await putMeeting(rt, meetingId, day, settings.capacity, new Date());

  const { result, calls } = await measure(ctx, 'ours', meetingId, settings.requests, settings.concurrency);
  const errorCount = Object.values(result.errors).reduce((a, b) => a + b, 0);
  const confirmed = result.statuses['confirmed'] ?? 0;
  const waiting = result.statuses['waiting'] ?? 0;
  const answers = { confirmed, waiting, other: result.samples.length - confirmed - waiting, errors: errorCount };
  const decided = confirmed + waiting;

  const counters = await readCounter(ddb, tableName, meetingId, day);
  // Read back through the repository the organiser listings use (gsi1). Imported only now:
  // the modules it pulls in must not load before the runtime has set the environment.
  const [{ DynamoMeetingRepository }, { DynamoRegistrationRepository }] = await Promise.all([
    import('#shared/adapters/dynamodb/meeting-repository.ts'),
    import('#shared/adapters/dynamodb/registration-repository.ts'),
  ]);
  const store = new DynamoRegistrationRepository(ddb, tableName, new DynamoMeetingRepository(ddb, tableName), `${tableName}-nonces`);
  const itemKey = dayKey(day);
  let regs = await store.listByMeeting(meetingId);
  // The index is eventually consistent in AWS; DynamoDB Local is immediate, but stay correct.
  for (let attempt = 0; regs.length < decided && attempt < 10; attempt++) {
    await new Promise((r) => setTimeout(r, 200));
    regs = await store.listByMeeting(meetingId);
  }
  const held = regs.map((r) => r.items.find((h) => h.key === itemKey));
  const waitingHeld = held.filter((h) => h?.status === 'waiting');
  const listing = {
    registrations: regs.length,
    confirmed: held.filter((h) => h?.status === 'confirmed').length,
    waiting: waitingHeld.length,
    distinctEmails: new Set(regs.map((r) => r.email)).size,
    distinctWaitingTickets: new Set(waitingHeld.map((h) => h?.ticket)).size,
  };
  const C = settings.capacity;
  const N = settings.requests;
  // A "busy" answer (HTTP 503) is an allowed outcome: nothing was written and the same call may
  // be made again. Joining a waiting list takes the next ticket by compare-and-set, one winner
  // per round, so under a burst some requests run out of their time budget. Everything that was
  // answered must add up exactly, and nothing may be oversold.
  const busy = result.errors['503 service-busy'] ?? 0;
  const W = decided - C;
  const checks = {
    'all requests sent': result.started === N && !result.deadlineReached,
    'no error answer other than busy (503, nothing written)': answers.errors === busy && answers.other === 0,
    'answers: confirmed == C': answers.confirmed === C,
    'answers + busy == N': decided + busy === N,
    'counter: confirmed == C': counters.confirmed === C,
    'counter: waiting == waiting answers': counters.waiting === W,
    'listing: confirmed == C': listing.confirmed === C,
    'listing: waiting == waiting answers': listing.waiting === W,
    'listing: one registration per answered person': listing.registrations === decided && listing.distinctEmails === decided,
    'listing: distinct waiting tickets': listing.distinctWaitingTickets === listing.waiting,
  };
  return {
    requests: N,
    capacity: C,
    concurrency: settings.concurrency,
    wallMs: Math.round(result.wallMs),
    decidedPerSecond: Number(((decided * 1000) / result.wallMs).toFixed(1)),
    answers,
    errors: result.errors,
    latency: summarize(result.samples, errorCount, result.wallMs),
    dynamo: dynamoUsage(calls, result.started),
    counters,
    listing,
    oversold: Math.max(counters.confirmed, listing.confirmed) - C,
    checks,
    ok: Object.values(checks).every(Boolean),
    deadlineReached: result.deadlineReached,
  };
}

// ---------------------------------------------------------------------------------------
// Report

function printReport(log: (line: string) => void, levels: LevelResult[], oversell: OversellResult | undefined): void {
  log('');
  log('Registration latency, ms (ours = signed POST through the gateway; raw = the same TransactWriteItems alone)');
  log(`Note: ${INTERLEAVING_NOTE}`);
  log(
    formatTable(
      ['conc', 'side', 'n', 'err', 'p50', 'p90', 'p99', 'max', 'req/s'],
      levels.flatMap((l) => [
        [String(l.concurrency), 'ours', l.ours.count, l.ours.errors, l.ours.p50, l.ours.p90, l.ours.p99, l.ours.max, l.ours.rps],
        ['', 'raw', l.raw.count, l.raw.errors, l.raw.p50, l.raw.p90, l.raw.p99, l.raw.max, l.raw.rps],
      ]),
    ),
  );
  log('');
  log('Our overhead (ours / raw)');
  log(
    formatTable(
      ['conc', 'p50 ours', 'p50 raw', 'ratio p50', 'p99 ours', 'p99 raw', 'ratio p99', 'raw conflicts'],
      levels.map((l) => [String(l.concurrency), l.ours.p50, l.raw.p50, `${l.ratio.p50}×`, l.ours.p99, l.raw.p99, `${l.ratio.p99}×`, l.raw.conflicts]),
    ),
  );
  log('');
  log('Where the time goes: DynamoDB calls the handlers made per registration, and CPU ms per request by process');
  log(
    formatTable(
      ['conc', 'calls/reg', 'tx/reg', 'cancelled tx', 'CPU load gen ours|raw', 'CPU gateway+handlers', 'CPU DDB Local ours|raw'],
      levels.map((l) => [
        String(l.concurrency),
        l.oursDynamo.callsPerRegistration,
        l.oursDynamo.transactionsPerRegistration,
        l.oursDynamo.cancelledTransactions,
        `${l.cpu.ours.loadGenerator} | ${l.cpu.raw.loadGenerator}`,
        l.cpu.ours.gatewayAndHandlers,
        `${l.cpu.ours.dynamoDbLocal} | ${l.cpu.raw.dynamoDbLocal}`,
      ]),
    ),
  );
  const ops = levels.at(-1)?.oursDynamo.byOperation;
  if (ops) {
    log(`  by operation at the last level: ${Object.entries(ops).map(([op, c]) => `${op} ${c.calls}${c.failed > 0 ? ` (${c.failed} failed)` : ''}`).join(', ')}`);
  }
  for (const l of levels) {
    if (l.ours.errors + l.raw.errors + l.raw.conflicts > 0) log(`  errors at concurrency ${l.concurrency}: ${JSON.stringify(l.errors)}`);
  }
  if (!oversell) return;
  const o = oversell;
  log('');
  log(`Oversell run: ${o.requests} concurrent signed registrations, capacity ${o.capacity} with waiting list, concurrency ${o.concurrency}`);
  log(
    formatTable(
      ['measure', 'value'],
      [
        ['wall time (s)', (o.wallMs / 1000).toFixed(2)],
        ['decided registrations/s', o.decidedPerSecond],
        ['latency p50 / p99 / max (ms)', `${o.latency.p50} / ${o.latency.p99} / ${o.latency.max}`],
        ['DynamoDB calls / transactions per registration', `${o.dynamo.callsPerRegistration} / ${o.dynamo.transactionsPerRegistration}`],
        ['cancelled transactions (retried)', o.dynamo.cancelledTransactions],
        ['answers confirmed / waiting / errors', `${o.answers.confirmed} / ${o.answers.waiting} / ${o.answers.errors + o.answers.other}`],
        ['counter confirmed / waiting', `${o.counters.confirmed} / ${o.counters.waiting}`],
        ['listing confirmed / waiting / people', `${o.listing.confirmed} / ${o.listing.waiting} / ${o.listing.distinctEmails}`],
        ['expected confirmed / waiting', `${o.capacity} / ${o.requests - o.capacity}`],
        ['oversold (confirmed − C)', o.oversold],
      ],
    ),
  );
  for (const [name, passed] of Object.entries(o.checks)) log(`  ${passed ? 'ok  ' : 'FAIL'} ${name}`);
  if (Object.keys(o.errors).length > 0) log(`  errors: ${JSON.stringify(o.errors)}`);
}

// ---------------------------------------------------------------------------------------

/** Runs the benchmark; resolves to true when every check passed and nothing failed. */
export async function runRegistrationBench(opts: BenchOptions): Promise<boolean> {
  const log = (line: string) => console.log(line);
  const settings = opts.quick ? QUICK : FULL;
  const startedAt = new Date();
  const machine: MachineInfo = machineInfo();
  log(
    `registration benchmark${opts.quick ? ' (quick)' : ''} — ${machine.nproc} cores (${machine.cpuModel}), node ${machine.node}, ` +
      `${machine.java}, load average ${machine.loadAverage1m}`,
  );

  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const bootStarted = performance.now();
  const rt = await startLocalRuntime({
    port: 0,
    inMemory: true,
    quiet: true,
    seed: false,
    stateFile: false,
    // One INFO line per registration would put the terminal in the measurement; warnings and
    // errors still print.
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    log,
  });
  const port = new URL(rt.endpoints.dynamodb).port;
  const ddb = createDocumentClient({ dynamodbEndpoint: rt.endpoints.dynamodb });
  const calls = new DynamoCallCounter().start();
  let load: LoadClient | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      calls.stop();
      await load?.stop();
      ddb.destroy();
      await rt.stop();
    })();
    return stopping;
  };
  // Interrupted: stop everything, record nothing (a partial run would read as a result).
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    console.error(`\n${signal}: stopping the load generator and the emulators…`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let ok = true;
  let bootSeconds = Number.NaN;
  const levels: LevelResult[] = [];
  let oversell: OversellResult | undefined;
  let latencyCounter: { expected: number; confirmed: number; ok: boolean } | undefined;
  let failure: string | undefined;
  try {
    if (rt.loadErrors.length > 0) throw new Error(`handlers failed to load: ${rt.loadErrors.map((e) => e.name).join(', ')}`);
    load = await LoadClient.start({
      baseUrl: rt.baseUrl,
      key: rt.keys.key,
      orig: rt.keys.orig,
      dynamodbEndpoint: rt.endpoints.dynamodb,
      tableName: rt.tables.DataTable,
      nonceTableName: rt.tables.NonceTable,
    });
    bootSeconds = (performance.now() - bootStarted) / 1000;
    log(`local runtime and load generator up in ${bootSeconds.toFixed(1)} s: gateway ${rt.baseUrl}, DynamoDB Local ${rt.endpoints.dynamodb} (in memory)`);

    const now = new Date();
    const runTag = Math.random().toString(36).slice(2, 8);
    const day = isoDate(new Date(now.getTime() + 70 * 86_400_000));
    const ctx: Context = {
      rt,
      ddb,
      load,
      tableName: rt.tables.DataTable,
      runTag,
      day,
      deadline: Date.now() + BUDGET_MS,
      calls,
      javaPid: dynamoDbLocalPids(port)[0],
      seq: { ours: 0, raw: 0, took: 0 },
    };

    const latencyMeeting = `bench-latency-${runTag}`;
    await putMeeting(rt, latencyMeeting, day, LATENCY_CAPACITY, now);
    log(`warm-up: ${settings.warmup} requests per side at concurrency 16 (not recorded)`);
    await measureLevel(ctx, latencyMeeting, { concurrency: 16, requests: settings.warmup }, 2);

    for (const level of settings.levels) {
      log(`concurrency ${level.concurrency}: ${level.requests} requests per side in ${settings.rounds} alternating rounds…`);
      const result = await measureLevel(ctx, latencyMeeting, level, settings.rounds);
      levels.push(result);
      log(
        `  ours p50 ${result.ours.p50} ms p99 ${result.ours.p99} ms (${result.ours.rps} req/s) | ` +
          `raw p50 ${result.raw.p50} ms p99 ${result.raw.p99} ms | ratio p50 ${result.ratio.p50}× p99 ${result.ratio.p99}× | ` +
          `${result.oursDynamo.callsPerRegistration} DynamoDB calls/registration`,
      );
      if (result.deadlineReached) throw new Error(`time budget of ${BUDGET_MS / 1000} s reached at concurrency ${level.concurrency}`);
    }

    // Every successful call of either side took exactly one place of the latency day.
    const counter = await readCounter(ddb, ctx.tableName, latencyMeeting, day);
    latencyCounter = { expected: ctx.seq.took, confirmed: counter.confirmed, ok: counter.confirmed === ctx.seq.took };
    log(`latency day counter: ${counter.confirmed} places taken, ${ctx.seq.took} successful calls (${latencyCounter.ok ? 'ok' : 'MISMATCH'})`);

    log(`oversell run: ${settings.oversell.requests} registrations, capacity ${settings.oversell.capacity}, concurrency ${settings.oversell.concurrency}…`);
    oversell = await oversellRun(ctx, settings.oversell);
    ok = oversell.ok && latencyCounter.ok && levels.every((l) => l.ours.errors === 0 && !l.deadlineReached);
  } catch (error) {
    ok = false;
    failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`benchmark failed: ${failure}`);
  } finally {
    await stop();
  }
  if (interrupted) {
    // onSignal exits once the stop above has finished.
    await new Promise<never>(() => undefined);
  }
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);

  const leftovers = dynamoDbLocalPids(port);
  if (leftovers.length > 0) {
    ok = false;
    console.error(`DynamoDB Local still running after stop: pid ${leftovers.join(', ')}`);
  }

  printReport(log, levels, oversell);
  const finishedAt = new Date();
  const written = writeResults('registration', startedAt, {
    benchmark: 'registration',
    quick: opts.quick,
    ok,
    ...(failure ? { failure } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: Number(((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(1)),
    machine: { ...machine, loadAverage1mAtEnd: Number((os.loadavg()[0] ?? 0).toFixed(2)) },
    method: {
      interleaving: INTERLEAVING_NOTE,
      processes:
        'gateway + handlers in the benchmark process (as `npm start` runs them); every timed call made by a forked load generator; DynamoDB Local as a java child',
      ours: 'signed POST /meetings/{id}/registrations through the local gateway, fresh timestamp + nonce, distinct form_uuid and email per call; called with node:http keep-alive (the lightest client: w.c.s. runs elsewhere); timed from the request to the last byte of the answer; signing excluded',
      raw: 'one TransactWriteCommand (Put FORM, Put EMAIL, Put REG, Update day counter with the take condition) with a client from createDocumentClient(); cancelled transactions are counted apart, not in the percentiles',
      percentiles: 'nearest rank over successful samples; req/s = successful requests / wall time of that side',
      cpu: 'user+system CPU ms per request of each process (/proc and process.cpuUsage), over the recorded rounds',
      logLevel: 'POWERTOOLS_LOG_LEVEL=WARN',
      bootSeconds: Number(bootSeconds.toFixed(1)),
    },
    settings: { ...settings, latencyCapacity: LATENCY_CAPACITY, requestTimeoutMs: REQUEST_TIMEOUT_MS, budgetMs: BUDGET_MS },
    latency: levels,
    latencyCounterCheck: latencyCounter ?? null,
    oversell: oversell ?? null,
    dynamodbLocalLeftovers: leftovers,
  }, { latest: ok && !opts.quick });
  log('');
  log(`results: ${written.file}`);
  log(written.latest ? `         ${written.latest}` : '         (registration-latest.json kept: only complete full runs replace it)');
  log(ok ? 'registration benchmark: all checks passed' : 'registration benchmark: FAILED (see above)');
  return ok;
}
