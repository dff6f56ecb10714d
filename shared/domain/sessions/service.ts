// Use cases of the online sessions: organisers define series and change occurrences; people
// subscribe and unsubscribe (by form or by one-click link). Each subscription call reads once,
// decides in ./subscriptions.ts, writes once (the call's nonce inside the write).
import { decideAgain, FormTakenError, sleepFor, StaleReadError, type Redecision } from '#shared/domain/conflicts.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '#shared/domain/logger.ts';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { InvalidRequestError, NotFoundError, RefusalError } from '#shared/errors.ts';
import { filterDataSource } from '#shared/publik/data-source.ts';
import { applyOccurrenceChange, findOccurrence, nextOccurrence, upcomingOccurrences, type Occurrence } from './occurrences.ts';
import { type ConfirmationPublisher, type SessionRepository } from './ports.ts';
import { parseOccurrenceId, type OccurrenceChange, type Series, type SubscribeRequest, type UnsubscribeRequest } from './schema.ts';
import { replacementOverrides } from './replacement.ts';
import { seriesZoneOffsets } from './wall-clock.ts';
import { lastRuleDate } from './recurrence.ts';
import { type SeriesInput } from './series-input.ts';
import { decideSubscribe, decideUnsubscribe } from './subscriptions.ts';
import type { ReminderSchedule } from '#shared/domain/reminders/ports.ts';
import { occurrenceDataSourceItem, seriesAdminView, seriesDefinitionView, subscribeAnswer, type SessionDataSourceItem, type SubscribeAnswer } from './views.ts';

/** A decision that lost a race is made again on fresh reads, at most this many times. */
const MAX_ATTEMPTS = 5;

/**
 * A decision that lost a race (StaleReadError) is made again after a short random pause, so
 * that racing copies of a call spread out (none after the last attempt, which answers busy).
 */
const ON_RACE: Redecision = {
  attempts: { maxAttempts: MAX_ATTEMPTS },
  wait: (attempt) => (attempt + 1 < MAX_ATTEMPTS ? sleepFor(Math.random() * 15 * (attempt + 1)) : Promise.resolve()),
};
/**
 * The subscription calls: a torn read, the form taken by a copy of the call or the subscription
 * changed is decided again on a fresh read, the same way (busy: 503, nothing written).
 */
const ON_SUBSCRIPTION_RACE: Redecision = { ...ON_RACE, lost: (error) => error instanceof FormTakenError || error instanceof StaleReadError };
/** An occurrence's change: decided again at once; the last lost race goes through as it is. */
const ON_OCCURRENCE_RACE: Redecision = { attempts: { maxAttempts: MAX_ATTEMPTS }, busy: (_attempts, last) => last as Error };

export interface SessionServiceDeps {
  store: SessionRepository;
  confirmations: ConfirmationPublisher;
  baseUrl: string;
  logger: Pick<Logger, 'warn'>;
  /**
   * The reminder engine's schedule: after a series or an occurrence changes, its next due
   * instant is computed again (a moved session's reminders follow it, a new series gets its
   * first reminder scheduled). Absent in tests that do not look at reminders.
   */
  reminders?: ReminderSchedule | undefined;
  /** Injectable for tests. */
  newSubscriberId?: () => string;
  newToken?: () => string;
}

/** 256 random bits, URL-safe: the one-click unsubscribe credential. */
export const newUnsubscribeToken = () => randomBytes(32).toString('base64url');

export interface DataSourceQuery {
  series?: string | undefined;
  include_cancelled?: boolean | undefined;
  q?: string | undefined;
  id?: string | undefined;
}

export class SessionService {
  private readonly newSubscriberId: () => string;
  private readonly newToken: () => string;

  constructor(private readonly deps: SessionServiceDeps) {
    this.newSubscriberId = deps.newSubscriberId ?? randomUUID;
    this.newToken = deps.newToken ?? newUnsubscribeToken;
  }

  // -------------------------------------------------------------------------------------
  // Organisers

