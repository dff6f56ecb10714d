// The subscription confirmation as the reminders consumer reads it: one dispatch per
// subscription (its version), so a return after unsubscribing is confirmed again.
import { describe, expect, it } from 'vitest';
import { RemindersQueueMessageSchema, toDeliverMessage } from '#shared/domain/reminders/model.ts';

const base = { type: 'session.confirmation', series_id: 'club-en-ligne', subscriber_id: 'sub-1', occurrence_id: 'club-en-ligne-2031-01-14' };

describe('session confirmation messages', () => {
  it('are keyed by the subscription version: a return is another dispatch, a redelivery the same', () => {
    const first = toDeliverMessage(RemindersQueueMessageSchema.parse({ ...base, subscription_version: 0 }));
    const back = toDeliverMessage(RemindersQueueMessageSchema.parse({ ...base, subscription_version: 2 }));
    expect(first).toMatchObject({ kind: 'confirmation', subject: 'club-en-ligne-2031-01-14', recipient: 'sub-1', rule: null, sequence: 0 });
    expect(back.sequence).toBe(2);
    expect(toDeliverMessage(RemindersQueueMessageSchema.parse({ ...base, subscription_version: 2 }))).toEqual(back);
  });

  it('a message queued before the version existed reads as the first subscription', () => {
    expect(toDeliverMessage(RemindersQueueMessageSchema.parse(base)).sequence).toBe(0);
  });
});
