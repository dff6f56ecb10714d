// The retention rules on known dates: for each kind, the instant before it falls due, the
// instant it does, and the day after (contract-rgpd.md, "What is personal here, and for how long").
import { Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/domain/logger.ts';
import type { RetentionStore } from '#shared/domain/people/ports.ts';
import { RetentionService } from '#shared/domain/people/service.ts';
import {
  anonymiseRegistration,
  campaignRetentionDueAt,
  deliveryAddressesSentBy,
  deliveryLineDueAt,
  holdsAgent,
  holdsIdentity,
  isDue,
  meetingRetentionDueAt,
  meetingRetentionIsDue,
  subscriptionDueAt,
  subscriptionIsDue,
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

// Issue 21 (cold start): the purge decides "due or not" from the UTC date alone unless the
// instant is within a day of the due one, so that its tick and GET /admin/retention do not start
// ICU (Intl.DateTimeFormat, 10–20 ms) for meetings and series far from due.
describe('due or not without the zone, when the date alone decides', () => {
  const RealDTF = Intl.DateTimeFormat;
  afterEach(() => {
    Intl.DateTimeFormat = RealDTF;
  });
  /** Counts the Intl.DateTimeFormat built (luxon's caches emptied first). */
  function countFormats(): () => number {
    Settings.resetCaches();
    let built = 0;
    Intl.DateTimeFormat = new Proxy(RealDTF, {
      construct(target, args) {
        built++;
        return Reflect.construct(target, args) as object;
      },
      apply(target, self, args) {
        built++;
        return Reflect.apply(target, self, args) as unknown;
      },
    });
    return () => built;
  }

  // The extremes (UTC+14, UTC−12, UTC−11), half and quarter hours, summer time both sides, and
  // Santiago whose change happens at midnight.
  const zones = ['Pacific/Kiritimati', 'Etc/GMT+12', 'Pacific/Pago_Pago', 'Asia/Kathmandu', 'America/St_Johns', 'Europe/Paris', 'Australia/Lord_Howe', 'America/Santiago', 'UTC'];
  const dates = ['2026-03-28', '2026-10-24', '2026-09-05', '2027-04-03', '2026-12-31'];
  const STEP = 30 * 60_000;

  it('gives the same answer as the exact instant, every 30 minutes from 2 days before to 2 days after', () => {
    let checked = 0;
    const differ: string[] = [];
    for (const timezone of zones) {
      for (const date of dates) {
        for (const retention_days of [0, 365]) {
          const meeting = { days: [{ date }], timezone, retention_days };
          const dueAt = meetingRetentionDueAt(meeting) as string;
          const series = { lastDate: date, timezone };
          const subscriptionDue = subscriptionDueAt({ status: 'active' }, series) as string;
          const left = { status: 'unsubscribed' as const, unsubscribed_at: new Date(Date.parse(subscriptionDue) + DAY / 2).toISOString() };
          const leftDue = subscriptionDueAt(left, series);
          for (let step = -96; step <= 96; step++) {
            const at = new Date(Date.parse(dueAt) + step * STEP);
            if (meetingRetentionIsDue(meeting, at) !== isDue(dueAt, at)) differ.push(`meeting ${timezone} ${date} ${at.toISOString()}`);
            const atS = new Date(Date.parse(subscriptionDue) + step * STEP);
            if (subscriptionIsDue({ status: 'active' }, series, atS) !== isDue(subscriptionDue, atS)) differ.push(`subscription ${timezone} ${date} ${atS.toISOString()}`);
            if (subscriptionIsDue(left, series, atS) !== isDue(leftDue, atS)) differ.push(`unsubscribed ${timezone} ${date} ${atS.toISOString()}`);
            checked++;
          }
        }
      }
    }
    expect(differ).toEqual([]);
    expect(checked).toBe(zones.length * dates.length * 2 * 193);
    expect(meetingRetentionIsDue({ days: [], timezone: 'Europe/Paris' }, new Date('2100-01-01T00:00:00Z'))).toBe(false);
    expect(subscriptionIsDue({ status: 'active' }, { lastDate: null, timezone: 'Europe/Paris' }, new Date('2100-01-01T00:00:00Z'))).toBe(false);
    const gone = { status: 'unsubscribed' as const, unsubscribed_at: '2027-05-01T10:00:00.000Z' };
    expect(subscriptionIsDue(gone, { lastDate: null, timezone: 'Europe/Paris' }, new Date('2027-05-01T10:00:00.000Z'))).toBe(true);
    expect(subscriptionIsDue(gone, { lastDate: null, timezone: 'Europe/Paris' }, new Date('2027-05-01T09:59:59.999Z'))).toBe(false);
  });

  it('a purge report over meetings and series far from due builds no Intl.DateTimeFormat', async () => {
    const at = new Date('2027-03-20T10:00:00Z');
    const pagesRead: string[] = [];
    const store: RetentionStore = {
      listObjects: () =>
        Promise.resolve({
          meetings: [
            { id: 'future', days: [{ date: '2027-06-09' }], timezone: 'Europe/Paris' },
            { id: 'done', days: [{ date: '2024-06-09' }], timezone: 'America/Cayenne', retention_days: 30 },
          ],
          campaigns: [],
          series: [
            { id: 'ends', timezone: 'Europe/Paris', lastDate: '2027-12-12' },
            { id: 'open', timezone: 'Europe/Paris', lastDate: null },
          ],
          surveys: [],
        }),
      pageRegistrations: (meetingId) => {
        pagesRead.push(meetingId);
        return Promise.resolve({ items: [], cursor: null });
      },
      anonymiseRegistrations: () => Promise.resolve([]),
      listSubscriptions: (seriesId) =>
        Promise.resolve([{ status: 'active', series_id: seriesId } as unknown as Awaited<ReturnType<RetentionStore['listSubscriptions']>>[number]]),
      deleteSubscription: () => Promise.resolve(true),
      listAgents: () => Promise.resolve([]),
      eraseAgents: () => Promise.resolve(0),
      pageDeliveryAddresses: () => Promise.resolve({ items: [], cursor: null }),
      eraseDeliveryLines: () => Promise.resolve([]),
      pageSurveyMarkers: () => Promise.resolve({ items: [], cursor: null }),
      deleteMarkers: () => Promise.resolve(0),
    };
    const built = countFormats();
    const report = await new RetentionService(store, silentLogger).report(at);
    expect(built()).toBe(0);
    // The past meeting was due (its registrations read; none held an identity), the future one not.
    expect(pagesRead).toEqual(['done']);
    expect(report.counts).toEqual({ registrations: 0, subscriptions: 0, agents: 0, deliveries: 0, 'survey-markers': 0 });
    expect(report.complete).toBe(true);
  });
});
