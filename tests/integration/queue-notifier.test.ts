// queue-notifier against the emulators: a real promotion (registration service, DynamoDB Local)
// puts a real message on a fauxqs queue; the handler gets the SQS event Lambda would build and
// sends the email through the SES emulator and the signed callback to a local w.c.s. stand-in.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { deliveryKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { SqsNotificationPublisher } from '#shared/adapters/sqs/notification-queue.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { NotificationSchema, type Notification } from '#shared/domain/registrations/ports.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig } from '../../scripts/local/aws.ts';
import { lambdaContext } from '../../scripts/local/gateway.ts';
import { createQueueWithDlq, startQueuePoller, toSqsRecord, type QueueWithDlq } from '../../scripts/local/queue-poller.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { startTriggerServer, type TriggerServer } from '#tests/support/publik-trigger-server.ts';

type Handler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
/** Our host name as Publik knows it: the `orig` of our calls. */
const ORIG = 'club.test.example';
/** Key shared with the Publik host 127.0.0.1 (the trigger server). */
const KEY = `callback-key-${suffix}`;
const MAIL_FROM = 'Club utilisateurs Publik <club@example.org>';
const dataTable = `qn-data-${suffix}`;

interface StoredEmail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

let ddbClient: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let sqs: SQSClient;
let queue: QueueWithDlq;
let server: TriggerServer;
let registrations: RegistrationService;
let meetings: MeetingService;
let handler: Handler;

async function emailsTo(address: string): Promise<StoredEmail[]> {
  const answer = await fetch(`${endpoints.sesEndpoint}/store`);
  const { emails } = (await answer.json()) as { emails: StoredEmail[] };
  return emails.filter((e) => e.destination.to.some((to) => to.toLowerCase() === address.toLowerCase()));
}

const invoke = (event: SQSEvent) => handler(event, lambdaContext('queue-notifier', 30_000));

beforeAll(async () => {
  ddbClient = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
  ddb = DynamoDBDocumentClient.from(ddbClient, { marshallOptions: { removeUndefinedValues: true } });
  sqs = new SQSClient(localClientConfig(endpoints.sqsEndpoint));
  [, queue, server] = await Promise.all([
    createTables(ddbClient, { DataTable: dataTable, NonceTable: `qn-nonces-${suffix}` }),
    createQueueWithDlq(sqs, `qn-notify-${suffix}`, { maxReceiveCount: 5, visibilityTimeout: 1 }),
    // w.c.s. picks the key by the `orig` we send: the same key we hold for its host.
    startTriggerServer({ keys: { [ORIG]: KEY } }),
  ]);

  const env: Record<string, string> = {
    DATA_TABLE: dataTable,
    NONCE_TABLE: `qn-nonces-${suffix}`,
    DYNAMODB_ENDPOINT: endpoints.dynamodbEndpoint,
    SES_ENDPOINT: endpoints.sesEndpoint,
    SQS_ENDPOINT: endpoints.sqsEndpoint,
    NOTIFY_QUEUE_URL: queue.queueUrl,
    PUBLIK_SIGNATURE_KEYS: JSON.stringify({ '127.0.0.1': KEY }),
    PUBLIK_ORIG: ORIG,
    MAIL_FROM,
    PUBLIC_BASE_URL: 'https://club.test.example',
    PUBLIK_SIGNATURE_KEYS_PARAMETER: '',
    PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER: '',
    ADMIN_TOKENS_PARAMETER: '',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  // The handler reads its configuration at module load: import it only now.
  ({ handler } = (await import('#functions/queue-notifier/handler.ts')) as unknown as { handler: Handler });

  const meetingRepository = new DynamoMeetingRepository(ddb, dataTable);
  meetings = new MeetingService(meetingRepository);
  registrations = new RegistrationService({
    meetings: meetingRepository,
    store: new DynamoRegistrationRepository(ddb, dataTable, meetingRepository, `${dataTable}-nonces`),
    publisher: new SqsNotificationPublisher(sqs, queue.queueUrl),
    baseUrl: 'https://club.test.example',
  });
});

afterAll(async () => {
  await server?.stop();
  sqs?.destroy();
  ddbClient?.destroy();
  vi.unstubAllEnvs();
});

interface Promotion {
  notification: Notification;
  message: Message;
  event: SQSEvent;
  email: string;
  triggerPath: string;
}

/** Receives the promotion message of `registrationId` and removes it from the queue (we play Lambda's part). */
async function takeMessage(registrationId: string): Promise<Message> {
  for (let i = 0; i < 10; i++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
    );
    for (const m of Messages) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: m.ReceiptHandle }));
      if (NotificationSchema.parse(JSON.parse(m.Body ?? '')).registration_id === registrationId) return m;
    }
  }
  throw new Error(`no promotion message for ${registrationId}`);
}

