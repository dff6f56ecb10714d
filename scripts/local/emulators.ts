// The three local AWS stand-ins, started together: DynamoDB Local (java child), fauxqs (SQS,
// in-process) and aws-ses-v2-local (SES v2, in-process; emails readable at GET <ses>/store).
import type { Server } from 'node:http';
import net from 'node:net';
import { LOCAL_REGION } from './aws.ts';
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';

export interface EmulatorOptions {
  /** DynamoDB Local in memory (default false: persistent in `dbPath`). */
  inMemory?: boolean;
  dbPath?: string;
  /** Fixed ports; free loopback ports when absent. */
  dynamodbPort?: number;
  sqsPort?: number;
  sesPort?: number;
}

export interface EmulatorEndpoints {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  sesEndpoint: string;
  region: string;
}

export interface Emulators extends EmulatorEndpoints {
  /** The fauxqs server (inspectQueue, createQueue... handy in tests). */
  sqsServer: import('fauxqs').FauxqsServer;
  stop(): Promise<void>;
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `${what}: port ${port} is already in use` : `${what}: ${error.message}`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

async function startSes(port: number): Promise<Server> {
  await assertPortFree(port, 'SES emulator');
  // CommonJS with `exports.default`: depending on the loader, the function is `default` or `default.default`.
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: unknown };
  const start = (typeof mod.default === 'function' ? mod.default : (mod.default as { default: unknown }).default) as (
    config: { port: number; host: string },
  ) => Promise<Server>;
  return start({ port, host: '127.0.0.1' });
}

async function startSqs(port: number) {
  const { startFauxqs } = await import('fauxqs');
  return startFauxqs({ port, logger: false, defaultRegion: LOCAL_REGION });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts the three emulators in parallel (~2–3 s, DynamoDB Local being the slowest). */
export async function startEmulators(opts: EmulatorOptions = {}): Promise<Emulators> {
  const [dynamo, sqs, ses] = await Promise.allSettled([
    startDynamoDbLocal({
      ...(opts.dynamodbPort !== undefined ? { port: opts.dynamodbPort } : {}),
      inMemory: opts.inMemory ?? false,
      ...(opts.dbPath !== undefined ? { dbPath: opts.dbPath } : {}),
    }),
    // fauxqs binds every interface whatever `host` says; we only ever hand out loopback URLs.
    (async () => startSqs(opts.sqsPort ?? (await freePort())))(),
    (async () => startSes(opts.sesPort ?? (await freePort())))(),
  ]);
  const started: Array<() => Promise<void>> = [];
  if (dynamo.status === 'fulfilled') started.push(() => dynamo.value.stop());
  if (sqs.status === 'fulfilled') started.push(() => sqs.value.stop());
  if (ses.status === 'fulfilled') started.push(() => closeServer(ses.value));
  const failures = [dynamo, sqs, ses].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    await Promise.allSettled(started.map((stop) => stop()));
    const reasons = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
    throw new Error(`Could not start the local emulators:\n  ${reasons.join('\n  ')}`);
  }
  const dynamoDb = (dynamo as PromiseFulfilledResult<DynamoDbLocal>).value;
  const sqsServer = (sqs as PromiseFulfilledResult<Awaited<ReturnType<typeof startSqs>>>).value;
  const sesServer = (ses as PromiseFulfilledResult<Server>).value;
  const sesAddress = sesServer.address();
  const sesPort = typeof sesAddress === 'object' && sesAddress !== null ? sesAddress.port : opts.sesPort;

  let stopping: Promise<void> | undefined;
  return {
    dynamodbEndpoint: dynamoDb.endpoint,
    sqsEndpoint: `http://127.0.0.1:${sqsServer.port}`,
    sesEndpoint: `http://127.0.0.1:${sesPort}`,
    region: LOCAL_REGION,
    sqsServer,
    stop() {
      stopping ??= (async () => {
        const results = await Promise.allSettled(started.map((stop) => stop()));
        const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (errors.length > 0) throw new AggregateError(errors.map((e) => e.reason), 'Some emulators did not stop cleanly');
      })();
      return stopping;
    },
  };
}
