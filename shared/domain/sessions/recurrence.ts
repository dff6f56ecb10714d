// Recurrence of a session series: the RFC 5545 rule is evaluated by the `rrule` library
// (maintained, the reference JavaScript implementation) on FLOATING wall-clock times, then
// each instance is placed in the series' time zone with luxon. rrule itself works in UTC: fed
// "14:00 UTC" standing for "14:00 local", every instance keeps 14:00 and no daylight-saving
// shift can creep in; luxon then gives the real instant (14:00+01:00 in January, 14:00+02:00
// in July). The rule may produce at most one instance per local day (BYHOUR, BYMINUTE and
// sub-daily frequencies are refused by the schema), so the local date identifies an occurrence.
import { DateTime } from 'luxon';
import { storedZone, type ZoneOffsets } from '#shared/domain/zone-offsets.ts';
import * as rruleModule from 'rrule';
import type { Options } from 'rrule';
import { InvalidRequestError } from '#shared/errors.ts';

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
  /** The zone's offsets stored with the series (zone-offsets.ts); absent on items stored before. */
  zone_offsets?: ZoneOffsets | undefined;
}

// RFC 5545 §3.3.10, the parts a series rule may carry, each with its grammar and range. A
// value outside them (INTERVAL=-1, INTERVAL=1.5, BYMONTH=13…) is refused before rrule sees
// it: rrule 2.8 accepts them and some make its expansion loop forever (a negative interval
// walks backwards and never reaches year 9999).
const WEEKDAY = '(?:MO|TU|WE|TH|FR|SA|SU)';
const signed = (digits: string) => new RegExp(`^[+-]?(${digits})$`);
const LIST_PARTS: Record<string, { item: RegExp; max: number; what: string }> = {
  BYMONTH: { item: /^(\d{1,2})$/, max: 12, what: 'mois de 1 à 12' },
  BYMONTHDAY: { item: signed('\\d{1,2}'), max: 31, what: 'jours du mois de 1 à 31 ou de -31 à -1' },
  BYYEARDAY: { item: signed('\\d{1,3}'), max: 366, what: 'jours de l’année de 1 à 366 ou de -366 à -1' },
  BYWEEKNO: { item: signed('\\d{1,2}'), max: 53, what: 'semaines de 1 à 53 ou de -53 à -1' },
  BYSETPOS: { item: signed('\\d{1,3}'), max: 366, what: 'positions de 1 à 366 ou de -366 à -1' },
};
const BYDAY_ITEM = new RegExp(`^(?:[+-]?(\\d{1,2}))?${WEEKDAY}$`);
/** Largest INTERVAL accepted: RFC 5545 sets none; a thousand periods is already centuries. */
export const MAX_INTERVAL = 1000;

/** Problems with a rule text, in French, for the 400 answer (`undefined`: the rule is fine). */
export function checkRuleText(text: string): string | undefined {
  const body = stripPrefix(text).toUpperCase();
  if (body === '' || /[\r\n]/.test(body)) return 'Règle de récurrence RFC 5545 attendue (exemple : FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2).';
  const parts = new Map<string, string>();
  for (const piece of body.split(';')) {
    const m = /^([A-Z]+)=(.+)$/.exec(piece.trim());
    if (!m) return `Règle de récurrence invalide : « ${piece.slice(0, 40)} » n’est pas de la forme NOM=VALEUR.`;
    const name = m[1] as string;
    if (parts.has(name)) return `Règle de récurrence invalide : ${name} apparaît deux fois.`;
    parts.set(name, (m[2] as string).trim());
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) return 'Règle de récurrence invalide : FREQ manque.';
  if (!(ALLOWED_FREQUENCIES as readonly string[]).includes(freq)) {
    return 'Fréquence non prise en charge : DAILY, WEEKLY, MONTHLY ou YEARLY (une séance par jour au plus).';
  }
  for (const [name, value] of parts) {
    const problem = checkPart(name, value, freq, parts);
    if (problem) return problem;
  }
  if (parts.has('BYSETPOS') && ![...parts.keys()].some((n) => n.startsWith('BY') && n !== 'BYSETPOS')) {
    return 'Règle de récurrence invalide : BYSETPOS ne s’emploie qu’avec une autre partie BYxxx (RFC 5545).';
  }
  try {
    const options = RRule.parseString(body);
    // The grammar is checked above; building one instance catches what rrule itself refuses
    // (bounded: a rule whose filters never match would walk to year 9999 looking for it).
    const rule = new RRule({ ...options, dtstart: new Date(Date.UTC(2027, 0, 1)), count: 1 });
    boundExpansion(rule);
    rule.all();
  } catch (error) {
    if (error instanceof RuleExpansionLimitError) return error.message;
    return 'Règle de récurrence invalide (RFC 5545).';
  }
  return undefined;
}

