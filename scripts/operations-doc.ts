// The parts of docs/operations.md that restate functions/manifest.ts and infra/stage-config.ts
// are generated, so that they cannot drift from what the stack deploys: the list of functions,
// their reserved concurrency and its sums, and the SSM parameters with the functions that read
// them. Each part sits between `<!-- generated:<name> -->` and `<!-- /generated:<name> -->`.
//
//   npx tsx scripts/operations-doc.ts           exit 1 (and say which block) when the doc differs
//   npx tsx scripts/operations-doc.ts --write   rewrite the generated blocks in place
//
// tests/unit/docs/operations-doc.test.ts runs the same comparison.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  httpFunctions,
  queueConsumers,
  scheduledFunctions,
  type HttpFunctionSpec,
  type QueueConsumerSpec,
  type ScheduledFunctionSpec,
} from '#functions/manifest.ts';
import { tableDefinitions } from '#shared/adapters/dynamodb/tables.ts';
import { ENV } from '#shared/config.ts';
import { THROTTLE_WATCHED_OPERATIONS } from '#infra/constructs/data-table.ts';
import { parseRateExpression } from '#infra/constructs/scheduled-function.ts';
import { STAGES, stageConfig, type ReservedConcurrency, type StageConfig } from '#infra/stage-config.ts';

export const OPERATIONS_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'operations.md');

/** Lambda keeps this much of the account's concurrency unreserved, whatever the reservations. */
export const LAMBDA_MIN_UNRESERVED = 100;

type Kind = keyof ReservedConcurrency;
type AnySpec = HttpFunctionSpec | QueueConsumerSpec | ScheduledFunctionSpec;
interface Row {
  spec: AnySpec;
  kind: Kind;
}

/** Every function of the manifest, in manifest order (HTTP, queue consumers, scheduled). */
function rows(): Row[] {
  return [
    ...httpFunctions.map((spec): Row => ({ spec, kind: 'http' })),
    ...queueConsumers.map((spec): Row => ({ spec, kind: 'queue' })),
    ...scheduledFunctions.map((spec): Row => ({ spec, kind: 'scheduled' })),
  ];
}

/** The stage configurations with their defaults (prod with placeholder sender and alarm address). */
function stages(): Record<(typeof STAGES)[number], StageConfig> {
  return {
    dev: stageConfig('dev'),
    prod: stageConfig('prod', { mailFrom: 'club@example.org', alarmEmail: 'ops@example.org' }),
  };
}

/** The SSM parameters of a stage, with the environment variable carrying each name and who reads it. */
function parameters(config: StageConfig): { name: string; envVar: string; readers: string[] }[] {
  const all = rows().map((r) => r.spec);
  const readers = (uses: (s: AnySpec) => boolean) => all.filter(uses).map((s) => s.name);
  const publik = readers((s) => 'usesPublikKeys' in s && s.usesPublikKeys);
  return [
    { name: config.parameters.publikSignatureKeys, envVar: ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER, readers: publik },
    { name: config.parameters.publikDefaultSignatureKey, envVar: ENV.PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER, readers: publik },
    {
      name: config.parameters.adminTokens,
      envVar: ENV.ADMIN_TOKENS_PARAMETER,
      readers: readers((s) => 'usesAdminTokens' in s && s.usesAdminTokens),
    },
    {
      name: config.parameters.participationHashKey,
      envVar: ENV.PARTICIPATION_HASH_KEY_PARAMETER,
      readers: readers((s) => 'usesParticipationKey' in s && s.usesParticipationKey === true),
    },
    {
      name: config.parameters.checkinTokenKey,
      envVar: ENV.CHECKIN_TOKEN_KEY_PARAMETER,
      readers: readers((s) => 'usesCheckinTokenKey' in s && s.usesCheckinTokenKey === true),
    },
    {
      name: config.parameters.consoleSessionKey,
      envVar: ENV.CONSOLE_SESSION_KEY_PARAMETER,
      readers: readers((s) => ('usesAdminTokens' in s && s.usesAdminTokens) || ('usesConsoleSignIn' in s && s.usesConsoleSignIn === true)),
    },
    {
      name: config.parameters.oidcClientSecret,
      envVar: ENV.OIDC_CLIENT_SECRET_PARAMETER,
      readers: readers((s) => 'usesConsoleSignIn' in s && s.usesConsoleSignIn === true),
    },
  ];
}

const lastSegment = (name: string) => name.slice(name.lastIndexOf('/') + 1);

