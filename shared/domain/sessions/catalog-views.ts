// The sessions context mapped onto the reminder engine's views (SessionReminderCatalog).
import type { Occurrence } from './occurrence-build.ts';
import type { Series, Subscription } from './schema.ts';

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

export const seriesView = (s: Series): CatalogSeries => ({ id: s.id, title: s.title, timezone: s.timezone, reminders: s.reminders });

export const occurrenceView = (o: Occurrence): CatalogOccurrence => ({
  id: o.id,
  series_id: o.series_id,
  starts_at: o.starts_at,
  ends_at: o.ends_at,
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

