import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { frenchDateTime, sessionEmail, type SessionEmailInput } from '#shared/domain/sessions/reminder-email.ts';

const input = (over: Partial<SessionEmailInput> = {}): SessionEmailInput => ({
  kind: 'reminder',
  series: { id: 'club', title: 'Sessions en ligne du club', timezone: 'Europe/Paris', reminders: [] },
  occurrence: {
    id: 'club-2027-01-12',
    series_id: 'club',
    starts_at: '2027-01-12T14:00:00+01:00',
    ends_at: '2027-01-12T15:30:00+01:00',
    topic: 'Le nouveau portail agent',
    visio_url: 'https://visio.example.org/club-publik',
    cancelled: false,
    sequence: 0,
  },
  subscriber: {
    id: 's1',
    series_id: 'club',
    email: 'camille@ville.example.fr',
    first_name: 'Camille',
    unsubscribe_token: 'tok_abcdefghijklmnopqrstuv',
    active: true,
  },
  baseUrl: 'https://club.example.org',
  organizer: { name: 'Club utilisateurs Publik', email: 'club@example.org' },
  now: new Date('2027-01-05T08:00:00Z'),
  ...over,
});

function parseCalendar(content: Uint8Array) {
  const component = new ICAL.Component(ICAL.parse(new TextDecoder().decode(content)));
  const vevent = component.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { component, vevent, event: new ICAL.Event(vevent) };
}

describe('session emails', () => {
  it('formats the date in the series zone, in French', () => {
    expect(frenchDateTime('2027-01-12T13:00:00Z', 'Europe/Paris')).toBe('mardi 12 janvier 2027 à 14 h 00');
    expect(frenchDateTime('2027-07-06T07:30:00Z', 'Europe/Paris')).toBe('mardi 6 juillet 2027 à 9 h 30');
  });

  it('reminds in French with the topic, date, visio URL and a one-click unsubscribe link (text and headers)', () => {
    const mail = sessionEmail(input());
    expect(mail.to).toBe('camille@ville.example.fr');
    expect(mail.subject).toBe('Rappel : « Le nouveau portail agent », mardi 12 janvier 2027 à 14 h 00');
    expect(mail.text).toContain('Bonjour Camille,');
    expect(mail.text).toContain('le mardi 12 janvier 2027 à 14 h 00 (heure de Paris)');
    expect(mail.text).toContain('Lien de la visioconférence : https://visio.example.org/club-publik');
    expect(mail.text).toContain('https://club.example.org/u/tok_abcdefghijklmnopqrstuv');
    expect(mail.html).toContain('href="https://club.example.org/u/tok_abcdefghijklmnopqrstuv"');
    expect(mail.headers).toEqual([
      { name: 'List-Unsubscribe', value: '<https://club.example.org/u/tok_abcdefghijklmnopqrstuv>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('attaches an iCalendar REQUEST with a stable UID, SEQUENCE, times in the zone, SUMMARY, URL and a VALARM', () => {
    const [attachment] = sessionEmail(input()).attachments ?? [];
    expect(attachment?.contentType).toBe('text/calendar; charset=UTF-8; method=REQUEST');
    const { component, vevent, event } = parseCalendar(attachment!.content);
    expect(component.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe('club-2027-01-12@publik-club');
    expect(event.sequence).toBe(0);
    expect(event.summary).toBe('Le nouveau portail agent');
    expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Paris');
    expect(event.startDate.toString()).toBe('2027-01-12T14:00:00');
    expect(event.endDate.toString()).toBe('2027-01-12T15:30:00');
    expect(vevent.getFirstPropertyValue('url')).toBe('https://visio.example.org/club-publik');
    const alarm = vevent.getFirstSubcomponent('valarm');
    expect(alarm?.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(String(alarm?.getFirstPropertyValue('trigger'))).toBe('-PT15M');
    expect(component.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Paris');
  });

  it('announces a move with the same UID and a raised SEQUENCE', () => {
    const moved = input({
      kind: 'update',
      occurrence: { ...input().occurrence, starts_at: '2027-01-14T14:00:00+01:00', ends_at: '2027-01-14T15:00:00+01:00', sequence: 1 },
    });
    const mail = sessionEmail(moved);
    expect(mail.subject).toBe('Changement : « Le nouveau portail agent » aura lieu le jeudi 14 janvier 2027 à 14 h 00');
    const { event } = parseCalendar(mail.attachments![0]!.content);
    expect(event.uid).toBe('club-2027-01-12@publik-club');
    expect(event.sequence).toBe(1);
    expect(event.startDate.toString()).toBe('2027-01-14T14:00:00');
  });

  it('gives the old date beside the new one when the session was moved', () => {
    const occurrence = { ...input().occurrence, starts_at: '2027-01-14T14:00:00+01:00', ends_at: '2027-01-14T15:00:00+01:00', sequence: 1 };
    const moved = sessionEmail(input({ kind: 'update', occurrence: { ...occurrence, previous_starts_at: '2027-01-12T13:00:00Z' } }));
    expect(moved.text).toContain(
      'La session « Le nouveau portail agent » a changé : elle aura lieu le jeudi 14 janvier 2027 à 14 h 00 au lieu du mardi 12 janvier 2027 à 14 h 00 (heure de Paris).',
    );
    expect(moved.html).toContain('au lieu du mardi 12 janvier 2027 à 14 h 00');
    // A change of duration alone (same start) says the time only once.
    const longer = sessionEmail(input({ kind: 'update', occurrence: { ...occurrence, previous_starts_at: occurrence.starts_at } }));
    expect(longer.text).not.toContain('au lieu du');
  });

  it('cancels with METHOD:CANCEL, STATUS:CANCELLED, the same UID and no alarm', () => {
    const mail = sessionEmail(input({ kind: 'cancellation', occurrence: { ...input().occurrence, cancelled: true, sequence: 2 } }));
    expect(mail.subject).toBe('Annulation : « Le nouveau portail agent » du mardi 12 janvier 2027 à 14 h 00');
    expect(mail.text).toContain('est annulée');
    expect(mail.attachments![0]!.contentType).toBe('text/calendar; charset=UTF-8; method=CANCEL');
    const { component, vevent, event } = parseCalendar(mail.attachments![0]!.content);
    expect(component.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.uid).toBe('club-2027-01-12@publik-club');
    expect(event.sequence).toBe(2);
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent.getFirstSubcomponent('valarm')).toBeNull();
  });
});
