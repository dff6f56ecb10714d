// absentAsNull derives an admin view's answer schema from a stored schema: what is optional in
// storage is answered as null, what is required stays required, and nothing else changes.
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { absentAsNull } from '#shared/openapi/answers/stored.ts';
import { SubscribersSchema } from '#shared/openapi/answers/sessions.ts';
import { subscriptionAdminView } from '#shared/domain/sessions/views.ts';

describe('absentAsNull', () => {
  const Stored = z.object({ id: z.string(), label: z.string().optional(), count: z.number().int() });
  const View = absentAsNull(Stored);

  it('answers an optional field as null, not absent', () => {
    expect(View.safeParse({ id: 'a', label: null, count: 1 }).success).toBe(true);
    expect(View.safeParse({ id: 'a', label: 'x', count: 1 }).success).toBe(true);
    expect(View.safeParse({ id: 'a', count: 1 }).success).toBe(false);
  });

  it('keeps required fields required, with their own types', () => {
    expect(View.safeParse({ label: null, count: 1 }).success).toBe(false);
    expect(View.safeParse({ id: 'a', label: null, count: 1.5 }).success).toBe(false);
    expect(Object.keys(View.shape)).toEqual(['id', 'label', 'count']);
  });

  it('describes what subscriptionAdminView answers, for a bare and a full subscription', () => {
    const bare = { subscriber_id: 's1', series_id: 'club', email: 'a@example.org', status: 'active' as const, token: 't', subscribed_at: '2027-01-01T00:00:00Z', version: 0 };
    const full = { ...bare, first_name: 'A', last_name: 'B', organisation: 'O', user_name_id: 'u', status: 'unsubscribed' as const, unsubscribed_at: '2027-02-01T00:00:00Z' };
    const Strict = z.strictObject(SubscribersSchema.element.shape);
    expect(Strict.parse(subscriptionAdminView(bare))).toMatchObject({ first_name: null, unsubscribed_at: null });
    expect(Strict.parse(subscriptionAdminView(full))).toMatchObject({ first_name: 'A', user_name_id: 'u' });
  });
});
