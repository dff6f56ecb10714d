// What a container last knew of a meeting: the meeting and the counters of the items it read or
// saw refused. It lets a registration skip the read and go straight to the transaction (one
// DynamoDB call instead of two). A hint never decides anything: the write's conditions (meeting
// version, free place or exact ticket, unused form and email) are checked by DynamoDB as always;
// a refusal returns the counters as they stand or sends the request to a read, and a refusal of
// the request itself is only answered from a read. Bounded, per container, forgotten after
// `ttlMs`. Pure.
import type { CapacityItem } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import type { ItemAction } from './allocation.ts';

interface Hint {
  meeting: Meeting;
  counters: Map<string, CapacityItem>;
  at: number;
}

export interface MeetingHintOptions {
  /** Meetings remembered at most (least recently refreshed forgotten first). */
  maxMeetings: number;
  /** How long a read stays usable, in ms. */
  ttlMs: number;
}

export const DEFAULT_HINT_OPTIONS: MeetingHintOptions = { maxMeetings: 64, ttlMs: 60_000 };

export class MeetingHints {
  private readonly hints = new Map<string, Hint>();

  constructor(private readonly options: MeetingHintOptions = DEFAULT_HINT_OPTIONS) {}

  /** Records a consistent read: the meeting, and the counters read with it. */
  remember(meeting: Meeting, counters: ReadonlyMap<string, CapacityItem>, nowMs: number): void {
    const previous = this.hints.get(meeting.id);
    // Counters of another meeting version say nothing about this one.
    const kept = previous && previous.meeting.version === meeting.version ? previous.counters : new Map<string, CapacityItem>();
    const merged = new Map([...kept, ...counters]);
    this.hints.delete(meeting.id);
    this.hints.set(meeting.id, { meeting, counters: merged, at: nowMs });
    while (this.hints.size > this.options.maxMeetings) {
      const oldest = this.hints.keys().next().value;
      if (oldest === undefined) break;
      this.hints.delete(oldest);
    }
  }

  /** The meeting last read, while its hint lives. */
  meeting(meetingId: string, nowMs: number): Meeting | undefined {
    const hint = this.hints.get(meetingId);
    if (!hint) return undefined;
    if (nowMs - hint.at > this.options.ttlMs) {
      this.hints.delete(meetingId);
      return undefined;
    }
    return hint.meeting;
  }

  /** The meeting and the last known counters of `itemKeys`, if every one of them is known. */
  recall(meetingId: string, itemKeys: readonly string[], nowMs: number): { meeting: Meeting; counters: Map<string, CapacityItem> } | undefined {
    const meeting = this.meeting(meetingId, nowMs);
    const hint = this.hints.get(meetingId);
    if (!meeting || !hint) return undefined;
    const counters = new Map<string, CapacityItem>();
    for (const key of itemKeys) {
      const c = hint.counters.get(key);
      if (!c) return undefined;
      counters.set(key, c);
    }
    return { meeting, counters };
  }

  /**
   * What this container's write just did to the counters (on `meetingVersion`): a place taken,
   * a ticket taken. A container filling an item alone then foresees it full, and its next ticket.
   */
  noteWritten(meetingId: string, meetingVersion: number, actions: readonly ItemAction[]): void {
    const hint = this.hints.get(meetingId);
    if (!hint || hint.meeting.version !== meetingVersion) return;
    for (const action of actions) {
      const c = hint.counters.get(action.key);
      if (!c) continue;
      if (action.type === 'take') hint.counters.set(action.key, { ...c, confirmed: c.confirmed + 1 });
      else if (action.type === 'wait') hint.counters.set(action.key, { ...c, seq: action.ticket, waiting: c.waiting + 1 });
    }
  }

  /** A write decided on the hint was refused: the next request reads again. */
  forget(meetingId: string): void {
    this.hints.delete(meetingId);
  }
}
