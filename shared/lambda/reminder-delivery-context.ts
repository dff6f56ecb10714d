// The reminders consumer's context: delivery markers, SES, and the sources reading one
// recipient and one occurrence at a time (no planning, no recurrence expansion).
import { DynamoDeliveryStore } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoSessionStore } from '#shared/adapters/dynamodb/session-repository.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { ReminderDelivery } from '#shared/domain/reminders/engine.ts';
import { sessionEmail } from '#shared/domain/reminders/session-email.ts';
import { registrationCalendar } from '#shared/domain/registrations/calendar.ts';
import { SessionDeliveryCatalog } from '#shared/domain/sessions/delivery-catalog.ts';
import type { ReminderSources } from '#shared/lambda/reminder-schedule.ts';
import { createReminderSources } from '#shared/lambda/reminder-sources.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createReminderDelivery(ctx: ServiceContext, opts: { sources?: ReminderSources } = {}) {
  const sessions = new SessionDeliveryCatalog(new DynamoSessionStore(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable));
  return new ReminderDelivery({
    sources: opts.sources ?? createReminderSources(ctx, { sessions, render: sessionEmail, meetingCalendar: registrationCalendar }),
    deliveries: new DynamoDeliveryStore(ctx.ddb, ctx.config.dataTable),
    mailer: SesMailer.fromConfig(ctx.config),
  });
}
