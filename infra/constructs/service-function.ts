// The one way this project builds a Lambda function: Node.js 22 on arm64, an ESM bundle made by
// the local esbuild, an explicit log group with the stage's retention, X-Ray tracing, and a
// role of its own that receives only the grants made through the helpers below.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ArnFormat, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, ParamsAndSecretsLayerVersion, ParamsAndSecretsVersions, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TableAccess } from '#functions/manifest.ts';
import { ENV } from '#shared/config.ts';
import { LAMBDA_BUNDLING } from '../bundling.ts';
import type { LazyChunk } from '../lazy-chunk.ts';
import { ALARM_PERIOD, thresholdAlarm } from './alarms.ts';
import type { DataTable } from './data-table.ts';

/** Repository root: bundling resolves entries, package.json `imports` and the lock file here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** HTTP functions answer well within API Gateway's 30 s integration limit. */
export const DEFAULT_TIMEOUT = Duration.seconds(10);

export interface ServiceFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/http-admin/handler.ts`. */
  entry: string;
  description: string;
  /** POWERTOOLS_SERVICE_NAME: the `service` field of every log line. */
  serviceName: string;
  logRetention: logs.RetentionDays;
  /** What happens to the log group when the function goes away. */
  logRemovalPolicy: RemovalPolicy;
  /** Default 10 s. */
  timeout?: Duration;
  /** Default 512 MB: the bundle loads faster and arm64 CPU scales with memory. */
  memorySize?: number;
  environment?: Record<string, string>;
  /**
   * Concurrent executions set aside for this function, and its ceiling (a flood on one route
   * cannot starve the others). Unset: the account's unreserved pool.
   */
  reservedConcurrency?: number;
  /**
   * The function reads SSM parameters (its secrets): it gets the AWS Parameters and Secrets
   * Lambda Extension layer, which shared/lambda/secrets.ts calls on localhost. Only such a
   * function may receive grantParameterRead().
   */
  readsParameters?: boolean;
  /** Code loaded on demand from a file beside index.mjs, with the files it reads (infra/lazy-chunk.ts). */
  lazyChunk?: LazyChunk;
  /**
   * Shell commands run after esbuild, in the repository root, to put files beside the bundle
   * (`outputDir`): data read from disk at run time rather than parsed at every cold start.
   */
  afterBundling?: (outputDir: string) => string[];
}

/**
 * The AWS Parameters and Secrets Lambda Extension, pinned (the newest version aws-cdk-lib
 * knows). The layer ARN is looked up per region and architecture (a mapping in an
 * environment-agnostic stack). Defaults otherwise: port 2773, values cached 300 s (functions
 * read their secrets once per cold start anyway).
 */
export const PARAMS_AND_SECRETS_EXTENSION = ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103);

/**
 * DynamoDB actions per access level of the manifest. Explicit lists rather than the CDK's
 * grantReadData/grantReadWriteData: those add Scan and DescribeTable, which no function uses.
 * TransactWriteItems has no IAM action of its own: each item is authorised as its Put, Update,
 * Delete or ConditionCheckItem, so these lists also cover transactions.
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  /** Claiming a signature nonce: one conditional PutItem (alone or inside the registration transaction). */
  putOnly: ['dynamodb:PutItem'],
} as const;

/** The actions on the table itself and on its indexes (only Query reads an index) for `access`. */
export function tableActionsFor(access: TableAccess): { table: string[]; indexes: string[] } {
  switch (access) {
    case 'read':
      return { table: [...TABLE_ACTIONS.read], indexes: ['dynamodb:Query'] };
    case 'readWrite':
      return { table: [...TABLE_ACTIONS.read, ...TABLE_ACTIONS.write], indexes: ['dynamodb:Query'] };
    case 'putOnly':
      return { table: [...TABLE_ACTIONS.putOnly], indexes: [] };
  }
}

export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;
  /** Whether the function has the Parameters and Secrets extension (see `readsParameters`). */
  readonly readsParameters: boolean;
  /** Invocations that failed (unhandled error, timeout, out of memory). */
  readonly errorsAlarm: cloudwatch.Alarm;
  /** Invocations refused because the function reached its reserved concurrency. */
  readonly throttlesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.timeout = props.timeout ?? DEFAULT_TIMEOUT;
    this.readsParameters = props.readsParameters === true;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy lets the function
    // create log groups and write to any of them; this one writes to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      // Node 22 rather than 20 (deprecated, synth warns) or 24 (not yet verified with our
      // pinned toolchain, see the handbook). Handler code stays Node-20 compatible for local runs.
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: this.timeout,
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      // Secrets through the extension (a localhost GET) instead of @aws-sdk/client-ssm, whose
      // load alone cost more than a bare DynamoDB client's cold start (bench/README.md).
      ...(this.readsParameters ? { paramsAndSecrets: PARAMS_AND_SECRETS_EXTENSION } : {}),
      environment: {
        [ENV.POWERTOOLS_SERVICE_NAME]: props.serviceName,
        // Stack traces point at the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      // The settings of infra/bundling.ts, shared with the cold-start bench and the size check.
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLING.target,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourceMap,
        sourcesContent: LAMBDA_BUNDLING.sourcesContent,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: LAMBDA_BUNDLING.banner,
        externalModules: [...LAMBDA_BUNDLING.externalModules],
        inject: [...LAMBDA_BUNDLING.inject],
        ...(props.lazyChunk || props.afterBundling
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  ...(props.lazyChunk ? lazyChunkHooks(props.lazyChunk).afterBundling(inputDir, outputDir) : []),
                  ...(props.afterBundling ? [`cd "${inputDir}"`, ...props.afterBundling(outputDir)] : []),
                ],
              },
            }
          : {}),
      },
    });

    this.errorsAlarm = thresholdAlarm(this, 'ErrorsAlarm', {
      metric: this.fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
      description: `${props.serviceName} failed invocations (unhandled error, timeout or out of memory): read the function's log group around the alarm time for the error and its cause (docs/operations.md, "Alarms").`,
    });
    this.throttlesAlarm = thresholdAlarm(this, 'ThrottlesAlarm', {
      metric: this.fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
      description: `${props.serviceName} reached its reserved concurrency and refused invocations: a flood or a slow dependency; check the API access logs and the function duration, raise the stage's reserved concurrency only if the load is legitimate (docs/operations.md, "Alarms").`,
    });

    // cdk-nag acknowledgements inherent to every function of this project.
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is chosen deliberately: the newest runtime verified with the pinned toolchain (esbuild target node22, AWS SDK pins); Node.js 24 comes once the toolchain is re-verified on it.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only X-Ray active tracing uses "*": xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /**
   * Passes the table's physical name in its environment variable and grants `access` only:
   * the actions of TABLE_ACTIONS on the table ARN, and Query on each index by name
   * (`<table ARN>/index/gsi1`), never `index/*`; a restricted index only when named in `indexes`.
   */
  grantTable(dataTable: DataTable, access: TableAccess, indexes: readonly string[] = []): void {
    const { table, definition } = dataTable;
    this.fn.addEnvironment(definition.envVar, table.tableName);
    const actions = tableActionsFor(access);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: actions.table, resources: [table.tableArn] }));
    const granted = definition.globalIndexes.filter((index) => index.restricted !== true || indexes.includes(index.indexName));
    if (actions.indexes.length > 0 && granted.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: actions.indexes,
          resources: granted.map((index) => `${table.tableArn}/index/${index.indexName}`),
        }),
      );
    }
  }

  /**
   * Passes an SSM SecureString parameter NAME in `envVar`; on its first request the function
   * reads it, decrypted, through the Parameters and Secrets extension (shared/lambda/secrets.ts),
   * which calls GetParameter with the function's role. The grant covers that one parameter only.
   * Parameters encrypted with the default `aws/ssm` key need no KMS grant.
   */
  grantParameterRead(envVar: string, parameterName: string): void {
    if (!this.readsParameters) {
      throw new Error(`${this.node.path}: grantParameterRead(${envVar}) on a function built without readsParameters (no extension layer to read it)`);
    }
    this.fn.addEnvironment(envVar, parameterName);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [parameterArn(this, parameterName)],
      }),
    );
  }

  /**
   * Passes the queue URL in `envVar` and allows `sqs:SendMessage` (which also covers
   * SendMessageBatch) on that queue only: no receive, no delete, no queue metadata.
   */
  grantQueueSend(envVar: string, queue: sqs.IQueue): void {
    this.fn.addEnvironment(envVar, queue.queueUrl);
    queue.grant(this.fn, 'sqs:SendMessage');
  }

  /**
   * Passes MAIL_FROM and allows sending email through SES as `identity` (a verified domain or
   * address), with `fromAddress` as the only From address. SES v2 SendEmail is authorised on
   * the identity ARN (and on a configuration set, were one used: none is).
   */
  grantSendEmail(mail: { from: string; fromAddress: string; identity: string }): void {
    this.fn.addEnvironment(ENV.MAIL_FROM, mail.from);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [sesIdentityArn(this, mail.identity)],
        conditions: { StringEquals: { 'ses:FromAddress': mail.fromAddress } },
      }),
    );
  }
}

/** Builds the lazy chunk into the asset after the bundle, with the local tsx and esbuild (no Docker, no network). */
function lazyChunkHooks(chunk: LazyChunk) {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => [
      [
        `cd ${quote(inputDir)} &&`,
        'npx --no-install tsx infra/lazy-chunk.ts',
        quote(outputDir),
        quote(chunk.entry),
        quote(chunk.outfile),
        ...chunk.files.map(quote),
      ].join(' '),
    ],
  };
}

/** ARN of an SES identity (`example.org` or `club@example.org`) in the stack's account and region. */
export function sesIdentityArn(scope: Construct, identity: string): string {
  return Stack.of(scope).formatArn({
    service: 'ses',
    resource: 'identity',
    resourceName: identity,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** ARN of an SSM parameter given its name (`/a/b` → `arn:…:parameter/a/b`). */
export function parameterArn(scope: Construct, parameterName: string): string {
  return Stack.of(scope).formatArn({
    service: 'ssm',
    resource: 'parameter',
    resourceName: parameterName.replace(/^\/+/, ''),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
