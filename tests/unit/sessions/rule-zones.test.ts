// Issue 21 (cold start): the club's zones computed without Intl give the same offsets, instants
// and labels as luxon's IANA zones, and the data source's path builds no Intl.DateTimeFormat.
import { DateTime, IANAZone, Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { zoneOf } from '#shared/domain/rule-zones.ts';
import { occurrenceLabel } from '#shared/domain/sessions/labels.ts';
import { upcomingOccurrences } from '#shared/domain/sessions/occurrences.ts';
import { SeriesSchema, type Series } from '#shared/domain/sessions/schema.ts';

const ZONES = ['Europe/Paris', 'Europe/Brussels', 'Europe/Berlin', 'America/Martinique', 'America/Cayenne', 'Indian/Reunion', 'Pacific/Noumea', 'Pacific/Tahiti'];

describe('zoneOf', () => {
  it('gives the offsets of the IANA zone every 30 minutes around each transition, 2000–2040', () => {
    let checked = 0;
    const mismatches: string[] = [];
    for (const name of ZONES) {
      const zone = zoneOf(name);
      expect(typeof zone).not.toBe('string');
      const iana = IANAZone.create(name);
      const same = (ts: number) => {
        checked++;
        if ((zone as IANAZone).offset(ts) !== iana.offset(ts)) mismatches.push(`${name} ${new Date(ts).toISOString()}`);
      };
      for (let year = 2000; year <= 2040; year++) {
        for (const month of [2, 9]) {
          // The last Sunday of the month, ±1 day, every 30 minutes.
          const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
          const sunday = lastDay - new Date(Date.UTC(year, month, lastDay)).getUTCDay();
          const from = Date.UTC(year, month, sunday - 1);
          for (let ts = from; ts < from + 3 * 86_400_000; ts += 30 * 60_000) same(ts);
        }
        for (const ts of [Date.UTC(year, 0, 15, 12), Date.UTC(year, 6, 15, 12)]) same(ts);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(40_000);
  });

  it('local times to instants and back, the ambiguous and skipped hours included, as with the IANA zone', () => {
    const zone = zoneOf('Europe/Paris');
    for (const local of ['2027-03-28T01:30', '2027-03-28T02:30', '2027-03-28T03:30', '2027-10-31T01:30', '2027-10-31T02:30', '2027-10-31T03:30', '2027-01-12T14:00', '2027-07-14T09:15']) {
      const ours = DateTime.fromISO(local, { zone });
      const theirs = DateTime.fromISO(local, { zone: 'Europe/Paris' });
      expect(ours.toISO(), local).toBe(theirs.toISO());
      expect(ours.toUTC().setZone(zone).toISO()).toBe(theirs.toUTC().setZone('Europe/Paris').toISO());
    }
    expect(DateTime.fromMillis(Date.UTC(1995, 6, 1), { zone }).offset).toBe(120); // before 2000: the IANA zone decides
    expect(zoneOf('Asia/Tokyo')).toBe('Asia/Tokyo'); // other zones: luxon as before
  });
});

describe('the data source path', () => {
  const RealDTF = Intl.DateTimeFormat;
  afterEach(() => {
    Intl.DateTimeFormat = RealDTF;
  });

  it('builds the occurrences and their labels without any Intl.DateTimeFormat', () => {
    const series: Series = SeriesSchema.parse({
      id: 'jeudis',
      title: 'Les jeudis du club',
      timezone: 'Europe/Paris',
      dtstart: '2027-01-07T14:00:00',
      rrule: 'FREQ=WEEKLY;BYDAY=TH',
      duration_minutes: 90,
      default_topic: 'Questions ouvertes',
      visio_url: 'https://visio.example.org/club',
      reminders: [],
      created_at: '2026-12-01T00:00:00Z',
      updated_at: '2026-12-01T00:00:00Z',
    });
    Settings.resetCaches();
    let built = 0;
    Intl.DateTimeFormat = new Proxy(RealDTF, {
      construct(target, args) {
        built++;
        return Reflect.construct(target, args) as object;
      },
      apply(target, self, args) {
        built++;
        return Reflect.apply(target, self, args) as unknown;
      },
    });
    const occurrences = upcomingOccurrences(series, [], new Date('2027-03-20T10:00:00Z'));
    const labels = occurrences.slice(0, 3).map((o) => occurrenceLabel(o));
    expect(built).toBe(0);
    expect(occurrences[1]?.starts_at).toBe('2027-04-01T14:00:00+02:00'); // after the switch to summer time
    expect(occurrences[0]?.starts_at).toBe('2027-03-25T14:00:00+01:00');
    expect(labels[0]).toBe('Jeudi 25 mars 2027, 14 h 00 – 15 h 30 — Questions ouvertes');
  });
});
