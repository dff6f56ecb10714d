// The reminder engine: one engine for every owner kind (session series, meetings, surveys),
// knowing nothing of any workflow. ReminderEngine plans due owners through their source, records
// the dispatches in the ledger and fans them out to the queue under a lease; ReminderDelivery
// sends one recipient's email once in effect (a conditional delivery marker). The design —
// sparse due index, leases, resumable cursors, markers — is in docs/architecture.md
// (« The reminder engine ») and operations in docs/operations.md (« Reminders »).
import { silentLogger, type Logger } from '#shared/domain/logger.ts';
import type { DispatchDeliveryRepository, Mailer } from '#shared/domain/notifications/ports.ts';
import { DeliveryInProgressError } from '#shared/domain/notifications/service.ts';
import { dispatchFields, dispatchId, type DeliverMessage, type Dispatch, type OwnerKind, type OwnerRef } from './model.ts';
import type { ReminderRepository, ReminderQueue, ReminderSource } from './ports.ts';
import { unfinished } from './plan.ts';

/** Recipients per page: 100 = ten SendMessageBatch calls of 10 in flight, then one progress write. */
export const FANOUT_PAGE = 100;
/** Longer than one page takes (ms), far shorter than the tick's timeout: a crashed fan-out is resumed by the next tick. */
export const FANOUT_LEASE_SECONDS = 120;
/** Owners handled per tick; more wait for the next tick (their next due instant stays ≤ now). */
export const OWNERS_PER_TICK = 50;

export interface TickSummary {
  owners: number;
  fannedOut: number;
  skipped: number;
  queued: number;
  /** Fan-outs left unfinished (lease held elsewhere, lease lost, time up): retried next tick. */
  unfinished: number;
}

export interface ReminderEngineDeps {
  /** Where the use case logs (ids and classes only); silent when absent. */
  logger?: Logger | undefined;
  sources: Partial<Record<OwnerKind, ReminderSource>>;
  ledger: ReminderRepository;
  queue: ReminderQueue;
  /**
   * Wall-clock milliseconds a tick may spend fanning out before it pauses between pages
   * (default 40 s, within the function's 60 s timeout); the next tick resumes what is left.
   */
  budgetMs?: number;
  pageSize?: number;
}

type FanOutResult = { status: 'done' | 'busy' | 'lost' | 'stopped'; queued: number };

export class ReminderEngine {
  private deadline = Infinity;

  private get logger(): Logger {
    return this.deps.logger ?? silentLogger;
  }

  constructor(private readonly deps: ReminderEngineDeps) {}

  private source(kind: OwnerKind): ReminderSource {
    const source = this.deps.sources[kind];
    if (!source) throw new Error(`no reminder source for owner kind ${kind}`);
    return source;
  }

  /** One scheduled run at instant `now`. */
  async tick(now: Date): Promise<TickSummary> {
    const summary: TickSummary = { owners: 0, fannedOut: 0, skipped: 0, queued: 0, unfinished: 0 };
    this.deadline = Date.now() + (this.deps.budgetMs ?? 40_000);
    const owners = await this.deps.ledger.dueOwners(now, OWNERS_PER_TICK);
    for (const owner of owners) {
      summary.owners += 1;
      try {
        await this.runOwner(owner, now, summary);
      } catch (error) {
        // One broken owner never holds back the others; it stays due and is retried next tick.
        this.logger.error('reminders: owner failed', { ownerKind: owner.kind, ownerId: owner.id, error: error as Error });
        summary.unfinished += 1;
      }
    }
    return summary;
  }

  private async runOwner(owner: OwnerRef, now: Date, summary: TickSummary): Promise<void> {
    const source = this.source(owner.kind);
    for (let attempt = 0; attempt < 3; attempt++) {
      // The revision is read BEFORE the definition: an admin write after it bumps the revision,
      // so our next-due write below fails and we plan again from the new definition.
      const { revision, records } = await this.deps.ledger.history(owner);
      const plan = await source.plan(owner.id, records, now);
      await this.deps.ledger.record(owner, plan, now);
      summary.skipped += plan.skip.length;

      const jobs = new Map<string, Dispatch>();
      for (const d of [...unfinished(records), ...plan.fanOut]) jobs.set(dispatchId(d), d);
      let pending = false;
      for (const job of jobs.values()) {
        const result = await this.fanOut(owner, source, job, now);
        summary.queued += result.queued;
        if (result.status === 'done') summary.fannedOut += 1;
        else {
          pending = true;
          summary.unfinished += 1;
        }
      }
      // An unfinished fan-out keeps the owner due, so the next tick resumes it.
      const next = pending ? now.toISOString() : plan.nextDueAt;
      if (await this.deps.ledger.setNextDue(owner, next, revision, now)) return;
      this.logger.info('reminders: owner changed while planned; planning again', { ownerKind: owner.kind, ownerId: owner.id });
    }
    throw new Error(`owner ${owner.kind}/${owner.id} kept changing while planned`);
  }

