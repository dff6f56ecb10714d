// The HTTP chain alone (issue 21): per-request CPU of shared/lambda/http.ts — middy, the logger
// context, the Publik signature check, the nonce object, zod parsing of the body / query /
// params, the answer's envelope — with a use case that answers at once and no DynamoDB.
//
//   npm run bench -- http-chain            full run (~30 s)
//   npm run bench -- http-chain --quick    smoke run
//
// Three routes, each fed events built here as API Gateway v2 builds them and signed beforehand
// (the signing is not measured): a signed ballot POST (the real BallotRequestSchema and
// CampaignIdSchema), a signed data-source GET (DataSourceQuerySchema, `?q=`), and an admin GET
// with a bearer token. The nonces are claimed in memory. Each is run sequentially (concurrency
// 1, every promise awaited) in rounds; the figure is the CPU of this process (user + system)
// per request, in µs: the median of the rounds, and the best round (the least disturbed).
// BENCH_CPU_PROF=<dir> profiles one more round of each route (`http-chain-<instant>.cpuprofile`).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { machineInfo } from './lib/machine.ts';
import { startProfile } from './lib/profiler.ts';
import { writeResults } from './lib/results.ts';
import { formatTable } from './lib/table.ts';

const KEY = 'bench-http-chain-key';
const ORIG = 'demarches.bench.example';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const CAMPAIGN = 'evol-2027';

interface Settings {
  warmup: number;
  rounds: number;
  perRound: number;
}
const FULL: Settings = { warmup: 5000, rounds: 9, perRound: 3000 };
const QUICK: Settings = { warmup: 300, rounds: 3, perRound: 300 };

const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'bench-http-chain',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-3:000000000000:function:bench-http-chain',
  memoryLimitInMB: '512',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/bench-http-chain',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;

function event(opts: { method: string; path: string; routeKey: string; rawQueryString: string; headers: Record<string, string>; body?: string; pathParameters?: Record<string, string> }): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: opts.routeKey,
    rawPath: opts.path,
    rawQueryString: opts.rawQueryString,
    headers: { host: 'api.bench.example', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'https', 'user-agent': 'w.c.s.', ...opts.headers },
    ...(opts.pathParameters ? { pathParameters: opts.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000', apiId: 'bench', domainName: 'api.bench.example', domainPrefix: 'api', requestId: randomUUID(),
      routeKey: opts.routeKey, stage: '$default', time: '08/Dec/2026:02:00:00 +0000', timeEpoch: 0,
      http: { method: opts.method, path: opts.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'w.c.s.' },
    },
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    isBase64Encoded: false,
  };
}

