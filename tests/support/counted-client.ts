// A DynamoDB document client whose sends are recorded by command name (observed, not changed):
// the integration tests count the calls a use case makes with it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The DynamoDB operations a client sends (observed, not changed). */
export function counted(client: DynamoDBDocumentClient): { client: DynamoDBDocumentClient; ops: string[] } {
  const ops: string[] = [];
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'send') return (command: { constructor: { name: string } }) => (ops.push(command.constructor.name), send(command));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { client: proxy, ops };
}
