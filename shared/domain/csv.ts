// The one CSV writer of the service: every export (registrations, rosters, evening,
// image-rights refusals, vote results and ballots, survey responses, session subscribers,
// reminder deliveries) builds a Sheet and writes it here, so that the injection rules below
// hold for all of them at once.
import { stringify } from 'csv-stringify/sync';
import { stripUnsafeCharacters } from '#shared/publik/coerce.ts';

export type Cell = string | number;

/** A table with French headers, ready for CSV. */
export interface Sheet {
  headers: string[];
  rows: Cell[][];
}

/**
 * First characters that make a spreadsheet read a cell as a formula or a command (OWASP's CSV
 * injection list: `=`, `+`, `-`, `@`, tab, carriage return), their full-width forms (Apple
 * Numbers folds them to ASCII), and the line feed: stored text has its carriage returns folded
 * to line feeds (stripUnsafeCharacters), so a cell that began with CR begins with LF here.
 */
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * A text cell as written: control characters and bidi overrides removed (they are refused at
 * input; text stored before that rule is cleaned here too), then prefixed with `'` when it
 * would start a formula. Only strings pass here: a cell given as a JS number (a count, a rank,
 * a score, a position) is written as the number it is, so `-3` stays a number an organiser can
 * sum; a numeric-looking string (`-1+2`, `+33 6…`) came from someone's text and is neutralised.
 */
export function neutraliseCell(text: string): string {
  const clean = stripUnsafeCharacters(text);
  return FORMULA_START.test(clean) ? `'${clean}` : clean;
}

/**
 * CSV the way French organisers open it, by double-click, in Excel or LibreOffice:
 * - a UTF-8 byte order mark: without it Excel decodes the file as Windows-1252 and every
 *   accent turns into mojibake ("PrÃ©nom"); LibreOffice honours it too;
 * - `;` between fields: Excel takes the list separator of the regional settings, which is
 *   `;` in French (the comma is the decimal separator), so a comma-separated file would land
 *   in a single column; LibreOffice's import dialog detects `;`;
 * - CRLF between records (RFC 4180, what Excel writes);
 * - a cell holding a CR, a LF, a quote or `;` is quoted, its quotes doubled (RFC 4180).
 *   csv-stringify quotes cells holding the record delimiter (CRLF) but, once a record
 *   delimiter is given, not a bare LF or CR unless `quote_record_delimiter` is set: without
 *   it `x\n=HYPERLINK(…)` became a new row starting with a live formula;
 * - text cells that would start a formula are prefixed with `'` (neutraliseCell): names, phone
 *   numbers, proposals and free texts come from public forms, and a spreadsheet must never run
 *   them (CSV injection). A phone number "+33 6…" then shows as "'+33 6…", the lesser harm.
 *   The library's own `escape_formulas` is left off: it does not know that our CRs are LFs.
 */
export function sheetToCsv(sheet: Sheet): string {
  return stringify([sheet.headers, ...sheet.rows], {
    bom: true,
    delimiter: ';',
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    cast: { string: neutraliseCell },
  });
}
