// Session use cases over an in-memory store: what subscribing, unsubscribing and the one-click
// link decide and answer, the confirmation sent only to a new subscriber, and the data source.
import { beforeEach, describe, expect, it } from 'vitest';
import { CallNonce } from '#shared/domain/call-nonce.ts';
import { InvalidRequestError, RefusalError } from '#shared/errors.ts';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { MemorySessionRepository } from './fakes.ts';

const NOW = new Date('2026-11-29T12:00:00Z');
const SERIES = SeriesInputSchema.parse({
  title: 'Sessions en ligne du club',
  rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
  dtstart: '2027-01-12T14:00',
  until: '2028-12-31',
  duration_minutes: 90,
  visio_url: 'https://visio.example.org/club-publik',
});

let store: MemorySessionRepository;
let sent: { seriesId: string; subscriberId: string; occurrenceId: string; subscriptionVersion: number }[];
let warnings: { message: string; attributes?: Record<string, unknown> }[];
let failQueue: boolean;
let service: SessionService;
let seq: number;

const nonce = () => new CallNonce('wcs', `n${++seq}`, 0);
const subscribe = (form: string, email = 'claire@example.org', extra: Record<string, unknown> = {}) =>
  service.subscribe(SubscribeRequestSchema.parse({ form_uuid: form, email, first_name: 'Claire', ...extra }), nonce(), NOW);

beforeEach(async () => {
  store = new MemorySessionRepository();
  sent = [];
  warnings = [];
  failQueue = false;
  seq = 0;
  service = new SessionService({
    store,
    baseUrl: 'https://club.example.org',
    confirmations: {
      publishConfirmation: async (m) => {
        if (failQueue) throw new Error('queue down');
        sent.push(m);
      },
    },
    logger: { warn: (message, attributes) => void warnings.push({ message, ...(attributes ? { attributes } : {}) }) },
    newSubscriberId: () => `sub-${++seq}`,
    newToken: () => `tok-${seq}-abcdefghijklmnopqrstuvwxyz`,
  });
  await service.putSeries('club-en-ligne', SERIES, NOW);
});

