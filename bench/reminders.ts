// Reminder engine benchmark (issue 7): the real engine, ledger, reminders queue and consumer
// chain against DynamoDB Local (in memory), fauxqs and the SES emulator, all in this process.
//
//   npm run bench -- reminders            full run (~2–3 min on the shared 2-core machine)
//   npm run bench -- reminders --quick    smoke run with small counts
//
// 1. Fan-out: one due pair to N subscribers; wall time from the tick's start to its return
//    (the last message queued, progress saved) ÷ the time of a bare SendMessageBatch of the
//    same N messages (10 per batch, 10 batches in flight) on the same fauxqs. Alternated, twice.
// 2. Delivery: a fan-out of M recipients drained by the consumer chain (2 pollers, as the
//    event source's maxConcurrency) through SES: emails/s and duplicates (must be 0).
// 3. Idle tick: 100 series × 400 occurrences scheduled, nothing due: DynamoDB calls and time.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PurgeQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoReminderRepository } from '#shared/adapters/dynamodb/reminder-repository.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { SqsReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import { ReminderDelivery, ReminderEngine } from '#shared/domain/reminders/engine.ts';
import { RemindersQueueMessageSchema, toDeliverMessage } from '#shared/domain/reminders/model.ts';
import { sessionEmail } from '#shared/domain/sessions/reminder-email.ts';
import { SessionSeriesSource } from '#shared/domain/sessions/reminder-source.ts';
import { logger } from '#shared/lambda/logger.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';
import { FakeSessionCatalog, seriesFixture } from '#tests/unit/sessions/fakes.ts';
import { localClientConfig } from '../scripts/local/aws.ts';
import { startEmulators } from '../scripts/local/emulators.ts';
import { createQueueWithDlq, startQueuePoller } from '../scripts/local/queue-poller.ts';
import { createTables } from '../scripts/local/tables.ts';
import { DynamoCallCounter, totalCalls, addDelta, type CallCounts } from './lib/dynamo-calls.ts';
import { machineInfo } from './lib/machine.ts';
import { writeResults } from './lib/results.ts';
import { ratio } from './lib/stats.ts';

const START = '2031-01-14T13:00:00.000Z';
const DUE = new Date('2031-01-07T08:00:00.000Z');

