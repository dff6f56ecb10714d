// Waiting lists by hand (the organisers' console and API, http-desk): an organiser gives a
// waiting person the place whatever their rank, even past the capacity (the answer says so), or
// moves them in the list. A module of its own, not RegistrationService: only the function that
// serves these routes carries it.
//
// Both decide on one read of what the decision needs and commit one transaction whose
// conditions hold only if that read still stands; otherwise they read and decide again
// (bounded). A promotion by hand is the automatic promotion's own write (promotion.ts: the
// registration, its waiting entry, the counter, the day's workshops, the outbox), the counter's
// condition asserting what the answer will say: a free place, or an item already full.
import { decideAgain, jitterWait, sleepFor, StaleReadError, type Redecision } from '#shared/domain/conflicts.ts';
import { silentLogger, type Logger } from '#shared/domain/logger.ts';
import { describeFieldIssues, InvalidRequestError, ServiceBusyError } from '#shared/errors.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import { meetingNotFound } from '#shared/domain/meetings/service.ts';
import { countedChoices, planPromotion } from './allocation.ts';
import type { NotificationPublisher, RegistrationRepository, WaitingListRepository } from './ports.ts';
import { dispatchNotifications, promotedRegistration } from './promotion.ts';
import type { HeldItem, Registration } from './schema.ts';
import { newToken, registrationNotFound } from './service.ts';
import { planMove, ticketOrderKey, waitingOrderKey } from './waiting-order.ts';

export interface WaitingListDeps {
  meetings: Pick<MeetingRepository, 'findMeetingWithItems'>;
  store: Pick<RegistrationRepository, 'findById' | 'promote' | 'clearOutbox'> & WaitingListRepository;
  publisher: NotificationPublisher;
  logger?: Logger | undefined;
  /** Attempts of one decision before answering "busy" (nothing written then). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** What a promotion by hand did: the counts after it, and whether it went past the capacity. */
export interface HandPromotion {
  registration: Registration;
  item: string;
  /** The place was already theirs: nothing written. */
  already: boolean;
  confirmed: number;
  capacity: number | null;
  waiting: number;
  beyond_capacity: boolean;
}

/** What a move did: the position asked for is clamped to the list (1 … its length). */
export interface WaitingMove {
  registration: Registration;
  item: string;
  moved: boolean;
  previous_position: number;
  position: number;
  waiting: number;
}

/** A registration that holds no waiting request for `item`: bad input naming `item`. */
function notWaiting(reg: Registration, itemKey: string): InvalidRequestError {
  const message =
    reg.state === 'cancelled'
      ? 'Cette inscription a été annulée : elle n’est plus en liste d’attente.'
      : `Cette inscription n’est pas en liste d’attente pour « ${itemKey} ».`;
  const issues = [{ path: 'item', message }];
  return new InvalidRequestError(describeFieldIssues(issues, 'Données invalides'), issues);
}

const HAND_BACKOFF = { baseDelayMs: 5, maxDelayMs: 200 };

/** The list kept changing under every attempt: nothing written, safe to try again. */
const listBusy = () => new ServiceBusyError('La liste d’attente change en ce moment même : rien n’a été enregistré, veuillez réessayer.');

function throwNotFound(registrationId: string): never {
  throw registrationNotFound(registrationId);
}

function waitingHeld(reg: Registration, itemKey: string): (HeldItem & { ticket: number }) | undefined {
  const held = reg.items.find((h) => h.key === itemKey);
  return reg.state === 'active' && held?.status === 'waiting' && held.ticket !== undefined ? { ...held, ticket: held.ticket } : undefined;
}

export class WaitingListService {
  private readonly logger: Logger;
  /** 30 attempts by default, full jitter capped at 200 ms (an organiser's click against a rush of registrations), then busy. */
  private readonly again: Redecision;

  constructor(private readonly deps: WaitingListDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.again = { attempts: { maxAttempts: deps.maxAttempts ?? 30 }, wait: jitterWait(HAND_BACKOFF, deps.sleep ?? sleepFor), busy: listBusy };
  }

