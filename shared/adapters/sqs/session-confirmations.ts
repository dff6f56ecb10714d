// The confirmation of a new subscription goes to the reminder engine's queue at once (its
// consumer renders and sends the email with the iCalendar invitation).
import type { Logger } from '#shared/domain/logger.ts';
import type { ConfirmationPublisher } from '#shared/domain/sessions/ports.ts';
import { TypedMessageSender } from '#shared/adapters/sqs/typed-sender.ts';

/** Message body, as the reminders queue consumer reads it. */
export interface SessionConfirmationMessage {
  type: 'session.confirmation';
  series_id: string;
  subscriber_id: string;
  occurrence_id: string;
  subscription_version: number;
}

export class SqsConfirmationPublisher extends TypedMessageSender implements ConfirmationPublisher {
  async publishConfirmation(m: { seriesId: string; subscriberId: string; occurrenceId: string; subscriptionVersion: number }): Promise<void> {
    const body: SessionConfirmationMessage = {
      type: 'session.confirmation',
      series_id: m.seriesId,
      subscriber_id: m.subscriberId,
      occurrence_id: m.occurrenceId,
      subscription_version: m.subscriptionVersion,
    };
    await this.sendMessage(body);
  }
}

/** No reminders queue configured (REMINDERS_QUEUE_URL unset): confirmations are skipped, with a warning. */
export class MissingConfirmationPublisher implements ConfirmationPublisher {
  constructor(private readonly logger: Pick<Logger, 'warn'>) {}

  async publishConfirmation(m: { seriesId: string; subscriberId: string; occurrenceId: string; subscriptionVersion: number }): Promise<void> {
    this.logger.warn('REMINDERS_QUEUE_URL is not configured: session confirmation skipped', {
      seriesId: m.seriesId,
      subscriberId: m.subscriberId,
      occurrenceId: m.occurrenceId,
    });
  }
}
