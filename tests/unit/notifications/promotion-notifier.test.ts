import { beforeEach, describe, expect, it } from 'vitest';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import type {
  CallbackResult,
  CallbackSender,
  ClaimResult,
  DeliveryChannel,
  DeliveryRepository,
  EmailMessage,
  Mailer,
} from '#shared/domain/notifications/ports.ts';
import { DeliveryFailedError, PromotionNotifier } from '#shared/domain/notifications/service.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import { BASE_URL, NOW, club12Meeting, promotedRegistration, promotionNotification } from './fakes.ts';

interface Marker {
  state: 'sending' | 'sent' | 'skipped' | 'failed';
  token: string;
  leaseUntil: number;
  detail?: string;
}

/** The conditions of DynamoDeliveryRepository, in memory. */
class MemoryDeliveryRepository implements DeliveryRepository {
  markers = new Map<string, Marker>();
  private n = 0;
  async claim(id: string, channel: DeliveryChannel, now: Date, leaseSeconds: number): Promise<ClaimResult> {
    const key = `${id}#${channel}`;
    const m = this.markers.get(key);
    if (m && (m.state === 'sent' || m.state === 'skipped')) return { status: 'done', state: m.state };
    if (m && m.state === 'sending' && m.leaseUntil >= now.getTime()) return { status: 'busy', leaseUntil: new Date(m.leaseUntil).toISOString() };
    const token = `t${++this.n}`;
    this.markers.set(key, { state: 'sending', token, leaseUntil: now.getTime() + leaseSeconds * 1000 });
    return { status: 'claimed', token };
  }
  private finish(id: string, channel: DeliveryChannel, token: string, state: Marker['state'], detail: string) {
    const m = this.markers.get(`${id}#${channel}`);
    if (!m || m.state !== 'sending' || m.token !== token) return false;
    Object.assign(m, { state, detail });
    return true;
  }
  async markSent(id: string, channel: DeliveryChannel, token: string, _at: Date, detail: string) {
    return this.finish(id, channel, token, 'sent', detail);
  }
  async markSkipped(id: string, channel: DeliveryChannel, token: string, _at: Date, reason: string) {
    return this.finish(id, channel, token, 'skipped', reason);
  }
  async release(id: string, channel: DeliveryChannel, token: string, _at: Date, error: string) {
    this.finish(id, channel, token, 'failed', error);
  }
}

class FakeMailer implements Mailer {
  sent: EmailMessage[] = [];
  failNext = 0;
  async send(message: EmailMessage) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SES is down');
    }
    this.sent.push(message);
    return { messageId: `m${this.sent.length}` };
  }
}

class FakeCallbacks implements CallbackSender {
  calls: Array<{ url: string; body: unknown }> = [];
  answer: () => CallbackResult = () => ({ status: 'sent', httpStatus: 200 });
  failNext = 0;
  async post(url: string, body: unknown) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('HTTP 500');
    }
    this.calls.push({ url, body });
    return this.answer();
  }
}

let registrations: Map<string, Registration>;
let meetings: Map<string, Meeting>;
let deliveries: MemoryDeliveryRepository;
let mailer: FakeMailer;
let callbacks: FakeCallbacks;
let clock: Date;
let notifier: PromotionNotifier;

beforeEach(() => {
  const reg = promotedRegistration();
  registrations = new Map([[reg.id, reg]]);
  meetings = new Map([['club-12', club12Meeting()]]);
  deliveries = new MemoryDeliveryRepository();
  mailer = new FakeMailer();
  callbacks = new FakeCallbacks();
  clock = NOW;
  notifier = new PromotionNotifier({
    registrations: {
      findById: async (id) => registrations.get(id),
      waitingPositions: async () => new Map([['workshop:socle-personnes-morales', 1]]),
    },
    meetings: { findMeeting: async (id) => meetings.get(id) },
    deliveries,
    mailer,
    callbacks,
    baseUrl: BASE_URL,
    clock: () => clock,
  });
});