/**
 * A one-place day with a waiting list: Dominique holds the place, Camille waits; Dominique
 * cancels and Camille is promoted, which queues the notification.
 */
async function promote(label: string, opts: { callbackHost?: string } = {}): Promise<Promotion & { registrationId: string }> {
  const now = new Date();
  const meetingId = `qn-${label}-${suffix}`;
  await meetings.putMeeting(
    meetingId,
    MeetingInputSchema.parse({
      title: `Club de test ${label}`,
      venue: 'Villejuif',
      registration_opens_at: new Date(now.getTime() - 86_400_000).toISOString(),
      registration_closes_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
      days: [{ date: '2031-06-07', label: 'Mercredi 7 juin', onsite_capacity: 1, waiting_list: true }],
    }),
    now,
  );
  const email = `camille.${label}.${suffix}@ville.example.fr`;
  const triggerPath = `/club/inscription/${label}/jump/trigger/promu/`;
  const request = (who: string, extra: Record<string, unknown> = {}) =>
    RegistrationRequestSchema.parse({
      form_uuid: `${label}-${who}-${suffix}`,
      email: who === 'camille' ? email : `${who}.${label}.${suffix}@ville.example.fr`,
      last_name: who,
      organisation: 'Ville de Villejuif',
      onsite_days: ['2031-06-07'],
      ...extra,
    });
  const holder = await registrations.register(meetingId, request('dominique'), now);
  const host = opts.callbackHost ?? server.url;
  const waiter = await registrations.register(
    meetingId,
    request('camille', { first_name: 'Camille', form_number: '7-42', callback_url: `${host}${triggerPath}` }),
    now,
  );
  expect(waiter.answer.status).toBe('waiting');
  await registrations.cancel(holder.registration.id, now);

  const message = await takeMessage(waiter.registration.id);
  const notification = NotificationSchema.parse(JSON.parse(message.Body ?? ''));
  const event: SQSEvent = { Records: [toSqsRecord(message, queue.queueArn, LOCAL_REGION)] };
  return { notification, message, event, email, triggerPath, registrationId: waiter.registration.id };
}

async function marker(notificationId: string, channel: 'email' | 'callback') {
  const out = await ddb.send(new GetCommand({ TableName: dataTable, Key: deliveryKeys.delivery(notificationId, channel), ConsistentRead: true }));
  return out.Item;
}