function trigger(row: Row): string {
  const { spec } = row;
  if ('routes' in spec) return `${spec.routes.length} API route${spec.routes.length === 1 ? '' : 's'}`;
  if ('queue' in spec) {
    const cap = spec.queue.maxConcurrency === undefined ? '' : `, at most ${spec.queue.maxConcurrency} batches at once`;
    return `\`${spec.queue.name}\` queue (batches of ${spec.queue.batchSize}${cap})`;
  }
  return `EventBridge Scheduler, \`${spec.schedule}\``;
}

const KIND_LABEL: Record<Kind, string> = { http: 'HTTP', queue: 'queue consumer', scheduled: 'scheduled' };

function functionsBlock(): string {
  const { dev, prod } = stages();
  const all = rows();
  const readers = new Set(parameters(prod).flatMap((p) => p.readers));
  const reads = (name: string) =>
    parameters(prod)
      .filter((p) => p.readers.includes(name))
      .map((p) => `\`${lastSegment(p.name)}\``)
      .join(', ') || '—';
  const lines = [
    `${all.length} functions (${httpFunctions.length} HTTP, ${queueConsumers.length} queue consumers, ${scheduledFunctions.length} scheduled), one per entry of \`functions/manifest.ts\`:`,
    '',
    '| Function | Kind | Invoked by | SSM parameters read (through the extension) | Reserved concurrency dev / prod | What it does |',
    '|---|---|---|---|---|---|',
    ...all.map(
      (row) =>
        `| \`${row.spec.name}\` | ${KIND_LABEL[row.kind]} | ${trigger(row)} | ${reads(row.spec.name)} | ${dev.reservedConcurrency[row.kind]} / ${prod.reservedConcurrency[row.kind]} | ${row.spec.description} |`,
    ),
    '',
    `Functions that read no parameter (${all.filter((r) => !readers.has(r.spec.name)).map((r) => `\`${r.spec.name}\``).join(', ') || 'none'}) get no extension layer.`,
  ];
  return lines.join('\n');
}

/** `6 × 20 + 2 × 5 + 2 × 1 = 132` for a stage. */
function concurrencySum(config: StageConfig): { expression: string; total: number } {
  const counts: Record<Kind, number> = { http: httpFunctions.length, queue: queueConsumers.length, scheduled: scheduledFunctions.length };
  const kinds = (['http', 'queue', 'scheduled'] as const).filter((k) => counts[k] > 0);
  const total = kinds.reduce((sum, k) => sum + counts[k] * config.reservedConcurrency[k], 0);
  return { expression: kinds.map((k) => `${counts[k]} × ${config.reservedConcurrency[k]}`).join(' + '), total };
}

function concurrencyBlock(): string {
  const { dev, prod } = stages();
  const d = concurrencySum(dev);
  const p = concurrencySum(prod);
  return [
    '| | dev | prod |',
    '|---|---|---|',
    `| HTTP functions (${httpFunctions.length}) | ${dev.reservedConcurrency.http} each | ${prod.reservedConcurrency.http} each |`,
    `| Queue consumers (${queueConsumers.length}) | ${dev.reservedConcurrency.queue} each (also the cap of the event source's maximum concurrency) | ${prod.reservedConcurrency.queue} each (idem) |`,
    `| Scheduled functions (${scheduledFunctions.length}) | ${dev.reservedConcurrency.scheduled} each (a run never overlaps the next) | ${prod.reservedConcurrency.scheduled} each |`,
    `| **Sum of the reservations** | ${d.expression} = **${d.total}** | ${p.expression} = **${p.total}** |`,
    `| Account concurrency quota needed (sum + the ${LAMBDA_MIN_UNRESERVED} Lambda keeps unreserved) | at least ${d.total + LAMBDA_MIN_UNRESERVED} | at least ${p.total + LAMBDA_MIN_UNRESERVED} |`,
    '',
    `Both stacks in one account and region reserve ${d.total + p.total} and need a quota of at least ${d.total + p.total + LAMBDA_MIN_UNRESERVED}.`,
  ].join('\n');
}

