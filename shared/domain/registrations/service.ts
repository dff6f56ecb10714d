// Registration use cases: register (idempotent on the form uuid), modify, cancel, and the
// automatic promotion of waiting requests. Every decision about places is written with
// DynamoDB conditions (see the repository); when a condition fails, the plan is made again
// from fresh counters, with jittered backoff and a bounded number of attempts.
import { decideAgain, FormTakenError, jitterDelay, sleepFor, StaleReadError, type Redecision, type RetryPolicy } from '#shared/domain/conflicts.ts';
import { createHash, randomBytes } from 'node:crypto';
import { sameSecret } from '#shared/secret-compare.ts';
import { silentLogger, type Logger } from '#shared/domain/logger.ts';
import { NotFoundError, RefusalError, ServiceBusyError, type FieldIssue } from '#shared/errors.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import { meetingNotFound } from '#shared/domain/meetings/service.ts';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { EVENING_KEY, dayKey, remoteKey, withCounters, itemDefinitionsOf, type CapacityItem } from '#shared/domain/meetings/items.ts';
import {
  choiceDeltas,
  countedChoices,
  planPromotion,
  planRegistration,
  planRelease,
  positionsOf,
  withChoices,
  type ItemAction,
} from './allocation.ts';
import { registrationAnswer, type RegistrationAnswer } from './answer.ts';
import { dispatchNotifications, promotedRegistration } from './promotion.ts';
import { MeetingHints, type MeetingHintOptions } from './meeting-hints.ts';
import { EmailTakenError, type CounterState, type Notification, type PromotionNotification, type NotificationPublisher, type RegistrationContext, type RegistrationRepository } from './ports.ts';
import { CHECKIN_TOKEN_PATTERN, checkinTokenHash, checkinTokenRecord } from './checkin-token.ts';
import { assertCanCheckIn, checkTokenCheckIn, meetingToday } from './check-in.ts';
import { checkRegistrationWindow, requestFieldIssues, wantedItems } from './rules.ts';
import type { Registration, RegistrationRequest } from './schema.ts';

export type { RetryPolicy } from '#shared/domain/conflicts.ts';

// Joining a waiting list takes the next ticket from the item's counter (compare-and-set on its
// `seq`), so that the position announced is exact at commit: under a rush on one item, one
// contender wins each round and the others decide again. Full jitter capped at 250 ms spreads
// the retries; the budget is time (7 s, under the 10 s function timeout) rather than a small
// count, so a 500-request burst on one item ends exact without "busy" answers (measured in the
// concurrency tests), and a truly stuck item still answers "busy" in time.
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 1000, maxElapsedMs: 7000, baseDelayMs: 5, maxDelayMs: 250 };

export interface RegistrationServiceDeps {
  /** Where the use case logs (ids and classes only); silent when absent. */
  logger?: Logger | undefined;
  meetings: MeetingRepository;
  store: RegistrationRepository;
  publisher: NotificationPublisher;
  baseUrl: string;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Bounds of the per-container meeting hints (tests shorten the time to live). */
  hints?: MeetingHintOptions;
  /**
   * The key check-in tokens are derived from (checkin-token.ts): a new registration stores its
   * token's hash in its own transaction. Absent: the token is created on the first badge print.
   */
  checkinKey?: () => Promise<string>;
}

export const newRegistrationId = () => 'r' + base32(randomBytes(16));
export const newToken = () => base32(randomBytes(20));

