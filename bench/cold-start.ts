// Cold-start benchmark (issue 6): for every function of functions/manifest.ts, the bundle the
// stack deploys (built with the settings of infra/bundling.ts: ESM, minified, node22 target,
// @aws-sdk/* external) is imported in a fresh Node process which then serves its first
// request; side by side, a bundle holding only the bare DynamoDB client making one call of the
// same kind (GetItem or Query), and the same bare client loading the SDK with require() as our
// code does (shared/adapters/aws/sdk.ts), the floor a bare client could reach. The three sides
// run in rotating order, N times; the ratio of the medians to the bare client is the issue's
// figure (goal ≤ 1.3×), the ratio to the second one is reported beside it. Every bundle must
// stay ≤ 360 KB.
//
//   npm run bench -- cold-start            full run (~1 min on the shared 2-core machine)
//   npm run bench -- cold-start --quick    smoke run (figures not meaningful)
//
// First requests, against DynamoDB Local started by the bench (the demo meeting seeded through
// the real admin route):
//   - HTTP function: its first GET route that is not a personal link, as an HTTP API v2 event,
//     signed with the dev keys (fresh nonce each run) or carrying the dev admin token;
//   - queue consumer: a batch of one message (a promotion notice for a registration, or a session
//     confirmation for a series, that does not exist: a read, then the message is dropped as stale);
//   - scheduled function: one tick at the current instant.
// Measured inside the child: import of the bundle, then the handler's first call. Node's own
// start-up, identical on both sides, is recorded apart (`processMs`, from spawn to exit).
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { httpFunctions, queueConsumers, scheduledFunctions } from '#functions/manifest.ts';
import { signUrl } from '#shared/publik/signature.ts';
import { lambdaEsbuildOptions, MAX_BUNDLE_BYTES } from '#infra/bundling.ts';
import { buildLazyChunk } from '#infra/lazy-chunk.ts';
import { parseQueryStringParameters } from '../scripts/local/gateway.ts';
import { localDir, projectRoot } from '../scripts/local/paths.ts';
import { startLocalRuntime, type LocalRuntime } from '../scripts/local/runtime.ts';
import { machineInfo } from './lib/machine.ts';
import { writeResults } from './lib/results.ts';
import { ratio } from './lib/stats.ts';
import { formatTable } from './lib/table.ts';

export interface BenchOptions {
  quick: boolean;
}

/** Cold-start ratio the issue asks for (ours ÷ bare client). */
export const RATIO_GOAL = 1.3;

type Kind = 'http' | 'queue' | 'scheduled';
type BaselineCall = 'get' | 'query';

interface Target {
  name: string;
  kind: Kind;
  entry: string;
  /** What the first request is, for the report. */
  first: string;
  baseline: BaselineCall;
  /** Builds the event of one run (a fresh nonce for a signed call). */
  event: () => unknown;
  /** Whether the handler's answer is the expected success. */
  succeeded: (result: unknown) => boolean;
}

interface RunSample {
  importMs: number;
  requestMs: number;
  totalMs: number;
  processMs: number;
}

interface ChildOutcome extends RunSample {
  result: unknown;
  error?: string;
}

const MARKER = '@@cold-start ';

// The child: imports the bundle, calls its handler once, prints the timings on one marked line.
const RUNNER = `import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile, functionName] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const deadline = Date.now() + 30000;
const context = {
  callbackWaitsForEmptyEventLoop: true, functionName, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-3:000000000000:function:' + functionName,
  memoryLimitInMB: '512', awsRequestId: crypto.randomUUID(), logGroupName: '/aws/lambda/' + functionName,
  logStreamName: 'bench', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {}, fail() {}, succeed() {},
};
const t0 = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
let result, error;
try { result = await mod.handler(event, context); } catch (e) { error = String(e && e.stack || e); }
const t2 = performance.now();
// Exit once the line is written: a pipe is written asynchronously, and a large answer (the
// OpenAPI document, ~220 KB) would be cut by an immediate exit.
process.stdout.write('\\n${MARKER}' + JSON.stringify({ importMs: t1 - t0, requestMs: t2 - t1, result, error }) + '\\n', () => process.exit(0));
`;

