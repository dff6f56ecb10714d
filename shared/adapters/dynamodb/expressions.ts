import { ConditionalCheckFailedException, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput, type UpdateCommandOutput } from '#shared/adapters/aws/sdk.ts';

/**
 * `#name` placeholders of expressions mapped to attribute names. Every attribute in our
 * expressions is aliased: DynamoDB reserves hundreds of words (`capacity`, `key`, `type`…).
 */
export function exprNames(...expressions: string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const e of expressions) for (const m of e.matchAll(/#(\w+)/g)) names[m[0]] = m[1] as string;
  return names;
}

/**
 * Condition of an optimistic write of a versioned aggregate: the item must not exist yet
 * (expectedVersion 0) or must still be at `expectedVersion` (stored in attribute `version`).
 */
export function versionCondition(expectedVersion: number) {
  return expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: '#version = :v',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':v': expectedVersion },
      };
}

/** An UpdateItem whose condition may fail: its output, or undefined when the condition failed (nothing written). */
export async function updateIfHolds(client: DynamoDBDocumentClient, input: UpdateCommandInput): Promise<UpdateCommandOutput | undefined> {
  try {
    return await client.send(new UpdateCommand(input));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