  /**
   * Best effort after the write: the change stands whatever happens here. Should it fail, the
   * series is planned again when it is next due (its reminders may then wait for that instant).
   */
  private async refreshReminders(seriesId: string, now: Date): Promise<void> {
    try {
      await this.deps.reminders?.refreshNextDue('session-series', seriesId, now);
    } catch (error) {
      this.deps.logger.warn('reminders not rescheduled after a series change', {
        seriesId,
        errClass: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  async putSeries(seriesId: string, input: SeriesInput, now: Date): Promise<{ created: boolean; series: Series }> {
    const at = now.toISOString();
    const series: Series = {
      id: seriesId,
      title: input.title,
      timezone: input.timezone,
      rrule: input.rrule,
      dtstart: input.dtstart,
      ...(input.until !== undefined ? { until: input.until } : {}),
      ...(input.count !== undefined ? { count: input.count } : {}),
      duration_minutes: input.duration_minutes,
      visio_url: input.visio_url,
      default_topic: input.default_topic,
      reminders: input.reminders,
      // Offsets of the zone, computed here (Intl is fine on an organiser's write) so that the
      // data source and the reminder tick place local times without it.
      zone_offsets: seriesZoneOffsets(input, now),
      created_at: at,
      updated_at: at,
    };
    // Read once, decide the occurrences' fate purely (replacement.ts), write the definition and
    // those overrides in one transaction conditional on what was read; a lost race decides again.
    return decideAgain(ON_RACE, async () => {
      const previous = await this.deps.store.findSeriesWithOverrides(seriesId);
      const overrides = previous ? replacementOverrides(previous.series, series, previous.overrides, now) : [];
      const { created, createdAt } = await this.deps.store.putSeries(series, { previous, overrides, lastDate: lastRuleDate(series) });
      await this.refreshReminders(seriesId, now);
      // The answer shows the definition the organiser sent, not the offsets stored with it.
      return { created, series: seriesDefinitionView({ ...series, created_at: createdAt }) };
    });
  }

  async changeOccurrence(occurrenceId: string, change: OccurrenceChange, now: Date): Promise<Occurrence> {
    const parsed = parseOccurrenceId(occurrenceId);
    if (!parsed) throw new NotFoundError(`Séance inconnue : ${occurrenceId}.`);
    return decideAgain(ON_OCCURRENCE_RACE, async () => {
      const found = await this.deps.store.findSeriesWithOverrides(parsed.seriesId);
      if (!found) throw new NotFoundError(`Séance inconnue : ${occurrenceId}.`);
      const previous = found.overrides.find((o) => o.date === parsed.date);
      const { override, after } = applyOccurrenceChange(found.series, parsed.date, previous, change, now);
      await this.deps.store.saveOverride(override, previous);
      await this.refreshReminders(parsed.seriesId, now);
      return after;
    });
  }

  async listSeriesForAdmin(now: Date) {
    const all = await this.deps.store.listSeriesWithOverrides();
    return Promise.all(
      all.map(async ({ series, overrides }) => {
        const subscribers = await this.deps.store.countSubscribers(series.id);
        return seriesAdminView(series, upcomingOccurrences(series, overrides, now), subscribers);
      }),
    );
  }

  async listSubscriptions(seriesId: string) {
    const series = await this.deps.store.findSeries(seriesId);
    if (!series) throw new NotFoundError(`Série inconnue : ${seriesId}.`);
    return { series, subscriptions: await this.deps.store.listSubscriptions(seriesId) };
  }

  // -------------------------------------------------------------------------------------
  // Data source

  async dataSource(query: DataSourceQuery, now: Date): Promise<SessionDataSourceItem[]> {
    let all = await this.deps.store.listSeriesWithOverrides();
    if (query.series !== undefined) all = all.filter(({ series }) => series.id === query.series);
    const lists = all.map(({ series, overrides }) => {
      const upcoming = upcomingOccurrences(series, overrides, now);
      // A lookup by id also finds a past or cancelled occurrence (w.c.s. shows the stored choice).
      const target = query.id !== undefined ? parseOccurrenceId(query.id) : undefined;
      if (target && target.seriesId === series.id && !upcoming.some((o) => o.id === query.id)) {
        const one = findOccurrence(series, overrides, target.date);
        if (one) return [one];
      }
      return query.id !== undefined ? upcoming : upcoming.filter((o) => query.include_cancelled === true || !o.cancelled);
    });
    const items = lists
      .flat()
      .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.id.localeCompare(b.id))
      .map(occurrenceDataSourceItem);
    return filterDataSource(items, query);
  }

  // -------------------------------------------------------------------------------------
  // Subscriptions

  /** The series a form means: the one given, or the only one there is. */
  private async resolveSeriesId(given: string | undefined): Promise<string> {
    if (given !== undefined) return given;
    const all = await this.deps.store.listSeries();
    if (all.length === 1) return (all[0] as Series).id;
    const message =
      all.length === 0
        ? 'Ce champ est obligatoire (aucune série de sessions n’est encore définie).'
        : 'Ce champ est obligatoire (plusieurs séries de sessions existent).';
    throw new InvalidRequestError(`Données invalides : series_id : ${message}`, [{ path: 'series_id', message }]);
  }

  private unknownSeries(seriesId: string): RefusalError {
    return new RefusalError('unknown-series', `Série de sessions inconnue : ${seriesId}.`);
  }

  async subscribe(request: SubscribeRequest, nonce: CallNonce | undefined, now: Date): Promise<SubscribeAnswer> {
    const seriesId = await this.resolveSeriesId(request.series_id);
    return decideAgain(ON_SUBSCRIPTION_RACE, async () => {
      // The one read of the decision: series (with its occurrence changes), subscription, form.
      const reads = await this.deps.store.readForSubscription(seriesId, request.email, request.form_uuid);
      const series = reads.series;
      if (!series) throw this.unknownSeries(seriesId);
      const next = nextOccurrence(series, reads.overrides, now);
      const decision = decideSubscribe(seriesId, reads, request, now, { subscriberId: this.newSubscriberId(), token: this.newToken() });
      if (decision.kind === 'replay') {
        return subscribeAnswer(decision.subscription, { alreadySubscribed: decision.alreadySubscribed, replayed: true }, next, this.deps.baseUrl);
      }
      await this.deps.store.commitSubscription(decision.write, nonce);
      if (decision.kind === 'subscribe' && next) {
        await this.publishConfirmation(seriesId, decision.subscription.subscriber_id, next.id, decision.subscription.version);
      }
      return subscribeAnswer(
        decision.subscription,
        { alreadySubscribed: decision.kind === 'already', replayed: false },
        next,
        this.deps.baseUrl,
      );
    });
  }

  /** Best effort after the commit: the subscription stands even if the queue is down. */
  private async publishConfirmation(seriesId: string, subscriberId: string, occurrenceId: string, subscriptionVersion: number): Promise<void> {
    try {
      await this.deps.confirmations.publishConfirmation({ seriesId, subscriberId, occurrenceId, subscriptionVersion });
    } catch (error) {
      this.deps.logger.warn('session confirmation not queued', {
        seriesId,
        subscriberId,
        occurrenceId,
        errClass: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  async unsubscribe(
    request: UnsubscribeRequest,
    nonce: CallNonce | undefined,
    now: Date,
  ): Promise<{ series_id: string; status: 'unsubscribed'; was_subscribed: boolean; replayed: boolean }> {
    const seriesId = await this.resolveSeriesId(request.series_id);
    const answer = (wasSubscribed: boolean, replayed: boolean) => ({
      series_id: seriesId,
      status: 'unsubscribed' as const,
      was_subscribed: wasSubscribed,
      replayed,
    });
    return decideAgain(ON_SUBSCRIPTION_RACE, async () => {
      const reads = await this.deps.store.readForSubscription(seriesId, request.email, request.form_uuid);
      if (!reads.series) throw this.unknownSeries(seriesId);
      const decision = decideUnsubscribe(seriesId, reads, request, now);
      if (decision.kind === 'replay') return answer(decision.wasSubscribed, true);
      if (decision.kind === 'noop') return answer(false, false);
      await this.deps.store.commitSubscription(decision.write, nonce);
      return answer(true, false);
    });
  }

  private async tokenTarget(token: string) {
    const target = await this.deps.store.findTokenTarget(token);
    const series = target ? await this.deps.store.findSeries(target.seriesId) : undefined;
    return target && series ? { target, series } : undefined;
  }

  /** The one-click page: which series the link is for (undefined: unknown link). Changes nothing. */
  async describeToken(token: string): Promise<{ series: Series } | undefined> {
    const found = await this.tokenTarget(token);
    return found ? { series: found.series } : undefined;
  }

  /** RFC 8058 one-click, idempotent (undefined: unknown link). */
  async unsubscribeByToken(token: string, now: Date): Promise<{ series: Series; wasSubscribed: boolean } | undefined> {
    const found = await this.tokenTarget(token);
    if (!found) return undefined;
    const wasSubscribed = await this.deps.store.unsubscribeByToken(found.target, token, now);
    return { series: found.series, wasSubscribed };
  }
}
