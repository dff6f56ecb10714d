// Child-process probe for recurrence-hostile.test.ts: parses one series definition per rule
// given on the command line and prints, as JSON, the issues on `rrule` and the time each parse
// took. Run in a child so that a rule that loops forever (as `INTERVAL=-1` did) is killed by
// the parent's timeout and fails the test instead of freezing the test worker.
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';

const results = process.argv.slice(2).map((rrule) => {
  const started = performance.now();
  const parsed = SeriesInputSchema.safeParse({
    title: 'Sessions en ligne du club',
    timezone: 'Europe/Paris',
    rrule,
    dtstart: '2027-01-12T14:00',
    duration_minutes: 90,
    visio_url: 'https://visio.example.org/club-publik',
  });
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return { rrule, ms: Math.round(performance.now() - started), issues };
});
process.stdout.write(JSON.stringify(results));
