// The local runtime's building blocks against the real emulators: the API Gateway stand-in
// (payload 2.0 events as AWS builds them), tables from the shared definitions, the SQS event
// source stand-in (partial batch responses, redrive to the DLQ) and scheduled invocations.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dataTable, nonceTable } from '#shared/adapters/dynamodb/tables.ts';
import { signUrl } from '#shared/publik/signature.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { frenchDayLabel } from '#shared/domain/meetings/views.ts';
import { secureDataDir, startDynamoDbLocal } from '../../scripts/local/dynamodb-local.ts';
import { startGateway, type Gateway, type HttpHandler } from '../../scripts/local/gateway.ts';
import { createQueueWithDlq, startQueuePoller } from '../../scripts/local/queue-poller.ts';
import { loadHandler } from '../../scripts/local/registry.ts';
import { buildScheduledEvent, invokeScheduled, type ScheduledHandler } from '../../scripts/local/scheduler.ts';
import { createTableInput, createTables } from '../../scripts/local/tables.ts';
import { readRuntimeState, writeRuntimeState, type RuntimeState } from '../../scripts/local/runtime-state.ts';
import { recordingConsumer } from '#tests/support/recording-consumer.ts';

const emulators = inject('emulators');

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request whose target is sent byte for byte (fetch/URL would normalise it). */
function rawRequest(
  base: string,
  target: string,
  opts: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | string } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: opts.method ?? 'GET', path: target, headers: opts.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const eventOf = (answer: RawAnswer) =>
  (JSON.parse(answer.body.toString('utf8')) as { event: APIGatewayProxyEventV2; context: { functionName: string; remainingMs: number } });

