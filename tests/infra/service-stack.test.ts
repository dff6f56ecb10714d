// The promises of the service stack, read from the synthesized template: routes and their
// integrations, tables as defined in shared/, every manifest function (HTTP, queue consumer,
// scheduled) with its settings, the notification queue and who may send to it, email and
// secret permissions, stage differences, and a clean cdk-nag report. Each stack is built (and
// bundled) once.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpFunctions, queueConsumers, scheduledFunctions, type TableAccess } from '#functions/manifest.ts';
import { tableDefinitions } from '#shared/adapters/dynamodb/tables.ts';
import { ENV } from '#shared/config.ts';
import { EXTENSION_DEFAULT_PORT } from '#shared/lambda/secrets.ts';
import { ServiceStack } from '#infra/service-stack.ts';
import { lambdaEsbuildOptions, MAX_BUNDLE_BYTES } from '#infra/bundling.ts';
import { MAX_LAZY_CHUNK_BYTES } from '#infra/lazy-chunk.ts';
import { PROJECT_ROOT } from '#infra/constructs/service-function.ts';
import { stageConfig, type StageName, type StageOverrides } from '#infra/stage-config.ts';
import {
  acknowledgements,
  actionsOf,
  actionsOnResource,
  findDependencyCycle,
  logicalIdOf,
  nagViolations,
  newApp,
  referencedIds,
  resourcesOf,
  statementsOfRole,
  type Statement,
} from './helpers.ts';

interface Built {
  stack: ServiceStack;
  template: Template;
  outdir: string;
}

function build(stage: StageName, overrides: StageOverrides = {}, cloudFormationValidation = true): Built {
  const app = newApp({ cloudFormationValidation });
  const stack = new ServiceStack(app, `Test-${stage}`, { config: stageConfig(stage, overrides) });
  const template = Template.fromStack(stack);
  return { stack, template, outdir: app.outdir };
}

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** resource (as JSON) → sorted actions allowed on it, for the resources that mention `logicalId`. */
function actionsByResource(statements: Statement[], logicalId: string): Map<string, string[]> {
  const byResource = new Map<string, Set<string>>();
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    for (const resource of resourcesOf(s)) {
      if (!referencedIds(resource).has(logicalId)) continue;
      const key = JSON.stringify(resource);
      const actions = byResource.get(key) ?? new Set<string>();
      actionsOf(s).forEach((a) => actions.add(a));
      byResource.set(key, actions);
    }
  }
  return new Map([...byResource].map(([k, v]) => [k, [...v].sort()]));
}

/** What any manifest entry may declare; absent flags are false. */
interface AnySpec {
  name: string;
  kind: 'http' | 'queue' | 'scheduled';
  tables: { data?: TableAccess; nonces?: TableAccess };
  usesPublikKeys?: boolean;
  usesAdminTokens?: boolean;
  usesParticipationKey?: boolean;
  usesCheckinTokenKey?: boolean;
  usesConsoleSignIn?: boolean;
  timeoutSeconds?: number;
  memorySize?: number;
  sendsNotifications?: boolean;
  sendsEmail?: boolean;
  sendsTo?: string[];
}
const allFunctions: AnySpec[] = [
  ...httpFunctions.map((f) => ({ ...f, kind: 'http' as const })),
  ...queueConsumers.map((f) => ({ ...f, kind: 'queue' as const })),
  ...scheduledFunctions.map((f) => ({ ...f, kind: 'scheduled' as const })),
];
const TIMEOUTS = { http: 10, queue: 30, scheduled: 60 } as const;
const senders = allFunctions.filter((f) => f.sendsNotifications);
const nonSenders = allFunctions.filter((f) => !f.sendsNotifications);

const PROD_MAIL_FROM = 'Club utilisateurs Publik <club@lists.example.org>';
const PROD_ALARM_EMAIL = 'ops@club.example.org';

let prod: Built;
let dev: Built;

beforeAll(() => {
  prod = build('prod', { mailFrom: PROD_MAIL_FROM, alarmEmail: PROD_ALARM_EMAIL });
  // CloudFormation's own template validation runs once, on prod; dev differs only in values.
  dev = build('dev', { publicBaseUrl: 'https://club.example.org', publikOrig: 'club.example.org' }, false);
});

const fnOf = (b: Built, name: string) => {
  const service = b.stack.functions.get(name);
  if (!service) throw new Error(`no function ${name}`);
  return service;
};
const tableIdOf = (b: Built, envVar: string) => {
  const definition = tableDefinitions.find((d) => d.envVar === envVar);
  const table = definition && b.stack.tables.get(definition);
  if (!table) throw new Error(`no table for ${envVar}`);
  return logicalIdOf(table.table);
};
const envOf = (b: Built, name: string): Record<string, unknown> => {
  const fn = b.template.toJSON().Resources[logicalIdOf(fnOf(b, name).fn)];
  return fn.Properties.Environment.Variables as Record<string, unknown>;
};
const consumerOf = (b: Built, name: string) => {
  const consumer = b.stack.queueConsumers.get(name);
  if (!consumer) throw new Error(`no queue consumer ${name}`);
  return consumer;
};
const scheduledOf = (b: Built, name: string) => {
  const tick = b.stack.scheduledFunctions.get(name);
  if (!tick) throw new Error(`no scheduled function ${name}`);
  return tick;
};
const notifyConsumer = () => {
  const spec = queueConsumers.find((c) => c.queue.envVar === ENV.NOTIFY_QUEUE_URL);
  if (!spec) throw new Error(`no queue consumer declares ${ENV.NOTIFY_QUEUE_URL}`);
  return spec;
};
const roleStatementsOf = (b: Built, name: string): Statement[] =>
  statementsOfRole(b.template, logicalIdOf(fnOf(b, name).role));
