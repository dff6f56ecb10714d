// The emails of session series (French, text and HTML) with their iCalendar invitation:
// METHOD:REQUEST (reminder, update, confirmation) or METHOD:CANCEL, a stable UID per
// occurrence, its SEQUENCE, DTSTART/DTEND in the series' zone, SUMMARY, URL and a VALARM; and
// the one-click unsubscribe link in the text and in the List-Unsubscribe headers (RFC 8058).
import ical, { ICalAlarmType, ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import type { EmailMessage } from '#shared/domain/notifications/ports.ts';
import { vtimezone } from '#shared/domain/registrations/calendar.ts';
import type { SessionOccurrenceView, SessionSeriesView, SessionSubscriberView } from './catalog-views.ts';
import { composeEmail } from '#shared/domain/notifications/email-text.ts';

export type SessionMessageKind = 'reminder' | 'update' | 'cancellation' | 'confirmation';

export interface SessionEmailInput {
  kind: SessionMessageKind;
  series: SessionSeriesView;
  occurrence: SessionOccurrenceView;
  subscriber: SessionSubscriberView;
  baseUrl: string;
  organizer: { name: string; email: string };
  now: Date;
}

/** Minutes before the start at which the calendar alarm rings. */
export const ALARM_MINUTES = 15;

export const occurrenceUid = (occurrenceId: string) => `${occurrenceId}@publik-club`;
export const unsubscribeUrl = (baseUrl: string, token: string) => `${baseUrl}/u/${token}`;

/** « mardi 12 janvier 2027 à 14 h 00 » in the series' zone. */
export function frenchDateTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { setZone: true }).setZone(zone).setLocale('fr').toFormat("cccc d LLLL yyyy 'à' H 'h' mm");
}

function zoneNote(zone: string): string {
  return zone === 'Europe/Paris' ? 'heure de Paris' : `fuseau ${zone}`;
}

export function sessionCalendar(input: SessionEmailInput): string {
  const { kind, series, occurrence, subscriber, organizer, now } = input;
  const cancel = kind === 'cancellation';
  const zone = series.timezone;
  const start = DateTime.fromISO(occurrence.starts_at, { setZone: true }).setZone(zone);
  const end = DateTime.fromISO(occurrence.ends_at, { setZone: true }).setZone(zone);
  const calendar = ical({
    prodId: { company: 'Club utilisateurs Publik', product: 'publik-club', language: 'FR' },
    method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    timezone: { name: null, generator: (tz) => vtimezone(tz, { from: start.year, to: end.year }) },
  });
  const event = calendar.createEvent({
    id: occurrenceUid(occurrence.id),
    sequence: occurrence.sequence,
    stamp: now,
    start,
    end,
    timezone: zone,
    summary: occurrence.topic,
    description: `${series.title}\nVisioconférence : ${occurrence.visio_url}`,
    location: occurrence.visio_url,
    url: occurrence.visio_url,
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer,
    attendees: [
      {
        email: subscriber.email,
        ...(subscriber.first_name ? { name: subscriber.first_name } : {}),
        role: ICalAttendeeRole.REQ,
        status: ICalAttendeeStatus.NEEDSACTION,
        rsvp: false,
      },
    ],
  });
  if (!cancel) event.createAlarm({ type: ICalAlarmType.display, trigger: ALARM_MINUTES * 60, description: occurrence.topic });
  return calendar.toString();
}

/** The update's first line: the old start beside the new one when the session was moved. */
function updateIntro(topic: string, when: string, occurrence: SessionOccurrenceView, zone: string): string {
  const before = occurrence.previous_starts_at;
  const moved = before !== undefined && Date.parse(before) !== Date.parse(occurrence.starts_at);
  const change = moved ? `elle aura lieu le ${when} au lieu du ${frenchDateTime(before, zone)}` : `elle aura lieu le ${when}`;
  return `La session « ${topic} » a changé : ${change} (${zoneNote(zone)}). L’invitation jointe met à jour votre agenda.`;
}

export function sessionEmail(input: SessionEmailInput): EmailMessage {
  const { kind, series, occurrence, subscriber, baseUrl } = input;
  const when = frenchDateTime(occurrence.starts_at, series.timezone);
  const topic = occurrence.topic;
  const link = unsubscribeUrl(baseUrl, subscriber.unsubscribe_token);
  const subject = {
    reminder: `Rappel : « ${topic} », ${when}`,
    update: `Changement : « ${topic} » aura lieu le ${when}`,
    cancellation: `Annulation : « ${topic} » du ${when}`,
    confirmation: `Inscription confirmée : ${series.title}`,
  }[kind];
  const intro = {
    reminder: `Nous vous rappelons la prochaine session en ligne du club : « ${topic} », le ${when} (${zoneNote(series.timezone)}).`,
    update: updateIntro(topic, when, occurrence, series.timezone),
    cancellation: `La session « ${topic} » prévue le ${when} (${zoneNote(series.timezone)}) est annulée. L’invitation jointe la retire de votre agenda.`,
    confirmation: `Votre inscription aux « ${series.title} » est enregistrée. Prochaine session : « ${topic} », le ${when} (${zoneNote(series.timezone)}).`,
  }[kind];
  const greeting = subscriber.first_name ? `Bonjour ${subscriber.first_name},` : 'Bonjour,';
  const visio = kind !== 'cancellation' && { text: 'Lien de la visioconférence :', href: occurrence.visio_url, label: occurrence.visio_url };
  const email = composeEmail(subject, [greeting, intro, visio], {
    text: 'Pour ne plus recevoir ces messages, désinscrivez-vous en un clic :',
    href: link,
    label: 'se désinscrire',
  });
  const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
  return {
    to: subscriber.email,
    ...email,
    attachments: [
      {
        filename: kind === 'cancellation' ? 'annulation.ics' : 'invitation.ics',
        contentType: `text/calendar; charset=UTF-8; method=${method}`,
        content: new TextEncoder().encode(sessionCalendar(input)),
      },
    ],
    headers: [
      { name: 'List-Unsubscribe', value: `<${link}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  };
}