describe('local API gateway (HTTP API, payload 2.0)', () => {
  let gateway: Gateway;
  let loads = 0;
  const errors: string[] = [];

  beforeAll(async () => {
    gateway = await startGateway({
      port: 0,
      logError: (message) => errors.push(message),
      functions: [
        {
          name: 'echo',
          routes: [
            'GET /meetings',
            'GET /meetings/{meetingId}',
            'POST /meetings/{meetingId}/registrations',
            'ANY /files/{proxy+}',
            'GET /files/special',
            'GET /crash',
            'GET /string',
            'GET /object',
            'GET /binary',
            'GET /malformed',
          ],
          load: async () => {
            loads += 1;
            return loadHandler<HttpHandler>('tests/support/handlers/echo-handler.ts');
          },
        },
      ],
      extraRoutes: [
        {
          method: 'GET',
          path: '/__local/ping',
          handle: (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('pong');
          },
        },
      ],
    });
  });
  afterAll(() => gateway?.stop());

  it('keeps rawQueryString byte for byte and builds the v2 event like AWS', async () => {
    const query = 'q=caf%C3%A9+au+lait&ts=2025-03-14T09%3A26%3A53Z&sig=ab%2Bc%3D&plus=a+b&tag=x&tag=y%2Fz&empty=&flag';
    const answer = await rawRequest(gateway.url, `/meetings/club%2012?${query}`, {
      headers: {
        'User-Agent': 'w.c.s./test',
        'X-Multi': ['a', 'b'],
        Cookie: 'session=1; theme=dark',
        Accept: 'application/json',
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['apigw-requestid']).toBeTruthy();
    const { event, context } = eventOf(answer);
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /meetings/{meetingId}');
    expect(event.rawPath).toBe('/meetings/club%2012');
    expect(event.rawQueryString).toBe(query);
    expect(event.pathParameters).toEqual({ meetingId: 'club 12' });
    expect(event.queryStringParameters).toEqual({
      q: 'café au lait',
      ts: '2025-03-14T09:26:53Z',
      sig: 'ab+c=',
      plus: 'a b',
      tag: 'x,y/z',
      empty: '',
      flag: '',
    });
    expect(event.headers['user-agent']).toBe('w.c.s./test');
    expect(event.headers['x-multi']).toBe('a,b');
    expect(event.headers['accept']).toBe('application/json');
    expect(event.headers['cookie']).toBeUndefined();
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.cookies).toEqual(['session=1', 'theme=dark']);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBeUndefined();
    const rc = event.requestContext;
    expect(rc.routeKey).toBe('GET /meetings/{meetingId}');
    expect(rc.stage).toBe('$default');
    expect(rc.http).toEqual({
      method: 'GET',
      path: '/meetings/club%2012',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'w.c.s./test',
    });
    expect(rc.accountId).toMatch(/^\d{12}$/);
    expect(rc.apiId).toBeTruthy();
    expect(rc.domainName).toBe(new URL(gateway.url).host);
    expect(rc.requestId).toBe(answer.headers['apigw-requestid']);
    expect(rc.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(rc.timeEpoch - Date.now())).toBeLessThan(10_000);
    expect(context.functionName).toBe('echo');
    expect(context.remainingMs).toBeGreaterThan(20_000);
  });

  it('passes a w.c.s. signed query through untouched', async () => {
    const signed = signUrl(`${gateway.url}/meetings?q=Jean+Dupont&tag=a%2Fb&tag=c`, 'clé-secrète€', {
      orig: 'demarches.example.org',
      timestamp: new Date('2025-03-14T09:26:53Z'),
      nonce: '1a79a4d60de6718e8e5b326e338ae533',
    });
    const target = signed.slice(gateway.url.length);
    const { event } = eventOf(await rawRequest(gateway.url, target));
    expect(event.routeKey).toBe('GET /meetings');
    expect(event.rawQueryString).toBe(signed.slice(signed.indexOf('?') + 1));
    expect(event.rawQueryString).toContain('timestamp=2025-03-14T09%3A26%3A53Z');
    expect(event.queryStringParameters?.['timestamp']).toBe('2025-03-14T09:26:53Z');
  });

  it('omits queryStringParameters and pathParameters when there are none', async () => {
    const { event } = eventOf(await rawRequest(gateway.url, '/meetings'));
    expect(event.rawQueryString).toBe('');
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.pathParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
  });

  it('delivers text bodies as UTF-8 and other bodies as base64, like HTTP APIs', async () => {
    const json = JSON.stringify({ form_uuid: 'abc', last_name: 'Müller' });
    const a = eventOf(
      await rawRequest(gateway.url, '/meetings/club-12/registrations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: json,
      }),
    ).event;
    expect(a.routeKey).toBe('POST /meetings/{meetingId}/registrations');
    expect(a.pathParameters).toEqual({ meetingId: 'club-12' });
    expect(a.isBase64Encoded).toBe(false);
    expect(a.body).toBe(json);

    const form = 'email=jean.dupont%2Bclub%40example.org&last_name=M%C3%BCller';
    const b = eventOf(
      await rawRequest(gateway.url, '/meetings/club-12/registrations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form,
      }),
    ).event;
    expect(b.isBase64Encoded).toBe(true);
    expect(Buffer.from(b.body ?? '', 'base64').toString('utf8')).toBe(form);

    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const c = eventOf(
      await rawRequest(gateway.url, '/meetings/club-12/registrations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: bytes,
      }),
    ).event;
    expect(c.isBase64Encoded).toBe(true);
    expect(Buffer.from(c.body ?? '', 'base64')).toEqual(bytes);
  });

  it('selects routes like API Gateway: literal, then {param}, then {proxy+}; ANY matches every method', async () => {
    const special = eventOf(await rawRequest(gateway.url, '/files/special')).event;
    expect(special.routeKey).toBe('GET /files/special');
    const greedy = eventOf(await rawRequest(gateway.url, '/files/a/b%20c.pdf', { method: 'DELETE' })).event;
    expect(greedy.routeKey).toBe('ANY /files/{proxy+}');
    expect(greedy.pathParameters).toEqual({ proxy: 'a/b c.pdf' });
    expect(greedy.requestContext.http.method).toBe('DELETE');
  });

  it('routes a path with a trailing slash like the path without it, as HTTP APIs do (the console\'s /console/)', async () => {
    const slash = await rawRequest(gateway.url, '/meetings/');
    expect(slash.status).not.toBe(404);
  });

  it('answers 404 {"message":"Not Found"} when no route matches', async () => {
    for (const [method, target] of [
      ['GET', '/nowhere'],
      ['DELETE', '/meetings'],
      ['GET', '/meetings/club-12/unknown'],
      ['GET', '/files'],
    ] as const) {
      const answer = await rawRequest(gateway.url, target, { method });
      expect(answer.status, `${method} ${target}`).toBe(404);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(JSON.parse(answer.body.toString())).toEqual({ message: 'Not Found' });
    }
  });

  it('answers 500 {"message":"Internal Server Error"} on a crash or a malformed result, and logs it', async () => {
    errors.length = 0;
    const crash = await rawRequest(gateway.url, '/crash');
    expect(crash.status).toBe(500);
    expect(JSON.parse(crash.body.toString())).toEqual({ message: 'Internal Server Error' });
    expect(errors.join('\n')).toContain('fixture crash');
    const malformed = await rawRequest(gateway.url, '/malformed');
    expect(malformed.status).toBe(500);
    expect(errors.join('\n')).toContain('body must be a string');
  });

  it('applies the payload 2.0 response rules', async () => {
    const text = await rawRequest(gateway.url, '/string');
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe('application/json');
    expect(text.body.toString()).toBe('plain string');

    const object = await rawRequest(gateway.url, '/object');
    expect(object.status).toBe(200);
    expect(JSON.parse(object.body.toString())).toEqual({ hello: 'world' });

    const binary = await rawRequest(gateway.url, '/binary');
    expect(binary.status).toBe(201);
    expect(binary.headers['content-type']).toBe('application/pdf');
    expect(binary.headers['x-custom']).toBe('yes');
    expect(binary.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(binary.body).toEqual(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]));
  });

  it('loads each handler once, lazily, and serves extra local routes first', async () => {
    await Promise.all([rawRequest(gateway.url, '/meetings'), rawRequest(gateway.url, '/object')]);
    expect(loads).toBe(1);
    const ping = await rawRequest(gateway.url, '/__local/ping');
    expect(ping.status).toBe(200);
    expect(ping.body.toString()).toBe('pong');
  });
});

