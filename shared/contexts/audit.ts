// The audit trail's reading side (GET /admin/audit). The writing side is the HTTP chain's
// (shared/lambda/http.ts, appendAudit), built by createServiceContext for every function.
import { DynamoAuditReader } from '#shared/adapters/dynamodb/audit-repository.ts';
import { AuditLog } from '#shared/domain/audit/service.ts';
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function createAuditContext(ctx: ServiceContext) {
  return { audit: new AuditLog(new DynamoAuditReader(ctx.ddb, ctx.config.dataTable)) };
}
