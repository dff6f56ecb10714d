// Delivers a promotion notification: an email to the person and, when their form gave one, a
// signed callback to the w.c.s. form. The queue delivers at least once; each channel is
// claimed, sent and marked in the delivery store, so a message seen twice sends nothing twice
// and a retry after a failure sends only what is still missing.
import { silentLogger, type Logger } from '#shared/domain/logger.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import { registrationAnswer } from '#shared/domain/registrations/answer.ts';
import { registrationCalendar } from '#shared/domain/registrations/calendar.ts';
import type { Notification, PromotionNotification, RegistrationRepository } from '#shared/domain/registrations/ports.ts';
import type { CallbackSender, DeliveryChannel, DeliveryRepository, Mailer } from './ports.ts';
import { confirmationEmail, promotionCallbackBody, promotionEmail, type PromotionContext } from './promotion.ts';

// Longer than the function timeout (30 s), so a consumer still working is never overtaken, and
// well under the queue's visibility timeout (6 × 30 s), so the retry of a consumer that crashed
// mid-send finds the lease expired and sends.
export const DELIVERY_LEASE_SECONDS = 60;

export type ChannelOutcome = 'sent' | 'skipped' | 'already-done' | 'not-applicable';

export type PromotionOutcome =
  | { status: 'delivered'; email: ChannelOutcome; callback: ChannelOutcome }
  | { status: 'ignored'; reason: 'registration-gone' | 'registration-cancelled' | 'meeting-gone' | 'item-not-confirmed' };

/** A channel could not be delivered this time; the message must be retried. */
export class DeliveryFailedError extends Error {
  constructor(
    readonly notificationId: string,
    readonly failures: Array<{ channel: DeliveryChannel; error: unknown }>,
  ) {
    super(
      `Notification ${notificationId}: ${failures
        .map((f) => `${f.channel} failed (${f.error instanceof Error ? f.error.message : String(f.error)})`)
        .join('; ')}`,
    );
    this.name = 'DeliveryFailedError';
  }
}

/** Another consumer is sending this channel right now (a duplicate delivery): retry later. */
export class DeliveryInProgressError extends Error {
  constructor(channel: DeliveryChannel, leaseUntil: string) {
    super(`${channel} is being sent by another consumer (lease until ${leaseUntil})`);
    this.name = 'DeliveryInProgressError';
  }
}

export interface PromotionNotifierDeps {
  /** Where the use case logs (ids and classes only); silent when absent. */
  logger?: Logger | undefined;
  registrations: Pick<RegistrationRepository, 'findById' | 'waitingPositions'>;
  meetings: Pick<MeetingRepository, 'findMeeting'>;
  deliveries: DeliveryRepository;
  mailer: Mailer;
  callbacks: CallbackSender;
  baseUrl: string;
  clock?: () => Date;
  leaseSeconds?: number;
}

type SendResult = { status: 'sent'; detail: string } | { status: 'skipped'; reason: string };

export class PromotionNotifier {
  private readonly clock: () => Date;
  private readonly leaseSeconds: number;

  private get logger(): Logger {
    return this.deps.logger ?? silentLogger;
  }

  constructor(private readonly deps: PromotionNotifierDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.leaseSeconds = deps.leaseSeconds ?? DELIVERY_LEASE_SECONDS;
  }

  /** Throws DeliveryFailedError when a channel failed (the others are delivered and marked). */
  async notify(notification: Notification): Promise<PromotionOutcome> {
    return notification.type === 'registration.created' ? this.confirm(notification) : this.promoted(notification);
  }

  /** The confirmation of a new registration (send_confirmation): one email, the .ics attached. */
  private async confirm(notification: Extract<Notification, { type: 'registration.created' }>): Promise<PromotionOutcome> {
    const log = { notificationId: notification.id, registrationId: notification.registration_id };
    const registration = await this.deps.registrations.findById(notification.registration_id);
    if (!registration || registration.meeting_id !== notification.meeting_id) return { status: 'ignored', reason: 'registration-gone' };
    if (registration.state === 'cancelled') return { status: 'ignored', reason: 'registration-cancelled' };
    const meeting = await this.deps.meetings.findMeeting(notification.meeting_id);
    if (!meeting) return { status: 'ignored', reason: 'meeting-gone' };
    const positions = await this.deps.registrations.waitingPositions(registration);
    const answer = registrationAnswer(registration, meeting, positions, this.deps.baseUrl, false);
    const now = this.clock();
    let failure: unknown;
    const email = await this.deliverOnce(notification.id, 'email', async () => {
      const ics = registrationCalendar(meeting, registration, { now });
      const { messageId } = await this.deps.mailer.send(confirmationEmail({ registration, meeting, answer }, ics));
      return { status: 'sent', detail: `ses:${messageId}` };
    }).catch((error: unknown) => {
      failure = error;
      return 'not-applicable' as const;
    });
    if (failure !== undefined) {
      if (failure instanceof DeliveryInProgressError) throw failure;
      this.logger.warn('delivery failed; the message will be retried', { ...log, channel: 'email', error: failure as Error });
      throw new DeliveryFailedError(notification.id, [{ channel: 'email', error: failure }]);
    }
    this.logger.info('registration confirmation sent', { ...log, email });
    return { status: 'delivered', email, callback: 'not-applicable' };
  }

