// SDK clients that only some invocations need (a GET never queues a message, a message whose
// subject is gone sends no email) are loaded on first use rather than at cold start, one per
// endpoint and container. Why, with figures: bench/README.md (« Loading the AWS SDK »).
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions } from '#shared/adapters/aws/client-options.ts';
import { loadSqs, loadSesV2 } from '#shared/adapters/aws/sdk.ts';

/** A client, or the way to get it the first time it is needed (tests pass a client). */
export type ClientSource<C> = C | (() => Promise<C>);

export function resolveClient<C extends object>(source: ClientSource<C>): Promise<C> {
  return typeof source === 'function' ? (source as () => Promise<C>)() : Promise.resolve(source);
}

/** Memoises an async factory for the life of the container; a failed attempt is retried by the next call. */
export function memoize<T>(factory: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= factory().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

// One client per endpoint and container, whichever context asks for it.
const sqsClients = new Map<string, () => Promise<SQSClient>>();
const sesClients = new Map<string, () => Promise<SESv2Client>>();

function perEndpoint<C>(clients: Map<string, () => Promise<C>>, endpoint: string | undefined, create: () => C): () => Promise<C> {
  const key = endpoint ?? '';
  let client = clients.get(key);
  if (client === undefined) {
    client = memoize(async () => create());
    clients.set(key, client);
  }
  return client;
}

export const lazySqsClient = (endpoint: string | undefined): (() => Promise<SQSClient>) =>
  perEndpoint(sqsClients, endpoint, () => new (loadSqs().SQSClient)(clientOptions(endpoint)));

export const lazySesClient = (endpoint: string | undefined): (() => Promise<SESv2Client>) =>
  perEndpoint(sesClients, endpoint, () => new (loadSesV2().SESv2Client)(clientOptions(endpoint)));
