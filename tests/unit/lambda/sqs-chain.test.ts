import { describe, expect, it, vi } from 'vitest';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '#shared/lambda/logger.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';
import { lambdaContext as httpContext } from './http-event.ts';

// A fresh invocation of a 30 s function.
const lambdaContext: Context = { ...httpContext, getRemainingTimeInMillis: () => 30_000 };

const MessageSchema = z.object({ id: z.string(), n: z.coerce.number().int() });

function record(messageId: string, body: unknown): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1714644000000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1714644000000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-3:000000000000:notify',
    awsRegion: 'eu-west-3',
  };
}

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe('sqsConsumer', () => {
  it('hands each parsed message to the function and reports no failure when all succeed', async () => {
    const seen: Array<z.infer<typeof MessageSchema>> = [];
    const handler = sqsConsumer({ name: 'test', schema: MessageSchema, handle: async (m) => void seen.push(m) });
    const answer = await handler(event(record('m1', { id: 'a', n: '1' }), record('m2', { id: 'b', n: 2, extra: true })), lambdaContext);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(seen.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
    ]);
  });

  it('reports only the record whose processing failed', async () => {
    const handled: string[] = [];
    const handler = sqsConsumer({
      name: 'test',
      schema: MessageSchema,
      handle: async (m, r) => {
        if (m.id === 'bad') throw new Error('downstream failure');
        handled.push(r.messageId);
      },
    });
    const answer = await handler(
      event(record('m1', { id: 'a', n: 1 }), record('m2', { id: 'bad', n: 2 }), record('m3', { id: 'c', n: 3 })),
      lambdaContext,
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(handled.sort()).toEqual(['m1', 'm3']);
  });

  it('reports poison messages (not JSON, wrong shape) failed so that the redrive policy parks them in the DLQ', async () => {
    const errors = vi.spyOn(logger, 'error');
    const handle = vi.fn(async () => undefined);
    const handler = sqsConsumer({ name: 'test', schema: MessageSchema, handle });
    const answer = await handler(
      event(record('m1', 'not json {'), record('m2', { id: 'ok', n: 1 }), record('m3', { id: 42 })),
      lambdaContext,
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm3' }] });
    expect(handle).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalledWith(
      'poison message: it will end in the dead-letter queue',
      expect.objectContaining({ messageId: 'm1', reason: 'message body is not JSON' }),
    );
    expect(errors).toHaveBeenCalledWith(
      'poison message: it will end in the dead-letter queue',
      expect.objectContaining({ messageId: 'm3', reason: 'message body does not match its schema' }),
    );
    errors.mockRestore();
  });

  it('lists failures in record order whatever order they finish in', async () => {
    const handler = sqsConsumer({
      name: 'test',
      schema: MessageSchema,
      concurrency: 10,
      handle: async (m) => {
        await new Promise((r) => setTimeout(r, 30 - m.n * 10));
        throw new Error('fail');
      },
    });
    const answer = await handler(event(record('m0', { id: 'a', n: 0 }), record('m1', { id: 'b', n: 1 }), record('m2', { id: 'c', n: 2 })), lambdaContext);
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m0', 'm1', 'm2']);
  });

  it('never runs more records at once than its concurrency', async () => {
    let running = 0;
    let peak = 0;
    const handler = sqsConsumer({
      name: 'test',
      schema: MessageSchema,
      concurrency: 2,
      handle: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
    });
    const records = Array.from({ length: 7 }, (_, i) => record(`m${i}`, { id: String(i), n: i }));
    expect(await handler(event(...records), lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(peak).toBe(2);
  });

  it('leaves the records it has no time for, reported failed and untouched', async () => {
    let remaining = 60_000;
    const context: Context = { ...lambdaContext, getRemainingTimeInMillis: () => remaining };
    const handled: string[] = [];
    const handler = sqsConsumer({
      name: 'test',
      schema: MessageSchema,
      concurrency: 1,
      reserveMs: 15_000,
      handle: async (m, r) => {
        handled.push(r.messageId);
        remaining -= 25_000; // a slow outbound call
        void m;
      },
    });
    const answer = await handler(event(record('m1', { id: 'a', n: 1 }), record('m2', { id: 'b', n: 2 }), record('m3', { id: 'c', n: 3 })), context);
    expect(handled).toEqual(['m1', 'm2']);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm3' }] });
  });

  it('answers an empty batch', async () => {
    const handler = sqsConsumer({ name: 'test', schema: MessageSchema, handle: async () => undefined });
    expect(await handler(event(), lambdaContext)).toEqual({ batchItemFailures: [] });
  });
});