export async function runRemindersBench(opts: { quick: boolean }): Promise<boolean> {
  const fanOutRecipients = opts.quick ? 1000 : 10_000;
  const deliveryRecipients = opts.quick ? 100 : 1000;
  const idleSeries = opts.quick ? 20 : 100;
  // One info line per batch and per fan-out would drown the figures.
  logger.setLogLevel('WARN');
  const startedAt = new Date();
  const suffix = randomBytes(3).toString('hex');
  const emulators = await startEmulators({ inMemory: true });
  const ddbClient = new DynamoDBClient(localClientConfig(emulators.dynamodbEndpoint));
  const ddb = DynamoDBDocumentClient.from(ddbClient, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient(localClientConfig(emulators.sqsEndpoint));
  const counter = new DynamoCallCounter().start();
  try {
    const dataTable = `bench-rem-${suffix}`;
    await createTables(ddbClient, { DataTable: dataTable, NonceTable: `bench-rem-n-${suffix}` });
    const [queue, raw] = await Promise.all([
      createQueueWithDlq(sqs, `bench-reminders-${suffix}`, { maxReceiveCount: 5, visibilityTimeout: 30 }),
      createQueueWithDlq(sqs, `bench-raw-${suffix}`, { maxReceiveCount: 5, visibilityTimeout: 30 }),
    ]);
    const catalog = new FakeSessionCatalog();
    const source = new SessionSeriesSource(catalog, { baseUrl: 'https://club.example.org', organizer: { name: 'Club', email: 'club@example.org' }, render: sessionEmail });
    const ledger = new DynamoReminderRepository(ddb, dataTable);
    const engine = new ReminderEngine({ sources: { 'session-series': source }, ledger, queue: new SqsReminderQueue(sqs, queue.queueUrl) });

    const addSeries = async (label: string, count: number) => {
      const f = seriesFixture(`${label}-${suffix}`, START, count, `${label}-${suffix}.bench`);
      catalog.addSeries(f.series, [f.occurrence], f.subscribers);
      await engine.refreshNextDue('session-series', f.series.id, new Date('2031-01-01T00:00:00Z'));
      return f;
    };

    // 1. Fan-out vs raw SendMessageBatch, alternated.
    const rawSend = async (n: number) => {
      const body = JSON.stringify({ type: 'reminder.deliver', owner_kind: 'session-series', owner_id: 'x', subject: 'x-2031-01-14', kind: 'reminder', rule: '7d-0900', sequence: 0, recipient: 'sub-00000' });
      const batches = Array.from({ length: Math.ceil(n / 10) }, (_, b) => Array.from({ length: Math.min(10, n - b * 10) }, (_, i) => ({ Id: String(i), MessageBody: body })));
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (next < batches.length) {
            const Entries = batches[next++];
            await sqs.send(new SendMessageBatchCommand({ QueueUrl: raw.queueUrl, Entries }));
          }
        }),
      );
      return performance.now() - t0;
    };
    const fanOut = async (round: number) => {
      await addSeries(`fan${round}`, fanOutRecipients);
      const before = counter.snapshot();
      const t0 = performance.now();
      const summary = await engine.tick(DUE);
      const ms = performance.now() - t0;
      const calls: CallCounts = {};
      addDelta(calls, before, counter.snapshot());
      if (summary.queued !== fanOutRecipients) throw new Error(`fan-out queued ${summary.queued}, expected ${fanOutRecipients}`);
      return { ms, calls };
    };
    const rounds: Array<{ rawMs: number; oursMs: number; dynamoCalls: number }> = [];
    for (let round = 0; round < 2; round++) {
      let rawMs: number;
      let ours: { ms: number; calls: CallCounts };
      if (round % 2 === 0) {
        rawMs = await rawSend(fanOutRecipients);
        ours = await fanOut(round);
      } else {
        ours = await fanOut(round);
        rawMs = await rawSend(fanOutRecipients);
      }
      rounds.push({ rawMs: Math.round(rawMs), oursMs: Math.round(ours.ms), dynamoCalls: totalCalls(ours.calls) });
      await Promise.all([sqs.send(new PurgeQueueCommand({ QueueUrl: queue.queueUrl })), sqs.send(new PurgeQueueCommand({ QueueUrl: raw.queueUrl }))]);
      console.log(`fan-out round ${round + 1}: ours ${Math.round(ours.ms)} ms, raw ${Math.round(rawMs)} ms`);
    }
    const best = { oursMs: Math.min(...rounds.map((r) => r.oursMs)), rawMs: Math.min(...rounds.map((r) => r.rawMs)) };

    // 2. Delivery through the consumer chain and SES.
    const delivery = new ReminderDelivery({
      sources: { 'session-series': source },
      deliveries: new DynamoDeliveryRepository(ddb, dataTable),
      mailer: new SesMailer(new SESv2Client(localClientConfig(emulators.sesEndpoint)), 'Club <club@example.org>'),
    });
    const handler = sqsConsumer({
      name: 'queue-reminders',
      schema: RemindersQueueMessageSchema,
      concurrency: 5,
      handle: async (m) => {
        await delivery.deliver(toDeliverMessage(m));
      },
    });
    await addSeries('deliver', deliveryRecipients);
    await engine.tick(DUE);
    const t0 = performance.now();
    const pollers = await Promise.all([1, 2].map(() => startQueuePoller({ sqs, queueUrl: queue.queueUrl, handler, onError: () => undefined })));
    await Promise.all(pollers.map((p) => p.idle(600_000)));
    const deliveryMs = performance.now() - t0;
    await Promise.all(pollers.map((p) => p.stop()));
    const store = (await (await fetch(`${emulators.sesEndpoint}/store`)).json()) as { emails: Array<{ destination: { to: string[] } }> };
    const sent = store.emails.filter((e) => e.destination.to[0]?.endsWith(`deliver-${suffix}.bench`)).map((e) => e.destination.to[0]);
    const duplicates = sent.length - new Set(sent).size;
    const emailsPerSecond = Math.round((sent.length / deliveryMs) * 1000 * 10) / 10;
    console.log(`delivery: ${sent.length} emails in ${Math.round(deliveryMs)} ms (${emailsPerSecond}/s), duplicates ${duplicates}`);

    // 3. Idle tick at 100 series × 400 occurrences.
    const refreshStarted = performance.now();
    for (let s = 0; s < idleSeries; s++) {
      const f = seriesFixture(`idle${s}-${suffix}`, START, 0, 'idle.bench');
      const occurrences = Array.from({ length: 400 }, (_, i) => {
        const start = new Date(Date.parse(START) + i * 7 * 86_400_000).toISOString();
        return { ...f.occurrence, id: `${f.series.id}-${start.slice(0, 10)}`, starts_at: start, ends_at: new Date(Date.parse(start) + 5_400_000).toISOString() };
      });
      catalog.addSeries(f.series, occurrences, []);
      await engine.refreshNextDue('session-series', f.series.id, new Date('2031-01-01T00:00:00Z'));
    }
    const refreshMs = (performance.now() - refreshStarted) / idleSeries;
    const idleAt = new Date(DUE.getTime() - 86_400_000);
    const before = counter.snapshot();
    const readsBefore = catalog.reads;
    const i0 = performance.now();
    const idle = await engine.tick(idleAt);
    const idleMs = performance.now() - i0;
    const idleCalls: CallCounts = {};
    addDelta(idleCalls, before, counter.snapshot());
    console.log(`idle tick at ${idleSeries} series × 400 occurrences: ${totalCalls(idleCalls)} DynamoDB call(s), ${Math.round(idleMs)} ms`);

    const result = {
      benchmark: 'reminders',
      quick: opts.quick,
      startedAt: startedAt.toISOString(),
      machine: machineInfo(),
      fanOut: {
        recipients: fanOutRecipients,
        rounds,
        bestOursMs: best.oursMs,
        bestRawMs: best.rawMs,
        ratio: ratio(best.oursMs, best.rawMs),
        goal: '≤ 1.5 × raw SendMessageBatch',
      },
      delivery: { recipients: deliveryRecipients, emails: sent.length, ms: Math.round(deliveryMs), emailsPerSecond, duplicates, pollers: 2, concurrencyPerInvocation: 5 },
      idleTick: {
        series: idleSeries,
        occurrencesPerSeries: 400,
        dynamoCalls: idleCalls,
        totalDynamoCalls: totalCalls(idleCalls),
        sourceReads: catalog.reads - readsBefore,
        ms: Math.round(idleMs * 10) / 10,
        owners: idle.owners,
        refreshNextDueMsPerSeries: Math.round(refreshMs),
      },
    };
    const ok = duplicates === 0 && sent.length === deliveryRecipients && totalCalls(idleCalls) === 1 && idle.owners === 0;
    const files = writeResults('reminders', startedAt, result, { latest: ok && !opts.quick });
    console.log(`fan-out ratio ${result.fanOut.ratio} (ours ${best.oursMs} ms / raw ${best.rawMs} ms for ${fanOutRecipients}); results: ${files.latest ?? files.file}`);
    return ok;
  } finally {
    counter.stop();
    sqs.destroy();
    ddbClient.destroy();
    await emulators.stop();
  }
}
