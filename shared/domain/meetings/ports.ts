import type { CapacityItem } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';

export interface MeetingWithItems {
  meeting: Meeting;
  items: CapacityItem[];
}

/** Storage port of the meeting aggregate (its definition and its capacity items). */
export interface MeetingStore {
  findMeeting(meetingId: string): Promise<Meeting | undefined>;
  findMeetingWithItems(meetingId: string): Promise<MeetingWithItems | undefined>;
  listMeetings(): Promise<Meeting[]>;
  /**
   * Stores `next` if the stored version is still `expectedVersion` (0: absent), creating its
   * items and dropping `removedItems`. Throws StaleMeetingError, ItemInUseError, or
   * CapacityBelowConfirmedError when a capacity would fall below the places confirmed on it
   * (decided by the write's own conditions, unless `allowOverbooking`).
   */
  saveMeeting(next: Meeting, expectedVersion: number, removedItems: string[], allowOverbooking?: boolean): Promise<void>;
}

export class StaleMeetingError extends Error {}

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
