// Hostile series rules (issue 13): every part of an RFC 5545 rule is checked against its
// grammar and range before rrule expands it, and the expansion itself is bounded (periods
// walked and time), so that no rule can hold a function at 100 % CPU. The schema is run in a
// child process with a hard timeout: before the fix `INTERVAL=-1` never returned.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkRuleText,
  MAX_EXPANSION_YEARS,
  ruleDates,
  RuleExpansionLimitError,
} from '#shared/domain/sessions/recurrence.ts';

const probe = fileURLToPath(new URL('./support/parse-series-rules.ts', import.meta.url));

function parseInChild(rules: string[]): Array<{ rrule: string; ms: number; issues: Array<{ path: string; message: string }> }> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', probe, ...rules], {
    timeout: 30_000,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

// Each refused with a French message naming the faulty part.
const MALFORMED: Array<[string, RegExp]> = [
  ['FREQ=DAILY;INTERVAL=-1', /INTERVAL invalide/],
  ['FREQ=DAILY;INTERVAL=1.5', /INTERVAL invalide/],
  ['FREQ=DAILY;INTERVAL=abc', /INTERVAL invalide/],
  ['FREQ=DAILY;INTERVAL=0', /INTERVAL invalide/],
  ['FREQ=DAILY;INTERVAL=99999999999999999999', /INTERVAL invalide/],
  ['FREQ=MONTHLY;BYMONTH=0', /BYMONTH invalide/],
  ['FREQ=MONTHLY;BYMONTH=13', /BYMONTH invalide/],
  ['FREQ=MONTHLY;BYMONTH=1.5', /BYMONTH invalide/],
  ['FREQ=MONTHLY;BYMONTHDAY=0', /BYMONTHDAY invalide/],
  ['FREQ=MONTHLY;BYMONTHDAY=-32', /BYMONTHDAY invalide/],
  ['FREQ=YEARLY;BYYEARDAY=367', /BYYEARDAY invalide/],
  ['FREQ=YEARLY;BYWEEKNO=54', /BYWEEKNO invalide/],
  ['FREQ=MONTHLY;BYDAY=TU;BYSETPOS=0', /BYSETPOS invalide/],
  ['FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-367', /BYSETPOS invalide/],
  ['FREQ=MONTHLY;BYDAY=54TU', /BYDAY invalide/],
  ['FREQ=MONTHLY;BYDAY=TU,,WE', /BYDAY invalide/],
  ['FREQ=MONTHLY;BYDAY=XX', /BYDAY invalide/],
  ['FREQ=WEEKLY;BYDAY=2TU', /ne s’emploie qu’avec FREQ=MONTHLY ou YEARLY/],
  ['FREQ=WEEKLY;BYMONTHDAY=1', /BYMONTHDAY ne s’emploie pas avec FREQ=WEEKLY/],
  ['FREQ=MONTHLY;BYYEARDAY=1', /BYYEARDAY ne s’emploie qu’avec FREQ=YEARLY/],
  ['FREQ=MONTHLY;BYWEEKNO=1', /BYWEEKNO ne s’emploie qu’avec FREQ=YEARLY/],
  ['FREQ=MONTHLY;BYSETPOS=1', /BYSETPOS ne s’emploie qu’avec une autre partie/],
  ['FREQ=WEEKLY;WKST=XX', /WKST invalide/],
  ['FREQ=DAILY;FREQ=WEEKLY', /FREQ apparaît deux fois/],
  ['FREQ=MONTHLY;BYDAY=TU;BYDAY=WE', /BYDAY apparaît deux fois/],
  ['FREQ=DAILY;X-NAME=1', /n’est pas de la forme NOM=VALEUR/],
  ['FREQ=DAILY;RSCALE=GREGORIAN', /RSCALE n’est pas une partie de règle RFC 5545/],
];
// Valid by the grammar, but their filters never match: rrule walked every period up to year
// 9999 looking for an instance (10 to 30 s of CPU each); now the walk stops at its bound.
const NEVER_MATCHING = [
  'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
  'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;BYDAY=MO',
  'FREQ=DAILY;BYMONTHDAY=1;BYSETPOS=2',
  'FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31',
];

describe('hostile series rules', () => {
  it('every malformed or never-matching rule is refused on `rrule`, promptly', () => {
    const results = parseInChild([...MALFORMED.map(([rule]) => rule), ...NEVER_MATCHING]);
    for (const [rule, message] of MALFORMED) {
      const result = results.find((r) => r.rrule === rule);
      expect(result?.issues.filter((i) => i.path === 'rrule').map((i) => i.message), rule).toEqual([expect.stringMatching(message)]);
    }
    for (const rule of NEVER_MATCHING) {
      const result = results.find((r) => r.rrule === rule);
      expect(result?.issues.filter((i) => i.path === 'rrule').map((i) => i.message), rule).toEqual([expect.stringMatching(/trop coûteuse/)]);
    }
    // Generous under a loaded machine; each took 10 s to forever before.
    for (const r of results) expect(r.ms, r.rrule).toBeLessThan(5_000);
  }, 40_000);

  it('accepts the RFC forms a series uses: ranks, negatives, lower case, RRULE: prefix, WKST', () => {
    for (const rule of [
      'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
      'FREQ=MONTHLY;BYDAY=-1FR',
      'FREQ=MONTHLY;BYDAY=+2TU',
      'freq=monthly;byday=tu;bysetpos=-1',
      'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;WKST=SU',
      'FREQ=YEARLY;BYWEEKNO=-53,1;BYDAY=MO',
      'FREQ=YEARLY;BYYEARDAY=-1',
      'FREQ=MONTHLY;BYMONTHDAY=-31,15',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
      `FREQ=DAILY;INTERVAL=1000`,
    ]) {
      expect(checkRuleText(rule), rule).toBeUndefined();
    }
  });

  it('the expansion itself stops at its bound: a rule that passed validation cannot run away', () => {
    const started = performance.now();
    const def = { timezone: 'Europe/Paris', rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', dtstart: '2027-01-01T14:00' };
    expect(() => ruleDates(def, { toDate: '2037-01-01' })).toThrow(RuleExpansionLimitError);
    expect(performance.now() - started).toBeLessThan(5_000);
    const error = (() => {
      try {
        ruleDates(def);
      } catch (e) {
        return e as RuleExpansionLimitError;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ statusCode: 400, code: 'invalid-request', details: { errors: [{ path: 'rrule' }] } });
  });

  it('the bound leaves room for legitimate sparse rules: a leap-day series over a century', () => {
    const def = { timezone: 'Europe/Paris', rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29', dtstart: '2027-01-01T14:00' };
    const dates = ruleDates(def, { toDate: '2127-01-01' });
    expect(dates).toHaveLength(24); // 2028 to 2124, 2100 excepted
    expect(dates[0]).toBe('2028-02-29');
    expect(MAX_EXPANSION_YEARS).toBeGreaterThanOrEqual(100);
  });
});
