// What every function builds once per cold start: config, the DynamoDB client, the secrets
// loader and the HTTP chain's dependencies. Each context's composition root (shared/contexts/)
// builds on it.
import type { DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';
import { memoize } from '#shared/adapters/aws/lazy-client.ts';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoNonceRepository } from '#shared/adapters/dynamodb/nonce-repository.ts';
import { DynamoAuditTrail } from '#shared/adapters/dynamodb/audit-repository.ts';
import { parseConfig, type Config } from '#shared/config.ts';
import type { HttpDeps } from '#shared/lambda/http.ts';
import { extensionEndpoint, resolveSecrets, type Secrets } from '#shared/lambda/secrets.ts';

export interface ServiceContext {
  config: Config;
  ddb: DynamoDBDocumentClient;
  secrets: () => Promise<Secrets>;
  httpDeps: HttpDeps;
}

export function createServiceContext(env: Record<string, string | undefined> = process.env): ServiceContext {
  const config = parseConfig(env);
  const ddb = createDocumentClient(config);
  const extension = extensionEndpoint(env);
  // Read once per cold start, on the first request (the extension does not answer during
  // init); a failed read is retried by the next invocation.
  const secrets = memoize(() => resolveSecrets(config, extension));
  return {
    config,
    ddb,
    secrets,
    httpDeps: {
      secrets,
      nonceRepository: new DynamoNonceRepository(ddb, config.nonceTable),
      // Admin writes append their audit record to the data table (shared/lambda/http.ts, appendAudit).
      auditTrail: new DynamoAuditTrail(ddb, config.dataTable),
    },
  };
}
