// The one middy chain for SQS consumers. A function declares the message schema and what to do
// with one message; the chain injects the logger context, parses every record with zod, runs
// the records and answers a partial batch response, so that only the failed messages return
// to the queue (the event source mapping has ReportBatchItemFailures on, see
// infra/constructs/queue-consumer.ts). Handlers must be idempotent: SQS delivers at least once.
//
// The partial response is built here rather than by @middy/sqs-partial-batch-failure: that
// middleware expects the handler to return untyped Promise.allSettled results, and cannot tell
// a record that failed from one left unstarted for lack of time (both must be reported).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '#shared/lambda/logger.ts';

export interface SqsConsumerOptions<T> {
  /** Function name, added to every log line. */
  name: string;
  schema: z.ZodType<T>;
  /** Throw to have the message retried (and parked in the DLQ after the queue's maxReceiveCount). */
  handle: (message: T, record: SQSRecord) => Promise<void>;
  /** Records processed at once. Default 4: outbound calls wait on the network, not on the CPU. */
  concurrency?: number;
  /**
   * A record is not started with less time than this left before the function times out: it is
   * reported failed untouched and comes back later, instead of a timeout failing the whole batch
   * (including the records already done). Default 15 s: one outbound call (10 s) plus margin.
   */
  reserveMs?: number;
}

/** The body can never be processed (not JSON, or not the expected shape). */
export class PoisonMessageError extends Error {
  constructor(
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

export function parseRecord<T>(record: SQSRecord, schema: z.ZodType<T>): T {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError('message body is not JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new PoisonMessageError('message body does not match its schema', z.treeifyError(parsed.error));
  return parsed.data;
}

async function forEachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function sqsConsumer<T>(opts: SqsConsumerOptions<T>) {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const reserveMs = opts.reserveMs ?? 15_000;

  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .handler(async (event, context) => {
      logger.appendKeys({ consumer: opts.name });
      const records = event.Records ?? [];
      const failed = new Set<string>();

      await forEachLimited(records, concurrency, async (record) => {
        const where = { messageId: record.messageId, receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) };
        if (context.getRemainingTimeInMillis() < reserveMs) {
          failed.add(record.messageId);
          logger.warn('record left for a later delivery: not enough time left in this invocation', where);
          return;
        }
        try {
          await opts.handle(parseRecord(record, opts.schema), record);
        } catch (error) {
          failed.add(record.messageId);
          if (error instanceof PoisonMessageError) {
            // Reported failed rather than dropped: after maxReceiveCount receives the queue's
            // redrive policy parks it in the DLQ, where an operator sees it (alarm) and can
            // inspect it. Dropping it would lose a notification silently.
            logger.error('poison message: it will end in the dead-letter queue', { ...where, reason: error.message, issues: error.issues });
          } else {
            logger.warn('record failed: it will be retried', { ...where, error: error as Error });
          }
        }
      });

      // In record order, as Lambda documents the response.
      const batchItemFailures: SQSBatchItemFailure[] = records
        .filter((r) => failed.has(r.messageId))
        .map((r) => ({ itemIdentifier: r.messageId }));
      logger.info('batch processed', { records: records.length, failed: batchItemFailures.length });
      return { batchItemFailures };
    });
}
