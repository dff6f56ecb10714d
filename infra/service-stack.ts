// The whole service in one stack: the tables of shared/adapters/dynamodb/tables.ts, one function
// per entry of functions/manifest.ts (HTTP functions behind the HTTP API, queue consumers with
// their queues, scheduled functions with their schedules). Adding a function, a route, a queue
// or a schedule is an edit of the manifest, not of this file.
import { CfnOutput, Duration, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  httpFunctions,
  queueConsumers,
  scheduledFunctions,
  type HttpFunctionSpec,
  type QueueConsumerSpec,
  type ScheduledFunctionSpec,
  type TableAccess,
} from '#functions/manifest.ts';
import {
  dataTable,
  nonceTable,
  tableDefinitions,
  type TableDefinition,
} from '#shared/adapters/dynamodb/tables.ts';
import { ENV } from '#shared/config.ts';
import { AlarmTopic } from './constructs/alarms.ts';
import { DataTable } from './constructs/data-table.ts';
import { ServiceHttpApi } from './constructs/http-api.ts';
import { QueueConsumer } from './constructs/queue-consumer.ts';
import { parseRateExpression, ScheduledFunction } from './constructs/scheduled-function.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import type { StageConfig } from './stage-config.ts';

export interface ServiceStackProps extends StackProps {
  config: StageConfig;
}

/** What a manifest entry may ask for, whatever its kind (HTTP, queue consumer, scheduled). */
interface FunctionNeeds {
  name: string;
  tables: { data?: TableAccess; nonces?: TableAccess };
  usesPublikKeys?: boolean;
  usesAdminTokens?: boolean;
  usesParticipationKey?: boolean;
  usesCheckinTokenKey?: boolean;
  usesConsoleSignIn?: boolean;
  sendsNotifications?: boolean;
  sendsEmail?: boolean;
  sendsTo?: string[];
}

/** A function that reads a secret gets the Parameters and Secrets extension (and only such a one). */
const readsParameters = (needs: FunctionNeeds): boolean =>
  needs.usesPublikKeys === true ||
  needs.usesAdminTokens === true ||
  needs.usesParticipationKey === true ||
  needs.usesCheckinTokenKey === true ||
  needs.usesConsoleSignIn === true;

/** `http-registration` → `HttpRegistration`, for construct ids. */
const pascalCase = (name: string): string =>
  name.replace(/(^|-)([a-z0-9])/g, (_m: string, _dash: string, c: string) => c.toUpperCase());

export class ServiceStack extends Stack {
  readonly config: StageConfig;
  readonly tables: ReadonlyMap<TableDefinition, DataTable>;
  /** Every function of the manifest (HTTP, queue consumers, scheduled), by manifest name. */
  readonly functions: ReadonlyMap<string, ServiceFunction>;
  /** Queue consumers (queue, DLQ, function, alarm), by manifest name. */
  readonly queueConsumers: ReadonlyMap<string, QueueConsumer>;
  /** Scheduled functions (schedule, function, DLQ, alarm), by manifest name. */
  readonly scheduledFunctions: ReadonlyMap<string, ScheduledFunction>;
  readonly httpApi: ServiceHttpApi;
  /** The SNS topic every alarm of the stack notifies (subscribed by `alarmEmail`). */
  readonly alarmTopic: AlarmTopic;

  private readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    Tags.of(this).add('project', 'publik-club');
    Tags.of(this).add('stage', config.stage);