function checkPart(name: string, value: string, freq: string, parts: Map<string, string>): string | undefined {
  switch (name) {
    case 'FREQ':
      return undefined;
    case 'INTERVAL': {
      if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_INTERVAL) {
        return `INTERVAL invalide : un entier de 1 à ${MAX_INTERVAL} est attendu (reçu « ${value.slice(0, 20)} »).`;
      }
      return undefined;
    }
    case 'WKST':
      return new RegExp(`^${WEEKDAY}$`).test(value) ? undefined : `WKST invalide : MO, TU, WE, TH, FR, SA ou SU est attendu.`;
    case 'BYDAY': {
      for (const item of value.split(',')) {
        const m = BYDAY_ITEM.exec(item);
        if (!m) return `BYDAY invalide : « ${item.slice(0, 20)} » n’est pas un jour (MO…SU, précédé d’un rang facultatif).`;
        if (m[1] !== undefined) {
          const n = Number(m[1]);
          if (n < 1 || n > 53) return 'BYDAY invalide : le rang d’un jour va de 1 à 53 ou de -53 à -1.';
          if (freq !== 'MONTHLY' && freq !== 'YEARLY') return 'BYDAY invalide : un rang (2TU, -1FR) ne s’emploie qu’avec FREQ=MONTHLY ou YEARLY.';
          if (freq === 'YEARLY' && parts.has('BYWEEKNO')) return 'BYDAY invalide : pas de rang avec BYWEEKNO.';
        }
      }
      return undefined;
    }
    case 'BYMONTH':
    case 'BYMONTHDAY':
    case 'BYYEARDAY':
    case 'BYWEEKNO':
    case 'BYSETPOS': {
      const spec = LIST_PARTS[name] as (typeof LIST_PARTS)[string];
      for (const item of value.split(',')) {
        const m = spec.item.exec(item);
        const n = m ? Number(m[1]) : NaN;
        if (!(n >= 1 && n <= spec.max)) return `${name} invalide : « ${item.slice(0, 20)} » hors des valeurs permises (${spec.what}).`;
      }
      if (name === 'BYMONTHDAY' && freq === 'WEEKLY') return 'BYMONTHDAY ne s’emploie pas avec FREQ=WEEKLY (RFC 5545).';
      if (name === 'BYYEARDAY' && freq !== 'YEARLY') return 'BYYEARDAY ne s’emploie qu’avec FREQ=YEARLY (RFC 5545).';
      if (name === 'BYWEEKNO' && freq !== 'YEARLY') return 'BYWEEKNO ne s’emploie qu’avec FREQ=YEARLY (RFC 5545).';
      return undefined;
    }
    case 'BYHOUR':
    case 'BYMINUTE':
    case 'BYSECOND':
      return `${name} n’est pas pris en charge : l’heure de la séance est celle de dtstart.`;
    case 'UNTIL':
    case 'COUNT':
    case 'DTSTART':
      return `${name} ne se met pas dans la règle : utilisez les champs until, count ou dtstart.`;
    default:
      return `Règle de récurrence invalide : ${name.slice(0, 20)} n’est pas une partie de règle RFC 5545.`;
  }
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
 * How far one expansion may walk from dtstart, and the wall-clock time it may take. A rule
 * whose filters never match (BYMONTH=2;BYMONTHDAY=30) makes rrule walk every period up to
 * year 9999 without producing anything — 10 to 30 s of CPU for a daily rule — and the
 * instance callback never runs to stop it. Two centuries is more than any series needs (a
 * leap-day series still has its 48 sessions); the bound counts periods, so it is the same on
 * every machine, and the time budget is only the backstop under load.
 */
