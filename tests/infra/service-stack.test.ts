// The promises of the service stack, read from the synthesized template: routes and their
// integrations, tables as defined in shared/, Lambda settings, least-privilege grants, stage
// differences, and a clean cdk-nag report. Each stack is built (and bundled) once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpFunctions } from '#functions/manifest.ts';
import { tableDefinitions } from '#shared/adapters/dynamodb/tables.ts';
import { ENV } from '#shared/config.ts';
import { ServiceStack } from '#infra/service-stack.ts';
import { stageConfig, type StageName, type StageOverrides } from '#infra/stage-config.ts';
import {
  acknowledgements,
  actionsOnResource,
  findDependencyCycle,
  logicalIdOf,
  nagViolations,
  newApp,
  statementsOfRole,
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

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

let prod: Built;
let dev: Built;

beforeAll(() => {
  prod = build('prod');
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
  it('deploys exactly the functions of the manifest', () => {
    prod.template.resourceCountIs('AWS::Lambda::Function', httpFunctions.length);
  });

  it.each(httpFunctions.map((f) => [f.name]))('%s runs Node.js 22 on arm64 with tracing, 512 MB, 10 s', (name) => {
    const fn = prod.template.toJSON().Resources[logicalIdOf(fnOf(prod, name).fn)];
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 10,
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
    });
    expect(envOf(prod, name)).toMatchObject({ POWERTOOLS_SERVICE_NAME: name, NODE_OPTIONS: '--enable-source-maps' });
  });

  it.each([
    ['prod', 90],
    ['dev', 14],
  ] as const)('logs each %s function to its own log group kept %i days', (stage, days) => {
    const b = stage === 'prod' ? prod : dev;
    for (const spec of httpFunctions) {
      const service = fnOf(b, spec.name);
      const fn = b.template.toJSON().Resources[logicalIdOf(service.fn)];
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: logicalIdOf(service.logGroup) });
      const logGroup = b.template.toJSON().Resources[logicalIdOf(service.logGroup)];
      expect(logGroup.Properties.RetentionInDays).toBe(days);
    }
  });

  it.each(httpFunctions.map((f) => [f.name]))('%s is one minified ESM bundle with a source map and the AWS SDK left out', (name) => {
    const asset = fnOf(prod, name).fn.node.findChild('Code') as Asset;
    const bundle = path.join(prod.outdir, asset.assetPath, 'index.mjs');
    const code = readFileSync(bundle, 'utf8');
    expect(code.startsWith("import { createRequire as __createRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/from\s*"@aws-sdk\/[a-z-]+"/);
    expect(code).not.toContain('@smithy/smithy-client/dist-cjs');
    expect(existsSync(`${bundle}.map`)).toBe(true);
  });

  it('gives each function the table names it uses, and only those', () => {
    for (const spec of httpFunctions) {
      const env = envOf(prod, spec.name);
      for (const definition of tableDefinitions) {
        const key = definition.envVar === ENV.DATA_TABLE ? 'data' : 'nonces';
        if (spec.tables[key]) expect(env[definition.envVar]).toEqual({ Ref: tableIdOf(prod, definition.envVar) });
        else expect(env).not.toHaveProperty(definition.envVar);
      }
    }
  });

  it('passes the API endpoint as PUBLIC_BASE_URL unless a base URL is configured', () => {
    for (const spec of httpFunctions) {
      expect(envOf(prod, spec.name)[ENV.PUBLIC_BASE_URL]).toEqual({
        'Fn::GetAtt': [logicalIdOf(prod.stack.httpApi.api), 'ApiEndpoint'],
      });
      expect(envOf(prod, spec.name)).not.toHaveProperty(ENV.PUBLIK_ORIG);
      expect(envOf(dev, spec.name)[ENV.PUBLIC_BASE_URL]).toBe('https://club.example.org');
      expect(envOf(dev, spec.name)[ENV.PUBLIK_ORIG]).toBe('club.example.org');
    }
  });

  it('warns at synth that notifications have no queue yet, for each function that sends them', () => {
    const warnings = Annotations.fromStack(prod.stack).findWarning(
      '*',
      Match.stringLikeRegexp('no notification queue is deployed yet'),
    );
    expect(warnings.map((w) => w.id).sort()).toEqual(
      httpFunctions
        .filter((f) => f.sendsNotifications)
        .map((f) => `/${prod.stack.stackName}/${fnOf(prod, f.name).node.id}`)
        .sort(),
    );
  });

  it('has no dependency cycle (the API URL in the functions is safe)', () => {
    expect(findDependencyCycle(prod.template)).toBeUndefined();
    expect(findDependencyCycle(dev.template)).toBeUndefined();
  });
});

describe('least privilege', () => {
  const roleStatements = (name: string) => statementsOfRole(prod.template, logicalIdOf(fnOf(prod, name).role));

  it('uses no managed policy (each role writes to its own log group only)', () => {
    for (const role of Object.values(prod.template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('grants each function exactly the table access its manifest entry declares', () => {
    for (const spec of httpFunctions) {
      for (const definition of tableDefinitions) {
        const access = spec.tables[definition.envVar === ENV.DATA_TABLE ? 'data' : 'nonces'];
        const actions = actionsOnResource(roleStatements(spec.name), tableIdOf(prod, definition.envVar));
        if (access === undefined) expect([...actions]).toEqual([]);
        else {
          expect(actions).toContain('dynamodb:Query');
          for (const write of WRITE_ACTIONS) expect(actions.has(write)).toBe(access === 'readWrite');
        }
        expect(actions).not.toContain('dynamodb:*');
      }
    }
  });

  it.each([
    ['admin-tokens', ENV.ADMIN_TOKENS_PARAMETER, 'usesAdminTokens'],
    ['publik-signature-keys', ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER, 'usesPublikKeys'],
    ['publik-default-signature-key', ENV.PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER, 'usesPublikKeys'],
  ] as const)('lets only the functions that need it read the %s parameter', (suffix, envVar, flag) => {
    const parameterName = `/publik-club/prod/${suffix}`;
    const arnTail = `:parameter${parameterName}`;
    for (const spec of httpFunctions) {
      const readers = roleStatements(spec.name).filter((s) =>
        JSON.stringify(s.Resource).includes(`${arnTail}"`),
      );
      if (spec[flag]) {
        expect(readers).toHaveLength(1);
        expect(readers[0]?.Action).toEqual(['ssm:GetParameter', 'ssm:GetParameters']);
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

  it('grants no SSM access at all to a function that needs no secret', () => {
    for (const spec of httpFunctions.filter((f) => !f.usesAdminTokens && !f.usesPublikKeys)) {
      expect(JSON.stringify(roleStatements(spec.name))).not.toContain('ssm:');
    }
  });
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
});
