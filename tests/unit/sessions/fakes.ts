// An in-memory SessionRepository with the same conditions as the DynamoDB one (form marker taken,
// subscription version), for the use-case tests.
import { FormTakenError, StaleReadError } from '#shared/domain/conflicts.ts';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { type SeriesReplacement, type SessionRepository, type SubscriptionWrite } from '#shared/domain/sessions/ports.ts';
import type { FormMarker, OccurrenceOverride, Series, Subscription } from '#shared/domain/sessions/schema.ts';
import type { AudiencePage } from '#shared/domain/reminders/ports.ts';
import type {
  SessionOccurrenceView,
  SessionReminderCatalog,
  SessionSeriesView,
  SessionSubscriberView,
} from '#shared/domain/sessions/reminder-source.ts';

export class MemorySessionRepository implements SessionRepository {
  series = new Map<string, Series>();
  overrides = new Map<string, OccurrenceOverride>();
  subscriptions = new Map<string, Subscription>();
  markers = new Map<string, FormMarker>();
  tokens = new Map<string, { seriesId: string; email: string }>();
  writes = 0;

  private subKey = (seriesId: string, email: string) => `${seriesId}|${email}`;

  async findSeries(id: string) {
    return this.series.get(id);
  }
  async findSeriesWithOverrides(id: string) {
    const series = this.series.get(id);
    return series ? { series, overrides: await this.listOccurrenceOverrides(id) } : undefined;
  }
  async listSeries() {
    return [...this.series.values()];
  }
  async listSeriesWithOverrides() {
    return Promise.all([...this.series.values()].map(async (series) => ({ series, overrides: await this.listOccurrenceOverrides(series.id) })));
  }
  async listOccurrenceOverrides(id: string) {
    return [...this.overrides.values()].filter((o) => o.series_id === id);
  }
  async putSeries(series: Series, replacement: SeriesReplacement = { previous: undefined, overrides: [], lastDate: null }) {
    const old = this.series.get(series.id);
    if (old?.updated_at !== replacement.previous?.series.updated_at) throw new StaleReadError();
    for (const o of replacement.overrides) {
      const before = replacement.previous?.overrides.find((p) => p.date === o.date);
      if (this.overrides.get(`${o.series_id}|${o.date}`)?.revision !== before?.revision) throw new StaleReadError();
    }
    for (const o of replacement.overrides) this.overrides.set(`${o.series_id}|${o.date}`, o);
    this.series.set(series.id, { ...series, created_at: old?.created_at ?? series.created_at });
    return { created: !old, createdAt: old?.created_at ?? series.created_at };
  }
  async saveOverride(override: OccurrenceOverride, previous: OccurrenceOverride | undefined) {
    const key = `${override.series_id}|${override.date}`;
    if (this.overrides.get(key)?.revision !== previous?.revision) throw new StaleReadError();
    this.overrides.set(key, override);
  }
  async readForSubscription(seriesId: string, email: string, formUuid: string | undefined) {
    return {
      series: this.series.get(seriesId),
      overrides: await this.listOccurrenceOverrides(seriesId),
      subscription: this.subscriptions.get(this.subKey(seriesId, email)),
      marker: formUuid ? this.markers.get(formUuid) : undefined,
    };
  }
  async commitSubscription(write: SubscriptionWrite, nonce: CallNonce | undefined) {
    if (write.marker && this.markers.has(write.marker.form_uuid)) throw new FormTakenError();
    const email = write.subscription?.email ?? write.marker?.email ?? '';
    const seriesId = write.subscription?.series_id ?? write.marker?.series_id ?? '';
    const current = this.subscriptions.get(this.subKey(seriesId, email));
    if (current?.version !== write.expectedVersion) throw new StaleReadError();
    if (write.subscription) this.subscriptions.set(this.subKey(seriesId, email), write.subscription);
    if (write.marker) this.markers.set(write.marker.form_uuid, write.marker);
    if (write.isNew && write.subscription) this.tokens.set(write.subscription.token, { seriesId, email });
    nonce?.markConsumed();
    this.writes++;
  }
  async findTokenTarget(token: string) {
    return this.tokens.get(token);
  }
  async unsubscribeByToken(target: { seriesId: string; email: string }, token: string, now: Date) {
    const s = this.subscriptions.get(this.subKey(target.seriesId, target.email));
    if (!s || s.status !== 'active' || s.token !== token) return false;
    this.subscriptions.set(this.subKey(target.seriesId, target.email), {
      ...s,
      status: 'unsubscribed',
      unsubscribed_at: now.toISOString(),
      version: s.version + 1,
    });
    return true;
  }
  async listActiveSubscribers(seriesId: string) {
    const items = [...this.subscriptions.values()]
      .filter((s) => s.series_id === seriesId && s.status === 'active')
      .map((s) => ({ subscriber_id: s.subscriber_id, email: s.email, first_name: s.first_name, token: s.token }));
    return { items };
  }
  async findSubscription(seriesId: string, subscriberId: string) {
    return [...this.subscriptions.values()].find((s) => s.series_id === seriesId && s.subscriber_id === subscriberId);
  }
  async countSubscribers(seriesId: string) {
    return (await this.listActiveSubscribers(seriesId)).items.length;
  }
  async listSubscriptions(seriesId: string) {
    return [...this.subscriptions.values()].filter((s) => s.series_id === seriesId);
  }
}

