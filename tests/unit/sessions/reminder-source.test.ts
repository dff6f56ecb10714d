// The session source at delivery time: what it re-checks before composing.
import { describe, expect, it } from 'vitest';
import type { DeliverMessage } from '#shared/domain/reminders/model.ts';
import { sessionEmail } from '#shared/domain/sessions/reminder-email.ts';
import { SessionSeriesSource } from '#shared/domain/sessions/reminder-source.ts';
import { FakeSessionCatalog, seriesFixture } from './fakes.ts';

const START = '2027-01-12T13:00:00.000Z';
const now = new Date('2027-01-05T08:00:00Z');

function setup() {
  const catalog = new FakeSessionCatalog();
  const f = seriesFixture('club', START, 2, 'ville.example.fr');
  catalog.addSeries(f.series, [f.occurrence], f.subscribers);
  const source = new SessionSeriesSource(catalog, { baseUrl: 'https://club.example.org', organizer: { name: 'Club', email: 'club@example.org' }, render: sessionEmail });
  const message = (over: Partial<DeliverMessage> = {}): DeliverMessage => ({
    type: 'reminder.deliver',
    owner_kind: 'session-series',
    owner_id: 'club',
    subject: f.occurrence.id,
    kind: 'reminder',
    rule: '7d-0900',
    sequence: 0,
    recipient: 'sub-00000',
    ...over,
  });
  return { catalog, f, source, message };
}

describe('session source: compose', () => {
  it('confirms a subscription with the next occurrence as an invitation', async () => {
    const { source, message } = setup();
    const out = await source.compose(message({ kind: 'confirmation', rule: null }), now);
    if (out.status !== 'send') throw new Error(out.reason);
    expect(out.email.subject).toBe('Inscription confirmée : Sessions en ligne du club');
    expect(out.email.text).toContain('Prochaine session : « Le nouveau portail agent », le mardi 12 janvier 2027 à 14 h 00 (heure de Paris).');
    expect(out.email.attachments?.[0]?.contentType).toBe('text/calendar; charset=UTF-8; method=REQUEST');
  });

  it('sends nothing to someone who unsubscribed, nor a reminder made stale by a move, nor one for a cancelled or past session', async () => {
    const { catalog, f, source, message } = setup();
    const leaver = catalog.subscribersBySeries.get('club')?.[1];
    if (leaver) leaver.active = false;
    expect(await source.compose(message({ recipient: 'sub-00001' }), now)).toEqual({ status: 'skip', reason: 'unsubscribed', to: 'p1@ville.example.fr' });
    expect(await source.compose(message({ recipient: 'sub-99999' }), now)).toEqual({ status: 'skip', reason: 'unsubscribed' });

    catalog.occurrences.set(f.occurrence.id, { ...f.occurrence, sequence: 1, starts_at: '2027-01-14T13:00:00.000Z' });
    expect(await source.compose(message(), now)).toMatchObject({ status: 'skip', reason: 'outdated' });
    expect(await source.compose(message({ kind: 'update', rule: null, sequence: 1 }), now)).toMatchObject({ status: 'send' });

    catalog.occurrences.set(f.occurrence.id, { ...f.occurrence, sequence: 2, cancelled: true });
    expect(await source.compose(message({ sequence: 2 }), now)).toMatchObject({ status: 'skip', reason: 'cancelled' });
    expect(await source.compose(message({ kind: 'cancellation', rule: null, sequence: 2 }), now)).toMatchObject({ status: 'send' });

    catalog.occurrences.set(f.occurrence.id, f.occurrence);
    expect(await source.compose(message(), new Date(START))).toMatchObject({ status: 'skip', reason: 'past' });
    expect(await source.compose(message({ owner_id: 'other' }), now)).toEqual({ status: 'skip', reason: 'occurrence-gone' });
  });
});
