// Recurrence of a session series: the RFC 5545 rule is evaluated by the `rrule` library
// (maintained, the reference JavaScript implementation) on FLOATING wall-clock times, then
// each instance is placed in the series' time zone with luxon. rrule itself works in UTC: fed
// "14:00 UTC" standing for "14:00 local", every instance keeps 14:00 and no daylight-saving
// shift can creep in; luxon then gives the real instant (14:00+01:00 in January, 14:00+02:00
// in July). The rule may produce at most one instance per local day (BYHOUR, BYMINUTE and
// sub-daily frequencies are refused by the schema), so the local date identifies an occurrence.
import { DateTime } from 'luxon';
import * as rruleModule from 'rrule';
import type { Options } from 'rrule';

// rrule 2.8 ships CommonJS as `main` and extension-less ESM as `module`: Node (tests, tsx) sees
// the CommonJS exports under `default`, esbuild (the Lambda bundle) the ESM named exports.
const rrule: typeof rruleModule = (Reflect.get(rruleModule, 'default') as typeof rruleModule | undefined) ?? rruleModule;
const { RRule } = rrule;

/** Frequencies a series may use: one instance per day at most, so dates identify occurrences. */
export const ALLOWED_FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;

/** An open-ended series is expanded this far ahead of `now` (the contract asks ≥ 400 days). */
export const OPEN_ENDED_HORIZON_DAYS = 400;

/** Most occurrences one series may have (bounded series) or show in its horizon. */
export const MAX_OCCURRENCES = 1000;

/** What the expansion needs of a series definition. */
export interface RecurrenceDefinition {
  timezone: string;
  rrule: string;
  /** Local wall-clock start of the first instance, `YYYY-MM-DDTHH:MM`. */
  dtstart: string;
  /** Last local date (inclusive), `YYYY-MM-DD`. */
  until?: string | undefined;
  count?: number | undefined;
}

/** Problems with a rule text, in French, for the 400 answer (`undefined`: the rule is fine). */
export function checkRuleText(text: string): string | undefined {
  const body = stripPrefix(text);
  if (body === '' || /[\r\n]/.test(body)) return 'Règle de récurrence RFC 5545 attendue (exemple : FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2).';
  const parts = new Map<string, string>();
  for (const piece of body.split(';')) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(piece.trim());
    if (!m) return `Règle de récurrence invalide : « ${piece.slice(0, 40)} » n’est pas de la forme NOM=VALEUR.`;
    parts.set((m[1] as string).toUpperCase(), m[2] as string);
  }
  const freq = parts.get('FREQ')?.toUpperCase();
  if (freq === undefined) return 'Règle de récurrence invalide : FREQ manque.';
  if (!(ALLOWED_FREQUENCIES as readonly string[]).includes(freq)) {
    return 'Fréquence non prise en charge : DAILY, WEEKLY, MONTHLY ou YEARLY (une séance par jour au plus).';
  }
  for (const name of ['BYHOUR', 'BYMINUTE', 'BYSECOND']) {
    if (parts.has(name)) return `${name} n’est pas pris en charge : l’heure de la séance est celle de dtstart.`;
  }
  for (const name of ['UNTIL', 'COUNT', 'DTSTART']) {
    if (parts.has(name)) return `${name} ne se met pas dans la règle : utilisez les champs until, count ou dtstart.`;
  }
  try {
    const options = RRule.parseString(body);
    // parseString accepts some unknown values silently; building the rule validates the rest.
    new RRule({ ...options, dtstart: new Date(Date.UTC(2027, 0, 1)), count: 1 }).all();
  } catch {
    return 'Règle de récurrence invalide (RFC 5545).';
  }
  return undefined;
}

function stripPrefix(text: string): string {
  return text.trim().replace(/^RRULE:/i, '').trim();
}

/** `YYYY-MM-DDTHH:MM` → the same digits as a UTC Date (floating time). */
function floating(localDateTime: string): Date {
  const dt = DateTime.fromISO(localDateTime, { zone: 'UTC' });
  return dt.toJSDate();
}

const dateOf = (d: Date) => d.toISOString().slice(0, 10);

function buildRule(def: RecurrenceDefinition): InstanceType<typeof RRule> {
  const options: Partial<Options> = {
    ...RRule.parseString(stripPrefix(def.rrule)),
    dtstart: floating(def.dtstart),
  };
  if (def.until !== undefined) options.until = new Date(`${def.until}T23:59:59.999Z`);
  if (def.count !== undefined) options.count = def.count;
  return new RRule(options);
}

/**
 * Local dates (`YYYY-MM-DD`, ascending) of the rule's instances from `fromDate` to `toDate`
 * inclusive (either may be omitted), at most `MAX_OCCURRENCES + 1` of them (so a caller can
 * tell "too many").
 */
export function ruleDates(def: RecurrenceDefinition, window: { fromDate?: string; toDate?: string } = {}): string[] {
  const rule = buildRule(def);
  const out: string[] = [];
  // The iterator callback stops the expansion: an open-ended rule is never fully expanded.
  rule.all((date) => {
    const day = dateOf(date);
    if (window.toDate !== undefined && day > window.toDate) return false;
    if (window.fromDate === undefined || day >= window.fromDate) out.push(day);
    return out.length <= MAX_OCCURRENCES;
  });
  return out;
}

/** Whether the rule has an instance on this local date. */
export function isRuleDate(def: RecurrenceDefinition, date: string): boolean {
  return ruleDates(def, { fromDate: date, toDate: date }).length === 1;
}

/** Whether the series ends by itself (`until` or `count`). */
export const isBounded = (def: RecurrenceDefinition) => def.until !== undefined || def.count !== undefined;

/** The instant a local date at the series' start time stands for, ISO 8601 with offset. */
export function localStart(def: Pick<RecurrenceDefinition, 'timezone' | 'dtstart'>, date: string): string {
  const time = def.dtstart.slice(11, 16);
  // luxon moves a wall-clock time that does not exist (spring gap) forward by the gap.
  return DateTime.fromISO(`${date}T${time}`, { zone: def.timezone }).toISO({ suppressMilliseconds: true }) as string;
}

/** The last local date the expansion covers at `now`: the end of a bounded series, else the horizon. */
export function horizonDate(def: RecurrenceDefinition, now: Date): string | undefined {
  if (isBounded(def)) return undefined;
  return DateTime.fromJSDate(now, { zone: def.timezone }).plus({ days: OPEN_ENDED_HORIZON_DAYS }).toISODate() as string;
}
