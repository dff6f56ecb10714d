// `npm run check-organisation-keys -- [--table <data table>] [--endpoint <DynamoDB URL>]`:
// read-only. For every vote campaign, counts the supports and ballots stored under an
// organisation key that today's rule (shared/domain/votes/organisation.ts) folds differently,
// and the spellings it now makes one organisation. Prints one JSON report per campaign; exit
// code 1 when an active (not closed) campaign has any: see docs/operations.md, "Organisation
// keys". Without options it reads the running `npm start`; in AWS pass the table name (the
// stack output) and use the usual credentials.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { auditOrganisationKeys, type OrganisationKeyReport } from '#shared/domain/votes/organisation-audit.ts';
import { operatorTables } from './local/operator-table.ts';

export async function checkOrganisationKeys(store: DynamoVoteRepository, now: Date): Promise<OrganisationKeyReport[]> {
  const reports: OrganisationKeyReport[] = [];
  for (const campaign of await store.listCampaigns()) {
    const snapshot = await store.loadCampaign(campaign.id);
    reports.push(auditOrganisationKeys(campaign, snapshot?.supports ?? [], await store.listBallots(campaign.id), now));
  }
  return reports;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { table: { type: 'string' }, endpoint: { type: 'string' } }, allowPositionals: false });
  const target = operatorTables(values);
  if (target === undefined) return 2;
  const { client, table, nonceTable } = target;
  const reports = await checkOrganisationKeys(new DynamoVoteRepository(client, table, nonceTable), new Date());
  for (const report of reports) console.log(JSON.stringify(report));
  return reports.some((r) => r.action_needed) ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
