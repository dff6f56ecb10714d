// The survey source of the reminder engine: planning the invitation and its reminders (pure),
// paging the eligible people, and composing at delivery (respondents and non-eligible skipped).
import { describe, expect, it } from 'vitest';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import type { DeliverMessage, DispatchRecord } from '#shared/domain/reminders/model.ts';
import { frenchClosingDay, planSurvey, SurveyInvitationSource, type SurveyInvitationCatalog } from '#shared/domain/surveys/invitation-source.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import { participationHash } from '#shared/domain/surveys/anonymity.ts';
import type { Survey } from '#shared/domain/surveys/schema.ts';
import type { OptOutLink } from '#shared/domain/surveys/ports.ts';
import { club12Meeting, promotedRegistration } from '../notifications/fakes.ts';
import { survey as surveyFixture } from '../surveys/fakes.ts';

// The contract example: send_at 2027-06-09 09:00 Paris, every 4 days, at most 2 reminders,
// closing 2027-06-30 23:59:59 Paris.
const SEND_AT = '2027-06-09T07:00:00.000Z';
const R1 = '2027-06-13T07:00:00.000Z';
const R2 = '2027-06-17T07:00:00.000Z';
const at = (iso: string, plusMinutes = 0) => new Date(Date.parse(iso) + plusMinutes * 60_000);

const record = (kind: 'invitation' | 'reminder', rule: string | null, dueAt: string, startsAt = '2027-06-30T21:59:59.000Z'): DispatchRecord => ({
  subject: 'club-12-avis',
  kind,
  rule,
  sequence: 0,
  dueAt,
  startsAt,
  status: 'done',
  queued: 3,
});
const summary = (plan: ReturnType<typeof planSurvey>) => ({
  fanOut: plan.fanOut.map((d) => [d.kind, d.rule]),
  skip: plan.skip.map((d) => [d.kind, d.rule, d.reason]),
  nextDueAt: plan.nextDueAt,
});

