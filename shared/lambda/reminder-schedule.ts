// What an owner's admin use case needs of the reminder engine: refreshNextDue, planned with the
// one source of its own kind. Kept apart from reminders-context.ts (the tick and the consumer,
// which hold every source) so that each HTTP bundle carries only its own context's planning.
import { DynamoReminderRepository } from '#shared/adapters/dynamodb/reminder-repository.ts';
import { MissingReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import { ReminderEngine } from '#shared/domain/reminders/engine.ts';
import type { OwnerKind } from '#shared/domain/reminders/model.ts';
import type { ReminderSchedule, ReminderSource } from '#shared/domain/reminders/ports.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export type ReminderSources = Partial<Record<OwnerKind, ReminderSource>>;

/** `Name <address>` → its parts, for the ORGANIZER of the invitations. */
export function organizerOf(mailFrom: string): { name: string; email: string } {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(mailFrom);
  return match ? { name: match[1] || 'Club utilisateurs Publik', email: match[2] as string } : { name: 'Club utilisateurs Publik', email: mailFrom.trim() };
}

/** refreshNextDue over the ledger, with the given sources (no queue: nothing is sent from here). */
export function createReminderSchedule(ctx: ServiceContext, sources: ReminderSources): ReminderSchedule {
  return new ReminderEngine({
    sources,
    ledger: new DynamoReminderRepository(ctx.ddb, ctx.config.dataTable),
    queue: new MissingReminderQueue(),
  });
}
