import * as z from 'zod';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import type { CapacityItem } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import type { ItemAction } from './allocation.ts';
import type { CheckinTokenRecord } from './checkin-token.ts';
import type { Registration } from './schema.ts';

/** A waiting request was given its place (automatically or by an organiser). */
export const PromotionNotificationSchema = z.object({
  id: z.string(),
  type: z.literal('registration.promoted'),
  meeting_id: z.string(),
  registration_id: z.string(),
  item_key: z.string(),
  /** Workshops dropped at promotion (full without waiting list meanwhile). */
  dropped_workshops: z.array(z.string()).default([]),
  created_at: z.string(),
});
export type PromotionNotification = z.output<typeof PromotionNotificationSchema>;

/** A new registration of a meeting with `send_confirmation`: the confirmation email. */
export const ConfirmationNotificationSchema = z.object({
  id: z.string(),
  type: z.literal('registration.created'),
  meeting_id: z.string(),
  registration_id: z.string(),
  created_at: z.string(),
});

/** A notification to send after a state change, written in the same transaction (outbox). */
export const NotificationSchema = z.discriminatedUnion('type', [PromotionNotificationSchema, ConfirmationNotificationSchema]);
export type Notification = z.output<typeof NotificationSchema>;

/** Sends notifications to the queue that the notifier consumes. */
export interface NotificationPublisher {
  publish(notifications: Notification[]): Promise<void>;
}

/** Writes carry the counter actions whose conditions make the plan hold. */
export interface RegistrationWrite {
  registration: Registration;
  actions: ItemAction[];
  /**
   * The meeting version the plan was made on: places are taken and waiting lists joined only
   * while every touched item still belongs to that version (an organiser's change decides again).
   */
  meetingVersion: number;
  /** The signed call's nonce, consumed by this same write. */
  nonce?: CallNonce | undefined;
  /** Written to the outbox in the same transaction (a new registration's confirmation). */
  notification?: Notification | undefined;
}

/** What deciding a new registration needs, read at once (house style §13). */
export interface RegistrationContext {
  meeting: Meeting | undefined;
  /** Counters of the items the request names (those the meeting has). */
  counters: Map<string, CapacityItem>;
  /** The registration this form already made, if any. */
  formHolder: { registrationId: string; meetingId: string } | undefined;
  /** The registration holding this email for the meeting, and the form that made it. */
  emailHolder: { registrationId: string; formUuid: string | undefined } | undefined;
}

