// The whole application on one machine: emulators, tables from the shared definitions, every
// HTTP function of the manifest behind the local gateway, queue consumers on local queues, and
// local-only helpers under /__local/ (never deployed):
//   GET  /__local               what is running, endpoints
//   POST /__local/tick?at=ISO   runs every scheduled function as if scheduled at that instant
//   GET  /__local/emails        emails sent through the SES emulator (?since=<epoch seconds>)
//   POST /__local/emails/clear  forgets them
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig } from './aws.ts';
import { demoMeeting } from './demo-meeting.ts';
import { seedDemoSessions, type DemoSessionsResult } from './demo-sessions.ts';
import { seedDemoVotes, type DemoVotesResult } from './demo-votes.ts';
import { seedDemoSurvey, type SurveySeedResult } from './demo-surveys.ts';
import { DEV_DEFAULTS, signingKeysFromEnv, type SigningKeys } from './dev-defaults.ts';
import { freePort } from './dynamodb-local.ts';
import { startEmulators, type Emulators } from './emulators.ts';
import { startGateway, type ExtraRoute, type Gateway } from './gateway.ts';
import { localDir, runtimeStateFile } from './paths.ts';
import { writeRuntimeState, type LocalEndpoints, type RuntimeState } from './runtime-state.ts';

export { readRuntimeState, type LocalEndpoints, type RuntimeState } from './runtime-state.ts';
import { createQueueWithDlq, startQueuePoller, type QueuePoller } from './queue-poller.ts';
import { httpFunctions, queueConsumers, scheduledFunctions } from './registry.ts';
import { invokeScheduled } from './scheduler.ts';
import { createTables, localTableNames, type TableId } from './tables.ts';
import { ensureConsoleBuilt } from '../build-console.ts';

export interface LocalRuntimeOptions {
  /** Gateway port (0 = any free port). */
  port: number;
  host?: string;
  /** DynamoDB Local in memory; otherwise persistent in .local/data/dynamodb. */
  inMemory: boolean;
  /** Applied last, over the defaults and the shell environment. */
  env?: Record<string, string>;
  /** Create or update the demo meeting through PUT /admin/meetings/club-12. */
  seed?: boolean;
  /** No access log lines. */
  quiet?: boolean;
  /** Where to write the state file read by `npm run sign` / `npm run tick`; false = none. */
  stateFile?: string | false;
  /** Now, for the demo meeting dates. */
  now?: Date;
  log?: (line: string) => void;
}

export interface SeedResult {
  meetingId: string;
  ok: boolean;
  status: number;
  body: string;
}

export interface LocalRuntime {
  baseUrl: string;
  endpoints: LocalEndpoints;
  /** The environment the functions run with (also applied to process.env). */
  env: Record<string, string>;
  keys: SigningKeys;
  adminToken: string;
  tables: Record<TableId, string>;
  /** Functions whose import failed at start-up (they answer 500 until fixed). */
  loadErrors: Array<{ name: string; error: unknown }>;
  seed?: SeedResult;
  /** The demo session series and its subscribers (seeded with the demo meeting). */
  sessionsSeed?: DemoSessionsResult;
  /** The demo campaign on club-12 (seeded after the demo meeting). */
  votesSeed?: DemoVotesResult;
  /** The demo survey on the demo meeting (seeded after it). */
  surveySeed?: SurveySeedResult;
  stop(): Promise<void>;
}

/** Variables a developer may set in the shell to override the local defaults. */
const OVERRIDABLE = [
  'PUBLIK_SIGNATURE_KEYS',
  'PUBLIK_DEFAULT_SIGNATURE_KEY',
  'PUBLIK_ORIG',
  'ADMIN_TOKENS',
  'DATA_TABLE',
  'NONCE_TABLE',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_SERVICE_NAME',
  'PARTICIPATION_HASH_KEY',
  'CHECKIN_TOKEN_KEY',
] as const;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(payload);
}