describe('queue-notifier', () => {
  it('emails the promoted person in French and calls her form back, signed as w.c.s. expects', async () => {
    const p = await promote('ok');
    expect(p.notification).toMatchObject({ type: 'registration.promoted', registration_id: p.registrationId, item_key: 'day:2031-06-07' });

    const answer = await invoke(p.event);
    expect(answer).toEqual({ batchItemFailures: [] });

    const emails = await emailsTo(p.email);
    expect(emails).toHaveLength(1);
    const [mail] = emails as [StoredEmail];
    expect(mail.from).toBe(MAIL_FROM);
    expect(mail.subject).toBe(`Une place s’est libérée : vous êtes inscrit·e à la journée du mercredi 7 juin sur place — Club de test ok`);
    expect(mail.body.text).toContain('Bonjour Camille,');
    expect(mail.body.text).toContain('- Mercredi 7 juin : sur place, place confirmée');
    expect(mail.body.text).toContain('(demande n° 7-42)');
    expect(mail.body.html).toContain('<p>Bonjour Camille,</p>');

    const calls = server.calls.filter((c) => c.path === p.triggerPath);
    expect(calls).toHaveLength(1);
    const [call] = calls as [(typeof calls)[number]];
    expect(call.signature).toMatchObject({ orig: ORIG, algo: 'sha256' });
    expect(call.status).toBe(200);
    expect(call.method).toBe('POST');
    expect(call.headers['accept']).toBe('application/json');
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.body).toMatchObject({
      event: 'registration.promoted',
      registration_id: p.registrationId,
      item: { key: 'day:2031-06-07', kind: 'day', label: 'Mercredi 7 juin' },
      registration: {
        registration_id: p.registrationId,
        status: 'confirmed',
        in_waiting_list: false,
        days: [{ date: '2031-06-07', mode: 'onsite', status: 'confirmed', waiting_position: null }],
        api: { status_url: `https://club.test.example/registrations/${p.registrationId}` },
      },
    });

    expect(await marker(p.notification.id, 'email')).toMatchObject({ state: 'sent', attempts: 1, detail: expect.stringMatching(/^ses:/) });
    const callbackMarker = await marker(p.notification.id, 'callback');
    expect(callbackMarker).toMatchObject({ state: 'sent', attempts: 1, detail: 'http:200' });
    // Kept a quarter, then removed by TTL.
    expect(callbackMarker?.['expiresAt']).toBeGreaterThan(Date.now() / 1000 + 80 * 86_400);
  });

  it('sends nothing again when SQS delivers the same message a second time', async () => {
    const p = await promote('twice');
    expect(await invoke(p.event)).toEqual({ batchItemFailures: [] });
    const again: SQSEvent = { Records: [toSqsRecord({ ...p.message, ReceiptHandle: 'another-receipt' }, queue.queueArn, LOCAL_REGION)] };
    expect(await invoke(again)).toEqual({ batchItemFailures: [] });

    expect(await emailsTo(p.email)).toHaveLength(1);
    expect(server.calls.filter((c) => c.path === p.triggerPath)).toHaveLength(1);
  });

  it('reports the record failed while the form answers 500, without resending the email, and calls back once when it recovers', async () => {
    const p = await promote('retry');
    server.respond = (call) => (call.path === p.triggerPath ? { status: 500, body: { err: 1, err_desc: 'Erreur interne' } } : { status: 200, body: { url: null, err: 0 } });
    try {
      const messageId = p.message.MessageId;
      expect(await invoke(p.event)).toEqual({ batchItemFailures: [{ itemIdentifier: messageId }] });
      expect(await invoke(p.event)).toEqual({ batchItemFailures: [{ itemIdentifier: messageId }] });
      expect(await emailsTo(p.email)).toHaveLength(1);
      expect(await marker(p.notification.id, 'callback')).toMatchObject({ state: 'failed', attempts: 2, last_error: expect.stringContaining('HTTP 500') });
    } finally {
      server.respond = () => ({ status: 200, body: { url: null, err: 0 } });
    }

    expect(await invoke(p.event)).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(p.email)).toHaveLength(1);
    expect(server.accepted(p.triggerPath)).toHaveLength(1);
    expect(server.calls.filter((c) => c.path === p.triggerPath).map((c) => c.status)).toEqual([500, 500, 200]);
    expect(await marker(p.notification.id, 'callback')).toMatchObject({ state: 'sent', attempts: 3 });
    expect(await marker(p.notification.id, 'email')).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('retries through the queue itself: the failed message comes back after its visibility timeout', async () => {
    let failuresLeft = 1;
    const p = await promote('queue');
    server.respond = (call) => {
      if (call.path === p.triggerPath && failuresLeft > 0) {
        failuresLeft--;
        return { status: 503, body: { err: 1 } };
      }
      return { status: 200, body: { url: null, err: 0 } };
    };
    // Put the message back as it was published, and let the poller play Lambda's event source.
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: p.message.Body ?? '' }));
    const poller = await startQueuePoller({ sqs, queueUrl: queue.queueUrl, queueArn: queue.queueArn, handler, functionName: 'queue-notifier', onError: () => undefined });
    try {
      await vi.waitFor(() => expect(server.accepted(p.triggerPath)).toHaveLength(1), { timeout: 20_000, interval: 200 });
      await poller.idle(10_000);
    } finally {
      await poller.stop();
      server.respond = () => ({ status: 200, body: { url: null, err: 0 } });
    }
    expect(poller.batches.map((b) => b.failedIds.length)).toEqual([1, 0]);
    expect(await emailsTo(p.email)).toHaveLength(1);
    expect(server.calls.filter((c) => c.path === p.triggerPath).map((c) => c.status)).toEqual([503, 200]);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 0 }));
    expect(Messages).toHaveLength(0);
  });

  it('never calls a host it has no signature key for, and marks that callback skipped', async () => {
    const before = server.calls.length;
    // Same server, reached as "localhost": no key is configured for that host name.
    const p = await promote('nokey', { callbackHost: server.url.replace('127.0.0.1', 'localhost') });
    expect(await invoke(p.event)).toEqual({ batchItemFailures: [] });
    expect(server.calls.length).toBe(before);
    expect(await emailsTo(p.email)).toHaveLength(1);
    expect(await marker(p.notification.id, 'callback')).toMatchObject({ state: 'skipped', detail: 'no-signature-key:localhost' });
  });

  it('sends nothing for a registration cancelled before the message was processed', async () => {
    const p = await promote('cancelled');
    await registrations.cancel(p.registrationId, new Date());
    // Cancelling frees the place again: nobody is waiting, so no new message is queued.
    expect(await invoke(p.event)).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(p.email)).toHaveLength(0);
    expect(server.calls.filter((c) => c.path === p.triggerPath)).toHaveLength(0);
    expect(await marker(p.notification.id, 'email')).toBeUndefined();
  });

  it('reports a message that is not a notification failed, for the DLQ', async () => {
    const event: SQSEvent = {
      Records: [toSqsRecord({ MessageId: 'poison-1', ReceiptHandle: 'rh', Body: '{"type":"unknown"}' }, queue.queueArn, LOCAL_REGION)],
    };
    expect(await invoke(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison-1' }] });
  });
});