  /**
   * POST /admin/registrations/{id}/promote: the place on `itemKey` for this waiting person,
   * whatever their rank, within the capacity or past it. Idempotent (`already`). A race with an
   * automatic promotion of the same person is decided by the registration's version: one of the
   * two commits, the other reads again (and this one then answers `already`).
   */
  async promote(registrationId: string, itemKey: string, now: Date): Promise<HandPromotion> {
    return decideAgain(this.again, async () => {
      const reg = (await this.deps.store.findById(registrationId)) ?? throwNotFound(registrationId);
      const found = await this.deps.meetings.findMeetingWithItems(reg.meeting_id);
      if (!found) throw meetingNotFound(reg.meeting_id);
      const counters = new Map(found.items.map((i) => [i.key, i]));
      const item = counters.get(itemKey);
      const held = reg.items.find((h) => h.key === itemKey);
      if (reg.state === 'active' && held?.status === 'confirmed' && item) {
        const beyond = item.capacity !== null && item.confirmed > item.capacity;
        return { registration: reg, item: itemKey, already: true, confirmed: item.confirmed, capacity: item.capacity, waiting: item.waiting, beyond_capacity: beyond };
      }
      const waiting = waitingHeld(reg, itemKey);
      if (!waiting || !item) throw notWaiting(reg, itemKey);
      const beyond = item.capacity !== null && item.confirmed >= item.capacity;
      const promotion = planPromotion(found.meeting, counters, reg.items, reg.workshops, itemKey, countedChoices(reg));
      const { notification, next } = promotedRegistration(reg, itemKey, promotion, now, newToken());
      await this.deps.store.promote(
        {
          registration: next,
          actions: promotion.actions,
          meetingVersion: found.meeting.version,
          itemKey,
          ticket: waiting.ticket,
          rank: waiting.rank,
          notification,
          beyondCapacity: beyond,
        },
        reg.version,
      );
      this.logger.info('waiting request promoted by hand', { registrationId: reg.id, item: itemKey, beyondCapacity: beyond });
      await dispatchNotifications({ publisher: this.deps.publisher, store: this.deps.store, logger: this.logger }, [notification]);
      return {
        registration: next,
        item: itemKey,
        already: false,
        confirmed: item.confirmed + 1,
        capacity: item.capacity,
        waiting: item.waiting - 1,
        beyond_capacity: beyond,
      };
    });
  }

  /**
   * POST /admin/registrations/{id}/waiting-position: puts the person at `position` (1 = next to
   * be promoted; past the end: last) of the waiting list of `itemKey`. Positions stay dense and
   * unique (waiting-order.ts); the write holds only while the list is as read (moveWaiting), so
   * the position answered is exact at commit. Asking for the position held writes nothing.
   */
  async move(registrationId: string, itemKey: string, position: number, now: Date): Promise<WaitingMove> {
    return decideAgain(this.again, async () => {
      const reg = (await this.deps.store.findById(registrationId)) ?? throwNotFound(registrationId);
      const held = waitingHeld(reg, itemKey);
      if (!held) throw notWaiting(reg, itemKey);
      const line = await this.deps.store.readWaitingLine(reg.meeting_id, itemKey);
      const entry = line?.entries.find((e) => e.registrationId === reg.id);
      const plan = line ? planMove(line.entries, reg.id, position, ticketOrderKey(line.counter.seq + 1)) : undefined;
      if (!line || !entry || !plan || entry.ticket !== held.ticket || entry.key !== waitingOrderKey(held)) {
        // The registration and its list were read at different moments of a change: again.
        throw new StaleReadError('waiting line read mid-change');
      }
      const answer = { item: itemKey, previous_position: plan.from, position: plan.to, waiting: plan.length };
      if (plan.rank === null) return { registration: reg, moved: false, ...answer };
      const rank = plan.rank;
      const next: Registration = {
        ...reg,
        items: reg.items.map((h) => (h.key === itemKey ? { ...h, rank } : h)),
        version: reg.version + 1,
        updated_at: now.toISOString(),
      };
      await this.deps.store.moveWaiting({ registration: next, itemKey, ticket: held.ticket, from: entry.key, rank, counter: line.counter }, reg.version);
      this.logger.info('waiting request moved by hand', { registrationId: reg.id, item: itemKey, from: plan.from, to: plan.to });
      return { registration: next, moved: true, ...answer };
    });
  }
}
