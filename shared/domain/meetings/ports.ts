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
   * items and dropping `removedItems`. Throws StaleMeetingError or ItemInUseError.
   */
  saveMeeting(next: Meeting, expectedVersion: number, removedItems: string[]): Promise<void>;
}

export class StaleMeetingError extends Error {}

export class ItemInUseError extends Error {
  constructor(readonly itemKeys: string[]) {
    super(`items still in use: ${itemKeys.join(', ')}`);
  }
}
