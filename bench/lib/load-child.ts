// The load generator, in its own process: its event loop and CPU are apart from the gateway's
// and the handlers', so a saturated server cannot delay the client's own timestamps, and the
// CPU each side spends can be read per process. Driven over IPC by bench/lib/load-client.ts.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { runJob, type LoadJob, type LoadTarget } from './registration-load.ts';

export type ChildRequest = { type: 'init'; target: LoadTarget } | { type: 'run'; id: number; job: LoadJob };
export type ChildReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: Awaited<ReturnType<typeof runJob>> }
  | { type: 'failed'; id: number; error: string };

const send = (reply: ChildReply) => process.send?.(reply);
let target: LoadTarget | undefined;
let ddb: DynamoDBDocumentClient | undefined;

process.on('message', (message: ChildRequest) => {
  if (message.type === 'init') {
    target = message.target;
    // Same factory, hence the same SDK settings (retries, sockets, marshalling), as the handlers.
    ddb = createDocumentClient({ dynamodbEndpoint: target.dynamodbEndpoint });
    send({ type: 'ready' });
    return;
  }
  const { id, job } = message;
  if (!target || !ddb) {
    send({ type: 'failed', id, error: 'not initialised' });
    return;
  }
  runJob(target, ddb, job).then(
    (result) => send({ type: 'done', id, result }),
    (error: unknown) => send({ type: 'failed', id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

// The parent gone (finished, crashed or killed): nothing left to do.
process.on('disconnect', () => {
  ddb?.destroy();
  process.exit(0);
});