  private async fanOut(owner: OwnerRef, source: ReminderSource, dispatch: Dispatch, now: Date): Promise<FanOutResult> {
    const { ledger, queue } = this.deps;
    const claim = await ledger.claimFanOut(owner, dispatch, now, FANOUT_LEASE_SECONDS);
    if (!claim) return { status: 'busy', queued: 0 };
    const pageSize = this.deps.pageSize ?? FANOUT_PAGE;
    let { cursor, queued } = claim;
    let queuedNow = 0;
    const log = { ownerKind: owner.kind, ownerId: owner.id, dispatch: dispatchId(dispatch) };
    for (;;) {
      const page = await source.audience(owner.id, dispatch, cursor, pageSize);
      await queue.send(
        page.recipients.map((recipient) => ({ type: 'reminder.deliver' as const, ...dispatchFields(owner, dispatch), recipient })),
      );
      queued += page.recipients.length;
      queuedNow += page.recipients.length;
      if (page.cursor === null) {
        if (!(await ledger.finishFanOut(owner, dispatch, claim.token, queued, now))) return { status: 'lost', queued: queuedNow };
        this.logger.info('reminders: fan-out done', { ...log, queued });
        return { status: 'done', queued: queuedNow };
      }
      cursor = page.cursor;
      if (!(await ledger.advanceFanOut(owner, dispatch, claim.token, cursor, queued, now, FANOUT_LEASE_SECONDS))) {
        this.logger.warn('reminders: fan-out lease lost; the holder continues', log);
        return { status: 'lost', queued: queuedNow };
      }
      if (Date.now() > this.deadline) {
        this.logger.warn('reminders: fan-out paused for lack of time; the next tick resumes it', { ...log, queued });
        return { status: 'stopped', queued: queuedNow };
      }
    }
  }

  /**
   * Recomputes an owner's next due instant after its definition changed (admin PUT of a
   * series, an occurrence or a meeting). Call it AFTER the definition is written.
   */
  async refreshNextDue(kind: OwnerKind, ownerId: string, now: Date): Promise<string | null> {
    const source = this.source(kind);
    const owner = { kind, id: ownerId };
    for (let attempt = 0; attempt < 5; attempt++) {
      const { revision, records } = await this.deps.ledger.history(owner);
      const plan = await source.plan(ownerId, records, now);
      // Anything to send or to record now (an update after a move, a cancellation): due at once.
      const urgent = plan.fanOut.length > 0 || plan.skip.length > 0 || unfinished(records).length > 0;
      const next = urgent ? now.toISOString() : plan.nextDueAt;
      if (await this.deps.ledger.setNextDue(owner, next, revision, now)) return next;
    }
    throw new Error(`owner ${kind}/${ownerId} kept changing while its next due instant was refreshed`);
  }
}

// Longer than one send takes, shorter than the queue's visibility timeout (see service.ts).
const DELIVERY_LEASE_SECONDS = 60;

export type DeliveryOutcome = 'sent' | 'skipped' | 'already-done';

export interface ReminderDeliveryDeps {
  /** Where the use case logs (ids and classes only); silent when absent. */
  logger?: Logger | undefined;
  sources: Partial<Record<OwnerKind, ReminderSource>>;
  deliveries: DispatchDeliveryRepository;
  mailer: Mailer;
  clock?: () => Date;
}

/** Sends one recipient's message at most once in effect (queue consumer use case). */
export class ReminderDelivery {
  private readonly clock: () => Date;
  private get logger(): Logger {
    return this.deps.logger ?? silentLogger;
  }

  constructor(private readonly deps: ReminderDeliveryDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async deliver(message: DeliverMessage): Promise<DeliveryOutcome> {
    const source = this.deps.sources[message.owner_kind];
    if (!source) throw new Error(`no reminder source for owner kind ${message.owner_kind}`);
    const ref = {
      subject: message.subject,
      kind: message.kind,
      rule: message.rule,
      sequence: message.sequence,
      recipient: message.recipient,
    };
    const log = { subject: ref.subject, kind: ref.kind, rule: ref.rule, sequence: ref.sequence, recipient: ref.recipient };
    const { deliveries } = this.deps;
    const claim = await deliveries.claimDispatch(ref, this.clock(), DELIVERY_LEASE_SECONDS);
    if (claim.status === 'done') return 'already-done';
    if (claim.status === 'busy') throw new DeliveryInProgressError('email', claim.leaseUntil);
    let to: string | undefined;
    try {
      const composition = await source.compose(message, this.clock());
      to = composition.status === 'send' ? composition.email.to : composition.to;
      if (composition.status === 'skip') {
        await deliveries.markDispatchSkipped(ref, claim.token, this.clock(), composition.reason, composition.to);
        this.logger.info('reminder not sent', { ...log, reason: composition.reason });
        return 'skipped';
      }
      const { messageId } = await this.deps.mailer.send(composition.email);
      const kept = await deliveries.markDispatchSent(ref, claim.token, this.clock(), `ses:${messageId}`, composition.email.to);
      if (!kept) this.logger.warn('delivery marker taken over while sending (lease expired)', log);
      return 'sent';
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await deliveries.releaseDispatch(ref, claim.token, this.clock(), text, to).catch((releaseError: unknown) => {
        this.logger.warn('could not release a delivery marker', { ...log, error: releaseError as Error });
      });
      throw error;
    }
  }
}
