// The vote use cases over DynamoDB, built once per cold start by functions/http-votes.
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createVotesContext(ctx: ServiceContext) {
  const store = new DynamoVoteRepository(ctx.ddb, ctx.config.dataTable, ctx.config.nonceTable);
  return { store, votes: new VoteService({ store }) };
}