/** The sessions context as the reminder engine sees it (SessionReminderCatalog), in memory: for tests and the benchmark. */
export class FakeSessionCatalog implements SessionReminderCatalog {
  readonly series = new Map<string, SessionSeriesView>();
  readonly occurrences = new Map<string, SessionOccurrenceView>();
  /** Subscribers by series, in subscription order. */
  readonly subscribersBySeries = new Map<string, SessionSubscriberView[]>();
  reads = 0;

  addSeries(series: SessionSeriesView, occurrences: SessionOccurrenceView[], subscribers: SessionSubscriberView[]): void {
    this.series.set(series.id, series);
    for (const o of occurrences) this.occurrences.set(o.id, o);
    this.subscribersBySeries.set(series.id, subscribers);
  }

  async upcoming(seriesId: string, now: Date) {
    this.reads += 1;
    const series = this.series.get(seriesId);
    if (!series) return undefined;
    const occurrences = [...this.occurrences.values()].filter((o) => o.series_id === seriesId && Date.parse(o.starts_at) > now.getTime());
    return { series, occurrences };
  }

  async occurrence(occurrenceId: string) {
    const occurrence = this.occurrences.get(occurrenceId);
    const series = occurrence ? this.series.get(occurrence.series_id) : undefined;
    return occurrence && series ? { series, occurrence } : undefined;
  }

  async subscribers(seriesId: string, cursor: string | null, limit: number): Promise<AudiencePage> {
    const active = (this.subscribersBySeries.get(seriesId) ?? []).filter((s) => s.active);
    const start = cursor === null ? 0 : Number(cursor);
    const page = active.slice(start, start + limit);
    return { recipients: page.map((s) => s.id), cursor: start + limit < active.length ? String(start + limit) : null };
  }

  async subscriber(seriesId: string, subscriberId: string) {
    return this.subscribersBySeries.get(seriesId)?.find((s) => s.id === subscriberId);
  }
}

/** A series with one occurrence on `startsAt` (UTC ISO) and `count` subscribers at `@domain`. */
export function seriesFixture(seriesId: string, startsAt: string, count: number, domain: string) {
  const series: SessionSeriesView = {
    id: seriesId,
    title: 'Sessions en ligne du club',
    timezone: 'Europe/Paris',
    reminders: [{ days_before: 7, at: '09:00' }, { days_before: 1, at: '09:00' }, { minutes_before: 60 }],
  };
  const occurrence: SessionOccurrenceView = {
    id: `${seriesId}-${startsAt.slice(0, 10)}`,
    series_id: seriesId,
    starts_at: startsAt,
    ends_at: new Date(Date.parse(startsAt) + 90 * 60_000).toISOString(),
    topic: 'Le nouveau portail agent',
    visio_url: 'https://visio.example.org/club-publik',
    cancelled: false,
    sequence: 0,
  };
  const subscribers: SessionSubscriberView[] = Array.from({ length: count }, (_, i) => ({
    id: `sub-${String(i).padStart(5, '0')}`,
    series_id: seriesId,
    email: `p${i}@${domain}`,
    unsubscribe_token: `tok-${seriesId}-${i}-abcdefghijklmnopqrstuvwxyz`,
    active: true,
  }));
  return { series, occurrence, subscribers };
}
