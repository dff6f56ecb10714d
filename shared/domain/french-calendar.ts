// French names of weekdays and months, written out rather than asked of Intl: the first
// Intl.DateTimeFormat or Intl.NumberFormat of a process costs 10–20 ms each (ICU start-up),
// paid by the first request of every data source that shows a date (bench/README.md,
// cold-start). A unit test checks them against Intl's own French names. Pure.

/** Indexed like Date#getUTCDay: 0 = Sunday … 6 = Saturday (luxon's weekday % 7). */
export const FRENCH_WEEKDAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'] as const;

/** Indexed by month − 1. */
export const FRENCH_MONTHS = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin',
  'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
] as const;

/** `samedi` for 0 = Sunday … 6 = Saturday (luxon's 7 = Sunday also works). */
export const frenchWeekday = (weekday: number): string => FRENCH_WEEKDAYS[weekday % 7] as string;

/** `juin` for 6. */
export const frenchMonth = (month: number): string => FRENCH_MONTHS[month - 1] as string;