    // Every CloudWatch alarm created anywhere in this stack (tables, API, functions, queues)
    // notifies this topic; the aspect runs at synth, after all of them exist.
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { email: config.alarmEmail });
    this.alarmTopic.notifyEveryAlarm(this);

    const tables = new Map<TableDefinition, DataTable>();
    for (const definition of tableDefinitions) {
      tables.set(definition, new DataTable(this, definition.id, { definition, retainData: config.retainData }));
    }
    this.tables = tables;

    this.httpApi = new ServiceHttpApi(this, 'HttpApi', {
      logRetention: config.logRetention,
      logRemovalPolicy: config.logRemovalPolicy,
      throttle: config.throttle,
    });

    // The API's own endpoint is safe to pass to its functions: it is a Ref to the Api resource
    // alone, while the routes and integrations (which reference the functions) hang off it.
    // A custom domain, when there is one, is given with `-c publicBaseUrl=https://…`.
    this.publicBaseUrl = config.publicBaseUrl ?? this.httpApi.url;

    const functions = new Map<string, ServiceFunction>();
    const add = (name: string, service: ServiceFunction): void => {
      if (functions.has(name)) throw new Error(`functions/manifest.ts: function "${name}" is declared twice`);
      functions.set(name, service);
    };

    // Queues first: the functions that send to them receive their URLs.
    const consumers = new Map<string, QueueConsumer>();
    for (const spec of queueConsumers) {
      const consumer = this.buildQueueConsumer(spec);
      consumers.set(spec.name, consumer);
      add(spec.name, consumer.handler);
    }
    this.queueConsumers = consumers;

    for (const spec of httpFunctions) {
      const service = this.buildHttpFunction(spec);
      this.httpApi.addFunctionRoutes(pascalCase(spec.name), service.fn, spec.routes, spec.linkTokenRoutes, spec.publicRoutes);
      add(spec.name, service);
    }

    const scheduled = new Map<string, ScheduledFunction>();
    for (const spec of scheduledFunctions) {
      const tick = this.buildScheduledFunction(spec);
      scheduled.set(spec.name, tick);
      add(spec.name, tick.handler);
    }
    this.scheduledFunctions = scheduled;
    this.functions = functions;

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the HTTP API (give it to Publik as the webservice base URL)',
      value: this.httpApi.url,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic of every alarm (subscribe more addresses or a chat integration to it)',
      value: this.alarmTopic.topic.topicArn,
    });
    for (const [definition, table] of tables) {
      new CfnOutput(this, `${definition.id}Name`, {
        description: `Physical name of ${definition.id} (${definition.envVar})`,
        value: table.table.tableName,
      });
    }
    for (const spec of queueConsumers) {
      const consumer = consumers.get(spec.name) as QueueConsumer;
      const id = pascalCase(spec.queue.name);
      new CfnOutput(this, `${id}QueueUrl`, {
        description: `URL of the ${spec.queue.name} queue (${spec.queue.envVar}), consumed by ${spec.name}`,
        value: consumer.queue.queueUrl,
      });
      new CfnOutput(this, `${id}DeadLetterQueueUrl`, {
        description: `URL of the dead-letter queue of ${spec.queue.name} (to inspect its messages)`,
        value: consumer.deadLetterQueue.queueUrl,
      });
      new CfnOutput(this, `${id}DeadLetterQueueArn`, {
        description: `ARN of the dead-letter queue of ${spec.queue.name} (source of a redrive)`,
        value: consumer.deadLetterQueue.queueArn,
      });
    }
    for (const spec of scheduledFunctions) {
      const tick = scheduled.get(spec.name) as ScheduledFunction;
      const id = pascalCase(spec.name);
      new CfnOutput(this, `${id}FunctionName`, {
        description: `Function name of ${spec.name} (to replay a failed run)`,
        value: tick.handler.fn.functionName,
      });
      new CfnOutput(this, `${id}DeadLetterQueueUrl`, {
        description: `URL of the dead-letter queue of the failed runs of ${spec.name}`,
        value: tick.deadLetterQueue.queueUrl,
      });
    }
  }

  /** Environment every function receives: where the links we build point to, and who we are to Publik. */
  private baseEnvironment(): Record<string, string> {
    const { config } = this;
    return {
      [ENV.PUBLIC_BASE_URL]: this.publicBaseUrl,
      ...(config.publikOrig ? { [ENV.PUBLIK_ORIG]: config.publikOrig } : {}),
    };
  }

  private buildHttpFunction(spec: HttpFunctionSpec): ServiceFunction {
    const { config } = this;
    const service = new ServiceFunction(this, pascalCase(spec.name), {
      entry: spec.entry,
      description: spec.description,
      serviceName: spec.name,
      logRetention: config.logRetention,
      logRemovalPolicy: config.logRemovalPolicy,
      environment: this.baseEnvironment(),
      readsParameters: readsParameters(spec),
      reservedConcurrency: config.reservedConcurrency.http,
      ...(spec.timeoutSeconds === undefined ? {} : { timeout: Duration.seconds(spec.timeoutSeconds) }),
      ...(spec.memorySize === undefined ? {} : { memorySize: spec.memorySize }),
      ...(spec.lazyChunk === undefined ? {} : { lazyChunk: spec.lazyChunk }),
      ...(spec.assets === 'reference' ? { afterBundling: referenceAssets } : {}),
      ...(spec.assets === 'console' ? { afterBundling: consoleAssets } : {}),
    });
    this.grantNeeds(service, spec);
    return service;
  }

  private buildQueueConsumer(spec: QueueConsumerSpec): QueueConsumer {
    const { config } = this;
    const consumer = new QueueConsumer(this, pascalCase(spec.name), {
      entry: spec.entry,
      description: spec.description,
      serviceName: spec.name,
      logRetention: config.logRetention,
      logRemovalPolicy: config.logRemovalPolicy,
      // spec.queue.visibilityTimeout is for the local runtime; here the construct derives it
      // from the function timeout (6 ×), so it always exceeds it.
      maxReceiveCount: spec.queue.maxReceiveCount,
      batchSize: spec.queue.batchSize,
      ...(spec.queue.maxConcurrency !== undefined ? { maxConcurrency: spec.queue.maxConcurrency } : {}),
      environment: this.baseEnvironment(),
      readsParameters: readsParameters(spec),
      reservedConcurrency: config.reservedConcurrency.queue,
      removalPolicy: config.queueRemovalPolicy,
    });
    this.grantNeeds(consumer.handler, spec);
    return consumer;
  }

  private buildScheduledFunction(spec: ScheduledFunctionSpec): ScheduledFunction {
    const { config } = this;
    const tick = new ScheduledFunction(this, pascalCase(spec.name), {
      entry: spec.entry,
      description: spec.description,
      serviceName: spec.name,
      logRetention: config.logRetention,
      logRemovalPolicy: config.logRemovalPolicy,
      rate: parseRateExpression(spec.schedule),
      environment: this.baseEnvironment(),
      readsParameters: readsParameters(spec),
      reservedConcurrency: config.reservedConcurrency.scheduled,
      removalPolicy: config.queueRemovalPolicy,
    });
    this.grantNeeds(tick.handler, spec);
    return tick;
  }

  /** Least privilege: a function gets what its manifest entry declares, and nothing else. */
  private grantNeeds(service: ServiceFunction, needs: FunctionNeeds): void {
    const { config } = this;
    for (const [definition, table] of this.tables) {
      const access = tableAccess(needs, definition);
      if (access) service.grantTable(table, access);
    }
    if (needs.usesPublikKeys) {
      service.grantParameterRead(ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER, config.parameters.publikSignatureKeys);
      service.grantParameterRead(
        ENV.PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER,
        config.parameters.publikDefaultSignatureKey,
      );
    }
    if (needs.usesAdminTokens) {
      service.grantParameterRead(ENV.ADMIN_TOKENS_PARAMETER, config.parameters.adminTokens);
    }
    // The console's session cookie is accepted by every /admin route beside the bearer token.
    if (needs.usesAdminTokens || needs.usesConsoleSignIn) {
      service.grantParameterRead(ENV.CONSOLE_SESSION_KEY_PARAMETER, config.parameters.consoleSessionKey);
    }
    if (needs.usesConsoleSignIn) {
      service.grantParameterRead(ENV.OIDC_CLIENT_SECRET_PARAMETER, config.parameters.oidcClientSecret);
      const signIn = config.console;
      const settings: Array<[string, string | undefined]> = [
        [ENV.OIDC_ISSUER, signIn.oidcIssuer],
        [ENV.OIDC_CLIENT_ID, signIn.oidcClientId],
        [ENV.OIDC_ORGANISER_ROLE, signIn.organiserRole],
        [ENV.OIDC_ROLES_CLAIM, signIn.rolesClaim],
        [ENV.CONSOLE_ORGANISERS, signIn.organisers],
      ];
      for (const [name, value] of settings) if (value !== undefined) service.fn.addEnvironment(name, value);
    }
    if (needs.usesParticipationKey) {
      service.grantParameterRead(ENV.PARTICIPATION_HASH_KEY_PARAMETER, config.parameters.participationHashKey);
    }
    if (needs.usesCheckinTokenKey) {
      service.grantParameterRead(ENV.CHECKIN_TOKEN_KEY_PARAMETER, config.parameters.checkinTokenKey);
    }
    if (needs.sendsNotifications) {
      service.grantQueueSend(ENV.NOTIFY_QUEUE_URL, this.queueOf(ENV.NOTIFY_QUEUE_URL, needs.name));
    }
    for (const envVar of needs.sendsTo ?? []) service.grantQueueSend(envVar, this.queueOf(envVar, needs.name));
    if (needs.sendsEmail) {
      service.grantSendEmail({
        from: config.mail.from,
        fromAddress: config.mail.fromAddress,
        identity: config.mail.sesIdentity,
      });
    }
  }

  /** The queue whose URL travels in `envVar`: the one consumer declaring that variable. */
  private queueOf(envVar: string, sender: string) {
    const owners = queueConsumers.filter((c) => c.queue.envVar === envVar);
    const consumer = owners.length === 1 ? this.queueConsumers.get((owners[0] as QueueConsumerSpec).name) : undefined;
    if (consumer === undefined) {
      throw new Error(
        `functions/manifest.ts: ${sender} sends to ${envVar}, but ${owners.length} queue consumers declare it (exactly one must)`,
      );
    }
    return consumer.queue;
  }
}

