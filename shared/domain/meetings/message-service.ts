// POST /admin/meetings/{id}/messages: an organiser's ad-hoc message, stored and scheduled in the
// reminder engine, whose next tick fans it out to its audience through the reminders queue,
// once per person (delivery markers). Reads the meeting once, decides, writes once.
import { describeFieldIssues, InvalidRequestError } from '#shared/errors.ts';
import type { ReminderSchedule } from '#shared/domain/reminders/ports.ts';
import { messageId, unknownAudienceRefs, type MeetingMessage, type MessageInput } from './messages.ts';
import type { MeetingRepository } from './ports.ts';
import { meetingNotFound } from './service.ts';

export class MeetingMessages {
  constructor(
    private readonly meetings: Pick<MeetingRepository, 'findMeeting' | 'addMessage'>,
    private readonly schedule: ReminderSchedule,
    private readonly random: () => string,
  ) {}

  async post(meetingId: string, input: MessageInput, now: Date): Promise<MeetingMessage> {
    const meeting = await this.meetings.findMeeting(meetingId);
    if (!meeting) throw meetingNotFound(meetingId);
    // The audience's day, workshop or evening must exist.
    const issues = unknownAudienceRefs(meeting, input);
    if (issues.length > 0) throw new InvalidRequestError(describeFieldIssues(issues, 'Données invalides'), issues);
    const message: MeetingMessage = {
      id: messageId(now, this.random()),
      meeting_id: meetingId,
      subject: input.subject,
      text: input.text,
      audience: input.audience,
      ...(input.audience === 'onsite' ? { day: input.day } : {}),
      ...(input.audience === 'workshop' ? { workshop: input.workshop } : {}),
      created_at: now.toISOString(),
    };
    // Conditional on the meeting still existing: a meeting deleted meanwhile is a 404, nothing stored.
    if (!(await this.meetings.addMessage(message))) throw meetingNotFound(meetingId);
    await this.schedule.refreshNextDue('meeting', meetingId, now);
    return message;
  }
}
