// Vote benchmark (issues 8 and 21): a ballot against its floor, the one TransactWriteItems it
// needs, side by side in one run; and the DynamoDB calls one ballot costs.
//
//   npm run bench -- vote            full run (~2–3 min on the shared 2-core machine)
//   npm run bench -- vote --quick    smoke run with small counts
//
// "ours" = a signed POST /campaigns/{id}/ballots as w.c.s. sends it: gateway, middy chain,
// signature check, the decision on the campaign the instance remembers (before issue 21: a read,
// one BatchGetItem of campaign, form marker, the organisation's ballot and name), one
// TransactWriteItems (ballot, form marker, tally shard, nonce). Each organisation votes once and
// a quarter of the calls replace an earlier ballot of the same organisation (−old +new in the
// same transaction; planned as a first ballot, refused with the ballot, planned again: 2 calls).
// "tx" = the floor: the same TransactWriteItems built directly with lib-dynamodb (Put ballot and
// form marker under attribute_not_exists, Update of one random tally shard under the seal
// condition, Put of a nonce), nothing else.
// Both sides are driven from this process (the handlers run in it too, as under `npm start`),
// through node:http keep-alive sockets (bench/lib/http-caller.ts), in alternating rounds at
// concurrency 1, 16 and 64. The CPU of this process (caller + gateway + handlers, or the SDK
// alone for tx) and of DynamoDB Local is divided by the requests of each side.
// Then the handler alone: the same ballots given straight to the http-votes handler (events
// built here), at concurrency 1 and 64, for the handler's own Node CPU per ballot (the caller's
// and the gateway's left out); BENCH_CPU_PROF profiles that phase in a file of its own.
// A second, smaller phase votes in a campaign whose electorate is a meeting's registrations,
// to count the calls a ballot costs there (the registration is read through the email marker).
import os from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { counterShardKey } from '#shared/adapters/dynamodb/counters.ts';
import { voteKeys } from '#shared/adapters/dynamodb/keys.ts';
import { signUrl } from '#shared/publik/signature.ts';
import { startLocalRuntime, type LocalRuntime } from '../scripts/local/runtime.ts';
import { dynamoDbLocalPids, processCpuMs, selfCpuMs } from './lib/cpu.ts';
import { setUpCampaign } from './lib/campaign.ts';
import { addDelta, DynamoCallCounter, totalCalls, type CallCounts } from './lib/dynamo-calls.ts';
import { closeHttpCaller, httpCall } from './lib/http-caller.ts';
import { machineInfo } from './lib/machine.ts';
import { startProfile } from './lib/profiler.ts';
import { runPool } from './lib/pool.ts';
import { writeResults } from './lib/results.ts';
import { ratio, summarize, type LatencySummary } from './lib/stats.ts';
import { formatTable } from './lib/table.ts';

const PROPOSALS = 10;
const SHARDS = 16;

interface Level {
  concurrency: number;
  /** Calls per round and side. */
  perRound: number;
}
interface Settings {
  warmup: number;
  rounds: number;
  levels: Level[];
  /** Share of the ballots that replace an earlier ballot of the same organisation. */
  replaceShare: number;
  /** Ballots of the meeting-electorate phase (concurrency 8). */
  meetingBallots: number;
}
const FULL: Settings = {
  warmup: 150,
  rounds: 4,
  levels: [
    { concurrency: 1, perRound: 40 },
    { concurrency: 16, perRound: 150 },
    { concurrency: 64, perRound: 300 },
  ],
  replaceShare: 0.25,
  meetingBallots: 120,
};
const QUICK: Settings = {
  warmup: 40,
  rounds: 2,
  levels: [
    { concurrency: 1, perRound: 10 },
    { concurrency: 16, perRound: 48 },
    { concurrency: 64, perRound: 128 },
  ],
  replaceShare: 0.25,
  meetingBallots: 30,
};

