// The retention rules on known dates: for each kind, the instant before it falls due, the
// instant it does, and the day after (contract-rgpd.md, "What is personal here, and for how long").
import { describe, expect, it } from 'vitest';
import {
  anonymiseRegistration,
  campaignRetentionDueAt,
  deliveryAddressesSentBy,
  deliveryLineDueAt,
  holdsAgent,
  holdsIdentity,
  isDue,
  meetingRetentionDueAt,
  subscriptionDueAt,
  surveyMarkersDueAt,
} from '#shared/domain/people/retention.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';

const DAY = 86_400_000;
/** The day before, the instant of, and the day after `dueAt`: not due, due, due. */
function expectDueAt(dueAt: string | null, expected: string) {
  expect(dueAt).toBe(expected);
  const t = Date.parse(expected);
  expect(isDue(dueAt, new Date(t - DAY))).toBe(false);
  expect(isDue(dueAt, new Date(t - 1))).toBe(false);
  expect(isDue(dueAt, new Date(t))).toBe(true);
  expect(isDue(dueAt, new Date(t + DAY))).toBe(true);
}

describe('registrations: the meeting’s last day + retention_days, on its wall clock', () => {
  it('kept through the last day + 365 days, anonymised from the next midnight in Paris', () => {
    // Last day 2026-06-09; + 365 days = 2027-06-09 kept whole; due 2027-06-10 00:00 Paris (CEST).
    const meeting = { days: [{ date: '2026-06-09' }, { date: '2026-06-08' }], timezone: 'Europe/Paris' };
    expectDueAt(meetingRetentionDueAt(meeting), '2027-06-09T22:00:00.000Z');
  });

  it('follows the meeting’s retention_days and time zone (winter time)', () => {
    expectDueAt(meetingRetentionDueAt({ days: [{ date: '2026-12-01' }], timezone: 'Europe/Paris', retention_days: 30 }), '2026-12-31T23:00:00.000Z');
    expectDueAt(meetingRetentionDueAt({ days: [{ date: '2026-12-01' }], timezone: 'America/Cayenne', retention_days: 1 }), '2026-12-03T03:00:00.000Z');
  });
});

describe('agents: the campaign’s close + retention_days', () => {
  it('the recorded close wins over the planned one; without either, never', () => {
    expectDueAt(campaignRetentionDueAt({ closed_at: '2027-06-08T15:00:00.000Z', vote_closes_at: '2027-06-30T15:00:00.000Z' }), '2028-06-07T15:00:00.000Z');
    expectDueAt(campaignRetentionDueAt({ vote_closes_at: '2027-06-08T17:00:00+02:00', retention_days: 10 }), '2027-06-18T15:00:00.000Z');
    expect(campaignRetentionDueAt({})).toBeNull();
    expect(isDue(campaignRetentionDueAt({}), new Date('2100-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('subscriptions: unsubscribed, or the series’ last occurrence + 90 days', () => {
  const series = { lastDate: '2028-12-12', timezone: 'Europe/Paris' };
  it('an active subscription of a series that ends: the day after last occurrence + 90 days', () => {
    // 2028-12-12 + 90 days = 2029-03-12, kept whole; due 2029-03-13 00:00 Paris (CET).
    expectDueAt(subscriptionDueAt({ status: 'active' }, series), '2029-03-12T23:00:00.000Z');
  });
  it('unsubscribed: at once; a series without end: never while active', () => {
    expectDueAt(subscriptionDueAt({ status: 'unsubscribed', unsubscribed_at: '2027-05-01T10:00:00.000Z' }, series), '2027-05-01T10:00:00.000Z');
    expect(subscriptionDueAt({ status: 'active' }, { lastDate: null, timezone: 'Europe/Paris' })).toBeNull();
  });
});

describe('delivery lines and survey markers (the purge, no TTL)', () => {
  it('a delivery line’s address: 90 days after sending', () => {
    expectDueAt(deliveryLineDueAt('2027-03-01T08:00:00.000Z'), '2027-05-30T08:00:00.000Z');
    // The purge at that instant erases the lines sent up to 90 days before it, that one included.
    expect(deliveryAddressesSentBy(new Date('2027-05-30T08:00:00.000Z'))).toBe('2027-03-01T08:00:00.000Z');
  });
  it('survey markers: the close + 30 days', () => {
    expectDueAt(surveyMarkersDueAt('2027-03-31T23:59:59+02:00'), '2027-04-30T21:59:59.000Z');
  });
});

describe('anonymisation', () => {
  const reg: Registration = {
    id: 'r1',
    meeting_id: 'club-12',
    access_token: 'secret-token',
    form_uuid: 'f1',
    form_number: '12',
    form_url: 'https://demarches.example.org/inscription/12/',
    callback_url: 'https://demarches.example.org/api/callback',
    user_name_id: 'nameid-1',
    email: 'alice@example.org',
    first_name: 'Alice',
    last_name: 'Martin',
    organisation: 'Ville de Test',
    organisation_kind: 'commune',
    job_title: 'DSI',
    phone: '0600000000',
    profile: 'expert',
    badge_name: 'Alice M.',
    dietary_requirements: 'Végétarien',
    accessibility_needs: 'Fauteuil',
    image_rights: { answer: 'refused', notice_version: 1, answered_at: '2026-05-01T10:00:00.000Z' },
    days: [{ date: '2026-06-09', mode: 'onsite' }],
    workshops: ['socle'],
    evening_event: true,
    items: [{ key: 'day#2026-06-09', status: 'confirmed' }],
    state: 'active',
    request_hash: 'abc',
    checked_in: { '2026-06-09': '2026-06-09T07:50:00.000Z' },
    checkin_token: { generation: 1, hash: 'h' },
    version: 4,
    created_at: '2026-05-01T10:00:00.000Z',
    updated_at: '2026-05-01T10:00:00.000Z',
  } as Registration;

  it('erases every identity field and keeps what counts and charts read', () => {
    const at = new Date('2027-06-10T03:00:00Z');
    const out = anonymiseRegistration(reg, at);
    const text = JSON.stringify(out);
    for (const v of ['alice', 'Martin', 'Alice', '0600000000', 'DSI', 'Végétarien', 'Fauteuil', 'nameid', 'demarches.example.org', 'secret-token', '"h"']) expect(text).not.toContain(v);
    expect(out).toMatchObject({
      organisation: 'Ville de Test',
      organisation_kind: 'commune',
      profile: 'expert',
      days: reg.days,
      workshops: ['socle'],
      evening_event: true,
      items: reg.items,
      state: 'active',
      checked_in: reg.checked_in,
      image_rights: reg.image_rights,
      form_number: '12',
      anonymised_at: at.toISOString(),
      version: 5,
    });
    expect(holdsIdentity(reg)).toBe(true);
    expect(holdsIdentity(out)).toBe(false);
  });

  it('an agent is held while any of its fields is', () => {
    expect(holdsAgent({ email: 'a@example.org' })).toBe(true);
    expect(holdsAgent({ email: '', last_name: 'Martin' })).toBe(true);
    expect(holdsAgent({ email: '' })).toBe(false);
  });
});
