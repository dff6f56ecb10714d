// What a promotion writes, automatic (RegistrationService.promoteWaiting) or by an organiser's
// hand (waiting-list.ts): the registration after it and the notification its transaction puts
// in the outbox; and the one way both hand the outbox to the queue afterwards. One mechanism,
// so that the person is told the same thing, exactly once, however the place came.
import { silentLogger, type Logger } from '#shared/domain/logger.ts';
import type { PromotionPlan } from './allocation.ts';
import type { Notification, NotificationPublisher, PromotionNotification, RegistrationRepository } from './ports.ts';
import type { Registration } from './schema.ts';

/** The registration after its promotion on `key`, and its notification (`id`: a fresh token). Pure. */
export function promotedRegistration(reg: Registration, key: string, promotion: Pick<PromotionPlan, 'held' | 'dropped'>, now: Date, id: string) {
  const notification: PromotionNotification = {
    id,
    type: 'registration.promoted',
    meeting_id: reg.meeting_id,
    registration_id: reg.id,
    item_key: key,
    dropped_workshops: promotion.dropped,
    created_at: now.toISOString(),
  };
  const next: Registration = {
    ...reg,
    items: promotion.held,
    workshops: reg.workshops.filter((w) => !promotion.dropped.includes(w)),
    version: reg.version + 1,
    updated_at: now.toISOString(),
  };
  return { notification, next };
}

/** Queues notifications and clears their outbox entries (a failure leaves them for the maintenance sweep). */
export async function dispatchNotifications(
  deps: { publisher: NotificationPublisher; store: Pick<RegistrationRepository, 'clearOutbox'>; logger?: Logger | undefined },
  notifications: Notification[],
): Promise<void> {
  if (notifications.length === 0) return;
  try {
    await deps.publisher.publish(notifications);
    await Promise.all(notifications.map((n) => deps.store.clearOutbox(n)));
  } catch (error) {
    (deps.logger ?? silentLogger).error('notifications left in the outbox', { error: error as Error, count: notifications.length });
  }
}
