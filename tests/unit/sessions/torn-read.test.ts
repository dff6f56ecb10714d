import { StaleReadError } from '#shared/domain/conflicts.ts';
import { describe, expect, it } from 'vitest';
import { RefusalError } from '#shared/errors.ts';
import { SubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { decideSubscribe } from '#shared/domain/sessions/subscriptions.ts';

const now = new Date('2027-01-01T10:00:00Z');
const request = SubscribeRequestSchema.parse({ form_uuid: 'f1', email: 'claire@example.org' });
const fresh = { subscriberId: 's1', token: 't'.repeat(30) };
const marker = { form_uuid: 'f1', action: 'subscribe' as const, series_id: 'club', email: 'claire@example.org', subscriber_id: 's1', at: now.toISOString() };

describe('deciding on one BatchGetItem, which is not a snapshot', () => {
  it('reads again when it sees this form’s marker without the subscription written with it', () => {
    const reads = { series: undefined, overrides: [], subscription: undefined, marker };
    expect(() => decideSubscribe('club', reads, request, now, fresh)).toThrow(StaleReadError);
  });

  it('still refuses a form used for another series or another email', () => {
    const reads = { series: undefined, overrides: [], subscription: undefined, marker: { ...marker, series_id: 'autre' } };
    expect(() => decideSubscribe('club', reads, request, now, fresh)).toThrow(RefusalError);
  });
});
