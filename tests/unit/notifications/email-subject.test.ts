// Issue 13 (low): email subjects carried raw line feeds from titles and topics. Every email
// takes its subject from composeEmail, which folds them (and every other control) to spaces.
import { describe, expect, it } from 'vitest';
import { composeEmail, subjectLine } from '#shared/domain/notifications/email-text.ts';
import { promotionEmail } from '#shared/domain/notifications/promotion.ts';
import { registrationAnswer } from '#shared/domain/registrations/answer.ts';
import { meetingReminderEmail } from '#shared/domain/registrations/reminder-source.ts';
import { sessionEmail } from '#shared/domain/sessions/reminder-email.ts';
import { BASE_URL, club12Meeting, promotedRegistration, promotionContext } from './fakes.ts';

const ONE_LINE = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;

describe('email subjects', () => {
  it('fold CR, LF, tabs, other controls and line separators to one space', () => {
    expect(subjectLine('Rappel : Club\r\nBcc: x@evil.example')).toBe('Rappel : Club Bcc: x@evil.example');
    expect(subjectLine('A\nB\rC\tD\u2028E\u2029F\u0000G\u0085H\u202eI\u200bJ')).toBe('A B C D E F G H I J');
    expect(subjectLine('  Titre   sur\n\n  deux lignes  ')).toBe('Titre sur deux lignes');
    expect(subjectLine('Inscription confirmée : « Club » 2027')).toBe('Inscription confirmée : « Club » 2027');
  });

  it('composeEmail answers the folded subject, also in the HTML title', () => {
    const email = composeEmail('Votre avis sur « Club\nLyon »', ['Bonjour,']);
    expect(email.subject).toBe('Votre avis sur « Club Lyon »');
    expect(email.html).toContain('<title>Votre avis sur « Club Lyon »</title>');
  });

  it('every email builder sends a one-line subject when a title or topic holds line feeds', () => {
    const meeting = { ...club12Meeting(), title: '12e Club\r\nutilisateurs\nPublik' };
    const registration = promotedRegistration();
    const reminder = meetingReminderEmail(meeting, registration, registrationAnswer(registration, meeting, new Map(), BASE_URL, false), 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    expect(reminder.subject).toMatch(ONE_LINE);
    expect(reminder.subject).toContain('12e Club utilisateurs Publik');

    const ctx = promotionContext();
    const promoted = promotionEmail({ ...ctx, meeting: { ...ctx.meeting, title: 'Club\nCc: someone' } });
    expect(promoted.subject).toMatch(ONE_LINE);

    const session = sessionEmail({
      kind: 'update',
      series: { id: 'club', title: 'Sessions\nen ligne', timezone: 'Europe/Paris', reminders: [] },
      occurrence: {
        id: 'club-2027-01-12',
        series_id: 'club',
        starts_at: '2027-01-12T14:00:00+01:00',
        ends_at: '2027-01-12T15:30:00+01:00',
        topic: 'Le nouveau\r\nportail agent',
        visio_url: 'https://visio.example.org/club-publik',
        cancelled: false,
        sequence: 1,
      },
      subscriber: { id: 's1', series_id: 'club', email: 'camille@ville.example.fr', unsubscribe_token: 'tok_abcdefghijklmnopqrstuv', active: true },
      baseUrl: BASE_URL,
      organizer: { name: 'Club utilisateurs Publik', email: 'club@example.org' },
      now: new Date('2027-01-05T08:00:00Z'),
    });
    expect(session.subject).toMatch(ONE_LINE);
    expect(session.subject).toContain('Le nouveau portail agent');
  });
});
