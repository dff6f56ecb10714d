// Badges benchmark: 200 badges through the real http-badges handler behind the local gateway,
// against DynamoDB Local in memory. It records the time to the last byte of the PDF (the first
// print of the process, which loads the PDF engine and its fonts, and warm prints), the file
// size against the goal (150 KB + 2 KB per badge), the CPU this process spent per print, and the
// sizes of the http-admin and http-badges bundles and of the engine chunk, built as the stack
// builds them (infra/bundling.ts, infra/lazy-chunk.ts).
//
//   npm run bench -- badges            full run (~1 min on the shared 2-core machine)
//   npm run bench -- badges --quick    smoke run
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { httpFunctions } from '#functions/manifest.ts';
import { lambdaEsbuildOptions, MAX_BUNDLE_BYTES } from '#infra/bundling.ts';
import { buildLazyChunk } from '#infra/lazy-chunk.ts';
import { startLocalRuntime } from '../scripts/local/runtime.ts';
import { projectRoot } from '../scripts/local/paths.ts';
import { selfCpuMs } from './lib/cpu.ts';
import { machineInfo } from './lib/machine.ts';
import { runPool } from './lib/pool.ts';
import { writeResults } from './lib/results.ts';
import { formatTable } from './lib/table.ts';

const GOAL_MS = 2000;
const goalBytes = (badges: number) => (150 + 2 * badges) * 1024;

const FIRST = ['Zoé', 'Émile', 'Anne-Cécile', 'Łukasz', 'Bruno', 'Hélène', 'François', 'Maëlle', 'Jean-Christophe', 'Ségolène'];
const LAST = ['Œuvray', 'Ébrard', 'Groß', 'Çelik', 'Dupont', 'Lefèvre', 'Maximilien-Alexandre de La Rochefoucauld', 'Nguyễn', 'O’Brien', 'Martin'];
const ORGS = [
  'Ville de Strasbourg',
  'Communauté d’agglomération du Grand Besançon Métropole — Direction des systèmes d’information',
  'Métropole de Lyon',
  'Département de l’Ain',
  'Entr’ouvert',
];