function errorInfo(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export interface ConsumerQueue {
  name: string;
  queueName: string;
  envVar?: string;
  maxReceiveCount: number;
  visibilityTimeout: number;
  batchSize: number;
}

/** Reads queue settings from a manifest entry, tolerant of the exact field names. */
export function consumerQueue(spec: Record<string, unknown>, name: string): ConsumerQueue {
  const queue = spec['queue'];
  const q = (typeof queue === 'object' && queue !== null ? queue : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const base = str(queue) ?? str(q['name']) ?? str(spec['queueName']) ?? name;
  const envVar = str(q['envVar']) ?? str(spec['queueEnvVar']);
  return {
    name,
    queueName: base.startsWith('publik-club-') ? base : `publik-club-${base}`,
    ...(envVar ? { envVar } : {}),
    maxReceiveCount: num(q['maxReceiveCount']) ?? num(spec['maxReceiveCount']) ?? 3,
    visibilityTimeout: num(q['visibilityTimeout']) ?? num(spec['visibilityTimeout']) ?? 30,
    batchSize: num(q['batchSize']) ?? num(spec['batchSize']) ?? 10,
  };
}

/** Starts everything; on failure, stops what was started and rethrows. */
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port > 0 ? opts.port : await freePort(host);
  const baseUrl = `http://${host}:${port}`;

  const cleanups: Array<() => Promise<void>> = [];
  // Undone in reverse order, one after the other (pollers before the queues they read...).
  const stopAll = async () => {
    const steps = cleanups.splice(0).reverse();
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        console.error('[local] stop:', error);
      }
    }
  };

  try {
    // The console's pages and assets (dist/console), rebuilt only when their sources changed.
    await ensureConsoleBuilt();
    const emu: Emulators = await startEmulators({ inMemory: opts.inMemory });
    cleanups.push(() => emu.stop());
    const endpoints: LocalEndpoints = {
      dynamodb: emu.dynamodbEndpoint,
      sqs: emu.sqsEndpoint,
      ses: emu.sesEndpoint,
      sesStore: `${emu.sesEndpoint}/store`,
    };

    // Environment: dev defaults < shell (for the overridable names) < forced local wiring < opts.env.
    const env: Record<string, string> = {
      ...(DEV_DEFAULTS as Record<string, string>),
      DATA_TABLE: localTableNames.DataTable,
      NONCE_TABLE: localTableNames.NonceTable,
      POWERTOOLS_SERVICE_NAME: 'publik-club',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    for (const name of OVERRIDABLE) {
      const value = process.env[name];
      if (value !== undefined && value !== '') env[name] = value;
    }
    Object.assign(env, {
      PUBLIC_BASE_URL: baseUrl,
      DYNAMODB_ENDPOINT: endpoints.dynamodb,
      SQS_ENDPOINT: endpoints.sqs,
      SES_ENDPOINT: endpoints.ses,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      // Secrets come from the variables above, never from SSM, locally.
      PUBLIK_SIGNATURE_KEYS_PARAMETER: '',
      PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER: '',
      ADMIN_TOKENS_PARAMETER: '',
      PARTICIPATION_HASH_KEY_PARAMETER: '',
      CHECKIN_TOKEN_KEY_PARAMETER: '',
    });
    Object.assign(env, opts.env ?? {});

    const tables: Record<TableId, string> = {
      DataTable: env['DATA_TABLE'] ?? localTableNames.DataTable,
      NonceTable: env['NONCE_TABLE'] ?? localTableNames.NonceTable,
    };
    const ddb = new DynamoDBClient(localClientConfig(endpoints.dynamodb));
    try {
      await createTables(ddb, tables);
    } finally {
      ddb.destroy();
    }

    const sqs = new SQSClient(localClientConfig(endpoints.sqs));
    cleanups.push(async () => sqs.destroy());
    const consumers = queueConsumers.map((c) => ({ consumer: c, queue: consumerQueue(c.spec, c.name) }));
    const queues = await Promise.all(
      consumers.map(async ({ queue }) =>
        createQueueWithDlq(sqs, queue.queueName, { maxReceiveCount: queue.maxReceiveCount, visibilityTimeout: queue.visibilityTimeout }),
      ),
    );
    consumers.forEach(({ queue }, i) => {
      if (queue.envVar) env[queue.envVar] = queues[i]!.queueUrl;
    });

    // Our handlers read their configuration at module load: set it before any import.
    delete process.env['AWS_SESSION_TOKEN'];
    delete process.env['AWS_PROFILE'];
    Object.assign(process.env, env);

    const keys = signingKeysFromEnv(env);
    const adminToken = (env['ADMIN_TOKENS'] ?? '').split(',').map((t) => t.trim()).find((t) => t !== '') ?? '';

    const localRoutes: ExtraRoute[] = [
      {
        method: 'GET',
        path: '/__local',
        handle: (_req, res) =>
          sendJson(res, 200, {
            baseUrl,
            endpoints,
            tables,
            httpFunctions: httpFunctions.map((f) => ({ name: f.name, routes: f.routes })),
            scheduledFunctions: scheduledFunctions.map((f) => f.name),
            queueConsumers: consumers.map(({ queue }, i) => ({ ...queue, queueUrl: queues[i]!.queueUrl, dlqUrl: queues[i]!.dlqUrl })),
            helpers: ['POST /__local/tick?at=<ISO instant>', 'GET /__local/emails[?since=<epoch s>]', 'POST /__local/emails/clear'],
          }),
      },
      {
        method: 'POST',
        path: '/__local/tick',
        handle: async (_req, res, { url }) => {
          const atParam = url.searchParams.get('at');
          const at = atParam ? new Date(atParam) : new Date();
          if (Number.isNaN(at.getTime())) {
            sendJson(res, 400, { error: `"at" is not a valid ISO 8601 instant: ${atParam}` });
            return;
          }
          const results = [];
          for (const fn of scheduledFunctions) {
            try {
              const handler = await fn.load();
              const result = await invokeScheduled(handler, at, { functionName: fn.name });
              results.push({ name: fn.name, ok: true, result: result ?? null });
            } catch (error) {
              console.error(`[local] scheduled function ${fn.name} failed at ${at.toISOString()}:\n${errorInfo(error)}`);
              results.push({ name: fn.name, ok: false, error: error instanceof Error ? error.message : String(error) });
            }
          }
          sendJson(res, 200, {
            at: at.toISOString(),
            results,
            ...(scheduledFunctions.length === 0 ? { note: 'No scheduled function is registered in functions/manifest.ts.' } : {}),
          });
        },
      },
      {
        method: 'GET',
        path: '/__local/emails',
        handle: async (_req, res, { url }) => {
          const since = url.searchParams.get('since');
          const answer = await fetch(`${endpoints.ses}/store${since ? `?since=${encodeURIComponent(since)}` : ''}`);
          const store = (await answer.json()) as { emails?: unknown[] };
          sendJson(res, answer.status, { emails: store.emails ?? [] });
        },
      },
      {
        method: 'POST',
        path: '/__local/emails/clear',
        handle: async (_req, res) => {
          const answer = await fetch(`${endpoints.ses}/clear-store`, { method: 'POST' });
          sendJson(res, answer.status, { cleared: answer.ok });
        },
      },
    ];

    const gateway: Gateway = await startGateway({
      port,
      host,
      functions: httpFunctions,
      extraRoutes: localRoutes,
      ...(opts.quiet ? {} : { log }),
    });
    cleanups.push(() => gateway.stop());

    const warmed = await gateway.warm();
    const loadErrors = warmed.filter((w): w is { name: string; error: unknown } => w.error !== undefined);
    for (const { name, error } of loadErrors) {
      console.error(`[local] ${name} could not be loaded (its routes answer 500 until fixed):\n${errorInfo(error)}`);
    }

    const pollers: QueuePoller[] = [];
    cleanups.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });
    for (const [i, { consumer, queue }] of consumers.entries()) {
      const handler = await consumer.load();
      pollers.push(
        await startQueuePoller({
          sqs,
          queueUrl: queues[i]!.queueUrl,
          queueArn: queues[i]!.queueArn,
          handler,
          batchSize: queue.batchSize,
          functionName: consumer.name,
        }),
      );
    }

    let seed: SeedResult | undefined;
    if (opts.seed) {
      const meeting = demoMeeting(opts.now ?? new Date());
      try {
        const answer = await fetch(`${baseUrl}/admin/meetings/${meeting.id}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(meeting.body),
        });
        seed = { meetingId: meeting.id, ok: answer.ok, status: answer.status, body: await answer.text() };
      } catch (error) {
        seed = { meetingId: meeting.id, ok: false, status: 0, body: errorInfo(error) };
      }
    }
    const sessionsSeed = opts.seed ? await seedDemoSessions(baseUrl, adminToken, keys) : undefined;
    const votesSeed = seed?.ok ? await seedDemoVotes(baseUrl, keys, adminToken, opts.now ?? new Date()) : undefined;
    const surveySeed = seed?.ok ? await seedDemoSurvey(baseUrl, adminToken, opts.now ?? new Date()) : undefined;

    const stateFile = opts.stateFile === undefined ? runtimeStateFile : opts.stateFile;
    if (stateFile) {
      const state: RuntimeState = {
        baseUrl,
        endpoints,
        keys,
        adminToken,
        tables,
        pid: process.pid,
        startedAt: new Date().toISOString(),
      };
      mkdirSync(localDir, { recursive: true });
      writeRuntimeState(stateFile, state);
      cleanups.push(async () => {
        // Only ours: another instance may have started since.
        try {
          const current = JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<RuntimeState>;
          if (current.pid === process.pid) rmSync(stateFile, { force: true });
        } catch {
          // already gone
        }
      });
    }

    let stopping: Promise<void> | undefined;
    return {
      baseUrl,
      endpoints,
      env,
      keys,
      adminToken,
      tables,
      loadErrors,
      ...(seed ? { seed } : {}),
      ...(sessionsSeed ? { sessionsSeed } : {}),
      ...(votesSeed ? { votesSeed } : {}),
      ...(surveySeed ? { surveySeed } : {}),
      stop() {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
