// The ServiceFunction grant helpers, on their own: a read grant never writes, a grant injects
// the table-name variable, a parameter grant covers one parameter, a queue grant only sends to
// one queue, an email grant sends as one identity from one address. Independent of the manifest.
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataTable, nonceTable } from '#shared/adapters/dynamodb/tables.ts';
import { DataTable } from '#infra/constructs/data-table.ts';
import { ServiceFunction, TABLE_ACTIONS } from '#infra/constructs/service-function.ts';
import { actionsOnResource, logicalIdOf, nagViolations, newApp, statementsOfRole } from './helpers.ts';

let stack: Stack;
let table: DataTable;
let reader: ServiceFunction;
let writer: ServiceFunction;
let nonceWriter: ServiceFunction;
let nonces: DataTable;
let queue: sqs.Queue;
let template: Template;

beforeAll(() => {
  stack = new Stack(newApp({ cloudFormationValidation: false }), 'ServiceFunctionTest');
  table = new DataTable(stack, 'Data', { definition: dataTable, retainData: false });
  const props = {
    entry: 'tests/support/handlers/noop-handler.ts',
    serviceName: 'grant-test',
    logRetention: RetentionDays.ONE_WEEK,
    logRemovalPolicy: RemovalPolicy.DESTROY,
  };
  reader = new ServiceFunction(stack, 'Reader', { ...props, description: 'reads' });
  writer = new ServiceFunction(stack, 'Writer', { ...props, description: 'writes', readsParameters: true });
  nonceWriter = new ServiceFunction(stack, 'NonceWriter', { ...props, description: 'claims nonces', reservedConcurrency: 7 });
  nonces = new DataTable(stack, 'Nonces', { definition: nonceTable, retainData: false });
  reader.grantTable(table, 'read');
  writer.grantTable(table, 'readWrite');
  nonceWriter.grantTable(table, 'putOnly');
  nonceWriter.grantTable(nonces, 'putOnly');
  writer.grantParameterRead('SECRET_PARAMETER', '/publik-club/test/secret');
  queue = new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'Test fixture: a queue that only receives the send grant under test; no consumer, so no dead-letter queue.',
  });
  writer.grantQueueSend('OUT_QUEUE_URL', queue);
  writer.grantSendEmail({ from: 'Club <club@example.org>', fromAddress: 'club@example.org', identity: 'example.org' });
  template = Template.fromStack(stack);
});

const actionsOf = (service: ServiceFunction) =>
  actionsOnResource(statementsOfRole(template, logicalIdOf(service.role)), logicalIdOf(table.table));
const envOf = (service: ServiceFunction) =>
  template.toJSON().Resources[logicalIdOf(service.fn)].Properties.Environment.Variables as Record<string, unknown>;

