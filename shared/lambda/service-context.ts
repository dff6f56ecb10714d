// What every function builds once per cold start: config, clients and the secrets loader.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoNonceStore } from '#shared/adapters/dynamodb/nonce-store.ts';
import { parseConfig, type Config } from '#shared/config.ts';
import type { HttpDeps } from '#shared/lambda/http.ts';
import { resolveSecrets, type Secrets } from '#shared/lambda/secrets.ts';

export interface ServiceContext {
  config: Config;
  ddb: DynamoDBDocumentClient;
  secrets: () => Promise<Secrets>;
  httpDeps: HttpDeps;
}

export function createServiceContext(env: Record<string, string | undefined> = process.env): ServiceContext {
  const config = parseConfig(env);
  const ddb = createDocumentClient(config);
  let pending: Promise<Secrets> | undefined;
  // Read once per cold start; a failed read is retried by the next invocation.
  const secrets = () => {
    pending ??= resolveSecrets(config).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return {
    config,
    ddb,
    secrets,
    httpDeps: { secrets, nonceStore: new DynamoNonceStore(ddb, config.nonceTable) },
  };
}