describe('local access log (issue 6: no signatures or personal-link tokens)', () => {
  it('prints method, path, status, route, function and latency, never the query string', async () => {
    const lines: string[] = [];
    const gateway = await startGateway({
      port: 0,
      log: (line) => lines.push(line),
      logError: () => undefined,
      functions: [
        {
          name: 'echo',
          routes: ['GET /registrations/{registrationId}/calendar.ics', 'GET /meetings/{meetingId}'],
          load: async () => loadHandler<HttpHandler>('tests/support/handlers/echo-handler.ts'),
        },
      ],
    });
    try {
      const token = 'tok-4f1c9a7e2b';
      const signature = 'c2lnbmF0dXJlLXNlY3JldA%3D%3D';
      const calendar = await rawRequest(gateway.url, `/registrations/r-1/calendar.ics?token=${token}`);
      const signed = await rawRequest(gateway.url, `/meetings/club-12?orig=demarches.example.org&nonce=n-77&signature=${signature}`);
      const missing = await rawRequest(gateway.url, `/nowhere?token=${token}`);
      expect([calendar.status, signed.status, missing.status]).toEqual([200, 200, 404]);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^GET \/registrations\/r-1\/calendar\.ics → 200 \(GET \/registrations\/\{registrationId\}\/calendar\.ics, echo, \d+ ms\)$/);
      expect(lines[1]).toMatch(/^GET \/meetings\/club-12 → 200 \(GET \/meetings\/\{meetingId\}, echo, \d+ ms\)$/);
      expect(lines[2]).toMatch(/^GET \/nowhere → 404 \(-, -, \d+ ms\)$/);
      const all = lines.join('\n');
      for (const secret of [token, signature, 'signature=', 'nonce', 'orig=', '?']) expect(all).not.toContain(secret);
    } finally {
      await gateway.stop();
    }
  });
});

describe('local access log (issue 13: no token in the path)', () => {
  it('prints /u/{token} for the one-click link, and only the first segment of an unmatched path', async () => {
    const lines: string[] = [];
    const gateway = await startGateway({
      port: 0,
      log: (line) => lines.push(line),
      logError: () => undefined,
      functions: [
        {
          name: 'echo',
          routes: ['GET /u/{token}', 'POST /u/{token}', 'GET /meetings/{meetingId}'],
          load: async () => loadHandler<HttpHandler>('tests/support/handlers/echo-handler.ts'),
        },
      ],
    });
    try {
      const token = 'ut4f1c9a7e2bq6x0';
      const get = await rawRequest(gateway.url, `/u/${token}`);
      const post = await rawRequest(gateway.url, `/u/${token}`, { method: 'POST' });
      const meeting = await rawRequest(gateway.url, '/meetings/club-12');
      const stray = await rawRequest(gateway.url, `/u/${token}/extra`);
      expect([get.status, post.status, meeting.status, stray.status]).toEqual([200, 200, 200, 404]);
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/^GET \/u\/\{token\} → 200 \(GET \/u\/\{token\}, echo, \d+ ms\)$/);
      expect(lines[1]).toMatch(/^POST \/u\/\{token\} → 200 /);
      expect(lines[2]).toMatch(/^GET \/meetings\/club-12 → 200 /);
      expect(lines[3]).toMatch(/^GET \/u\/… → 404 \(-, -, \d+ ms\)$/);
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      await gateway.stop();
    }
  });
});

