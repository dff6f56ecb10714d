// The survey use cases over DynamoDB, built once per cold start by the functions that need them.
import { DynamoMeetingStore } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationStore } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSurveyStore } from '#shared/adapters/dynamodb/survey-repository.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { participationKeyOf } from '#shared/lambda/participation-key.ts';
import { createReminderSchedule } from '#shared/lambda/reminder-schedule.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';
import { createSurveyInvitationSource } from '#shared/lambda/survey-reminders.ts';

export function createSurveyContext(ctx: ServiceContext) {
  const store = new DynamoSurveyStore(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);
  const meetings = new DynamoMeetingStore(ctx.ddb, ctx.config.dataTable);
  const registrations = new DynamoRegistrationStore(ctx.ddb, ctx.config.dataTable, meetings, ctx.config.nonceTable);
  const surveys = new SurveyService({
    store,
    registrations,
    meetings,
    participationKey: participationKeyOf(ctx),
    // A PUT reschedules the survey's invitations (the reminder engine's sparse index).
    reminders: createReminderSchedule(ctx, { survey: createSurveyInvitationSource(ctx, { meetings, registrations, surveys: store }) }),
  });
  return { store, surveys };
}
