import { describe, expect, it } from 'vitest';
import { ELLIPSIS, fitBlock, fitName, printable, SUBSTITUTE, type Measure } from '#shared/domain/badges/fit.ts';

// A monospace font: every character is 0.6 em wide.
const mono: Measure = (text, size) => [...text].length * 0.6 * size;
const WIDTH = 270;

describe('fitting a name', () => {
  it('prints the shortest name on one line at the largest size', () => {
    expect(fitName('Jo', WIDTH, mono, { max: 28, min: 16 })).toEqual({ size: 28, lines: ['Jo'] });
  });

  it('shrinks a name down to the minimum size before wrapping it', () => {
    // 20 characters: 20 × 0.6 × s ≤ 270 → s ≤ 22.5.
    const fitted = fitName('Anne-Cécile Lefèvres', WIDTH, mono, { max: 28, min: 16 });
    expect(fitted).toEqual({ size: 22.5, lines: ['Anne-Cécile Lefèvres'] });
  });

  it('wraps a name too long at the minimum size on two balanced lines, never inside a word', () => {
    const name = 'Maximilien-Alexandre de La Rochefoucauld-Montmorency';
    const fitted = fitName(name, WIDTH, mono, { max: 28, min: 16 });
    expect(fitted.lines).toEqual(['Maximilien-Alexandre de La', 'Rochefoucauld-Montmorency']);
    expect(fitted.lines.join(' ')).toBe(name);
    expect(fitted.lines.every((l) => mono(l, fitted.size) <= WIDTH)).toBe(true);
    expect(fitted.size).toBeGreaterThanOrEqual(16);
  });

  it('shrinks below the minimum rather than cut a single word that is too long (the longest name)', () => {
    const word = 'Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'; // 60 letters
    const fitted = fitName(word, WIDTH, mono, { max: 28, min: 16 });
    expect(fitted.lines).toEqual([word]);
    expect(mono(word, fitted.size)).toBeLessThanOrEqual(WIDTH);
    expect(fitted.size).toBeLessThan(16);
  });
});

describe('fitting an organisation', () => {
  const org = 'Communauté d’agglomération du Grand Besançon Métropole — Direction des systèmes d’information et du numérique';

  it('keeps a short organisation on one line', () => {
    expect(fitBlock('Ville de Strasbourg', WIDTH, mono, { size: 12, min: 10, maxLines: 2 })).toEqual({ size: 12, lines: ['Ville de Strasbourg'] });
  });

  it('wraps to two lines by words', () => {
    const text = 'Communauté d’agglomération du Grand Besançon Métropole';
    const fitted = fitBlock(text, WIDTH, mono, { size: 12, min: 10, maxLines: 2 });
    expect(fitted.lines).toHaveLength(2);
    expect(fitted.lines.join(' ')).toBe(text);
    expect(fitted.lines.every((l) => mono(l, fitted.size) <= WIDTH)).toBe(true);
  });

  it('ends with "…" after the last whole word only past two lines at the smallest size', () => {
    const fitted = fitBlock(org, WIDTH, mono, { size: 12, min: 10, maxLines: 2 });
    expect(fitted.size).toBe(10);
    expect(fitted.lines).toHaveLength(2);
    expect(fitted.lines[1]?.endsWith(ELLIPSIS)).toBe(true);
    // Every word printed is whole: the text without the ellipsis is a prefix made of whole words.
    const printed = fitted.lines.join(' ').slice(0, -1);
    expect(org.startsWith(printed)).toBe(true);
    expect([' ', undefined]).toContain(org[printed.length]);
    expect(fitted.lines.every((l) => mono(l, fitted.size) <= WIDTH)).toBe(true);
  });
});

describe('characters the font lacks', () => {
  const latinOnly = (cp: number) => cp < 0x2000 || cp === 0x2019 || cp === 0x2026;

  it('keeps every Latin letter as typed (é, ç, œ, ß, ł, ’, «»)', () => {
    expect(printable('Zoé Çà Œdipe Groß Łukasz O’Brien «x»', latinOnly)).toEqual({ text: 'Zoé Çà Œdipe Groß Łukasz O’Brien «x»', substituted: 0 });
  });

  it('replaces a character the font has no glyph for by a visible substitute, never drops it', () => {
    const out = printable('山田 Taro', latinOnly);
    expect(out.text).toBe(`${SUBSTITUTE}${SUBSTITUTE} Taro`);
    expect(out.substituted).toBe(2);
  });

  it('composes decomposed accents (NFC) so that they print with the font’s own é', () => {
    expect(printable('Ce\u0301cile', latinOnly).text).toBe('Cécile');
  });

  it('keeps « ; » and « : » with the word before them (no line starts with them)', () => {
    expect(printable('Publik ; Atelier 3 : Socle', latinOnly).text).toBe('Publik\u00A0; Atelier 3\u00A0: Socle');
  });
});

describe('two-line names', () => {
  it('wrap at most at `twoLineMax`, smaller than a one-line name, to leave room for the organisation', () => {
    const fitted = fitName('Maximilien-Alexandre de La Rochefoucauld-Montmorency', WIDTH, mono, { max: 28, min: 16, twoLineMax: 21 });
    expect(fitted.lines).toHaveLength(2);
    expect(fitted.size).toBeLessThanOrEqual(21);
    expect(fitted.size).toBeGreaterThanOrEqual(16);
  });
});
