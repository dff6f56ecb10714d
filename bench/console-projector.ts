// Projector benchmark (issue 18, "What must be measured"): the DynamoDB calls one refresh of
// the projector costs — the results read GET /admin/campaigns/{id}/results it polls every few
// seconds — at 100 ballots and at 10,000 ballots. The tally is a write-sharded counter set
// (shared/adapters/dynamodb/counters.ts): a refresh reads the campaign's partition (proposals)
// and the tally's shards, never the ballots, so the count must not move with the ballots.
//
//   npm run bench -- console-projector            100 and 10,000 ballots (~1–3 min)
//   npm run bench -- console-projector --quick    100 and 1,000 ballots
//
// Ballots are cast as w.c.s. casts them (signed POST through the gateway, concurrency 32), each
// by another organisation of a list electorate (a meeting electorate adds one query of the
// meeting's registrations per refresh: it grows with the registrations, not the ballots). A
// list holds at most MAX_ELECTORATE (5,000) names: the ballots beyond it are written straight
// to the table as the ballot route writes them (the ballot item and its tally deltas on one
// random shard, in one transaction), so that the partition of ballots really holds 10,000.
// Calls are counted on the HTTP wire to DynamoDB (node:http diagnostics channels, as the other
// benchmarks do), so SDK retries would count too.
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { counterDeltaItem } from '#shared/adapters/dynamodb/counters.ts';
import { voteKeys } from '#shared/adapters/dynamodb/keys.ts';
import { BALLOTS_COUNTER, scoreCounter } from '#shared/domain/votes/ballot.ts';
import { MAX_ELECTORATE } from '#shared/domain/votes/schema.ts';
import { signUrl } from '#shared/publik/signature.ts';
import { startLocalRuntime, type LocalRuntime } from '../scripts/local/runtime.ts';
import { setUpCampaign } from './lib/campaign.ts';
import { addDelta, DynamoCallCounter, totalCalls, type CallCounts } from './lib/dynamo-calls.ts';
import { machineInfo } from './lib/machine.ts';
import { runPool } from './lib/pool.ts';
import { writeResults } from './lib/results.ts';

const CONCURRENCY = 32;
const PROPOSALS = 12;
const REFRESHES = 5;

async function call(rt: LocalRuntime, method: string, path: string, body: unknown, signed: boolean) {
  for (let attempt = 0; ; attempt++) {
    const url = signed ? signUrl(`${rt.baseUrl}${path}`, rt.keys.key, { orig: rt.keys.orig }) : `${rt.baseUrl}${path}`;
    try {
      const res = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', ...(signed ? {} : { authorization: `Bearer ${rt.adminToken}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      return { status: res.status, body: JSON.parse(await res.text()) as { err: number; err_class?: string; data?: any } };
    } catch (error) {
      // A kept-alive socket reset or a timeout on the loaded machine: sent again. A ballot sent
      // twice replaces the organisation's own ballot: the count stays one per organisation.
      const retryable = error instanceof TypeError || (error instanceof DOMException && error.name === 'TimeoutError');
      if (attempt >= 3 || !retryable) throw error;
    }
  }
}


interface Point {
  ballots: number;
  callsPerRefresh: number;
  byOperation: CallCounts;
  refreshMs: { median: number; max: number };
}

