// What the data source, the subscription answers and the admin routes show. Pure.
import type { DataSourceItem } from '#shared/publik/data-source.ts';
import { csvDateTime, type Sheet } from '#shared/domain/csv.ts';
import { occurrenceLabel } from './labels.ts';
import type { Occurrence } from './occurrences.ts';
import type { Series, Subscription } from './schema.ts';

export interface SessionDataSourceItem extends DataSourceItem {
  series_id: string;
  starts_at: string;
  ends_at: string;
  topic: string;
  cancelled: boolean;
}

/** `Mardi 12 janvier 2027, 14 h 00 – 15 h 30 — Le nouveau portail agent`; cancelled ones say so and are disabled. */
export function occurrenceDataSourceItem(o: Occurrence): SessionDataSourceItem {
  return {
    id: o.id,
    text: o.cancelled ? `${occurrenceLabel(o)} (annulée)` : occurrenceLabel(o),
    series_id: o.series_id,
    starts_at: o.starts_at,
    ends_at: o.ends_at,
    topic: o.topic,
    cancelled: o.cancelled,
    ...(o.cancelled ? { disabled: true } : {}),
  };
}

export const unsubscribeUrl = (baseUrl: string, token: string) => `${baseUrl}/u/${token}`;

export interface SubscribeAnswer {
  subscription_id: string;
  series_id: string;
  status: 'subscribed';
  already_subscribed: boolean;
  replayed: boolean;
  next_session: SessionDataSourceItem | null;
  /** Null when an earlier form subscribed this email: a personal link is never handed to another form. */
  unsubscribe_url: string | null;
}

export function subscribeAnswer(
  subscription: Subscription,
  flags: { alreadySubscribed: boolean; replayed: boolean },
  next: Occurrence | undefined,
  baseUrl: string,
): SubscribeAnswer {
  return {
    subscription_id: subscription.subscriber_id,
    series_id: subscription.series_id,
    status: 'subscribed',
    already_subscribed: flags.alreadySubscribed,
    replayed: flags.replayed,
    next_session: next ? occurrenceDataSourceItem(next) : null,
    // Whoever types an address already subscribed must not get that person's link (it is in
    // every email the person receives).
    unsubscribe_url: flags.alreadySubscribed ? null : unsubscribeUrl(baseUrl, subscription.token),
  };
}

/** The admin list: each series with its next occurrences and its subscriber count. */
/** A series' definition as answers show it: what the organiser sent, without the stored offsets. */
export function seriesDefinitionView(series: Series): Omit<Series, 'zone_offsets'> {
  const { zone_offsets: _offsets, ...definition } = series;
  return definition;
}

export function seriesAdminView(series: Series, upcoming: Occurrence[], subscribers: number, shown = 5) {
  return {
    ...seriesDefinitionView(series),
    bounded: series.until !== undefined || series.count !== undefined,
    subscribers,
    next_occurrences: upcoming.slice(0, shown).map((o) => ({
      id: o.id,
      text: occurrenceDataSourceItem(o).text,
      starts_at: o.starts_at,
      ends_at: o.ends_at,
      topic: o.topic,
      visio_url: o.visio_url,
      cancelled: o.cancelled,
      moved: o.moved,
      sequence: o.sequence,
    })),
  };
}

/** One subscription as the admin JSON lists it (the token stays out: it is the person's credential). */
export function subscriptionAdminView(s: Subscription) {
  return {
    subscriber_id: s.subscriber_id,
    email: s.email,
    first_name: s.first_name ?? null,
    last_name: s.last_name ?? null,
    organisation: s.organisation ?? null,
    user_name_id: s.user_name_id ?? null,
    status: s.status,
    subscribed_at: s.subscribed_at,
    unsubscribed_at: s.unsubscribed_at ?? null,
  };
}

const STATUS_LABELS = { active: 'Abonné·e', unsubscribed: 'Désabonné·e' } as const;

/** The subscriber sheet (CSV), active ones first, then by email. */
export function subscribersSheet(list: Subscription[], zone: string): Sheet {
  const sorted = [...list].sort(
    (a, b) => (a.status === b.status ? a.email.localeCompare(b.email) : a.status === 'active' ? -1 : 1),
  );
  return {
    headers: ['Courriel', 'Prénom', 'Nom', 'Organisation', 'Statut', 'Abonné·e le', 'Désabonné·e le'],
    rows: sorted.map((s) => [
      s.email,
      s.first_name ?? '',
      s.last_name ?? '',
      s.organisation ?? '',
      STATUS_LABELS[s.status],
      csvDateTime(s.subscribed_at, zone),
      csvDateTime(s.unsubscribed_at, zone),
    ]),
  };
}
