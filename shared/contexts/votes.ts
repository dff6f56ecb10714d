// The votes context over DynamoDB (http-votes), built once per cold start.
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import { useCaseLogger as logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createVotesContext(ctx: ServiceContext) {
  const store = new DynamoVoteRepository(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);
  return { store, votes: new VoteService({ store, logger }) };
}