describe('PromotionNotifier', () => {
  it('sends the email and the callback, and marks both', async () => {
    const outcome = await notifier.notify(promotionNotification());
    expect(outcome).toEqual({ status: 'delivered', email: 'sent', callback: 'sent' });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toBe('camille.martin@ville.example.fr');
    expect(callbacks.calls).toEqual([
      { url: 'https://demarches.example.org/club/inscription/34/jump/trigger/promu/', body: expect.objectContaining({ event: 'registration.promoted' }) },
    ]);
    expect([...deliveries.markers.values()].map((m) => [m.state, m.detail])).toEqual([
      ['sent', 'ses:m1'],
      ['sent', 'http:200'],
    ]);
  });

  it('sends nothing the second time the same notification arrives', async () => {
    await notifier.notify(promotionNotification());
    const again = await notifier.notify(promotionNotification());
    expect(again).toEqual({ status: 'delivered', email: 'already-done', callback: 'already-done' });
    expect(mailer.sent).toHaveLength(1);
    expect(callbacks.calls).toHaveLength(1);
  });

  it('has no callback channel when the form gave no callback URL', async () => {
    registrations.set('rabcdefghijklmnopqrstuvwx', promotedRegistration({ callback_url: undefined }));
    expect(await notifier.notify(promotionNotification())).toEqual({ status: 'delivered', email: 'sent', callback: 'not-applicable' });
    expect(callbacks.calls).toHaveLength(0);
  });

  it('fails on a failed callback without resending the email on the retry', async () => {
    callbacks.failNext = 1;
    const first = notifier.notify(promotionNotification());
    await expect(first).rejects.toBeInstanceOf(DeliveryFailedError);
    await expect(first).rejects.toThrow(/callback failed \(HTTP 500\)/);
    expect(mailer.sent).toHaveLength(1);
    expect(deliveries.markers.get('n1notification#callback')).toMatchObject({ state: 'failed', detail: 'HTTP 500' });

    expect(await notifier.notify(promotionNotification())).toEqual({ status: 'delivered', email: 'already-done', callback: 'sent' });
    expect(mailer.sent).toHaveLength(1);
    expect(callbacks.calls).toHaveLength(1);
  });

  it('still calls back when the email fails, and retries only the email', async () => {
    mailer.failNext = 1;
    await expect(notifier.notify(promotionNotification())).rejects.toThrow(/email failed \(SES is down\)/);
    expect(callbacks.calls).toHaveLength(1);
    expect(await notifier.notify(promotionNotification())).toEqual({ status: 'delivered', email: 'sent', callback: 'already-done' });
    expect(callbacks.calls).toHaveLength(1);
  });

  it('marks the callback skipped, for good, when its host has no signature key', async () => {
    callbacks.answer = () => ({ status: 'skipped', reason: 'no-signature-key', host: 'demarches.example.org' });
    expect(await notifier.notify(promotionNotification())).toEqual({ status: 'delivered', email: 'sent', callback: 'skipped' });
    expect(deliveries.markers.get('n1notification#callback')).toMatchObject({ state: 'skipped', detail: 'no-signature-key:demarches.example.org' });
    expect(await notifier.notify(promotionNotification())).toMatchObject({ callback: 'already-done' });
    expect(callbacks.calls).toHaveLength(1);
  });

  it('retries later while another consumer holds a live lease, and takes over an expired one', async () => {
    await deliveries.claim('n1notification', 'email', NOW, 60);
    await expect(notifier.notify(promotionNotification())).rejects.toThrow(/email failed \(email is being sent by another consumer/);
    expect(mailer.sent).toHaveLength(0);
    expect(callbacks.calls).toHaveLength(1);

    clock = new Date(NOW.getTime() + 61_000);
    expect(await notifier.notify(promotionNotification())).toMatchObject({ email: 'sent', callback: 'already-done' });
    expect(mailer.sent).toHaveLength(1);
  });

  it.each([
    ['registration-gone', () => registrations.clear()],
    ['registration-cancelled', () => registrations.set('rabcdefghijklmnopqrstuvwx', promotedRegistration({ state: 'cancelled', items: [] }))],
    [
      'item-not-confirmed',
      () =>
        registrations.set(
          'rabcdefghijklmnopqrstuvwx',
          promotedRegistration({ items: [{ key: 'day:2025-06-07', status: 'waiting', ticket: 9 }] }),
        ),
    ],
    ['meeting-gone', () => meetings.clear()],
  ] as const)('sends nothing when %s', async (reason, arrange) => {
    arrange();
    expect(await notifier.notify(promotionNotification())).toEqual({ status: 'ignored', reason });
    expect(mailer.sent).toHaveLength(0);
    expect(callbacks.calls).toHaveLength(0);
    expect(deliveries.markers.size).toBe(0);
  });
});
