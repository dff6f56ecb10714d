// Top frames of a V8 CPU profile (`node --cpu-prof`), by self time, and the same time grouped
// by where the code comes from (a package of node_modules, Node's internals, our sources).
//
//   npx tsx bench/profile-top.ts /tmp/prof/CPU.…cpuprofile [count] [--busy]
//
// --busy: shares of the busy time only (no `(idle)`, no profiler `dispatch`).
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function origin(url: string): string {
  if (url === '') return '(native / VM)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const m = /\/(shared|functions|bench|scripts)\/.*$/.exec(url);
  return m ? `ours: ${m[1]}/` : url;
}

/**
 * Not the measured code's CPU: the event loop waiting (`(idle)`), and the in-process profiler's
 * own `dispatch` (node:inspector serialising the profile when it stops). `--busy` leaves them out.
 */
const notBusy = (f: Node['callFrame']) => f.url === '' && (f.functionName === '(idle)' || f.functionName === 'dispatch');

export function topFrames(file: string, count = 15, opts: { busy?: boolean } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  if (opts.busy) for (const id of [...self.keys()]) if (notBusy((byId.get(id) as Node).callFrame)) self.delete(id);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const frames = new Map<string, number>();
  const origins = new Map<string, number>();
  for (const [id, us] of self) {
    const f = (byId.get(id) as Node).callFrame;
    const short = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(shared|functions|bench|scripts)\//, '$1/');
    const name = `${f.functionName || '(anonymous)'} ${short ? `${short}:${f.lineNumber + 1}` : ''}`.trim();
    frames.set(name, (frames.get(name) ?? 0) + us);
    origins.set(origin(f.url), (origins.get(origin(f.url)) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)} %`;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, count);
  return {
    totalMs: Math.round(total / 1000),
    frames: sorted(frames).map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: pct(us) })),
    origins: sorted(origins).map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: pct(us) })),
  };
}

if (process.argv[1]?.endsWith('profile-top.ts')) {
  const busy = process.argv.includes('--busy');
  const [file, count] = process.argv.slice(2).filter((a) => a !== '--busy');
  if (!file) {
    console.error('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [count] [--busy]');
    process.exit(2);
  }
  const top = topFrames(file, Number(count ?? 15), { busy });
  console.log(`total sampled: ${top.totalMs} ms`);
  for (const f of top.frames) console.log(`${f.share.padStart(7)}  ${String(f.ms).padStart(6)} ms  ${f.name}`);
  console.log('by origin:');
  for (const f of top.origins) console.log(`${f.share.padStart(7)}  ${String(f.ms).padStart(6)} ms  ${f.name}`);
}
