// `npm run refresh-zone-offsets -- [--apply] [--table <data table>] [--endpoint <DynamoDB URL>]`
// (issue 21). Session series store their zone's UTC offsets when they are written, so that the
// data source and the reminder tick place local times without Intl. This script computes them
// again for every series whose stored offsets are missing (stored before issue 21), of another
// zone, different from what the runtime's tz database now says (a zone changed its rule), or
// ending within two years (an open-ended series), and leaves the others alone. Dry run unless
// `--apply`: it then only reports, series by series, what it would write. Idempotent: a second
// run finds every series `current`. Safe beside organisers' changes: each write is conditional
// on the definition it was decided on (`updated_at`); a refused one is read and decided again.
// Nothing is wrong while it has not run: a series without usable offsets is placed by luxon's
// IANA zone, as before (only slower on a cold start). Without --table it works on the running
// `npm start`. docs/operations.md, « Refreshing the session series' zone offsets ».
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ZoneOffsetsRepository } from '#shared/adapters/dynamodb/zone-offsets-repository.ts';
import { zoneOffsetsState, type ZoneOffsetsState } from '#shared/domain/sessions/zone-refresh.ts';
import { operatorTables } from './local/operator-table.ts';

/** A refused write is decided again on a fresh read this many times, then reported `busy`. */
const MAX_ATTEMPTS = 5;

export interface RefreshReport {
  apply: boolean;
  /** Series by what was found (before any write). */
  states: Partial<Record<ZoneOffsetsState, number>>;
  /** Series written (or, in a dry run, that would be). */
  refreshed: string[];
  /** Given up after MAX_ATTEMPTS refusals in a row: run again. */
  busy: string[];
}

export async function refreshZoneOffsets(
  store: ZoneOffsetsRepository,
  opts: { apply: boolean; now: Date; log?: (line: Record<string, unknown>) => void },
): Promise<RefreshReport> {
  const report: RefreshReport = { apply: opts.apply, states: {}, refreshed: [], busy: [] };
  for (const listed of await store.listSeries()) {
    let series = listed;
    for (let attempt = 1; ; attempt++) {
      const { state, fresh } = zoneOffsetsState(series, opts.now);
      if (attempt === 1) report.states[state] = (report.states[state] ?? 0) + 1;
      if (state === 'current') break;
      if (!opts.apply || (await store.saveZoneOffsets(series.id, fresh, series.updated_at))) {
        report.refreshed.push(series.id);
        opts.log?.({ series_id: series.id, state, apply: opts.apply, changes: fresh.changes.length, until: fresh.until });
        break;
      }
      // An organiser replaced the series meanwhile (its PUT computed fresh offsets): decide again.
      const again = await store.findSeries(series.id);
      if (again === undefined) break;
      if (attempt >= MAX_ATTEMPTS) {
        report.busy.push(series.id);
        break;
      }
      series = again;
    }
  }
  return report;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      apply: { type: 'boolean', default: false },
      table: { type: 'string' },
      endpoint: { type: 'string' },
    },
    allowPositionals: false,
  });
  const target = operatorTables(values);
  if (target === undefined) return 2;
  const { client, table } = target;
  const report = await refreshZoneOffsets(new ZoneOffsetsRepository(client, table), {
    apply: values.apply,
    now: new Date(),
    log: (line) => console.error(JSON.stringify(line)),
  });
  console.log(JSON.stringify(report));
  return report.busy.length > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