const resourceOf = (b: Built, logicalId: string) => b.template.toJSON().Resources[logicalId];

describe('HTTP API', () => {
  it('has exactly one route per manifest route key', () => {
    const routeKeys = Object.values(prod.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey as string,
    );
    expect(routeKeys.sort()).toEqual(httpFunctions.flatMap((f) => f.routes).sort());
  });

  it.each(httpFunctions.flatMap((f) => f.routes.map((route) => [route, f.name] as const)))(
    '%s goes to %s through a payload 2.0 Lambda proxy integration',
    (routeKey, name) => {
      const routes = prod.template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: routeKey },
      });
      const [route] = Object.values(routes);
      const target = JSON.stringify(route?.Properties.Target);
      const integrationId = /"Ref":"([A-Za-z0-9]+)"/.exec(target)?.[1];
      expect(target).toContain('integrations/');
      expect(integrationId).toBeDefined();

      const integration = prod.template.toJSON().Resources[integrationId ?? ''];
      expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(integration.Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [logicalIdOf(fnOf(prod, name).fn), 'Arn'],
      });
    },
  );

  it('throttles the default stage and writes access logs without the signed query string', () => {
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
    const [stage] = Object.values(prod.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(String(stage?.Properties.AccessLogSettings.Format).toLowerCase()).not.toContain('querystring');
    // Nor the path: the one-click unsubscribe link carries its token there.
    expect(String(stage?.Properties.AccessLogSettings.Format)).not.toContain('$context.path');
  });

  it('outputs the API URL and the table names', () => {
    prod.template.hasOutput('ApiUrl', {});
    for (const definition of tableDefinitions) prod.template.hasOutput(`${definition.id}Name`, {});
  });
});

describe('tables', () => {
  it.each(tableDefinitions.map((d) => [d.id, d] as const))('%s has the keys, indexes and TTL of its definition', (_id, definition) => {
    const table = prod.template.toJSON().Resources[tableIdOf(prod, definition.envVar)];
    expect(table.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
    ]);
    expect((table.Properties.GlobalSecondaryIndexes ?? []).map((i: { IndexName: string }) => i.IndexName)).toEqual(
      definition.globalIndexes.map((i) => i.indexName),
    );
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: definition.durable,
    });
  });

  it('keeps durable tables in prod: deletion protection, DeletionPolicy and UpdateReplacePolicy Retain', () => {
    const durable = tableDefinitions.filter((d) => d.durable);
    expect(durable.length).toBeGreaterThan(0);
    for (const definition of durable) {
      const table = prod.template.toJSON().Resources[tableIdOf(prod, definition.envVar)];
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    }
  });

  it('lets dev tables, and short-lived tables in prod, go with the stack', () => {
    for (const definition of tableDefinitions) {
      const devTable = dev.template.toJSON().Resources[tableIdOf(dev, definition.envVar)];
      expect(devTable.DeletionPolicy).toBe('Delete');
      expect(devTable.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
    }
    for (const definition of tableDefinitions.filter((d) => !d.durable)) {
      expect(prod.template.toJSON().Resources[tableIdOf(prod, definition.envVar)].DeletionPolicy).toBe('Delete');
    }
  });
});

