// A lazy chunk: code a function loads on demand from a file of its own beside its bundle
// (index.mjs), with the files it reads (fonts). Built with the settings of infra/bundling.ts, at
// synth by the function construct (an afterBundling command running this file with tsx), and by
// the tests that check its size. Run: `tsx infra/lazy-chunk.ts <outputDir> <entry> <outfile> [file…]`.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { lambdaEsbuildOptions } from './bundling.ts';
import { fontkitStartup } from './fontkit-startup.ts';

export interface LazyChunk {
  /** Entry file relative to the repository root. */
  entry: string;
  /** File name beside index.mjs, e.g. `badge-pdf.mjs`. */
  outfile: string;
  /** Files relative to the repository root, copied beside index.mjs under their base name. */
  files: string[];
}

/** The largest chunk accepted: loaded on the first request that needs it, not at init. */
export const MAX_LAZY_CHUNK_BYTES = 2 * 1024 * 1024;

export async function buildLazyChunk(projectRoot: string, outputDir: string, chunk: LazyChunk): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  const options = lambdaEsbuildOptions(projectRoot, chunk.entry, path.join(outputDir, chunk.outfile));
  // No source map for the chunk: library code, and a map would double the asset. The plugin
  // defers fontkit's load-time work that the badges never need and swaps pako for Node's zlib
  // (infra/fontkit-startup.ts).
  await build({ ...options, sourcemap: false, inject: [], plugins: [fontkitStartup] });
  for (const file of chunk.files) copyFileSync(path.join(projectRoot, file), path.join(outputDir, path.basename(file)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outputDir, entry, outfile, ...files] = process.argv.slice(2);
  if (!outputDir || !entry || !outfile) {
    console.error('usage: tsx infra/lazy-chunk.ts <outputDir> <entry> <outfile> [file…]');
    process.exit(2);
  }
  const projectRoot = fileURLToPath(new URL('../', import.meta.url));
  await buildLazyChunk(projectRoot, outputDir, { entry, outfile, files });
}
