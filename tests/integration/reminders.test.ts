// The reminder engine against the emulators: the real ledger, delivery markers and reminders
// queue (DynamoDB Local, fauxqs, SES emulator), the consumer chain as Lambda runs it (through
// the local queue poller), and an in-memory session catalog standing for the sessions context.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { httpEvent, lambdaContext as httpContext } from '#tests/unit/lambda/http-event.ts';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { reminderKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoReminderRepository } from '#shared/adapters/dynamodb/reminder-repository.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { SqsReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import type { Mailer } from '#shared/domain/notifications/ports.ts';
import { ReminderDelivery, ReminderEngine } from '#shared/domain/reminders/engine.ts';
import { RemindersQueueMessageSchema, toDeliverMessage, type DeliverMessage } from '#shared/domain/reminders/model.ts';
import { sessionEmail } from '#shared/domain/sessions/reminder-email.ts';
import { SessionSeriesSource } from '#shared/domain/sessions/reminder-source.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { lambdaContext } from '../../scripts/local/gateway.ts';
import { createQueueWithDlq, startQueuePoller, toSqsRecord, type QueueWithDlq } from '../../scripts/local/queue-poller.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { FakeSessionCatalog, seriesFixture } from '#tests/unit/sessions/fakes.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const dataTable = `rm-data-${suffix}`;
const BASE_URL = 'https://club.test.example';
// A Tuesday 14:00 in Paris; the 7d-0900 rule is due on 2031-01-07 at 08:00Z.
const START = '2031-01-14T13:00:00.000Z';
const DUE_7D = new Date('2031-01-07T08:00:00.000Z');

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
  attachments?: Array<{ contentType?: string; filename?: string }>;
  headers?: Array<{ name: string; value: string }>;
}

