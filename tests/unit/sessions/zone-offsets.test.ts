// Issue 21 (cold start): a series stores its zone's UTC offsets when it is written, and the data
// source and the reminder tick place local times from them: the same offsets, instants and labels
// as luxon's IANA zones, without building any Intl.DateTimeFormat nor asking a zone anything.
import { DateTime, IANAZone, Settings } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { computeZoneOffsets, StoredOffsetsZone, storedZone } from '#shared/domain/zone-offsets.ts';
import { occurrenceLabel } from '#shared/domain/sessions/labels.ts';
import { upcomingOccurrences } from '#shared/domain/sessions/occurrences.ts';
import { planSeries } from '#shared/domain/sessions/reminder-source.ts';
import { seriesView, occurrenceView } from '#shared/domain/sessions/catalog-views.ts';
import { SeriesSchema, type Series } from '#shared/domain/sessions/schema.ts';
import { seriesZoneOffsets } from '#shared/domain/sessions/wall-clock.ts';

// Summer time (EU rule), fixed overseas offsets, the southern hemisphere, a half-hour change.
const ZONES = ['Europe/Paris', 'Europe/Brussels', 'America/Martinique', 'Indian/Reunion', 'Pacific/Noumea', 'America/Santiago', 'Australia/Lord_Howe', 'America/New_York'];
const FROM = Date.UTC(2024, 0, 1);
const UNTIL = Date.UTC(2046, 0, 1);

describe('stored zone offsets', () => {
  it('give the offsets of the IANA zone every 15 minutes around each change and twice a month, 2024–2045', () => {
    let checked = 0;
    const mismatches: string[] = [];
    for (const name of ZONES) {
      const stored = computeZoneOffsets(name, FROM, UNTIL);
      const zone = new StoredOffsetsZone(stored);
      const iana = IANAZone.create(name);
      const same = (ts: number) => {
        checked++;
        if (zone.offset(ts) !== iana.offset(ts)) mismatches.push(`${name} ${new Date(ts).toISOString()}`);
      };
      for (const change of stored.changes) {
        const at = Date.parse(change.at);
        for (let ts = at - 3 * 3_600_000; ts <= at + 3 * 3_600_000; ts += 15 * 60_000) same(ts);
      }
      for (let ts = FROM; ts < UNTIL; ts += 15 * 86_400_000) same(ts);
      if (name === 'Europe/Paris') expect(stored.changes).toHaveLength(44); // two a year
      if (name === 'Indian/Reunion') expect(stored.changes).toEqual([]);
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(5_000);
  });

  it('turn local times into instants and back as the IANA zone does, the skipped and repeated hours included', () => {
    const zone = new StoredOffsetsZone(computeZoneOffsets('Europe/Paris', FROM, UNTIL));
    for (const local of ['2027-03-28T01:30', '2027-03-28T02:30', '2027-03-28T03:30', '2027-10-31T01:30', '2027-10-31T02:30', '2027-10-31T03:30', '2027-01-12T14:00', '2027-07-14T09:15']) {
      const ours = DateTime.fromISO(local, { zone });
      const theirs = DateTime.fromISO(local, { zone: 'Europe/Paris' });
      expect(ours.toISO(), local).toBe(theirs.toISO());
      expect(ours.toUTC().setZone(zone).toISO()).toBe(theirs.toUTC().setZone('Europe/Paris').toISO());
    }
  });

  it('leave instants outside the stored window, and lists of another zone, to the IANA zone', () => {
    const stored = computeZoneOffsets('Europe/Paris', Date.UTC(2027, 0, 1), Date.UTC(2028, 0, 1));
    const zone = new StoredOffsetsZone(stored);
    expect(zone.covers(Date.UTC(2030, 6, 1))).toBe(false);
    expect(zone.offset(Date.UTC(2030, 6, 1))).toBe(120);
    expect(zone.offset(Date.UTC(2027, 6, 1))).toBe(120);
    expect(storedZone({ timezone: 'Europe/Paris', zone_offsets: stored })).toBeInstanceOf(StoredOffsetsZone);
    expect(storedZone({ timezone: 'America/Cayenne', zone_offsets: stored })).toBe('America/Cayenne');
    expect(storedZone({ timezone: 'Europe/Paris' })).toBe('Europe/Paris');
  });
});

const definition = {
  id: 'jeudis',
  title: 'Les jeudis du club',
  timezone: 'Europe/Paris',
  dtstart: '2027-01-07T14:00',
  rrule: 'FREQ=WEEKLY;BYDAY=TH',
  duration_minutes: 90,
  default_topic: 'Questions ouvertes',
  visio_url: 'https://visio.example.org/club',
  reminders: [
    { id: '7d-0900', days_before: 7, at: '09:00' },
    { id: '60m', minutes_before: 60 },
  ],
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
};

describe('the data source and the reminder tick', () => {
  const RealDTF = Intl.DateTimeFormat;
  afterEach(() => {
    Intl.DateTimeFormat = RealDTF;
    vi.restoreAllMocks();
  });

  it('answer the same with the stored offsets as with the IANA zone (a series stored before)', () => {
    const before: Series = SeriesSchema.parse(definition);
    const after: Series = SeriesSchema.parse({ ...definition, zone_offsets: seriesZoneOffsets(definition, new Date('2026-12-01T00:00:00Z')) });
    const now = new Date('2027-03-20T10:00:00Z');
    const old = upcomingOccurrences(before, [], now);
    const stored = upcomingOccurrences(after, [], now);
    expect(stored).toEqual(old);
    expect(stored.length).toBeGreaterThan(50);
    expect(stored.map((o) => occurrenceLabel(o))).toEqual(old.map((o) => occurrenceLabel(o)));
    const plan = (s: Series, list: typeof old) => planSeries(seriesView(s), list.map(occurrenceView), [], now);
    expect(plan(after, stored)).toEqual(plan(before, old));
  });

  it('build the occurrences, their labels and the reminders’ due times without any Intl.DateTimeFormat nor zone computation', () => {
    const series: Series = SeriesSchema.parse({ ...definition, zone_offsets: seriesZoneOffsets(definition, new Date('2026-12-01T00:00:00Z')) });
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
    const asked = vi.spyOn(IANAZone.prototype, 'offset');
    const now = new Date('2027-03-20T10:00:00Z');
    const occurrences = upcomingOccurrences(series, [], now);
    const labels = occurrences.slice(0, 3).map((o) => occurrenceLabel(o));
    const plan = planSeries(seriesView(series), occurrences.map(occurrenceView), [], now);
    expect(built).toBe(0);
    expect(asked).not.toHaveBeenCalled();
    expect(occurrences[0]?.starts_at).toBe('2027-03-25T14:00:00+01:00');
    expect(occurrences[1]?.starts_at).toBe('2027-04-01T14:00:00+02:00'); // after the switch to summer time
    expect(labels[0]).toBe('Jeudi 25 mars 2027, 14 h 00 – 15 h 30 — Questions ouvertes');
    // « 7 days before at 09:00 » of the 1 April session: 25 March, 09:00 in winter time.
    expect(plan.nextDueAt).toBe('2027-03-25T08:00:00.000Z');
  });
});