export async function runHttpChainBench(opts: { quick: boolean }): Promise<boolean> {
  const s = opts.quick ? QUICK : FULL;
  const startedAt = new Date();
  const log = (line: string) => console.log(line);
  // The logger reads its level at import: only warnings, as in the other benchmarks.
  process.env['POWERTOOLS_LOG_LEVEL'] = 'WARN';
  const { httpApi, publikOk, route } = await import('#shared/lambda/http.ts');
  const { signQuery } = await import('#shared/publik/signature.ts');
  const { BallotRequestSchema, CampaignIdSchema } = await import('#shared/domain/votes/schema.ts');
  const { DataSourceQuerySchema } = await import('#shared/lambda/data-source-query.ts');

  const claimed = new Set<string>();
  const nonceRepository = {
    tableName: 'nonces',
    claim: async (nonce: { orig: string | undefined; value: string; markConsumed(): void }) => {
      const k = `${nonce.orig ?? '-'}#${nonce.value}`;
      if (claimed.has(k)) return false;
      claimed.add(k);
      nonce.markConsumed();
      return true;
    },
  };
  const secrets = { signatureKeys: { [ORIG]: KEY }, defaultSignatureKey: undefined, adminTokens: [`bench:${ADMIN_TOKEN}`] };
  const clock = new Date('2026-12-08T02:00:00Z');
  const api = httpApi(
    [
      route({
        method: 'POST',
        path: '/campaigns/{campaignId}/ballots',
        auth: 'publik',
        params: CampaignIdSchema,
        body: BallotRequestSchema,
        handle: ({ body, params, nonce }) => {
          nonce?.markConsumed(); // as the use case's transaction does
          return publikOk({ campaign_id: params.campaignId, choices: body.choices, replaced: false });
        },
      }),
      route({
        method: 'GET',
        path: '/proposals',
        auth: 'publik',
        query: DataSourceQuerySchema,
        handle: ({ query }) => publikOk([{ id: `${CAMPAIGN}-p1`, text: query.q ?? 'Proposition 1' }]),
      }),
      route({
        method: 'GET',
        path: '/admin/campaigns',
        auth: 'admin',
        handle: () => publikOk([{ id: CAMPAIGN }]),
      }),
    ],
    { secrets: async () => secrets, nonceRepository, clock: () => new Date(clock) },
  );

  let seq = 0;
  const signed = (query: string) => signQuery(query, KEY, { timestamp: clock, nonce: `n${process.pid}x${seq++}`, orig: ORIG });
  const scenarios: Record<string, () => APIGatewayProxyEventV2> = {
    'ballot POST (publik)': () => {
      const n = seq;
      return event({
        method: 'POST', path: `/campaigns/${CAMPAIGN}/ballots`, routeKey: 'POST /campaigns/{campaignId}/ballots', rawQueryString: signed(''),
        headers: { 'content-type': 'application/json' }, pathParameters: { campaignId: CAMPAIGN },
        body: JSON.stringify({ form_uuid: randomUUID(), email: `agent${n}@commune${n}.example.org`, organisation: `Commune ${n}`, choices: [`${CAMPAIGN}-p${1 + (n % 9)}`, `${CAMPAIGN}-p10`] }),
      });
    },
    'data source GET (publik)': () =>
      event({ method: 'GET', path: '/proposals', routeKey: 'GET /proposals', rawQueryString: signed('q=mobilit%C3%A9'), headers: {} }),
    'admin GET (bearer)': () =>
      event({ method: 'GET', path: '/admin/campaigns', routeKey: 'GET /admin/campaigns', rawQueryString: '', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
  };

  let failures = 0;
  const runBatch = async (events: APIGatewayProxyEventV2[]) => {
    for (const e of events) {
      const answer = (await api(e, lambdaContext)) as { statusCode?: number; body?: string };
      if (answer.statusCode !== 200) {
        failures++;
        if (failures <= 3) log(`  unexpected answer ${answer.statusCode}: ${answer.body?.slice(0, 200)}`);
      }
    }
  };
  const measure = async (make: () => APIGatewayProxyEventV2, count: number) => {
    const events = Array.from({ length: count }, make);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await runBatch(events);
    const wall = Number(process.hrtime.bigint() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { cpuUs: (cpu.user + cpu.system) / count, wallUs: wall / count };
  };

  const load = [os.loadavg()[0] ?? 0];
  const rows: Array<{ route: string; cpuUsPerRequest: number; bestRoundCpuUs: number; wallUsPerRequest: number; rounds: number[] }> = [];
  for (const [name, make] of Object.entries(scenarios)) {
    await measure(make, s.warmup);
    const rounds: Array<{ cpuUs: number; wallUs: number }> = [];
    for (let r = 0; r < s.rounds; r++) rounds.push(await measure(make, s.perRound));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    rows.push({
      route: name,
      cpuUsPerRequest: Number(median(rounds.map((r) => r.cpuUs)).toFixed(1)),
      // The least disturbed round: on a shared machine, the closest to the chain's own cost.
      bestRoundCpuUs: Number(Math.min(...rounds.map((r) => r.cpuUs)).toFixed(1)),
      wallUsPerRequest: Number(median(rounds.map((r) => r.wallUs)).toFixed(1)),
      rounds: rounds.map((r) => Number(r.cpuUs.toFixed(1))),
    });
  }
  load.push(os.loadavg()[0] ?? 0);

  if (process.env['BENCH_CPU_PROF']) {
    // The events are built (and signed) before the profile starts: only the chain is in it.
    const batches = Object.values(scenarios).map((make) => Array.from({ length: s.perRound * 2 }, make));
    const stopProfile = (await startProfile()) as NonNullable<Awaited<ReturnType<typeof startProfile>>>;
    for (const events of batches) await runBatch(events);
    const file = await stopProfile(`http-chain-${startedAt.toISOString().replace(/[-:]|\.\d+/g, '')}`);
    log(`  CPU profile of the three routes: ${file}`);
  }

  log(formatTable(['route', 'CPU µs/request (median of rounds)', 'best round', 'wall µs/request', 'rounds (CPU µs)'], rows.map((r) => [r.route, String(r.cpuUsPerRequest), String(r.bestRoundCpuUs), String(r.wallUsPerRequest), r.rounds.join(' ')])));
  log(`  load average ${load.map((l) => l.toFixed(2)).join(' → ')}; failures ${failures}`);
  const result = { benchmark: 'http-chain', startedAt: startedAt.toISOString(), settings: s, machine: machineInfo(), loadAverage: load, rows, failures };
  const written = writeResults('http-chain', startedAt, result, { latest: !opts.quick && failures === 0 });
  log(`  results: ${written.file}`);
  return failures === 0;
}
