// The whole loop of issue 7 through the local runtime, as w.c.s. and an organiser drive it: a
// series is defined (its reminders get scheduled), people subscribe through signed calls (a
// confirmation each, with the invitation), the tick sends the due reminder with its iCalendar
// attachment, one person unsubscribes through the one-click link, and the next due reminder
// goes to the other one only — once, however often the tick runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const SERIES = 'rappels-e2e';
const series = {
  title: 'Sessions en ligne du club',
  timezone: 'Europe/Paris',
  rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
  dtstart: '2027-01-12T14:00',
  count: 4,
  duration_minutes: 90,
  visio_url: 'https://visio.example.org/club-publik',
  default_topic: 'Session en ligne du club',
  reminders: [{ days_before: 7, at: '09:00' }, { minutes_before: 60 }],
};
// 7 days before Tuesday 12 January 2027 at 09:00 Paris (UTC+1), and 60 minutes before 14:00.
const SEVEN_DAYS_BEFORE = new Date('2027-01-05T08:00:00Z');
const ONE_HOUR_BEFORE = new Date('2027-01-12T12:00:00Z');

const drained = () => stack.consumers['queue-reminders']?.poller.idle(60_000);
const reminders = async (to: string) => (await stack.emails({ to })).filter((m) => m.subject.startsWith('Rappel :'));

async function subscribe(who: string) {
  const res = await stack.fetchSigned('/sessions/subscriptions', {
    method: 'POST',
    json: { form_uuid: `rappels-${who}`, email: `${who}@rappels-sessions.example.fr`, first_name: who, series_id: SERIES },
  });
  const body = (await res.json()) as { err: number; data: { unsubscribe_url: string; subscription_id: string } };
  expect(body.err).toBe(0);
  return body.data;
}

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin(`/admin/session-series/${SERIES}`, { method: 'PUT', json: series });
  expect(put.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('session reminders end to end', () => {
  it('subscribe → tick → email with its invitation → one-click unsubscribe → the next tick sends nothing to that person', async () => {
    const alice = await subscribe('alice');
    await subscribe('bruno');
    await drained();
    // The confirmation, sent at once through the queue, carries the next session as an invitation.
    const confirmations = (await stack.emails({ to: 'alice@rappels-sessions.example.fr' })).filter((m) => m.subject.startsWith('Inscription confirmée'));
    expect(confirmations).toHaveLength(1);

    const run = await stack.tick(SEVEN_DAYS_BEFORE);
    expect(run.find((r) => r.name === 'schedule-reminders')?.result).toMatchObject({ owners: 1, queued: 2 });
    await drained();
    const [first] = await reminders('alice@rappels-sessions.example.fr');
    expect(first?.subject).toBe('Rappel : « Session en ligne du club », mardi 12 janvier 2027 à 14 h 00');
    expect(first?.body.text).toContain('https://visio.example.org/club-publik');
    expect(first?.body.text).toContain(alice.unsubscribe_url);
    expect(JSON.stringify(first?.attachments ?? [])).toContain('text/calendar');
    expect(await reminders('bruno@rappels-sessions.example.fr')).toHaveLength(1);

    // The one-click link: GET shows a page and changes nothing, POST unsubscribes.
    // A mail scanner may open it any number of times: the person stays subscribed.
    const statusOf = async (email: string) => {
      const res = await stack.fetchAdmin(`/admin/session-series/${SERIES}/subscribers`);
      const list = (await res.json()) as { data: Array<{ email: string; status: string }> };
      return list.data.find((s) => s.email === email)?.status;
    };
    for (let i = 0; i < 2; i++) {
      const page = await fetch(alice.unsubscribe_url);
      expect(page.status).toBe(200);
      const asked = await page.text();
      expect(asked).toContain('Me désabonner');
      expect(asked).toContain('Souhaitez-vous vous désabonner');
      expect(asked).not.toContain('ne recevrez plus');
    }
    expect(await statusOf('alice@rappels-sessions.example.fr')).toBe('active');
    const done = await fetch(alice.unsubscribe_url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('vous ne recevrez plus leurs rappels');
    expect(await statusOf('alice@rappels-sessions.example.fr')).toBe('unsubscribed');

    await stack.tick(ONE_HOUR_BEFORE);
    await stack.tick(new Date(ONE_HOUR_BEFORE.getTime() + 5 * 60_000));
    await drained();
    expect(await reminders('alice@rappels-sessions.example.fr')).toHaveLength(1);
    expect(await reminders('bruno@rappels-sessions.example.fr')).toHaveLength(2);
  });

  it('a moved session: the « Changement » email gives the old date beside the new one', async () => {
    // The second occurrence, Tuesday 13 April 2027 at 14:00 (Paris), moved to Thursday 15 April.
    const moved = await stack.fetchAdmin(`/admin/sessions/${SERIES}-2027-04-13`, { method: 'PUT', json: { starts_at: '2027-04-15T14:00:00+02:00' } });
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as { data: { sequence: number } }).data.sequence).toBe(1);
    expect((await stack.tick(new Date('2027-02-01T08:00:00Z'))).find((r) => r.name === 'schedule-reminders')?.result).toMatchObject({ fannedOut: 1, queued: 1 });
    await drained();
    const updates = (await stack.emails({ to: 'bruno@rappels-sessions.example.fr' })).filter((m) => m.subject.startsWith('Changement :'));
    expect(updates).toHaveLength(1);
    expect(updates[0]?.subject).toBe('Changement : « Session en ligne du club » aura lieu le jeudi 15 avril 2027 à 14 h 00');
    expect(updates[0]?.body.text).toContain('elle aura lieu le jeudi 15 avril 2027 à 14 h 00 au lieu du mardi 13 avril 2027 à 14 h 00 (heure de Paris)');
    expect(updates[0]?.body.html).toContain('au lieu du mardi 13 avril 2027 à 14 h 00');
  });
});