const BASELINES: Record<BaselineCall, string> = {
  get: `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT || undefined });
export const handler = async () => {
  await client.send(new GetItemCommand({ TableName: process.env.DATA_TABLE, Key: { pk: { S: 'BENCH#cold' }, sk: { S: 'BENCH#cold' } }, ConsistentRead: true }));
  return { ok: true };
};
`,
  query: `import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT || undefined });
export const handler = async () => {
  await client.send(new QueryCommand({ TableName: process.env.DATA_TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'BENCH#cold' } } }));
  return { ok: true };
};
`,
};

/**
 * The same bare clients loading the SDK with require() instead of import, as our bundles do
 * (shared/adapters/aws/sdk.ts): an ES import of CommonJS makes Node scan the package for its
 * named exports first. Reported beside the issue's ratio, as the floor a bare client could reach.
 */
const REQUIRED_BASELINES: Record<BaselineCall, string> = Object.fromEntries(
  Object.entries(BASELINES).map(([call, source]) => [
    call,
    source.replace(
      /^import \{ ([^}]+) \} from '@aws-sdk\/client-dynamodb';/,
      "import { createRequire } from 'node:module';\nconst { $1 } = createRequire(import.meta.url)('@aws-sdk/client-dynamodb');",
    ),
  ]),
) as Record<BaselineCall, string>;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return Number((value ?? NaN).toFixed(1));
};

/** An HTTP API v2 event as API Gateway sends it (the shape the local gateway builds). */
function httpEvent(rt: LocalRuntime, routeKey: string, pathParameters: Record<string, string>): unknown {
  const [method = 'GET', routePath = '/'] = routeKey.split(' ');
  const rawPath = routePath.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(pathParameters[name] ?? 'x'));
  const admin = rawPath.startsWith('/admin');
  const url = admin ? `${rt.baseUrl}${rawPath}` : signUrl(`${rt.baseUrl}${rawPath}`, rt.keys.key, { orig: rt.keys.orig });
  const rawQueryString = new URL(url).search.replace(/^\?/, '');
  const now = new Date();
  const host = new URL(rt.baseUrl).host;
  const headers: Record<string, string> = {
    host,
    accept: 'application/json',
    'user-agent': 'Publik (w.c.s.) cold-start bench',
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-proto': 'https',
    ...(admin ? { authorization: `Bearer ${rt.adminToken}` } : {}),
  };
  const query = parseQueryStringParameters(rawQueryString);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split(/[.:]/)[0] ?? host,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

/**
 * Whether an HTTP function's first answer shows that the whole chain ran (signature or token
 * accepted, the read made): a 200 — a Publik envelope with `err: 0`, a JSON document without
 * one (the OpenAPI document), or a file (the badges' PDF) —, a 404 for a route whose id the bench
 * cannot know, or a page's redirect (the console sends a visitor without a session to its login).
 * 401/403/5xx mean the measurement is wrong.
 */
export function firstAnswerSucceeded(result: unknown): boolean {
  const r = result as { statusCode?: number; headers?: Record<string, string>; body?: string } | undefined;
  if (r?.statusCode === 302) return typeof r.headers?.['location'] === 'string';
  if ((r?.statusCode !== 200 && r?.statusCode !== 404) || typeof r.body !== 'string') return false;
  if (r.statusCode === 404) return true;
  if (!(r.headers?.['content-type'] ?? '').startsWith('application/json')) return r.body.length > 0;
  try {
    const body = JSON.parse(r.body) as { err?: number };
    return body.err === undefined || body.err === 0;
  } catch {
    return false;
  }
}

