// What owners' admin use cases need of the reminder engine: refreshNextDue, with only the
// sources of the owners they write (no queue). A module of its own, apart from
// reminders-context.ts, so that a function bundles the sources it refreshes and no other
// (service-context.ts, imported by every function, needs the meeting source alone).
import { DynamoMeetingReminderCatalog } from '#shared/adapters/dynamodb/meeting-reminder-catalog.ts';
import { DynamoReminderLedger } from '#shared/adapters/dynamodb/reminder-ledger.ts';
import { MissingReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import type { MeetingStore } from '#shared/domain/meetings/ports.ts';
import type { RegistrationStore } from '#shared/domain/registrations/ports.ts';
import { ReminderEngine } from '#shared/domain/reminders/engine.ts';
import { MeetingReminderSource } from '#shared/domain/reminders/meeting-source.ts';
import type { OwnerKind } from '#shared/domain/reminders/model.ts';
import type { ReminderSchedule, ReminderSource } from '#shared/domain/reminders/ports.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export type ReminderSources = Partial<Record<OwnerKind, ReminderSource>>;

export function createMeetingReminderSource(ctx: ServiceContext, meetings: MeetingStore, registrations: RegistrationStore): MeetingReminderSource {
  return new MeetingReminderSource(new DynamoMeetingReminderCatalog(ctx.ddb, ctx.config.dataTable, meetings, registrations), ctx.config.publicBaseUrl);
}

/** For owners' admin use cases: refreshNextDue only (no queue needed), over the sources given. */
export function createReminderSchedule(ctx: ServiceContext, sources: ReminderSources): ReminderSchedule {
  return new ReminderEngine({ sources, ledger: new DynamoReminderLedger(ctx.ddb, ctx.config.dataTable), queue: new MissingReminderQueue() });
}
