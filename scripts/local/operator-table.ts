// The data table an operator script works on: `--table` (and `--endpoint`) as given, else the
// tables of the running `npm start` (its state file). Shared by the one-off scripts
// (backfill-workshop-counts, check-organisation-keys).
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