describe('survey invitations: planning', () => {
  it('is due first at send_at: the invitation, then r1 and r2 every reminder_after_days', () => {
    const s = surveyFixture();
    expect(summary(planSurvey(s, [], new Date('2027-06-01T00:00:00Z')))).toEqual({ fanOut: [], skip: [], nextDueAt: SEND_AT });
    const first = planSurvey(s, [], at(SEND_AT));
    expect(summary(first)).toEqual({ fanOut: [['invitation', null]], skip: [], nextDueAt: R1 });
    expect(first.fanOut[0]).toMatchObject({ subject: 'club-12-avis', sequence: 0, dueAt: SEND_AT, startsAt: '2027-06-30T21:59:59.000Z' });

    const sent = [record('invitation', null, SEND_AT)];
    expect(summary(planSurvey(s, sent, at(SEND_AT, 5)))).toEqual({ fanOut: [], skip: [], nextDueAt: R1 });
    expect(summary(planSurvey(s, sent, at(R1)))).toEqual({ fanOut: [['reminder', 'r1']], skip: [], nextDueAt: R2 });
    const both = [...sent, record('reminder', 'r1', R1)];
    expect(summary(planSurvey(s, both, at(R2)))).toEqual({ fanOut: [['reminder', 'r2']], skip: [], nextDueAt: null });
    // max_reminders reached: nothing more, ever.
    expect(summary(planSurvey(s, [...both, record('reminder', 'r2', R2)], new Date('2027-06-25T00:00:00Z')))).toEqual({
      fanOut: [],
      skip: [],
      nextDueAt: null,
    });
  });

  it('plans no reminder at or after closes_at, and nothing once the survey closed', () => {
    // Every 4 days from the 9th: 13, 17, 21, 25, 29; the 3 July is after the closing.
    const many = surveyFixture({ invitations: { ...surveyFixture().invitations, max_reminders: 10 } });
    const history = [record('invitation', null, SEND_AT)];
    const due = ['r1', 'r2', 'r3', 'r4', 'r5'].map((rule, k) => [rule, at(SEND_AT, (k + 1) * 4 * 1440).toISOString()] as const);
    let sent = history;
    for (const [rule, dueAt] of due) {
      const plan = planSurvey(many, sent, new Date(dueAt));
      expect(plan.fanOut.map((d) => d.rule)).toEqual([rule]);
      sent = [...sent, record('reminder', rule, dueAt)];
    }
    expect(planSurvey(many, sent, new Date('2027-06-29T08:00:00Z')).nextDueAt).toBeNull();

    // A reminder falling exactly on closes_at is not planned.
    const exact = surveyFixture({ closes_at: '2027-06-13T09:00:00+02:00' });
    expect(summary(planSurvey(exact, history, at(R1)))).toEqual({ fanOut: [], skip: [], nextDueAt: null });
    // Closed: nothing at all, not even a late invitation.
    expect(summary(planSurvey(surveyFixture(), [], new Date('2027-06-30T22:00:00Z')))).toEqual({ fanOut: [], skip: [], nextDueAt: null });
    // send_at after the closing: nothing.
    const late: Survey = { ...surveyFixture(), invitations: { ...surveyFixture().invitations, send_at: '2027-07-01T09:00:00+02:00' } };
    expect(planSurvey(late, [], new Date('2027-06-01T00:00:00Z')).nextDueAt).toBeNull();
  });

  it('missed ticks: only the latest due message is sent, the earlier ones are recorded skipped', () => {
    const s = surveyFixture();
    // Nothing ran between send_at and after r1: r1 only (it carries the link too).
    expect(summary(planSurvey(s, [], at(R1, 30)))).toEqual({
      fanOut: [['reminder', 'r1']],
      skip: [['invitation', null, 'missed']],
      nextDueAt: R2,
    });
    // Invitation sent, then nothing until after r2: r2 only, r1 skipped.
    expect(summary(planSurvey(s, [record('invitation', null, SEND_AT)], at(R2, 1)))).toEqual({
      fanOut: [['reminder', 'r2']],
      skip: [['reminder', 'r1', 'missed']],
      nextDueAt: null,
    });
  });

  it('a survey without usable invitations plans nothing; moving closes_at sends nothing again', () => {
    expect(summary(planSurvey(surveyFixture({ invitations: undefined }), [], at(SEND_AT)))).toEqual({ fanOut: [], skip: [], nextDueAt: null });
    // Stored before the PUT checked invitations: unusable ones are ignored.
    expect(summary(planSurvey({ ...surveyFixture(), invitations: { form_url: 'https://x.example.org/' } }, [], at(SEND_AT)))).toEqual({
      fanOut: [],
      skip: [],
      nextDueAt: null,
    });
    // Numbers as strings (w.c.s.) are read.
    const strings: Survey = { ...surveyFixture(), invitations: { ...surveyFixture().invitations, reminder_after_days: '4', max_reminders: '1' } };
    expect(planSurvey(strings, [record('invitation', null, SEND_AT)], at(R1)).fanOut.map((d) => d.rule)).toEqual(['r1']);
    // The invitation was sent under the old closing instant; the window is extended.
    const extended = surveyFixture({ closes_at: '2027-07-15T23:59:59+02:00' });
    expect(summary(planSurvey(extended, [record('invitation', null, SEND_AT)], at(SEND_AT, 10)))).toEqual({ fanOut: [], skip: [], nextDueAt: R1 });
  });
});

