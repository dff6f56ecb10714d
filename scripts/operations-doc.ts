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
import { ENV } from '#shared/config.ts';
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
};

/** The generated blocks, by marker name. */
export function generatedBlocks(): Record<string, string> {
  return { functions: functionsBlock(), concurrency: concurrencyBlock(), parameters: parametersBlock() };
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
    out = `${out.slice(0, start + open.length)}\n<!-- Generated by scripts/operations-doc.ts from functions/manifest.ts and infra/stage-config.ts: edit those, then run it with --write. -->\n${text}\n${out.slice(end)}`;
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
