// The survey use cases over DynamoDB, built once per cold start by the functions that need them.
import { DynamoMeetingStore } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationStore } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSurveyStore } from '#shared/adapters/dynamodb/survey-repository.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createSurveyContext(ctx: ServiceContext) {
  const store = new DynamoSurveyStore(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);
  const meetings = new DynamoMeetingStore(ctx.ddb, ctx.config.dataTable);
  const registrations = new DynamoRegistrationStore(ctx.ddb, ctx.config.dataTable, meetings, ctx.config.nonceTable);
  const surveys = new SurveyService({
    store,
    registrations,
    meetings,
    participationKey: async () => {
      const key = (await ctx.secrets()).participationKey;
      // Fail loudly (500, logged) rather than hash with a guessable key.
      if (!key) throw new Error('PARTICIPATION_HASH_KEY is not configured');
      return key;
    },
  });
  return { store, surveys };
}