describe('functions', () => {
  it('deploys every function of the manifest (HTTP, queue consumers, scheduled) exactly once, and no other', () => {
    const names = allFunctions.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    const deployed = Object.values(prod.template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment.Variables[ENV.POWERTOOLS_SERVICE_NAME] as string,
    );
    expect(deployed.sort()).toEqual([...names].sort());
    expect([...prod.stack.functions.keys()].sort()).toEqual([...names].sort());
    expect([...prod.stack.queueConsumers.keys()]).toEqual(queueConsumers.map((f) => f.name));
    expect([...prod.stack.scheduledFunctions.keys()]).toEqual(scheduledFunctions.map((f) => f.name));
    for (const spec of allFunctions) {
      const fn = resourceOf(prod, logicalIdOf(fnOf(prod, spec.name).fn));
      expect(fn.Properties.Description).toBe(
        [...httpFunctions, ...queueConsumers, ...scheduledFunctions].find((f) => f.name === spec.name)?.description,
      );
    }
  });

  it.each(allFunctions.map((f) => [f.name, f.kind, f.memorySize ?? 512, f.timeoutSeconds ?? TIMEOUTS[f.kind]] as const))(
    '%s (%s) runs Node.js 22 on arm64 with tracing, %i MB, %i s',
    (name, _kind, memory, timeout) => {
      const fn = resourceOf(prod, logicalIdOf(fnOf(prod, name).fn));
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: memory,
        Timeout: timeout,
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(envOf(prod, name)).toMatchObject({ POWERTOOLS_SERVICE_NAME: name, NODE_OPTIONS: '--enable-source-maps' });
    },
  );

  it.each([
    ['prod', 90],
    ['dev', 14],
  ] as const)('logs each %s function to its own log group kept %i days', (stage, days) => {
    const b = stage === 'prod' ? prod : dev;
    for (const spec of allFunctions) {
      const service = fnOf(b, spec.name);
      const fn = b.template.toJSON().Resources[logicalIdOf(service.fn)];
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: logicalIdOf(service.logGroup) });
      const logGroup = b.template.toJSON().Resources[logicalIdOf(service.logGroup)];
      expect(logGroup.Properties.RetentionInDays).toBe(days);
    }
  });

  it.each(allFunctions.map((f) => [f.name]))('%s is one minified ESM bundle with a source map and the AWS SDK left out, loaded with require()', (name) => {
    const asset = fnOf(prod, name).fn.node.findChild('Code') as Asset;
    const bundle = path.join(prod.outdir, asset.assetPath, 'index.mjs');
    const code = readFileSync(bundle, 'utf8');
    expect(code.startsWith("import { createRequire as __createRequire } from 'node:module';")).toBe(true);
    // The runtime's SDK, required (an ES import of CommonJS costs a lexer scan per cold start).
    expect(code).toMatch(/\("@aws-sdk\/client-dynamodb"\)/);
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);
    expect(code).not.toMatch(/import\("@aws-sdk\//);
    expect(code).not.toContain('@smithy/smithy-client/dist-cjs');
    expect(existsSync(`${bundle}.map`)).toBe(true);
  });

  it.each(allFunctions.map((f) => [f.name]))(`%s ships a bundle of at most ${MAX_BUNDLE_BYTES / 1024} KB (cold starts grow with it)`, (name) => {
    const asset = fnOf(prod, name).fn.node.findChild('Code') as Asset;
    const bytes = statSync(path.join(prod.outdir, asset.assetPath, 'index.mjs')).size;
    expect(bytes).toBeGreaterThan(10 * 1024);
    expect(bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });

  it('ships the badges PDF engine as a lazy chunk beside the bundle, with its fonts, and no other function does', () => {
    for (const spec of httpFunctions) {
      const asset = fnOf(prod, spec.name).fn.node.findChild('Code') as Asset;
      const dir = path.join(prod.outdir, asset.assetPath);
      if (spec.lazyChunk) {
        const chunk = statSync(path.join(dir, spec.lazyChunk.outfile)).size;
        // The engine (pdf-lib, fontkit, qrcode) is far above the bundle budget: that is why it is lazy.
        expect(chunk).toBeGreaterThan(MAX_BUNDLE_BYTES);
        expect(chunk).toBeLessThanOrEqual(MAX_LAZY_CHUNK_BYTES);
        for (const file of spec.lazyChunk.files) expect(statSync(path.join(dir, path.basename(file))).size).toBeGreaterThan(100 * 1024);
        // The bundle itself never contains the engine: it imports the chunk at run time.
        const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
        expect(code).not.toContain('registerFontkit');
        expect(code).toContain(spec.lazyChunk.outfile);
      } else {
        expect(existsSync(path.join(dir, 'badge-pdf.mjs'))).toBe(false);
      }
    }
    expect(httpFunctions.filter((f) => f.lazyChunk).map((f) => f.name)).toEqual(['http-badges']);
  });

  it('builds, from infra/bundling.ts with the esbuild API, byte for byte the bundles the stack deploys (what the cold-start bench measures)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-'));
    try {
      for (const spec of [...httpFunctions, ...queueConsumers, ...scheduledFunctions]) {
        const outfile = path.join(dir, spec.name, 'index.mjs');
        await esbuild(lambdaEsbuildOptions(PROJECT_ROOT, spec.entry, outfile));
        const asset = fnOf(prod, spec.name).fn.node.findChild('Code') as Asset;
        const deployed = readFileSync(path.join(prod.outdir, asset.assetPath, 'index.mjs'));
        expect(readFileSync(outfile).equals(deployed), spec.name).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships the API reference beside its bundle: the document generated from the schemas, and Redoc', async () => {
    const { generateDocumentText } = await import('../../scripts/openapi.ts');
    const asset = fnOf(prod, 'http-reference').fn.node.findChild('Code') as Asset;
    const dir = path.join(prod.outdir, asset.assetPath);
    expect(readFileSync(path.join(dir, 'openapi.json'), 'utf8')).toBe(await generateDocumentText());
    expect(readFileSync(path.join(dir, 'redoc.standalone.js'), 'utf8')).toContain('Redoc');
    // Read from disk on request: neither is inside the bundle.
    expect(readFileSync(path.join(dir, 'index.mjs'), 'utf8')).not.toContain('"openapi":"3.1.0"');
  });

  it('gives each function the table names it uses, and only those', () => {
    for (const spec of allFunctions) {
      const env = envOf(prod, spec.name);
      for (const definition of tableDefinitions) {
        const key = definition.envVar === ENV.DATA_TABLE ? 'data' : 'nonces';
        if (spec.tables[key]) expect(env[definition.envVar]).toEqual({ Ref: tableIdOf(prod, definition.envVar) });
        else expect(env).not.toHaveProperty(definition.envVar);
      }
    }
  });

  it('passes the API endpoint as PUBLIC_BASE_URL unless a base URL is configured', () => {
    for (const spec of allFunctions) {
      expect(envOf(prod, spec.name)[ENV.PUBLIC_BASE_URL]).toEqual({
        'Fn::GetAtt': [logicalIdOf(prod.stack.httpApi.api), 'ApiEndpoint'],
      });
      expect(envOf(prod, spec.name)).not.toHaveProperty(ENV.PUBLIK_ORIG);
      expect(envOf(dev, spec.name)[ENV.PUBLIC_BASE_URL]).toBe('https://club.example.org');
      expect(envOf(dev, spec.name)[ENV.PUBLIK_ORIG]).toBe('club.example.org');
    }
  });

  it('synthesizes without warnings or errors', () => {
    for (const b of [prod, dev]) {
      expect(Annotations.fromStack(b.stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(b.stack).findError('*', Match.anyValue())).toEqual([]);
    }
  });

  it('has no dependency cycle (the API URL in the functions is safe)', () => {
    expect(findDependencyCycle(prod.template)).toBeUndefined();
    expect(findDependencyCycle(dev.template)).toBeUndefined();
  });
});

