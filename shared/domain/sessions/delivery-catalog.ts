// The sessions context as the reminder consumer reads it: one occurrence and one subscriber at
// delivery time. Unlike SessionCatalog (the tick's, which expands the recurrence rule to plan),
// it never expands the rule: the occurrence named by a queued message is built from the series
// and its override. That keeps the recurrence library out of the consumer's bundle (360 KB).
// A message queued for a date that a replaced rule no longer produces is skipped all the same:
// the replacement keeps such a date as a withdrawn, cancelled override (replacement.ts), which is
// what this catalog reads.
import { buildOccurrence } from './occurrence-build.ts';
import type { SessionRepository } from './ports.ts';
import { occurrenceView, seriesView, subscriberView, type CatalogOccurrence, type CatalogSeries, type CatalogSubscriber } from './catalog-views.ts';
import { parseOccurrenceId } from './schema.ts';

export class SessionDeliveryCatalog {
  constructor(private readonly store: SessionRepository) {}

  /** Planning is the tick's: the consumer never plans. */
  upcoming(): Promise<never> {
    return Promise.reject(new Error('SessionDeliveryCatalog does not plan: use SessionCatalog'));
  }

  subscribers(): Promise<never> {
    return Promise.reject(new Error('SessionDeliveryCatalog does not fan out: use SessionCatalog'));
  }

  async occurrence(occurrenceId: string): Promise<{ series: CatalogSeries; occurrence: CatalogOccurrence } | undefined> {
    const parsed = parseOccurrenceId(occurrenceId);
    const found = parsed ? await this.store.findSeriesWithOverrides(parsed.seriesId) : undefined;
    if (!parsed || !found) return undefined;
    const override = found.overrides.find((o) => o.date === parsed.date);
    return { series: seriesView(found.series), occurrence: occurrenceView(buildOccurrence(found.series, parsed.date, override)) };
  }

  /** A subscriber as stored now (consistent read): `active` false once unsubscribed. */
  async subscriber(seriesId: string, subscriberId: string): Promise<CatalogSubscriber | undefined> {
    const s = await this.store.findSubscription(seriesId, subscriberId);
    return s ? subscriberView(s) : undefined;
  }
}