function targets(rt: LocalRuntime, meetingId: string): Target[] {
  const list: Target[] = [];
  for (const spec of httpFunctions) {
    const links = new Set(spec.linkTokenRoutes ?? []);
    // A GET the function serves without a personal link, preferably one needing no id but the
    // seeded meeting's (a list or a data source).
    const gets = spec.routes.filter((r) => r.startsWith('GET ') && !links.has(r));
    const routeKey = gets.find((r) => !/\{(?!meetingId\})/.test(r)) ?? gets[0];
    if (routeKey === undefined) throw new Error(`${spec.name}: no GET route to measure a first request with`);
    // Ids of the right shape (an unknown one answers 404, which still runs the whole chain).
    const idFor = (name: string) => (name === 'meetingId' ? meetingId : name === 'occurrenceId' ? 'bench-series-2027-01-12' : 'x');
    const params = Object.fromEntries([...routeKey.matchAll(/\{(\w+)\}/g)].map((m) => [m[1] as string, idFor(m[1] as string)]));
    list.push({
      name: spec.name,
      kind: 'http',
      entry: spec.entry,
      first: `${routeKey}${routeKey.includes(' /admin') ? ' (admin token)' : ' (signed)'}`,
      baseline: 'query',
      event: () => httpEvent(rt, routeKey, params),
      succeeded: (result) => firstAnswerSucceeded(result),
    });
  }
  for (const spec of queueConsumers) {
    list.push({
      name: spec.name,
      kind: 'queue',
      entry: spec.entry,
      first: 'a batch of one message',
      baseline: 'get',
      event: () => {
        // Each queue's own message shape, naming something that does not exist: one read, then
        // the message is dropped as stale (a promotion notice, or a session confirmation).
        const body = JSON.stringify(
          spec.queue.name === 'reminders'
            ? { type: 'session.confirmation', series_id: 'bench-gone', subscriber_id: randomUUID(), occurrence_id: 'bench-gone-2027-01-12' }
            : {
                id: `bench-${randomUUID()}`,
                type: 'registration.promoted',
                meeting_id: meetingId,
                registration_id: `bench-gone-${randomUUID()}`,
                item_key: 'day:bench',
                dropped_workshops: [],
                created_at: new Date().toISOString(),
              },
        );
        const messageId = randomUUID();
        return {
          Records: [
            {
              messageId,
              receiptHandle: `bench-${messageId}`,
              body,
              attributes: {
                ApproximateReceiveCount: '1',
                SentTimestamp: String(Date.now()),
                SenderId: '000000000000',
                ApproximateFirstReceiveTimestamp: String(Date.now()),
              },
              messageAttributes: {},
              md5OfBody: '',
              eventSource: 'aws:sqs',
              eventSourceARN: `arn:aws:sqs:eu-west-3:000000000000:publik-club-${spec.queue.name}`,
              awsRegion: 'eu-west-3',
            },
          ],
        };
      },
      succeeded: (result) => {
        const failures = (result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
        return result === undefined || (Array.isArray(failures) && failures.length === 0);
      },
    });
  }
  for (const spec of scheduledFunctions) {
    list.push({
      name: spec.name,
      kind: 'scheduled',
      entry: spec.entry,
      first: 'one tick (now)',
      baseline: 'query',
      event: () => ({ source: 'publik-club.scheduler', 'detail-type': 'Scheduled Event', time: new Date().toISOString(), detail: {} }),
      succeeded: () => true,
    });
  }
  return list;
}

async function bundle(entry: string, outDir: string): Promise<{ file: string; bytes: number }> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.mjs');
  await build(lambdaEsbuildOptions(projectRoot, entry, file));
  // A function with a lazy chunk (http-badges) gets it beside its bundle, as the stack ships it.
  const spec = httpFunctions.find((f) => f.entry === entry);
  if (spec?.lazyChunk) await buildLazyChunk(projectRoot, outDir, spec.lazyChunk);
  // The reference's document is a file beside its bundle, made at synth time as here
  // (infra/service-stack.ts referenceAssets): without it GET /openapi.json answers 500.
  if (spec?.assets === 'reference') {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/openapi.ts', '--out', join(outDir, 'openapi.json')], {
      cwd: projectRoot,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: 'ignore',
    });
  }
  return { file, bytes: statSync(file).size };
}

