// Loads the badges PDF engine and its fonts on the first badges request, once per container.
// In AWS they are files beside the bundle (index.mjs): the chunk `badge-pdf.mjs` and the two
// DejaVu fonts, built and copied at synth (functions/manifest.ts `lazyChunk`, infra/lazy-chunk.ts).
// From the sources (npm start, tests), the engine is the TypeScript module and the fonts come
// from the dejavu-fonts-ttf package.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BadgeFonts } from '#shared/adapters/pdf/badge-pdf.ts';

type Engine = typeof import('#shared/adapters/pdf/badge-pdf.ts');

const CHUNK = 'badge-pdf.mjs';
const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
// A variable, so that esbuild leaves the import to run time instead of bundling the engine.
const ENGINE_SOURCE = '#shared/adapters/pdf/badge-pdf.ts';

export interface LoadedEngine {
  render: Engine['renderBadgesPdf'];
  fonts: BadgeFonts;
}

let loading: Promise<LoadedEngine> | undefined;

async function load(): Promise<LoadedEngine> {
  const chunk = new URL(`./${CHUNK}`, import.meta.url);
  const bundled = existsSync(fileURLToPath(chunk));
  const engine = (await import(bundled ? chunk.href : ENGINE_SOURCE)) as Engine;
  const fontPath = (file: string) =>
    bundled ? fileURLToPath(new URL(`./${file}`, import.meta.url)) : createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`);
  const [regular, bold] = await Promise.all([readFile(fontPath(FONT_FILES.regular)), readFile(fontPath(FONT_FILES.bold))]);
  return { render: engine.renderBadgesPdf, fonts: { regular: new Uint8Array(regular), bold: new Uint8Array(bold) } };
}

/** The engine and fonts (a failed load is tried again by the next request). */
export function loadBadgeEngine(): Promise<LoadedEngine> {
  if (!loading) {
    const attempt = load();
    loading = attempt;
    attempt.catch(() => {
      if (loading === attempt) loading = undefined;
    });
  }
  return loading;
}
