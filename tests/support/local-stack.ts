// The application behind the local gateway, for e2e tests: signed HTTP calls as w.c.s. makes
// them, against the emulators started once by tests/support/global-setup.ts.
//
//   const stack = await startTestStack();          // in beforeAll
//   const res = await stack.fetchSigned('/meetings');
//   await stack.stop();                             // in afterAll
//
// One stack per test file. Handlers read their configuration from process.env when their module
// is first imported, and vitest keeps imported modules for the whole file (each file gets a
// fresh module graph: `isolate` is on by default). So:
//  - every table/queue name is unique to the file (random suffix), and files cannot see each
//    other's data even though they share the emulators;
//  - calling startTestStack() again in the same file reuses the same tables, keys and env
//    (a different `env` throws: the handlers would not see it).
// Tests must not depend on the SES store being empty: filter with emails({ to }).
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { signUrl } from '#shared/publik/signature.ts';
import { adminTokenEntries } from '#shared/lambda/http.ts';
import { LOCAL_CREDENTIALS, localClientConfig } from '../../scripts/local/aws.ts';
import { DEV_DEFAULTS, signingKeysFromEnv } from '../../scripts/local/dev-defaults.ts';
import { freePort } from '../../scripts/local/dynamodb-local.ts';
import { startGateway, type Gateway } from '../../scripts/local/gateway.ts';
import { createQueueWithDlq, startQueuePoller, type QueuePoller } from '../../scripts/local/queue-poller.ts';
import { httpFunctions, queueConsumers, scheduledFunctions } from '../../scripts/local/registry.ts';
import { consumerQueue } from '../../scripts/local/runtime.ts';
import { invokeScheduled } from '../../scripts/local/scheduler.ts';
import { createTables, type TableId } from '../../scripts/local/tables.ts';
import { validatingFunctions } from './answer-validation.ts';
import { activeLogScan, notingFunctions } from './log-scan.ts';

export interface SignOptions {
  /** `orig` to send; null = no orig (signed with the default key). Default: the demo Publik host. */
  orig?: string | null;
  /** Key to sign with (default: the configured key of `orig`, or the default key). */
  key?: string;
  timestamp?: Date;
  nonce?: string;
  algo?: 'sha256' | 'sha1' | 'sha512';
}

export type StackRequestInit = RequestInit & {
  /** Sent as the JSON body (content-type application/json). */
  json?: unknown;
};

export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments?: unknown[];
  headers?: Array<{ name: string; value: string }>;
  /** Epoch seconds. */
  at: number;
}

export interface TestStack {
  baseUrl: string;
  adminToken: string;
  keys: { orig: string; key: string; defaultKey: string; signatureKeys: Record<string, string> };
  /** Absolute URL of `pathAndQuery` (or of an absolute URL) signed like w.c.s. does. */
  sign(pathAndQuery: string, o?: SignOptions): string;
  /** fetch of the signed URL (`init.sign` tunes the signature). */
  fetchSigned(pathAndQuery: string, init?: StackRequestInit & { sign?: SignOptions }): Promise<Response>;
  /** fetch with `Authorization: Bearer <admin token>`. */
  fetchAdmin(path: string, init?: StackRequestInit): Promise<Response>;
  dataTable: string;
  nonceTable: string;
  ddb: DynamoDBDocumentClient;
  sqs: SQSClient;
  endpoints: { dynamodbEndpoint: string; sqsEndpoint: string; sesEndpoint: string; region: string };
  /** Environment given to the functions (also in process.env). */
  env: Record<string, string>;
  /** Queue pollers of the manifest's queue consumers, by function name. */
  consumers: Record<string, { queueUrl: string; dlqUrl: string; poller: QueuePoller }>;
  /** Emails sent through the SES emulator, optionally only those to `to`. */
  emails(filter?: { to?: string; since?: Date }): Promise<StoredEmail[]>;
  /** Runs every scheduled function of the manifest as if scheduled at `at`. */
  tick(at: Date): Promise<Array<{ name: string; result: unknown }>>;
  stop(): Promise<void>;
}

interface WorkerIdentity {
  suffix: string;
  envKey: string;
  port: number;
}

// Module state lives as long as the test file (fresh module graph per file).
let identity: WorkerIdentity | undefined;
let active: Promise<TestStack> | undefined;

function withJson(init: StackRequestInit | undefined, extraHeaders: Record<string, string>): RequestInit {
  const { json, ...rest } = init ?? {};
  const headers = new Headers(rest.headers);
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  if (json !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return { ...rest, headers, body: JSON.stringify(json) };
  }
  return { ...rest, headers };
}

/**
 * Starts the gateway with every manifest HTTP function on fresh, file-private tables. While a
 * stack of this file is running, another call (same env) returns it.
 */
export function startTestStack(opts: { env?: Record<string, string> } = {}): Promise<TestStack> {
  const envKey = JSON.stringify(opts.env ?? {});
  if (identity && identity.envKey !== envKey) {
    return Promise.reject(
      new Error(
        'startTestStack() was already called in this test file with another `env`: handler modules keep the ' +
          'configuration of their first import. Put tests needing another configuration in another file.',
      ),
    );
  }
  if (!active) {
    const starting = startStack(opts, envKey);
    active = starting;
    starting.catch(() => {
      if (active === starting) active = undefined;
    });
  }
  return active;
}

