// Builds the organisers' console (console/src) with esbuild: one entry per page
// (console/src/pages/<page>.tsx), code splitting (shared code in chunks, so each page loads only
// what it imports), the one stylesheet, all fingerprinted:
//   dist/console/assets/<name>.<hash>.js|css
//   dist/console/manifest.json   { pages: { <page>: { script, styles, preload } }, sourceHash }
// Run by `npm start`, by the browser tests' global setup (when missing or stale) and at CDK synth
// (into the http-console asset).
//   npx tsx scripts/build-console.ts [--outdir DIR] [--if-stale]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_SOURCE = path.join(root, 'console');
export const CONSOLE_DIST = path.join(root, 'dist', 'console');

export interface ConsolePageFiles {
  /** Paths relative to the console's base (`assets/dashboard.ABC123.js`). */
  script: string;
  styles: string[];
  /** Chunks the page's script imports statically: `<link rel="modulepreload">`. */
  preload: string[];
}

export interface ConsoleManifest {
  pages: Record<string, ConsolePageFiles>;
  /** The shared stylesheet, for the pages the server writes alone (403, sign-in failed). */
  stylesheet: string;
  /** Hash of every input file: a build is stale when it differs. */
  sourceHash: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Hash of the sources, the build script and the pinned preact: what the output depends on. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  const inputs = [...filesUnder(path.join(CONSOLE_SOURCE, 'src')), path.join(CONSOLE_SOURCE, 'tsconfig.json'), fileURLToPath(import.meta.url)].sort();
  for (const file of inputs) hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  hash.update(String(JSON.parse(readFileSync(path.join(root, 'node_modules/preact/package.json'), 'utf8')).version));
  return hash.digest('hex').slice(0, 16);
}

export function readConsoleManifest(outdir = CONSOLE_DIST): ConsoleManifest | undefined {
  try {
    return JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as ConsoleManifest;
  } catch {
    return undefined;
  }
}

export function pageNames(): string[] {
  return readdirSync(path.join(CONSOLE_SOURCE, 'src', 'pages'))
    .filter((f) => f.endsWith('.tsx'))
    .map((f) => f.slice(0, -4))
    .sort();
}

export async function buildConsole(outdir = CONSOLE_DIST): Promise<ConsoleManifest> {
  const sourceHash = consoleSourceHash();
  const assets = path.join(outdir, 'assets');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });
  const entryPoints: Record<string, string> = { console: path.join(CONSOLE_SOURCE, 'src', 'styles.css') };
  for (const page of pageNames()) entryPoints[page] = path.join(CONSOLE_SOURCE, 'src', 'pages', `${page}.tsx`);
  const result = await esbuild.build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    outdir: assets,
    entryNames: '[name].[hash]',
    chunkNames: 'chunk.[hash]',
    assetNames: '[name].[hash]',
    minify: true,
    sourcemap: false,
    target: ['es2022', 'chrome111', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(CONSOLE_SOURCE, 'tsconfig.json'),
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const rel = (file: string) => path.relative(outdir, path.resolve(root, file)).split(path.sep).join('/');
  const outputs = result.metafile.outputs;
  const byEntry = new Map<string, string>();
  for (const [file, output] of Object.entries(outputs)) if (output.entryPoint) byEntry.set(path.resolve(root, output.entryPoint), file);
  const stylesheet = byEntry.get(entryPoints['console']!);
  if (!stylesheet) throw new Error('build-console: the stylesheet was not built');
  const staticImports = (file: string, seen = new Set<string>()): string[] => {
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind !== 'import-statement' || imp.external || seen.has(imp.path)) continue;
      seen.add(imp.path);
      staticImports(imp.path, seen);
    }
    return [...seen];
  };
  const pages: Record<string, ConsolePageFiles> = {};
  for (const page of pageNames()) {
    const script = byEntry.get(entryPoints[page]!);
    if (!script) throw new Error(`build-console: page ${page} was not built`);
    // A page importing CSS of its own gets it too (esbuild emits it beside the script).
    const ownCss = outputs[script]?.cssBundle;
    pages[page] = {
      script: rel(script),
      styles: [rel(stylesheet), ...(ownCss ? [rel(ownCss)] : [])],
      preload: staticImports(script).map(rel),
    };
  }
  const manifest: ConsoleManifest = { pages, stylesheet: rel(stylesheet), sourceHash };
  writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Builds when there is no build yet or the sources changed since; returns the manifest. */
export async function ensureConsoleBuilt(outdir = CONSOLE_DIST): Promise<ConsoleManifest> {
  const current = readConsoleManifest(outdir);
  if (current && current.sourceHash === consoleSourceHash() && existsSync(path.join(outdir, current.pages['dashboard']?.script ?? 'missing'))) return current;
  return buildConsole(outdir);
}

/** Total bytes of a built file (for the size report). */
export const fileSize = (outdir: string, file: string) => statSync(path.join(outdir, file)).size;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' }, 'if-stale': { type: 'boolean', default: false } } });
  const outdir = values.outdir ? path.resolve(values.outdir) : CONSOLE_DIST;
  const started = Date.now();
  const manifest = values['if-stale'] ? await ensureConsoleBuilt(outdir) : await buildConsole(outdir);
  console.log(`console built in ${Date.now() - started} ms → ${path.relative(root, outdir) || outdir}: ${Object.keys(manifest.pages).join(', ')}`);
}
