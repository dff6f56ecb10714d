// The badges chunk's `pako` (shared/adapters/pdf/pako-zlib.ts, Node's zlib): what it deflates
// pako inflates to the same bytes and the reverse, levels are honoured, and an option it does
// not implement is refused rather than ignored.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import zlibPako, { deflate, inflate } from '#shared/adapters/pdf/pako-zlib.ts';

// pako as pdf-lib resolves it (not a dependency of ours: only the chunk's build replaces it).
const fromPdfLib = createRequire(createRequire(import.meta.url).resolve('pdf-lib'));
const pako = fromPdfLib('pako') as { deflate(input: Uint8Array): Uint8Array; inflate(input: Uint8Array): Uint8Array };

const text = new TextEncoder().encode('BT /F1 12 Tf 72 712 Td (Badges — Rencontre du club) Tj ET\n'.repeat(200));
const binary = new Uint8Array(randomBytes(4096));

describe('pako-zlib', () => {
  it('round-trips with pako both ways, as pdf-lib (deflate) and fontkit (inflate) use it', () => {
    for (const input of [text, binary, new Uint8Array(0)]) {
      expect(pako.inflate(deflate(input))).toEqual(input);
      expect(inflate(pako.deflate(input))).toEqual(input);
      expect(zlibPako.inflate(zlibPako.deflate(input))).toEqual(input);
    }
    expect(deflate(text).length).toBeLessThan(text.length / 10);
    // An ArrayBuffer as well as a Uint8Array.
    expect(inflate(deflate(text.buffer as ArrayBuffer))).toEqual(text);
  });

  it('honours the level (UPNG stores with level 0) and refuses options it does not implement', () => {
    expect(deflate(text, { level: 0 }).length).toBeGreaterThan(text.length);
    expect(pako.inflate(deflate(text, { level: 0 }))).toEqual(text);
    expect(() => deflate(text, { level: 6, raw: true } as never)).toThrow(/raw not supported/);
    expect(() => inflate(deflate(text), { to: 'string' } as never)).toThrow(/to not supported/);
  });
});