async function startStack(opts: { env?: Record<string, string> }, envKey: string): Promise<TestStack> {
  const endpoints = inject('emulators');
  identity ??= { suffix: randomBytes(4).toString('hex'), envKey, port: await freePort() };
  const { suffix, port } = identity;
  const baseUrl = `http://127.0.0.1:${port}`;

  const tables: Record<TableId, string> = {
    DataTable: `publik-club-data-${suffix}`,
    NonceTable: `publik-club-nonces-${suffix}`,
  };
  const env: Record<string, string> = {
    ...(DEV_DEFAULTS as Record<string, string>),
    DATA_TABLE: tables.DataTable,
    NONCE_TABLE: tables.NonceTable,
    PUBLIC_BASE_URL: baseUrl,
    DYNAMODB_ENDPOINT: endpoints.dynamodbEndpoint,
    SQS_ENDPOINT: endpoints.sqsEndpoint,
    SES_ENDPOINT: endpoints.sesEndpoint,
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    PUBLIK_SIGNATURE_KEYS_PARAMETER: '',
    PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER: '',
    ADMIN_TOKENS_PARAMETER: '',
    POWERTOOLS_SERVICE_NAME: 'publik-club',
    // Every level while a log scan runs (tests/support/log-scan.ts), else warnings only.
    POWERTOOLS_LOG_LEVEL: activeLogScan() ? 'DEBUG' : 'WARN',
  };

  const client = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
  const ddb = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient(localClientConfig(endpoints.sqsEndpoint));
  const cleanups: Array<() => Promise<void> | void> = [() => ddb.destroy(), () => sqs.destroy()];
  const stopAll = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };

  try {
    const consumerSetups = queueConsumers.map((consumer) => ({ consumer, settings: consumerQueue(consumer.spec, consumer.name) }));
    const [, queues] = await Promise.all([
      createTables(client, tables),
      Promise.all(
        consumerSetups.map(({ settings }) =>
          createQueueWithDlq(sqs, `${settings.queueName}-${suffix}`, {
            maxReceiveCount: settings.maxReceiveCount,
            visibilityTimeout: settings.visibilityTimeout,
          }),
        ),
      ),
    ]);
    consumerSetups.forEach(({ settings }, i) => {
      if (settings.envVar) env[settings.envVar] = queues[i]!.queueUrl;
    });
    Object.assign(env, opts.env ?? {});
    // Before any handler import: they read their configuration at module load.
    delete process.env['AWS_SESSION_TOKEN'];
    delete process.env['AWS_PROFILE'];
    Object.assign(process.env, env);

    const gateway: Gateway = await startGateway({ port, functions: notingFunctions(validatingFunctions(httpFunctions), activeLogScan) });
    cleanups.push(() => gateway.stop());

    const consumers: TestStack['consumers'] = {};
    for (const [i, { consumer, settings }] of consumerSetups.entries()) {
      const poller = await startQueuePoller({
        sqs,
        queueUrl: queues[i]!.queueUrl,
        queueArn: queues[i]!.queueArn,
        handler: await consumer.load(),
        batchSize: settings.batchSize,
        functionName: consumer.name,
      });
      cleanups.push(() => poller.stop());
      consumers[consumer.name] = { queueUrl: queues[i]!.queueUrl, dlqUrl: queues[i]!.dlqUrl, poller };
    }

    const allKeys = signingKeysFromEnv(env);
    // The first entry's token (an entry may be `label:token`).
    const adminToken = adminTokenEntries((env['ADMIN_TOKENS'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== ''))[0]?.token ?? '';
    const absolute = (pathAndQuery: string) => (/^https?:\/\//.test(pathAndQuery) ? pathAndQuery : `${baseUrl}${pathAndQuery}`);

    const sign = (pathAndQuery: string, o: SignOptions = {}): string => {
      const common = {
        ...(o.timestamp ? { timestamp: o.timestamp } : {}),
        ...(o.nonce !== undefined ? { nonce: o.nonce } : {}),
        ...(o.algo ? { algo: o.algo } : {}),
      };
      if (o.orig === null) return signUrl(absolute(pathAndQuery), o.key ?? allKeys.defaultKey, common);
      const orig = o.orig ?? allKeys.orig;
      const key = o.key ?? allKeys.signatureKeys[orig] ?? allKeys.key;
      return signUrl(absolute(pathAndQuery), key, { ...common, orig });
    };

    let stopping: Promise<void> | undefined;
    return {
      baseUrl,
      adminToken,
      keys: { orig: allKeys.orig, key: allKeys.key, defaultKey: allKeys.defaultKey, signatureKeys: allKeys.signatureKeys },
      sign,
      fetchSigned(pathAndQuery, init) {
        const { sign: signOptions, ...rest } = init ?? {};
        return fetch(sign(pathAndQuery, signOptions), withJson(rest, {}));
      },
      fetchAdmin(path, init) {
        return fetch(absolute(path), withJson(init, { authorization: `Bearer ${adminToken}` }));
      },
      dataTable: tables.DataTable,
      nonceTable: tables.NonceTable,
      ddb,
      sqs,
      endpoints,
      env,
      consumers,
      async emails(filter = {}) {
        const since = filter.since ? `?since=${Math.floor(filter.since.getTime() / 1000)}` : '';
        const answer = await fetch(`${endpoints.sesEndpoint}/store${since}`);
        const { emails } = (await answer.json()) as { emails: StoredEmail[] };
        const to = filter.to?.toLowerCase();
        return to
          ? emails.filter((e) => [...e.destination.to, ...e.destination.cc, ...e.destination.bcc].some((a) => a.toLowerCase().includes(to)))
          : emails;
      },
      async tick(at) {
        const results = [];
        for (const fn of scheduledFunctions) {
          results.push({ name: fn.name, result: await invokeScheduled(await fn.load(), at, { functionName: fn.name }) });
        }
        return results;
      },
      stop() {
        stopping ??= stopAll().finally(() => {
          active = undefined;
        });
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