export const MAX_EXPANSION_YEARS = 200;
export const EXPANSION_TIME_BUDGET_MS = 2_000;
const PERIODS_PER_YEAR: Record<number, number> = { [RRule.YEARLY]: 1, [RRule.MONTHLY]: 12, [RRule.WEEKLY]: 53, [RRule.DAILY]: 366 };

/** The expansion of a rule went past its bounds: the rule is refused (400 naming `rrule`). */
export class RuleExpansionLimitError extends InvalidRequestError {
  constructor() {
    const message = `Règle de récurrence trop coûteuse : elle ne produit pas ses séances dans les ${MAX_EXPANSION_YEARS} ans qui suivent dtstart.`;
    super(message, [{ path: 'rrule', message }]);
  }
}

/**
 * Bounds rrule's own loop. rrule 2.8's `iter` reads `options.interval` once per period it
 * walks, matching or not — the one place its loop can be stopped from outside; the counting
 * getter throws past the bounds (tests/unit/sessions/recurrence-hostile.test.ts holds this
 * to the pinned version: a never-matching rule must still return promptly).
 */
function boundExpansion(rule: InstanceType<typeof RRule>): void {
  const options = rule.options;
  const interval = options.interval;
  const maxPeriods = Math.ceil((MAX_EXPANSION_YEARS * (PERIODS_PER_YEAR[options.freq] ?? 366)) / Math.max(interval, 1)) + 1;
  const started = Date.now();
  let reads = 0;
  Object.defineProperty(options, 'interval', {
    configurable: true,
    enumerable: true,
    get() {
      reads += 1;
      // Two reads per period walked (the loop's check and the date step).
      if (reads > 2 * maxPeriods) throw new RuleExpansionLimitError();
      if (reads % 256 === 0 && Date.now() - started > EXPANSION_TIME_BUDGET_MS) throw new RuleExpansionLimitError();
      return interval;
    },
  });
}

/**
 * Local dates (`YYYY-MM-DD`, ascending) of the rule's instances from `fromDate` to `toDate`
 * inclusive (either may be omitted), at most `MAX_OCCURRENCES + 1` of them (so a caller can
 * tell "too many"). Throws `RuleExpansionLimitError` past `MAX_EXPANSION_YEARS` of periods
 * or the time budget.
 */
export function ruleDates(def: RecurrenceDefinition, window: { fromDate?: string; toDate?: string } = {}): string[] {
  const rule = buildRule(def);
  boundExpansion(rule);
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

/** Whether the rule has an instance on this local date (a date beyond the expansion's bounds has none). */
export function isRuleDate(def: RecurrenceDefinition, date: string): boolean {
  try {
    return ruleDates(def, { fromDate: date, toDate: date }).length === 1;
  } catch (error) {
    if (error instanceof RuleExpansionLimitError) return false;
    throw error;
  }
}

/** Whether the series ends by itself (`until` or `count`). */
export const isBounded = (def: RecurrenceDefinition) => def.until !== undefined || def.count !== undefined;

export { localStart } from './wall-clock.ts';

/** The last local date the expansion covers at `now`: the end of a bounded series, else the horizon. */
export function horizonDate(def: RecurrenceDefinition, now: Date): string | undefined {
  if (isBounded(def)) return undefined;
  return DateTime.fromJSDate(now, { zone: storedZone(def) }).plus({ days: OPEN_ENDED_HORIZON_DAYS }).toISODate() as string;
}
