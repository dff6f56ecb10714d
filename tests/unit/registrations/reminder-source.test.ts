import { describe, expect, it } from 'vitest';
import { MeetingInputSchema, type Meeting } from '#shared/domain/meetings/schema.ts';
import type { DeliverMessage } from '#shared/domain/reminders/model.ts';
import { MeetingReminderSource, meetingStart, planMeeting, type MeetingReminderCatalog } from '#shared/domain/registrations/reminder-source.ts';
import { registrationCalendar } from '#shared/domain/registrations/calendar.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import club12 from '#tests/fixtures/admin-meeting-club-12.json' with { type: 'json' };
import { BASE_URL, club12Meeting, promotedRegistration } from '../notifications/fakes.ts';

const withReminders = (): Meeting => ({
  ...club12Meeting(),
  reminders: [{ days_before: 7, at: '09:00' }, { days_before: 1, at: '18:00' }],
});

describe('meeting reminders: planning', () => {
  it('accepts a reminders list in the PUT body and keeps it out when absent', () => {
    const parsed = MeetingInputSchema.parse({ ...club12, reminders: [{ days_before: '7', at: '09:00' }] });
    expect(parsed.reminders).toEqual([{ days_before: 7, at: '09:00' }]);
    expect(MeetingInputSchema.parse(club12).reminders).toBeUndefined();
    const bad = MeetingInputSchema.safeParse({ ...club12, reminders: [{ days_before: 7, at: '9h' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['reminders', 0]);
  });

  it('counts days before the first day, at local time', () => {
    const meeting = withReminders();
    expect(meetingStart(meeting)?.toISOString()).toBe('2025-06-06T22:00:00.000Z');
    expect(planMeeting(meeting, [], new Date('2025-05-01T00:00:00Z'))).toEqual({
      fanOut: [],
      skip: [],
      nextDueAt: '2025-05-31T07:00:00.000Z',
    });
    const plan = planMeeting(meeting, [], new Date('2025-05-31T07:00:00Z'));
    expect(plan.fanOut.map((d) => [d.subject, d.kind, d.rule, d.sequence])).toEqual([['club-12', 'reminder', '7d-0900', 0]]);
    expect(plan.nextDueAt).toBe('2025-06-06T16:00:00.000Z');
  });

  it('plans nothing for a meeting without reminders or once it started', () => {
    expect(planMeeting(club12Meeting(), [], new Date('2025-05-31T07:00:00Z'))).toEqual({ fanOut: [], skip: [], nextDueAt: null });
    expect(planMeeting(withReminders(), [], new Date('2025-06-07T08:00:00Z'))).toEqual({ fanOut: [], skip: [], nextDueAt: null });
  });
});

describe('meeting reminders: composing', () => {
  const registration = promotedRegistration();
  const catalog = (reg: Registration): MeetingReminderCatalog => ({
    meetings: { findMeeting: async () => withReminders(), findMeetingWithMessages: async () => ({ meeting: withReminders(), messages: [] }) },
    registrations: {
      pageByMeeting: async () => ({ registrations: [reg], cursor: null }),
      findById: async (id) => (id === reg.id ? reg : undefined),
      waitingPositions: async () => new Map([['workshop:socle-personnes-morales', 2]]),
    },
  });
  const message: DeliverMessage = {
    type: 'reminder.deliver',
    owner_kind: 'meeting',
    owner_id: 'club-12',
    subject: 'club-12',
    kind: 'reminder',
    rule: '7d-0900',
    sequence: 0,
    recipient: registration.id,
  };
  const now = new Date('2025-05-31T07:00:00Z');

  it('reminds a registrant of their days, workshops, waiting position and personal calendar link', async () => {
    const composed = await new MeetingReminderSource(catalog(registration), BASE_URL, registrationCalendar).compose(message, now);
    if (composed.status !== 'send') throw new Error(`expected an email, got ${composed.reason}`);
    const mail = composed.email;
    expect(mail.to).toBe('camille.martin@ville.example.fr');
    expect(mail.subject).toMatch(/^Rappel : .+, 7 et 8 juin 2025$/);
    expect(mail.text).toContain('Bonjour Camille,');
    expect(mail.text).toContain('- Mercredi 7 juin : sur place, place confirmée');
    expect(mail.text).toMatch(/Atelier « .+ » \(.+\) : en liste d’attente \(position 2\)/);
    expect(mail.text).toContain(`${BASE_URL}/registrations/${registration.id}/calendar.ics?token=tok3n`);
    expect(mail.text).toContain('(demande n° 12-34)');
    // The personal calendar itself is attached (the same file as the link), not only linked.
    const [attachment] = mail.attachments ?? [];
    expect(attachment?.filename).toBe('club-12.ics');
    expect(attachment?.contentType).toBe('text/calendar; charset=UTF-8; method=PUBLISH');
    expect(new TextDecoder().decode(attachment?.content)).toBe(registrationCalendar(club12Meeting(), registration, { now }));
  });

  it('gives the video link of a day to the people attending it remotely, and to nobody on site', async () => {
    const VISIO = 'https://visio.example.org/club-12';
    const visioMeeting = (): Meeting => ({ ...withReminders(), days: withReminders().days.map((d) => ({ ...d, visio_url: `${VISIO}/${d.date}` })) });
    const compose = async (reg: Registration) => {
      const source = new MeetingReminderSource({ ...catalog(reg), meetings: { findMeeting: async () => visioMeeting(), findMeetingWithMessages: async () => ({ meeting: visioMeeting(), messages: [] }) } }, BASE_URL, registrationCalendar);
      const composed = await source.compose({ ...message, recipient: reg.id }, now);
      if (composed.status !== 'send') throw new Error(composed.reason);
      return composed.email;
    };
    const remote = promotedRegistration({ days: [{ date: '2025-06-07', mode: 'onsite' }, { date: '2025-06-08', mode: 'remote' }] });
    const mail = await compose(remote);
    expect(mail.text).toContain(`${VISIO}/2025-06-08`);
    expect(mail.html).toContain(`href="${VISIO}/2025-06-08"`);
    expect(mail.text).not.toContain(`${VISIO}/2025-06-07`);
    const onsite = await compose(promotedRegistration({ days: [{ date: '2025-06-07', mode: 'onsite' }, { date: '2025-06-08', mode: 'onsite' }] }));
    expect(onsite.text).not.toContain(VISIO);
    expect(onsite.html).not.toContain(VISIO);
  });

  it('refuses to compose without a calendar renderer (a source built for planning only)', async () => {
    await expect(new MeetingReminderSource(catalog(registration), BASE_URL).compose(message, now)).rejects.toThrow(/planning only/);
  });

  it('sends nothing to a cancelled registration', async () => {
    const cancelled = promotedRegistration({ state: 'cancelled' });
    const composed = await new MeetingReminderSource(catalog(cancelled), BASE_URL, registrationCalendar).compose(message, now);
    expect(composed).toEqual({ status: 'skip', reason: 'registration-cancelled', to: cancelled.email });
  });
});
