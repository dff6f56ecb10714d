// The session-series source of the reminder engine: owner = a series, subject = an occurrence
// (`{seriesId}-{YYYY-MM-DD}`), audience = the series' active subscribers. Its data comes through
// SessionReminderCatalog (reminder-catalog.ts for the tick, delivery-catalog.ts for the consumer,
// both mapping the sessions model onto the views of catalog-views.ts); this file plans and composes.
import { ruleDueAt, ruleId } from '#shared/domain/reminders/rules.ts';
import { storedZone } from '#shared/domain/zone-offsets.ts';
import type { DeliverMessage, Dispatch, DispatchRecord, Plan } from '#shared/domain/reminders/model.ts';
import { nothingPlanned, planTimedSubjects } from '#shared/domain/reminders/plan.ts';
import type { AudiencePage, Composition, ReminderSource } from '#shared/domain/reminders/ports.ts';
import type { EmailMessage } from '#shared/domain/notifications/ports.ts';
import type { SessionEmailInput } from './reminder-email.ts';
import type { SessionOccurrenceView, SessionSeriesView, SessionSubscriberView } from './catalog-views.ts';

export type { SessionOccurrenceView, SessionSeriesView, SessionSubscriberView };

/** What the engine needs from the sessions context (implemented over its repository). */
export interface SessionReminderCatalog {
  /** The series and its occurrences not yet started at `now` (cancelled ones included): one read. */
  upcoming(seriesId: string, now: Date): Promise<{ series: SessionSeriesView; occurrences: SessionOccurrenceView[] } | undefined>;
  occurrence(occurrenceId: string): Promise<{ series: SessionSeriesView; occurrence: SessionOccurrenceView } | undefined>;
  /** One page of active subscribers' ids. */
  subscribers(seriesId: string, cursor: string | null, limit: number): Promise<AudiencePage>;
  subscriber(seriesId: string, subscriberId: string): Promise<SessionSubscriberView | undefined>;
}

export interface SessionSourceOptions {
  baseUrl: string;
  /** Sender address, the ORGANIZER of the invitations. */
  organizer: { name: string; email: string };
  /**
   * Renders the emails (`sessionEmail` of reminder-email.ts). Injected rather than imported so
   * that the sessions admin function, which only plans (refreshNextDue after a change), does
   * not carry the renderer and its iCalendar library in its bundle.
   */
  render?: (input: SessionEmailInput) => EmailMessage;
}

/** Pure planning of a series' occurrences (exported for tests). */
export function planSeries(series: SessionSeriesView, occurrences: readonly SessionOccurrenceView[], history: readonly DispatchRecord[], now: Date): Plan {
  // The offsets stored with the series: « 7 days before at 09:00 » is placed without Intl.
  const zone = storedZone(series);
  return planTimedSubjects(
    occurrences.map((o) => {
      const startsAt = new Date(o.starts_at);
      return {
        id: o.id,
        startsAt,
        sequence: o.sequence,
        cancelled: o.cancelled,
        rules: series.reminders.map((r) => ({ id: ruleId(r), dueAt: ruleDueAt(r, startsAt, zone) })),
      };
    }),
    history,
    now,
  );
}

export class SessionSeriesSource implements ReminderSource {
  readonly kind = 'session-series' as const;
  constructor(
    private readonly catalog: SessionReminderCatalog,
    private readonly options: SessionSourceOptions,
  ) {}

  async plan(seriesId: string, history: readonly DispatchRecord[], now: Date): Promise<Plan> {
    const found = await this.catalog.upcoming(seriesId, now);
    if (!found) return nothingPlanned();
    return planSeries(found.series, found.occurrences, history, now);
  }

  audience(seriesId: string, _dispatch: Dispatch, cursor: string | null, limit: number): Promise<AudiencePage> {
    return this.catalog.subscribers(seriesId, cursor, limit);
  }

  async compose(message: DeliverMessage, now: Date): Promise<Composition> {
    const found = await this.catalog.occurrence(message.subject);
    if (!found || found.series.id !== message.owner_id) return { status: 'skip', reason: 'occurrence-gone' };
    const subscriber = await this.catalog.subscriber(message.owner_id, message.recipient);
    if (!subscriber || !subscriber.active) return { status: 'skip', reason: 'unsubscribed', ...(subscriber ? { to: subscriber.email } : {}) };
    const { series, occurrence } = found;
    const to = subscriber.email;
    if (message.kind === 'reminder' || message.kind === 'confirmation') {
      if (occurrence.cancelled) return { status: 'skip', reason: 'cancelled', to };
      if (now.getTime() >= Date.parse(occurrence.starts_at)) return { status: 'skip', reason: 'past', to };
    }
    // An update overtaken by a cancellation (or a withdrawal from the rule): the cancellation follows.
    if (message.kind === 'update' && occurrence.cancelled) return { status: 'skip', reason: 'cancelled', to };
    // A reminder planned before a move is stale: the new time has its own reminders.
    if (message.kind === 'reminder' && occurrence.sequence !== message.sequence) return { status: 'skip', reason: 'outdated', to };
    const kind = message.kind === 'cancellation' || message.kind === 'update' || message.kind === 'confirmation' ? message.kind : 'reminder';
    const render = this.options.render;
    if (!render) throw new Error('SessionSeriesSource built for planning only: it has no email renderer');
    return { status: 'send', email: render({ kind, series, occurrence, subscriber, now, baseUrl: this.options.baseUrl, organizer: this.options.organizer }) };
  }
}
