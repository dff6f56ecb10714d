// Replacing a session series (issue 21): what its subscribers receive, through the one reminder
// engine, against DynamoDB Local, the SQS emulator (reminders queue, consumed by the consumer
// chain as Lambda runs it) and the SES emulator. The real sessions repository, service, tick
// catalog and delivery catalog — no fake of the sessions context.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoReminderRepository } from '#shared/adapters/dynamodb/reminder-repository.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { SqsReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import { ReminderDelivery, ReminderEngine } from '#shared/domain/reminders/engine.ts';
import { RemindersQueueMessageSchema, toDeliverMessage } from '#shared/domain/reminders/model.ts';
import { SessionDeliveryCatalog } from '#shared/domain/sessions/delivery-catalog.ts';
import { SessionCatalog } from '#shared/domain/sessions/reminder-catalog.ts';
import { sessionEmail } from '#shared/domain/sessions/reminder-email.ts';
import { SessionSeriesSource } from '#shared/domain/sessions/reminder-source.ts';
import { SubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createQueueWithDlq, startQueuePoller } from '../../scripts/local/queue-poller.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `repl-data-${suffix}`, NonceTable: `repl-nonces-${suffix}` };
const ddbClient = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = DynamoDBDocumentClient.from(ddbClient, { marshallOptions: { removeUndefinedValues: true } });
const sqs = new SQSClient(localClientConfig(endpoints.sqsEndpoint));
const [, queue] = await Promise.all([
  createTables(ddbClient, tables),
  createQueueWithDlq(sqs, `repl-reminders-${suffix}`, { maxReceiveCount: 3, visibilityTimeout: 1 }),
]);
afterAll(() => {
  sqs.destroy();
  ddbClient.destroy();
});

const BASE_URL = 'https://club.test.example';
const organizer = { name: 'Club', email: 'club@example.org' };
const store = new DynamoSessionRepository(ddb, tables.DataTable, tables.NonceTable);
const ledger = new DynamoReminderRepository(ddb, tables.DataTable);
const engine = new ReminderEngine({
  sources: { 'session-series': new SessionSeriesSource(new SessionCatalog(store), { baseUrl: BASE_URL, organizer }) },
  ledger,
  queue: new SqsReminderQueue(sqs, queue.queueUrl),
});
const service = new SessionService({
  store,
  confirmations: { publishConfirmation: async () => undefined },
  baseUrl: BASE_URL,
  logger: { warn: () => undefined },
  reminders: engine,
});
const delivery = new ReminderDelivery({
  sources: { 'session-series': new SessionSeriesSource(new SessionDeliveryCatalog(store), { baseUrl: BASE_URL, organizer, render: sessionEmail }) },
  deliveries: new DynamoDeliveryRepository(ddb, tables.DataTable),
  mailer: new SesMailer(new SESv2Client(localClientConfig(endpoints.sesEndpoint)), 'Club <club@example.org>'),
});
const consumer = sqsConsumer({
  name: 'queue-reminders',
  schema: RemindersQueueMessageSchema,
  concurrency: 5,
  handle: async (message) => {
    await delivery.deliver(toDeliverMessage(message));
  },
});

async function drain(): Promise<void> {
  const poller = await startQueuePoller({ sqs, queueUrl: queue.queueUrl, queueArn: queue.queueArn, handler: consumer, functionName: 'queue-reminders', onError: () => undefined });
  try {
    await poller.idle(60_000);
  } finally {
    await poller.stop();
  }
}

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  attachments?: Array<{ contentType?: string; content?: string }>;
}

