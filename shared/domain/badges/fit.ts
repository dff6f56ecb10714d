// Fitting text into a badge: names shrink down to a minimum size and then wrap to two lines;
// organisations wrap to two lines and end with "…" only past that; nothing is ever cut inside
// a word or drawn past the edge (a single word too wide shrinks further). Characters the font
// lacks are replaced by a visible substitute. Pure: the width of a text comes from `measure`
// (the embedded font's metrics in the PDF engine, a fake in tests).

/** Width of `text` at `size` points. */
export type Measure = (text: string, size: number) => number;

export interface FittedText {
  size: number;
  lines: string[];
}

/** Shown in place of a character the font has no glyph for (never dropped silently). */
export const SUBSTITUTE = '\uFFFD';
export const ELLIPSIS = '…';

/** Below this, a word too wide for the line is still shrunk rather than cut (a 60-letter word). */
const ABSOLUTE_MIN_SIZE = 5;

/**
 * NFC (a decomposed "e + accent" becomes the é the font has), control characters removed,
 * spaces collapsed, and every character the font lacks replaced by SUBSTITUTE.
 */
export function printable(text: string, hasGlyph: (codePoint: number) => boolean): { text: string; substituted: number } {
  let substituted = 0;
  const out: string[] = [];
  const collapsed = text.normalize('NFC').replace(/[\p{Cc}\p{Cf}]/gu, '').replace(/\s+/gu, ' ').trim();
  // French spacing: the space before « : ; ! ? » and after « is unbreakable (no line starts with « ; »).
  const french = collapsed.replace(/ ([:;!?»])/gu, '\u00A0$1').replace(/« /gu, '«\u00A0');
  for (const ch of french) {
    const cp = ch.codePointAt(0) as number;
    if (hasGlyph(cp)) out.push(ch);
    else {
      out.push(SUBSTITUTE);
      substituted++;
    }
  }
  return { text: out.join(''), substituted };
}

const words = (text: string) => text.split(' ').filter((w) => w.length > 0);

/** Greedy wrap of whole words at `size`; a word wider than `width` stays alone on its line. */
export function wrap(text: string, width: number, size: number, measure: Measure): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of words(text)) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (current !== '' && measure(candidate, size) > width) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current !== '') lines.push(current);
  return lines;
}

const fits = (lines: string[], width: number, size: number, measure: Measure) => lines.every((l) => measure(l, size) <= width);

/** The two-line split of `text` whose longer line is the shortest (a balanced name). */
function balancedTwoLines(text: string, size: number, measure: Measure): string[] {
  const w = words(text);
  let best: string[] = [text];
  let bestWidth = Number.POSITIVE_INFINITY;
  for (let i = 1; i < w.length; i++) {
    const lines = [w.slice(0, i).join(' '), w.slice(i).join(' ')];
    const widest = Math.max(...lines.map((l) => measure(l, size)));
    if (widest < bestWidth) {
      best = lines;
      bestWidth = widest;
    }
  }
  return best;
}

/**
 * A name: one line from `max` down to `min` points (half-point steps), else two balanced lines
 * from `twoLineMax` (default `max`) down to `min`, else two lines shrinking below `min` until the
 * widest word fits.
 */
export function fitName(text: string, width: number, measure: Measure, opts: { max: number; min: number; twoLineMax?: number }): FittedText {
  const sizes = (from: number, to: number) => {
    const out: number[] = [];
    for (let s = from; s >= to - 1e-9; s -= 0.5) out.push(Math.round(s * 10) / 10);
    return out;
  };
  for (const size of sizes(opts.max, opts.min)) if (measure(text, size) <= width) return { size, lines: [text] };
  for (const size of sizes(opts.twoLineMax ?? opts.max, opts.min)) {
    const lines = balancedTwoLines(text, size, measure);
    if (fits(lines, width, size, measure)) return { size, lines };
  }
  for (const size of sizes(opts.min - 0.5, ABSOLUTE_MIN_SIZE)) {
    const lines = balancedTwoLines(text, size, measure);
    if (fits(lines, width, size, measure)) return { size, lines };
  }
  return { size: ABSOLUTE_MIN_SIZE, lines: balancedTwoLines(text, ABSOLUTE_MIN_SIZE, measure) };
}

/**
 * A block of at most `maxLines` lines at `size` (shrinking to `min` first, if given): wrapped by
 * words; past the last line, the text ends with "…" after the last whole word that fits. A
 * single word wider than the line shrinks (never cut).
 */
export function fitBlock(text: string, width: number, measure: Measure, opts: { size: number; min?: number; maxLines: number }): FittedText {
  const min = opts.min ?? opts.size;
  for (let size = opts.size; size >= min - 1e-9; size -= 0.5) {
    const lines = wrap(text, width, size, measure);
    if (lines.length <= opts.maxLines && fits(lines, width, size, measure)) return { size, lines };
  }
  // Too long even at the smallest size: keep the first lines whole and end the last with "…".
  let size = min;
  for (;;) {
    const lines = wrap(text, width, size, measure);
    const kept = lines.slice(0, opts.maxLines - 1);
    const rest = words(lines.slice(opts.maxLines - 1).join(' '));
    let last = '';
    for (const word of rest) {
      const candidate = last === '' ? word : `${last} ${word}`;
      if (measure(`${candidate}${ELLIPSIS}`, size) > width) break;
      last = candidate;
    }
    // Not even the first word of the last line fits beside "…": smaller, rather than cut.
    const result = [...kept, `${last.replace(/[\s,;:.–—-]+$/u, '')}${ELLIPSIS}`];
    if ((last !== '' && fits(result, width, size, measure)) || size <= ABSOLUTE_MIN_SIZE) return { size, lines: result };
    size = Math.max(ABSOLUTE_MIN_SIZE, size - 0.5);
  }
}