  private async promoted(notification: PromotionNotification): Promise<PromotionOutcome> {
    const log = { notificationId: notification.id, registrationId: notification.registration_id, item: notification.item_key };
    const registration = await this.deps.registrations.findById(notification.registration_id);
    if (!registration || registration.meeting_id !== notification.meeting_id) {
      this.logger.warn('promotion not notified: registration gone', log);
      return { status: 'ignored', reason: 'registration-gone' };
    }
    if (registration.state === 'cancelled') {
      this.logger.info('promotion not notified: registration cancelled since', log);
      return { status: 'ignored', reason: 'registration-cancelled' };
    }
    // Changed since the promotion (item given up, registration modified): announcing the place
    // would be false. The person already has the current state from their own change.
    if (registration.items.find((h) => h.key === notification.item_key)?.status !== 'confirmed') {
      this.logger.info('promotion not notified: the item is no longer confirmed', log);
      return { status: 'ignored', reason: 'item-not-confirmed' };
    }
    const meeting = await this.deps.meetings.findMeeting(notification.meeting_id);
    if (!meeting) {
      this.logger.warn('promotion not notified: meeting gone', log);
      return { status: 'ignored', reason: 'meeting-gone' };
    }
    const positions = await this.deps.registrations.waitingPositions(registration);
    const ctx: PromotionContext = {
      notification,
      registration,
      meeting,
      answer: registrationAnswer(registration, meeting, positions, this.deps.baseUrl, false),
    };

    // Channels are independent: a failing callback never holds back the email, and the other way round.
    const failures: Array<{ channel: DeliveryChannel; error: unknown }> = [];
    const run = async (channel: DeliveryChannel, send: () => Promise<SendResult>): Promise<ChannelOutcome> => {
      try {
        return await this.deliverOnce(notification.id, channel, send);
      } catch (error) {
        failures.push({ channel, error });
        this.logger.warn('delivery failed; the message will be retried', { ...log, channel, error: error as Error });
        return 'not-applicable';
      }
    };
    const email = await run('email', async () => {
      const { messageId } = await this.deps.mailer.send(promotionEmail(ctx));
      return { status: 'sent', detail: `ses:${messageId}` };
    });
    const callbackUrl = registration.callback_url;
    const callback = callbackUrl
      ? await run('callback', async () => {
          const result = await this.deps.callbacks.post(callbackUrl, promotionCallbackBody(ctx));
          if (result.status === 'skipped') {
            this.logger.warn('callback not sent: no signature key for its host', { ...log, host: result.host });
            return { status: 'skipped', reason: `${result.reason}:${result.host}` };
          }
          return { status: 'sent', detail: `http:${result.httpStatus}` };
        })
      : 'not-applicable';

    if (failures.length > 0) throw new DeliveryFailedError(notification.id, failures);
    this.logger.info('promotion notified', { ...log, email, callback });
    return { status: 'delivered', email, callback };
  }

  private async deliverOnce(notificationId: string, channel: DeliveryChannel, send: () => Promise<SendResult>): Promise<ChannelOutcome> {
    const claim = await this.deps.deliveries.claim(notificationId, channel, this.clock(), this.leaseSeconds);
    if (claim.status === 'done') return 'already-done';
    if (claim.status === 'busy') throw new DeliveryInProgressError(channel, claim.leaseUntil);

    let result: SendResult;
    try {
      result = await send();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.deps.deliveries.release(notificationId, channel, claim.token, this.clock(), message).catch((releaseError: unknown) => {
        // The lease then expires by itself; the retry waits for it.
        this.logger.warn('could not release a delivery marker', { notificationId, channel, error: releaseError as Error });
      });
      throw error;
    }
    const kept =
      result.status === 'sent'
        ? await this.deps.deliveries.markSent(notificationId, channel, claim.token, this.clock(), result.detail)
        : await this.deps.deliveries.markSkipped(notificationId, channel, claim.token, this.clock(), result.reason);
    if (!kept) this.logger.warn('delivery marker taken over while sending (lease expired)', { notificationId, channel });
    return result.status;
  }
}