function runChild(
  runner: string,
  bundleFile: string,
  eventFile: string,
  functionName: string,
  env: Record<string, string>,
  cpuProf?: { dir: string; name: string },
): Promise<ChildOutcome> {
  const started = performance.now();
  const profiling = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf.dir}`, `--cpu-prof-name=${cpuProf.name}`, '--cpu-prof-interval=100'] : [];
  return new Promise((resolve, reject) => {
    // --enable-source-maps: the deployed functions run with it (NODE_OPTIONS), so both sides do.
    const child = spawn(process.execPath, ['--enable-source-maps', ...profiling, runner, bundleFile, eventFile, functionName], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const processMs = performance.now() - started;
      const line = out.split('\n').find((l) => l.startsWith(MARKER));
      if (line === undefined) {
        reject(new Error(`${functionName}: the child exited with ${code} without a result\n${err.slice(-2000)}${out.slice(-2000)}`));
        return;
      }
      const parsed = JSON.parse(line.slice(MARKER.length)) as Omit<ChildOutcome, 'processMs' | 'totalMs'>;
      resolve({ ...parsed, totalMs: parsed.importMs + parsed.requestMs, processMs });
    });
  });
}

interface SideResult {
  bundleBytes: number;
  runs: RunSample[];
  median: { importMs: number; requestMs: number; totalMs: number; processMs: number };
}

interface FunctionResult {
  name: string;
  kind: Kind;
  firstRequest: string;
  baselineCall: BaselineCall;
  ours: SideResult;
  baseline: SideResult;
  /** The bare client loading the SDK with require(), as ours does. */
  requiredBaseline: SideResult;
  /** median(import + first request) of ours ÷ the same for the bare client (the issue's figure). */
  ratio: number;
  /** The same against the bare client that loads the SDK with require(). */
  ratioToRequired: number;
  goalMet: boolean;
  bundleWithinLimit: boolean;
  failures: string[];
}

const summarizeSide = (bundleBytes: number, runs: RunSample[]): SideResult => ({
  bundleBytes,
  runs: runs.map((r) => ({
    importMs: Number(r.importMs.toFixed(1)),
    requestMs: Number(r.requestMs.toFixed(1)),
    totalMs: Number(r.totalMs.toFixed(1)),
    processMs: Number(r.processMs.toFixed(1)),
  })),
  median: {
    importMs: median(runs.map((r) => r.importMs)),
    requestMs: median(runs.map((r) => r.requestMs)),
    totalMs: median(runs.map((r) => r.totalMs)),
    processMs: median(runs.map((r) => r.processMs)),
  },
});

/** Runs the benchmark; resolves to true when every bundle is within the limit and every first request succeeded. */
export async function runColdStartBench(opts: BenchOptions): Promise<boolean> {
  const log = (line: string) => console.log(line);
  const runs = opts.quick ? 2 : 9;
  const startedAt = new Date();
  const machine = machineInfo();
  log(`cold-start benchmark${opts.quick ? ' (quick)' : ''} — ${machine.nproc} cores (${machine.cpuModel}), node ${machine.node}, load average ${machine.loadAverage1m}`);

  const workDir = join(localDir, 'bench', 'cold-start');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const runner = join(workDir, 'runner.mjs');
  writeFileSync(runner, RUNNER);

  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const rt = await startLocalRuntime({
    port: 0,
    inMemory: true,
    quiet: true,
    seed: true,
    stateFile: false,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    log,
  });
  let ok = true;
  const results: FunctionResult[] = [];
  try {
    if (!rt.seed?.ok) throw new Error(`seeding the demo meeting failed: ${rt.seed?.status} ${rt.seed?.body.slice(0, 300)}`);
    const meetingId = rt.seed.meetingId;
    const childEnv: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      ...rt.env,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      NODE_NO_WARNINGS: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };

    const baselineBundles = new Map<BaselineCall, { file: string; bytes: number }>();
    const requiredBundles = new Map<BaselineCall, { file: string; bytes: number }>();
    for (const call of ['get', 'query'] as const) {
      const source = join(workDir, `baseline-${call}.mjs`);
      writeFileSync(source, BASELINES[call]);
      baselineBundles.set(call, await bundle(source.slice(projectRoot.length + 1), join(workDir, `baseline-${call}`)));
      const required = join(workDir, `baseline-required-${call}.mjs`);
      writeFileSync(required, REQUIRED_BASELINES[call]);
      requiredBundles.set(call, await bundle(required.slice(projectRoot.length + 1), join(workDir, `baseline-required-${call}`)));
    }

    // COLD_START_FUNCTIONS=a,b: only those functions (to iterate on one; such a run is partial).
    const only = process.env['COLD_START_FUNCTIONS']?.split(',').map((n) => n.trim()).filter(Boolean);
    for (const target of targets(rt, meetingId).filter((t) => !only || only.includes(t.name))) {
      const ours = await bundle(target.entry, join(workDir, target.name));
      const baseline = baselineBundles.get(target.baseline) as { file: string; bytes: number };
      const required = requiredBundles.get(target.baseline) as { file: string; bytes: number };
      const env = { ...childEnv, POWERTOOLS_SERVICE_NAME: target.name };
      const failures: string[] = [];
      const sides = { ours: [] as RunSample[], baseline: [] as RunSample[], required: [] as RunSample[] };
      const files = { ours: ours.file, baseline: baseline.file, required: required.file };
      const runSide = async (side: 'ours' | 'baseline' | 'required', record: boolean, cpuProf?: { dir: string; name: string }) => {
        const eventFile = join(workDir, `${target.name}-event.json`);
        writeFileSync(eventFile, JSON.stringify(side === 'ours' ? target.event() : {}));
        const outcome = await runChild(runner, files[side], eventFile, target.name, env, cpuProf);
        const good = outcome.error === undefined && (side !== 'ours' || target.succeeded(outcome.result));
        if (!good) failures.push(`${side}: ${outcome.error ?? JSON.stringify(outcome.result).slice(0, 300)}`);
        if (record) sides[side].push(outcome);
      };
      // One unrecorded run per side: the first spawn also pays for reading files from disk.
      await runSide('ours', false);
      await runSide('baseline', false);
      await runSide('required', false);
      const orders = [
        ['ours', 'baseline', 'required'],
        ['baseline', 'required', 'ours'],
        ['required', 'ours', 'baseline'],
      ] as const;
      for (let i = 0; i < runs; i++) {
        for (const side of orders[i % orders.length] ?? orders[0]) await runSide(side, true);
      }
      // BENCH_CPU_PROF_DIR: one more run per side under --cpu-prof (not recorded: profiling slows it).
      const profDir = process.env['BENCH_CPU_PROF_DIR'];
      if (profDir) {
        mkdirSync(profDir, { recursive: true });
        for (const side of ['ours', 'baseline'] as const) await runSide(side, false, { dir: profDir, name: `${target.name}-${side}.cpuprofile` });
      }
      const oursSide = summarizeSide(ours.bytes, sides.ours);
      const baselineSide = summarizeSide(baseline.bytes, sides.baseline);
      const requiredSide = summarizeSide(required.bytes, sides.required);
      const r = ratio(oursSide.median.totalMs, baselineSide.median.totalMs);
      const result: FunctionResult = {
        name: target.name,
        kind: target.kind,
        firstRequest: target.first,
        baselineCall: target.baseline,
        ours: oursSide,
        baseline: baselineSide,
        requiredBaseline: requiredSide,
        ratio: r,
        ratioToRequired: ratio(oursSide.median.totalMs, requiredSide.median.totalMs),
        goalMet: r <= RATIO_GOAL,
        bundleWithinLimit: ours.bytes <= MAX_BUNDLE_BYTES,
        failures,
      };
      if (!result.bundleWithinLimit || failures.length > 0) ok = false;
      results.push(result);
      log(`  ${target.name}: ${(ours.bytes / 1024).toFixed(1)} KB, ratio ${r}× (${result.ratioToRequired}× to a bare client that requires the SDK)${failures.length > 0 ? `, FAILED: ${failures[0]}` : ''}`);
    }
  } catch (error) {
    ok = false;
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await rt.stop();
  }

  log('');
  log(
    formatTable(
      ['function', 'first request', 'bundle KB', 'import ms', 'request ms', 'ours ms', 'bare ms', 'ratio', `≤ ${RATIO_GOAL}×`, 'bare, require ms', 'ratio to it'],
      results.map((r) => [
        r.name,
        r.firstRequest,
        Number((r.ours.bundleBytes / 1024).toFixed(1)),
        r.ours.median.importMs,
        r.ours.median.requestMs,
        r.ours.median.totalMs,
        r.baseline.median.totalMs,
        r.ratio,
        r.goalMet ? 'yes' : 'no',
        r.requiredBaseline.median.totalMs,
        r.ratioToRequired,
      ]),
    ),
  );
  log(`medians of ${runs} runs per side, rotating order; bare client bundles: ${results.length > 0 ? 'GetItem/Query' : '-'}; limit ${MAX_BUNDLE_BYTES / 1024} KB per bundle`);
  const oversized = results.filter((r) => !r.bundleWithinLimit);
  if (oversized.length > 0) log(`BUNDLE OVER ${MAX_BUNDLE_BYTES / 1024} KB: ${oversized.map((r) => r.name).join(', ')}`);

  const written = writeResults(
    'cold-start',
    startedAt,
    {
      benchmark: 'cold-start',
      startedAt: startedAt.toISOString(),
      quick: opts.quick,
      runsPerSide: runs,
      ratioGoal: RATIO_GOAL,
      maxBundleBytes: MAX_BUNDLE_BYTES,
      machine,
      ok,
      functions: results,
    },
    { latest: ok && !opts.quick && !process.env['COLD_START_FUNCTIONS'] },
  );
  log(`results: ${written.file}${written.latest ? ` (and ${written.latest})` : ''}`);
  return ok;
}
