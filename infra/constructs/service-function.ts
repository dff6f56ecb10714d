// The one way this project builds a Lambda function: Node.js 22 on arm64, an ESM bundle made by
// the local esbuild, an explicit log group with the stage's retention, X-Ray tracing, and a
// role of its own that receives only the grants made through the helpers below.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ArnFormat, type CfnElement, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TableAccess } from '#functions/manifest.ts';
import { ENV } from '#shared/config.ts';
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
}

export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.timeout = props.timeout ?? DEFAULT_TIMEOUT;

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
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        [ENV.POWERTOOLS_SERVICE_NAME]: props.serviceName,
        // Stack traces point at the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // File names and lines are enough for stack traces; embedding sources doubles the asset.
        sourcesContent: false,
        // Prefer ESM builds of dependencies (better tree shaking), fall back to CommonJS.
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require() for Node built-ins; an ESM bundle has none.
        banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        // The Lambda Node.js runtime ships AWS SDK v3; bundling it would only grow cold starts.
        externalModules: ['@aws-sdk/*'],
      },
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

  /** Passes the table's physical name in its environment variable and grants `access` only. */
  grantTable(dataTable: DataTable, access: TableAccess): void {
    const { table, definition } = dataTable;
    this.fn.addEnvironment(definition.envVar, table.tableName);
    if (access === 'read') table.grantReadData(this.fn);
    else table.grantReadWriteData(this.fn);

    if (definition.globalIndexes.length > 0) {
      // The finding names the table by logical id: `Resource::<DataTable….Arn>/index/*`.
      const logicalId = Stack.of(this).getLogicalId(table.node.defaultChild as CfnElement);
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
        reason: `Queries on the global secondary indexes of ${definition.id} need the "<table ARN>/index/*" resource; the grant stays limited to that table and to ${access === 'read' ? 'read' : 'read/write'} actions.`,
      });
    }
  }

  /**
   * Passes an SSM SecureString parameter NAME in `envVar`; the function reads and decrypts it at
   * cold start (shared/lambda/secrets.ts calls GetParameters). The grant covers that one
   * parameter only. Parameters encrypted with the default `aws/ssm` key need no KMS grant.
   */
  grantParameterRead(envVar: string, parameterName: string): void {
    this.fn.addEnvironment(envVar, parameterName);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter', 'ssm:GetParameters'],
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
