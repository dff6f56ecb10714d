// A local stand-in for Lambda's SQS event source mapping with ReportBatchItemFailures:
// long-polls a queue, hands the consumer the event Lambda would build, deletes what succeeded
// and leaves failures to reappear after their visibility timeout, so the queue's redrive
// policy eventually moves poison messages to the dead-letter queue, as on AWS.
import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { LOCAL_REGION } from './aws.ts';
import { lambdaContext } from './gateway.ts';

/** What the poller calls: a Lambda SQS handler (partial batch responses allowed). */
export type SqsHandler = (event: SQSEvent, context: Context) => unknown;

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** eventSourceARN of the records; read from the queue when absent. */
  queueArn?: string;
  handler: SqsHandler;
  /** Messages per event, 1–10 (one ReceiveMessage call per batch). Default 10. */
  batchSize?: number;
  /** Long-poll wait. Default 1 s (keeps stop() quick). */
  waitTimeSeconds?: number;
  /** Visibility timeout for received messages; the queue's own when absent. */
  visibilityTimeout?: number;
  functionName?: string;
  region?: string;
  /** Handler errors, delete failures, receive errors. Default console.error. */
  onError?: (message: string, error: unknown) => void;
}

export interface BatchOutcome {
  messageIds: string[];
  failedIds: string[];
  /** The handler threw or answered an invalid batch response: the whole batch failed. */
  error?: unknown;
}

export interface QueuePoller {
  /** Resolves once a receive comes back empty after this call (nothing visible left). */
  idle(timeoutMs?: number): Promise<void>;
  /** Every batch delivered so far, oldest first. */
  readonly batches: readonly BatchOutcome[];
  /** Stops polling; waits for the batch in flight (and its deletes). */
  stop(): Promise<void>;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function toLambdaAttributes(attributes: Message['Attributes']): SQSRecordAttributes {
  const a = (attributes ?? {}) as Record<string, string | undefined>;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(a)) {
    if (value !== undefined) out[name] = value;
  }
  return {
    ...out,
    ApproximateReceiveCount: a['ApproximateReceiveCount'] ?? '1',
    SentTimestamp: a['SentTimestamp'] ?? String(Date.now()),
    SenderId: a['SenderId'] ?? 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: a['ApproximateFirstReceiveTimestamp'] ?? String(Date.now()),
  };
}

/** Lambda's camel-case shape: { stringValue, binaryValue (base64), stringListValues, binaryListValues, dataType }. */
function toLambdaMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
}

/** The record Lambda would put in `Records[]` for this received message. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: toLambdaAttributes(message.Attributes),
    messageAttributes: toLambdaMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? md5(body),
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * Message ids to keep (not delete) after the handler answered, with Lambda's rules: nothing or
 * an empty list = all succeeded; an invalid response or an unknown/empty itemIdentifier fails
 * the whole batch.
 */
export function failedMessageIds(result: unknown, messageIds: string[]): { failed: string[]; invalid?: string } {
  if (result === undefined || result === null) return { failed: [] };
  if (typeof result !== 'object') return { failed: [] };
  const failures = (result as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return { failed: [] };
  if (!Array.isArray(failures)) return { failed: messageIds, invalid: 'batchItemFailures is not a list' };
  const known = new Set(messageIds);
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !known.has(id)) {
      return { failed: messageIds, invalid: `invalid itemIdentifier ${JSON.stringify(id)}` };
    }
    failed.add(id);
  }
  return { failed: [...failed] };
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`No QueueArn for ${queueUrl}`);
  return arn;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts polling at once; the first batch may be delivered before this resolves. */
