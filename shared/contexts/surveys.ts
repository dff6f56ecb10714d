// The surveys context over DynamoDB (http-surveys), and the survey invitation source the
// reminder engine plans and composes with. The participation key (PARTICIPATION_HASH_KEY, an SSM
// SecureString in AWS) is read only when an answer or a delivery needs it, by the functions
// whose manifest entry says `usesParticipationKey`.
import { DynamoSurveyLinkRepository } from '#shared/adapters/dynamodb/survey-link-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { createRegistrationRepositories, type RegistrationRepositories } from '#shared/contexts/registrations.ts';
import { createReminderSchedule } from '#shared/contexts/reminders.ts';
import { SurveyInvitationSource } from '#shared/domain/surveys/invitation-source.ts';
import { SurveyOptOut } from '#shared/domain/surveys/opt-out.ts';
import type { SurveyRepository } from '#shared/domain/surveys/ports.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function participationKeyOf(ctx: ServiceContext): () => Promise<string> {
  return async () => {
    const key = (await ctx.secrets()).participationKey;
    // Fail loudly (500 / a failed delivery, logged) rather than hash with a guessable key.
    if (!key) throw new Error('PARTICIPATION_HASH_KEY is not configured');
    return key;
  };
}

const repositoryOf = (ctx: ServiceContext) => new DynamoSurveyRepository(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);

/** The survey invitations and reminders (a survey's `invitations`) for the reminder engine. */
export function createSurveyInvitationSource(
  ctx: ServiceContext,
  repositories: RegistrationRepositories & { surveyRepository?: SurveyRepository } = createRegistrationRepositories(ctx),
) {
  return new SurveyInvitationSource({
    surveys: repositories.surveyRepository ?? repositoryOf(ctx),
    meetings: repositories.meetingRepository,
    registrations: repositories.registrationRepository,
    participationKey: participationKeyOf(ctx),
    links: linksOf(ctx),
    baseUrl: ctx.config.publicBaseUrl,
  });
}

const linksOf = (ctx: ServiceContext) => new DynamoSurveyLinkRepository(ctx.ddb, ctx.config.dataTable);

/** The one-click links of survey invitations (served at `/u/{token}` by http-sessions). */
export function createSurveyOptOut(ctx: ServiceContext) {
  return new SurveyOptOut(linksOf(ctx));
}

export function createSurveysContext(ctx: ServiceContext) {
  const store = repositoryOf(ctx);
  const repositories = createRegistrationRepositories(ctx);
  const surveys = new SurveyService({
    store,
    registrations: repositories.registrationRepository,
    meetings: repositories.meetingRepository,
    participationKey: participationKeyOf(ctx),
    // A PUT reschedules the survey's invitations (the reminder engine's sparse index).
    reminders: createReminderSchedule(ctx, { survey: createSurveyInvitationSource(ctx, { ...repositories, surveyRepository: store }) }),
  });
  return { store, surveys };
}
