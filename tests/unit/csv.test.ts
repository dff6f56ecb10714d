// The one CSV writer: RFC 4180 quoting and OWASP formula neutralising, read back with a real
// CSV parser (csv-parse), as a spreadsheet would split the file.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, sheetToCsv } from '#shared/domain/csv.ts';

/** The hostile strings of issue 13, each one a cell. */
const HOSTILE = [
  'x\n=HYPERLINK("http://evil","x")',
  '\r=1+1',
  'a\r\n=1+1',
  'a\r=1+1',
  '=cmd|\' /C calc\'!A0',
  '+1',
  '-1+2',
  '@SUM(A1)',
  '\t=1',
  '"quoted" "twice"',
  'a;b;c',
  'comma, then ; and "quote"',
  '\uFF1D1+1',
  '\u0000=1+1',
  '-3',
  '12.5',
];

// A spreadsheet ends a row at CRLF, and at a bare LF or CR outside quotes too (csv-parse, left to
// itself, would take the first CRLF as the only row end and keep a bare LF inside the cell).
const SPREADSHEET_ROW_ENDS = ['\r\n', '\n', '\r'];
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

function readBack(csv: string): string[][] {
  // bom: strips the UTF-8 BOM as Excel does; relax_quotes off: a stray quote is an error.
  return parse(csv, { bom: true, delimiter: ';', record_delimiter: SPREADSHEET_ROW_ENDS }) as string[][];
}

describe('sheetToCsv', () => {
  it('keeps every hostile cell in its row and column, none starting a formula', () => {
    const rows = HOSTILE.map((h, i) => [`ligne ${i}`, h, 7]);
    const csv = sheetToCsv({ headers: ['N°', 'Texte', 'Nombre'], rows });
    const back = readBack(csv);
    expect(back).toHaveLength(1 + HOSTILE.length);
    for (const row of back) expect(row).toHaveLength(3);
    for (const cell of back.flat()) expect(cell).not.toMatch(FORMULA_START);
    expect(back.slice(1).map((r) => r[0])).toEqual(HOSTILE.map((_, i) => `ligne ${i}`));
  });

  it('keeps the text of each cell, only prefixed with an apostrophe when it would start a formula', () => {
    const back = readBack(sheetToCsv({ headers: ['Texte'], rows: HOSTILE.map((h) => [h]) })).slice(1).map((r) => r[0]);
    expect(back).toEqual([
      'x\n=HYPERLINK("http://evil","x")',
      "'\n=1+1",
      'a\n=1+1',
      'a\n=1+1',
      "'=cmd|' /C calc'!A0",
      "'+1",
      "'-1+2",
      "'@SUM(A1)",
      "'\t=1",
      '"quoted" "twice"',
      'a;b;c',
      'comma, then ; and "quote"',
      "'\uFF1D1+1",
      "'=1+1",
      "'-3",
      '12.5',
    ]);
  });

  it('quotes a cell holding a bare line feed, a carriage return, a quote or the separator (RFC 4180)', () => {
    const csv = sheetToCsv({ headers: ['a', 'b', 'c', 'd'], rows: [['x\ny', 'p"q', 'r;s', 'plain']] });
    expect(csv).toBe('\uFEFFa;b;c;d\r\n"x\ny";"p""q";"r;s";plain\r\n');
  });

  it('writes numbers given as numbers as numbers, negative ones included', () => {
    const csv = sheetToCsv({ headers: ['Rang', 'Score', 'Écart'], rows: [[1, 12.5, -3]] });
    expect(csv).toBe('\uFEFFRang;Score;Écart\r\n1;12.5;-3\r\n');
  });

  it('neutralises the headers too (they hold organisers’ titles)', () => {
    const back = readBack(sheetToCsv({ headers: ['=1+1', 'Atelier\n@x'], rows: [] }));
    expect(back).toEqual([["'=1+1", 'Atelier\n@x']]);
  });

  it('neutraliseCell prefixes only the formula starts', () => {
    expect(['=a', '+a', '-a', '@a', '\ta', '\ra', '\na', 'a=b', ''].map(neutraliseCell)).toEqual([
      "'=a",
      "'+a",
      "'-a",
      "'@a",
      "'\ta",
      "'\na",
      "'\na",
      'a=b',
      '',
    ]);
  });
});
