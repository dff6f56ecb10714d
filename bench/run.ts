// `npm run bench [-- <name>…] [--quick]`: runs the named benchmarks, or all of them, one after
// the other. Unknown name → usage and exit code 2. Exit code 1 when a benchmark's checks fail.
import { parseArgs } from 'node:util';

interface Benchmark {
  description: string;
  run: (opts: { quick: boolean }) => Promise<boolean>;
}

// Loaded lazily: a benchmark sets the environment its handlers read at import.
const benchmarks: Record<string, Benchmark> = {
  registration: {
    description: 'registration latency through the gateway vs the raw transaction, oversell check',
    run: async (opts) => (await import('./registration.ts')).runRegistrationBench(opts),
  },
  'cold-start': {
    description: 'import + first request of every deployed bundle vs a bare DynamoDB client; bundle sizes',
    run: async (opts) => (await import('./cold-start.ts')).runColdStartBench(opts),
  },
  sessions: {
    description: 'session subscriptions and the occurrences data source through the gateway, DynamoDB calls per call, a form race',
    run: async (opts) => (await import('./sessions.ts')).runSessionsBench(opts),
  },
  vote: {
    description: 'ballots vs their own TransactWriteItems at concurrency 1, 16, 64, DynamoDB calls per ballot (listed and meeting electorates), recount check',
    run: async (opts) => (await import('./vote.ts')).runVoteBench(opts),
  },
  survey: {
    description: 'survey answers vs the answer\'s own transaction at concurrency 1, 16, 64 (and raw PutItem/s); results read at 100 vs 10,000 responses',
    run: async (opts) => (await import('./survey.ts')).runSurveyBench(opts),
  },
  'http-chain': {
    description: 'the HTTP chain alone (middy, signature, nonce, zod, envelope): CPU µs per request of a signed POST, a signed GET and an admin GET, no DynamoDB',
    run: async (opts) => (await import('./http-chain.ts')).runHttpChainBench(opts),
  },
  badges: {
    description: '200 badges: time to the last byte of the PDF and its size, bundle and engine chunk sizes',
    run: async (opts) => (await import('./badges.ts')).runBadgesBench(opts),
  },
  'waiting-list': {
    description: '200 joins of one waiting list at concurrency 16: ticket by compare-and-set (adopted) vs reserved by atomic ADD, side by side',
    run: async (opts) => (await import('./waiting-list.ts')).runWaitingListBench(opts),
  },
  console: {
    description: 'console pages: JS + CSS gzipped per page (≤ 200 KB); dashboard navigation → data in headless Chromium (≤ 1.5 s); screenshots',
    run: async (opts) => (await import('./console.ts')).runConsoleBench(opts),
  },
  'console-projector': {
    description: 'the projector\'s refresh (the results read): DynamoDB calls at 100 and 10,000 ballots',
    run: async (opts) => (await import('./console-projector.ts')).runConsoleProjectorBench(opts),
  },
  reminders: {
    description: 'reminder fan-out vs raw SendMessageBatch, consumer emails/s and duplicates, idle tick DynamoDB calls',
    run: async (opts) => (await import('./reminders.ts')).runRemindersBench(opts),
  },  rgpd: {
    description: 'export and erasure of a person with 20 items (DynamoDB calls, no scan), daily purge over 10,000 registrations due',
    run: async (opts) => (await import('./rgpd.ts')).runRgpdBench(opts),
  },
};

function usage(): string {
  return [
    'Usage: npm run bench [-- <name>…] [--quick]',
    '  no name   run every benchmark',
    '  --quick   small counts, for a smoke run (figures not meaningful)',
    'Benchmarks:',
    ...Object.entries(benchmarks).map(([name, b]) => `  ${name.padEnd(14)} ${b.description}`),
  ].join('\n');
}

let parsed;
try {
  parsed = parseArgs({
    options: { quick: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage()}`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(usage());
  process.exit(0);
}
const unknown = parsed.positionals.filter((name) => !Object.hasOwn(benchmarks, name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}\n${usage()}`);
  process.exit(2);
}
const names = parsed.positionals.length > 0 ? [...new Set(parsed.positionals)] : Object.keys(benchmarks);

let failed = 0;
for (const name of names) {
  const ok = await (benchmarks[name] as Benchmark).run({ quick: parsed.values.quick === true });
  if (!ok) failed++;
}
// Explicit exit: a keep-alive socket or timer left by a library must not hold the run open.
process.exit(failed > 0 ? 1 : 0);
