// The organiser lists' two forms: JSON by default, a CSV download with `?format=csv` (the one
// CSV writer, shared/domain/csv.ts). Kept apart from http.ts so that functions without lists do
// not carry the CSV writer.
import * as z from 'zod';
import { sheetToCsv, type Sheet } from '#shared/domain/csv.ts';
import { zEnum, zOptional } from '#shared/publik/coerce.ts';
import { publikOk, route, text, type HttpResponse } from './http.ts';

/** `?format=json|csv`: extend it (or take its `format`) for a list with more parameters. */
export const FormatQuery = z.object({ format: zOptional(zEnum(['json', 'csv'], 'le format')) });

/** A sheet as a CSV file to download under `filename`. */
export function csvDownload(sheet: Sheet, filename: string): HttpResponse {
  return text(sheetToCsv(sheet), 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="${filename}"` });
}

/** What a list route found: its JSON `data` (and keys beside it), and its sheet on demand. */
export interface ListAnswer {
  data: unknown;
  siblings?: Record<string, unknown> | undefined;
  csv: () => { sheet: Sheet; filename: string };
}

/** A GET organiser list under `path`: `load` finds it (or throws its 404), the query picks the form. */
export function adminListRoute<P extends Record<string, string>>(path: string, params: z.ZodType<P>, load: (params: P) => Promise<ListAnswer>) {
  return route({
    method: 'GET',
    path,
    auth: 'admin',
    params,
    query: FormatQuery,
    handle: async ({ params, query }) => {
      const found = await load(params as P);
      if (query.format !== 'csv') return publikOk(found.data, found.siblings);
      const { sheet, filename } = found.csv();
      return csvDownload(sheet, filename);
    },
  });
}