describe('survey invitations: audience and composing', () => {
  const KEY = 'unit-participation-key';
  const meeting: Meeting = club12Meeting();
  const people = {
    camille: promotedRegistration(),
    answered: promotedRegistration({ id: 'ranswered', email: 'Deja.Repondu@ville.example.fr', first_name: 'Dominique' }),
    cancelled: promotedRegistration({ id: 'rcancelled', email: 'annule@ville.example.fr', state: 'cancelled' }),
    checkedIn: promotedRegistration({ id: 'rcheckedin', email: 'venu@ville.example.fr', checked_in: { '2025-06-07': '2025-06-07T08:00:00Z' } }),
  };
  function catalog(s: Survey, optedOut: string[] = []): SurveyInvitationCatalog & { keyReads: number; links: { saved: Map<string, OptOutLink> } } {
    const saved = new Map<string, OptOutLink>();
    const c = {
      keyReads: 0,
      surveys: { findSurvey: async (id: string) => (id === s.id ? s : undefined) },
      links: {
        saved,
        saveLink: async (token: string, link: OptOutLink) => void saved.set(token, link),
        // Only the marker of the person who answered exists (the address was normalised).
        invitationState: async (surveyId: string, hash: string) => ({
          answered: hash === participationHash(KEY, surveyId, 'deja.repondu@ville.example.fr'),
          optedOut: optedOut.some((e) => participationHash(KEY, surveyId, e) === hash),
        }),
      },
      baseUrl: 'https://club.example.org',
      meetings: { findMeeting: async (id: string) => (id === meeting.id ? meeting : undefined) },
      registrations: {
        pageByMeeting: async (_meetingId: string, cursor: string | null) =>
          cursor === null
            ? { registrations: [people.camille, people.answered], cursor: 'p2' }
            : { registrations: [people.cancelled, people.checkedIn], cursor: null },
        findById: async (id: string) => Object.values(people).find((r) => r.id === id) as Registration | undefined,
      },
      participationKey: async () => {
        c.keyReads += 1;
        return KEY;
      },
    };
    return c;
  }
  const clubSurvey = (overrides: Record<string, unknown> = {}) => surveyFixture({ meeting_id: 'club-12', ...overrides });
  const message = (recipient: string, kind: 'invitation' | 'reminder' = 'invitation'): DeliverMessage => ({
    type: 'reminder.deliver',
    owner_kind: 'survey',
    owner_id: 'club-12-avis',
    subject: 'club-12-avis',
    kind,
    rule: kind === 'reminder' ? 'r1' : null,
    sequence: 0,
    recipient,
  });
  const now = at(SEND_AT);

  it('pages the eligible people: registered (not cancelled), or checked in only', async () => {
    const registered = new SurveyInvitationSource(catalog(clubSurvey()));
    const dispatch = { subject: 'club-12-avis', kind: 'invitation' as const, rule: null, sequence: 0, dueAt: SEND_AT, startsAt: null };
    expect(await registered.audience('club-12-avis', dispatch, null, 2)).toEqual({ recipients: ['rabcdefghijklmnopqrstuvwx', 'ranswered'], cursor: 'p2' });
    expect(await registered.audience('club-12-avis', dispatch, 'p2', 2)).toEqual({ recipients: ['rcheckedin'], cursor: null });
    const checkedIn = new SurveyInvitationSource(catalog(clubSurvey({ eligibility: 'checked-in' })));
    expect(await checkedIn.audience('club-12-avis', dispatch, null, 2)).toEqual({ recipients: [], cursor: 'p2' });
    expect(await checkedIn.audience('club-12-avis', dispatch, 'p2', 2)).toEqual({ recipients: ['rcheckedin'], cursor: null });
    expect(await registered.audience('gone', dispatch, null, 2)).toEqual({ recipients: [], cursor: null });
  });

  it('invites in French: survey and meeting titles, the form link, the closing day', async () => {
    const composed = await new SurveyInvitationSource(catalog(clubSurvey())).compose(message(people.camille.id), now);
    if (composed.status !== 'send') throw new Error(`expected an email, got ${composed.reason}`);
    const mail = composed.email;
    expect(mail.to).toBe('camille.martin@ville.example.fr');
    expect(mail.subject).toBe(`Votre avis sur « ${meeting.title} »`);
    expect(mail.text).toContain('Bonjour Camille,');
    expect(mail.text).toContain('« Votre avis sur le 12e club »');
    expect(mail.text).toContain(`« ${meeting.title} »`);
    expect(mail.text).toContain('jusqu’au mercredi 30 juin 2027');
    expect(mail.text).toContain('https://demarches.example.org/club/avis-12e-club/');
    expect(mail.text).toContain('Merci d’avance');
    // The body (above the unsubscribe footer, which names reminders) is no reminder.
    expect(mail.text.split('\n--\n')[0]).not.toMatch(/rappel/i);
    expect(mail.html).toContain('<a href="https://demarches.example.org/club/avis-12e-club/">');
  });

  it('carries the one-click link (List-Unsubscribe, RFC 8058, and in the text), the same for every email to that person; an opted-out person gets nothing', async () => {
    const c = catalog(clubSurvey());
    const source = new SurveyInvitationSource(c);
    const first = await source.compose(message(people.camille.id), now);
    const again = await source.compose(message(people.camille.id, 'reminder'), now);
    if (first.status !== 'send' || again.status !== 'send') throw new Error('expected emails');
    const [token, link] = [...c.links.saved.entries()][0] ?? [];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link).toEqual({ survey_id: 'club-12-avis', title: 'Votre avis sur le 12e club', participation: participationHash(KEY, 'club-12-avis', people.camille.email) });
    expect(c.links.saved.size).toBe(1);
    const url = `https://club.example.org/u/${token}`;
    for (const mail of [first.email, again.email]) {
      expect(mail.headers).toEqual([
        { name: 'List-Unsubscribe', value: `<${url}>` },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]);
      expect(mail.text).toContain(`Pour ne plus recevoir d’invitation ni de rappel pour cette enquête, en un clic : ${url}`);
      expect(mail.html).toContain(`<a href="${url}">`);
    }
    const out = new SurveyInvitationSource(catalog(clubSurvey(), [people.camille.email]));
    expect(await out.compose(message(people.camille.id, 'reminder'), now)).toEqual({ status: 'skip', reason: 'unsubscribed', to: people.camille.email });
  });

  it('a reminder says it is one', async () => {
    const composed = await new SurveyInvitationSource(catalog(clubSurvey())).compose(message(people.camille.id, 'reminder'), now);
    if (composed.status !== 'send') throw new Error(`expected an email, got ${composed.reason}`);
    expect(composed.email.subject).toBe(`Rappel : votre avis sur « ${meeting.title} »`);
    expect(composed.email.text).toContain('Petit rappel');
    expect(composed.email.text).toContain('jusqu’au mercredi 30 juin 2027');
  });

  it('skips whoever answered (from the participation marker) and whoever is no longer eligible', async () => {
    const source = new SurveyInvitationSource(catalog(clubSurvey()));
    expect(await source.compose(message('ranswered', 'reminder'), now)).toEqual({ status: 'skip', reason: 'answered', to: people.answered.email });
    expect(await source.compose(message('rcancelled'), now)).toEqual({ status: 'skip', reason: 'not-eligible', to: people.cancelled.email });
    expect(await source.compose(message('nobody'), now)).toEqual({ status: 'skip', reason: 'registration-gone' });
    const checkedIn = new SurveyInvitationSource(catalog(clubSurvey({ eligibility: 'checked-in' })));
    expect(await checkedIn.compose(message(people.camille.id), now)).toMatchObject({ status: 'skip', reason: 'not-eligible' });
    expect(await checkedIn.compose(message('rcheckedin'), now)).toMatchObject({ status: 'send' });
    // After the closing, or another meeting's registration: nothing.
    expect(await source.compose(message(people.camille.id), new Date('2027-07-01T00:00:00Z'))).toMatchObject({ status: 'skip', reason: 'closed' });
    const other = new SurveyInvitationSource(catalog(clubSurvey({ meeting_id: 'club-13' })));
    expect(await other.compose(message(people.camille.id), now)).toMatchObject({ status: 'skip', reason: 'survey-gone' });
  });

  it('writes the closing day in the meeting zone; a midnight closing is the day before', () => {
    expect(frenchClosingDay('2027-06-30T23:59:59+02:00', 'Europe/Paris')).toBe('mercredi 30 juin 2027');
    expect(frenchClosingDay('2027-07-01T00:00:00+02:00', 'Europe/Paris')).toBe('mercredi 30 juin 2027');
    expect(frenchClosingDay('2027-07-01T12:00:00Z', 'Europe/Paris')).toBe('jeudi 1er juillet 2027');
  });
});
