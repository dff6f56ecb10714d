// Session confirmations and the delivery report end to end through the local runtime: subscribe
// (signed, as w.c.s.) → the confirmation email at once, with its invitation and the one-click
// headers; one-click unsubscribe; the series PUT scheduled the reminders, so the tick sends the
// due one to the remaining subscriber only, once; the organiser's report counts it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type StoredEmail, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const SERIES = 'club-confirmations';
// 2031-01-14 is the second Tuesday of January; 7d-0900 falls due on the 7th at 09:00 Paris.
const FIRST = `${SERIES}-2031-01-14`;
const DUE_7D = new Date('2031-01-07T08:00:00.000Z');

type Email = StoredEmail & { headers?: Array<{ name: string; value: string }>; attachments?: Array<{ contentType?: string; content?: string }> };

async function subscribe(who: string) {
  const res = await stack.fetchSigned('/sessions/subscriptions', {
    method: 'POST',
    json: { form_uuid: `rappel-${who}`, email: `${who}@sessions-confirmations.example.fr`, first_name: who, series_id: SERIES },
  });
  const body = (await res.json()) as { err: number; data: { unsubscribe_url: string; next_session: { id: string } } };
  if (body.err !== 0) throw new Error(JSON.stringify(body));
  return body.data;
}

const drained = () => stack.consumers['queue-reminders']?.poller.idle(60_000);
const emailsTo = async (who: string) => (await stack.emails({ to: `${who}@sessions-confirmations.example.fr` })) as Email[];

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin(`/admin/session-series/${SERIES}`, {
    method: 'PUT',
    json: {
      title: 'Sessions en ligne du club',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
      dtstart: '2031-01-14T14:00',
      until: '2031-12-31',
      duration_minutes: 90,
      visio_url: 'https://visio.example.org/club-publik',
      default_topic: 'Session en ligne du club',
      reminders: [{ days_before: 7, at: '09:00' }, { minutes_before: 60 }],
    },
  });
  expect(put.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('session confirmations and delivery report', () => {
  it('confirms, unsubscribes in one click, reminds only those still subscribed, once', async () => {
    const anne = await subscribe('anne');
    const bruno = await subscribe('bruno');
    expect(anne.next_session.id).toBe(FIRST);
    await drained();

    // The confirmation, at once, with the invitation and the one-click headers.
    const [confirmation] = (await emailsTo('anne')).filter((m) => m.subject.startsWith('Inscription confirmée'));
    expect(confirmation?.body.text).toContain('mardi 14 janvier 2031 à 14 h 00');
    expect(confirmation?.body.text).toContain(anne.unsubscribe_url);
    expect(confirmation?.headers).toEqual(
      expect.arrayContaining([
        { name: 'List-Unsubscribe', value: `<${anne.unsubscribe_url}>` },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]),
    );
    const ics = Buffer.from(confirmation?.attachments?.[0]?.content ?? '', 'base64').toString('utf8');
    expect(confirmation?.attachments?.[0]?.contentType).toContain('text/calendar');
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain(`UID:${FIRST}@publik-club`);

    // Bruno leaves with the one-click link of his email (RFC 8058 POST).
    const oneClick = await fetch(bruno.unsubscribe_url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);

    const run = await stack.tick(DUE_7D);
    expect(run.find((r) => r.name === 'schedule-reminders')?.result).toMatchObject({ owners: 1, fannedOut: 1, queued: 1 });
    await drained();
    const reminders = (who: string) => emailsTo(who).then((all) => all.filter((m) => m.subject.startsWith('Rappel')));
    expect(await reminders('anne')).toHaveLength(1);
    expect((await reminders('anne'))[0]?.subject).toBe('Rappel : « Session en ligne du club », mardi 14 janvier 2031 à 14 h 00');
    expect(await reminders('bruno')).toHaveLength(0);

    // The next run finds nothing new to send.
    expect((await stack.tick(new Date(DUE_7D.getTime() + 5 * 60_000))).find((r) => r.name === 'schedule-reminders')?.result).toMatchObject({ queued: 0 });
    await drained();
    expect(await reminders('anne')).toHaveLength(1);

    // The organiser's report of the occurrence.
    const report = (await (await stack.fetchAdmin(`/admin/sessions/${FIRST}/deliveries`)).json()) as { data: { counts: Record<string, number> } };
    expect(report.data.counts).toMatchObject({ sent: 3, failed: 0 });
  });

  it('coming back after unsubscribing sends a new confirmation, once; a replayed form sends none', async () => {
    const email = 'carla@sessions-confirmations.example.fr';
    const confirmations = async () => (await emailsTo('carla')).filter((m) => m.subject.startsWith('Inscription confirmée'));
    const send = async (path: string, json: Record<string, unknown>) => {
      const res = await stack.fetchSigned(path, { method: 'POST', json });
      return (await res.json()) as { err: number; data: Record<string, unknown> };
    };
    const first = await send('/sessions/subscriptions', { form_uuid: 'retour-1', email, first_name: 'Carla', series_id: SERIES });
    expect(first).toMatchObject({ err: 0, data: { already_subscribed: false, replayed: false } });
    await drained();
    expect(await confirmations()).toHaveLength(1);

    const left = await send('/sessions/subscriptions/cancel', { form_uuid: 'retour-desabonnement', email, series_id: SERIES });
    expect(left).toMatchObject({ err: 0, data: { status: 'unsubscribed', was_subscribed: true } });

    const back = await send('/sessions/subscriptions', { form_uuid: 'retour-2', email, first_name: 'Carla', series_id: SERIES });
    expect(back).toMatchObject({ err: 0, data: { already_subscribed: false, replayed: false, unsubscribe_url: first.data.unsubscribe_url } });
    await drained();
    const [, again] = await confirmations();
    expect(await confirmations()).toHaveLength(2);
    expect(again?.body.text).toContain('mardi 14 janvier 2031 à 14 h 00');
    expect(again?.body.text).toContain(String(first.data.unsubscribe_url));

    // The same form sent again is a replay, and a form while subscribed confirms nothing new.
    expect(await send('/sessions/subscriptions', { form_uuid: 'retour-2', email, first_name: 'Carla', series_id: SERIES })).toMatchObject({
      err: 0,
      data: { replayed: true },
    });
    expect(await send('/sessions/subscriptions', { form_uuid: 'retour-3', email, series_id: SERIES })).toMatchObject({
      err: 0,
      data: { already_subscribed: true },
    });
    await drained();
    expect(await confirmations()).toHaveLength(2);
  });
});
