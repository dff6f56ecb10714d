// What the three senders to our queues share (notifications, reminders, session confirmations):
// the client and the queue URL, and the message format their consumers read: the JSON body, with
// its `type` as a message attribute.
import type { BatchResultErrorEntry, SQSClient } from '@aws-sdk/client-sqs';
import { resolveClient, type ClientSource } from '#shared/adapters/aws/lazy-client.ts';
import { loadSqs } from '#shared/adapters/aws/sdk.ts';

/** Entries of one SendMessageBatch at the most (the SQS maximum). */
export const SQS_BATCH = 10;

const typeAttribute = (message: { type: string }) => ({ type: { DataType: 'String', StringValue: message.type } });

export abstract class TypedMessageSender {
  constructor(
    /** The client, or its lazy loader (@aws-sdk/client-sqs is loaded by the first send). */
    private readonly sqs: ClientSource<SQSClient>,
    private readonly queueUrl: string,
  ) {}

  /** One message (SendMessage). */
  protected async sendMessage(message: { type: string }): Promise<void> {
    const { SendMessageCommand } = loadSqs();
    const sqs = await resolveClient(this.sqs);
    await sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message), MessageAttributes: typeAttribute(message) }));
  }

  /** One SendMessageBatch (at most SQS_BATCH entries, by entry id): the entries SQS refused. */
  protected async sendMessageBatch(entries: Array<[id: string, message: { type: string }]>): Promise<BatchResultErrorEntry[]> {
    const { SendMessageBatchCommand } = loadSqs();
    const sqs = await resolveClient(this.sqs);
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: entries.map(([Id, message]) => ({ Id, MessageBody: JSON.stringify(message), MessageAttributes: typeAttribute(message) })),
      }),
    );
    return out.Failed ?? [];
  }
}
