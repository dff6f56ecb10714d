import { DynamoDBClient, DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';
import { clientOptions } from '#shared/adapters/aws/client-options.ts';
import type { Config } from '#shared/config.ts';

/**
 * One document client per process. `maxAttempts` stays at the SDK's standard retry mode
 * (throttles and 5xx, jittered backoff); transaction conflicts are retried by the
 * repositories that use transactions, where the whole plan must be recomputed.
 */
export function createDocumentClient(config: Pick<Config, 'dynamodbEndpoint'>): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...clientOptions(config.dynamodbEndpoint), maxAttempts: 4 });
  // The SDK's logger middleware copies every input and output through the schemas' sensitive-
  // data filter (`schemaLogFilter`) before handing them to the client's logger, which is the
  // SDK's no-op logger here: 2–3 % of an answer's CPU for nothing (bench/README.md, issue 21).
  // Errors still reach the caller unchanged; no code of ours sets an SDK logger.
  client.middlewareStack.remove('loggerMiddleware');
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
