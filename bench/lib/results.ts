// bench/results/<name>-<instant>.json for the record of every run, and <name>-latest.json (the
// figures the README quotes) only for complete full runs: a smoke or failed run never hides them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** `2026-11-23T154012Z`: ISO 8601 basic time, safe in file names. */
export function fileStamp(date: Date): string {
  return date.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function writeResults(name: string, startedAt: Date, result: unknown, opts: { latest: boolean }): { file: string; latest?: string } {
  mkdirSync(resultsDir, { recursive: true });
  const text = JSON.stringify(result, null, 2) + '\n';
  const file = join(resultsDir, `${name}-${fileStamp(startedAt)}.json`);
  writeFileSync(file, text);
  if (!opts.latest) return { file };
  const latest = join(resultsDir, `${name}-latest.json`);
  writeFileSync(latest, text);
  return { file, latest };
}
