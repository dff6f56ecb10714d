// `npm run tick -- --at 2026-03-09T08:00:00Z`: runs every scheduled function of the running
// `npm start` as if EventBridge Scheduler fired at that instant (default: now), and prints
// what each returned. Exit code 1 when one of them failed.
import { parseArgs } from 'node:util';
import { readRuntimeState } from './local/runtime-state.ts';

const { values } = parseArgs({
  options: { at: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  allowPositionals: false,
});
if (values.help) {
  console.log('Usage: npm run tick -- [--at <ISO 8601 instant, default now>]');
  process.exit(0);
}
const at = values.at ? new Date(values.at) : new Date();
if (Number.isNaN(at.getTime())) {
  console.error(`--at: not a valid ISO 8601 instant: ${values.at}`);
  process.exit(2);
}

const state = readRuntimeState();
const baseUrl = state?.baseUrl ?? `http://127.0.0.1:${process.env['PORT'] ?? '3000'}`;
let answer: Response;
try {
  answer = await fetch(`${baseUrl}/__local/tick?at=${encodeURIComponent(at.toISOString())}`, { method: 'POST' });
} catch {
  console.error(`No local runtime answers at ${baseUrl}. Start it first with \`npm start\` (in another terminal).`);
  process.exit(1);
}
const text = await answer.text();
if (!answer.ok) {
  console.error(`HTTP ${answer.status} from ${baseUrl}/__local/tick:\n${text}`);
  process.exit(1);
}
const result = JSON.parse(text) as { at: string; results: Array<{ name: string; ok: boolean }>; note?: string };
console.log(JSON.stringify(result, null, 2));
process.exit(result.results.every((r) => r.ok) ? 0 : 1);
