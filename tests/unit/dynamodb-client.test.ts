// The one DynamoDB document client (shared/adapters/dynamodb/client.ts): the SDK's logger
// middleware is left out (issue 21: it filtered every input and output for the no-op logger).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';

describe('createDocumentClient', () => {
  it('has no SDK logger middleware, and keeps the rest of the stack', () => {
    const client = createDocumentClient({ dynamodbEndpoint: 'http://127.0.0.1:1' });
    const names = client.middlewareStack.identify().map((line) => line.split(' ')[0]);
    expect(names).not.toContain('loggerMiddleware');
    expect(names).toEqual(expect.arrayContaining(['retryMiddleware', 'httpSigningMiddleware']));
    client.destroy();
  });

  it('still rejects with the SDK error of a failed call', async () => {
    const client = createDocumentClient({ dynamodbEndpoint: 'http://127.0.0.1:1' });
    const call = client.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }), { abortSignal: AbortSignal.timeout(5_000) });
    await expect(call).rejects.toBeInstanceOf(Error);
    client.destroy();
  });
});
