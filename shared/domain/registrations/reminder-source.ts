// The meeting source of the reminder engine: owner = subject = a meeting; the event is its
// first day (00:00 in the meeting's zone: a meeting has no daily hours), so « 7 days before at
// 09:00 » is 09:00 seven days before the first day. Audience: registrations not cancelled
// (confirmed or waiting); each reminder carries the person's days, workshops, waiting
// positions and personal calendar link, as the promotion email does.
import { DateTime } from 'luxon';
import { EVENING_KEY, dayKey, remoteKey, workshopKey } from '#shared/domain/meetings/items.ts';
import { chapterUrl, dayEnd, formatOffset } from '#shared/domain/meetings/programme.ts';
import type { MeetingMessage } from '#shared/domain/meetings/messages.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import type { EmailMessage } from '#shared/domain/notifications/ports.ts';
import { registrationStatusBlocks } from '#shared/domain/notifications/promotion.ts';
import { registrationAnswer, type RegistrationAnswer } from './answer.ts';
import type { RegistrationRepository } from './ports.ts';
import type { Registration } from './schema.ts';
import { frenchDateRange } from '#shared/domain/meetings/views.ts';
import type { DeliverMessage, Dispatch, DispatchRecord, Plan } from '#shared/domain/reminders/model.ts';
import { nothingPlanned, planTimedSubjects } from '#shared/domain/reminders/plan.ts';
import type { AudiencePage, Composition, ReminderSource } from '#shared/domain/reminders/ports.ts';
import { ruleDueAt, ruleId } from '#shared/domain/reminders/rules.ts';
import { composeEmail } from '#shared/domain/notifications/email-text.ts';

/** What the meeting source reads: the meeting, and its registrations a page at a time. */
export interface MeetingReminderCatalog {
  meetings: Pick<MeetingRepository, 'findMeeting' | 'findMeetingWithMessages'>;
  registrations: Pick<RegistrationRepository, 'pageByMeeting' | 'findById' | 'waitingPositions'>;
}

/** The meeting's start for reminders: its first day at 00:00 local. */
export function meetingStart(meeting: Meeting): Date | undefined {
  const first = [...meeting.days].map((d) => d.date).sort()[0];
  return first ? DateTime.fromISO(first, { zone: meeting.timezone }).toJSDate() : undefined;
}

/** Pure planning of a meeting's reminders and ad-hoc messages (exported for tests). */
export function planMeeting(meeting: Meeting, history: readonly DispatchRecord[], now: Date, messages: readonly MeetingMessage[] = []): Plan {
  const startsAt = meetingStart(meeting);
  const plan =
    !startsAt || !meeting.reminders || meeting.reminders.length === 0
      ? nothingPlanned()
      : planTimedSubjects(
          [{ id: meeting.id, startsAt, sequence: 0, cancelled: false, rules: meeting.reminders.map((r) => ({ id: ruleId(r), dueAt: ruleDueAt(r, startsAt, meeting.timezone) })) }],
          history,
          now,
        );
  // Each day's recording, once set: one dispatch after the day's end (rule = the day's date).
  const recordings = new Set(history.filter((r) => r.kind === 'recording').map((r) => r.rule));
  for (const day of meeting.days) {
    if (!day.recording_url || recordings.has(day.date)) continue;
    const dueAt = dayEnd(meeting, day.date).toISOString();
    if (Date.parse(dueAt) <= now.getTime()) plan.fanOut.push({ subject: meeting.id, kind: 'recording', rule: day.date, sequence: 0, dueAt, startsAt: null });
    else if (plan.nextDueAt === null || dueAt < plan.nextDueAt) plan.nextDueAt = dueAt;
  }
  // Each ad-hoc message is one dispatch, due when it was posted, fanned out once (the ledger
  // records the pair with a condition; the delivery markers make each person's email unique).
  const recorded = new Set(history.filter((r) => r.kind === 'message').map((r) => r.rule));
  for (const m of messages) {
    if (recorded.has(m.id)) continue;
    const dispatch = { subject: meeting.id, kind: 'message' as const, rule: m.id, sequence: 0, dueAt: m.created_at, startsAt: null };
    if (Date.parse(m.created_at) <= now.getTime()) plan.fanOut.push(dispatch);
    else if (plan.nextDueAt === null || m.created_at < plan.nextDueAt) plan.nextDueAt = m.created_at;
  }
  return plan;
}

