// The confirmation port's adapters: the SQS message the reminders consumer reads, and the
// warning (ids only) when no reminders queue is configured.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { MissingConfirmationPublisher, SqsConfirmationPublisher } from '#shared/adapters/sqs/session-confirmations.ts';

describe('session confirmations', () => {
  it('sends one message with the contract body', async () => {
    const sent: unknown[] = [];
    const sqs = { send: async (command: { input: unknown }) => void sent.push(command.input) } as unknown as SQSClient;
    await new SqsConfirmationPublisher(sqs, 'https://sqs.example/q').publishConfirmation({
      seriesId: 'club-en-ligne',
      subscriberId: 'sub-1',
      occurrenceId: 'club-en-ligne-2027-01-12',
      subscriptionVersion: 2,
    });
    expect(sent).toHaveLength(1);
    const input = sent[0] as { QueueUrl: string; MessageBody: string };
    expect(input.QueueUrl).toBe('https://sqs.example/q');
    expect(JSON.parse(input.MessageBody)).toEqual({
      type: 'session.confirmation',
      series_id: 'club-en-ligne',
      subscriber_id: 'sub-1',
      occurrence_id: 'club-en-ligne-2027-01-12',
      subscription_version: 2,
    });
  });

  it('without a queue: a warning with the ids, nothing thrown', async () => {
    const warnings: Array<[string, Record<string, unknown>]> = [];
    await new MissingConfirmationPublisher({ warn: (m, a) => void warnings.push([m, a ?? {}]) }).publishConfirmation({
      seriesId: 's',
      subscriberId: 'sub-1',
      occurrenceId: 's-2027-01-12',
      subscriptionVersion: 0,
    });
    expect(warnings).toEqual([[expect.stringContaining('REMINDERS_QUEUE_URL'), { seriesId: 's', subscriberId: 'sub-1', occurrenceId: 's-2027-01-12' }]]);
  });
});
