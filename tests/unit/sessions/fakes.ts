// An in-memory SessionRepository with the same conditions as the DynamoDB one (form marker taken,
// subscription version), for the use-case tests.
import { FormTakenError, StaleReadError } from '#shared/domain/conflicts.ts';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { type SessionRepository, type SubscriptionWrite } from '#shared/domain/sessions/ports.ts';
import type { FormMarker, OccurrenceOverride, Series, Subscription } from '#shared/domain/sessions/schema.ts';

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
  async putSeries(series: Series) {
    const old = this.series.get(series.id);
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
