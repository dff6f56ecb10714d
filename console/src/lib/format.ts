// French formatting of dates, numbers and percentages, in the time zone the data names.

const dateFormat = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-10` → « mardi 10 mars 2026 » (a calendar date: no time zone shift). */
export function formatDay(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  const key = 'day';
  let f = dateFormat.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    dateFormat.set(key, f);
  }
  return f.format(new Date(Date.UTC(y, m - 1, d)));
}

/** An instant on the wall clock of `timeZone` (default Paris): « 10/03/2026 14:00 ». */
export function formatInstant(iso: string, timeZone = 'Europe/Paris'): string {
  const key = `instant ${timeZone}`;
  let f = dateFormat.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short', timeZone });
    dateFormat.set(key, f);
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : f.format(date);
}

export const formatNumber = (n: number) => new Intl.NumberFormat('fr-FR').format(n);

/** 0.4567 → « 45,7 % ». */
export const formatPercent = (ratio: number) => new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
