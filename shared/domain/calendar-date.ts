// Validity of a `YYYY-MM-DD` calendar date, without luxon: DateTime.fromISO(…).isValid starts
// Intl (the system locale, 10–30 ms of ICU start-up) just to check a date, on the first message
// of the reminders consumer (bench/README.md, cold-start). Pure.

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for an existing proleptic Gregorian date (`2028-02-29` yes, `2027-02-29` no). */
export function isCalendarDate(text: string): boolean {
  const m = CALENDAR_DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: years 0–99 are not shifted to 1900–1999.
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