describe('.local/runtime.json (issue 6: it holds keys)', () => {
  const state: RuntimeState = {
    baseUrl: 'http://127.0.0.1:3000',
    endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:2', ses: 'http://127.0.0.1:3', sesStore: 'http://127.0.0.1:3/store' },
    keys: { orig: 'demarches.example.org', key: 'secret-key', defaultKey: 'default-secret', signatureKeys: { 'demarches.example.org': 'secret-key' } },
    adminToken: 'admin-secret',
    tables: { DataTable: 'd', NonceTable: 'n' },
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  const dir = mkdtempSync(join(tmpdir(), 'runtime-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const modeOf = (file: string) => statSync(file).mode & 0o777;

  it('is created readable by its owner only', () => {
    const file = join(dir, 'new.json');
    writeRuntimeState(file, state);
    expect(modeOf(file)).toBe(0o600);
    expect(readRuntimeState(file)).toEqual(state);
  });

  it('narrows a world-readable file left by an older run to 0600', () => {
    const file = join(dir, 'old.json');
    writeFileSync(file, '{"stale":true}');
    chmodSync(file, 0o644);
    writeRuntimeState(file, state);
    expect(modeOf(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state);
  });
});

describe('tables from the shared definitions', () => {
  const client = new DynamoDBClient(localClientConfig(emulators.dynamodbEndpoint));
  const suffix = randomBytes(4).toString('hex');
  const names = { DataTable: `t-data-${suffix}`, NonceTable: `t-nonces-${suffix}` };

  afterAll(async () => {
    await Promise.allSettled(Object.values(names).map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
    client.destroy();
  });

  it('creates keys, GSIs and TTL as defined, and is idempotent', async () => {
    const first = await createTables(client, names);
    expect(first.map((t) => t.created)).toEqual([true, true]);
    const again = await createTables(client, names);
    expect(again.map((t) => t.created)).toEqual([false, false]);

    const { Table: data } = await client.send(new DescribeTableCommand({ TableName: names.DataTable }));
    expect(data?.TableStatus).toBe('ACTIVE');
    expect(data?.KeySchema).toEqual([
      { AttributeName: dataTable.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: dataTable.sortKey?.name, KeyType: 'RANGE' },
    ]);
    const gsi = dataTable.globalIndexes[0]!;
    expect(data?.GlobalSecondaryIndexes?.map((i) => ({ name: i.IndexName, keys: i.KeySchema, projection: i.Projection?.ProjectionType }))).toEqual([
      {
        name: gsi.indexName,
        keys: [
          { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey?.name, KeyType: 'RANGE' },
        ],
        projection: 'ALL',
      },
      // The per-person index (RGPD access and erasure): partition key only.
      { name: 'people', keys: [{ AttributeName: 'person', KeyType: 'HASH' }], projection: 'ALL' },
    ]);
    expect(data?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');

    const { Table: nonces } = await client.send(new DescribeTableCommand({ TableName: names.NonceTable }));
    expect(nonces?.KeySchema).toEqual([{ AttributeName: nonceTable.partitionKey.name, KeyType: 'HASH' }]);
    expect(nonces?.GlobalSecondaryIndexes).toBeUndefined();

    for (const TableName of Object.values(names)) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName }));
      expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    }
  });
});

describe('a data table kept from an older npm start', () => {
  // Its own DynamoDB Local on a data folder, as `npm start` runs it (and away from the other
  // files' load: building an index waits for the database), stopped and started again between.
  it('gets the indexes defined since it was created, with the items it already held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddb-old-'));
    const names = { DataTable: 'publik-club-data', NonceTable: 'publik-club-nonces' };
    try {
      // As created before the per-person index existed: gsi1 only, and an item carrying `person`.
      const before = await startDynamoDbLocal({ dbPath: dir });
      const first = new DynamoDBClient(localClientConfig(before.endpoint));
      try {
        const old = createTableInput(dataTable, names.DataTable);
        await first.send(
          new CreateTableCommand({
            ...old,
            AttributeDefinitions: old.AttributeDefinitions?.filter((a) => a.AttributeName !== 'person'),
            GlobalSecondaryIndexes: old.GlobalSecondaryIndexes?.filter((i) => i.IndexName === 'gsi1'),
          }),
        );
        await first.send(new PutItemCommand({ TableName: names.DataTable, Item: { pk: { S: 'REG#1' }, sk: { S: 'META' }, person: { S: 'a@example.org' } } }));
      } finally {
        first.destroy();
        await before.stop();
      }

      const after = await startDynamoDbLocal({ dbPath: dir });
      const client = new DynamoDBClient(localClientConfig(after.endpoint));
      try {
        const created = await createTables(client, names);
        expect(created.map((t) => t.created)).toEqual([false, true]);
        const { Table } = await client.send(new DescribeTableCommand({ TableName: names.DataTable }));
        expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus]).sort()).toEqual([
          ['gsi1', 'ACTIVE'],
          ['people', 'ACTIVE'],
        ]);
        const found = await client.send(
          new QueryCommand({ TableName: names.DataTable, IndexName: 'people', KeyConditionExpression: 'person = :p', ExpressionAttributeValues: { ':p': { S: 'a@example.org' } } }),
        );
        expect(found.Items?.map((i) => i['pk']?.S)).toEqual(['REG#1']);
        // Again: nothing to add.
        expect((await createTables(client, names)).map((t) => t.created)).toEqual([false, false]);
      } finally {
        client.destroy();
        await after.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('SQS event source stand-in', () => {
  const sqs = new SQSClient(localClientConfig(emulators.sqsEndpoint));
  afterAll(() => sqs.destroy());

  it('delivers genuine SQS events, deletes successes, retries failures and lets the redrive policy move them to the DLQ', async () => {
    const queue = await createQueueWithDlq(sqs, `t-consumer-${randomBytes(4).toString('hex')}`, {
      maxReceiveCount: 2,
      visibilityTimeout: 1,
    });
    const consumer = recordingConsumer();
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: [
          { Id: 'ok', MessageBody: 'ok-1', MessageAttributes: { kind: { DataType: 'String', StringValue: 'promotion' } } },
          { Id: 'ok2', MessageBody: 'ok-2' },
          { Id: 'fail', MessageBody: 'fail-1' },
        ],
      }),
    );
    const poller = await startQueuePoller({ sqs, queueUrl: queue.queueUrl, handler: consumer.handler, waitTimeSeconds: 1 });
    try {
      // The failing message is received maxReceiveCount (2) times, then moved to the DLQ.
      await expect.poll(() => consumer.deliveries('fail-1').length, { timeout: 15_000, interval: 100 }).toBe(2);
      await expect
        .poll(
          async () =>
            ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 1 }))).Messages ?? []).map((m) => m.Body),
          { timeout: 15_000, interval: 200 },
        )
        .toEqual(['fail-1']);
    } finally {
      await poller.stop();
    }
    expect(consumer.deliveries('ok-1')).toHaveLength(1);
    expect(consumer.deliveries('ok-2')).toHaveLength(1);
    expect(consumer.deliveries('fail-1')).toHaveLength(2);
    expect(consumer.deliveries('fail-1').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);

    const record = consumer.deliveries('ok-1')[0]!;
    expect(record).toMatchObject({
      body: 'ok-1',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.queueArn,
      awsRegion: 'eu-west-3',
      md5OfBody: createHash('md5').update('ok-1').digest('hex'),
      messageAttributes: { kind: { stringValue: 'promotion', stringListValues: [], binaryListValues: [], dataType: 'String' } },
    });
    expect(record.messageId).toMatch(/\S/);
    expect(record.receiptHandle).toMatch(/\S/);
    expect(record.attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect(record.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d{13}$/);
    expect(record.attributes.SenderId).toBeTruthy();
    expect(queue.queueArn).toMatch(/^arn:aws:sqs:eu-west-3:\d{12}:t-consumer-/);
    // Partial batch responses, never a whole-batch failure.
    expect(poller.batches.flatMap((b) => b.failedIds)).toHaveLength(2);
    expect(poller.batches.every((b) => b.error === undefined)).toBe(true);
  });

  it('retries the whole batch when the handler throws', async () => {
    const queue = await createQueueWithDlq(sqs, `t-throw-${randomBytes(4).toString('hex')}`, {
      maxReceiveCount: 3,
      visibilityTimeout: 1,
    });
    const consumer = recordingConsumer();
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'throw-once' }));
    const poller = await startQueuePoller({
      sqs,
      queueUrl: queue.queueUrl,
      handler: consumer.handler,
      onError: () => undefined,
    });
    try {
      await expect.poll(() => consumer.deliveries('throw-once').length, { timeout: 15_000, interval: 100 }).toBe(2);
      await poller.idle(10_000);
    } finally {
      await poller.stop();
    }
    expect(poller.batches[0]?.error).toBeInstanceOf(Error);
    expect(consumer.deliveries('throw-once').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, WaitTimeSeconds: 0 }));
    expect(left.Messages ?? []).toHaveLength(0);
  });
});

