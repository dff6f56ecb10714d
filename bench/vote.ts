// Vote benchmark (issue 8, "Bench"): ballots accepted per second through the gateway at
// concurrency 64, divided by bare PutItem/s of an item of the same size on the same DynamoDB
// Local in the same run; and the DynamoDB calls one ballot costs.
//
//   npm run bench -- vote            full run (~1–2 min on the shared 2-core machine)
//   npm run bench -- vote --quick    smoke run with small counts
//
// "ours" = a signed POST /campaigns/{id}/ballots as w.c.s. sends it: gateway, middy chain,
// signature check, one BatchGetItem (campaign, form marker, the organisation's ballot and
// name), the decision, one TransactWriteItems (ballot, form marker, tally shard, nonce). Each
// organisation votes once and a share of them vote again (a replacement: −old +new in the
// same transaction). "raw" = one PutItem of an item the size of a stored ballot. Both sides
// are driven from this process (the handlers run in it too, as under `npm start`), in
// alternating rounds so that machine noise hits both alike.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { signUrl } from '#shared/publik/signature.ts';
import { startLocalRuntime, type LocalRuntime } from '../scripts/local/runtime.ts';
import { dynamoDbLocalPids, processCpuMs, selfCpuMs } from './lib/cpu.ts';
import { addDelta, DynamoCallCounter, totalCalls, type CallCounts } from './lib/dynamo-calls.ts';
import { machineInfo } from './lib/machine.ts';
import { runPool } from './lib/pool.ts';
import { writeResults } from './lib/results.ts';
import { ratio, summarize, type LatencySummary } from './lib/stats.ts';

const CONCURRENCY = 64;
const PROPOSALS = 10;
const REQUEST_TIMEOUT_MS = 30_000;

interface Settings {
  warmup: number;
  /** Ballots (and raw puts) per round and side. */
  perRound: number;
  rounds: number;
  /** Share of the ballots of a round that replace an earlier ballot of the same organisation. */
  replaceShare: number;
}
const FULL: Settings = { warmup: 150, perRound: 400, rounds: 3, replaceShare: 0.25 };
const QUICK: Settings = { warmup: 30, perRound: 150, rounds: 2, replaceShare: 0.25 };

/** Connection resets seen (a kept-alive socket closed by the server as it was reused). */
let resets = 0;

async function call(rt: LocalRuntime, method: string, path: string, body: unknown, signed: boolean) {
  for (let attempt = 0; ; attempt++) {
    const url = signed ? signUrl(`${rt.baseUrl}${path}`, rt.keys.key, { orig: rt.keys.orig }) : `${rt.baseUrl}${path}`;
    try {
      const res = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', ...(signed ? {} : { authorization: `Bearer ${rt.adminToken}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text) as { err: number; err_class?: string; data?: any } };
    } catch (error) {
      // Sent again as w.c.s. users would: same form uuid (a replay if it had arrived), fresh signature.
      if (attempt >= 2 || !(error instanceof TypeError)) throw error;
      resets++;
    }
  }
}

/** A campaign open for voting whose electorate lists `organisations`, with eligible proposals. */
async function setUpCampaign(rt: LocalRuntime, campaignId: string, organisations: number): Promise<string[]> {
  const now = Date.now();
  const put = await call(rt, 'PUT', `/admin/campaigns/${campaignId}`, {
    title: 'Banc d’essai du vote',
    proposals_open_at: new Date(now - 86_400_000).toISOString(),
    proposals_close_at: new Date(now + 86_400_000).toISOString(),
    method: 'approval',
    max_choices: 5,
    retain: 5,
    electorate: Array.from({ length: organisations }, (_, i) => `Commune ${i}`),
  }, false);
  if (put.status !== 201) throw new Error(`PUT campaign answered ${put.status}`);
  const ids: string[] = [];
  for (let i = 0; i < PROPOSALS; i++) {
    const p = await call(rt, 'POST', '/proposals', {
      form_uuid: randomUUID(), campaign_id: campaignId, title: `Proposition ${i}`, description: 'Description',
      use_case: 'Cas d’usage', organisation: `Commune ${i}`, email: `p${i}@example.org`,
    }, true);
    const id = p.body.data.proposal_id as string;
    await call(rt, 'POST', `/proposals/${id}/cosignatures`, { form_uuid: randomUUID(), email: `c${i}@example.org`, organisation: `Commune ${i + 1}` }, true);
    ids.push(id);
  }
  const open = await call(rt, 'POST', `/admin/campaigns/${campaignId}/open`, undefined, false);
  if ((open.body.data?.ballot ?? []).length !== PROPOSALS) throw new Error('the ballot was not frozen with every proposal');
  return ids;
}

