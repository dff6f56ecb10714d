// The ServiceFunction grant helpers, on their own: a read grant never writes, a grant injects
// the table-name variable, a parameter grant covers one parameter, a queue grant only sends to
// one queue, an email grant sends as one identity from one address. Independent of the manifest.
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataTable } from '#shared/adapters/dynamodb/tables.ts';
import { DataTable } from '#infra/constructs/data-table.ts';
import { ServiceFunction } from '#infra/constructs/service-function.ts';
import { actionsOnResource, logicalIdOf, nagViolations, newApp, statementsOfRole } from './helpers.ts';

let stack: Stack;
let table: DataTable;
let reader: ServiceFunction;
let writer: ServiceFunction;
let queue: sqs.Queue;
let template: Template;

beforeAll(() => {
  stack = new Stack(newApp({ cloudFormationValidation: false }), 'ServiceFunctionTest');
  table = new DataTable(stack, 'Data', { definition: dataTable, retainData: false });
  const props = {
    entry: 'tests/infra/fixtures/noop-handler.ts',
    serviceName: 'grant-test',
    logRetention: RetentionDays.ONE_WEEK,
    logRemovalPolicy: RemovalPolicy.DESTROY,
  };
  reader = new ServiceFunction(stack, 'Reader', { ...props, description: 'reads' });
  writer = new ServiceFunction(stack, 'Writer', { ...props, description: 'writes' });
  reader.grantTable(table, 'read');
  writer.grantTable(table, 'readWrite');
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
    expect(JSON.stringify(statementsOfRole(template, logicalIdOf(reader.role)))).not.toContain('ssm:');
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