describe('least privilege', () => {
  const roleStatements = (name: string) => roleStatementsOf(prod, name);

  it('uses no managed policy (each role writes to its own log group only)', () => {
    for (const role of Object.values(prod.template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('grants each function exactly the table actions of its manifest access, on the table and its named indexes', () => {
    const tableArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
    const indexArn = (id: string, index: string) => ({ 'Fn::Join': ['', [tableArn(id), `/index/${index}`]] });
    const expected: Record<TableAccess, { table: string[]; index: string[] }> = {
      read: { table: READ_ACTIONS, index: ['dynamodb:Query'] },
      readWrite: { table: [...READ_ACTIONS, ...WRITE_ACTIONS], index: ['dynamodb:Query'] },
      putOnly: { table: ['dynamodb:PutItem'], index: [] },
    };
    for (const spec of allFunctions) {
      for (const definition of tableDefinitions) {
        const access = spec.tables[definition.envVar === ENV.DATA_TABLE ? 'data' : 'nonces'];
        const id = tableIdOf(prod, definition.envVar);
        const granted = actionsByResource(roleStatements(spec.name), id);
        const want = new Map<string, string[]>();
        if (access !== undefined) {
          want.set(JSON.stringify(tableArn(id)), [...expected[access].table].sort());
          for (const index of definition.globalIndexes) {
            if (expected[access].index.length > 0) want.set(JSON.stringify(indexArn(id, index.indexName)), [...expected[access].index].sort());
          }
        }
        expect(Object.fromEntries(granted), `${spec.name} on ${definition.id}`).toEqual(Object.fromEntries(want));
      }
    }
  });

  it('lets the registration function only put signature nonces, and grants Scan, DescribeTable or index/* to nobody', () => {
    expect(httpFunctions.find((f) => f.name === 'http-registration')?.tables.nonces).toBe('putOnly');
    for (const policy of Object.values(prod.template.findResources('AWS::IAM::Policy'))) {
      const json = JSON.stringify(policy);
      expect(json).not.toContain('dynamodb:Scan');
      expect(json).not.toContain('dynamodb:DescribeTable');
      expect(json).not.toContain('/index/*');
      expect(json).not.toContain('dynamodb:*');
    }
  });

  it('needs no acknowledgement of a DynamoDB wildcard any more', () => {
    expect(acknowledgements(prod.stack).filter((a) => a.id.includes('/index/'))).toEqual([]);
  });

  it.each([
    ['admin-tokens', ENV.ADMIN_TOKENS_PARAMETER, 'usesAdminTokens'],
    ['publik-signature-keys', ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER, 'usesPublikKeys'],
    ['publik-default-signature-key', ENV.PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER, 'usesPublikKeys'],
    ['participation-hash-key', ENV.PARTICIPATION_HASH_KEY_PARAMETER, 'usesParticipationKey'],
    ['checkin-token-key', ENV.CHECKIN_TOKEN_KEY_PARAMETER, 'usesCheckinTokenKey'],
    ['oidc-client-secret', ENV.OIDC_CLIENT_SECRET_PARAMETER, 'usesConsoleSignIn'],
  ] as const)('lets only the functions that need it read the %s parameter', (suffix, envVar, flag) => {
    const parameterName = `/publik-club/prod/${suffix}`;
    const arnTail = `:parameter${parameterName}`;
    expect(allFunctions.some((f) => f[flag])).toBe(true);
    for (const spec of allFunctions) {
      const readers = roleStatements(spec.name).filter((s) =>
        JSON.stringify(s.Resource).includes(`${arnTail}"`),
      );
      if (spec[flag] === true) {
        expect(readers).toHaveLength(1);
        expect(readers[0]?.Action).toBe('ssm:GetParameter');
        expect(envOf(prod, spec.name)[envVar]).toBe(parameterName);
      } else {
        expect(readers).toEqual([]);
        expect(envOf(prod, spec.name)).not.toHaveProperty(envVar);
      }
    }
    // The parameter name is never part of a wildcard grant.
    for (const policy of Object.values(prod.template.findResources('AWS::IAM::Policy'))) {
      expect(JSON.stringify(policy)).not.toMatch(/:parameter\/[^"]*\*/);
    }
  });

  it('lets every function with /admin routes, and the console, read the console session key, and no other', () => {
    const parameterName = '/publik-club/prod/console-session-key';
    for (const spec of allFunctions) {
      const readers = roleStatements(spec.name).filter((s) => JSON.stringify(s.Resource).includes(`:parameter${parameterName}"`));
      const needs = spec.usesAdminTokens === true || spec.usesConsoleSignIn === true;
      expect(readers.length, spec.name).toBe(needs ? 1 : 0);
      if (needs) expect(envOf(prod, spec.name)[ENV.CONSOLE_SESSION_KEY_PARAMETER], spec.name).toBe(parameterName);
      else expect(envOf(prod, spec.name), spec.name).not.toHaveProperty(ENV.CONSOLE_SESSION_KEY_PARAMETER);
    }
  });

  it('gives the Parameters and Secrets extension layer to exactly the functions that read a secret', () => {
    for (const spec of allFunctions) {
      const properties = resourceOf(prod, logicalIdOf(fnOf(prod, spec.name).fn)).Properties;
      const readsSecret =
        spec.usesAdminTokens === true ||
        spec.usesPublikKeys === true ||
        spec.usesParticipationKey === true ||
        spec.usesCheckinTokenKey === true ||
        spec.usesConsoleSignIn === true;
      if (readsSecret) {
        expect(properties.Layers, spec.name).toHaveLength(1);
        expect(JSON.stringify(properties.Layers[0])).toMatch(/"Fn::FindInMap":\["Paramsandsecrets\w*",\{"Ref":"AWS::Region"\},"1x0x103xarm64"\]/);
        expect(envOf(prod, spec.name).PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).toBe(String(EXTENSION_DEFAULT_PORT));
      } else {
        expect(properties.Layers, spec.name).toBeUndefined();
        expect(envOf(prod, spec.name)).not.toHaveProperty('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT');
      }
    }
  });

  it('grants no SSM access at all to a function that needs no secret', () => {
    for (const spec of allFunctions.filter(
      (f) => !f.usesAdminTokens && !f.usesPublikKeys && !f.usesParticipationKey && !f.usesCheckinTokenKey && !f.usesConsoleSignIn,
    )) {
      expect(JSON.stringify(roleStatements(spec.name))).not.toContain('ssm:');
    }
  });

  it('lets the reminders consumer read the participation key (survey invitations skip respondents) and no other secret', () => {
    const ssm = roleStatements('queue-reminders').filter((s) => JSON.stringify(s.Action).includes('ssm:'));
    const parameters = ssm.flatMap((s) => resourcesOf(s).map((r) => /:parameter(\/[^"]+)"/.exec(JSON.stringify(r))?.[1]));
    expect(parameters).toEqual(['/publik-club/prod/participation-hash-key']);
    expect(envOf(prod, 'queue-reminders')[ENV.PARTICIPATION_HASH_KEY_PARAMETER]).toBe('/publik-club/prod/participation-hash-key');
  });

  it('lets the notifier read the two Publik signature parameters and nothing else from SSM', () => {
    const spec = notifyConsumer();
    const ssm = roleStatements(spec.name).filter((s) => JSON.stringify(s.Action).includes('ssm:'));
    const parameters = ssm.flatMap((s) => resourcesOf(s).map((r) => /:parameter(\/[^"]+)"/.exec(JSON.stringify(r))?.[1]));
    expect(parameters.sort()).toEqual(['/publik-club/prod/publik-default-signature-key', '/publik-club/prod/publik-signature-keys']);
    expect(envOf(prod, spec.name)).not.toHaveProperty(ENV.ADMIN_TOKENS_PARAMETER);
    expect(JSON.stringify(ssm)).not.toContain('admin-tokens');
  });

  it('gives the email senders SES sending as the configured identity only, From the configured address only', () => {
    const emailers = allFunctions.filter((f) => f.sendsEmail);
    expect(emailers.map((f) => f.name)).toContain(notifyConsumer().name);
    for (const [b, identity, from, address] of [
      [prod, 'lists.example.org', PROD_MAIL_FROM, 'club@lists.example.org'],
      [dev, 'example.org', 'Club utilisateurs Publik <club@example.org>', 'club@example.org'],
    ] as const) {
      for (const spec of allFunctions) {
        const ses = roleStatementsOf(b, spec.name).filter((s) => JSON.stringify(s.Action).includes('ses:'));
        if (!spec.sendsEmail) {
          expect(ses).toEqual([]);
          expect(envOf(b, spec.name)).not.toHaveProperty(ENV.MAIL_FROM);
          continue;
        }
        expect(envOf(b, spec.name)[ENV.MAIL_FROM]).toBe(from);
        expect(ses).toHaveLength(1);
        const [statement] = ses as [Statement & { Condition?: unknown }];
        expect(statement.Effect).toBe('Allow');
        expect(statement.Action).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
        expect(resourcesOf(statement)).toHaveLength(1);
        const arn = JSON.stringify(statement.Resource);
        expect(arn).toContain(`":ses:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":identity/${identity}"`);
        expect(arn).not.toContain('*');
        expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': address } });
      }
    }
  });
});

describe('notification queue', () => {
  const queueId = (b: Built) => logicalIdOf(consumerOf(b, notifyConsumer().name).queue);
  const dlqId = (b: Built) => logicalIdOf(consumerOf(b, notifyConsumer().name).deadLetterQueue);

  it('is consumed by its manifest function, with partial batch failures and the manifest batch size', () => {
    const spec = notifyConsumer();
    const consumer = consumerOf(prod, spec.name);
    expect(consumer.handler).toBe(fnOf(prod, spec.name));
    prod.template.resourceCountIs('AWS::Lambda::EventSourceMapping', queueConsumers.length);
    prod.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId(prod), 'Arn'] },
      FunctionName: { Ref: logicalIdOf(consumer.handler.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: spec.queue.batchSize,
    });
  });

  it('moves a message to its dead-letter queue after the manifest maxReceiveCount (5), and alarms on it', () => {
    const spec = notifyConsumer();
    expect(spec.queue.maxReceiveCount).toBe(5);
    expect(resourceOf(prod, queueId(prod)).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(prod), 'Arn'] },
      maxReceiveCount: spec.queue.maxReceiveCount,
    });
    expect(resourceOf(prod, dlqId(prod)).Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(prod), 'QueueName'] } }],
      Threshold: 1,
    });
  });

  it('keeps a message invisible longer than the consumer can run', () => {
    const consumer = consumerOf(prod, notifyConsumer().name);
    const timeout = resourceOf(prod, logicalIdOf(consumer.handler.fn)).Properties.Timeout as number;
    const visibility = resourceOf(prod, queueId(prod)).Properties.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThan(timeout);
    expect(visibility).toBe(6 * timeout);
  });

  it.each(senders.map((f) => [f.name, f.kind] as const))(
    '%s (%s) gets the queue URL in NOTIFY_QUEUE_URL and sqs:SendMessage on that queue only',
    (name) => {
      for (const b of [prod, dev]) {
        expect(envOf(b, name)[ENV.NOTIFY_QUEUE_URL]).toEqual({ Ref: queueId(b) });
        const statements = roleStatementsOf(b, name);
        expect([...actionsOnResource(statements, queueId(b))]).toEqual(['sqs:SendMessage']);
        expect([...actionsOnResource(statements, dlqId(b))]).toEqual([]);
        // Any other SQS grant is the function's own asynchronous-invocation DLQ (scheduled functions).
        const ownDlq = b.stack.scheduledFunctions.get(name)?.deadLetterQueue;
        for (const s of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')))) {
          const targets = [...referencedIds(s.Resource)];
          expect(targets.every((id) => id === queueId(b) || (ownDlq && id === logicalIdOf(ownDlq)))).toBe(true);
        }
      }
    },
  );

  it.each(nonSenders.map((f) => [f.name, f.kind] as const))('%s (%s) gets neither the URL nor the right to send', (name) => {
    for (const b of [prod, dev]) {
      expect(envOf(b, name)).not.toHaveProperty(ENV.NOTIFY_QUEUE_URL);
      expect(actionsOnResource(roleStatementsOf(b, name), queueId(b)).has('sqs:SendMessage')).toBe(false);
    }
  });

  it('lets no role but the consumer receive or delete its messages', () => {
    const consumerRole = logicalIdOf(consumerOf(prod, notifyConsumer().name).handler.role);
    for (const spec of allFunctions) {
      const actions = actionsOnResource(roleStatementsOf(prod, spec.name), queueId(prod));
      const consumes = actions.has('sqs:ReceiveMessage') || actions.has('sqs:DeleteMessage');
      expect(consumes).toBe(logicalIdOf(fnOf(prod, spec.name).role) === consumerRole);
    }
  });

  it('outputs the queue URL and the dead-letter queue URL and ARN', () => {
    prod.template.hasOutput('NotifyQueueUrl', { Value: { Ref: queueId(prod) } });
    prod.template.hasOutput('NotifyDeadLetterQueueUrl', { Value: { Ref: dlqId(prod) } });
    prod.template.hasOutput('NotifyDeadLetterQueueArn', { Value: { 'Fn::GetAtt': [dlqId(prod), 'Arn'] } });
  });
});

