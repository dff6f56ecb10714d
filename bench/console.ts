// Console benchmark (issue 17): what each page of the console weighs (its script, the chunks it
// imports and the stylesheet, gzipped, against 200 KB), and how long the dashboard takes from
// navigation to its data shown in headless Chromium on the local runtime (median of several
// fresh browser contexts, against 1.5 s). It also takes the screenshots of docs/images/console/
// (sign-in form, dashboard, 403 page at 390 and 1280 px wide).
//
//   npm run bench -- console            full run (7 loads)
//   npm run bench -- console --quick    smoke run (2 loads)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sealConsoleSession, consoleCookieName, CONSOLE_SESSION_SECONDS } from '#shared/lambda/console-session.ts';
import { buildConsole, CONSOLE_DIST, type ConsoleManifest } from '../scripts/build-console.ts';
import { startLocalRuntime } from '../scripts/local/runtime.ts';
import { launchChromium } from '../tests/browser/support/chromium.ts';
import { screenshot } from '../tests/browser/support/screenshot.ts';
import { ACCOUNTS, signInThroughProvider } from '../tests/browser/support/sign-in.ts';
import { machineInfo } from './lib/machine.ts';
import { writeResults } from './lib/results.ts';
import { formatTable } from './lib/table.ts';

const BUDGET_GZIP_BYTES = 200 * 1024;
const GOAL_MS = 1500;

interface PageWeight {
  page: string;
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

/** Every file a page loads: its script, the chunks it imports (statically), its stylesheets. */
function pageWeights(manifest: ConsoleManifest): PageWeight[] {
  return Object.entries(manifest.pages).map(([page, f]) => {
    const files = [f.script, ...f.preload, ...f.styles];
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const file of files) {
      const content = readFileSync(path.join(CONSOLE_DIST, file));
      rawBytes += content.length;
      gzipBytes += gzipSync(content, { level: 9 }).length;
    }
    return { page, files: files.length, rawBytes, gzipBytes };
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function runConsoleBench(opts: { quick: boolean }): Promise<boolean> {
  const startedAt = new Date();
  const manifest = await buildConsole();
  const weights = pageWeights(manifest);
  console.log('\nConsole pages: JavaScript + CSS each page loads (gzip -9)');
  console.log(
    formatTable(
      ['page', 'files', 'raw KB', 'gzip KB', 'budget KB'],
      weights.map((w) => [w.page, String(w.files), (w.rawBytes / 1024).toFixed(1), (w.gzipBytes / 1024).toFixed(1), String(BUDGET_GZIP_BYTES / 1024)]),
    ),
  );

  const rt = await startLocalRuntime({
    port: 0,
    inMemory: true,
    quiet: true,
    seed: true,
    stateFile: false,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    log: () => undefined,
  });
  const browser = await launchChromium();
  const loads: number[] = [];
  const timelines: Array<Array<[string, number, number]>> = [];
  const shots: string[] = [];
  try {
    const key = rt.env['CONSOLE_SESSION_KEY']!;
    const session = () =>
      sealConsoleSession(
        { sub: ACCOUNTS.organiser.sub, name: ACCOUNTS.organiser.name, organiser: true, exp: Math.floor(Date.now() / 1000) + CONSOLE_SESSION_SECONDS },
        key,
      );
    const runs = opts.quick ? 2 : 7;
    // One warm-up load (the functions' first import), then fresh contexts: empty browser cache.
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
      await context.addCookies([{ name: consoleCookieName(rt.baseUrl), value: session(), url: rt.baseUrl }]);
      const page = await context.newPage();
      await page.goto(`${rt.baseUrl}/console/`, { waitUntil: 'commit' });
      // A locator waits from Playwright's own world (a string predicate would be an eval, which the CSP refuses).
      await page.locator('main[aria-busy="false"] [data-meeting]').first().waitFor({ timeout: 30_000 });
      // From the navigation's start, on the page's own clock: the mark the layout sets once the
      // data is painted (console/src/lib/layout.tsx), not the moment this process noticed it.
      const ms = (await page.evaluate(`performance.getEntriesByName('console:ready')[0].startTime`)) as number;
      if (i > 0) loads.push(ms);
      // Where the time went: the shell, its files, each API read (start → end, ms from navigation).
      const entries = (await page.evaluate(
        `[performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')].map((e) => [e.name.replace(location.origin, ''), Math.round(e.startTime), Math.round(e.responseEnd)])`,
      )) as Array<[string, number, number]>;
      if (i > 0) timelines.push(entries);
      await context.close();
    }

    // Screenshots (looked at by a person): the provider's form, the dashboard, the 403 page.
    const where = { baseUrl: rt.baseUrl, provider: { issuer: rt.oidc?.issuer ?? '' } };
    for (const width of [390, 1280]) {
      const signIn = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width, height: 844 } });
      const p1 = await signIn.newPage();
      await p1.goto(`${rt.baseUrl}/console/`);
      await p1.waitForURL((url) => url.href.startsWith(where.provider.issuer));
      shots.push(await screenshot(p1, 'login', width));
      await p1.goto('about:blank');
      await signInThroughProvider(p1, where, 'organiser');
      await p1.locator('main[aria-busy="false"]').waitFor();
      shots.push(await screenshot(p1, 'dashboard', width));
      await signIn.close();
      const member = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width, height: 844 } });
      const p2 = await member.newPage();
      await signInThroughProvider(p2, where, 'member');
      shots.push(await screenshot(p2, 'forbidden', width));
      await member.close();
    }
  } finally {
    await browser.closeAll();
    await rt.stop();
  }

  const dashboardMedianMs = median(loads);
  console.log('\nDashboard: navigation start → data shown (ms), fresh context each time');
  console.log(formatTable(['runs', 'median', 'min', 'max', 'goal'], [[String(loads.length), dashboardMedianMs.toFixed(0), Math.min(...loads).toFixed(0), Math.max(...loads).toFixed(0), String(GOAL_MS)]]));
  const typical = timelines[loads.indexOf([...loads].sort((a, b) => a - b)[Math.floor(loads.length / 2)]!)] ?? [];
  console.log('\nThe median load, request by request (start → end, ms from navigation):');
  console.log(formatTable(['request', 'start', 'end'], typical.map(([name, start, end]) => [name, String(start), String(end)])));
  console.log(`\nScreenshots: ${shots.map((f) => path.relative(process.cwd(), f)).join(', ')}`);

  const checks = {
    everyPageWithinBudget: weights.every((w) => w.gzipBytes <= BUDGET_GZIP_BYTES),
    dashboardWithinGoal: dashboardMedianMs <= GOAL_MS,
  };
  const ok = Object.values(checks).every(Boolean);
  const written = writeResults(
    'console',
    startedAt,
    { benchmark: 'console', quick: opts.quick, startedAt: startedAt.toISOString(), machine: machineInfo(), pages: weights, budgetGzipBytes: BUDGET_GZIP_BYTES, dashboard: { loadsMs: loads.map((x) => Math.round(x)), medianMs: Math.round(dashboardMedianMs), goalMs: GOAL_MS, medianTimeline: typical }, checks, ok },
    { latest: ok && !opts.quick },
  );
  console.log(`results: ${written.file}${ok ? '' : '  (CHECKS FAILED)'}`);
  return ok;
}