async function call(rt: LocalRuntime, method: string, path: string, body: unknown, signed: boolean) {
  const url = signed ? signUrl(`${rt.baseUrl}${path}`, rt.keys.key, { orig: rt.keys.orig }) : `${rt.baseUrl}${path}`;
  const res = await httpCall(url, { method, body, headers: signed ? {} : { authorization: `Bearer ${rt.adminToken}` } });
  return { status: res.status, body: res.json as { err: number; err_class?: string; data?: any } };
}


interface Side {
  samples: number[];
  errors: Record<string, number>;
  wallMs: number;
  cpu: { node: number; java: number };
}
const newSide = (): Side => ({ samples: [], errors: {}, wallMs: 0, cpu: { node: 0, java: 0 } });
const errorCount = (side: Side) => Object.values(side.errors).reduce((a, b) => a + b, 0);
const cpuPer = (side: Side) => ({
  node: Number((side.cpu.node / Math.max(1, side.samples.length)).toFixed(2)),
  dynamoDbLocal: Number((side.cpu.java / Math.max(1, side.samples.length)).toFixed(2)),
});

export async function runVoteBench(opts: { quick: boolean }): Promise<boolean> {
  // BENCH_REPLACE_SHARE=0: first ballots only (the floor's own shape), to compare like with like.
  const share = process.env['BENCH_REPLACE_SHARE'];
  const s = { ...(opts.quick ? QUICK : FULL), ...(share !== undefined && share !== '' ? { replaceShare: Number(share) } : {}) };
  const startedAt = new Date();
  const log = (line: string) => console.log(line);
  const rt = await startLocalRuntime({ port: 0, inMemory: true, quiet: true, stateFile: false, seed: false, log: () => undefined,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const ddb = createDocumentClient({ dynamodbEndpoint: rt.endpoints.dynamodb });
  const calls = new DynamoCallCounter().start();
  const javaPid = dynamoDbLocalPids(new URL(rt.endpoints.dynamodb).port)[0];
  const runTag = randomBytes(3).toString('hex');
  try {
    const totalOurs =
      s.warmup +
      // each round of each level first reopens the sockets with max(10, concurrency) calls
      s.levels.reduce((n, l) => n + (l.perRound + Math.max(10, l.concurrency)) * s.rounds, 0) +
      // the handler-alone phase: twice the first and the last level's round, plus their warm-ups
      2 * ((s.levels[0]?.perRound ?? 40) + (s.levels.at(-1)?.perRound ?? 300)) + 10 + 64;
    const campaignId = `bench-${runTag}`;
    const ids = await setUpCampaign((m, path, body, signed) => call(rt, m, path, body, signed), campaignId, {
      title: 'Banc d’essai du vote', proposals: PROPOSALS, maxChoices: 5,
      electorate: { names: Array.from({ length: totalOurs }, (_, i) => `Commune ${i}`) },
    });
    const choicesFor = (n: number) => ids.filter((_, j) => (n + j) % 3 === 0).slice(0, 5);
    let nextOrg = 0;
    const voted: number[] = [];
    const ballot = async (replace: boolean): Promise<string | undefined> => {
      const org = replace && voted.length > 0 ? (voted[Math.floor(Math.random() * voted.length)] as number) : nextOrg++;
      const r = await call(rt, 'POST', `/campaigns/${campaignId}/ballots`, {
        form_uuid: randomUUID(), email: `agent${org}@example.org`, organisation: `Commune ${org}`, choices: choicesFor(org + (replace ? 1 : 0)),
      }, true);
      if (r.status !== 200 || r.body.err !== 0) return `${r.status} ${r.body.err_class ?? ''}`.trim();
      if (!replace) voted.push(org);
      return undefined;
    };
    // The floor: the transaction a first ballot writes, with items of the same shapes and sizes.
    const sampleBallot = (org: number) => ({
      campaign_id: campaignId, organisation: `Commune ${org}`, organisation_key: `commune ${org}`, choices: choicesFor(org),
      agent: { email: `agent${org}@example.org` }, form_uuid: randomUUID(), request_hash: 'x'.repeat(43),
      cast_at: new Date().toISOString(), first_cast_at: new Date().toISOString(), replaced_count: 0, version: 1,
    });
    let txSeq = 0;
    const tx = async (): Promise<string | undefined> => {
      const org = 1_000_000 + txSeq++;
      const b = sampleBallot(org);
      const delta: Record<string, number> = { ballots: 1 };
      for (const c of b.choices) delta[`score:${c}`] = 1;
      const names: Record<string, string> = { '#type': 'type', '#sealed': 'sealed', '#w': 'writes' };
      const values: Record<string, unknown> = { ':type': 'counter-shard', ':one': 1 };
      const adds = Object.entries(delta).map(([k, v], i) => ((names[`#c${i}`] = `c:${k}`), (values[`:c${i}`] = v), `#c${i} :c${i}`));
      const item = { ...voteKeys.ballot(`tx-${campaignId}`, b.organisation_key), type: 'ballot', version: 1, ballot: b };
      await ddb.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: rt.tables.DataTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: rt.tables.DataTable, Item: { ...voteKeys.ballotForm(b.form_uuid), type: 'ballot-form', campaign_id: campaignId, organisation_key: b.organisation_key, request_hash: b.request_hash, cast_at: b.cast_at, replaced: false, version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Update: { TableName: rt.tables.DataTable, Key: counterShardKey(voteKeys.tallySet(`tx-${campaignId}`), Math.floor(Math.random() * SHARDS)), UpdateExpression: `SET #type = :type ADD ${adds.join(', ')}, #w :one`, ConditionExpression: 'attribute_not_exists(#sealed)', ExpressionAttributeNames: names, ExpressionAttributeValues: values } },
          { Put: { TableName: rt.tables.NonceTable, Item: { pk: `NONCE#bench#${randomBytes(16).toString('hex')}`, expiresAt: Math.floor(Date.now() / 1000) + 300 }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }));
      return undefined;
    };

    const timed = async (side: Side, count: number, concurrency: number, run: (i: number) => Promise<string | undefined>) => {
      const node = selfCpuMs();
      const java = processCpuMs(javaPid);
      const pool = await runPool(count, concurrency, async (i) => {
        const t0 = performance.now();
        let error: string | undefined;
        try {
          error = await run(i);
        } catch (e) {
          error = e instanceof Error ? e.name : String(e);
        }
        if (error === undefined) side.samples.push(performance.now() - t0);
        else side.errors[error] = (side.errors[error] ?? 0) + 1;
      });
      side.wallMs += pool.wallMs;
      side.cpu.node += selfCpuMs() - node;
      side.cpu.java += processCpuMs(javaPid) - java;
    };
    const every = Math.round(1 / s.replaceShare);
    const oursCall = (i: number) => ballot(i % every === every - 1);

    log(`vote benchmark${opts.quick ? ' (quick)' : ''}: warm-up, ${s.warmup} calls per side at concurrency 16`);
    await timed(newSide(), s.warmup, 16, oursCall);
    await timed(newSide(), s.warmup, 16, tx);

    const stopProfile = await startProfile();
    const levels: Array<{ concurrency: number; ours: LatencySummary; tx: LatencySummary; cpu: { ours: ReturnType<typeof cpuPer>; tx: ReturnType<typeof cpuPer> }; calls: CallCounts; callsPerBallot: number; errors: Record<string, number> }> = [];
    for (const level of s.levels) {
      const ours = newSide();
      const raw = newSide();
      const oursCalls: CallCounts = {};
      for (let round = 0; round < s.rounds; round++) {
        const runOurs = async () => {
          await timed(newSide(), Math.max(10, level.concurrency), level.concurrency, oursCall); // reopen the sockets, not recorded
          const before = calls.snapshot();
          await timed(ours, level.perRound, level.concurrency, oursCall);
          addDelta(oursCalls, before, calls.snapshot());
        };
        const runTx = async () => {
          await timed(newSide(), Math.max(10, level.concurrency), level.concurrency, tx);
          await timed(raw, level.perRound, level.concurrency, tx);
        };
        if (round % 2 === 0) { await runOurs(); await runTx(); } else { await runTx(); await runOurs(); }
      }
      const oursSummary = summarize(ours.samples, errorCount(ours), ours.wallMs);
      const txSummary = summarize(raw.samples, errorCount(raw), raw.wallMs);
      levels.push({
        concurrency: level.concurrency, ours: oursSummary, tx: txSummary, cpu: { ours: cpuPer(ours), tx: cpuPer(raw) }, calls: oursCalls,
        callsPerBallot: Number((totalCalls(oursCalls) / Math.max(1, ours.samples.length)).toFixed(2)), errors: ours.errors,
      });
      log(`  concurrency ${level.concurrency} done`);
    }

    const profile = await stopProfile?.(`vote-${startedAt.toISOString().replace(/[-:]|\.\d+/g, '')}`);
    if (profile) log(`  CPU profile of the levels: ${profile}`);

    // The handler's own CPU (issue 21): the same ballots given straight to the http-votes
    // handler, with the API Gateway v2 events built here as the gateway builds them, and nothing
    // else running in this process (no caller, no gateway). CPU of the process (user + system)
    // divided by the ballots: the handler's code, middy, zod, the SDK client and its sockets.
    const { handler: votesHandler } = await import('../functions/http-votes/handler.ts');
    let directSeq = 0;
    const direct = async (): Promise<string | undefined> => {
      const replace = directSeq++ % every === every - 1 && voted.length > 0;
      const org = replace ? (voted[Math.floor(Math.random() * voted.length)] as number) : nextOrg++;
      const path = `/campaigns/${campaignId}/ballots`;
      const signed = new URL(signUrl(`${rt.baseUrl}${path}`, rt.keys.key, { orig: rt.keys.orig }));
      const body = JSON.stringify({ form_uuid: randomUUID(), email: `agent${org}@example.org`, organisation: `Commune ${org}`, choices: choicesFor(org + (replace ? 1 : 0)) });
      const rawQueryString = signed.search.slice(1);
      const now = new Date();
      const answer = (await votesHandler(
        {
          version: '2.0', routeKey: 'POST /campaigns/{campaignId}/ballots', rawPath: path, rawQueryString,
          headers: { 'content-type': 'application/json', host: signed.host, 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http' },
          queryStringParameters: Object.fromEntries(signed.searchParams), pathParameters: { campaignId }, body, isBase64Encoded: false,
          requestContext: {
            accountId: '000000000000', apiId: 'bench', domainName: signed.host, domainPrefix: 'bench', requestId: randomUUID(),
            routeKey: 'POST /campaigns/{campaignId}/ballots', stage: '$default', time: now.toUTCString(), timeEpoch: now.getTime(),
            http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
          },
        } as never,
        { functionName: 'http-votes', getRemainingTimeInMillis: () => 10_000, awsRequestId: randomUUID() } as never,
      )) as { statusCode?: number; body?: string };
      const parsed = JSON.parse(answer.body ?? '{}') as { err?: number; err_class?: string };
      if (answer.statusCode !== 200 || parsed.err !== 0) return `${answer.statusCode} ${parsed.err_class ?? ''}`.trim();
      if (!replace) voted.push(org);
      return undefined;
    };
    const handlerCpu: Array<{ concurrency: number; ballots: number; errors: Record<string, number>; nodeCpuMsPerBallot: number; callsPerBallot: number; p50: number }> = [];
    const stopHandlerProfile = await startProfile();
    for (const [concurrency, count] of [[1, s.levels[0]?.perRound ?? 40], [64, s.levels.at(-1)?.perRound ?? 300]] as const) {
      await timed(newSide(), Math.max(10, concurrency), concurrency, direct);
      const side = newSide();
      const before = calls.snapshot();
      const delta: CallCounts = {};
      await timed(side, count * 2, concurrency, direct);
      addDelta(delta, before, calls.snapshot());
      handlerCpu.push({
        concurrency, ballots: side.samples.length, errors: side.errors, nodeCpuMsPerBallot: cpuPer(side).node,
        callsPerBallot: Number((totalCalls(delta) / Math.max(1, side.samples.length)).toFixed(2)), p50: summarize(side.samples, 0, side.wallMs).p50,
      });
    }
    const handlerProfile = await stopHandlerProfile?.(`vote-handler-${startedAt.toISOString().replace(/[-:]|\.\d+/g, '')}`);
    if (handlerProfile) log(`  CPU profile of the handler alone: ${handlerProfile}`);

    // Meeting electorate: registrations of a meeting, one agent per organisation.
    const meetingId = `bench-vote-${runTag}`;
    const now = Date.now();
    const day = new Date(now + 30 * 86_400_000).toISOString().slice(0, 10);
    const meeting = await call(rt, 'PUT', `/admin/meetings/${meetingId}`, {
      title: 'Banc d’essai', venue: 'Boucle locale',
      registration_opens_at: new Date(now - 86_400_000).toISOString(), registration_closes_at: new Date(now + 86_400_000).toISOString(),
      days: [{ date: day, onsite_capacity: 100_000, waiting_list: false }],
    }, false);
    if (meeting.status !== 201) throw new Error(`PUT meeting answered ${meeting.status}`);
    const voters = s.meetingBallots + 20;
    await runPool(voters, 8, async (i) => {
      const r = await call(rt, 'POST', `/meetings/${meetingId}/registrations`, {
        form_uuid: randomUUID(), email: `electeur${i}@example.org`, last_name: `Agent ${i}`, organisation: `Commune ${i}`, onsite_days: [day],
      }, true);
      if (r.body.err !== 0) throw new Error(`registration answered ${r.status} ${r.body.err_class ?? ''}`);
    });
    const meetingCampaign = `bench-meeting-${runTag}`;
    const meetingIds = await setUpCampaign((m, path, body, signed) => call(rt, m, path, body, signed), meetingCampaign, {
      title: 'Banc d’essai du vote', proposals: PROPOSALS, maxChoices: 5, electorate: { meetingId },
    });
    let nextVoter = 0;
    const meetingSide = newSide();
    const meetingCalls: CallCounts = {};
    const meetingBallot = async () => {
      const v = nextVoter++;
      const r = await call(rt, 'POST', `/campaigns/${meetingCampaign}/ballots`, { form_uuid: randomUUID(), email: `electeur${v}@example.org`, organisation: `Commune ${v}`, choices: meetingIds.filter((_, j) => (v + j) % 3 === 0).slice(0, 5) }, true);
      return r.status === 200 && r.body.err === 0 ? undefined : `${r.status} ${r.body.err_class ?? ''}`;
    };
    await timed(newSide(), 10, 8, meetingBallot);
    const before = calls.snapshot();
    await timed(meetingSide, s.meetingBallots, 8, meetingBallot);
    addDelta(meetingCalls, before, calls.snapshot());

    const recount = await call(rt, 'POST', `/admin/campaigns/${campaignId}/recount`, undefined, false);
    const top = levels.at(-1) as (typeof levels)[number];
    const byLevel = Object.fromEntries(levels.map((l) => [l.concurrency, l]));
    const result = {
      benchmark: 'vote',
      startedAt: startedAt.toISOString(),
      quick: opts.quick,
      machine: machineInfo(),
      cpus: os.cpus().length,
      settings: s,
      floor: 'TransactWriteItems of a first ballot: Put ballot, Put form marker, Update of one tally shard, Put nonce',
      throughputRatioAt64: ratio(top.ours.rps, top.tx.rps),
      p50Ratio: Object.fromEntries(levels.map((l) => [l.concurrency, ratio(l.ours.p50, l.tx.p50)])),
      goals: { throughputRatioAt64: '≥ 0.8', p50RatioAt1And16: '≤ 1.3', nodeCpuMsPerBallot: '≤ 3.5' },
      levels,
      meetingElectorate: {
        ballots: meetingSide.samples.length,
        latency: summarize(meetingSide.samples, errorCount(meetingSide), meetingSide.wallMs),
        errors: meetingSide.errors,
        byOperation: meetingCalls,
        callsPerBallot: Number((totalCalls(meetingCalls) / Math.max(1, meetingSide.samples.length)).toFixed(2)),
        cpu: cpuPer(meetingSide),
      },
      listedElectorate: { callsPerBallot: byLevel[16]?.callsPerBallot, byOperation: byLevel[16]?.calls },
      handlerAlone: handlerCpu,
      recount: { equal: recount.body.data?.equal === true, ballots: recount.body.data?.live?.ballots, cut: recount.body.data?.cut },
      loadAverage: os.loadavg(),
      note:
        'Both sides are driven from the process that also runs the gateway and the handlers (node:http keep-alive caller), so ours pays for its own load ' +
        'generation (~0.5 ms of CPU a call); tx pays only for its SDK client. Rounds alternate ours→tx, tx→ours.',
    };
    const errorsSeen =
      levels.some((l) => Object.keys(l.errors).length > 0) || Object.keys(meetingSide.errors).length > 0 || handlerCpu.some((h) => Object.keys(h.errors).length > 0);
    const ok = result.recount.equal && !errorsSeen;
    const files = writeResults('vote', startedAt, result, { latest: ok && !opts.quick });
    log('');
    log(formatTable(
      ['conc.', 'side', 'n', 'err', 'p50', 'p90', 'p99', 'req/s', 'CPU node ms', 'CPU DDB ms', 'calls'],
      levels.flatMap((l) => [
        [l.concurrency, 'ours', l.ours.count, l.ours.errors, l.ours.p50, l.ours.p90, l.ours.p99, l.ours.rps, l.cpu.ours.node, l.cpu.ours.dynamoDbLocal, l.callsPerBallot],
        [l.concurrency, 'tx', l.tx.count, l.tx.errors, l.tx.p50, l.tx.p90, l.tx.p99, l.tx.rps, l.cpu.tx.node, l.cpu.tx.dynamoDbLocal, 1],
      ]),
    ));
    log(`ballots/s ÷ tx/s at 64: ${result.throughputRatioAt64} (goal ≥ 0.8); p50 ratio at 1 / 16 / 64: ${levels.map((l) => ratio(l.ours.p50, l.tx.p50)).join(' / ')} (goal ≤ 1.3 at 1 and 16)`);
    log(`calls per ballot: listed electorate ${result.listedElectorate.callsPerBallot} (${JSON.stringify(result.listedElectorate.byOperation)}); meeting electorate ${result.meetingElectorate.callsPerBallot} (${JSON.stringify(meetingCalls)})`);
    log(`handler alone (direct invocations, no caller or gateway), Node CPU ms per ballot: ${handlerCpu.map((h) => `${h.nodeCpuMsPerBallot} at ${h.concurrency} (${h.callsPerBallot} calls, p50 ${h.p50} ms)`).join('; ')} (goal ≤ 3.5)`);
    log(`recount equal: ${result.recount.equal}; errors: ${JSON.stringify(levels.map((l) => l.errors))} ${JSON.stringify(meetingSide.errors)}; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
    log(`results: ${files.file}`);
    return ok;
  } finally {
    calls.stop();
    closeHttpCaller();
    ddb.destroy();
    await rt.stop();
  }
}
