// The sessions context as the reminder engine reads it: series, occurrences (overrides
// applied) and active subscribers, mapped onto the engine's views. Shaped to satisfy the
// engine's `SessionReminderCatalog` port (shared/domain/reminders/session-source.ts on the
// reminders branch) structurally, so either side can land first.
import { findOccurrence, upcomingOccurrences, type Occurrence } from './occurrences.ts';
import type { SessionStore } from './ports.ts';
import { parseOccurrenceId, type Series, type Subscription } from './schema.ts';

export interface CatalogSeries {
  id: string;
  title: string;
  timezone: string;
  reminders: Series['reminders'];
}

export interface CatalogOccurrence {
  id: string;
  series_id: string;
  starts_at: string;
  ends_at: string;
  topic: string;
  visio_url: string;
  cancelled: boolean;
  /** Raised by each move, duration change or cancellation (a new topic or link alone keeps it). */
  sequence: number;
}

export interface CatalogSubscriber {
  id: string;
  series_id: string;
  email: string;
  first_name?: string;
  /** The one-click link `{PUBLIC_BASE_URL}/u/{token}`. Never logged. */
  unsubscribe_token: string;
  active: boolean;
}

const seriesView = (s: Series): CatalogSeries => ({ id: s.id, title: s.title, timezone: s.timezone, reminders: s.reminders });

const occurrenceView = (o: Occurrence): CatalogOccurrence => ({
  id: o.id,
  series_id: o.series_id,
  starts_at: o.starts_at,
  ends_at: o.ends_at,
  topic: o.topic,
  visio_url: o.visio_url,
  cancelled: o.cancelled,
  sequence: o.sequence,
});

const subscriberView = (s: Subscription): CatalogSubscriber => ({
  id: s.subscriber_id,
  series_id: s.series_id,
  email: s.email,
  ...(s.first_name !== undefined ? { first_name: s.first_name } : {}),
  unsubscribe_token: s.token,
  active: s.status === 'active',
});

export class SessionCatalog {
  constructor(private readonly store: SessionStore) {}

  /** The series and its occurrences not yet started at `now` (cancelled ones included): one Query. */
  async upcoming(seriesId: string, now: Date): Promise<{ series: CatalogSeries; occurrences: CatalogOccurrence[] } | undefined> {
    const found = await this.store.findSeriesWithOverrides(seriesId);
    if (!found) return undefined;
    return { series: seriesView(found.series), occurrences: upcomingOccurrences(found.series, found.overrides, now).map(occurrenceView) };
  }

  /** One occurrence, past or future, by its id. */
  async occurrence(occurrenceId: string): Promise<{ series: CatalogSeries; occurrence: CatalogOccurrence } | undefined> {
    const parsed = parseOccurrenceId(occurrenceId);
    const found = parsed ? await this.store.findSeriesWithOverrides(parsed.seriesId) : undefined;
    const occurrence = parsed && found ? findOccurrence(found.series, found.overrides, parsed.date) : undefined;
    return found && occurrence ? { series: seriesView(found.series), occurrence: occurrenceView(occurrence) } : undefined;
  }

  /** One page of active subscribers' ids. */
  async subscribers(seriesId: string, cursor: string | null, limit: number): Promise<{ recipients: string[]; cursor: string | null }> {
    const page = await this.store.listActiveSubscribers(seriesId, cursor ?? undefined, limit);
    return { recipients: page.items.map((s) => s.subscriber_id), cursor: page.cursor ?? null };
  }

  /** A subscriber as stored now (consistent read): `active` false once unsubscribed. */
  async subscriber(seriesId: string, subscriberId: string): Promise<CatalogSubscriber | undefined> {
    const s = await this.store.findSubscription(seriesId, subscriberId);
    return s ? subscriberView(s) : undefined;
  }
}