export async function runVoteBench(opts: { quick: boolean }): Promise<boolean> {
  const s = opts.quick ? QUICK : FULL;
  const startedAt = new Date();
  const rt = await startLocalRuntime({ port: 0, inMemory: true, quiet: true, stateFile: false, seed: false, log: () => undefined,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const ddb = createDocumentClient({ dynamodbEndpoint: rt.endpoints.dynamodb });
  const calls = new DynamoCallCounter().start();
  try {
    const organisations = s.warmup + s.perRound * s.rounds;
    const campaignId = `bench-${startedAt.getTime()}`;
    const ids = await setUpCampaign(rt, campaignId, organisations);
    const choicesFor = (n: number) => ids.filter((_, j) => (n + j) % 3 === 0).slice(0, 5);
    let nextOrg = 0;
    const voted: number[] = [];
    const ballot = async (replace: boolean) => {
      const org = replace && voted.length > 0 ? (voted[Math.floor(Math.random() * voted.length)] as number) : nextOrg++;
      const started = performance.now();
      let r;
      try {
        r = await call(rt, 'POST', `/campaigns/${campaignId}/ballots`, {
          form_uuid: randomUUID(), email: `agent${org}@example.org`, organisation: `Commune ${org}`, choices: choicesFor(org + (replace ? 1 : 0)),
        }, true);
      } catch (error) {
        return { ms: -1, error: error instanceof Error ? error.name : 'error' };
      }
      if (r.status !== 200 || r.body.err !== 0) return { ms: -1, error: `${r.status} ${r.body.err_class ?? ''}` };
      if (!replace) voted.push(org);
      return { ms: performance.now() - started, error: undefined };
    };
    // A raw item as large as a stored ballot (same attributes and sizes).
    const sample = JSON.stringify({ choices: choicesFor(0), agent: { email: 'agent0@example.org' }, form_uuid: randomUUID() });
    const raw = async () => {
      const started = performance.now();
      await ddb.send(new PutCommand({
        TableName: rt.tables.DataTable,
        Item: { pk: `RAW#${randomUUID()}`, sk: 'META', type: 'ballot', version: 1, ballot: { campaign_id: campaignId, organisation: 'Commune 123', organisation_key: 'commune 123', payload: sample, cast_at: new Date().toISOString(), first_cast_at: new Date().toISOString(), replaced_count: 0, request_hash: 'x'.repeat(43), version: 1 } },
      }));
      return performance.now() - started;
    };

    await runPool(s.warmup, CONCURRENCY, async () => void (await ballot(false)));
    await runPool(s.warmup, CONCURRENCY, async () => void (await raw()));

    const javaPid = dynamoDbLocalPids(new URL(rt.endpoints.dynamodb).port)[0];
    const cpu = { ours: { node: 0, java: 0 }, raw: { node: 0, java: 0 } };
    const measureCpu = async (side: 'ours' | 'raw', run: () => Promise<void>) => {
      const node = selfCpuMs();
      const java = processCpuMs(javaPid);
      await run();
      cpu[side].node += selfCpuMs() - node;
      cpu[side].java += processCpuMs(javaPid) - java;
    };
    const ours: number[] = [];
    const rawSamples: number[] = [];
    const errors: Record<string, number> = {};
    let oursWall = 0;
    let rawWall = 0;
    const ballotCalls: CallCounts = {};
    for (let round = 0; round < s.rounds; round++) {
      const runOurs = async () => {
        const before = calls.snapshot();
        const res = await runPool(s.perRound, CONCURRENCY, async (i) => {
          const out = await ballot(i % Math.round(1 / s.replaceShare) === 0);
          if (out.error) errors[out.error] = (errors[out.error] ?? 0) + 1;
          else ours.push(out.ms);
        });
        addDelta(ballotCalls, before, calls.snapshot());
        oursWall += res.wallMs;
      };
      const runRaw = async () => {
        const res = await runPool(s.perRound, CONCURRENCY, async () => void rawSamples.push(await raw()));
        rawWall += res.wallMs;
      };
      const measuredOurs = () => measureCpu('ours', runOurs);
      const measuredRaw = () => measureCpu('raw', runRaw);
      if (round % 2 === 0) { await measuredOurs(); await measuredRaw(); } else { await measuredRaw(); await measuredOurs(); }
    }

    const oursSummary: LatencySummary = summarize(ours, Object.values(errors).reduce((a, b) => a + b, 0), oursWall);
    const rawSummary: LatencySummary = summarize(rawSamples, 0, rawWall);
    const recount = await call(rt, 'POST', `/admin/campaigns/${campaignId}/recount`, undefined, false);
    const measuredBallots = ours.length;
    const tx = ballotCalls['TransactWriteItems'] ?? { calls: 0, failed: 0 };
    const result = {
      benchmark: 'vote',
      startedAt: startedAt.toISOString(),
      quick: opts.quick,
      machine: machineInfo(),
      cpus: os.cpus().length,
      settings: { ...s, concurrency: CONCURRENCY, proposals: PROPOSALS },
      ballotsPerSecond: oursSummary.rps,
      rawPutItemPerSecond: rawSummary.rps,
      ratio: ratio(oursSummary.rps, rawSummary.rps),
      goal: '≥ 0.5',
      ours: oursSummary,
      raw: rawSummary,
      errors,
      connectionResets: resets,
      // CPU ms per request: this process (load + gateway + handlers) and the DynamoDB Local JVM.
      cpuPerRequest: {
        ours: { node: Number((cpu.ours.node / Math.max(1, ours.length)).toFixed(2)), dynamoDbLocal: Number((cpu.ours.java / Math.max(1, ours.length)).toFixed(2)) },
        raw: { node: Number((cpu.raw.node / Math.max(1, rawSamples.length)).toFixed(2)), dynamoDbLocal: Number((cpu.raw.java / Math.max(1, rawSamples.length)).toFixed(2)) },
      },
      loadAverage: os.loadavg(),
      dynamo: {
        byOperation: ballotCalls,
        callsPerBallot: Number((totalCalls(ballotCalls) / Math.max(1, measuredBallots)).toFixed(2)),
        transactionsPerBallot: Number((tx.calls / Math.max(1, measuredBallots)).toFixed(2)),
        cancelledTransactions: tx.failed,
      },
      recount: { equal: recount.body.data?.equal === true, ballots: recount.body.data?.live?.ballots },
      note:
        'Both sides are driven from the process that also runs the gateway and the handlers (in-process fetch), so ours pays for its own load generation; ' +
        'raw is one PutItem of an item of the size of a stored ballot, nothing else. Rounds alternate ours→raw, raw→ours.',
    };
    // Timeouts on an overloaded shared machine are reported, not fatal; a wrong tally is.
    const ok = result.recount.equal;
    const files = writeResults('vote', startedAt, result, { latest: ok && !opts.quick });
    console.log(
      [
        `vote bench${opts.quick ? ' (quick)' : ''}: ${oursSummary.rps} ballots/s vs ${rawSummary.rps} raw PutItem/s at concurrency ${CONCURRENCY} → ratio ${result.ratio} (goal ≥ 0.5)`,
        `  ballot p50 ${oursSummary.p50} ms, p99 ${oursSummary.p99} ms; raw p50 ${rawSummary.p50} ms, p99 ${rawSummary.p99} ms`,
        `  CPU ms per request (node / DynamoDB Local): ballot ${result.cpuPerRequest.ours.node} / ${result.cpuPerRequest.ours.dynamoDbLocal}, raw ${result.cpuPerRequest.raw.node} / ${result.cpuPerRequest.raw.dynamoDbLocal}; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`,
        `  DynamoDB calls per ballot: ${result.dynamo.callsPerBallot} (${JSON.stringify(ballotCalls)})`,
        `  recount equal: ${result.recount.equal}; errors: ${JSON.stringify(errors)}`,
        `  results: ${files.file}`,
      ].join('\n'),
    );
    return ok;
  } finally {
    calls.stop();
    ddb.destroy();
    await rt.stop();
  }
}
