// The organiser lists' two forms: JSON by default, a CSV download with `?format=csv` (the one
// CSV writer, shared/domain/csv.ts). Kept apart from http.ts so that functions without lists do
// not carry the CSV writer.
import * as z from 'zod';
import { sheetToCsv, type Sheet } from '#shared/domain/csv.ts';
import { zEnum, zOptional } from '#shared/publik/coerce.ts';
import { text, type HttpResponse } from './http.ts';

/** `?format=json|csv`: extend it (or take its `format`) for a list with more parameters. */
export const FormatQuery = z.object({ format: zOptional(zEnum(['json', 'csv'], 'le format')) });

/** A sheet as a CSV file to download under `filename`. */
export function csvDownload(sheet: Sheet, filename: string): HttpResponse {
  return text(sheetToCsv(sheet), 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="${filename}"` });
}
