// The data table an operator script works on: `--table` (and `--endpoint`) as given, else the
// tables of the running `npm start` (its state file). Shared by the one-off scripts
// (backfill-workshop-counts, backfill-person, check-organisation-keys, refresh-zone-offsets), with
// the paging options of the resumable ones.
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { readRuntimeState } from './runtime-state.ts';

/** The client and table names, or undefined after printing why (exit code 2). */
export function operatorTables(values: { table?: string | undefined; endpoint?: string | undefined }) {
  const state = values.table === undefined ? readRuntimeState() : undefined;
  const table = values.table ?? state?.tables.DataTable;
  if (table === undefined) {
    console.error('No --table given and no running `npm start` found.');
    return undefined;
  }
  const client = createDocumentClient({ dynamodbEndpoint: values.endpoint ?? state?.endpoints.dynamodb });
  return { client, table, nonceTable: state?.tables.NonceTable ?? '' };
}

/** parseArgs options of a resumable one-off run: dry run unless --apply, paged, resumable from --cursor. */
export const RESUMABLE_RUN_OPTIONS = {
  apply: { type: 'boolean', default: false },
  'page-size': { type: 'string' },
  cursor: { type: 'string' },
  'max-pages': { type: 'string' },
  table: { type: 'string' },
  endpoint: { type: 'string' },
} as const;

/** The paging given on the command line (absent options stay absent). */
export function pagingOf(values: { 'page-size'?: string | undefined; cursor?: string | undefined; 'max-pages'?: string | undefined }) {
  return {
    ...(values['page-size'] ? { pageSize: Number(values['page-size']) } : {}),
    ...(values.cursor ? { cursor: values.cursor } : {}),
    ...(values['max-pages'] ? { maxPages: Number(values['max-pages']) } : {}),
  };
}
