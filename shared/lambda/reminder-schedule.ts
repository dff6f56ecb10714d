// What owners' admin use cases need of the reminder engine: refreshNextDue after a write. Kept
// apart from reminders-context.ts so that the admin bundles do not carry the email renderers.
import { DynamoMeetingReminderCatalog } from '#shared/adapters/dynamodb/meeting-reminder-catalog.ts';
import { DynamoReminderLedger } from '#shared/adapters/dynamodb/reminder-ledger.ts';
import { MissingReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import type { MeetingStore } from '#shared/domain/meetings/ports.ts';
import type { RegistrationStore } from '#shared/domain/registrations/ports.ts';
import { ReminderEngine } from '#shared/domain/reminders/engine.ts';
import { MeetingReminderSource } from '#shared/domain/reminders/meeting-source.ts';
import type { ReminderSchedule, ReminderSource } from '#shared/domain/reminders/ports.ts';
import type { OwnerKind } from '#shared/domain/reminders/model.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

/** refreshNextDue for meetings (and the sources given, e.g. the sessions context's). */
export function createReminderSchedule(
  ctx: ServiceContext,
  meetings: MeetingStore,
  registrations: RegistrationStore,
  extra: Partial<Record<OwnerKind, ReminderSource>> = {},
): ReminderSchedule {
  return new ReminderEngine({
    sources: {
      meeting: new MeetingReminderSource(new DynamoMeetingReminderCatalog(ctx.ddb, ctx.config.dataTable, meetings, registrations), ctx.config.publicBaseUrl),
      ...extra,
    },
    ledger: new DynamoReminderLedger(ctx.ddb, ctx.config.dataTable),
    queue: new MissingReminderQueue(),
  });
}