describe('subscribe', () => {
  it('answers the contract shape and queues one confirmation for the next occurrence', async () => {
    const answer = await subscribe('f1');
    expect(answer).toEqual({
      subscription_id: expect.stringMatching(/^sub-/),
      series_id: 'club-en-ligne',
      status: 'subscribed',
      already_subscribed: false,
      replayed: false,
      next_session: {
        id: 'club-en-ligne-2027-01-12',
        text: 'Mardi 12 janvier 2027, 14 h 00 – 15 h 30 — Sessions en ligne du club',
        series_id: 'club-en-ligne',
        starts_at: '2027-01-12T14:00:00+01:00',
        ends_at: '2027-01-12T15:30:00+01:00',
        topic: 'Sessions en ligne du club',
        cancelled: false,
      },
      unsubscribe_url: expect.stringMatching(/^https:\/\/club\.example\.org\/u\/tok-/),
    });
    expect(sent).toEqual([{ seriesId: 'club-en-ligne', subscriberId: answer.subscription_id, occurrenceId: 'club-en-ligne-2027-01-12', subscriptionVersion: 0 }]);
  });

  it('coming back after unsubscribing queues a confirmation of the new subscription (a new version)', async () => {
    const first = await subscribe('f1');
    await service.unsubscribe(UnsubscribeRequestSchema.parse({ email: 'claire@example.org', form_uuid: 'f2' }), nonce(), NOW);
    const back = await subscribe('f3');
    expect(back).toMatchObject({ subscription_id: first.subscription_id, already_subscribed: false, replayed: false });
    expect(sent.map((m) => [m.subscriberId, m.subscriptionVersion])).toEqual([
      [first.subscription_id, 0],
      [first.subscription_id, 2],
    ]);
  });

  it('a replayed form answers the same, writes nothing and sends nothing', async () => {
    const first = await subscribe('f1');
    const n = nonce();
    const replay = await service.subscribe(SubscribeRequestSchema.parse({ form_uuid: 'f1', email: 'claire@example.org' }), n, NOW);
    expect(replay).toEqual({ ...first, replayed: true });
    expect(n.consumed).toBe(false);
    expect(store.writes).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it('the same email from another form is already_subscribed: success, no link of the person, no confirmation', async () => {
    const first = await subscribe('f1');
    const again = await subscribe('f2', 'CLAIRE@example.org');
    expect(again).toMatchObject({ already_subscribed: true, replayed: false, subscription_id: first.subscription_id, unsubscribe_url: null });
    expect(sent).toHaveLength(1);
    // A replay of that second form still says already_subscribed.
    expect(await subscribe('f2')).toMatchObject({ already_subscribed: true, replayed: true });
  });

  it('a form uuid used to unsubscribe cannot subscribe', async () => {
    await subscribe('f1');
    await service.unsubscribe(UnsubscribeRequestSchema.parse({ email: 'claire@example.org', form_uuid: 'f2' }), nonce(), NOW);
    await expect(subscribe('f2')).rejects.toMatchObject({ code: 'form-already-used' });
  });

  it('series_id may be left out while there is one series; with two it is required (400 naming it)', async () => {
    await service.putSeries('autre', SERIES, NOW);
    const error = await subscribe('f1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ message: expect.stringContaining('series_id'), details: { errors: [{ path: 'series_id' }] } });
    expect(await subscribe('f1', 'claire@example.org', { series_id: 'autre' })).toMatchObject({ series_id: 'autre' });
  });

  it('an unknown series is the refusal unknown-series', async () => {
    const error = await subscribe('f1', 'claire@example.org', { series_id: 'inconnue' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusalError);
    expect(error).toMatchObject({ code: 'unknown-series', message: 'Série de sessions inconnue : inconnue.' });
  });

  it('a queue failure does not undo the subscription; the warning carries ids only', async () => {
    failQueue = true;
    const answer = await subscribe('f1');
    expect(answer.status).toBe('subscribed');
    expect(warnings).toHaveLength(1);
    const logged = JSON.stringify(warnings);
    expect(logged).not.toContain('claire');
    expect(logged).not.toContain('tok-');
  });

  it('no next occurrence: next_session null and no confirmation', async () => {
    const late = new Date('2029-01-01T00:00:00Z');
    const answer = await service.subscribe(SubscribeRequestSchema.parse({ form_uuid: 'f1', email: 'a@example.org' }), nonce(), late);
    expect(answer.next_session).toBeNull();
    expect(sent).toHaveLength(0);
  });
});

describe('unsubscribe', () => {
  it('by form, then again with another email: was_subscribed true, then false', async () => {
    await subscribe('f1');
    const out = await service.unsubscribe(UnsubscribeRequestSchema.parse({ email: 'claire@example.org' }), nonce(), NOW);
    expect(out).toEqual({ series_id: 'club-en-ligne', status: 'unsubscribed', was_subscribed: true, replayed: false });
    const n = nonce();
    const unknown = await service.unsubscribe(UnsubscribeRequestSchema.parse({ email: 'x@example.org' }), n, NOW);
    expect(unknown.was_subscribed).toBe(false);
    expect(n.consumed).toBe(false);
  });

  it('resubscribing after unsubscribing works, keeps the id and the link, and confirms again', async () => {
    const first = await subscribe('f1');
    await service.unsubscribe(UnsubscribeRequestSchema.parse({ email: 'claire@example.org' }), nonce(), NOW);
    const back = await subscribe('f3');
    expect(back).toMatchObject({ already_subscribed: false, subscription_id: first.subscription_id, unsubscribe_url: first.unsubscribe_url });
    expect(sent).toHaveLength(2);
  });

  it('one-click: the page changes nothing, the POST unsubscribes once, unknown links find nothing', async () => {
    const first = await subscribe('f1');
    const token = first.unsubscribe_url!.split('/u/')[1] as string;
    expect(await service.describeToken(token)).toMatchObject({ series: { id: 'club-en-ligne' } });
    expect(await store.countSubscribers('club-en-ligne')).toBe(1);
    expect(await service.unsubscribeByToken(token, NOW)).toMatchObject({ wasSubscribed: true });
    expect(await service.unsubscribeByToken(token, NOW)).toMatchObject({ wasSubscribed: false });
    expect(await service.describeToken('nope')).toBeUndefined();
    expect(await service.unsubscribeByToken('nope', NOW)).toBeUndefined();
  });
});

describe('data source and admin views', () => {
  it('lists upcoming occurrences; id finds a past one; cancelled only on request', async () => {
    await service.changeOccurrence('club-en-ligne-2027-04-13', { cancelled: true }, NOW);
    const all = await service.dataSource({}, NOW);
    expect(all.map((i) => i.id)).not.toContain('club-en-ligne-2027-04-13');
    const withCancelled = await service.dataSource({ include_cancelled: true }, NOW);
    expect(withCancelled.find((i) => i.id === 'club-en-ligne-2027-04-13')).toMatchObject({
      disabled: true,
      cancelled: true,
      text: 'Mardi 13 avril 2027, 14 h 00 – 15 h 30 — Sessions en ligne du club (annulée)',
    });
    const later = new Date('2027-06-01T00:00:00Z');
    expect(await service.dataSource({ id: 'club-en-ligne-2027-01-12' }, later)).toEqual([
      expect.objectContaining({ id: 'club-en-ligne-2027-01-12', starts_at: '2027-01-12T14:00:00+01:00' }),
    ]);
    expect(await service.dataSource({ q: 'JANVIER 2028' }, NOW)).toEqual([expect.objectContaining({ id: 'club-en-ligne-2028-01-11' })]);
    expect(await service.dataSource({ series: 'autre' }, NOW)).toEqual([]);
  });

  it('an unknown occurrence id is a 404', async () => {
    await expect(service.changeOccurrence('club-en-ligne', { topic: 'x' }, NOW)).rejects.toMatchObject({ statusCode: 404 });
    await expect(service.changeOccurrence('inconnue-2027-01-12', { topic: 'x' }, NOW)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('the admin list counts active subscribers and shows the next occurrences', async () => {
    await subscribe('f1');
    await subscribe('f2', 'paul@example.org');
    await service.unsubscribe(UnsubscribeRequestSchema.parse({ email: 'paul@example.org' }), nonce(), NOW);
    const [view] = await service.listSeriesForAdmin(NOW);
    expect(view).toMatchObject({ id: 'club-en-ligne', subscribers: 1, bounded: true });
    expect(view!.next_occurrences).toHaveLength(5);
    expect(view!.reminders).toEqual([]);
  });
});