/** Whether a registration belongs to an ad-hoc message's audience (held items only: confirmed or waiting). Pure. */
export function inMessageAudience(message: Pick<MeetingMessage, 'audience' | 'day' | 'workshop'>, reg: Pick<Registration, 'state' | 'items'>): boolean {
  if (reg.state !== 'active') return false;
  const confirmed = (key: string) => reg.items.some((h) => h.key === key && h.status === 'confirmed');
  switch (message.audience) {
    case 'everyone':
      return true;
    case 'onsite':
      return confirmed(dayKey(message.day ?? ''));
    case 'workshop':
      return confirmed(workshopKey(message.workshop ?? ''));
    case 'evening':
      return confirmed(EVENING_KEY);
    case 'waiting_list':
      return reg.items.some((h) => h.status === 'waiting');
  }
}

/** Registered for a day, on site (a confirmed place) or remotely. Pure. */
export function registeredForDay(date: string, reg: Pick<Registration, 'state' | 'items'>): boolean {
  return reg.state === 'active' && reg.items.some((h) => (h.key === dayKey(date) || h.key === remoteKey(date)) && h.status === 'confirmed');
}

/** A day's recording, with its chapters as links into it and their slides. */
export function recordingEmail(meeting: Meeting, registration: Registration, date: string): EmailMessage {
  const day = meeting.days.find((d) => d.date === date);
  const url = day?.recording_url ?? '';
  const label = day?.label ?? date;
  const greeting = registration.first_name ? `Bonjour ${registration.first_name},` : 'Bonjour,';
  const chapters = day?.programme ?? [];
  const email = composeEmail(`Enregistrement : ${label} — ${meeting.title}`, [
    greeting,
    `L’enregistrement de la journée « ${label} » de « ${meeting.title} » est en ligne.`,
    { text: 'La journée entière :', href: url, label: 'voir l’enregistrement' },
    chapters.length > 0 && 'Le programme, chaque intervention à son début :',
    ...chapters.flatMap((c) => [
      { text: `${formatOffset(c.offset_seconds)} — ${c.title}`, href: chapterUrl(url, c.offset_seconds), label: c.title },
      ...(c.slides_url ? [{ text: 'Les supports :', href: c.slides_url, label: `supports — ${c.title}` }] : []),
    ]),
  ]);
  return { to: registration.email, ...email };
}

/** An organiser's message: their subject and text, then where the person's registration stands. */
export function meetingMessageEmail(meeting: Meeting, registration: Registration, answer: RegistrationAnswer, message: MeetingMessage): EmailMessage {
  const greeting = registration.first_name ? `Bonjour ${registration.first_name},` : 'Bonjour,';
  const email = composeEmail(`${message.subject} — ${meeting.title}`, [
    greeting,
    ...message.text.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean),
    ...registrationStatusBlocks(meeting, registration, answer),
  ]);
  return { to: registration.email, ...email };
}

/**
 * Renders a registration's personal calendar (`registrationCalendar` of registrations/calendar.ts).
 * Injected rather than imported, like the session emails' renderer: the tick and the meeting
 * admin function only plan, and ical-generator would take their bundles past the size limit.
 */
export type MeetingCalendarRenderer = (meeting: Meeting, registration: Registration, opts: { now: Date }) => string;

/** `ics`: the registration's personal calendar, attached. */
export function meetingReminderEmail(meeting: Meeting, registration: Registration, answer: RegistrationAnswer, ics: string): EmailMessage {
  const dates = frenchDateRange(meeting.days.map((d) => d.date));
  const subject = `Rappel : ${meeting.title}, ${dates}`;
  const greeting = registration.first_name ? `Bonjour ${registration.first_name},` : 'Bonjour,';
  const intro = `Nous vous rappelons votre inscription à « ${meeting.title} » (${meeting.venue}), ${dates}.`;
  // The video link of each day the person attends remotely (never sent to those on site).
  const visios = registration.days
    .filter((d) => d.mode === 'remote')
    .map((d) => meeting.days.find((x) => x.date === d.date))
    .filter((day): day is Meeting['days'][number] & { visio_url: string } => day?.visio_url !== undefined)
    .map((day) => ({ text: `Pour suivre la journée « ${day.label} » à distance :`, href: day.visio_url, label: 'rejoindre la visio' }));
  const email = composeEmail(subject, [
    greeting,
    intro,
    ...visios,
    ...registrationStatusBlocks(meeting, registration, answer, 'Votre agenda personnel est joint à ce message (fichier iCalendar) ; pour le récupérer à jour plus tard :'),
  ]);
  // The personal calendar itself (the same file as `ics_url`, METHOD:PUBLISH): opening the
  // attachment adds the days, workshops and evening to the agenda without following a link.
  return {
    to: registration.email,
    ...email,
    attachments: [{ filename: `${meeting.id}.ics`, contentType: 'text/calendar; charset=UTF-8; method=PUBLISH', content: new TextEncoder().encode(ics) }],
  };
}

