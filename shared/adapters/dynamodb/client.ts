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
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
