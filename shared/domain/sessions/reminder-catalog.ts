// The sessions context as the reminder tick reads it: series, occurrences (overrides applied,
// the recurrence rule expanded) and active subscribers, mapped onto the views of
// catalog-views.ts. Implements SessionReminderCatalog (reminder-source.ts).
import { findOccurrence, upcomingOccurrences } from './occurrences.ts';
import type { SessionRepository } from './ports.ts';
import { parseOccurrenceId } from './schema.ts';

export {
  occurrenceView,
  seriesView,
  subscriberView,
  type CatalogOccurrence,
  type CatalogSeries,
  type CatalogSubscriber,
} from './catalog-views.ts';
import { occurrenceView, seriesView, subscriberView, type CatalogOccurrence, type CatalogSeries, type CatalogSubscriber } from './catalog-views.ts';

export class SessionCatalog {
  constructor(private readonly store: SessionRepository) {}

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
