// CPU profile of the measured phases only (not the start-up of the runtime): set
// BENCH_CPU_PROF=<dir> and the benchmark writes <dir>/<name>.cpuprofile with node:inspector.
// Read it with `npx tsx bench/profile-top.ts <file>` or Chrome DevTools.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export async function startProfile(): Promise<((name: string) => Promise<string | undefined>) | undefined> {
  const dir = process.env['BENCH_CPU_PROF'];
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async (name: string) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}
