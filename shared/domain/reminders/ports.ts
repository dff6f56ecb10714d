// Ports of the reminder engine. No AWS here: shared/adapters implement them.
import type { EmailMessage } from '#shared/domain/notifications/ports.ts';
import type { DeliverMessage, Dispatch, DispatchRecord, OwnerKind, OwnerRef, Plan, RemindersQueueMessage } from './model.ts';

export interface AudiencePage {
  /** Recipient ids (subscriber ids, registration ids…), as the source's compose() reads them back. */
  recipients: string[];
  /** Opaque; null when this was the last page. */
  cursor: string | null;
}

/** What compose() decided for one recipient, re-checked at delivery time. */
export type Composition =
  | { status: 'send'; email: EmailMessage }
  /** Nothing to send (unsubscribed, registration cancelled, subject gone); recorded `skipped`. */
  | { status: 'skip'; reason: string; to?: string };

/**
 * A kind of owner (session series, meeting, survey): plans its dispatches, pages its audience and
 * composes each recipient's message. The engine knows nothing else about it.
 */
export interface ReminderSource {
  readonly kind: OwnerKind;
  /** Loads the owner's definition in one read and plans in pure code. A vanished owner plans nothing. */
  plan(ownerId: string, history: readonly DispatchRecord[], now: Date): Promise<Plan>;
  /** One page of the dispatch's audience, at most `limit` recipients. */
  audience(ownerId: string, dispatch: Dispatch, cursor: string | null, limit: number): Promise<AudiencePage>;
  /** Re-checks the recipient (still subscribed / registered) and renders the email. */
  compose(message: DeliverMessage, now: Date): Promise<Composition>;
}

export interface FanOutClaim {
  token: string;
  cursor: string | null;
  queued: number;
}

/**
 * Per owner: a schedule item (its next due instant, in a sparse index, and a revision that
 * orders concurrent writers) and one record per dispatch (sent, skipped, or being fanned out
 * with its cursor and lease).
 */
export interface ReminderRepository {
  /** Owners whose next due instant is ≤ now: ONE query of a sparse index, soonest first. */
  dueOwners(now: Date, limit: number): Promise<OwnerRef[]>;
  /** The owner's schedule revision (0: no schedule yet) and its dispatch records: one query. */
  history(owner: OwnerRef): Promise<{ revision: number; records: DispatchRecord[] }>;
  /** The dispatch records of one subject of the owner (delivery reports): one query. */
  subjectRecords(owner: OwnerRef, subject: string): Promise<DispatchRecord[]>;
  /** Records new fan-outs (`fanning`) and skipped pairs, each only if not recorded yet. */
  record(owner: OwnerRef, plan: Pick<Plan, 'fanOut' | 'skip'>, now: Date): Promise<void>;
  /** Takes the lease of an unfinished fan-out; undefined when finished or leased by someone else. */
  claimFanOut(owner: OwnerRef, dispatch: Dispatch, now: Date, leaseSeconds: number): Promise<FanOutClaim | undefined>;
  /** Saves progress after a page and renews the lease; false when the lease was lost. */
  advanceFanOut(owner: OwnerRef, dispatch: Dispatch, token: string, cursor: string, queued: number, now: Date, leaseSeconds: number): Promise<boolean>;
  /** Marks the fan-out done; false when the lease was lost. */
  finishFanOut(owner: OwnerRef, dispatch: Dispatch, token: string, queued: number, now: Date): Promise<boolean>;
  /** Writes the next due instant if the revision is still `expectedRevision`; false otherwise. */
  setNextDue(owner: OwnerRef, nextDueAt: string | null, expectedRevision: number, now: Date): Promise<boolean>;
}

/** The reminders queue: sends every message, in batches of 10 with several in flight. */
export interface ReminderQueue {
  send(messages: RemindersQueueMessage[]): Promise<void>;
}

/** What owners' admin use cases call after a write: recomputes the owner's next due instant. */
export interface ReminderSchedule {
  refreshNextDue(kind: OwnerKind, ownerId: string, now: Date): Promise<string | null>;
}
