// `npm run backfill-workshop-counts -- --meeting <id> [--apply] [--page-size 50] [--cursor <c>]
// [--max-pages n] [--table <data table>] [--endpoint <DynamoDB URL>]`: one-off (issue 21).
// Counts, in the workshops' `chosen` counters, the choices of registrations stored before those
// counters existed (`choices_counted` absent). Dry run unless `--apply`: it then only reports
// what it would add. Idempotent (a counted registration is marked so, in the same transaction)
// and resumable (each page prints its cursor; `--cursor` starts there; starting over is harmless
// too). Safe beside live registrations: each write is conditional on the registration's version
// and on the meeting version of each workshop item, and a refused one is read and decided again.
// Without --table it works on the running `npm start`. docs/operations.md, « Backfilling the
// workshops' counts ».
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ChoiceBackfillRepository } from '#shared/adapters/dynamodb/choice-backfill-repository.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { choicesToBackfill } from '#shared/domain/registrations/choice-backfill.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import { operatorTables, pagingOf, RESUMABLE_RUN_OPTIONS } from './local/operator-table.ts';

/** A refused write is decided again on a fresh read this many times, then reported `busy`. */
const MAX_ATTEMPTS = 5;
/** Registrations per page (one Query each): small enough to show progress and resume often. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export interface BackfillOptions {
  meetingId: string;
  apply: boolean;
  pageSize?: number;
  cursor?: string | null;
  maxPages?: number;
  /** One line per page (progress and the cursor to resume from). */
  log?: (line: Record<string, unknown>) => void;
}

export interface BackfillReport {
  meeting_id: string;
  apply: boolean;
  scanned: number;
  /** Registrations counted now (or, in a dry run, that would be). */
  counted: number;
  /** Already counted, cancelled, or counted meanwhile by a live change. */
  untouched: number;
  /** Given up after MAX_ATTEMPTS refusals in a row: run again. */
  busy: string[];
  /** +n per workshop item key. */
  added: Record<string, number>;
  /** Where to resume; null when the listing was read to its end. */
  cursor: string | null;
}

export async function backfillWorkshopCounts(
  meetings: Pick<DynamoMeetingRepository, 'findMeeting'>,
  store: ChoiceBackfillRepository,
  opts: BackfillOptions,
): Promise<BackfillReport> {
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE));
  const report: BackfillReport = { meeting_id: opts.meetingId, apply: opts.apply, scanned: 0, counted: 0, untouched: 0, busy: [], added: {}, cursor: opts.cursor ?? null };
  const add = (keys: string[]) => {
    for (const key of keys) report.added[key] = (report.added[key] ?? 0) + 1;
  };

  const one = async (listed: Registration) => {
    let registration: Registration | undefined = listed;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // The meeting's version is read with each decision: the counters' condition checks it.
      const meeting = await meetings.findMeeting(opts.meetingId);
      const keys = registration && meeting ? choicesToBackfill(meeting, registration) : undefined;
      if (!registration || !meeting || keys === undefined) {
        report.untouched += 1;
        return;
      }
      if (!opts.apply) {
        report.counted += 1;
        add(keys);
        return;
      }
      if (await store.count(opts.meetingId, registration, keys, meeting.version)) {
        report.counted += 1;
        add(keys);
        return;
      }
      // A live change, a check-in or an organiser's save came first: read again, decide again.
      registration = await store.registration(listed.id);
    }
    report.busy.push(listed.id);
  };

  for (let pages = 0; opts.maxPages === undefined || pages < opts.maxPages; pages++) {
    const page = await store.page(opts.meetingId, report.cursor, pageSize);
    report.scanned += page.registrations.length;
    for (const registration of page.registrations) await one(registration);
    report.cursor = page.cursor;
    opts.log?.({ meeting_id: opts.meetingId, apply: opts.apply, scanned: report.scanned, counted: report.counted, cursor: report.cursor });
    if (page.cursor === null) break;
  }
  return report;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { meeting: { type: 'string' }, ...RESUMABLE_RUN_OPTIONS },
    allowPositionals: false,
  });
  if (values.meeting === undefined) {
    console.error('Usage: npm run backfill-workshop-counts -- --meeting <id> [--apply] [--page-size n] [--cursor c] [--max-pages n] [--table t]');
    return 2;
  }
  const target = operatorTables(values);
  if (target === undefined) return 2;
  const { client, table } = target;
  const report = await backfillWorkshopCounts(new DynamoMeetingRepository(client, table), new ChoiceBackfillRepository(client, table), {
    meetingId: values.meeting,
    apply: values.apply,
    ...pagingOf(values),
    log: (line) => console.error(JSON.stringify(line)),
  });
  console.log(JSON.stringify(report));
  return report.busy.length > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
