// Pure decisions of subscribing and unsubscribing, from what one read returned.
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { RefusalError } from '#shared/errors.ts';
import type { SubscriptionReads, SubscriptionWrite } from './ports.ts';
import type { FormMarker, SubscribeRequest, Subscription, UnsubscribeRequest } from './schema.ts';

export type SubscribeDecision =
  /** This form was already processed: answer as then, write nothing. */
  | { kind: 'replay'; subscription: Subscription; alreadySubscribed: boolean }
  /** The email is already subscribed (an earlier form): success, only the form is recorded. */
  | { kind: 'already'; subscription: Subscription; write: SubscriptionWrite }
  /** A new subscriber, or one coming back after unsubscribing. */
  | { kind: 'subscribe'; subscription: Subscription; write: SubscriptionWrite };

const formUsed = () =>
  new RefusalError('form-already-used', 'Ce formulaire a déjà servi à une autre demande d’abonnement ou de désabonnement.');

/**
 * The one read is a BatchGetItem, not a snapshot: it can see this form's marker, committed an
 * instant ago by a copy of the same form, without the subscription written in the same
 * transaction. Read again rather than refuse.
 */

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function decideSubscribe(
  seriesId: string,
  reads: SubscriptionReads,
  request: SubscribeRequest,
  now: Date,
  fresh: { subscriberId: string; token: string },
): SubscribeDecision {
  const { subscription: existing, marker } = reads;
  if (marker) {
    if (marker.action !== 'subscribe' || marker.series_id !== seriesId || marker.email !== request.email) throw formUsed();
    if (!existing) throw new StaleReadError();
    return { kind: 'replay', subscription: existing, alreadySubscribed: marker.already_subscribed ?? false };
  }
  const at = now.toISOString();
  const markerFor = (s: Subscription, already: boolean): FormMarker => ({
    form_uuid: request.form_uuid,
    action: 'subscribe',
    series_id: seriesId,
    email: request.email,
    subscriber_id: s.subscriber_id,
    already_subscribed: already,
    at,
  });
  if (existing?.status === 'active') {
    return {
      kind: 'already',
      subscription: existing,
      write: { expectedVersion: existing.version, marker: markerFor(existing, true), isNew: false },
    };
  }
  const subscription: Subscription = defined({
    subscriber_id: existing?.subscriber_id ?? fresh.subscriberId,
    series_id: seriesId,
    email: request.email,
    first_name: request.first_name,
    last_name: request.last_name,
    organisation: request.organisation,
    user_name_id: request.user_name_id,
    status: 'active' as const,
    // A returning subscriber keeps the link of the emails already sent.
    token: existing?.token ?? fresh.token,
    subscribed_at: at,
    unsubscribed_at: undefined,
    version: (existing?.version ?? -1) + 1,
  });
  return {
    kind: 'subscribe',
    subscription,
    write: { subscription, expectedVersion: existing?.version, marker: markerFor(subscription, false), isNew: !existing },
  };
}

export type UnsubscribeDecision =
  | { kind: 'replay'; wasSubscribed: boolean }
  /** Nothing to change (unknown email, or already unsubscribed): a success all the same. */
  | { kind: 'noop' }
  | { kind: 'unsubscribe'; write: SubscriptionWrite };

export function decideUnsubscribe(
  seriesId: string,
  reads: SubscriptionReads,
  request: UnsubscribeRequest,
  now: Date,
): UnsubscribeDecision {
  const { subscription: existing, marker } = reads;
  if (marker) {
    if (marker.action !== 'unsubscribe' || marker.series_id !== seriesId || marker.email !== request.email) throw formUsed();
    return { kind: 'replay', wasSubscribed: marker.was_subscribed ?? false };
  }
  if (existing?.status !== 'active') return { kind: 'noop' };
  const at = now.toISOString();
  const subscription: Subscription = { ...existing, status: 'unsubscribed', unsubscribed_at: at, version: existing.version + 1 };
  return {
    kind: 'unsubscribe',
    write: {
      subscription,
      expectedVersion: existing.version,
      isNew: false,
      ...(request.form_uuid
        ? {
            marker: {
              form_uuid: request.form_uuid,
              action: 'unsubscribe' as const,
              series_id: seriesId,
              email: request.email,
              subscriber_id: existing.subscriber_id,
              was_subscribed: true,
              at,
            },
          }
        : {}),
    },
  };
}