describe('scheduled functions', () => {
  it('receive the chosen instant', async () => {
    const at = new Date('2026-03-09T08:00:00Z');
    const handler = await loadHandler<ScheduledHandler>('tests/support/handlers/scheduled-handler.ts');
    const result = await invokeScheduled(handler, at, { functionName: 'reminders' });
    expect(result).toEqual({
      ranAt: '2026-03-09T08:00:00.000Z',
      source: 'publik-club.scheduler',
      detailType: 'Scheduled Event',
      functionName: 'reminders',
    });
    expect(buildScheduledEvent(at, { kind: 'x' })).toEqual({
      source: 'publik-club.scheduler',
      'detail-type': 'Scheduled Event',
      time: '2026-03-09T08:00:00.000Z',
      detail: { kind: 'x' },
    });
    expect(() => buildScheduledEvent(new Date('nope'))).toThrow();
  });
});

describe('demo meeting', () => {
  it('is open now, with French day labels and small capacities', () => {
    const now = new Date('2026-03-30T10:00:00Z');
    const { id, body } = demoMeeting(now);
    expect(id).toBe('club-12');
    expect(new Date(body.registration_opens_at).getTime()).toBeLessThan(now.getTime());
    expect(new Date(body.registration_closes_at).getTime()).toBeGreaterThan(now.getTime());
    expect(body.registration_opens_at).toBe('2026-02-28T00:00:00+01:00');
    expect(body.registration_closes_at).toBe('2026-05-29T23:59:59+02:00');
    expect(body.days.map((d) => [d.date, d.label, d.onsite_capacity, d.waiting_list])).toEqual([
      ['2026-06-08', 'Lundi 8 juin', 4, true],
      ['2026-06-09', 'Mardi 9 juin', 3, false],
    ]);
    expect(body.evening_event).toEqual({ date: '2026-06-07', title: 'Soirée de la veille', capacity: 3, waiting_list: true });
    expect(body.workshops.filter((w) => w.day === '2026-06-09')).toHaveLength(2);
    expect(body.workshops.some((w) => !w.waiting_list)).toBe(true);
    expect(frenchDayLabel('2026-06-01')).toBe('Lundi 1er juin');
  });
});