describe('reminders queue', () => {
  const spec = () => {
    const found = queueConsumers.find((c) => c.queue.envVar === ENV.REMINDERS_QUEUE_URL);
    if (!found) throw new Error(`no queue consumer declares ${ENV.REMINDERS_QUEUE_URL}`);
    return found;
  };
  const queueId = (b: Built) => logicalIdOf(consumerOf(b, spec().name).queue);
  const dlqId = (b: Built) => logicalIdOf(consumerOf(b, spec().name).deadLetterQueue);
  const remindersSenders = allFunctions.filter((f) => f.sendsTo?.includes(ENV.REMINDERS_QUEUE_URL));

  it('is a queue of its own, consumed by queue-reminders with partial batch failures and a concurrency cap', () => {
    expect(spec().name).toBe('queue-reminders');
    expect(queueId(prod)).not.toBe(logicalIdOf(consumerOf(prod, notifyConsumer().name).queue));
    prod.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId(prod), 'Arn'] },
      FunctionName: { Ref: logicalIdOf(consumerOf(prod, spec().name).handler.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: spec().queue.batchSize,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('moves a message to its dead-letter queue after maxReceiveCount, and alarms on it', () => {
    expect(resourceOf(prod, queueId(prod)).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(prod), 'Arn'] },
      maxReceiveCount: spec().queue.maxReceiveCount,
    });
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(prod), 'QueueName'] } }],
      Threshold: 1,
    });
    prod.template.hasOutput('RemindersQueueUrl', { Value: { Ref: queueId(prod) } });
  });

  it('is fed by the reminder tick, every 5 minutes', () => {
    expect(remindersSenders.map((f) => f.name)).toContain('schedule-reminders');
    const tick = scheduledOf(prod, 'schedule-reminders');
    prod.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: { Arn: { 'Fn::GetAtt': [logicalIdOf(tick.handler.fn), 'Arn'] } },
    });
  });

  it('gives REMINDERS_QUEUE_URL and sqs:SendMessage (only) to the functions that declare it, and nothing to the others', () => {
    for (const b of [prod, dev]) {
      for (const f of allFunctions) {
        const actions = [...actionsOnResource(roleStatementsOf(b, f.name), queueId(b))];
        if (remindersSenders.includes(f)) {
          expect(envOf(b, f.name)[ENV.REMINDERS_QUEUE_URL]).toEqual({ Ref: queueId(b) });
          expect(actions).toEqual(['sqs:SendMessage']);
        } else if (f.name !== spec().name) {
          expect(envOf(b, f.name)).not.toHaveProperty(ENV.REMINDERS_QUEUE_URL);
          expect(actions).toEqual([]);
        }
        expect([...actionsOnResource(roleStatementsOf(b, f.name), dlqId(b))]).toEqual([]);
      }
    }
  });

  it('lets the tick send reminders but not promotion notifications', () => {
    expect(envOf(prod, 'schedule-reminders')).not.toHaveProperty(ENV.NOTIFY_QUEUE_URL);
    expect(envOf(prod, 'queue-reminders')).not.toHaveProperty(ENV.NOTIFY_QUEUE_URL);
  });
});