describe('ServiceFunction grants', () => {
  it('gives a read grant no write action on the table or its indexes', () => {
    const actions = actionsOf(reader);
    expect(actions).toContain('dynamodb:Query');
    expect(actions).toContain('dynamodb:GetItem');
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(actions).not.toContain(write);
    }
  });

  it('gives a readWrite grant the write actions', () => {
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
      expect(actionsOf(writer)).toContain(write);
    }
  });

  it('grants exact action lists: reads and Query on the named index for read, plus writes for readWrite, no Scan nor DescribeTable', () => {
    const tableArn = { 'Fn::GetAtt': [logicalIdOf(table.table), 'Arn'] };
    const indexArn = { 'Fn::Join': ['', [tableArn, '/index/gsi1']] };
    // Action order is the policy minimizer's (alphabetical); compare as sets.
    const statementsFor = (service: ServiceFunction) =>
      statementsOfRole(template, logicalIdOf(service.role))
        .filter((s) => JSON.stringify(s.Action).includes('dynamodb:'))
        .map((s) => ({ ...s, Action: Array.isArray(s.Action) ? [...s.Action].sort() : s.Action }));
    expect(statementsFor(reader)).toEqual([
      { Effect: 'Allow', Action: [...TABLE_ACTIONS.read].sort(), Resource: tableArn },
      { Effect: 'Allow', Action: 'dynamodb:Query', Resource: indexArn },
    ]);
    expect(statementsFor(writer)).toEqual([
      { Effect: 'Allow', Action: [...TABLE_ACTIONS.read, ...TABLE_ACTIONS.write].sort(), Resource: tableArn },
      { Effect: 'Allow', Action: 'dynamodb:Query', Resource: indexArn },
    ]);
    expect(TABLE_ACTIONS.read).toEqual(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem']);
    expect(TABLE_ACTIONS.write).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']);
  });

  it('gives a putOnly grant PutItem on the table alone: no read, no index', () => {
    const statements = statementsOfRole(template, logicalIdOf(nonceWriter.role)).filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: [{ 'Fn::GetAtt': [logicalIdOf(table.table), 'Arn'] }, { 'Fn::GetAtt': [logicalIdOf(nonces.table), 'Arn'] }],
      },
    ]);
  });

  it('sets the reserved concurrency when given, and none otherwise', () => {
    const fnProps = (service: ServiceFunction) => template.toJSON().Resources[logicalIdOf(service.fn)].Properties;
    expect(fnProps(nonceWriter).ReservedConcurrentExecutions).toBe(7);
    expect(fnProps(reader).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('alarms on the errors and the throttles of each function', () => {
    for (const service of [reader, writer, nonceWriter]) {
      for (const [alarm, metric] of [
        [service.errorsAlarm, 'Errors'],
        [service.throttlesAlarm, 'Throttles'],
      ] as const) {
        expect(template.toJSON().Resources[logicalIdOf(alarm)].Properties).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(service.fn) } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
        });
      }
    }
  });

  it('passes the physical table name in the variable of the table definition', () => {
    for (const service of [reader, writer]) {
      expect(envOf(service)[dataTable.envVar]).toEqual({ Ref: logicalIdOf(table.table) });
    }
  });

  it('grants a parameter read on that one parameter and passes its name', () => {
    expect(envOf(writer).SECRET_PARAMETER).toBe('/publik-club/test/secret');
    expect(envOf(reader)).not.toHaveProperty('SECRET_PARAMETER');
    const ssm = statementsOfRole(template, logicalIdOf(writer.role)).filter((s) => JSON.stringify(s.Action).includes('ssm:'));
    expect(ssm).toHaveLength(1);
    expect(JSON.stringify(ssm[0]?.Resource)).toMatch(/:parameter\/publik-club\/test\/secret"\]\]\}$/);
    expect(ssm[0]?.Action).toBe('ssm:GetParameter');
    expect(JSON.stringify(statementsOfRole(template, logicalIdOf(reader.role)))).not.toContain('ssm:');
  });

  it('gives the Parameters and Secrets extension layer (port 2773) to a function that reads parameters, and to no other', () => {
    const fnResource = (service: ServiceFunction) => template.toJSON().Resources[logicalIdOf(service.fn)].Properties;
    const layers = fnResource(writer).Layers as unknown[];
    expect(layers).toHaveLength(1);
    // Environment-agnostic stack: the layer ARN is looked up in a per-region mapping.
    expect(layers[0]).toEqual({ 'Fn::FindInMap': [expect.stringMatching(/^Paramsandsecrets/), { Ref: 'AWS::Region' }, '1x0x103xarm64'] });
    const [mapping] = (layers[0] as { 'Fn::FindInMap': [string] })['Fn::FindInMap'];
    expect(template.toJSON().Mappings[mapping]['eu-west-3']['1x0x103xarm64']).toMatch(
      /^arn:aws:lambda:eu-west-3:\d+:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/,
    );
    expect(envOf(writer).PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).toBe('2773');
    expect(fnResource(reader).Layers).toBeUndefined();
    expect(envOf(reader)).not.toHaveProperty('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT');
  });

  it('refuses a parameter grant to a function built without the extension', () => {
    expect(() => reader.grantParameterRead('OTHER_PARAMETER', '/publik-club/test/other')).toThrow(/readsParameters/);
  });

  it('grants sqs:SendMessage on that one queue, nothing else, and passes its URL', () => {
    expect(envOf(writer).OUT_QUEUE_URL).toEqual({ Ref: logicalIdOf(queue) });
    const statements = statementsOfRole(template, logicalIdOf(writer.role));
    expect([...actionsOnResource(statements, logicalIdOf(queue))]).toEqual(['sqs:SendMessage']);
    const sqsStatements = statements.filter((s) => JSON.stringify(s.Action).includes('sqs:'));
    expect(sqsStatements).toHaveLength(1);
    expect(envOf(reader)).not.toHaveProperty('OUT_QUEUE_URL');
    expect(JSON.stringify(statementsOfRole(template, logicalIdOf(reader.role)))).not.toContain('sqs:');
  });

  it('grants SES sending as one identity, from one address, and passes MAIL_FROM', () => {
    expect(envOf(writer).MAIL_FROM).toBe('Club <club@example.org>');
    const ses = statementsOfRole(template, logicalIdOf(writer.role)).filter((s) => JSON.stringify(s.Action).includes('ses:'));
    expect(ses).toEqual([
      {
        Effect: 'Allow',
        Action: ['ses:SendEmail', 'ses:SendRawEmail'],
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/example.org']],
        },
        Condition: { StringEquals: { 'ses:FromAddress': 'club@example.org' } },
      },
    ]);
    expect(envOf(reader)).not.toHaveProperty('MAIL_FROM');
    expect(JSON.stringify(statementsOfRole(template, logicalIdOf(reader.role)))).not.toContain('ses:');
  });

  it('passes cdk-nag AwsSolutions without findings', () => {
    expect(nagViolations(stack)).toEqual([]);
  });
});
