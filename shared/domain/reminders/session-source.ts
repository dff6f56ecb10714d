// The session-series source of the reminder engine: owner = a series, subject = an occurrence
// (`{seriesId}-{YYYY-MM-DD}`), audience = the series' active subscribers. The sessions context
// provides the data through SessionReminderCatalog (its adapter maps its own model onto these
// views); this file only plans and composes.
import type { ReminderRule } from './rules.ts';
import { ruleDueAt, ruleId } from './rules.ts';
import type { DeliverMessage, Dispatch, DispatchRecord, Plan } from './model.ts';
import { planTimedSubjects } from './plan.ts';
import type { AudiencePage, Composition, ReminderSource } from './ports.ts';
import type { EmailMessage } from '#shared/domain/notifications/ports.ts';
import type { SessionEmailInput } from './session-email.ts';

export interface SessionSeriesView {
  id: string;
  title: string;
  timezone: string;
  reminders: ReminderRule[];
}

export interface SessionOccurrenceView {
  id: string;
  series_id: string;
  /** ISO 8601 with offset. */
  starts_at: string;
  ends_at: string;
  /** The start before the last move, when it was moved (the update email shows both). */
  previous_starts_at?: string;
  topic: string;
  visio_url: string;
  cancelled: boolean;
  /** 0 as first published; raised by each change (move, new topic, cancellation). */
  sequence: number;
}

export interface SessionSubscriberView {
  id: string;
  series_id: string;
  email: string;
  first_name?: string;
  /** ≥ 128 bits; the one-click link `{PUBLIC_BASE_URL}/u/{token}`. Never logged. */
  unsubscribe_token: string;
  active: boolean;
}

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
   * Renders the emails (`sessionEmail` of session-email.ts). Injected rather than imported so
   * that the sessions admin function, which only plans (refreshNextDue after a change), does
   * not carry the renderer and its iCalendar library in its bundle.
   */
  render?: (input: SessionEmailInput) => EmailMessage;
}

/** Pure planning of a series' occurrences (exported for tests). */
export function planSeries(series: SessionSeriesView, occurrences: readonly SessionOccurrenceView[], history: readonly DispatchRecord[], now: Date): Plan {
  return planTimedSubjects(
    occurrences.map((o) => {
      const startsAt = new Date(o.starts_at);
      return {
        id: o.id,
        startsAt,
        sequence: o.sequence,
        cancelled: o.cancelled,
        rules: series.reminders.map((r) => ({ id: ruleId(r), dueAt: ruleDueAt(r, startsAt, series.timezone) })),
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
    if (!found) return { fanOut: [], skip: [], nextDueAt: null };
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
    // A reminder planned before a move is stale: the new time has its own reminders.
    if (message.kind === 'reminder' && occurrence.sequence !== message.sequence) return { status: 'skip', reason: 'outdated', to };
    const kind = message.kind === 'cancellation' || message.kind === 'update' || message.kind === 'confirmation' ? message.kind : 'reminder';
    const render = this.options.render;
    if (!render) throw new Error('SessionSeriesSource built for planning only: it has no email renderer');
    return { status: 'send', email: render({ kind, series, occurrence, subscriber, now, baseUrl: this.options.baseUrl, organizer: this.options.organizer }) };
  }
}