describe('scheduled functions', () => {
  it('creates one schedule per manifest entry', () => {
    prod.template.resourceCountIs('AWS::Scheduler::Schedule', scheduledFunctions.length);
  });

  it.each(scheduledFunctions.map((f) => [f.name, f.schedule] as const))(
    '%s runs on %s, targeting its function with a retry policy and a DLQ',
    (name, schedule) => {
      const tick = scheduledOf(prod, name);
      expect(tick.handler).toBe(fnOf(prod, name));
      const fnId = logicalIdOf(tick.handler.fn);
      const dlqArn = { 'Fn::GetAtt': [logicalIdOf(tick.deadLetterQueue), 'Arn'] };
      prod.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: schedule,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [logicalIdOf(tick.schedulerRole), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: dlqArn },
        },
      });
      prod.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
      });
      prod.template.hasOutput(`${tick.node.id}FunctionName`, { Value: { Ref: fnId } });
      prod.template.hasOutput(`${tick.node.id}DeadLetterQueueUrl`, { Value: { Ref: logicalIdOf(tick.deadLetterQueue) } });
    },
  );
});

describe('cdk-nag (AwsSolutions)', () => {
  it.each([['prod'], ['dev']] as const)('reports no error and no warning on the %s stack', (stage) => {
    expect(nagViolations((stage === 'prod' ? prod : dev).stack)).toEqual([]);
  });

  it('acknowledges findings only with a specific written reason', () => {
    const acks = acknowledgements(prod.stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
    // Acknowledged resource by resource (one per API route), never stack-wide.
    expect(acks.filter((a) => a.id === 'AwsSolutions-APIG4')).toHaveLength(httpFunctions.flatMap((f) => f.routes).length);
    expect(acks.some((a) => a.path === prod.stack.node.path)).toBe(false);
  });

  it('gives each unauthorised route the reason of its own authentication', () => {
    const routeReasons = acknowledgements(prod.stack).filter((a) => a.id === 'AwsSolutions-APIG4');
    const reasonOf = (fragment: string) => routeReasons.filter((a) => a.path.includes(fragment)).map((a) => a.reason);
    for (const reason of reasonOf('calendar.ics')) expect(reason).toMatch(/unguessable token/);
    expect(reasonOf('calendar.ics')).not.toHaveLength(0);
    for (const reason of reasonOf('/admin')) expect(reason).toMatch(/Bearer/);
    for (const reason of reasonOf('/cancel')) expect(reason).toMatch(/URL signature/);
    for (const fragment of ['openapi.json', 'docs']) {
      expect(reasonOf(fragment)).not.toHaveLength(0);
      for (const reason of reasonOf(fragment)) expect(reason).toMatch(/public by design/);
    }
  });
});

describe('alarms', () => {
  const alarmsOf = (b: Built) =>
    Object.entries(b.template.findResources('AWS::CloudWatch::Alarm')) as [string, { Properties: Record<string, unknown> }][];
  const topicRef = (b: Built) => ({ Ref: logicalIdOf(b.stack.alarmTopic.topic) });
  /** The alarm whose metric (or one of the metrics of its expression) has these name and dimension. */
  const findAlarms = (b: Built, metricName: string, dimension: string, value: unknown) =>
    alarmsOf(b).filter(([, alarm]) => {
      const props = alarm.Properties as {
        MetricName?: string;
        Dimensions?: { Name: string; Value: unknown }[];
        Metrics?: { MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[];
      };
      const plain = [{ MetricName: props.MetricName, Dimensions: props.Dimensions ?? [] }];
      const inExpression = (props.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
      return [...plain, ...inExpression].some(
        (m) =>
          m.MetricName === metricName &&
          m.Dimensions.some((d) => d.Name === dimension && JSON.stringify(d.Value) === JSON.stringify(value)),
      );
    });

  it.each([['prod'], ['dev']] as const)('makes the alarm topic the alarm and OK action of every alarm of the %s stack', (stage) => {
    const b = stage === 'prod' ? prod : dev;
    const alarms = alarmsOf(b);
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([topicRef(b)]);
      expect(alarm.Properties.OKActions, id).toEqual([topicRef(b)]);
      expect(String(alarm.Properties.AlarmDescription).length, id).toBeGreaterThan(60);
    }
  });

  it('subscribes the alarmEmail parameter to the topic by email, over TLS only', () => {
    prod.template.resourceCountIs('AWS::SNS::Subscription', 1);
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: PROD_ALARM_EMAIL,
      TopicArn: topicRef(prod),
    });
    prod.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef(prod)],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    prod.template.hasOutput('AlarmTopicArn', { Value: topicRef(prod) });
  });

  it('lets a dev stack go without a subscription, and refuses a prod stack without alarmEmail', () => {
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
    dev.template.resourceCountIs('AWS::SNS::Topic', 1);
    expect(() => stageConfig('prod', { mailFrom: PROD_MAIL_FROM })).toThrow(/-c alarmEmail=/);
  });

  it.each(allFunctions.map((f) => [f.name, f.kind] as const))('watches errors and throttles of %s (%s)', (name) => {
    const fnRef = { Ref: logicalIdOf(fnOf(prod, name).fn) };
    for (const metric of ['Errors', 'Throttles']) {
      const found = findAlarms(prod, metric, 'FunctionName', fnRef);
      expect(found, metric).toHaveLength(1);
      expect(found[0]?.[1].Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('watches the 5xx answers of the API stage', () => {
    const found = findAlarms(prod, '5xx', 'ApiId', { Ref: logicalIdOf(prod.stack.httpApi.api) });
    expect(found).toHaveLength(1);
    expect(found[0]?.[1].Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Dimensions: [
        { Name: 'ApiId', Value: { Ref: logicalIdOf(prod.stack.httpApi.api) } },
        { Name: 'Stage', Value: '$default' },
      ],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it.each(tableDefinitions.map((d) => [d.id, d.envVar] as const))('watches the throttled requests of %s, every operation the functions send', (_id, envVar) => {
    const tableRef = { Ref: tableIdOf(prod, envVar) };
    const found = findAlarms(prod, 'ThrottledRequests', 'TableName', tableRef);
    expect(found).toHaveLength(1);
    const props = found[0]?.[1].Properties as { Metrics: { Id: string; Expression?: string; MetricStat?: { Metric: { Dimensions: { Name: string; Value: unknown }[] } } }[]; Threshold: number };
    const operations = props.Metrics.flatMap((m) => m.MetricStat?.Metric.Dimensions.filter((d) => d.Name === 'Operation').map((d) => d.Value) ?? []);
    expect(operations.sort()).toEqual(
      ['BatchGetItem', 'BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'TransactWriteItems', 'UpdateItem'],
    );
    // CloudWatch alarms accept at most 10 metrics in one expression.
    expect(props.Metrics.filter((m) => m.MetricStat).length).toBeLessThanOrEqual(10);
    expect(props.Metrics.find((m) => m.Expression)?.Expression).toMatch(/\+/);
    expect(props.Threshold).toBe(1);
  });

  it.each(queueConsumers.map((c) => [c.queue.name, c.name] as const))(
    'watches the age of the oldest message of the %s queue (consumed by %s) and its dead-letter queue',
    (_queue, name) => {
      const consumer = consumerOf(prod, name);
      const age = findAlarms(prod, 'ApproximateAgeOfOldestMessage', 'QueueName', {
        'Fn::GetAtt': [logicalIdOf(consumer.queue), 'QueueName'],
      });
      expect(age).toHaveLength(1);
      expect(age[0]?.[1].Properties).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Threshold: 900 });
      const dlq = findAlarms(prod, 'ApproximateNumberOfMessagesVisible', 'QueueName', {
        'Fn::GetAtt': [logicalIdOf(consumer.deadLetterQueue), 'QueueName'],
      });
      expect(dlq).toHaveLength(1);
    },
  );

  it('has no other alarm than those listed (every one accounted for)', () => {
    const expected =
      allFunctions.length * 2 + // errors, throttles
      1 + // API 5xx
      tableDefinitions.length + // throttled requests
      queueConsumers.length * 2 + // message age, DLQ
      scheduledFunctions.length; // DLQ of failed runs
    expect(alarmsOf(prod)).toHaveLength(expected);
  });
});

describe('reserved concurrency and retained queues', () => {
  it.each([
    ['prod', { http: 20, queue: 5, scheduled: 1 }],
    ['dev', { http: 5, queue: 2, scheduled: 1 }],
  ] as const)('reserves the %s concurrency of each kind of function', (stage, expected) => {
    const b = stage === 'prod' ? prod : dev;
    expect(b.stack.config.reservedConcurrency).toEqual(expected);
    for (const spec of allFunctions) {
      const fn = resourceOf(b, logicalIdOf(fnOf(b, spec.name).fn));
      expect(fn.Properties.ReservedConcurrentExecutions, spec.name).toBe(expected[spec.kind]);
    }
  });

  it('never lets the SQS pollers invoke a consumer beyond its reserved concurrency', () => {
    for (const spec of queueConsumers) {
      const consumer = consumerOf(prod, spec.name);
      prod.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(consumer.queue), 'Arn'] },
        // The consumer's own cap (e.g. the SES sending rate of reminders) within its reservation.
        ScalingConfig: { MaximumConcurrency: Math.min(spec.queue.maxConcurrency ?? 5, 5) },
      });
    }
  });

  it('retains every queue and dead-letter queue in prod, deletes them with a dev stack', () => {
    const queues = (b: Built) => Object.entries(b.template.findResources('AWS::SQS::Queue'));
    expect(queues(prod)).toHaveLength(queueConsumers.length * 2 + scheduledFunctions.length);
    for (const [id, queue] of queues(prod)) {
      expect(queue.DeletionPolicy, id).toBe('Retain');
      expect(queue.UpdateReplacePolicy, id).toBe('Retain');
    }
    for (const [id, queue] of queues(dev)) expect(queue.DeletionPolicy, id).toBe('Delete');
  });
});
