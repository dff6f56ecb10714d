import * as z from 'zod';

const optionalParam = z.preprocess(
  (v) => (Array.isArray(v) ? v[v.length - 1] : v === '' ? undefined : v),
  z.string().trim().max(200).optional(),
);

/** Query parameters every data source honours (`q`: search in text, `id`: one item). */
export const DataSourceQuerySchema = z.object({ q: optionalParam, id: optionalParam });
export { optionalParam };
