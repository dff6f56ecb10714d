import { describe, expect, it } from 'vitest';
import example from '#tests/fixtures/admin-meeting-club-12.json' with { type: 'json' };
import { defineMeeting } from '#shared/domain/meetings/define.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { registrationCalendar, vtimezone } from '#shared/domain/registrations/calendar.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';

const now = new Date('2025-05-02T10:00:00Z');
const meeting = defineMeeting(
  'club-12',
  MeetingInputSchema.parse({
    ...example,
    evening_event: { ...example.evening_event, starts_at: '19:30', venue: 'La Péniche, Paris' },
    workshops: [
      ...example.workshops,
      { id: 'usagers', day: '2025-06-07', title: 'Usagers, démarches; GRU', starts_at: '10:00', ends_at: '12:00', capacity: 10, waiting_list: true },
      { id: 'api', day: '2025-06-08', title: 'API et connecteurs', starts_at: '09:30', ends_at: '11:00', capacity: 10, waiting_list: true },
    ],
  }),
  undefined,
  now,
);

const base: Registration = {
  id: 'rabcdefghijklmnopqrstuvwxyz',
  meeting_id: 'club-12',
  access_token: 'token',
  form_uuid: 'f1',
  email: 'alice@example.org',
  first_name: 'Alice',
  last_name: 'Dupont',
  organisation: 'Métropole de Lyon',
  days: [
    { date: '2025-06-07', mode: 'onsite' },
    { date: '2025-06-08', mode: 'remote' },
  ],
  workshops: ['usagers'],
  evening_event: true,
  items: [
    { key: 'day:2025-06-07', status: 'confirmed' },
    { key: 'remote:2025-06-08', status: 'confirmed' },
    { key: 'workshop:usagers', status: 'confirmed' },
    { key: 'evening', status: 'confirmed' },
  ],
  state: 'active',
  request_hash: 'h',
  checked_in: {},
  version: 4,
  created_at: '2025-05-01T08:00:00.000Z',
  updated_at: '2025-05-01T09:00:00.000Z',
};

interface Component {
  name: string;
  /** Property lines, unfolded, as [name with parameters, unescaped value]. */
  props: [string, string][];
  children: Component[];
}

/** A small RFC 5545 reader: unfolds lines, nests components, unescapes text values. */
function parseIcs(ics: string): Component {
  expect(ics.endsWith('END:VCALENDAR')).toBe(true);
  const lines = ics.replace(/\r\n[ \t]/g, '').split('\r\n');
  const stack: Component[] = [{ name: 'ROOT', props: [], children: [] }];
  for (const line of lines) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    const top = stack[stack.length - 1] as Component;
    if (key === 'BEGIN') {
      const child: Component = { name: value, props: [], children: [] };
      top.children.push(child);
      stack.push(child);
    } else if (key === 'END') {
      expect(top.name).toBe(value);
      stack.pop();
    } else {
      top.props.push([key, value.replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, '\n')]);
    }
  }
  expect(stack).toHaveLength(1);
  return stack[0]?.children[0] as Component;
}

const prop = (c: Component, name: string) => c.props.find(([k]) => k === name || k.startsWith(`${name};`));
const events = (cal: Component) => cal.children.filter((c) => c.name === 'VEVENT');
const byUid = (cal: Component) => new Map(events(cal).map((e) => [prop(e, 'UID')?.[1] as string, e]));

