// The views the session reminder source plans and composes with, and the sessions model mapped onto them.
import type { Occurrence } from './occurrence-build.ts';
import type { Series, Subscription } from './schema.ts';
import type { ReminderRule } from '#shared/domain/reminders/rules.ts';
import type { ZoneOffsets } from '#shared/domain/zone-offsets.ts';

/** What the session reminder source and its emails read of the sessions context. */
export interface SessionSeriesView {
  id: string;
  title: string;
  timezone: string;
  /** The zone's offsets stored with the series, when it has them (zone-offsets.ts). */
  zone_offsets?: ZoneOffsets;
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

type CatalogSeries = SessionSeriesView;
type CatalogOccurrence = SessionOccurrenceView;
type CatalogSubscriber = SessionSubscriberView;
export type { CatalogOccurrence, CatalogSeries, CatalogSubscriber };

/** The zone offsets stored with the series, when it has them: the tick places reminders with them. */
const offsetsOf = (s: Series) => (s.zone_offsets !== undefined ? { zone_offsets: s.zone_offsets } : {});

export const seriesView = (s: Series): CatalogSeries => ({ id: s.id, title: s.title, timezone: s.timezone, reminders: s.reminders, ...offsetsOf(s) });

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

