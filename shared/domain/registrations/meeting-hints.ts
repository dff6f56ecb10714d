// What a container last read of a meeting: the meeting and the counters of the items read. It
// lets a registration that will only take free places skip the read and go straight to the
// transaction (one DynamoDB call instead of two). A hint never decides anything: the write's
// conditions (meeting version, free place, nobody waiting, unused form and email) are checked by
// DynamoDB as always, and any refusal sends the request down the read-then-decide path, which
// refreshes the hint. Bounded, per container, forgotten after `ttlMs`. Pure.
import type { CapacityItem } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';

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
   * This container took a place on each of `itemKeys` (on `meetingVersion`): counted in the hint,
   * so that a container filling an item alone foresees it full instead of being refused.
   */
  noteTaken(meetingId: string, meetingVersion: number, itemKeys: readonly string[]): void {
    const hint = this.hints.get(meetingId);
    if (!hint || hint.meeting.version !== meetingVersion) return;
    for (const key of itemKeys) {
      const c = hint.counters.get(key);
      if (c) hint.counters.set(key, { ...c, confirmed: c.confirmed + 1 });
    }
  }

  /** A write decided on the hint was refused: the next request reads again. */
  forget(meetingId: string): void {
    this.hints.delete(meetingId);
  }
}