let ddbClient: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let sqs: SQSClient;
let queue: QueueWithDlq;
const catalog = new FakeSessionCatalog();
const source = new SessionSeriesSource(catalog, { baseUrl: BASE_URL, organizer: { name: 'Club', email: 'club@example.org' }, render: sessionEmail });
let ledger: DynamoReminderRepository;
let deliveries: DynamoDeliveryRepository;
let mailer: SesMailer;
const ADMIN_TOKEN = `admin-${suffix}`;
type HttpHandler = (event: ReturnType<typeof httpEvent>, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let reportHandler: HttpHandler;

async function report(occurrenceId: string, query = '') {
  const path = `/admin/sessions/${occurrenceId}/deliveries`;
  const res = await reportHandler(
    httpEvent({
      method: 'GET',
      path,
      routeKey: 'GET /admin/sessions/{occurrenceId}/deliveries',
      pathParameters: { occurrenceId },
      rawQueryString: query,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }),
    httpContext,
  );
  return { status: res.statusCode, type: String(res.headers?.['content-type'] ?? ''), body: String(res.body ?? '') };
}

/** SES that fails for some addresses (an outage seen by one message). */
class FlakyMailer implements Mailer {
  constructor(private readonly failing: Set<string>) {}
  send(message: Parameters<Mailer['send']>[0]) {
    if (this.failing.has(message.to)) return Promise.reject(new Error('Throttling: Maximum sending rate exceeded'));
    return mailer.send(message);
  }
}

function consumer(m: Mailer = mailer) {
  const delivery = new ReminderDelivery({ sources: { 'session-series': source }, deliveries, mailer: m });
  return sqsConsumer({
    name: 'queue-reminders',
    schema: RemindersQueueMessageSchema,
    concurrency: 5,
    handle: async (message) => {
      await delivery.deliver(toDeliverMessage(message));
    },
  });
}

/** An SQS client whose SendMessageBatch fails after `okBatches` calls (a crash mid fan-out). */
function faultySqs(okBatches: number): { client: SQSClient; batches: () => number } {
  let batches = 0;
  const client = new SQSClient(localClientConfig(endpoints.sqsEndpoint));
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  (client as unknown as { send: (command: unknown) => Promise<unknown> }).send = async (command: unknown) => {
    if (command instanceof SendMessageBatchCommand) {
      batches += 1;
      if (batches > okBatches) throw new Error('injected fault: the function died here');
    }
    return send(command);
  };
  return { client, batches: () => batches };
}

function engine(client: SQSClient = sqs) {
  return new ReminderEngine({ sources: { 'session-series': source }, ledger, queue: new SqsReminderQueue(client, queue.queueUrl) });
}

/** Drains the reminders queue through the consumer (three pollers: three Lambda instances). */
async function drain(handler = consumer()): Promise<void> {
  const pollers = await Promise.all(
    [1, 2, 3].map(() =>
      startQueuePoller({ sqs, queueUrl: queue.queueUrl, queueArn: queue.queueArn, handler, functionName: 'queue-reminders', onError: () => undefined }),
    ),
  );
  try {
    await Promise.all(pollers.map((p) => p.idle(120_000)));
  } finally {
    await Promise.all(pollers.map((p) => p.stop()));
  }
}

async function emailsAt(domain: string): Promise<StoredEmail[]> {
  const answer = await fetch(`${endpoints.sesEndpoint}/store`);
  const { emails } = (await answer.json()) as { emails: StoredEmail[] };
  return emails.filter((e) => e.destination.to.some((to) => to.endsWith(`@${domain}`)));
}

function countByRecipient(emails: StoredEmail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of emails) for (const to of e.destination.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

/** A series of `count` subscribers at a domain of its own, scheduled (refreshNextDue) before the 7d rule. */
async function scheduleSeries(label: string, count: number, schedule = true) {
  const domain = `${label}-${suffix}.test`;
  const fixture = seriesFixture(`${label}-${suffix}`, START, count, domain);
  catalog.addSeries(fixture.series, [fixture.occurrence], fixture.subscribers);
  if (!schedule) return { ...fixture, domain };
  const next = await engine().refreshNextDue('session-series', fixture.series.id, new Date('2031-01-01T00:00:00Z'));
  expect(next).toBe(DUE_7D.toISOString());
  return { ...fixture, domain };
}

async function dispatchRecord(seriesId: string, occurrenceId: string) {
  const out = await ddb.send(
    new GetCommand({
      TableName: dataTable,
      Key: reminderKeys.dispatch('session-series', seriesId, `${occurrenceId}#reminder#7d-0900#0`),
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

beforeAll(async () => {
  ddbClient = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
  ddb = DynamoDBDocumentClient.from(ddbClient, { marshallOptions: { removeUndefinedValues: true } });
  sqs = new SQSClient(localClientConfig(endpoints.sqsEndpoint));
  [, queue] = await Promise.all([
    createTables(ddbClient, { DataTable: dataTable, NonceTable: `rm-nonces-${suffix}` }),
    createQueueWithDlq(sqs, `rm-reminders-${suffix}`, { maxReceiveCount: 3, visibilityTimeout: 1 }),
  ]);
  ledger = new DynamoReminderRepository(ddb, dataTable);
  deliveries = new DynamoDeliveryRepository(ddb, dataTable);
  mailer = new SesMailer(new SESv2Client(localClientConfig(endpoints.sesEndpoint)), 'Club utilisateurs Publik <club@example.org>');
  for (const [name, value] of Object.entries({
    DATA_TABLE: dataTable,
    NONCE_TABLE: `rm-nonces-${suffix}`,
    DYNAMODB_ENDPOINT: endpoints.dynamodbEndpoint,
    ADMIN_TOKENS: ADMIN_TOKEN,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  })) {
    vi.stubEnv(name, value);
  }
  // The handler reads its configuration when its module is first imported.
  reportHandler = ((await import('#functions/http-reminders/handler.ts')) as { handler: HttpHandler }).handler;
});

afterAll(() => {
  vi.unstubAllEnvs();
  sqs?.destroy();
  ddbClient?.destroy();
});

describe('reminder engine (DynamoDB Local, fauxqs, SES emulator)', () => {
  it('fans one due pair out to 1,000 subscribers: exactly 1,000 emails, and the same tick again sends none', { timeout: 300_000 }, async () => {
    const s = await scheduleSeries('thousand', 1000);
    expect(await engine().tick(new Date('2031-01-06T00:00:00Z'))).toMatchObject({ queued: 0 });

    const first = await engine().tick(DUE_7D);
    expect(first).toMatchObject({ fannedOut: 1, queued: 1000, unfinished: 0 });
    await drain();
    const again = await engine().tick(DUE_7D);
    expect(again).toMatchObject({ fannedOut: 0, queued: 0 });
    await drain();

    const emails = await emailsAt(s.domain);
    expect(emails).toHaveLength(1000);
    const counts = countByRecipient(emails);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const sample = emails[0] as StoredEmail;
    expect(sample.subject).toBe('Rappel : « Le nouveau portail agent », mardi 14 janvier 2031 à 14 h 00');
    expect(sample.headers).toEqual(
      expect.arrayContaining([{ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' }]),
    );
    expect(sample.attachments?.[0]?.contentType).toContain('text/calendar');

    expect(await dispatchRecord(s.series.id, s.occurrence.id)).toMatchObject({ status: 'done', queued: 1000 });
    const rows = await deliveries.listDispatchDeliveries(s.occurrence.id);
    expect(rows).toHaveLength(1000);
    expect(rows.every((r) => r.state === 'sent' && r.rule === '7d-0900' && r.to?.endsWith(s.domain))).toBe(true);
    // Its next due instant is the 1d rule: the 13th at 09:00 Paris.
    const schedule = await ddb.send(new GetCommand({ TableName: dataTable, Key: reminderKeys.schedule('session-series', s.series.id), ConsistentRead: true }));
    expect(schedule.Item).toMatchObject({ next_due_at: '2031-01-13T08:00:00.000Z' });
  });

  it('two ticks racing for the same pair still send each subscriber one email', { timeout: 300_000 }, async () => {
    const s = await scheduleSeries('race', 1000);
    const results = await Promise.all([engine().tick(DUE_7D), engine().tick(DUE_7D)]);
    expect(results.reduce((n, r) => n + r.fannedOut, 0)).toBe(1);
    await drain();
    const emails = await emailsAt(s.domain);
    expect(emails).toHaveLength(1000);
    expect(countByRecipient(emails).size).toBe(1000);
  });

  it('a fan-out killed after its first pages resumes at the next tick and completes with no duplicate email', { timeout: 300_000 }, async () => {
    const s = await scheduleSeries('crash', 500);
    const faulty = faultySqs(25); // pages of 100 = 10 batches: dies inside the third page
    const crashed = await engine(faulty.client).tick(DUE_7D);
    expect(crashed).toMatchObject({ fannedOut: 0, unfinished: 1 });
    const halfway = await dispatchRecord(s.series.id, s.occurrence.id);
    expect(halfway).toMatchObject({ status: 'fanning', queued: 200 });

    // A tick at the same instant (a retry) finds the lease still held and leaves it.
    expect(await engine().tick(DUE_7D)).toMatchObject({ fannedOut: 0, queued: 0, unfinished: 1 });
    // The next scheduled run, 5 minutes later, resumes from the saved cursor.
    const resumed = await engine().tick(new Date(DUE_7D.getTime() + 5 * 60_000));
    expect(resumed).toMatchObject({ fannedOut: 1, queued: 300 });
    await drain();

    // The third page was half queued when the function died: its first half is queued twice,
    // and the delivery markers make the copies no-ops.
    const emails = await emailsAt(s.domain);
    expect(emails).toHaveLength(500);
    expect(countByRecipient(emails).size).toBe(500);
    expect(await dispatchRecord(s.series.id, s.occurrence.id)).toMatchObject({ status: 'done', queued: 500 });
    faulty.client.destroy();
  });

  it('a message delivered twice sends one email', async () => {
    const s = await scheduleSeries('twice', 1, false);
    const message: DeliverMessage = {
      type: 'reminder.deliver',
      owner_kind: 'session-series',
      owner_id: s.series.id,
      subject: s.occurrence.id,
      kind: 'reminder',
      rule: '7d-0900',
      sequence: 0,
      recipient: 'sub-00000',
    };
    const body = JSON.stringify(message);
    const record = (id: string) =>
      toSqsRecord({ MessageId: id, ReceiptHandle: id, Body: body, MD5OfBody: '', Attributes: {} }, queue.queueArn, 'eu-west-3');
    const handler = consumer();
    const context = lambdaContext('queue-reminders', 30_000);
    // Two copies in flight at once: one sends, the other finds the marker leased and is
    // returned to the queue (reported failed), to find it sent when it comes back.
    const racing = await handler({ Records: [record('m1'), record('m2')] }, context);
    expect(racing?.batchItemFailures).toHaveLength(1);
    const loser = racing?.batchItemFailures[0]?.itemIdentifier ?? '';
    expect(await handler({ Records: [record(loser), record('m3')] }, context)).toEqual({ batchItemFailures: [] });
    expect(await emailsAt(s.domain)).toHaveLength(1);
    const rows = await deliveries.listDispatchDeliveries(s.occurrence.id);
    expect(rows).toMatchObject([{ recipient: 'sub-00000', state: 'sent', kind: 'reminder', rule: '7d-0900', sequence: 0 }]);
  });

  it('an SES failure is retried by the queue, then lands in the DLQ and shows as failed', async () => {
    const s = await scheduleSeries('sesfail', 3);
    const failing = `p1@${s.domain}`;
    expect(await engine().tick(DUE_7D)).toMatchObject({ queued: 3 });
    const handler = consumer(new FlakyMailer(new Set([failing])));
    const deadline = Date.now() + 30_000;
    let dead = 0;
    while (Date.now() < deadline) {
      await drain(handler);
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      dead = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
      if (dead >= 1) break;
      await new Promise((r) => setTimeout(r, 1100));
    }
    expect(dead).toBe(1);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10 }));
    expect(Messages.map((m) => JSON.parse(m.Body ?? '{}').recipient)).toEqual(['sub-00001']);

    expect((await emailsAt(s.domain)).map((e) => e.destination.to[0]).sort()).toEqual([`p0@${s.domain}`, `p2@${s.domain}`]);
    const rows = await deliveries.listDispatchDeliveries(s.occurrence.id);
    const byRecipient = new Map(rows.map((r) => [r.recipient, r]));
    expect(byRecipient.get('sub-00001')).toMatchObject({ state: 'failed' });
    expect(byRecipient.get('sub-00001')?.detail).toContain('Throttling');
    expect(byRecipient.get('sub-00000')).toMatchObject({ state: 'sent', to: `p0@${s.domain}` });

    // The organiser's report: one line per (subscriber, message) and counts per status.
    const json = await report(s.occurrence.id);
    expect(json.status).toBe(200);
    const answer = JSON.parse(json.body) as { data: { counts: Record<string, number>; deliveries: Array<Record<string, unknown>> } };
    expect(answer.data.counts).toEqual({ sent: 2, failed: 1, skipped: 0, sending: 0 });
    expect(answer.data.deliveries).toContainEqual(
      expect.objectContaining({ email: failing, kind: 'reminder', rule: '7d-0900', sequence: 0, status: 'failed' }),
    );
    const csv = await report(s.occurrence.id, 'format=csv');
    expect(csv.type).toContain('text/csv');
    expect(csv.body).toContain('Courriel;Message;Règle;Séquence;Statut;Date;Motif');
    expect(csv.body).toContain(`${failing};rappel;7d-0900;0;échec;`);
  });

  it('a subscriber who unsubscribes between fan-out and delivery gets nothing (marker skipped)', async () => {
    const s = await scheduleSeries('unsub', 3);
    expect(await engine().tick(DUE_7D)).toMatchObject({ queued: 3 });
    const leaver = catalog.subscribersBySeries.get(s.series.id)?.[2];
    if (!leaver) throw new Error('fixture');
    leaver.active = false;
    await drain();
    expect((await emailsAt(s.domain)).map((e) => e.destination.to[0]).sort()).toEqual([`p0@${s.domain}`, `p1@${s.domain}`]);
    const rows = await deliveries.listDispatchDeliveries(s.occurrence.id);
    expect(rows.find((r) => r.recipient === leaver.id)).toMatchObject({ state: 'skipped', detail: 'unsubscribed' });
  });
});