export class MeetingReminderSource implements ReminderSource {
  readonly kind = 'meeting' as const;
  constructor(
    private readonly catalog: MeetingReminderCatalog,
    private readonly baseUrl: string,
    /** Absent where nothing is composed (planning only). */
    private readonly calendar?: MeetingCalendarRenderer,
  ) {}

  async plan(meetingId: string, history: readonly DispatchRecord[], now: Date): Promise<Plan> {
    const found = await this.catalog.meetings.findMeetingWithMessages(meetingId);
    return found ? planMeeting(found.meeting, history, now, found.messages) : nothingPlanned();
  }

  /** Registrations not cancelled (confirmed or waiting) — for a message, those of its audience — a page at a time. */
  async audience(meetingId: string, dispatch: Dispatch, cursor: string | null, limit: number): Promise<AudiencePage> {
    const message = dispatch.kind === 'message' ? await this.message(meetingId, dispatch.rule) : undefined;
    const page = await this.catalog.registrations.pageByMeeting(meetingId, cursor, limit);
    const wanted = page.registrations.filter((r) =>
      dispatch.kind === 'recording' ? registeredForDay(dispatch.rule ?? '', r) : message ? inMessageAudience(message, r) : r.state === 'active',
    );
    return { recipients: wanted.map((r) => r.id), cursor: page.cursor };
  }

  private async message(meetingId: string, messageId: string | null): Promise<MeetingMessage | undefined> {
    return (await this.catalog.meetings.findMeetingWithMessages(meetingId))?.messages.find((m) => m.id === messageId);
  }

  async compose(message: DeliverMessage, now: Date): Promise<Composition> {
    const registration = await this.catalog.registrations.findById(message.recipient);
    if (!registration || registration.meeting_id !== message.owner_id) return { status: 'skip', reason: 'registration-gone' };
    if (registration.state === 'cancelled') return { status: 'skip', reason: 'registration-cancelled', to: registration.email };
    if (message.kind === 'message') return this.composeMessage(message, registration);
    if (message.kind === 'recording') {
      const meeting = await this.catalog.meetings.findMeeting(message.owner_id);
      const date = message.rule ?? '';
      if (!meeting?.days.find((d) => d.date === date)?.recording_url) return { status: 'skip', reason: 'recording-gone', to: registration.email };
      if (!registeredForDay(date, registration)) return { status: 'skip', reason: 'not-registered-that-day', to: registration.email };
      return { status: 'send', email: recordingEmail(meeting, registration, date) };
    }
    const meeting = await this.catalog.meetings.findMeeting(message.owner_id);
    if (!meeting) return { status: 'skip', reason: 'meeting-gone', to: registration.email };
    const start = meetingStart(meeting);
    if (!start || now.getTime() >= start.getTime()) return { status: 'skip', reason: 'past', to: registration.email };
    const positions = await this.catalog.registrations.waitingPositions(registration);
    const answer = registrationAnswer(registration, meeting, positions, this.baseUrl, false);
    if (!this.calendar) throw new Error('MeetingReminderSource built for planning only: it has no calendar renderer');
    return { status: 'send', email: meetingReminderEmail(meeting, registration, answer, this.calendar(meeting, registration, { now })) };
  }

  /** An ad-hoc message, to a person still in its audience when it is delivered. */
  private async composeMessage(delivery: DeliverMessage, registration: Registration): Promise<Composition> {
    const found = await this.catalog.meetings.findMeetingWithMessages(delivery.owner_id);
    const message = found?.messages.find((m) => m.id === delivery.rule);
    if (!found || !message) return { status: 'skip', reason: 'message-gone', to: registration.email };
    if (!inMessageAudience(message, registration)) return { status: 'skip', reason: 'not-in-audience', to: registration.email };
    const positions = await this.catalog.registrations.waitingPositions(registration);
    const answer = registrationAnswer(registration, found.meeting, positions, this.baseUrl, false);
    return { status: 'send', email: meetingMessageEmail(found.meeting, registration, answer, message) };
  }
}
