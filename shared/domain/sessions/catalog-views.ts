// The sessions context mapped onto the reminder engine's views (SessionReminderCatalog).
import type { Occurrence } from './occurrence-build.ts';
import type { Series, Subscription } from './schema.ts';
import type {
  SessionOccurrenceView as CatalogOccurrence,
  SessionSeriesView as CatalogSeries,
  SessionSubscriberView as CatalogSubscriber,
} from '#shared/domain/reminders/session-source.ts';

// The views are the engine's own types (type-only imports: nothing of the reminders domain is
// bundled for them).
export type { CatalogOccurrence, CatalogSeries, CatalogSubscriber };

export const seriesView = (s: Series): CatalogSeries => ({ id: s.id, title: s.title, timezone: s.timezone, reminders: s.reminders });

export const occurrenceView = (o: Occurrence): CatalogOccurrence => ({
  id: o.id,
  series_id: o.series_id,
  starts_at: o.starts_at,
  ends_at: o.ends_at,
  ...(o.previous_starts_at !== undefined ? { previous_starts_at: o.previous_starts_at } : {}),
  topic: o.topic,
  visio_url: o.visio_url,
  cancelled: o.cancelled,
  sequence: o.sequence,
});

export const subscriberView = (s: Subscription): CatalogSubscriber => ({
  id: s.subscriber_id,
  series_id: s.series_id,
  email: s.email,
  ...(s.first_name !== undefined ? { first_name: s.first_name } : {}),
  unsubscribe_token: s.token,
  active: s.status === 'active',
});

