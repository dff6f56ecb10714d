// The survey use cases over DynamoDB, built once per cold start by the functions that need them.
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { participationKeyOf } from '#shared/lambda/participation-key.ts';
import { createReminderSchedule } from '#shared/lambda/reminder-schedule.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';
import { createSurveyInvitationSource } from '#shared/lambda/survey-reminders.ts';

export function createSurveyContext(ctx: ServiceContext) {
  const store = new DynamoSurveyRepository(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);
  const meetings = new DynamoMeetingRepository(ctx.ddb, ctx.config.dataTable);
  const registrations = new DynamoRegistrationRepository(ctx.ddb, ctx.config.dataTable, meetings, ctx.config.nonceTable);
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
