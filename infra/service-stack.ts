// The whole service in one stack: the tables of shared/adapters/dynamodb/tables.ts, one function
// per entry of functions/manifest.ts and the HTTP API routing to them. Adding a function or a
// route is an edit of the manifest, not of this file.
import { Annotations, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { httpFunctions, type HttpFunctionSpec, type TableAccess } from '#functions/manifest.ts';
import {
  dataTable,
  nonceTable,
  tableDefinitions,
  type TableDefinition,
} from '#shared/adapters/dynamodb/tables.ts';
import { ENV } from '#shared/config.ts';
import { DataTable } from './constructs/data-table.ts';
import { ServiceHttpApi } from './constructs/http-api.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import type { StageConfig } from './stage-config.ts';

export interface ServiceStackProps extends StackProps {
  config: StageConfig;
}

/** `http-registration` → `HttpRegistration`, for construct ids. */
const pascalCase = (name: string): string =>
  name.replace(/(^|-)([a-z0-9])/g, (_m: string, _dash: string, c: string) => c.toUpperCase());

export class ServiceStack extends Stack {
  readonly config: StageConfig;
  readonly tables: ReadonlyMap<TableDefinition, DataTable>;
  readonly functions: ReadonlyMap<string, ServiceFunction>;
  readonly httpApi: ServiceHttpApi;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    Tags.of(this).add('project', 'publik-club');
    Tags.of(this).add('stage', config.stage);

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
    const publicBaseUrl = config.publicBaseUrl ?? this.httpApi.url;

    const functions = new Map<string, ServiceFunction>();
    for (const spec of httpFunctions) {
      const service = this.buildHttpFunction(spec, publicBaseUrl);
      this.httpApi.addFunctionRoutes(pascalCase(spec.name), service.fn, spec.routes);
      functions.set(spec.name, service);
    }
    this.functions = functions;

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the HTTP API (give it to Publik as the webservice base URL)',
      value: this.httpApi.url,
    });
    for (const [definition, table] of tables) {
      new CfnOutput(this, `${definition.id}Name`, {
        description: `Physical name of ${definition.id} (${definition.envVar})`,
        value: table.table.tableName,
      });
    }
  }

  private buildHttpFunction(spec: HttpFunctionSpec, publicBaseUrl: string): ServiceFunction {
    const { config } = this;
    const service = new ServiceFunction(this, pascalCase(spec.name), {
      entry: spec.entry,
      description: spec.description,
      serviceName: spec.name,
      logRetention: config.logRetention,
      logRemovalPolicy: config.logRemovalPolicy,
      environment: {
        [ENV.PUBLIC_BASE_URL]: publicBaseUrl,
        ...(config.publikOrig ? { [ENV.PUBLIK_ORIG]: config.publikOrig } : {}),
      },
    });

    // Least privilege: a function sees only the tables its manifest entry lists.
    for (const [definition, table] of this.tables) {
      const access = tableAccess(spec, definition);
      if (access) service.grantTable(table, access);
    }
    if (spec.usesPublikKeys) {
      service.grantParameterRead(ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER, config.parameters.publikSignatureKeys);
      service.grantParameterRead(
        ENV.PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER,
        config.parameters.publikDefaultSignatureKey,
      );
    }
    if (spec.usesAdminTokens) {
      service.grantParameterRead(ENV.ADMIN_TOKENS_PARAMETER, config.parameters.adminTokens);
    }
    if (spec.sendsNotifications) {
      // The notification queue arrives with its consumer (queue-notifier, a QueueConsumer);
      // until then the function runs without NOTIFY_QUEUE_URL and refuses to publish.
      Annotations.of(service).addWarningV2(
        'publik-club:notification-queue-missing',
        `${spec.name} sends notifications but no notification queue is deployed yet: ${ENV.NOTIFY_QUEUE_URL} is unset`,
      );
    }
    return service;
  }
}

/** The manifest names tables by role; this is the one place that ties roles to definitions. */
const MANIFEST_TABLE_KEYS = new Map<TableDefinition, keyof HttpFunctionSpec['tables']>([
  [dataTable, 'data'],
  [nonceTable, 'nonces'],
]);

function tableAccess(spec: HttpFunctionSpec, definition: TableDefinition): TableAccess | undefined {
  const key = MANIFEST_TABLE_KEYS.get(definition);
  if (key === undefined) throw new Error(`Table ${definition.id} has no key in HttpFunctionSpec.tables`);
  return spec.tables[key];
}