async function bundleSizes() {
  const dir = mkdtempSync(path.join(tmpdir(), 'badges-bundles-'));
  try {
    const out: Record<string, number> = {};
    for (const name of ['http-admin', 'http-badges']) {
      const spec = httpFunctions.find((f) => f.name === name);
      if (!spec) throw new Error(`${name} is not in the manifest`);
      const outfile = path.join(dir, name, 'index.mjs');
      await build(lambdaEsbuildOptions(projectRoot, spec.entry, outfile));
      out[`${name} index.mjs`] = statSync(outfile).size;
      if (spec.lazyChunk) {
        await buildLazyChunk(projectRoot, path.join(dir, name), spec.lazyChunk);
        out[`${name} ${spec.lazyChunk.outfile}`] = statSync(path.join(dir, name, spec.lazyChunk.outfile)).size;
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBadgesBench(opts: { quick: boolean }): Promise<boolean> {
  const startedAt = new Date();
  const badges = opts.quick ? 24 : 200;
  const warmRuns = opts.quick ? 2 : 5;
  const rt = await startLocalRuntime({
    port: 0,
    inMemory: true,
    quiet: true,
    seed: false,
    stateFile: false,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  try {
    const meetingId = 'bench-badges';
    const put = await fetch(`${rt.baseUrl}/admin/meetings/${meetingId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${rt.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Banc d’essai des badges',
        venue: 'Villejuif',
        registration_opens_at: '2026-01-01T00:00:00+01:00',
        registration_closes_at: '2099-12-31T23:59:59+01:00',
        days: [{ date: '2099-06-09', label: 'Mardi 9 juin', onsite_capacity: badges, waiting_list: false }],
      }),
    });
    if (put.status !== 201) throw new Error(`PUT meeting: ${put.status} ${await put.text()}`);

    // The registrations are made by the registration use case on the runtime's tables, with the
    // runtime's check-in key: stored exactly as the signed route stores them, tokens included.
    // Imported only now: the logger they load takes its level from the runtime's environment.
    const { createDocumentClient } = await import('#shared/adapters/dynamodb/client.ts');
    const { DynamoMeetingRepository } = await import('#shared/adapters/dynamodb/meeting-repository.ts');
    const { DynamoRegistrationRepository } = await import('#shared/adapters/dynamodb/registration-repository.ts');
    const { RegistrationRequestSchema } = await import('#shared/domain/registrations/schema.ts');
    const { RegistrationService } = await import('#shared/domain/registrations/service.ts');
    const ddb = createDocumentClient({ dynamodbEndpoint: rt.endpoints.dynamodb });
    const meetings = new DynamoMeetingRepository(ddb, rt.tables.DataTable);
    const service = new RegistrationService({
      meetings,
      store: new DynamoRegistrationRepository(ddb, rt.tables.DataTable, meetings, rt.tables.NonceTable),
      publisher: { publish: async () => undefined },
      baseUrl: rt.baseUrl,
      checkinKey: async () => rt.env['CHECKIN_TOKEN_KEY'] as string,
    });
    await runPool(badges, 8, async (i) => {
      await service.register(
        meetingId,
        RegistrationRequestSchema.parse({
          form_uuid: `bench-badges-${i}`,
          email: `p${i}@example.org`,
          first_name: FIRST[i % FIRST.length],
          last_name: `${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`,
          organisation: ORGS[i % ORGS.length],
          profile: ['newcomer', 'expert', undefined][i % 3],
          image_rights: i % 7 === 0 ? 'refused' : 'accepted',
          onsite_days: ['2099-06-09'],
        }),
        new Date(),
      );
    });
    // The listing index is eventually consistent: wait until every registration shows.
    for (let i = 0; i < 50; i++) {
      const list = await fetch(`${rt.baseUrl}/admin/meetings/${meetingId}/registrations`, { headers: { authorization: `Bearer ${rt.adminToken}` } });
      if (((await list.json()) as { count: number }).count === badges) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    const print = async () => {
      const cpu = selfCpuMs();
      const t0 = performance.now();
      const res = await fetch(`${rt.baseUrl}/admin/meetings/${meetingId}/badges.pdf`, { headers: { authorization: `Bearer ${rt.adminToken}` } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`badges.pdf: ${res.status}`);
      return { ms: Math.round(ms), cpuMs: Math.round(selfCpuMs() - cpu), bytes: bytes.length };
    };
    const first = await print();
    const warm = [];
    for (let i = 0; i < warmRuns; i++) warm.push(await print());
    const warmMs = warm.map((w) => w.ms).sort((a, b) => a - b);
    const median = warmMs[Math.floor(warmMs.length / 2)] as number;
    const sizes = await bundleSizes();
    const checks = {
      timeGoalMet: median <= GOAL_MS,
      sizeGoalMet: first.bytes <= goalBytes(badges),
      bundlesWithinBudget: Object.entries(sizes).filter(([k]) => k.endsWith('index.mjs')).every(([, v]) => v <= MAX_BUNDLE_BYTES),
    };
    console.log(`\nBadges: ${badges} badges (${Math.ceil(badges / 8)} A4 pages), load ${machineInfo().loadAverage1m}`);
    console.log(
      formatTable(
        ['print', 'time to last byte (ms)', 'CPU of this process (ms)', 'bytes'],
        [['first (engine loaded at init)', first.ms, first.cpuMs, first.bytes], ...warm.map((w, i) => [`warm ${i + 1}`, w.ms, w.cpuMs, w.bytes])],
      ),
    );
    console.log(`warm median ${median} ms (goal ≤ ${GOAL_MS}); size ${(first.bytes / 1024).toFixed(1)} KB (goal ≤ ${goalBytes(badges) / 1024} KB)`);
    console.log(formatTable(['bundle', 'bytes'], Object.entries(sizes).map(([k, v]) => [k, v])));
    const ok = checks.sizeGoalMet && checks.bundlesWithinBudget;
    const written = writeResults(
      'badges',
      startedAt,
      { benchmark: 'badges', quick: opts.quick, startedAt: startedAt.toISOString(), machine: machineInfo(), badges, first, warm, warmMedianMs: median, goals: { ms: GOAL_MS, bytes: goalBytes(badges) }, bundles: sizes, checks, ok },
      { latest: ok && !opts.quick },
    );
    console.log(`results: ${written.file}`);
    // The time goal depends on the machine's load (2 shared cores): reported, not failed on.
    return ok;
  } finally {
    await rt.stop();
  }
}
