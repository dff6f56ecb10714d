// The vocabulary of the reminder engine (see engine.ts for the design). Pure types and schemas.
import * as z from 'zod';

/** What owns reminders: a session series, a meeting, later a survey. One schedule per owner. */
export const OwnerKindSchema = z.enum(['session-series', 'meeting', 'survey']);
export type OwnerKind = z.infer<typeof OwnerKindSchema>;

/** `message`: an organiser's ad-hoc message to a meeting's attendees (rule = its id). */
/** `recording`: a meeting day's recording, once set and the day over (rule = the day's date). */
export const MessageKindSchema = z.enum(['reminder', 'update', 'cancellation', 'confirmation', 'invitation', 'message', 'recording']);
export type MessageKind = z.infer<typeof MessageKindSchema>;

export interface OwnerRef {
  kind: OwnerKind;
  id: string;
}

/**
 * One message to everyone in a subject's audience: the (subject, kind, rule, sequence) pair.
 * `subject` is what the message is about (an occurrence id, a meeting id, a survey id).
 */
export interface Dispatch {
  subject: string;
  kind: MessageKind;
  /** Reminder rule id (`7d-0900`), or a survey reminder's rank; null for the other kinds. */
  rule: string | null;
  /** The subject's iCalendar SEQUENCE when planned (0 until it is moved or cancelled). */
  sequence: number;
  /** ISO instant the message fell due. */
  dueAt: string;
  /** ISO start of the subject when planned: a reminder is « sent » for this time only. */
  startsAt: string | null;
}

export type DispatchStatus = 'fanning' | 'done' | 'skipped';

/** What the ledger remembers of a dispatch (one item per pair, written with a condition). */
export interface DispatchRecord extends Dispatch {
  status: DispatchStatus;
  /** Recipients queued so far (a resumed fan-out may queue a page twice: the markers dedupe). */
  queued: number;
  reason?: string;
  /** ISO instant the record was written (for a skipped pair: when the skip was decided). */
  recordedAt?: string;
}

export const dispatchId = (d: Pick<Dispatch, 'subject' | 'kind' | 'rule' | 'sequence'>) =>
  `${d.subject}#${d.kind}#${d.rule ?? '-'}#${d.sequence}`;

/** What identifies a dispatch of an owner, as its record and its queue messages carry it. */
export const dispatchFields = (owner: OwnerRef, d: Dispatch) => ({
  owner_kind: owner.kind,
  owner_id: owner.id,
  subject: d.subject,
  kind: d.kind,
  rule: d.rule,
  sequence: d.sequence,
});

export interface Plan {
  /** Pairs to fan out now (new ones; unfinished fan-outs are resumed from the ledger). */
  fanOut: Dispatch[];
  /** Pairs recorded `skipped` without a message (missed ticks, superseded). */
  skip: Array<Dispatch & { reason: string }>;
  /** Earliest instant something new falls due, or null when nothing is ahead. */
  nextDueAt: string | null;
}

/** The message a fan-out puts on the reminders queue for one recipient. */
export const DeliverMessageSchema = z.object({
  type: z.literal('reminder.deliver'),
  owner_kind: OwnerKindSchema,
  owner_id: z.string().min(1).max(200),
  subject: z.string().min(1).max(200),
  kind: MessageKindSchema,
  rule: z.string().max(40).nullable(),
  sequence: z.number().int().min(0),
  recipient: z.string().min(1).max(200),
});
export type DeliverMessage = z.infer<typeof DeliverMessageSchema>;

/** Sent at once by the subscription use case (sessions context): the confirmation email. */
export const SessionConfirmationMessageSchema = z.object({
  type: z.literal('session.confirmation'),
  series_id: z.string().min(1).max(200),
  subscriber_id: z.string().min(1).max(200),
  occurrence_id: z.string().min(1).max(200),
  /**
   * The subscription's version when it was (re)made: 0 for a first subscription, higher for a
   * return after unsubscribing. Messages queued before it existed read as 0.
   */
  subscription_version: z.number().int().min(0).default(0),
});
export type SessionConfirmationMessage = z.infer<typeof SessionConfirmationMessageSchema>;

export const RemindersQueueMessageSchema = z.discriminatedUnion('type', [DeliverMessageSchema, SessionConfirmationMessageSchema]);
export type RemindersQueueMessage = z.infer<typeof RemindersQueueMessageSchema>;

/**
 * The subscription confirmation is one more dispatch of the occurrence, one per subscription:
 * its sequence is the subscription's version, so that a person coming back after unsubscribing
 * is confirmed again (once), while a redelivered message stays one email.
 */
export function toDeliverMessage(message: RemindersQueueMessage): DeliverMessage {
  if (message.type === 'reminder.deliver') return message;
  return {
    type: 'reminder.deliver',
    owner_kind: 'session-series',
    owner_id: message.series_id,
    subject: message.occurrence_id,
    kind: 'confirmation',
    rule: null,
    sequence: message.subscription_version,
    recipient: message.subscriber_id,
  };
}