async function emailsAt(domain: string): Promise<Array<StoredEmail & { ics: string }>> {
  const { emails } = (await (await fetch(`${endpoints.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
  return emails
    .filter((e) => e.destination.to.some((to) => to.endsWith(`@${domain}`)))
    .map((e) => ({ ...e, ics: Buffer.from(e.attachments?.find((a) => a.contentType?.startsWith('text/calendar'))?.content ?? '', 'base64').toString('utf8') }));
}

// Second Tuesday of each month at 14:00 Paris from 2031-01-14; the 7-day rule of the first one
// falls due on 2031-01-07 at 09:00 Paris (08:00Z).
const SERIES = {
  title: 'Sessions en ligne du club',
  timezone: 'Europe/Paris',
  rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2',
  dtstart: '2031-01-14T14:00',
  until: '2031-12-31',
  duration_minutes: 90,
  visio_url: 'https://visio.example.org/club',
  default_topic: 'Session en ligne du club',
  reminders: [
    { days_before: 7, at: '09:00' },
    { days_before: 1, at: '09:00' },
  ],
};
const CREATED = new Date('2031-01-01T10:00:00Z');
const DUE_7D = new Date('2031-01-07T08:00:00Z');

let seq = 0;
async function seriesWithSubscribers(label: string): Promise<{ id: string; domain: string }> {
  const id = `${label}-${suffix}`;
  const domain = `${label}-${suffix}.test`;
  await service.putSeries(id, SeriesInputSchema.parse(SERIES), CREATED);
  for (const name of ['anne', 'paul']) {
    await service.subscribe(
      SubscribeRequestSchema.parse({ series_id: id, form_uuid: `f${++seq}-${suffix}`, email: `${name}@${domain}`, first_name: name }),
      undefined,
      CREATED,
    );
  }
  return { id, domain };
}

describe('replacing a series', () => {
  it('a date the new rule drops: the reminder already queued for it is not delivered, a cancellation is (SEQUENCE raised, same UID)', async () => {
    const { id, domain } = await seriesWithSubscribers('dropped');
    expect(await engine.tick(DUE_7D)).toMatchObject({ fannedOut: 1, queued: 2 });

    // Two minutes later, before the queue is consumed: third Tuesdays instead of second ones.
    const replacedAt = new Date('2031-01-07T08:02:00Z');
    await service.putSeries(id, SeriesInputSchema.parse({ ...SERIES, rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=3', dtstart: '2031-01-21T14:00' }), replacedAt);
    await drain();
    expect(await emailsAt(domain)).toEqual([]);

    expect(await engine.tick(new Date('2031-01-07T08:05:00Z'))).toMatchObject({ fannedOut: 1, queued: 2 });
    await drain();
    const emails = await emailsAt(domain);
    expect(emails.map((e) => e.destination.to[0]).sort()).toEqual([`anne@${domain}`, `paul@${domain}`]);
    for (const e of emails) {
      expect(e.ics).toContain('METHOD:CANCEL');
      expect(e.ics).toContain('SEQUENCE:1');
      expect(e.ics).toContain(`UID:${id}-2031-01-14@`);
      expect(e.ics).toContain('DTSTART;TZID=Europe/Paris:20310114T140000');
    }
    // The dates dropped further ahead were never announced: no cancellation for them, and the
    // new third Tuesday is simply reminded when its time comes.
    const sessions = await service.dataSource({ series: id, include_cancelled: true }, replacedAt);
    expect(sessions.filter((s) => s.cancelled).map((s) => s.id)).toEqual([`${id}-2031-01-14`]);
    expect(sessions.find((s) => !s.cancelled)?.id).toBe(`${id}-2031-01-21`);
    expect(await engine.tick(new Date('2031-01-14T08:00:00Z'))).toMatchObject({ fannedOut: 1, queued: 2 });
    await drain();
    expect((await emailsAt(domain)).length).toBe(4);
  });

  it('a new time for announced dates: an update with SEQUENCE raised, and the reminders follow the new time', async () => {
    const { id, domain } = await seriesWithSubscribers('retimed');
    await engine.tick(DUE_7D);
    await drain();
    expect((await emailsAt(domain)).map((e) => e.ics.match(/SEQUENCE:\d+/)?.[0])).toEqual(['SEQUENCE:0', 'SEQUENCE:0']);

    await service.putSeries(id, SeriesInputSchema.parse({ ...SERIES, dtstart: '2031-01-14T16:00' }), new Date('2031-01-08T10:00:00Z'));
    expect(await engine.tick(new Date('2031-01-08T10:00:00Z'))).toMatchObject({ fannedOut: 1, queued: 2 });
    await drain();
    const updates = (await emailsAt(domain)).slice(2);
    expect(updates).toHaveLength(2);
    for (const e of updates) {
      expect(e.ics).toContain('METHOD:REQUEST');
      expect(e.ics).toContain('SEQUENCE:1');
      expect(e.ics).toContain('DTSTART;TZID=Europe/Paris:20310114T160000');
    }
    // February's session was never announced: no update for it, its sequence stays 0.
    const february = (await service.dataSource({ series: id }, new Date('2031-01-08T10:00:00Z'))).find((s) => s.id === `${id}-2031-02-11`);
    expect(february?.starts_at).toBe('2031-02-11T16:00:00+01:00');
    expect((await store.findSeriesWithOverrides(id))?.overrides.map((o) => [o.date, o.sequence])).toEqual([['2031-01-14', 1]]);
  });
});