function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Fingerprint of a request: the same form sent again with it is a replay, not a change. */
export function requestHash(request: RegistrationRequest): string {
  // Lists are sets: order and repetitions do not change what is asked.
  const set = (values: string[]) => [...new Set(values)].sort();
  const canonical = {
    ...request,
    onsite_days: set(request.onsite_days),
    remote_days: set(request.remote_days),
    workshops: set(request.workshops),
  };
  const sorted = Object.fromEntries(Object.entries(canonical).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url');
}

export interface RegistrationOutcome {
  answer: RegistrationAnswer;
  registration: Registration;
}

export class RegistrationService {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  /**
   * The check-ins', modifications' and cancellations' retries: `maxAttempts`, bounded in time by
   * `maxElapsedMs` like a registration (the functions time out at 10 s: a clean "busy" answer
   * instead of a timeout), full jitter, then busy.
   */
  private readonly again: Redecision;
  /** What this container last read of each meeting (one-call registrations). */
  private readonly hints: MeetingHints;

  private get logger(): Logger {
    return this.deps.logger ?? silentLogger;
  }

  constructor(private readonly deps: RegistrationServiceDeps) {
    this.retry = deps.retry ?? DEFAULT_RETRY;
    this.sleep = deps.sleep ?? sleepFor;
    this.hints = new MeetingHints(deps.hints);
    this.again = { attempts: this.retry, wait: (attempt) => this.backoff(attempt), busy: () => this.busy() };
  }

  private async backoff(attempt: number): Promise<void> {
    await this.sleep(jitterDelay(this.retry, attempt));
  }

  private busy(): ServiceBusyError {
    return new ServiceBusyError('Trop de demandes simultanées sur ces places : rien n’a été enregistré, veuillez réessayer.');
  }

  private async meeting(meetingId: string): Promise<Meeting> {
    const meeting = await this.deps.meetings.findMeeting(meetingId);
    if (!meeting) throw meetingNotFound(meetingId);
    return meeting;
  }

  /**
   * The contract's answer. `known` positions come from the write just made (exact at commit);
   * only waiting items it did not place (kept by a modification, or a replay) are counted.
   */
  async answerFor(registration: Registration, replayed: boolean, meeting?: Meeting, known: ReadonlyMap<string, number> = new Map()): Promise<RegistrationOutcome> {
    const m = meeting ?? (await this.meeting(registration.meeting_id));
    const unknown = registration.items.filter((h) => h.status === 'waiting' && !known.has(h.key));
    const counted = unknown.length > 0 ? await this.deps.store.waitingPositions({ ...registration, items: unknown }) : new Map<string, number>();
    const positions = new Map([...known, ...counted]);
    return { registration, answer: registrationAnswer(registration, m, positions, this.deps.baseUrl, replayed) };
  }

  /**
   * The meeting's field rules on a body that failed its schema (see `contextIssues` in the HTTP
   * chain): the meeting is read by id, or through the registration being modified. An unknown
   * meeting or registration adds nothing: the 400 stands on the schema's issues.
   */
  async requestFieldIssues(
    target: { meetingId: string } | { registrationId: string },
    fields: Partial<RegistrationRequest>,
  ): Promise<FieldIssue[]> {
    let meetingId: string;
    if ('meetingId' in target) meetingId = target.meetingId;
    else {
      const reg = await this.deps.store.findById(target.registrationId);
      if (!reg) return [];
      meetingId = reg.meeting_id;
    }
    const meeting = await this.deps.meetings.findMeeting(meetingId);
    return meeting ? requestFieldIssues(meeting, fields) : [];
  }

  async getRegistration(registrationId: string): Promise<RegistrationOutcome> {
    const reg = await this.deps.store.findById(registrationId);
    if (!reg) throw registrationNotFound(registrationId);
    return this.answerFor(reg, false);
  }

  /**
   * Records that the person came on site on `day` (idempotent: the first time stays). Decided
   * on the registration as read; if it changes meanwhile (cancelled, moved to remote) the
   * write fails its version condition and the rule is checked again.
   */
  async checkIn(registrationId: string, day: string, now: Date): Promise<{ registration: Registration; checkedInAt: string; already: boolean }> {
    return decideAgain(this.again, async () => {
      const reg = await this.deps.store.findById(registrationId);
      if (!reg) throw registrationNotFound(registrationId);
      assertCanCheckIn(await this.meeting(reg.meeting_id), reg, day);
      const previous = reg.checked_in[day];
      if (previous) return { registration: reg, checkedInAt: previous, already: true };
      const registration = await this.deps.store.setCheckIn(reg, day, now.toISOString());
      return { registration, checkedInAt: registration.checked_in[day] ?? now.toISOString(), already: false };
    });
  }

  /**
   * POST /admin/check-in/{token}: the badge's QR code at the door. The token is looked up by its
   * hash; the registration's own record must still hold that hash (a reissued token is unknown).
   * Default day: today in the meeting's time zone. Writes the same record as checkIn().
   */
  async checkInByToken(
    token: string,
    input: { day?: string | undefined; force: boolean },
    now: Date,
  ): Promise<{ registration: Registration; day: string; checkedInAt: string; already: boolean }> {
    if (!CHECKIN_TOKEN_PATTERN.test(token)) throw unknownCheckinToken();
    const hash = checkinTokenHash(token);
    const found = await this.deps.store.findByCheckinTokenHash(hash);
    if (!found) throw unknownCheckinToken();
    return decideAgain(this.again, async () => {
      const [reg, meeting] = await Promise.all([this.deps.store.findById(found.registrationId), this.deps.meetings.findMeeting(found.meetingId)]);
      if (!reg || !meeting || reg.checkin_token?.hash !== hash) throw unknownCheckinToken();
      const day = input.day ?? meetingToday(meeting, now);
      checkTokenCheckIn(meeting, reg, day, { force: input.force, dayGiven: input.day !== undefined });
      const previous = reg.checked_in[day];
      if (previous) return { registration: reg, day, checkedInAt: previous, already: true };
      const registration = await this.deps.store.setCheckIn(reg, day, now.toISOString());
      this.logger.info('checked in by token', { registrationId: reg.id, day, forced: input.force });
      return { registration, day, checkedInAt: registration.checked_in[day] ?? now.toISOString(), already: false };
    });
  }

  /**
   * What the personal iCalendar file is made of, for the holder of the registration's token only
   * (the file itself is drawn by calendar.ts in the one function that serves it, so that the
   * other functions carrying this service do not carry the iCalendar library).
   */
  async calendarSubject(registrationId: string, token: string | undefined): Promise<{ meeting: Meeting; registration: Registration }> {
    const reg = await this.deps.store.findById(registrationId);
    // Unknown registration or wrong token: the same answer, nothing to learn from it.
    if (!reg || token === undefined || !sameSecret(token, reg.access_token)) throw registrationNotFound(registrationId);
    return { meeting: await this.meeting(reg.meeting_id), registration: reg };
  }

  /**
   * POST /meetings/{id}/registrations: create, replay, or modify when the form was seen.
   *
   * The decision is made on the best knowledge at hand and verified by the transaction's
   * conditions (meeting version, free place or exact ticket, unused form and email, the call's
   * nonce): what this container remembers of the meeting and its counters (no read: ONE
   * DynamoDB call when it holds), else one read of everything the decision needs (meeting, the
   * requested items' counters, the form and email markers). A transaction refused by counters
   * alone returns them as they stand, and the plan is made again on them without a read; any
   * other refusal reads again. A refusal of the request (full, closed, unknown item) is only
   * ever answered from a read.
   */
  async register(meetingId: string, request: RegistrationRequest, now: Date, nonce?: CallNonce): Promise<RegistrationOutcome> {
    const hash = requestHash(request);
    const itemKeys = requestedItemKeys(request);
    const deadline = Date.now() + (this.retry.maxElapsedMs ?? Number.POSITIVE_INFINITY);
    const checkinKey = this.deps.checkinKey ? await this.deps.checkinKey() : undefined;
    let guess = this.hints.recall(meetingId, itemKeys, Date.now());
    for (let attempt = 0; attempt < this.retry.maxAttempts && Date.now() < deadline; attempt++) {
      const guessed = guess !== undefined;
      const ctx: KnownContext = guess ? { ...guess, formHolder: undefined, emailHolder: undefined } : await this.readContext(meetingId, request, itemKeys);
      guess = undefined;
      const meeting = ctx.meeting;
      if (ctx.formHolder) {
        if (ctx.formHolder.meetingId !== meetingId) {
          throw new RefusalError('form-already-used', 'Ce formulaire a déjà servi à une inscription à une autre réunion.');
        }
        const existing = await this.deps.store.findById(ctx.formHolder.registrationId);
        if (!existing) throw registrationNotFound(ctx.formHolder.registrationId);
        return this.change(existing, request, now, meeting, nonce);
      }
      if (ctx.emailHolder) {
        // A copy of this very form won the race between our reads: answer it as a replay.
        if (ctx.emailHolder.formUuid === request.form_uuid) continue;
        throw alreadyRegistered(request.email);
      }
      let wanted: ReturnType<typeof wantedItems>;
      let plan: ReturnType<typeof planRegistration>;
      try {
        checkRegistrationWindow(meeting, now);
        wanted = wantedItems(meeting, request);
        plan = planRegistration(meeting, countersFor(meeting, ctx.counters), wanted.items);
      } catch (error) {
        if (error instanceof StaleReadError) {
          await this.backoff(attempt);
          continue;
        }
        // Refused on remembered or refined knowledge: read, and decide on what is stored.
        if (guessed) continue;
        throw error;
      }
      // Nothing in the write would check a guess (no place taken, no list joined): read.
      if (guessed && !plan.actions.some((a) => a.type === 'take' || a.type === 'wait')) continue;
      // Every workshop chosen is counted, even one waiting for its day (it holds nothing yet).
      const actions = withChoices(plan.actions, choiceDeltas([], wanted.workshops));
      const registration = newRegistration(meetingId, meeting, request, wanted, plan.held, hash, now, checkinKey);
      // The confirmation email (send_confirmation) is written to the outbox by the same
      // transaction; its id is the registration's, so a second publication sends nothing twice.
      const confirmation: Notification | undefined = meeting.send_confirmation
        ? { id: `created-${registration.id}`, type: 'registration.created', meeting_id: meetingId, registration_id: registration.id, created_at: now.toISOString() }
        : undefined;
      try {
        await this.deps.store.create({ registration, actions, meetingVersion: meeting.version, nonce, notification: confirmation });
      } catch (error) {
        if (error instanceof FormTakenError) continue; // a copy of this form won: read, answer as a replay
        if (error instanceof EmailTakenError) throw alreadyRegistered(request.email);
        if (!(error instanceof StaleReadError)) throw error;
        guess = this.refine(meeting, ctx.counters, error.current as readonly CounterState[] | undefined);
        // The first refusal of a remembered state retries at once; contention backs off.
        if (!(guessed && attempt === 0)) await this.backoff(attempt);
        continue;
      }
      this.hints.noteWritten(meetingId, meeting.version, actions);
      this.logger.info('registration created', { registrationId: registration.id, meetingId, actions: actionSummary(actions), read: !guessed });
      if (confirmation) await this.dispatch([confirmation]);
      return this.answerFor(registration, false, meeting, positionsOf(actions));
    }
    throw this.busy();
  }

  /** One read of what a registration decision needs; remembered for the next requests. */
  private async readContext(meetingId: string, request: RegistrationRequest, itemKeys: string[]): Promise<KnownContext> {
    const known = this.hints.meeting(meetingId, Date.now());
    const read = await this.deps.store.loadRegistrationContext(meetingId, request.form_uuid, request.email, itemKeys, known);
    if (!read.meeting) {
      this.hints.forget(meetingId);
      throw meetingNotFound(meetingId);
    }
    this.hints.remember(read.meeting, read.counters, Date.now());
    return { ...read, meeting: read.meeting };
  }

  /**
   * The knowledge to decide again on after a refusal explained by counters alone: the counters as
   * they stood, when every one still belongs to the meeting version decided on. Otherwise (or
   * when the refusal says nothing) undefined: read again.
   */
  private refine(
    meeting: Meeting,
    counters: ReadonlyMap<string, CapacityItem>,
    current: readonly CounterState[] | undefined,
  ): { meeting: Meeting; counters: Map<string, CapacityItem> } | undefined {
    if (!current || current.some((c) => c.meeting_version !== meeting.version)) {
      this.hints.forget(meeting.id);
      return undefined;
    }
    const fresh = new Map(current.map((c) => [c.key, c] as const));
    this.hints.remember(meeting, fresh, Date.now());
    return { meeting, counters: new Map([...counters, ...fresh]) };
  }

  /** POST /registrations/{id}: a modification with the registering body. */
  async modify(registrationId: string, request: RegistrationRequest, now: Date, nonce?: CallNonce): Promise<RegistrationOutcome> {
    const existing = await this.deps.store.findById(registrationId);
    if (!existing) throw registrationNotFound(registrationId);
    // The registration stays bound to the form that created it.
    return this.change(existing, { ...request, form_uuid: existing.form_uuid }, now, await this.meeting(existing.meeting_id), nonce);
  }

  private async change(current: Registration, request: RegistrationRequest, now: Date, initial: Meeting, nonce?: CallNonce): Promise<RegistrationOutcome> {
    let meeting = initial;
    const hash = requestHash(request);
    let existing = current;
    return decideAgain(this.again, async (attempt) => {
      if (attempt > 0) {
        // The last decision lost a race: decide again on the registration and meeting as they are now.
        const reread = await this.deps.store.findById(existing.id);
        if (!reread) throw registrationNotFound(existing.id);
        existing = reread;
        meeting = await this.meeting(meeting.id);
      }
      if (existing.request_hash === hash) {
        // A replay may follow a call that crashed after its release: finish its promotions.
        await this.completePromotionsSafely(meeting.id, now);
        return this.answerFor(existing, true, meeting);
      }
      if (existing.state === 'cancelled') {
        throw new RefusalError('registration-cancelled', 'Cette inscription a été annulée : elle ne peut plus être modifiée.', {
          registration_id: existing.id,
        });
      }
      checkRegistrationWindow(meeting, now);
      const wanted = wantedItems(meeting, request);
      const counters = await this.deps.store.readCounters(meeting.id);
      const plan = planRegistration(meeting, counters, wanted.items, existing.items);
      const actions = withChoices(plan.actions, choiceDeltas(countedChoices(existing), wanted.workshops));
      const next: Registration = {
        ...existing,
        ...identityOf(request),
        ...formLinksKept(existing, request),
        image_rights: imageRightsOf(meeting, request, existing, now),
        days: wanted.days,
        workshops: wanted.workshops,
        evening_event: wanted.evening_event,
        items: plan.held,
        choices_counted: true,
        request_hash: hash,
        version: existing.version + 1,
        updated_at: now.toISOString(),
      };
      try {
        await this.deps.store.update({ registration: next, actions, meetingVersion: meeting.version, nonce }, existing.version, existing.email);
      } catch (error) {
        if (error instanceof EmailTakenError) throw alreadyRegistered(request.email);
        throw error;
      }
      this.logger.info('registration modified', { registrationId: next.id, actions: actionSummary(actions) });
      await this.promoteAfterRelease(meeting.id, releasedKeys(actions), now);
      return this.answerFor(next, false, meeting, positionsOf(actions));
    });
  }

  /** Cancels and frees every place; idempotent (cancelling again answers the same). */
  async cancel(registrationId: string, now: Date, nonce?: CallNonce): Promise<RegistrationOutcome> {
    return decideAgain(this.again, async () => {
      const existing = await this.deps.store.findById(registrationId);
      if (!existing) throw registrationNotFound(registrationId);
      if (existing.state === 'cancelled') {
        await this.completePromotionsSafely(existing.meeting_id, now);
        return this.answerFor(existing, true);
      }
      const actions = withChoices(planRelease(existing.items), choiceDeltas(countedChoices(existing), []));
      const next: Registration = {
        ...existing,
        items: [],
        state: 'cancelled',
        version: existing.version + 1,
        updated_at: now.toISOString(),
        cancelled_at: now.toISOString(),
      };
      // Releasing needs no meeting version: a held item cannot be removed (it is in use).
      await this.deps.store.update({ registration: next, actions, meetingVersion: 0, nonce }, existing.version, existing.email);
      this.logger.info('registration cancelled', { registrationId, actions: actionSummary(actions) });
      await this.promoteAfterRelease(existing.meeting_id, releasedKeys(actions), now);
      return this.answerFor(next, false);
    });
  }

  /**
   * Confirms the first waiting requests of the items while places are free, each promotion
   * in one transaction (counter, waiting entry, registration, outbox), then queues the
   * notifications. Safe to run any time, concurrently: conditions keep it exact.
   */
  async promoteWaiting(meetingId: string, itemKeys: string[], now: Date): Promise<PromotionNotification[]> {
    if (itemKeys.length === 0) return [];
    const meeting = await this.meeting(meetingId);
    const sent: PromotionNotification[] = [];
    const queue = [...new Set(itemKeys)];
    let failures = 0;
    while (queue.length > 0) {
      const key = queue[0] as string;
      const counters = await this.deps.store.readCounters(meetingId);
      const item = counters.get(key);
      const room = item && item.waiting > 0 && (item.capacity === null || item.confirmed < item.capacity);
      const head = room ? await this.deps.store.firstWaiting(meetingId, key) : undefined;
      const reg = head ? await this.deps.store.findById(head.registrationId) : undefined;
      const held = reg?.items.find((h) => h.key === key);
      if (!head || !reg || held?.status !== 'waiting' || held.ticket !== head.ticket) {
        if (head && failures < this.retry.maxAttempts) {
          // The head moved between our reads (a concurrent promotion or edit): look again.
          failures++;
          await this.backoff(failures);
          continue;
        }
        queue.shift();
        failures = 0; // each item has its own budget of attempts
        continue;
      }
      let promotion;
      try {
        promotion = planPromotion(meeting, counters, reg.items, reg.workshops, key, countedChoices(reg));
      } catch (error) {
        if (!(error instanceof StaleReadError)) throw error;
        failures++;
        if (failures >= this.retry.maxAttempts) {
          queue.shift();
          failures = 0;
        } else await this.backoff(failures);
        continue;
      }
      const { notification, next } = promotedRegistration(reg, key, promotion, now, newToken());
      try {
        await this.deps.store.promote(
          { registration: next, actions: promotion.actions, meetingVersion: meeting.version, itemKey: key, ticket: head.ticket, rank: held.rank, notification },
          reg.version,
        );
        this.logger.info('waiting request promoted', { registrationId: reg.id, item: key });
        sent.push(notification);
        failures = 0;
      } catch (error) {
        if (!(error instanceof StaleReadError)) throw error;
        failures++;
        if (failures >= this.retry.maxAttempts) {
          // Left for the next call or the maintenance sweep (completePromotions).
          this.logger.warn('promotion postponed after repeated conflicts', { meetingId, item: key });
          queue.shift();
          failures = 0;
        } else await this.backoff(failures);
      }
    }
    await this.dispatch(sent);
    return sent;
  }

  /**
   * Promotes on every item of the meeting where a place is free while people wait. Run on
   * replays and by the maintenance sweep: it completes what a crashed call left half done.
   */
  async completePromotions(meetingId: string, now: Date): Promise<PromotionNotification[]> {
    const counters = await this.deps.store.readCounters(meetingId);
    const due = [...counters.values()]
      .filter((i) => i.waiting > 0 && (i.capacity === null || i.confirmed < i.capacity))
      .map((i) => i.key);
    return due.length === 0 ? [] : this.promoteWaiting(meetingId, due, now);
  }

  /** completePromotions that never fails the call it runs in (the sweep retries later). */
  async completePromotionsSafely(meetingId: string, now: Date): Promise<number> {
    try {
      return (await this.completePromotions(meetingId, now)).length;
    } catch (error) {
      this.logger.error('promotions left for the maintenance sweep', { error: error as Error, meetingId });
      return 0;
    }
  }

  /** Publishes notifications that stayed in the outbox (queue down, crash before sending). */
  async drainOutbox(now: Date, minAgeSeconds = 60): Promise<number> {
    const olderThan = new Date(now.getTime() - minAgeSeconds * 1000).toISOString();
    const pending = await this.deps.store.listOutbox(olderThan);
    if (pending.length > 0) {
      await this.deps.publisher.publish(pending);
      await Promise.all(pending.map((n) => this.deps.store.clearOutbox(n)));
    }
    return pending.length;
  }

  /**
   * The release is saved: the answer stands whatever happens to the promotions. A failure
   * here leaves a free place with people waiting, which the next replay or the maintenance
   * sweep completes (new requests cannot take that place meanwhile: they wait behind).
   */
  private async promoteAfterRelease(meetingId: string, keys: string[], now: Date): Promise<void> {
    try {
      await this.promoteWaiting(meetingId, keys, now);
    } catch (error) {
      this.logger.error('promotion left for the maintenance sweep', { error: error as Error, meetingId, items: keys });
    }
  }

  /** Queues notifications and clears their outbox entries (a failure leaves them for the sweep). */
  async dispatch(notifications: Notification[]): Promise<void> {
    await dispatchNotifications({ publisher: this.deps.publisher, store: this.deps.store, logger: this.logger }, notifications);
  }

}

/** An unknown, malformed or reissued check-in token: one answer, nothing to learn from it (and never the token). */
export const unknownCheckinToken = () => new NotFoundError('Badge inconnu ou remplacé par une réimpression.', 'unknown-checkin-token');

export const registrationNotFound = (id: string) => new NotFoundError(`Inscription inconnue : « ${id} ».`, 'unknown-registration');

function releasedKeys(actions: ItemAction[]): string[] {
  // A freed place, or a waiting entry gone (the next in line may now fit).
  return actions.filter((a) => a.type === 'release' || a.type === 'leave').map((a) => a.key);
}

/**
 * The refusal for an email another form registered. It names the address the caller sent and
 * nothing of the other registration: no id, no links, no calendar token.
 */
function alreadyRegistered(email: string): RefusalError {
  return new RefusalError(
    'already-registered',
    `L’adresse ${email} est déjà inscrite à cette réunion : modifiez l’inscription existante depuis la demande qui l’a créée.`,
  );
}

/** The capacity items a request names, before its meeting is read (a workshop's day is among its on-site days). */
export function requestedItemKeys(request: RegistrationRequest): string[] {
  return [
    ...new Set([
      ...request.onsite_days.map(dayKey),
      ...request.remote_days.map(remoteKey),
      ...request.workshops.map((id) => `workshop:${id}`),
      ...(request.evening_event ? [EVENING_KEY] : []),
    ]),
  ];
}

/** The meeting's definitions of the items read, with their counters. */
function countersFor(meeting: Meeting, read: ReadonlyMap<string, CapacityItem>): Map<string, CapacityItem> {
  const defs = itemDefinitionsOf(meeting).filter((d) => read.has(d.key));
  return new Map(withCounters(defs, new Map([...read].map(([k, c]) => [k, c]))).map((i) => [i.key, i]));
}

/** What a registration decision starts from: read, or remembered (markers then unknown, checked by the write). */
type KnownContext = RegistrationContext & { meeting: Meeting };

/** A new registration holding what its plan decided. */
function newRegistration(
  meetingId: string,
  meeting: Meeting,
  request: RegistrationRequest,
  wanted: ReturnType<typeof wantedItems>,
  held: Registration['items'],
  hash: string,
  now: Date,
  checkinKey: string | undefined,
): Registration {
  const id = newRegistrationId();
  return {
    id,
    meeting_id: meetingId,
    access_token: newToken(),
    ...identityOf(request),
    image_rights: imageRightsOf(meeting, request, undefined, now),
    days: wanted.days,
    workshops: wanted.workshops,
    evening_event: wanted.evening_event,
    items: held,
    choices_counted: true,
    state: 'active',
    request_hash: hash,
    checked_in: {},
    ...(checkinKey === undefined ? {} : { checkin_token: checkinTokenRecord(checkinKey, id, 1).record }),
    version: 1,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
}

/** Counter changes for the logs: keys and kinds, no personal data. */
function actionSummary(actions: ItemAction[]): string[] {
  return actions.map((a) => `${a.type}:${a.key}`);
}

function identityOf(request: RegistrationRequest) {
  return {
    form_uuid: request.form_uuid,
    form_number: request.form_number,
    form_url: request.form_url,
    callback_url: request.callback_url,
    user_name_id: request.user_name_id,
    email: request.email,
    first_name: request.first_name,
    last_name: request.last_name,
    organisation: request.organisation,
    organisation_kind: request.organisation_kind,
    job_title: request.job_title,
    phone: request.phone,
    profile: request.profile,
    badge_name: request.badge_name,
    dietary_requirements: request.dietary_requirements,
    accessibility_needs: request.accessibility_needs,
  };
}

/**
 * What links the registration to its w.c.s. form (where to call back, its number) survives a
 * modification whose body leaves it out: an edit form or an API call rarely resends it.
 * Personal fields, by contrast, are replaced: an emptied field means the person cleared it.
 */
function formLinksKept(existing: Registration, request: RegistrationRequest) {
  return {
    form_number: request.form_number ?? existing.form_number,
    form_url: request.form_url ?? existing.form_url,
    callback_url: request.callback_url ?? existing.callback_url,
    user_name_id: request.user_name_id ?? existing.user_name_id,
  };
}

/** The consent answer with the notice version it answered and when (kept while unchanged). */
function imageRightsOf(meeting: Meeting, request: RegistrationRequest, previous: Registration | undefined, now: Date) {
  if (!request.image_rights) return previous?.image_rights;
  const same = previous?.image_rights;
  // The same answer to the same notice is the same consent; a new notice text needs a new one.
  if (same?.answer === request.image_rights && same.notice_version === meeting.image_rights_notice_version) return same;
  return { answer: request.image_rights, notice_version: meeting.image_rights_notice_version, answered_at: now.toISOString() };
}