export async function runConsoleProjectorBench(opts: { quick: boolean }): Promise<boolean> {
  const targets = opts.quick ? [100, 1_000] : [100, MAX_ELECTORATE, 10_000];
  const max = targets[targets.length - 1] as number;
  const startedAt = new Date();
  const rt = await startLocalRuntime({ port: 0, inMemory: true, quiet: true, stateFile: false, seed: false, log: () => undefined,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const counter = new DynamoCallCounter().start();
  const points: Point[] = [];
  let failures = 0;
  try {
    const campaignId = `projector-${startedAt.getTime()}`;
    const ids = await setUpCampaign((m, path, body, signed) => call(rt, m, path, body, signed), campaignId, {
      title: 'Banc d’essai du projecteur', proposals: PROPOSALS, maxChoices: 3, resultsVisibility: 'live',
      electorate: { names: Array.from({ length: Math.min(max, MAX_ELECTORATE) }, (_, i) => `Commune ${i}`) },
    });
    const ddb = createDocumentClient({ dynamodbEndpoint: rt.endpoints.dynamodb });
    const choicesOf = (org: number) => ids.filter((_, j) => (org + j) % 4 === 0).slice(0, 3);
    const writeDirectly = async (org: number) => {
      const choices = choicesOf(org);
      const organisation = `Commune ${org}`;
      const at = new Date().toISOString();
      await ddb.send(new TransactWriteCommand({ TransactItems: [
        { Put: { TableName: rt.tables.DataTable, Item: { ...voteKeys.ballot(campaignId, organisation.toLowerCase()), type: 'ballot', version: 1,
          ballot: { campaign_id: campaignId, organisation, organisation_key: organisation.toLowerCase(), choices, agent: { email: `agent${org}@example.org` }, cast_at: at, first_cast_at: at, replaced_count: 0, request_hash: 'x'.repeat(43), version: 1 } } } },
        counterDeltaItem(rt.tables.DataTable, voteKeys.tallySet(campaignId), { [BALLOTS_COUNTER]: 1, ...Object.fromEntries(choices.map((id) => [scoreCounter(id), 1])) }),
      ] }));
    };

    let cast = 0;
    for (const target of targets) {
      const batch = target - cast;
      await runPool(batch, CONCURRENCY, async (i) => {
        const org = cast + i;
        if (org >= MAX_ELECTORATE) return writeDirectly(org);
        const r = await call(rt, 'POST', `/campaigns/${campaignId}/ballots`, {
          form_uuid: randomUUID(), email: `agent${org}@example.org`, organisation: `Commune ${org}`, choices: choicesOf(org),
        }, true);
        if (r.status !== 200 || r.body.err !== 0) failures++;
      });
      cast = target;
      const byOperation: CallCounts = {};
      const ms: number[] = [];
      let ballots = -1;
      for (let r = 0; r < REFRESHES; r++) {
        const before = counter.snapshot();
        const started = performance.now();
        const res = await call(rt, 'GET', `/admin/campaigns/${campaignId}/results`, undefined, false);
        ms.push(performance.now() - started);
        addDelta(byOperation, before, counter.snapshot());
        ballots = res.body.data?.ballots ?? -1;
      }
      for (const c of Object.values(byOperation)) {
        c.calls /= REFRESHES;
        c.failed /= REFRESHES;
      }
      ms.sort((a, b) => a - b);
      points.push({
        ballots,
        callsPerRefresh: totalCalls(byOperation),
        byOperation,
        refreshMs: { median: Number((ms[Math.floor(ms.length / 2)] ?? 0).toFixed(1)), max: Number((ms[ms.length - 1] ?? 0).toFixed(1)) },
      });
    }
  } finally {
    counter.stop();
    await rt.stop();
  }
  const first = points[0];
  const last = points[points.length - 1];
  const ok = failures === 0 && first !== undefined && last !== undefined && first.callsPerRefresh === last.callsPerRefresh && points.every((p, i) => p.ballots === targets[i]);
  const result = {
    benchmark: 'console-projector',
    startedAt: startedAt.toISOString(),
    quick: opts.quick,
    machine: machineInfo(),
    settings: { concurrency: CONCURRENCY, proposals: PROPOSALS, refreshesAveraged: REFRESHES, electorate: 'list', castThroughTheRoute: Math.min(max, MAX_ELECTORATE) },
    points,
    ballotFailures: failures,
    goal: 'the same DynamoDB calls per refresh at every ballot count',
    ok,
  };
  const written = writeResults('console-projector', startedAt, result, { latest: !opts.quick });
  for (const p of points) {
    console.log(`projector refresh at ${p.ballots} ballots: ${p.callsPerRefresh} DynamoDB calls (${Object.entries(p.byOperation).filter(([, c]) => c.calls > 0).map(([op, c]) => `${op} ${c.calls}`).join(', ')}), median ${p.refreshMs.median} ms`);
  }
  console.log(`${ok ? 'ok' : 'FAILED'}: ${written.file}`);
  return ok;
}
