// Ad-hoc messages of organisers to a meeting's attendees (POST /admin/meetings/{id}/messages):
// the practical details a week before (address, Wi-Fi, parking). Each is one dispatch of the
// meeting in the reminder engine (kind `message`, rule = the message id), fanned out by the tick
// and delivered once per person by the engine's delivery markers.
import * as z from 'zod';
import { zDate, zEnum, zOptional, zSlug, zText } from '#shared/publik/coerce.ts';
import type { Meeting } from './schema.ts';

export const AUDIENCES = ['everyone', 'onsite', 'workshop', 'evening', 'waiting_list'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** The body: a subject, a text, and who receives it (`day` with `onsite`, `workshop` with `workshop`). */
export const MessageInputSchema = z
  .object({
    subject: zText({ max: 200 }),
    text: zText({ max: 5000 }),
    audience: zEnum(AUDIENCES, 'le public'),
    day: zOptional(zDate()),
    workshop: zOptional(zSlug()),
  })
  // Checked even when other fields are faulty (`when`), so that one 400 names every field.
  .refine((m) => m.audience !== 'onsite' || m.day !== undefined, {
    path: ['day'],
    message: 'Ce champ est obligatoire avec le public « onsite ».',
    when: (p) => audienceOf(p.value) === 'onsite' && (p.value as { day?: unknown }).day === undefined,
  })
  .refine((m) => m.audience !== 'workshop' || m.workshop !== undefined, {
    path: ['workshop'],
    message: 'Ce champ est obligatoire avec le public « workshop ».',
    when: (p) => audienceOf(p.value) === 'workshop' && (p.value as { workshop?: unknown }).workshop === undefined,
  });

function audienceOf(value: unknown): string | undefined {
  const audience = (value as { audience?: unknown } | null)?.audience;
  return typeof audience === 'string' ? audience.toLowerCase() : undefined;
}
export type MessageInput = z.output<typeof MessageInputSchema>;

const text = z.string();
/** As stored (the MSG# item of the meeting's partition). */
export const MeetingMessageSchema = z.object({ id: text, meeting_id: text, subject: text, text, created_at: text, audience: z.enum(AUDIENCES) }).extend({
  day: text.optional(),
  workshop: text.optional(),
});
export type MeetingMessage = z.output<typeof MeetingMessageSchema>;

/** The answer of POST /admin/meetings/{id}/messages. */
export function messageAnswer(m: MeetingMessage) {
  const { id, meeting_id, subject, audience, created_at } = m;
  return { message_id: id, meeting_id, subject, audience, day: m.day ?? null, workshop: m.workshop ?? null, created_at, deliveries: `/admin/meetings/${meeting_id}/deliveries` };
}

/** What the meeting does not have among the audience's references (field → French message). Pure. */
export function unknownAudienceRefs(meeting: Meeting, input: MessageInput): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  if (input.audience === 'onsite' && input.day !== undefined && !meeting.days.some((d) => d.date === input.day)) {
    issues.push({ path: 'day', message: `Le jour ${input.day} ne fait pas partie de la réunion.` });
  }
  if (input.audience === 'workshop' && input.workshop !== undefined && !meeting.workshops.some((w) => w.id === input.workshop)) {
    issues.push({ path: 'workshop', message: `Atelier inconnu : « ${input.workshop} ».` });
  }
  if (input.audience === 'evening' && !meeting.evening_event) issues.push({ path: 'audience', message: 'La réunion n’a pas de soirée.' });
  return issues;
}

/** Sortable by creation: `<UTC stamp>-<random>`. */
export function messageId(now: Date, random: string): string {
  return `${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${random}`;
}
