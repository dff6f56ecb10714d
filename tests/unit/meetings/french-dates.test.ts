// The French names of calendar dates are written out (no Intl on the first request's path):
// they must be exactly what luxon, over Intl, wrote before.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { FRENCH_MONTHS, FRENCH_WEEKDAYS } from '#shared/domain/french-calendar.ts';
import { frenchDateRange, frenchDayLabel } from '#shared/domain/meetings/views.ts';
import { frenchClock, frenchDate } from '#shared/domain/sessions/labels.ts';
import { isCalendarDate } from '#shared/domain/calendar-date.ts';

const viaIntl = (date: string) => DateTime.fromISO(date, { zone: 'UTC' }).setLocale('fr');
const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('fr-FR') + s.slice(1);

describe('French calendar dates without Intl', () => {
  it('has the month and weekday names Intl gives for fr', () => {
    const months = new Intl.DateTimeFormat('fr', { month: 'long', timeZone: 'UTC' });
    expect(FRENCH_MONTHS.map((_, m) => months.format(Date.UTC(2025, m, 15)))).toEqual([...FRENCH_MONTHS]);
    const weekdays = new Intl.DateTimeFormat('fr', { weekday: 'long', timeZone: 'UTC' });
    // 2025-06-01 is a Sunday.
    expect(FRENCH_WEEKDAYS.map((_, d) => weekdays.format(Date.UTC(2025, 5, 1 + d)))).toEqual([...FRENCH_WEEKDAYS]);
  });

  it('labels every day of a leap year and the next as luxon did', () => {
    for (let day = DateTime.fromISO('2028-01-01', { zone: 'UTC' }); day.year < 2030; day = day.plus({ days: 1 })) {
      const date = day.toISODate() as string;
      const dt = viaIntl(date);
      expect(frenchDayLabel(date)).toBe(capitalise(`${dt.toFormat('cccc')} ${dt.day === 1 ? '1er' : dt.day} ${dt.toFormat('LLLL')}`));
    }
  });

  it('writes session dates and times in a time zone as luxon did', () => {
    for (const zone of ['Europe/Paris', 'America/Cayenne', 'Pacific/Noumea']) {
      for (let t = DateTime.fromISO('2028-01-01T00:00:00Z'); t.year < 2029; t = t.plus({ hours: 37, minutes: 13 })) {
        const dt = t.setZone(zone).setLocale('fr');
        expect(frenchDate(dt)).toBe(`${dt.toFormat('cccc')} ${dt.day === 1 ? '1er' : dt.day} ${dt.toFormat('LLLL yyyy')}`);
        expect(frenchClock(dt)).toBe(`${dt.toFormat('H')} h ${dt.toFormat('mm')}`);
      }
    }
  });

  it('writes ranges across months and years as before', () => {
    expect(frenchDateRange(['2025-06-30', '2025-07-01'])).toBe('30 juin et 1er juillet 2025');
    expect(frenchDateRange(['2025-12-31', '2026-01-01'])).toBe('31 décembre et 1er janvier 2026');
    expect(frenchDateRange(['2025-08-07', '2025-08-08', '2025-08-09'])).toBe('7, 8 et 9 août 2025');
    expect(frenchDateRange([])).toBe('');
  });
});

describe('isCalendarDate', () => {
  it('agrees with luxon on valid and invalid dates', () => {
    const samples = ['2027-01-12', '2028-02-29', '2027-02-29', '2100-02-29', '2000-02-29', '2027-04-31', '2027-13-01', '2027-00-10', '2027-01-00', '0001-01-01', '0099-12-31', '9999-12-31', '2027-1-12', '27-01-12', '2027-01-12T00:00', ' 2027-01-12', ''];
    for (let d = DateTime.fromISO('2027-12-25', { zone: 'UTC' }); d.year < 2029; d = d.plus({ days: 1 })) samples.push(d.toISODate() as string);
    for (const s of samples) {
      const luxon = /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid;
      expect(isCalendarDate(s), s).toBe(luxon);
    }
  });
});
