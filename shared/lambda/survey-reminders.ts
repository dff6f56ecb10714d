// The survey invitation source over DynamoDB: what the tick, the consumer and the survey admin
// PUT (refreshNextDue) build. The participation key is read only when a delivery composes.
import { DynamoSurveyInvitationCatalog } from '#shared/adapters/dynamodb/survey-invitation-catalog.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { RegistrationRepository } from '#shared/domain/registrations/ports.ts';
import { SurveyInvitationSource } from '#shared/domain/surveys/invitation-source.ts';
import type { SurveyRepository } from '#shared/domain/surveys/ports.ts';
import { participationKeyOf } from '#shared/lambda/participation-key.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createSurveyInvitationSource(
  ctx: ServiceContext,
  stores: { meetings: MeetingRepository; registrations: RegistrationRepository; surveys?: SurveyRepository },
): SurveyInvitationSource {
  const surveys = stores.surveys ?? new DynamoSurveyRepository(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);
  return new SurveyInvitationSource(
    new DynamoSurveyInvitationCatalog(ctx.ddb, ctx.config.dataTable, surveys, stores.meetings, stores.registrations, participationKeyOf(ctx)),
  );
}
