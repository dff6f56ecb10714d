// Wall-clock time in a named time zone, both ways, through Intl only (no date library in the
// page): what a datetime field shows for an instant, and the instant a field's value means.

/** The wall-clock `YYYY-MM-DDTHH:MM` of `iso` in `timeZone` (a datetime-local field's value). */
export function wallClock(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}`;
}

/**
 * The instant of wall-clock `local` (`YYYY-MM-DDTHH:MM`) in `timeZone`, as ISO 8601 UTC. The
 * zone's offset is read back through Intl, twice, so that an offset change between the first
 * guess and the answer (daylight saving) is followed. A time skipped by the spring change
 * lands one hour later, as calendars do.
 */
export function instantOf(local: string, timeZone: string): string {
  const asUtc = Date.parse(`${local}:00Z`);
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const shown = Date.parse(`${wallClock(new Date(guess).toISOString(), timeZone)}:00Z`);
    guess = asUtc - (shown - guess);
  }
  return new Date(guess).toISOString();
}
