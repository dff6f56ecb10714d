// The badges chunk's fontkit with its load-time work deferred (infra/fontkit-startup.ts): every
// rewrite applies to the installed version, and text in each shaper's scripts (Latin, Arabic,
// Indic, the Universal engine's) is laid out into the same glyphs as by the unmodified module.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { fontkitStartup, rewriteFontkit } from '#infra/fontkit-startup.ts';
import { projectRoot } from '../../scripts/local/paths.ts';

const require = createRequire(import.meta.url);
const fontkitSource = path.join(projectRoot, 'node_modules/@pdf-lib/fontkit/dist/fontkit.es.js');
const dir = path.join(projectRoot, '.local', `fontkit-test-${randomBytes(3).toString('hex')}`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Fontkit {
  create(bytes: Uint8Array): { layout(text: string): { glyphs: Array<{ id: number }> } };
}

async function bundled(name: string, plugins: Parameters<typeof build>[0]['plugins']): Promise<Fontkit> {
  mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, `${name}-entry.mjs`);
  writeFileSync(entry, "export { default } from '@pdf-lib/fontkit';\n");
  const outfile = path.join(dir, `${name}.mjs`);
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', mainFields: ['module', 'main'], absWorkingDir: projectRoot, nodePaths: [path.join(projectRoot, 'node_modules')], logLevel: 'error', plugins });
  return ((await import(pathToFileURL(outfile).href)) as { default: Fontkit }).default;
}

it('every rewrite matches the installed @pdf-lib/fontkit exactly once, and a source without them is refused', () => {
  const source = readFileSync(fontkitSource, 'utf8');
  const out = rewriteFontkit(source);
  expect(out).not.toContain('\ndictionary.init(BrotliDecompressBuffer);\n');
  expect(out).not.toContain('var trie$1 = new unicodeTrie(trieData$1);');
  expect(out).toContain('if (!brotliDictionaryReady)');
  expect(() => rewriteFontkit(source.replace('dictionary.init(BrotliDecompressBuffer);\n', ''))).toThrow(/does not match exactly once/);
});

it('lays out Latin, Arabic, Indic and Universal-engine text into the same glyphs as the unmodified module', async () => {
  const [plain, deferred] = await Promise.all([bundled('plain', []), bundled('deferred', [fontkitStartup])]);
  const bytes = new Uint8Array(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')));
  const texts = [
    'Zoé Lefèvre-Ångström, « ﬁn » — Œuvre',
    'مرحبا بكم في النادي', // Arabic shaper (joining forms)
    'नमस्ते क्लब', // Indic shaper
    'ᬅᬓ᭄ᬱᬭ', // Balinese: the Universal engine
    'ꦲꦏ꧀ꦱꦫ', // Javanese: the Universal engine
  ];
  const fonts = [plain.create(bytes), deferred.create(bytes)] as const;
  for (const text of texts) {
    const [a, b] = fonts.map((f) => f.layout(text).glyphs.map((g) => g.id));
    expect(b).toEqual(a);
    expect(a?.length).toBeGreaterThan(0);
  }
  // Arabic takes its joining forms from the deferred trie: not the isolated glyphs of each letter.
  const isolated = [...'مرحبا'].flatMap((ch) => fonts[1].layout(ch).glyphs.map((g) => g.id));
  expect(fonts[1].layout('مرحبا').glyphs.map((g) => g.id)).not.toEqual(isolated.reverse());
});
