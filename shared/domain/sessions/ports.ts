// What the session use cases (and the reminder engine) need from storage and the queue.
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import type { FormMarker, OccurrenceOverride, Series, Subscription } from './schema.ts';

/** An active subscriber as the reminder engine's fan-out needs it. */
export interface ActiveSubscriber {
  subscriber_id: string;
  email: string;
  first_name?: string | undefined;
  /** Credential of the one-click link `{PUBLIC_BASE_URL}/u/{token}`: never log it. */
  token: string;
}

export interface SubscriberPage {
  items: ActiveSubscriber[];
  /** Opaque; absent on the last page. */
  cursor?: string | undefined;
}

export interface SeriesWithOverrides {
  series: Series;
  overrides: OccurrenceOverride[];
}

/** What a replacement was decided on (undefined: a creation) and the overrides it writes. */
export interface SeriesReplacement {
  previous: SeriesWithOverrides | undefined;
  overrides: OccurrenceOverride[];
  /** The rule's last instance (recurrence.ts lastRuleDate), stored beside the series for the retention purge. */
  lastDate: string | null;
}

/** Everything a subscription decision reads, in one BatchGetItem. */
export interface SubscriptionReads {
  series: Series | undefined;
  /** The series' occurrence changes (copied into the series item, so they come with it). */
  overrides: OccurrenceOverride[];
  subscription: Subscription | undefined;
  marker: FormMarker | undefined;
}

/** The one write of a subscription or an unsubscription (with the call's nonce). */
export interface SubscriptionWrite {
  /** The subscription as it will be; undefined when it does not change (already subscribed). */
  subscription?: Subscription;
  /** Version the stored subscription must still have (undefined: it must not exist yet). */
  expectedVersion: number | undefined;
  /** Written when the form uuid is given; fails when it was taken meanwhile. */
  marker?: FormMarker;
  /** First subscription of this email to this series: its id pointer and token item. */
  isNew: boolean;
}

export interface SessionRepository {
  findSeries(seriesId: string): Promise<Series | undefined>;
  /** The series and its per-occurrence changes, in one read. */
  findSeriesWithOverrides(seriesId: string): Promise<SeriesWithOverrides | undefined>;
  listSeries(): Promise<Series[]>;
  /** Every series with its per-occurrence changes, in one (paginated) Query. */
  listSeriesWithOverrides(): Promise<SeriesWithOverrides[]>;
  listOccurrenceOverrides(seriesId: string): Promise<OccurrenceOverride[]>;
  /**
   * Creates or replaces the definition with the overrides the replacement decided (the others
   * untouched), in one transaction conditional on `previous` as read (the series' `updated_at`,
   * each written override's revision): StaleReadError otherwise. The first creation date is kept.
   */
  putSeries(series: Series, replacement: SeriesReplacement): Promise<{ created: boolean; createdAt: string }>;
  /**
   * Writes the override item and its copy in the series item in one transaction, conditional
   * on the previous override's `revision`; StaleReadError otherwise.
   */
  saveOverride(override: OccurrenceOverride, previous: OccurrenceOverride | undefined): Promise<void>;

  readForSubscription(seriesId: string, email: string, formUuid: string | undefined): Promise<SubscriptionReads>;
  /** Throws FormTakenError / StaleReadError (nothing written), ReplayedCallError. */
  commitSubscription(write: SubscriptionWrite, nonce: CallNonce | undefined): Promise<void>;
  /** The series and email the token unsubscribes; undefined for an unknown token. */
  findTokenTarget(token: string): Promise<{ seriesId: string; email: string } | undefined>;
  /** Marks the subscription unsubscribed when it is still active; true when it was. */
  unsubscribeByToken(target: { seriesId: string; email: string }, token: string, now: Date): Promise<boolean>;

  listActiveSubscribers(seriesId: string, cursor: string | undefined, limit: number): Promise<SubscriberPage>;
  findSubscription(seriesId: string, subscriberId: string): Promise<Subscription | undefined>;
  countSubscribers(seriesId: string): Promise<number>;
  /** Every subscription of the series, active or not (admin export). */
  listSubscriptions(seriesId: string): Promise<Subscription[]>;
}

/** Tells the reminder engine's queue consumer to send a new subscriber's confirmation. */
export interface ConfirmationPublisher {
  /** `subscriptionVersion`: the subscription as just written; a return after unsubscribing is a new one. */
  publishConfirmation(message: { seriesId: string; subscriberId: string; occurrenceId: string; subscriptionVersion: number }): Promise<void>;
}