/**
 * The console's built pages and assets (functions/http-console): scripts/build-console.ts writes
 * `console/manifest.json` and `console/assets/*` beside index.mjs, with the local esbuild.
 */
function consoleAssets(outputDir: string): string[] {
  return [`NODE_NO_WARNINGS=1 node --import tsx scripts/build-console.ts --outdir "${outputDir}/console"`];
}

/**
 * The API reference's files (functions/http-reference): the OpenAPI document generated from the
 * routes' schemas at synth time, and Redoc's standalone build (MIT) from node_modules.
 */
function referenceAssets(outputDir: string): string[] {
  return [
    `NODE_NO_WARNINGS=1 node --import tsx scripts/openapi.ts --out "${outputDir}/openapi.json"`,
    `cp node_modules/redoc/bundles/redoc.standalone.js "${outputDir}/redoc.standalone.js"`,
  ];
}

/** The manifest names tables by role; this is the one place that ties roles to definitions. */
const MANIFEST_TABLE_KEYS = new Map<TableDefinition, keyof FunctionNeeds['tables']>([
  [dataTable, 'data'],
  [nonceTable, 'nonces'],
]);

function tableAccess(needs: FunctionNeeds, definition: TableDefinition): TableAccess | undefined {
  const key = MANIFEST_TABLE_KEYS.get(definition);
  if (key === undefined) throw new Error(`Table ${definition.id} has no key in the manifest's "tables"`);
  return needs.tables[key];
}