function parametersBlock(): string {
  const { prod } = stages();
  const list = parameters(prod);
  return [
    `${list.length} SecureString parameters, under \`/publik-club/<stage>\` (or \`-c parameterPrefix=…\`):`,
    '',
    '| Parameter | Holds | Environment variable carrying its name | Read by |',
    '|---|---|---|---|',
    ...list.map(
      (p) =>
        `| \`/publik-club/<stage>/${lastSegment(p.name)}\` | ${HOLDS[p.envVar] ?? ''} | \`${p.envVar}\` | ${p.readers.map((r) => `\`${r}\``).join(', ')} |`,
    ),
  ].join('\n');
}

const HOLDS: Record<string, string> = {
  [ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER]: 'JSON `{"<orig>": "<key>"}` of the Publik hosts calling us (`PUBLIK_SIGNATURE_KEYS`)',
  [ENV.PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER]: 'key of calls signed without `orig` (`PUBLIK_DEFAULT_SIGNATURE_KEY`)',
  [ENV.ADMIN_TOKENS_PARAMETER]: 'comma-separated admin bearer tokens (`ADMIN_TOKENS`)',
  [ENV.PARTICIPATION_HASH_KEY_PARAMETER]: 'HMAC key of the survey participation markers (`PARTICIPATION_HASH_KEY`)',
  [ENV.CHECKIN_TOKEN_KEY_PARAMETER]: 'HMAC key the badges\' check-in tokens are derived from (`CHECKIN_TOKEN_KEY`)',
  [ENV.CONSOLE_SESSION_KEY_PARAMETER]: 'key the console\'s session cookie is encrypted with, 32+ random characters (`CONSOLE_SESSION_KEY`)',
  [ENV.OIDC_CLIENT_SECRET_PARAMETER]: 'the console\'s client secret at the Publik OpenID provider (`OIDC_CLIENT_SECRET`)',
};

// ---------------------------------------------------------------------------------------
// Cost of a club year (docs/operations.md, "Cost"). Prices in USD as published by AWS, read
// on 2026-12-07 (sources in the doc); the workload is the estimate explained there.

export const PRICES = {
  lambdaRequestsPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  httpApiPerMillion: 1.0,
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  dynamoStorageGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  sqsPerMillion: 0.4,
  sesPerThousand: 0.1,
  alarmMetricMonth: 0.1,
  logsIngestedGb: 0.5,
  logsStoredGbMonth: 0.03,
  schedulerPerMillion: 1.0,
  xrayTracesPerMillion: 5.0,
  ssmAdvancedParameterMonth: 0.05,
} as const;

/** Always-free allowances per account and month (shared with whatever else runs in the account). */
const FREE = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  sqsRequests: 1_000_000,
  dynamoStorageGb: 25,
  alarmMetrics: 10,
  logsGb: 5,
  schedulerInvocations: 14_000_000,
  xrayTraces: 100_000,
} as const;

/** One workflow over a club year: HTTP calls, emails, DynamoDB write and read units. */
interface Workflow {
  what: string;
  calls: number;
  emails: number;
  writeUnits: number;
  readUnits: number;
  how: string;
}

const YEAR: Workflow[] = [
  {
    what: 'Registrations: 2 meetings × 110 people',
    calls: 220 * 6 + 286,
    emails: 40,
    writeUnits: 286 * 12 + (220 * 6 + 286),
    readUnits: 220 * 6 + 286,
    how: '6 signed data-source GETs per form (meetings, days, workshops, twice) and 1.3 POSTs (30 % modify or cancel); a POST is one TransactWriteItems of 5–6 items (2 WRU each) and at most one BatchGetItem; every signed call claims its nonce (1 WRU); ~40 promotion emails',
  },
  {
    what: 'Organisers: definitions, lists, check-in',
    calls: 2 * (5 + 20 + 220),
    emails: 0,
    writeUnits: 2 * (5 * 20 + 220 * 2),
    readUnits: 2 * (20 * 30 + 220 * 2),
    how: 'per meeting 5 PUTs (~20 WRU: meeting, items, schedule), 20 lists (one query of ~110 registrations ≈ 30 RRU), 220 check-ins (read + conditional update)',
  },
  {
    what: 'Meeting reminders',
    calls: 0,
    emails: 2 * 2 * 110,
    writeUnits: 0,
    readUnits: 0,
    how: '2 rules × 110 people × 2 meetings (the emails themselves are counted below)',
  },
  {
    what: 'The vote: ~40 organisations',
    calls: 30 + 60 + 50 + 400 + 50,
    emails: 0,
    writeUnits: (30 + 60 + 50) * 8 + 590,
    readUnits: 590 * 2,
    how: '30 proposals, 60 co-signatures, 50 ballots (≈ 8 WRU each: item, markers, sharded tally), 400 data-source GETs, 50 results reads; nonces',
  },
  {
    what: 'Two surveys',
    calls: 2 * (60 + 200 + 20),
    emails: 2 * (110 + 2 * 70),
    writeUnits: 2 * 60 * 20 + 560,
    readUnits: 560 * 2 + 40 * 50,
    how: 'per survey 60 responses (response, participation marker and ~8 sharded counters in one transaction ≈ 20 WRU), 200 question/option GETs, 20 results reads (≈ 50 RRU of counters); invitations to 110 people and 2 reminders to ~70',
  },
  {
    what: 'Online sessions: 4 occurrences, ~200 subscribers',
    calls: 50 + 20 + 600 + 20,
    emails: 4 * 200 * 3 + 4 * 200 * 0.25 + 50,
    writeUnits: 70 * 10 + 690,
    readUnits: 690 * 2,
    how: '3 reminders per occurrence and subscriber, one move or cancellation in four occurrences announced to all, 50 new subscribers (confirmation email), 600 data-source GETs',
  },
];

/** Per email, the consumer claims and marks its delivery marker (2 WRU) and re-reads the recipient and the owner (2 RRU). */
const PER_EMAIL = { writeUnits: 2, readUnits: 2, sqsRequests: 3 };
/** Assumed Lambda durations (s), cold starts included, and log volume (KB) per invocation. */
const DURATION = { tick: 0.15, http: 0.3, consumerBatch: 0.5 };
const LOG_KB = { tick: 1.5, http: 2.5, consumerBatch: 3 };
/** Lambda polls an SQS event source with ~5 parallel 20-second long polls, messages or not. */
const IDLE_RECEIVES_PER_QUEUE = 5 * 3 * 60 * 24 * 30;
const MEMORY_GB = 0.5;
const DATA_GB = 0.05;
const LOG_RETENTION_MONTHS = 3;

const money = (v: number) => (v >= 0.005 ? `$${v.toFixed(2)}` : v > 0 ? '< $0.01' : '$0');
const int = (v: number) => Math.round(v).toLocaleString('en-US');
/** A unit price as AWS writes it: `$0.20`, `$0.625`, `$0.0000133334`. */
const usd = (v: number) => `$${Number.isInteger(v * 100) ? v.toFixed(2) : String(v)}`;

export function costLines(): { item: string; quantity: string; price: string; cost: number; afterFree: number }[] {
  const month = (f: (w: Workflow) => number) => YEAR.reduce((sum, w) => sum + f(w), 0) / 12;
  const calls = month((w) => w.calls);
  const emails = month((w) => w.emails);
  const ticks = scheduledFunctions.reduce((sum, f) => sum + (30 * 24 * 3600) / parseRateExpression(f.schedule).toSeconds(), 0);
  const batches = emails; // at worst one consumer invocation per message
  const invocations = ticks + calls + batches;
  const gbSeconds = MEMORY_GB * (ticks * DURATION.tick + calls * DURATION.http + batches * DURATION.consumerBatch);
  // Ticks: the reminder tick's one sparse-index query (0.5 RRU) and the maintenance sweep (~4 RRU).
  const reads = ticks / 2 * (0.5 + 4) + month((w) => w.readUnits) + emails * PER_EMAIL.readUnits;
  const writes = month((w) => w.writeUnits) + emails * PER_EMAIL.writeUnits;
  const sqs = queueConsumers.length * IDLE_RECEIVES_PER_QUEUE + emails * PER_EMAIL.sqsRequests;
  const alarmMetrics =
    2 * (httpFunctions.length + queueConsumers.length + scheduledFunctions.length) +
    2 * queueConsumers.length +
    scheduledFunctions.length +
    1 +
    tableDefinitions.length * THROTTLE_WATCHED_OPERATIONS.length;
  const logsGb = (ticks * LOG_KB.tick + calls * LOG_KB.http + batches * LOG_KB.consumerBatch) / 1024 / 1024;
  const over = (used: number, free: number) => Math.max(0, used - free);
  const parameters = parameterCount();
  return [
    { item: 'Lambda requests', quantity: `${int(invocations)} invocations (${int(ticks)} scheduled ticks, ${int(calls)} API calls, ≤ ${int(batches)} queue batches)`, price: `${usd(PRICES.lambdaRequestsPerMillion)} per million`, cost: (invocations / 1e6) * PRICES.lambdaRequestsPerMillion, afterFree: (over(invocations, FREE.lambdaRequests) / 1e6) * PRICES.lambdaRequestsPerMillion },
    { item: 'Lambda duration, arm64, 512 MB', quantity: `${int(gbSeconds)} GB-s (ticks ${DURATION.tick} s, API ${DURATION.http} s, batches ${DURATION.consumerBatch} s)`, price: `${usd(PRICES.lambdaArmGbSecond)} per GB-s`, cost: gbSeconds * PRICES.lambdaArmGbSecond, afterFree: over(gbSeconds, FREE.lambdaGbSeconds) * PRICES.lambdaArmGbSecond },
    { item: 'HTTP API requests', quantity: `${int(calls)} requests`, price: `${usd(PRICES.httpApiPerMillion)} per million`, cost: (calls / 1e6) * PRICES.httpApiPerMillion, afterFree: (calls / 1e6) * PRICES.httpApiPerMillion },
    { item: 'DynamoDB on-demand writes', quantity: `${int(writes)} write request units`, price: `${usd(PRICES.dynamoWritePerMillion)} per million`, cost: (writes / 1e6) * PRICES.dynamoWritePerMillion, afterFree: (writes / 1e6) * PRICES.dynamoWritePerMillion },
    { item: 'DynamoDB on-demand reads', quantity: `${int(reads)} read request units (${int(ticks / 2 * 4.5)} of them by the ticks)`, price: `${usd(PRICES.dynamoReadPerMillion)} per million`, cost: (reads / 1e6) * PRICES.dynamoReadPerMillion, afterFree: (reads / 1e6) * PRICES.dynamoReadPerMillion },
    { item: 'DynamoDB storage', quantity: `${DATA_GB} GB`, price: `${usd(PRICES.dynamoStorageGbMonth)} per GB-month`, cost: DATA_GB * PRICES.dynamoStorageGbMonth, afterFree: over(DATA_GB, FREE.dynamoStorageGb) * PRICES.dynamoStorageGbMonth },
    { item: 'DynamoDB point-in-time recovery (DataTable)', quantity: `${DATA_GB} GB`, price: `${usd(PRICES.dynamoPitrGbMonth)} per GB-month`, cost: DATA_GB * PRICES.dynamoPitrGbMonth, afterFree: DATA_GB * PRICES.dynamoPitrGbMonth },
    { item: 'SQS requests', quantity: `${int(sqs)} (${int(IDLE_RECEIVES_PER_QUEUE)} empty long polls per consumer queue, ${PER_EMAIL.sqsRequests} per message)`, price: `${usd(PRICES.sqsPerMillion)} per million`, cost: (sqs / 1e6) * PRICES.sqsPerMillion, afterFree: (over(sqs, FREE.sqsRequests) / 1e6) * PRICES.sqsPerMillion },
    { item: 'SES emails', quantity: `${int(emails)} emails`, price: `${usd(PRICES.sesPerThousand)} per 1,000`, cost: (emails / 1000) * PRICES.sesPerThousand, afterFree: (emails / 1000) * PRICES.sesPerThousand },
    { item: 'EventBridge Scheduler', quantity: `${int(ticks)} invocations`, price: `${usd(PRICES.schedulerPerMillion)} per million`, cost: (ticks / 1e6) * PRICES.schedulerPerMillion, afterFree: (over(ticks, FREE.schedulerInvocations) / 1e6) * PRICES.schedulerPerMillion },
    { item: 'CloudWatch alarms (standard resolution)', quantity: `${alarmMetrics} alarm metrics (each table alarm sums ${THROTTLE_WATCHED_OPERATIONS.length} metrics)`, price: `${usd(PRICES.alarmMetricMonth)} per alarm metric-month`, cost: alarmMetrics * PRICES.alarmMetricMonth, afterFree: over(alarmMetrics, FREE.alarmMetrics) * PRICES.alarmMetricMonth },
    { item: 'CloudWatch Logs', quantity: `${logsGb.toFixed(3)} GB ingested, ${(logsGb * LOG_RETENTION_MONTHS).toFixed(3)} GB kept (90 days)`, price: `${usd(PRICES.logsIngestedGb)} per GB ingested, $${PRICES.logsStoredGbMonth} per GB-month`, cost: logsGb * PRICES.logsIngestedGb + logsGb * LOG_RETENTION_MONTHS * PRICES.logsStoredGbMonth, afterFree: over(logsGb, FREE.logsGb) * PRICES.logsIngestedGb + over(logsGb * LOG_RETENTION_MONTHS, FREE.logsGb) * PRICES.logsStoredGbMonth },
    { item: 'X-Ray traces (active tracing)', quantity: `${int(invocations)} traces`, price: `${usd(PRICES.xrayTracesPerMillion)} per million`, cost: (invocations / 1e6) * PRICES.xrayTracesPerMillion, afterFree: (over(invocations, FREE.xrayTraces) / 1e6) * PRICES.xrayTracesPerMillion },
    { item: 'SSM parameters, standard tier', quantity: `${parameters} SecureString parameters, standard throughput`, price: `no charge (advanced tier: ${usd(PRICES.ssmAdvancedParameterMonth)} per parameter-month)`, cost: 0, afterFree: 0 },
    { item: 'Parameters and Secrets extension layer', quantity: `on ${rows().filter((r) => parametersReadBy(r.spec.name) > 0).length} functions`, price: 'no charge (its run time is in the Lambda duration above)', cost: 0, afterFree: 0 },
  ];
}

function parameterCount(): number {
  return parameters(stages().prod).length;
}

function parametersReadBy(name: string): number {
  return parameters(stages().prod).filter((p) => p.readers.includes(name)).length;
}

function costBlock(): string {
  const lines = costLines();
  const total = lines.reduce((sum, l) => sum + l.cost, 0);
  const totalFree = lines.reduce((sum, l) => sum + l.afterFree, 0);
  const year = YEAR.map((w) => `| ${w.what} | ${int(w.calls)} | ${int(w.emails)} | ${int(w.writeUnits)} | ${int(w.readUnits)} | ${w.how} |`);
  return [
    'The club year assumed, per workflow (a year, not a month):',
    '',
    '| Workflow | HTTP calls | Emails | DynamoDB WRU | DynamoDB RRU | How it was counted |',
    '|---|---|---|---|---|---|',
    ...year,
    `| **Total per year** | **${int(YEAR.reduce((s, w) => s + w.calls, 0))}** | **${int(YEAR.reduce((s, w) => s + w.emails, 0))}** | **${int(YEAR.reduce((s, w) => s + w.writeUnits, 0))}** | **${int(YEAR.reduce((s, w) => s + w.readUnits, 0))}** | each email adds ${PER_EMAIL.writeUnits} WRU, ${PER_EMAIL.readUnits} RRU and ${PER_EMAIL.sqsRequests} SQS requests (below) |`,
    '',
    'A month of the prod stack (the year divided by 12, plus what runs every month whatever happens):',
    '',
    '| Item | Quantity per month | Price (us-east-1 published price, see the sources) | Cost | After the always-free tiers |',
    '|---|---|---|---|---|',
    ...lines.map((l) => `| ${l.item} | ${l.quantity} | ${l.price} | ${money(l.cost)} | ${money(l.afterFree)} |`),
    `| **Total** | | | **${money(total)}** | **${money(totalFree)}** |`,
  ].join('\n');
}

/** The generated blocks, by marker name. */
export function generatedBlocks(): Record<string, string> {
  return { functions: functionsBlock(), concurrency: concurrencyBlock(), parameters: parametersBlock(), cost: costBlock() };
}

/**
 * `doc` with every generated block replaced by its current text. Throws when a block's markers
 * are missing or repeated: a deleted marker must not silently switch the check off.
 */
export function applyGenerated(doc: string, blocks: Record<string, string> = generatedBlocks()): string {
  let out = doc;
  for (const [name, text] of Object.entries(blocks)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start || out.indexOf(open, start + 1) >= 0) {
      throw new Error(`docs/operations.md must hold exactly one "${open}" … "${close}" block`);
    }
    out = `${out.slice(0, start + open.length)}\n<!-- Generated by scripts/operations-doc.ts (from functions/manifest.ts, infra/stage-config.ts and the prices in the script): edit those, then run it with --write. -->\n${text}\n${out.slice(end)}`;
  }
  return out;
}

/** Names of the blocks whose text in `doc` differs from the generated one. */
export function staleBlocks(doc: string): string[] {
  const blocks = generatedBlocks();
  return Object.keys(blocks).filter((name) => applyGenerated(doc, { [name]: blocks[name] as string }) !== doc);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(OPERATIONS_DOC, 'utf8');
  if (process.argv.includes('--write')) {
    writeFileSync(OPERATIONS_DOC, applyGenerated(doc));
    console.log(`docs/operations.md: generated blocks written (${Object.keys(generatedBlocks()).join(', ')})`);
  } else {
    const stale = staleBlocks(doc);
    if (stale.length > 0) {
      console.error(`docs/operations.md is out of date (${stale.join(', ')}): run npx tsx scripts/operations-doc.ts --write`);
      process.exit(1);
    }
    console.log('docs/operations.md: generated blocks up to date');
  }
}