export interface RegistrationRepository {
  /**
   * One read: the meeting, the named items' counters, and the form and email markers. A `known`
   * meeting (read earlier by this container) is answered without reading it again when every
   * counter read belongs to its version; otherwise the current meeting is read.
   */
  loadRegistrationContext(meetingId: string, formUuid: string, email: string, itemKeys: string[], known?: Meeting): Promise<RegistrationContext>;
  readCounters(meetingId: string): Promise<Map<string, CapacityItem>>;
  findById(registrationId: string): Promise<Registration | undefined>;
  findByFormUuid(formUuid: string): Promise<Registration | undefined>;
  findIdByEmail(meetingId: string, email: string): Promise<string | undefined>;
  /** Throws FormTakenError, EmailTakenError, StaleReadError or ReplayedCallError; writes nothing then. */
  create(write: RegistrationWrite): Promise<void>;
  /** Conditional on `expectedVersion`; moves the email marker when the email changed. */
  update(write: RegistrationWrite, expectedVersion: number, previousEmail: string): Promise<void>;
  /** 1-based positions of the registration's waiting items. */
  waitingPositions(registration: Registration): Promise<Map<string, number>>;
  /**
   * The sort keys of an item's waiting entries, in stored order (strongly consistent, every page
   * read): positions of many registrations on one list from one read (`positionIn`).
   */
  waitingOrder(meetingId: string, itemKey: string): Promise<string[]>;
  /** The registration first in line for an item, if any. */
  firstWaiting(meetingId: string, itemKey: string): Promise<{ registrationId: string; ticket: number } | undefined>;
  /** Grants the place: counter, waiting entry, registration and outbox in one transaction. */
  promote(write: PromotionWrite, expectedVersion: number): Promise<void>;
  listByMeeting(meetingId: string): Promise<Registration[]>;
  /** One page of a meeting's registrations, in order of arrival (the reminder sources' pager). */
  pageByMeeting(meetingId: string, cursor: string | null, limit: number): Promise<RegistrationPage>;
  /** The registration a check-in token hash is stored for (checkin-token.ts), if any. */
  findByCheckinTokenHash(hash: string): Promise<{ registrationId: string; meetingId: string } | undefined>;
  /**
   * Stores new check-in tokens (first print, reissue): per registration, its record and version
   * move (conditional on `expectedVersion`), the new hash item is put and the old one deleted,
   * in one transaction per batch. StaleReadError when a registration moved meanwhile.
   */
  setCheckinTokens(changes: CheckinTokenChange[]): Promise<void>;
  /** Records the first check-in of the day (decided on `registration` as read); StaleReadError when the version moved. */
  setCheckIn(registration: Registration, day: string, at: string): Promise<Registration>;
  /** Removes the check-in of a day (a tick made by mistake); StaleReadError when the version moved. */
  clearCheckIn(registration: Registration, day: string): Promise<Registration>;
  /**
   * One page of a meeting's whole registrations, in order of arrival, each with the cursor that
   * goes on right after it (the console's search stops mid-page).
   */
  pageWithCursors(meetingId: string, cursor: string | null, limit: number): Promise<RegistrationCursorPage>;
  clearOutbox(notification: Notification): Promise<void>;
  /** Outbox entries written before `olderThan` (ISO instant) and not yet cleared. */
  listOutbox(olderThan: string): Promise<Notification[]>;
}

/** A registration as the reminder sources list it: who, in which state, checked in when. */
export type ListedRegistration = Pick<Registration, 'id' | 'state' | 'meeting_id' | 'checked_in' | 'items'>;
export interface RegistrationPage {
  registrations: ListedRegistration[];
  cursor: string | null;
}

export interface RegistrationCursorPage {
  entries: Array<{ registration: Registration; cursor: string }>;
  cursor: string | null;
}

export interface CheckinTokenChange {
  registration: Registration;
  next: CheckinTokenRecord;
}
/** A promotion's write: the waiting entry it removes (`ticket`, stored under `rank` once moved) and its notification. */
export type PromotionWrite = RegistrationWrite & {
  itemKey: string;
  ticket: number;
  rank?: string | undefined;
  notification: PromotionNotification;
  /**
   * An organiser's promotion by hand past the capacity: the counter's condition asserts that the
   * item is full (a place freed meanwhile: StaleReadError, decide again). Otherwise it asserts a
   * free place, as every automatic promotion does.
   */
  beyondCapacity?: boolean | undefined;
};

/** A waiting list as stored, in order, and the counter it hangs off (waiting-list.ts). */
export interface WaitingLine {
  /** The item's counter as read before the entries: the move's condition holds only if it did not move. */
  counter: CapacityItem;
  entries: Array<{ registrationId: string; ticket: number; key: string }>;
}

/** The organisers' moves in a waiting list (implemented by the registration repository). */
export interface WaitingListRepository {
  /** The counter, then every entry of the item's waiting list in order (strongly consistent). */
  readWaitingLine(meetingId: string, itemKey: string): Promise<WaitingLine | undefined>;
  /**
   * Moves the registration's entry to `rank` in one transaction: the registration (version
   * condition) with its held item's new rank, the old entry deleted, the new one put (a key
   * nobody holds), and the counter's `seq` moved on under the condition that `waiting` and
   * `seq` are still as read, so that any join, leave, promotion or other move of the same list
   * in between refuses it (StaleReadError) and the position answered is exact at commit.
   */
  moveWaiting(write: { registration: Registration; itemKey: string; ticket: number; from: string; rank: string; counter: CapacityItem }, expectedVersion: number): Promise<void>;
}

export class EmailTakenError extends Error {}
/** A counter as it stood when a condition on it failed, with the meeting version that defined it. */
export type CounterState = CapacityItem & { meeting_version?: number | undefined };

