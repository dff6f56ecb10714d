// The personal-data context (RGPD): the retention purge (schedule-retention, http-people) and
// access and erasure requests by email (http-people). Erasing a future registration goes through
// the registrations context's cancellation (places freed, waiting lists promoted).
import { DynamoAuditTrail } from '#shared/adapters/dynamodb/audit-repository.ts';
import { DynamoPeopleRepository } from '#shared/adapters/dynamodb/people-repository.ts';
import { createRegistrationsContext } from '#shared/contexts/registrations.ts';
import { participationKeyOf } from '#shared/contexts/surveys.ts';
import { PeopleService, RetentionService } from '#shared/domain/people/service.ts';
import { useCaseLogger as logger } from '#shared/lambda/logger.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

const peopleStore = (ctx: ServiceContext) => new DynamoPeopleRepository(ctx.ddb, ctx.config.dataTable, participationKeyOf(ctx));

/** The retention purge alone (the daily schedule), and the audit trail its runs are recorded in. */
export function createRetentionContext(ctx: ServiceContext) {
  return { retention: new RetentionService(peopleStore(ctx), logger), auditTrail: new DynamoAuditTrail(ctx.ddb, ctx.config.dataTable) };
}

export function createPeopleContext(ctx: ServiceContext) {
  const store = peopleStore(ctx);
  const { registrations } = createRegistrationsContext(ctx);
  return { retention: new RetentionService(store, logger), people: new PeopleService(store, registrations, logger) };
}