export async function startQueuePoller(opts: QueuePollerOptions): Promise<QueuePoller> {
  const batchSize = Math.min(10, Math.max(1, opts.batchSize ?? 10));
  const waitTimeSeconds = opts.waitTimeSeconds ?? 1;
  const region = opts.region ?? LOCAL_REGION;
  const functionName = opts.functionName ?? 'queue-consumer';
  const onError = opts.onError ?? ((message: string, error: unknown) => console.error(message, error));
  const queueArn = opts.queueArn ?? (await queueArnOf(opts.sqs, opts.queueUrl));
  const batches: BatchOutcome[] = [];
  let stopped = false;
  let idleWaiters: Array<() => void> = [];

  const deliver = async (messages: Message[]) => {
    const records = messages.map((m) => toSqsRecord(m, queueArn, region));
    const messageIds = records.map((r) => r.messageId);
    const outcome: BatchOutcome = { messageIds, failedIds: [] };
    try {
      const result = await opts.handler({ Records: records }, lambdaContext(functionName, 30_000));
      const { failed, invalid } = failedMessageIds(result, messageIds);
      outcome.failedIds = failed;
      if (invalid) {
        outcome.error = new Error(`Invalid partial batch response: ${invalid}`);
        onError(`[queue ${functionName}] ${invalid}: the whole batch is retried`, result);
      }
    } catch (error) {
      outcome.failedIds = messageIds;
      outcome.error = error;
      onError(`[queue ${functionName}] handler failed: the whole batch of ${records.length} is retried`, error);
    }
    batches.push(outcome);
    const failed = new Set(outcome.failedIds);
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) {
      try {
        const answer = await opts.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: opts.queueUrl,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
        if (answer.Failed && answer.Failed.length > 0) onError(`[queue ${functionName}] some deletes failed`, answer.Failed);
      } catch (error) {
        onError(`[queue ${functionName}] delete failed`, error);
      }
    }
  };

  const loop = (async () => {
    while (!stopped) {
      let messages: Message[];
      try {
        const answer = await opts.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            ...(opts.visibilityTimeout !== undefined ? { VisibilityTimeout: opts.visibilityTimeout } : {}),
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = answer.Messages ?? [];
      } catch (error) {
        if (stopped) break;
        onError(`[queue ${functionName}] receive failed; retrying in 1 s`, error);
        await sleep(1_000);
        continue;
      }
      if (messages.length === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
        continue;
      }
      // Even while stopping: these messages are ours now, deliver them rather than let them wait.
      await deliver(messages);
    }
  })();

  return {
    batches,
    idle(timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          idleWaiters = idleWaiters.filter((w) => w !== done);
          reject(new Error(`Queue ${opts.queueUrl} still had visible messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        idleWaiters.push(done);
      });
    },
    async stop() {
      stopped = true;
      await loop;
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
  };
}

export interface QueueWithDlq {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
}

/**
 * Creates (or finds) `name` and its dead-letter queue `<name>-dlq` (`<base>-dlq.fifo` for FIFO
 * queues) with a redrive policy, like the stack does.
 */
export async function createQueueWithDlq(
  sqs: SQSClient,
  name: string,
  opts: { maxReceiveCount: number; visibilityTimeout: number; messageRetentionPeriod?: number },
): Promise<QueueWithDlq> {
  const fifo = name.endsWith('.fifo');
  const dlqName = fifo ? `${name.slice(0, -'.fifo'.length)}-dlq.fifo` : `${name}-dlq`;
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: dlqName, Attributes: { ...fifoAttributes, MessageRetentionPeriod: '1209600' } }),
  );
  const dlqUrl = dlq.QueueUrl;
  if (!dlqUrl) throw new Error(`CreateQueue ${dlqName} returned no URL`);
  const dlqArn = await queueArnOf(sqs, dlqUrl);
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        ...fifoAttributes,
        VisibilityTimeout: String(opts.visibilityTimeout),
        ...(opts.messageRetentionPeriod !== undefined ? { MessageRetentionPeriod: String(opts.messageRetentionPeriod) } : {}),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: opts.maxReceiveCount }),
      },
    }),
  );
  const queueUrl = main.QueueUrl;
  if (!queueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
  return { queueUrl, queueArn: await queueArnOf(sqs, queueUrl), dlqUrl, dlqArn };
}
