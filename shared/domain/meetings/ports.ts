import type { CapacityItem } from '#shared/domain/meetings/items.ts';
import type { MeetingMessage } from '#shared/domain/meetings/messages.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';

export interface MeetingWithItems {
  meeting: Meeting;
  items: CapacityItem[];
}

/** Storage port of the meeting aggregate (its definition and its capacity items). */
export interface MeetingRepository {
  findMeeting(meetingId: string): Promise<Meeting | undefined>;
  findMeetingWithItems(meetingId: string): Promise<MeetingWithItems | undefined>;
  listMeetings(): Promise<Meeting[]>;
  /**
   * Stores `next` if the stored version is still `expectedVersion` (0: absent), creating its
   * items and dropping `change.removed`. Decided by the write's own conditions: a removed item
   * must be free (nobody confirmed, waiting, or having chosen it), a moved workshop chosen by
   * nobody (ItemInUseError otherwise), and a capacity may not fall below the places confirmed
   * on it unless `allowOverbooking` (CapacityBelowConfirmedError). StaleReadError when the
   * meeting changed meanwhile.
   */
  saveMeeting(next: Meeting, expectedVersion: number, change: MeetingChange): Promise<void>;
  /** Stores an ad-hoc message, only while its meeting exists and its id is new (false: the meeting is gone). */
  addMessage(message: MeetingMessage): Promise<boolean>;
  /** The meeting and its ad-hoc messages, in one query (the reminder source's plan). */
  findMeetingWithMessages(meetingId: string): Promise<{ meeting: Meeting; messages: MeetingMessage[] } | undefined>;
}

export interface MeetingChange {
  /** Item keys the new definition drops. */
  removed: string[];
  /** Workshop item keys the new definition moves to another day (their key stays). */
  moved: string[];
  allowOverbooking?: boolean | undefined;
}


export class ItemInUseError extends Error {
  constructor(readonly itemKeys: string[]) {
    super(`items still in use: ${itemKeys.join(', ')}`);
  }
}

export class CapacityBelowConfirmedError extends Error {
  constructor(readonly itemKeys: string[]) {
    super(`capacity below confirmed places: ${itemKeys.join(', ')}`);
  }
}