describe('registrationCalendar', () => {
  const ics = registrationCalendar(meeting, base, { now });
  const cal = parseIcs(ics);
  const uid = (key: string) => `${base.id}-${key}@publik-club`;

  it('is a published VCALENDAR with CRLF lines folded at 75 octets', () => {
    expect(cal.name).toBe('VCALENDAR');
    expect(prop(cal, 'VERSION')?.[1]).toBe('2.0');
    expect(prop(cal, 'METHOD')?.[1]).toBe('PUBLISH');
    expect(prop(cal, 'PRODID')?.[1]).toBe('-//Club utilisateurs Publik//publik-club//FR');
    expect(ics.split('\r\n').every((l) => Buffer.byteLength(l, 'utf8') <= 75)).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has one event per day, per confirmed workshop and for the evening, with stable UIDs', () => {
    expect([...byUid(cal).keys()].sort()).toEqual(
      [uid('day:2025-06-07'), uid('day:2025-06-08'), uid('workshop:usagers'), uid('evening')].sort(),
    );
    for (const e of events(cal)) {
      expect(prop(e, 'SEQUENCE')?.[1]).toBe('4');
      expect(prop(e, 'DTSTAMP')?.[1]).toBe('20250502T100000Z');
    }
  });

  it('shows days as all-day events, on site at the venue or remote', () => {
    const onsite = byUid(cal).get(uid('day:2025-06-07')) as Component;
    expect(prop(onsite, 'DTSTART')).toEqual(['DTSTART;VALUE=DATE', '20250607']);
    expect(prop(onsite, 'DTEND')).toEqual(['DTEND;VALUE=DATE', '20250608']);
    expect(prop(onsite, 'SUMMARY')?.[1]).toBe('12e Club utilisateurs Publik — Mercredi 7 juin (sur place)');
    expect(prop(onsite, 'LOCATION')?.[1]).toBe('Villejuif');
    expect(prop(onsite, 'STATUS')?.[1]).toBe('CONFIRMED');
    expect(prop(onsite, 'TRANSP')?.[1]).toBe('OPAQUE');
    const remote = byUid(cal).get(uid('day:2025-06-08')) as Component;
    expect(prop(remote, 'SUMMARY')?.[1]).toBe('12e Club utilisateurs Publik — Jeudi 8 juin (à distance)');
    expect(prop(remote, 'LOCATION')?.[1]).toBe('À distance');
  });

  it('gives the day\'s video link to the days attended remotely only', () => {
    const VISIO = 'https://visio.example.org/club-12-jour';
    const withVisio = { ...meeting, days: meeting.days.map((d) => ({ ...d, visio_url: `${VISIO}-${d.date}` })) };
    const parsed = byUid(parseIcs(registrationCalendar(withVisio, base, { now })));
    const remote = parsed.get(uid('day:2025-06-08')) as Component;
    expect(prop(remote, 'URL')?.[1]).toBe(`${VISIO}-2025-06-08`);
    expect(prop(remote, 'LOCATION')?.[1]).toBe(`${VISIO}-2025-06-08`);
    expect(prop(remote, 'DESCRIPTION')?.[1]).toContain(`Pour suivre la journée à distance : ${VISIO}-2025-06-08`);
    // The day on site carries no link, not even the link of its own date.
    const onsite = parsed.get(uid('day:2025-06-07')) as Component;
    expect(prop(onsite, 'URL')).toBeUndefined();
    expect(registrationCalendar(withVisio, base, { now }).replace(/\r\n /g, '')).not.toContain(`${VISIO}-2025-06-07`);
  });

  it('times workshops and the evening in the meeting zone with a TZID and its VTIMEZONE', () => {
    const workshop = byUid(cal).get(uid('workshop:usagers')) as Component;
    expect(prop(workshop, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Paris', '20250607T100000']);
    expect(prop(workshop, 'DTEND')).toEqual(['DTEND;TZID=Europe/Paris', '20250607T120000']);
    expect(prop(workshop, 'SUMMARY')?.[1]).toBe('Atelier : Usagers, démarches; GRU');
    const evening = byUid(cal).get(uid('evening')) as Component;
    expect(prop(evening, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Paris', '20250606T193000']);
    expect(prop(evening, 'DTEND')).toEqual(['DTEND;TZID=Europe/Paris', '20250606T223000']);
    expect(prop(evening, 'SUMMARY')?.[1]).toBe('Soirée de la veille — 12e Club utilisateurs Publik');
    expect(prop(evening, 'LOCATION')?.[1]).toBe('La Péniche, Paris');

    const zones = cal.children.filter((c) => c.name === 'VTIMEZONE');
    expect(zones).toHaveLength(1);
    const paris = zones[0] as Component;
    expect(prop(paris, 'TZID')?.[1]).toBe('Europe/Paris');
    const observances = paris.children.map((o) => [o.name, prop(o, 'DTSTART')?.[1], prop(o, 'TZOFFSETFROM')?.[1], prop(o, 'TZOFFSETTO')?.[1]]);
    expect(observances).toContainEqual(['DAYLIGHT', '20250330T020000', '+0100', '+0200']);
    expect(observances).toContainEqual(['STANDARD', '20251026T030000', '+0200', '+0100']);
  });

  it('keeps a workshop title that already says « Atelier »', () => {
    const reg: Registration = {
      ...base,
      days: [{ date: '2025-06-08', mode: 'onsite' }],
      workshops: ['socle-personnes-morales'],
      evening_event: false,
      items: [
        { key: 'day:2025-06-08', status: 'confirmed' },
        { key: 'workshop:socle-personnes-morales', status: 'confirmed' },
      ],
    };
    const summaries = events(parseIcs(registrationCalendar(meeting, reg, { now }))).map((e) => prop(e, 'SUMMARY')?.[1]);
    expect(summaries).toEqual(['12e Club utilisateurs Publik — Jeudi 8 juin (sur place)', 'Atelier 1 : Socle personnes morales']);
  });

  it('shows a waiting day as tentative and leaves out waiting workshops and evening', () => {
    const reg: Registration = {
      ...base,
      days: [
        { date: '2025-06-07', mode: 'onsite' },
        { date: '2025-06-08', mode: 'onsite' },
      ],
      workshops: ['usagers', 'api'],
      items: [
        { key: 'day:2025-06-07', status: 'waiting', ticket: 3 },
        { key: 'day:2025-06-08', status: 'confirmed' },
        { key: 'workshop:api', status: 'waiting', ticket: 1 },
        { key: 'evening', status: 'waiting', ticket: 2 },
      ],
    };
    const parsed = parseIcs(registrationCalendar(meeting, reg, { now }));
    expect([...byUid(parsed).keys()].sort()).toEqual([uid('day:2025-06-07'), uid('day:2025-06-08')].sort());
    const waiting = byUid(parsed).get(uid('day:2025-06-07')) as Component;
    expect(prop(waiting, 'STATUS')?.[1]).toBe('TENTATIVE');
    expect(prop(waiting, 'SUMMARY')?.[1]).toBe('12e Club utilisateurs Publik — Mercredi 7 juin (sur place, liste d’attente)');
    // No timed event left, and the VTIMEZONE only comes with a TZID that needs it.
    expect(parsed.children.some((c) => c.name === 'VTIMEZONE')).toBe(false);
  });

  it('has no event for a cancelled registration', () => {
    const parsed = parseIcs(registrationCalendar(meeting, { ...base, state: 'cancelled', items: [] }, { now }));
    expect(events(parsed)).toHaveLength(0);
  });

  it('converts times in another zone than the server’s', () => {
    const montreal = { ...meeting, timezone: 'America/Toronto' };
    const parsed = parseIcs(registrationCalendar(montreal, base, { now }));
    const workshop = byUid(parsed).get(uid('workshop:usagers')) as Component;
    expect(prop(workshop, 'DTSTART')).toEqual(['DTSTART;TZID=America/Toronto', '20250607T100000']);
    const zone = parsed.children.find((c) => c.name === 'VTIMEZONE') as Component;
    expect(prop(zone, 'TZID')?.[1]).toBe('America/Toronto');
    expect(zone.children.map((o) => [o.name, prop(o, 'DTSTART')?.[1], prop(o, 'TZOFFSETTO')?.[1]])).toContainEqual([
      'DAYLIGHT',
      '20250309T020000',
      '-0400',
    ]);
  });
});

describe('vtimezone', () => {
  it('describes a zone without daylight saving time with one standard observance', () => {
    const text = vtimezone('Asia/Tokyo', { from: 2025, to: 2025 }) as string;
    const zone = parseIcs(`BEGIN:VCALENDAR\r\n${text}\r\nEND:VCALENDAR`).children[0] as Component;
    expect(zone.children.map((o) => [o.name, prop(o, 'TZOFFSETFROM')?.[1], prop(o, 'TZOFFSETTO')?.[1]])).toEqual([
      ['STANDARD', '+0900', '+0900'],
    ]);
  });

  it('returns nothing for an unknown zone', () => {
    expect(vtimezone('Mars/Olympus', { from: 2025, to: 2025 })).toBeNull();
  });
});