describe('DynamoDB Local process', () => {
  it('the data folder is made 0700 and the files already in it 0600 (a database from before the fix)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddb-data-'));
    try {
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, 'shared-local-instance.db'), 'x', { mode: 0o644 });
      chmodSync(join(dir, 'shared-local-instance.db'), 0o644);
      secureDataDir(dir);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'shared-local-instance.db')).mode & 0o777).toBe(0o600);
      const fresh = join(dir, 'sub', 'data');
      secureDataDir(fresh);
      expect(statSync(fresh).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });


  it('persists in a dbPath folder and leaves no java process after stop()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddb-local-'));
    try {
      const db = await startDynamoDbLocal({ dbPath: dir });
      const client = new DynamoDBClient(localClientConfig(db.endpoint));
      try {
        await createTables(client, { DataTable: 'persisted-data', NonceTable: 'persisted-nonces' });
      } finally {
        client.destroy();
      }
      await db.stop();
      expect(() => process.kill(db.pid, 0)).toThrow();
      expect(existsSync(join(dir, 'shared-local-instance.db'))).toBe(true);
      // Issue 13: the database (names, emails of the local runtime) is its owner's only.
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'shared-local-instance.db')).mode & 0o777).toBe(0o600);

      const again = await startDynamoDbLocal({ dbPath: dir });
      const client2 = new DynamoDBClient(localClientConfig(again.endpoint));
      try {
        const { TableNames } = await client2.send(new ListTablesCommand({}));
        expect(TableNames).toEqual(expect.arrayContaining(['persisted-data', 'persisted-nonces']));
      } finally {
        client2.destroy();
        await again.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
