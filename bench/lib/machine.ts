// What the figures were measured on, recorded with them.
import { spawnSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  totalMemGiB: number;
  node: string;
  java: string;
  platform: string;
  loadAverage1m: number;
  git: { commit: string; dirty: boolean } | null;
}

function firstLine(command: string, args: string[]): string | undefined {
  const out = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (out.status !== 0) return undefined;
  // `java -version` prints on stderr.
  const text = `${out.stdout ?? ''}${out.stderr ?? ''}`.trim();
  return text.split('\n')[0]?.trim();
}

export function machineInfo(): MachineInfo {
  const nproc = Number(firstLine('nproc', []) ?? os.availableParallelism());
  const commit = firstLine('git', ['rev-parse', '--short', 'HEAD']);
  const status = spawnSync('git', ['status', '--porcelain'], { encoding: 'utf8', timeout: 10_000 });
  return {
    nproc,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    java: firstLine('java', ['-version']) ?? 'unknown',
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage1m: Number((os.loadavg()[0] ?? 0).toFixed(2)),
    git: commit ? { commit, dirty: status.status === 0 && status.stdout.trim() !== '' } : null,
  };
}
