// An esbuild plugin for the badges engine's lazy chunk (infra/lazy-chunk.ts): @pdf-lib/fontkit's
// prebuilt ES module does, when it is evaluated, work that the badges never need (issue 21, cold
// start of http-badges, measured in bench/README.md):
// - it decompresses Brotli's dictionary (~120 KB) for WOFF2 fonts (~35 ms): we embed TrueType;
// - it inflates the data of the Arabic, Indic and Universal shapers (Unicode tries, state machines,
//   ~10 ms): only text in those scripts is shaped with them.
// The plugin rewrites those statements so that the same work happens on first use instead (same
// data, same code paths, same output). Each rewrite must match exactly once, else the build fails:
// a new fontkit version is then looked at again rather than silently left slow or broken.
// It also resolves `pako` (pdf-lib's and fontkit's deflate/inflate, a JavaScript port of zlib)
// to shared/adapters/pdf/pako-zlib.ts, Node's own zlib: on a container's first PDF the cold
// JavaScript deflate of the font subsets and page streams took 20–45 ms.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const PAKO_SHIM = fileURLToPath(new URL('../shared/adapters/pdf/pako-zlib.ts', import.meta.url));

interface Rewrite {
  what: string;
  from: string;
  to: string;
}

const REWRITES: Rewrite[] = [
  {
    what: "Brotli's dictionary, decompressed on the first WOFF2 font instead of at load",
    from: 'dictionary.init(BrotliDecompressBuffer);\n',
    to: '',
  },
  {
    what: '(the lazy dictionary)',
    from: 'function BrotliDecompress(input, output) {\n',
    to:
      'var brotliDictionaryReady = false;\n' +
      'function BrotliDecompress(input, output) {\n' +
      '  if (!brotliDictionaryReady) { brotliDictionaryReady = true; dictionary.init(BrotliDecompressBuffer); }\n',
  },
  {
    what: "the Arabic shaper's trie, on the first Arabic text",
    from: 'var trieData$1 = pako.inflate(base64Arraybuffer_2(base64DeflatedTrie$1));\nvar trie$1 = new unicodeTrie(trieData$1);\n',
    to: 'var trie$1 = { get: function (c) { trie$1 = new unicodeTrie(pako.inflate(base64Arraybuffer_2(base64DeflatedTrie$1))); return trie$1.get(c); } };\n',
  },
  {
    what: "the Indic shaper's data, on the first Indic text",
    from:
      'var indicMachine = JSON.parse(String.fromCharCode.apply(String, pako.inflate(base64Arraybuffer_2(base64DeflatedIndicMachine))));\n' +
      'var useData = JSON.parse(String.fromCharCode.apply(String, pako.inflate(base64Arraybuffer_2(base64DeflatedUseData))));\n' +
      'var trieData$2 = pako.inflate(base64Arraybuffer_2(base64DeflatedTrie$2));\n' +
      'var decompositions = useData.decompositions;\n' +
      'var trie$2 = new unicodeTrie(trieData$2);\n' +
      'var stateMachine = new dfa(indicMachine);\n',
    to:
      'var indicData = null;\n' +
      'function indicLoaded() {\n' +
      '  if (indicData === null) indicData = {\n' +
      '    decompositions: JSON.parse(String.fromCharCode.apply(String, pako.inflate(base64Arraybuffer_2(base64DeflatedUseData)))).decompositions,\n' +
      '    trie: new unicodeTrie(pako.inflate(base64Arraybuffer_2(base64DeflatedTrie$2))),\n' +
      '    stateMachine: new dfa(JSON.parse(String.fromCharCode.apply(String, pako.inflate(base64Arraybuffer_2(base64DeflatedIndicMachine))))),\n' +
      '  };\n' +
      '  return indicData;\n' +
      '}\n' +
      'var decompositions = new Proxy({}, { get: function (_, k) { return indicLoaded().decompositions[k]; } });\n' +
      'var trie$2 = { get: function (c) { return indicLoaded().trie.get(c); } };\n' +
      'var stateMachine = { match: function (s) { return indicLoaded().stateMachine.match(s); } };\n',
  },
  {
    what: "the Universal shaper's data, on the first text in a script it shapes",
    from:
      'var useData$1 = JSON.parse(String.fromCharCode.apply(String, pako.inflate(base64Arraybuffer_2(base64DeflatedUseData))));\n' +
      'var trieData$3 = pako.inflate(base64Arraybuffer_2(base64DeflatedTrie$3));\n' +
      'var categories = useData$1.categories,\n' +
      '    decompositions$1 = useData$1.decompositions;\n' +
      'var trie$3 = new unicodeTrie(trieData$3);\n' +
      'var stateMachine$1 = new dfa(useData$1);\n',
    to:
      'var useLoadedData = null;\n' +
      'function useLoaded() {\n' +
      '  if (useLoadedData === null) {\n' +
      '    var d = JSON.parse(String.fromCharCode.apply(String, pako.inflate(base64Arraybuffer_2(base64DeflatedUseData))));\n' +
      '    useLoadedData = { categories: d.categories, decompositions: d.decompositions, trie: new unicodeTrie(pako.inflate(base64Arraybuffer_2(base64DeflatedTrie$3))), stateMachine: new dfa(d) };\n' +
      '  }\n' +
      '  return useLoadedData;\n' +
      '}\n' +
      'var categories = new Proxy({}, { get: function (_, k) { return useLoaded().categories[k]; } }),\n' +
      '    decompositions$1 = new Proxy({}, { get: function (_, k) { return useLoaded().decompositions[k]; } });\n' +
      'var trie$3 = { get: function (c) { return useLoaded().trie.get(c); } };\n' +
      'var stateMachine$1 = { match: function (s) { return useLoaded().stateMachine.match(s); } };\n',
  },
];

/** Applies the rewrites to fontkit's source; throws when one does not match exactly once. */
export function rewriteFontkit(source: string): string {
  let out = source;
  for (const r of REWRITES) {
    const first = out.indexOf(r.from);
    if (first < 0 || out.indexOf(r.from, first + 1) >= 0) {
      throw new Error(`fontkit-startup: "${r.what}" does not match exactly once in @pdf-lib/fontkit (a new version?)`);
    }
    out = out.slice(0, first) + r.to + out.slice(first + r.from.length);
  }
  return out;
}

export const fontkitStartup: Plugin = {
  name: 'fontkit-startup',
  setup(build) {
    build.onResolve({ filter: /^pako$/ }, () => ({ path: path.resolve(PAKO_SHIM) }));
    build.onLoad({ filter: /[\\/]@pdf-lib[\\/]fontkit[\\/]dist[\\/]fontkit\.es\.js$/ }, async (args) => ({
      contents: rewriteFontkit(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
