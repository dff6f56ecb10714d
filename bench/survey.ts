// Survey benchmark (issue 9): how fast a room can answer, and whether reading the results
// stays flat as responses pile up.
//
//   npm run bench -- survey            full run (~2–3 min on the shared 2-core machine)
//   npm run bench -- survey --quick    smoke run with small counts
//
// The real handlers behind the local gateway (`startLocalRuntime`, as `npm start`), DynamoDB
// Local in memory, everything in this process.
// 1. Answers: signed `POST /surveys/{id}/responses` (fresh nonce, JSON body, one eligible
//    person each) at concurrency 64, in rounds alternating with the raw side: a bare PutItem
//    of one small item on the same DynamoDB Local, same client settings, same concurrency.
//    Figure: responses/s ÷ PutItem/s (goal ≥ 0.5).
//    Then (issue 21, as `vote`) the handler alone: the same answers given straight to the
//    http-surveys handler (events built here, no caller, no gateway) against the answer's own
//    TransactWriteItems item for item (response, markers, the counter shard under the survey's
//    version stamp, the free text when there is one, the ConditionCheck of the respondent's email
//    marker, the nonce), at concurrency 1, 16 and 64 in alternating rounds; handler Node CPU
//    per answer; BENCH_CPU_PROF profiles 600 answers alone (`survey-handler-….cpuprofile`).
//    BENCH_SURVEY_PHASE=handler runs only that phase (~1.5 min).
// 2. Results: `GET /admin/surveys/{id}/results` on a survey holding 100 responses and on one
//    holding 10,000 (same questions, same meeting), alternating. The 10,100 responses are
//    seeded with BatchWriteItem in their stored shapes (response items, free-text items and
//    the counter shards), not through HTTP. Figure: p50(10,000) ÷ p50(100) (goal ≤ 1.2).
import os from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import { BatchWriteCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { counterDeltaItem, counterShardKey, DEFAULT_SHARDS, guardedDeltaItem, stampGuard } from '#shared/adapters/dynamodb/counters.ts';
import { registrationKeys, surveyKeys } from '#shared/adapters/dynamodb/keys.ts';
import { SURVEY_VERSION } from '#shared/adapters/dynamodb/survey-repository.ts';
import { dayKey } from '#shared/domain/meetings/items.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { Answers, Survey } from '#shared/domain/surveys/schema.ts';
import type { Groups } from '#shared/domain/surveys/statistics.ts';
import { signUrl } from '#shared/publik/signature.ts';
import { startLocalRuntime, type LocalRuntime } from '../scripts/local/runtime.ts';
import { dynamoDbLocalPids, processCpuMs, selfCpuMs } from './lib/cpu.ts';
import { addDelta, DynamoCallCounter, totalCalls, type CallCounts } from './lib/dynamo-calls.ts';
import { closeHttpCaller, httpCall } from './lib/http-caller.ts';
import { machineInfo } from './lib/machine.ts';
import { startProfile } from './lib/profiler.ts';
import { runPool } from './lib/pool.ts';
import { writeResults } from './lib/results.ts';
import { ratio, summarize, type LatencySummary } from './lib/stats.ts';
import { formatTable } from './lib/table.ts';

type GroupsOf = Groups;

interface Settings {
  concurrency: number;
  warmup: number;
  rounds: number;
  /** Answers (and raw PutItems) per round. */
  perRound: number;
  small: number;
  large: number;
  /** Results reads per survey (alternating small / large). */
  reads: number;
  /** Lower concurrency levels, ours against the answer's transaction alone (p50 ratio). */
  low: Array<{ concurrency: number; perRound: number }>;
}

const FULL: Settings = { concurrency: 64, warmup: 128, rounds: 4, perRound: 300, small: 100, large: 10_000, reads: 30, low: [{ concurrency: 1, perRound: 40 }, { concurrency: 16, perRound: 150 }] };
const QUICK: Settings = { concurrency: 64, warmup: 64, rounds: 2, perRound: 128, small: 100, large: 1_000, reads: 6, low: [{ concurrency: 1, perRound: 10 }, { concurrency: 16, perRound: 48 }] };
const REQUEST_TIMEOUT_MS = 30_000;
/** BENCH_SURVEY_PHASE=handler: the handler-alone answers only (no gateway phases, no results read). */
const HANDLER_ONLY = process.env['BENCH_SURVEY_PHASE'] === 'handler';
// 400 s: the handler-alone phase (issue 21) added ~90 s to the 2–3 min of the others.
const BUDGET_MS = Number(process.env['BENCH_BUDGET_S'] ?? 400) * 1000;

const QUESTIONS = [
  { id: 'global', type: 'rating', label: 'Note globale', required: true },
  { id: 'recommande', type: 'nps', label: 'Recommanderiez-vous le club ?', required: true },
  { id: 'format', type: 'single', label: 'Format', options: [{ id: 'sur-place', text: 'Sur place' }, { id: 'distance', text: 'À distance' }, { id: 'hybride', text: 'Hybride' }] },
  { id: 'sujets', type: 'multiple', label: 'Sujets', options: [{ id: 'portail', text: 'Portail' }, { id: 'workflows', text: 'Workflows' }, { id: 'stats', text: 'Statistiques' }] },
  { id: 'remarques', type: 'text', label: 'Remarques' },
];

function answersOf(i: number): Answers {
  return {
    global: 1 + (i % 5),
    recommande: i % 11,
    format: ['sur-place', 'distance', 'hybride'][i % 3] as string,
    sujets: ['portail', 'workflows', 'stats'].filter((_, k) => ((i >> k) & 1) === 1),
    ...(i % 4 === 0 ? { remarques: `Remarque numéro ${i} : le club était très utile, merci pour l’organisation.` } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// Seeding in stored shapes (BatchWriteItem, 25 items a call, a few calls in flight)

async function batchWrite(ddb: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await runPool(chunks.length, 8, async (k) => {
    let pending = (chunks[k] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error('BatchWriteItem: items left unprocessed');
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  });
}

/** Registrations in the shape of the registration repository: the item and its email marker. */
function registrationItems(meetingId: string, day: string, i: number, runTag: string): Record<string, unknown>[] {
  const id = `rbench${runTag}${String(i).padStart(8, '0')}`;
  const email = `personne${i}-${runTag}@bench.example.org`;
  const at = new Date().toISOString();
  const onsite = i % 2 === 0;
  const registration: Registration = {
    id,
    meeting_id: meetingId,
    access_token: randomBytes(8).toString('hex'),
    form_uuid: `reg-${i}-${runTag}`,
    email,
    last_name: `Nom ${i}`,
    organisation: 'Banc d’essai',
    ...(i % 3 === 0 ? {} : { profile: i % 3 === 1 ? 'newcomer' : 'expert' }),
    days: [{ date: day, mode: onsite ? 'onsite' : 'remote' }],
    workshops: [],
    evening_event: false,
    items: [{ key: onsite ? dayKey(day) : `remote:${day}`, status: 'confirmed' }],
    state: 'active',
    request_hash: 'bench',
    checked_in: {},
    version: 1,
    created_at: at,
    updated_at: at,
  };
  return [
    { ...registrationKeys.registration(id), ...registrationKeys.meetingListing(meetingId, at, id), type: 'registration', version: 1, registration },
    // The email marker as the registration repository writes it since issue 21: with what a
    // survey answer needs to decide eligibility (shared/domain/surveys/eligibility.ts).
    {
      ...registrationKeys.email(meetingId, email), type: 'email', registration_id: id, form_uuid: registration.form_uuid, registration_version: 1,
      eligibility: { state: 'active', meeting_id: meetingId, checked_in: {}, ...(registration.profile ? { profile: registration.profile } : {}), items: registration.items.map((h) => ({ key: h.key, status: h.status })) },
    },
  ];
}

/** `n` responses of a survey in their stored shapes, with their texts and counter shards. */
async function seedResponses(ddb: DynamoDBDocumentClient, tableName: string, survey: Survey, n: number): Promise<void> {
  const { responseTallies } = await import('#shared/domain/surveys/statistics.ts');
  const items: Record<string, unknown>[] = [];
  const shards: Array<Record<string, number>> = Array.from({ length: DEFAULT_SHARDS }, () => ({}));
  for (let i = 0; i < n; i++) {
    const answers = answersOf(i);
    const groups: GroupsOf = { mode: i % 2 === 0 ? 'onsite' : 'remote', profile: (['unknown', 'newcomer', 'expert'] as const)[i % 3] as GroupsOf['profile'] };
    const id = randomBytes(16).toString('hex');
    items.push({ ...surveyKeys.response(survey.id, id), type: 'survey-response', response: { id, answers, ...groups } });
    if (typeof answers['remarques'] === 'string') {
      items.push({ ...surveyKeys.text(survey.id, 'remarques', randomBytes(16).toString('hex')), type: 'survey-text', text: answers['remarques'] });
    }
    const shard = shards[i % DEFAULT_SHARDS] as Record<string, number>;
    for (const [k, v] of Object.entries(responseTallies(survey, answers, groups))) shard[k] = (shard[k] ?? 0) + v;
  }
  shards.forEach((totals, s) => {
    const item: Record<string, unknown> = { ...counterShardKey(surveyKeys.counterSet(survey.id), s), type: 'counter-shard' };
    for (const [k, v] of Object.entries(totals)) item[`c:${k}`] = v;
    items.push(item);
  });
  await batchWrite(ddb, tableName, items);
}

// ---------------------------------------------------------------------------------------

async function admin(rt: LocalRuntime, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  return httpCall(`${rt.baseUrl}${path}`, { method, body, headers: { authorization: `Bearer ${rt.adminToken}` }, timeoutMs: REQUEST_TIMEOUT_MS });
}

interface Side {
  samples: number[];
  errors: Record<string, number>;
  wallMs: number;
  /** CPU ms spent meanwhile by this process (client, gateway, handlers) and by DynamoDB Local. */
  cpu: { node: number; dynamoDbLocal: number };
}
const newSide = (): Side => ({ samples: [], errors: {}, wallMs: 0, cpu: { node: 0, dynamoDbLocal: 0 } });
const cpuPer = (side: Side) => ({
  node: Number((side.cpu.node / Math.max(1, side.samples.length)).toFixed(2)),
  dynamoDbLocal: Number((side.cpu.dynamoDbLocal / Math.max(1, side.samples.length)).toFixed(2)),
});
const errorsLow: Record<string, number> = {};
let javaPid: number | undefined;

async function timed(side: Side, count: number, concurrency: number, deadline: number, call: (i: number) => Promise<string | undefined>) {
  const before = { node: selfCpuMs(), java: processCpuMs(javaPid) };
  const pool = await runPool(
    count,
    concurrency,
    async (i) => {
      const t0 = performance.now();
      let error: string | undefined;
      try {
        error = await call(i);
      } catch (e) {
        error = e instanceof Error ? e.name : String(e);
      }
      if (error === undefined) side.samples.push(performance.now() - t0);
      else side.errors[error] = (side.errors[error] ?? 0) + 1;
    },
    deadline,
  );
  side.wallMs += pool.wallMs;
  side.cpu.node += selfCpuMs() - before.node;
  side.cpu.dynamoDbLocal += processCpuMs(javaPid) - before.java;
  return pool;
}

export async function runSurveyBench(opts: { quick: boolean }): Promise<boolean> {
  const log = (line: string) => console.log(line);
  const s = opts.quick ? QUICK : FULL;
  const startedAt = new Date();
  const machine = machineInfo();
  log(`survey benchmark${opts.quick ? ' (quick)' : ''} — ${machine.nproc} cores, node ${machine.node}, ${machine.java}, load average ${machine.loadAverage1m}`);
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const rt = await startLocalRuntime({
    port: 0,
    inMemory: true,
    quiet: true,
    seed: false,
    stateFile: false,
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    log,
  });
  const ddb = createDocumentClient({ dynamodbEndpoint: rt.endpoints.dynamodb });
  const calls = new DynamoCallCounter().start();
  const tableName = rt.tables.DataTable;
  javaPid = dynamoDbLocalPids(new URL(rt.endpoints.dynamodb).port)[0];
  const deadline = Date.now() + BUDGET_MS;
  const runTag = Math.random().toString(36).slice(2, 8);
  let ok = true;
  try {
    if (rt.loadErrors.length > 0) throw new Error(`handlers failed to load: ${rt.loadErrors.map((e) => e.name).join(', ')}`);
    const now = new Date();
    const day = new Date(now.getTime() - 2 * 86_400_000).toISOString().slice(0, 10);
    const window = { opens_at: new Date(now.getTime() - 86_400_000).toISOString(), closes_at: new Date(now.getTime() + 30 * 86_400_000).toISOString() };
    const meeting = (id: string) =>
      admin(rt, 'PUT', `/admin/meetings/${id}`, {
        title: `Banc d’essai ${id}`,
        venue: 'Boucle locale',
        registration_opens_at: new Date(now.getTime() - 60 * 86_400_000).toISOString(),
        registration_closes_at: new Date(now.getTime() - 3 * 86_400_000).toISOString(),
        days: [{ date: day, onsite_capacity: 100_000, waiting_list: false }],
      });
    const putSurvey = (id: string, meetingId: string) =>
      admin(rt, 'PUT', `/admin/surveys/${id}`, { meeting_id: meetingId, title: `Banc d’essai ${id}`, ...window, questions: QUESTIONS });

    // --- answers: one registered person per answer
    const answersMeeting = `bench-answers-${runTag}`;
    const answersSurvey = `bench-avis-${runTag}`;
    const handlerLevels = [...s.low, { concurrency: s.concurrency, perRound: s.perRound }];
    const PROFILED = 600;
    const handlerPeople = 10 + PROFILED + handlerLevels.reduce((n, l) => n + s.rounds * (l.perRound + Math.max(10, l.concurrency)), 0);
    const people = (HANDLER_ONLY ? 0 : s.warmup + s.rounds * s.perRound + s.low.reduce((n, l) => n + s.rounds * l.perRound, 0) + 10) + handlerPeople;
    const seedStarted = performance.now();
    for (const r of [await meeting(answersMeeting), await putSurvey(answersSurvey, answersMeeting)]) {
      if (r.status !== 201) throw new Error(`set-up answered ${r.status}: ${JSON.stringify(r.json).slice(0, 300)}`);
    }
    await batchWrite(ddb, tableName, Array.from({ length: people }, (_, i) => registrationItems(answersMeeting, day, i, runTag)).flat());
    log(`seeded ${people} registrations in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    let nextPerson = 0;
    const answerOnce = async (): Promise<string | undefined> => {
      const i = nextPerson++;
      const url = signUrl(`${rt.baseUrl}/surveys/${answersSurvey}/responses`, rt.keys.key, { orig: rt.keys.orig });
      const res = await httpCall(url, {
        method: 'POST',
        body: { form_uuid: `form-${i}-${runTag}`, email: `personne${i}-${runTag}@bench.example.org`, answers: answersOf(i) },
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      const body = res.json as { err: number; err_class?: string; data?: { replayed: boolean } };
      if (res.status !== 200 || body.err !== 0 || body.data?.replayed !== false) return `status ${res.status} ${body.err_class ?? ''}`.trim();
      return undefined;
    };
    let rawSeq = 0;
    const putOnce = async (): Promise<string | undefined> => {
      const i = rawSeq++;
      await ddb.send(new PutCommand({ TableName: tableName, Item: { pk: `BENCH#${runTag}#${i}`, sk: 'META', v: i } }));
      return undefined;
    };

    // The floor: the answer's own transaction alone, item for item (no HTTP, no read, no
    // handler), same DynamoDB Local: the response, the two markers, the counter shard under the
    // survey's version stamp, the free text when the answer has one (a quarter of them), the
    // ConditionCheck of the respondent's email marker (registration id and version) and the
    // nonce. Before 2026-12-08 03:00 UTC the floor left out the text Put (a bench defect) and the
    // stamp and ConditionCheck (which replaced the answer's read, issue 21).
    const { responseTallies } = await import('#shared/domain/surveys/statistics.ts');
    const answersSurveyDef = (await admin(rt, 'PUT', `/admin/surveys/${answersSurvey}`, { meeting_id: answersMeeting, title: `Banc d’essai ${answersSurvey}`, ...window, questions: QUESTIONS })).json.data as Survey;
    let txSeq = 0;
    const transactOnce = async (): Promise<string | undefined> => {
      const i = txSeq++;
      const id = randomBytes(16).toString('hex');
      const answers = answersOf(i);
      const cond = 'attribute_not_exists(pk)';
      const put = (Item: Record<string, unknown>, TableName = tableName) => ({ Put: { TableName, Item, ConditionExpression: cond } });
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            put({ ...surveyKeys.response(`tx-${runTag}`, id), type: 'survey-response', response: { id, answers, mode: 'onsite', profile: 'expert' } }),
            put({ ...surveyKeys.participation(`tx-${runTag}`, `p${i}`), type: 'survey-participation' }),
            put({ ...surveyKeys.replay(`tx-${runTag}`, `f${i}`), type: 'survey-form' }),
            guardedDeltaItem(
              counterDeltaItem(tableName, surveyKeys.counterSet(`tx-${runTag}`), responseTallies(answersSurveyDef, answers, { mode: 'onsite', profile: 'expert' })),
              stampGuard(SURVEY_VERSION, answersSurveyDef.version),
            ),
            ...(typeof answers['remarques'] === 'string'
              ? [put({ ...surveyKeys.text(`tx-${runTag}`, 'remarques', randomBytes(16).toString('hex')), type: 'survey-text', text: answers['remarques'] })]
              : []),
            {
              ConditionCheck: {
                TableName: tableName,
                Key: registrationKeys.email(answersMeeting, `personne${i % people}-${runTag}@bench.example.org`),
                ConditionExpression: '#id = :id AND #rv = :rv',
                ExpressionAttributeNames: { '#id': 'registration_id', '#rv': 'registration_version' },
                ExpressionAttributeValues: { ':id': `rbench${runTag}${String(i % people).padStart(8, '0')}`, ':rv': 1 },
              },
            },
            put({ pk: `NONCE#bench#${runTag}#${i}`, expiresAt: Math.floor(Date.now() / 1000) + 300 }, rt.tables.NonceTable),
          ],
        }),
      );
      return undefined;
    };

    log(`warm-up: ${s.warmup} answers, PutItems and transactions at concurrency ${s.concurrency} (not recorded)`);
    if (!HANDLER_ONLY) await timed(newSide(), s.warmup, s.concurrency, deadline, answerOnce);
    await timed(newSide(), s.warmup, s.concurrency, deadline, putOnce);
    await timed(newSide(), s.warmup, s.concurrency, deadline, transactOnce);

    // The handler alone (issue 21, as the vote bench): the same answers given straight to the
    // http-surveys handler (API Gateway v2 events built here, no caller, no gateway), side by
    // side with the answer's transaction alone, at concurrency 1, 16 and 64 in alternating
    // rounds. Node CPU of this process ÷ answers is the handler's own CPU per answer (middy, the
    // signature check, zod, the use case, the SDK client and its sockets). BENCH_CPU_PROF
    // profiles 600 more answers given alone at concurrency 16, in a file of its own (survey-handler-…).
    const { handler: surveysHandler } = await import('../functions/http-surveys/handler.ts');
    const answerPath = `/surveys/${answersSurvey}/responses`;
    const direct = async (): Promise<string | undefined> => {
      const i = nextPerson++;
      const signed = new URL(signUrl(`${rt.baseUrl}${answerPath}`, rt.keys.key, { orig: rt.keys.orig }));
      const body = JSON.stringify({ form_uuid: `form-${i}-${runTag}`, email: `personne${i}-${runTag}@bench.example.org`, answers: answersOf(i) });
      const now = new Date();
      const answer = (await surveysHandler(
        {
          version: '2.0', routeKey: 'POST /surveys/{surveyId}/responses', rawPath: answerPath, rawQueryString: signed.search.slice(1),
          headers: { 'content-type': 'application/json', host: signed.host, 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http' },
          queryStringParameters: Object.fromEntries(signed.searchParams), pathParameters: { surveyId: answersSurvey }, body, isBase64Encoded: false,
          requestContext: {
            accountId: '000000000000', apiId: 'bench', domainName: signed.host, domainPrefix: 'bench', requestId: randomUUID(),
            routeKey: 'POST /surveys/{surveyId}/responses', stage: '$default', time: now.toUTCString(), timeEpoch: now.getTime(),
            http: { method: 'POST', path: answerPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
          },
        } as never,
        { functionName: 'http-surveys', getRemainingTimeInMillis: () => 10_000, awsRequestId: randomUUID() } as never,
      )) as { statusCode?: number; body?: string };
      const parsed = JSON.parse(answer.body ?? '{}') as { err?: number; err_class?: string; data?: { replayed?: boolean } };
      if (answer.statusCode !== 200 || parsed.err !== 0 || parsed.data?.replayed !== false) return `${answer.statusCode} ${parsed.err_class ?? ''}`.trim();
      return undefined;
    };
    // Calls per answer of an instance that has answered nothing yet (issue 21): its first answer
    // (read + write), its second (loads the meeting's eligibility views, no read of the survey),
    // then eight more (warm: the transaction alone). At concurrency 1, not recorded otherwise.
    const freshInstanceCalls: CallCounts[] = [];
    const freshDdbCpuMs: number[] = [];
    for (const n of [1, 1, 8]) {
      const before = calls.snapshot();
      const side = newSide();
      await timed(side, n, 1, deadline, direct);
      const c: CallCounts = {};
      addDelta(c, before, calls.snapshot());
      freshInstanceCalls.push(c);
      freshDdbCpuMs.push(cpuPer(side).dynamoDbLocal);
    }
    const freshCallsPerAnswer = freshInstanceCalls.map((c, i) => Number((totalCalls(c) / (i === 2 ? 8 : 1)).toFixed(2)));
    log(`  calls per answer of a fresh instance: first ${freshCallsPerAnswer[0]}, second ${freshCallsPerAnswer[1]}, next eight ${freshCallsPerAnswer[2]}; DynamoDB Local CPU ms ${freshDdbCpuMs.join(' / ')} (${freshInstanceCalls.map((c) => JSON.stringify(c)).join(' · ')})`);
    const handlerAlone: Array<{
      concurrency: number; ours: LatencySummary; tx: LatencySummary; p50Ratio: number; throughputRatio: number;
      nodeCpuMsPerAnswer: number; txNodeCpuMs: number; dynamoDbLocalCpuMs: { ours: number; tx: number }; callsPerAnswer: number; byOperation: CallCounts; errors: Record<string, number>;
    }> = [];
    for (const level of handlerLevels) {
      const o = newSide();
      const t = newSide();
      const c: CallCounts = {};
      for (let round = 0; round < s.rounds; round++) {
        const runOurs = async () => {
          await timed(newSide(), Math.max(10, level.concurrency), level.concurrency, deadline, direct); // not recorded
          const before = calls.snapshot();
          await timed(o, level.perRound, level.concurrency, deadline, direct);
          addDelta(c, before, calls.snapshot());
        };
        const runTx = async () => {
          await timed(newSide(), Math.max(10, level.concurrency), level.concurrency, deadline, transactOnce);
          await timed(t, level.perRound, level.concurrency, deadline, transactOnce);
        };
        if (round % 2 === 0) { await runOurs(); await runTx(); } else { await runTx(); await runOurs(); }
      }
      const os_ = summarize(o.samples, Object.values(o.errors).reduce((a, b) => a + b, 0), o.wallMs);
      const ts = summarize(t.samples, Object.values(t.errors).reduce((a, b) => a + b, 0), t.wallMs);
      handlerAlone.push({
        concurrency: level.concurrency, ours: os_, tx: ts, p50Ratio: ratio(os_.p50, ts.p50), throughputRatio: ratio(os_.rps, ts.rps),
        nodeCpuMsPerAnswer: cpuPer(o).node, txNodeCpuMs: cpuPer(t).node, dynamoDbLocalCpuMs: { ours: cpuPer(o).dynamoDbLocal, tx: cpuPer(t).dynamoDbLocal },
        callsPerAnswer: Number((totalCalls(c) / Math.max(1, o.samples.length)).toFixed(2)), byOperation: c, errors: o.errors,
      });
      log(`  handler alone, concurrency ${level.concurrency} done`);
    }
    // The profile: answers alone (no tx side in the samples), 600 at concurrency 16.
    const stopHandlerProfile = await startProfile();
    const profiled = newSide();
    await timed(profiled, PROFILED, 16, deadline, direct);
    const handlerProfile = await stopHandlerProfile?.(`survey-handler-${startedAt.toISOString().replace(/[-:]|\.\d+/g, '')}`);
    if (handlerProfile) log(`  CPU profile of the handler alone: ${handlerProfile}`);
    const handlerLoad = os.loadavg();
    log('');
    log('Answers, the handler alone (direct invocations) against the answer\'s TransactWriteItems alone');
    log(formatTable(
      ['conc.', 'side', 'n', 'err', 'p50', 'p90', 'p99', 'req/s', 'CPU node ms', 'CPU DDB ms', 'calls'],
      handlerAlone.flatMap((l) => [
        [l.concurrency, 'ours', l.ours.count, l.ours.errors, l.ours.p50, l.ours.p90, l.ours.p99, l.ours.rps, l.nodeCpuMsPerAnswer, l.dynamoDbLocalCpuMs.ours, l.callsPerAnswer],
        [l.concurrency, 'tx', l.tx.count, l.tx.errors, l.tx.p50, l.tx.p90, l.tx.p99, l.tx.rps, l.txNodeCpuMs, l.dynamoDbLocalCpuMs.tx, 1],
      ]),
    ));
    log(`  answers/s ÷ tx/s at ${s.concurrency}: ${handlerAlone.at(-1)?.throughputRatio} (goal ≥ 0.8); p50 ratio at ${handlerAlone.map((l) => l.concurrency).join(' / ')}: ${handlerAlone.map((l) => l.p50Ratio).join(' / ')} (goal ≤ 1.3 at 1 and 16)`);
    log(`  handler Node CPU ms per answer: ${handlerAlone.map((l) => `${l.nodeCpuMsPerAnswer} at ${l.concurrency}`).join(', ')} (goal ≤ 3.5); calls per answer ${handlerAlone.map((l) => l.callsPerAnswer).join(' / ')} (${JSON.stringify(handlerAlone.at(-1)?.byOperation)}); load average ${handlerLoad.map((n) => n.toFixed(1)).join(' ')}`);
    const handlerRecord = {
      floor: 'TransactWriteItems of an answer: Put response, Put participation marker, Put replay marker, Update of one counter shard, Put nonce',
      throughputRatioAt64: handlerAlone.at(-1)?.throughputRatio,
      callsPerAnswerFreshInstance: { first: freshCallsPerAnswer[0], second: freshCallsPerAnswer[1], nextEight: freshCallsPerAnswer[2], dynamoDbLocalCpuMs: freshDdbCpuMs, byOperation: freshInstanceCalls },
      p50Ratio: Object.fromEntries(handlerAlone.map((l) => [l.concurrency, l.p50Ratio])),
      nodeCpuMsPerAnswer: Object.fromEntries(handlerAlone.map((l) => [l.concurrency, l.nodeCpuMsPerAnswer])),
      goals: { throughputRatioAt64: '≥ 0.8', p50RatioAt1And16: '≤ 1.3', nodeCpuMsPerAnswer: '≤ 3.5' },
      levels: handlerAlone,
      loadAverageBefore: machine.loadAverage1m,
      loadAverageAfter: handlerLoad,
    };
    const handlerErrors = handlerAlone.some((l) => Object.keys(l.errors).length > 0) || Object.keys(profiled.errors).length > 0;
    if (HANDLER_ONLY) {
      ok = !handlerErrors;
      const written = writeResults('survey', startedAt, { benchmark: 'survey', phase: 'handler-alone', quick: opts.quick, startedAt: startedAt.toISOString(), machine, settings: s, handlerAlone: handlerRecord, ok }, { latest: false });
      log(`recorded ${written.file}`);
      return ok;
    }

    const stopProfile = await startProfile();
    const lowLevels: Array<{ concurrency: number; ours: LatencySummary; tx: LatencySummary; p50Ratio: number; cpu: { ours: ReturnType<typeof cpuPer>; tx: ReturnType<typeof cpuPer> }; callsPerAnswer: number; byOperation: CallCounts }> = [];
    for (const level of s.low) {
      const o = newSide();
      const t = newSide();
      const c: CallCounts = {};
      for (let round = 0; round < s.rounds; round++) {
        const runOurs = async () => {
          const before = calls.snapshot();
          await timed(o, level.perRound, level.concurrency, deadline, answerOnce);
          addDelta(c, before, calls.snapshot());
        };
        const runTx = () => timed(t, level.perRound, level.concurrency, deadline, transactOnce);
        if (round % 2 === 0) { await runOurs(); await runTx(); } else { await runTx(); await runOurs(); }
      }
      const os_ = summarize(o.samples, Object.values(o.errors).reduce((a, b) => a + b, 0), o.wallMs);
      const ts = summarize(t.samples, Object.values(t.errors).reduce((a, b) => a + b, 0), t.wallMs);
      lowLevels.push({ concurrency: level.concurrency, ours: os_, tx: ts, p50Ratio: ratio(os_.p50, ts.p50), cpu: { ours: cpuPer(o), tx: cpuPer(t) }, callsPerAnswer: Number((totalCalls(c) / Math.max(1, o.samples.length)).toFixed(2)), byOperation: c });
      for (const [k, v] of Object.entries(o.errors)) errorsLow[k] = (errorsLow[k] ?? 0) + v;
      log(`  concurrency ${level.concurrency} done`);
    }

    const ours = newSide();
    const raw = newSide();
    const rawTx = newSide();
    const oursCalls: CallCounts = {};
    for (let round = 0; round < s.rounds; round++) {
      const order = round % 2 === 0 ? (['ours', 'raw', 'tx'] as const) : (['tx', 'raw', 'ours'] as const);
      for (const side of order) {
        if (side === 'ours') {
          const before = calls.snapshot();
          await timed(ours, s.perRound, s.concurrency, deadline, answerOnce);
          addDelta(oursCalls, before, calls.snapshot());
        } else if (side === 'raw') {
          await timed(raw, s.perRound, s.concurrency, deadline, putOnce);
        } else {
          await timed(rawTx, s.perRound, s.concurrency, deadline, transactOnce);
        }
      }
      log(`  round ${round + 1}/${s.rounds} done`);
    }
    const txSummary = summarize(rawTx.samples, Object.values(rawTx.errors).reduce((a, b) => a + b, 0), rawTx.wallMs);
    const oursSummary = summarize(ours.samples, Object.values(ours.errors).reduce((a, b) => a + b, 0), ours.wallMs);
    const rawSummary = summarize(raw.samples, Object.values(raw.errors).reduce((a, b) => a + b, 0), raw.wallMs);
    const throughputRatio = ratio(oursSummary.rps, rawSummary.rps);
    const profile = await stopProfile?.(`survey-${startedAt.toISOString().replace(/[-:]|\.\d+/g, '')}`);
    if (profile) log(`  CPU profile of the answers: ${profile}`);
    const answered = ours.samples.length;
    const tx = oursCalls['TransactWriteItems'] ?? { calls: 0, failed: 0 };

    // --- results at 100 and at 10,000 responses (same questions, same meeting of 110 people)
    const resultsMeeting = `bench-results-${runTag}`;
    const small = `bench-small-${runTag}`;
    const large = `bench-large-${runTag}`;
    for (const r of [await meeting(resultsMeeting), await putSurvey(small, resultsMeeting), await putSurvey(large, resultsMeeting)]) {
      if (r.status !== 201) throw new Error(`set-up answered ${r.status}`);
    }
    const seeded = performance.now();
    await batchWrite(ddb, tableName, Array.from({ length: 110 }, (_, i) => registrationItems(resultsMeeting, day, 1_000_000 + i, runTag)).flat());
    const surveyOf = async (id: string) => (await admin(rt, 'PUT', `/admin/surveys/${id}`, { meeting_id: resultsMeeting, title: `Banc d’essai ${id}`, ...window, questions: QUESTIONS })).json.data as Survey;
    await seedResponses(ddb, tableName, await surveyOf(small), s.small);
    await seedResponses(ddb, tableName, await surveyOf(large), s.large);
    log(`seeded ${s.small} + ${s.large} responses in their stored shapes in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const reads = { small: newSide(), large: newSide() };
    const readCalls = { small: {} as CallCounts, large: {} as CallCounts };
    const checks: Record<string, boolean> = {};
    const readOnce = (which: 'small' | 'large') => async (): Promise<string | undefined> => {
      const res = await admin(rt, 'GET', `/admin/surveys/${which === 'small' ? small : large}/results`);
      if (res.status !== 200) return `status ${res.status}`;
      const expected = which === 'small' ? s.small : s.large;
      const texts = (res.json.data.questions as Array<{ id: string; texts?: string[] }>).find((q) => q.id === 'remarques')?.texts ?? [];
      checks[`results ${which}: responses == ${expected}`] = res.json.data.responses === expected;
      checks[`results ${which}: one page of texts (≤ 25)`] = texts.length > 0 && texts.length <= 25;
      return undefined;
    };
    await timed(newSide(), 2, 1, deadline, readOnce('small'));
    await timed(newSide(), 2, 1, deadline, readOnce('large'));
    for (let i = 0; i < s.reads; i++) {
      for (const which of i % 2 === 0 ? (['small', 'large'] as const) : (['large', 'small'] as const)) {
        const before = calls.snapshot();
        await timed(reads[which], 1, 1, deadline, readOnce(which));
        addDelta(readCalls[which], before, calls.snapshot());
      }
    }
    const smallSummary = summarize(reads.small.samples, Object.keys(reads.small.errors).length, reads.small.wallMs);
    const largeSummary = summarize(reads.large.samples, Object.keys(reads.large.errors).length, reads.large.wallMs);
    const readRatio = ratio(largeSummary.p50, smallSummary.p50);

    checks['every answer recorded (no error)'] = Object.keys(ours.errors).length === 0 && Object.keys(errorsLow).length === 0 && answered === s.rounds * s.perRound;
    checks['finished within the budget'] = Date.now() <= deadline;
    checks['every handler-alone answer recorded (no error)'] = !handlerErrors;
    ok = Object.values(checks).every(Boolean);
    const perRead = (c: CallCounts) => Number((totalCalls(c) / s.reads).toFixed(2));

    log('');
    log(`Answers at concurrency ${s.concurrency} (ours = signed POST through the gateway; raw = one PutItem)`);
    log(
      formatTable(
        ['side', 'n', 'err', 'p50', 'p90', 'p99', 'max', 'req/s'],
        [
          ['ours', oursSummary.count, oursSummary.errors, oursSummary.p50, oursSummary.p90, oursSummary.p99, oursSummary.max, oursSummary.rps],
          ['raw', rawSummary.count, rawSummary.errors, rawSummary.p50, rawSummary.p90, rawSummary.p99, rawSummary.max, rawSummary.rps],
          ['tx', txSummary.count, txSummary.errors, txSummary.p50, txSummary.p90, txSummary.p99, txSummary.max, txSummary.rps],
        ],
      ),
    );
    log(`  CPU ms per request, node (client + gateway + handlers) | DynamoDB Local: ours ${cpuPer(ours).node} | ${cpuPer(ours).dynamoDbLocal}, raw ${cpuPer(raw).node} | ${cpuPer(raw).dynamoDbLocal}, tx ${cpuPer(rawTx).node} | ${cpuPer(rawTx).dynamoDbLocal}`);
    log(`  responses/s ÷ PutItem/s = ${throughputRatio} (goal ≥ 0.5); the answer's transaction alone (tx) ÷ PutItem/s = ${ratio(txSummary.rps, rawSummary.rps)}`);
    log(`  against the answer's own transaction: responses/s ÷ tx/s at ${s.concurrency} = ${ratio(oursSummary.rps, txSummary.rps)} (goal ≥ 0.8); p50 ratio at ${[...lowLevels.map((l) => l.concurrency), s.concurrency].join(' / ')} = ${[...lowLevels.map((l) => l.p50Ratio), ratio(oursSummary.p50, txSummary.p50)].join(' / ')} (goal ≤ 1.3 at 1 and 16)`);
    for (const l of lowLevels) log(`  concurrency ${l.concurrency}: ours p50 ${l.ours.p50} ms (${l.ours.rps}/s, CPU node ${l.cpu.ours.node} ms, ${l.callsPerAnswer} calls), tx p50 ${l.tx.p50} ms (${l.tx.rps}/s, CPU node ${l.cpu.tx.node} ms)`);
    log(
      `  DynamoDB calls per answer: ${(totalCalls(oursCalls) / Math.max(1, answered)).toFixed(2)} ` +
        `(${Object.entries(oursCalls).map(([op, c]) => `${op} ${c.calls}${c.failed ? ` (${c.failed} failed)` : ''}`).join(', ')})`,
    );
    log('');
    log('Results read (GET /admin/surveys/{id}/results), ms');
    log(
      formatTable(
        ['responses', 'n', 'p50', 'p90', 'max', 'DynamoDB calls/read'],
        [
          [s.small, smallSummary.count, smallSummary.p50, smallSummary.p90, smallSummary.max, perRead(readCalls.small)],
          [s.large, largeSummary.count, largeSummary.p50, largeSummary.p90, largeSummary.max, perRead(readCalls.large)],
        ],
      ),
    );
    log(`  p50(${s.large}) ÷ p50(${s.small}) = ${readRatio} (goal ≤ 1.2)`);
    for (const [name, passed] of Object.entries(checks)) log(`  ${passed ? 'ok  ' : 'FAIL'} ${name}`);
    if (Object.keys(ours.errors).length > 0) log(`  answer errors: ${JSON.stringify(ours.errors)}`);

    const record = {
      benchmark: 'survey',
      quick: opts.quick,
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine,
      settings: s,
      answers: {
        concurrency: s.concurrency,
        ours: oursSummary,
        raw: rawSummary,
        responsesPerSecondOverPutItemPerSecond: throughputRatio,
        goal: '≥ 0.5',
        /** The answer's TransactWriteItems alone: the floor (issue 21). */
        transactionOnly: txSummary,
        throughputOverTransactionAt64: ratio(oursSummary.rps, txSummary.rps),
        p50OverTransaction: Object.fromEntries([...lowLevels.map((l) => [l.concurrency, l.p50Ratio]), [s.concurrency, ratio(oursSummary.p50, txSummary.p50)]]),
        lowerLevels: lowLevels,
        transactionOnlyOverPutItem: ratio(txSummary.rps, rawSummary.rps),
        cpuMsPerRequest: { ours: cpuPer(ours), raw: cpuPer(raw), transactionOnly: cpuPer(rawTx) },
        dynamo: {
          byOperation: oursCalls,
          callsPerAnswer: Number((totalCalls(oursCalls) / Math.max(1, answered)).toFixed(2)),
          cancelledTransactions: tx.failed,
        },
        errors: ours.errors,
      },
      handlerAlone: handlerRecord,
      results: {
        small: { responses: s.small, latency: smallSummary, dynamoCallsPerRead: perRead(readCalls.small), byOperation: readCalls.small },
        large: { responses: s.large, latency: largeSummary, dynamoCallsPerRead: perRead(readCalls.large), byOperation: readCalls.large },
        p50Ratio: readRatio,
        goal: '≤ 1.2',
      },
      checks,
      ok,
    };
    const written = writeResults('survey', startedAt, record, { latest: ok && !opts.quick });
    log(`recorded ${written.file}${written.latest ? ` and ${written.latest}` : ''}`);
  } catch (error) {
    ok = false;
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    calls.stop();
    closeHttpCaller();
    ddb.destroy();
    await rt.stop();
  }
  return ok;
}
