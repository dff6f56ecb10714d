// A meeting day's recording: set in the meeting's definition with its programme, it is emailed
// once to everyone registered for that day (on site and remote) after the day, through the
// reminder engine; a signed GET gives the programme to a portal page.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const demo = demoMeeting(new Date());
const MEETING = 'club-replay';
const [day1, day2] = demo.body.days.map((d) => d.date) as [string, string];
const RECORDING = 'https://video.example.org/club-replay-j1';
const VISIO = 'https://visio.example.org/lien-prive';
const mail = (who: string) => `${who}@replay.example.fr`;
const programme = [
  { title: 'Ouverture', start: '0:00' },
  { title: 'Feuille de route w.c.s.', start: '12:30', slides_url: 'https://example.org/feuille-de-route.pdf' },
  { title: 'Retour d’expérience', start: '1:05:10' },
];
const days = (withRecording: boolean) =>
  demo.body.days.map((d, i) => ({ ...d, visio_url: VISIO, ...(i === 0 && withRecording ? { recording_url: RECORDING, programme } : {}) }));

async function register(who: string, json: Record<string, unknown>) {
  const res = await stack.fetchSigned(`/meetings/${MEETING}/registrations`, {
    method: 'POST',
    json: { form_uuid: `replay-${who}`, email: mail(who), first_name: who, last_name: 'Test', organisation: 'Ville', image_rights: 'accepted', ...json },
  });
  const body = (await res.json()) as { err: number };
  if (body.err !== 0) throw new Error(JSON.stringify(body));
}

const recordings = async (who: string) => (await stack.emails({ to: mail(who) })).filter((m) => m.subject.startsWith('Enregistrement :'));
const afterDay1 = DateTime.fromISO(day1, { zone: demo.body.timezone }).plus({ days: 1, minutes: 5 }).toJSDate();

beforeAll(async () => {
  stack = await startTestStack();
  expect((await stack.fetchAdmin(`/admin/meetings/${MEETING}`, { method: 'PUT', json: { ...demo.body, days: days(false) } })).status).toBe(201);
  await register('anne', { onsite_days: [day1] });
  await register('carla', { remote_days: [day1] });
  await register('dora', { onsite_days: [day2] });
});

afterAll(async () => {
  await stack?.stop();
});

describe('recordings and the programme', () => {
  it('emails the recording once to everyone registered for the day, after the day, with the chapters as links', async () => {
    const put = await stack.fetchAdmin(`/admin/meetings/${MEETING}`, { method: 'PUT', json: { ...demo.body, days: days(true) } });
    expect(put.status).toBe(200);
    // Before the day's end: nothing.
    await stack.tick(new Date(afterDay1.getTime() - 10 * 60_000));
    await stack.consumers['queue-reminders']!.poller.idle(60_000);
    expect(await recordings('anne')).toHaveLength(0);

    for (let i = 0; i < 2; i++) {
      await stack.tick(new Date(afterDay1.getTime() + i * 60_000));
      await stack.consumers['queue-reminders']!.poller.idle(60_000);
    }
    for (const who of ['anne', 'carla']) {
      const mails = await recordings(who);
      expect(mails, who).toHaveLength(1);
      const text = mails[0]?.body.text ?? '';
      expect(text).toContain(RECORDING);
      expect(text).toContain(`12:30 — Feuille de route w.c.s.`);
      expect(text).toContain(`${RECORDING}#t=750`);
      expect(text).toContain(`${RECORDING}#t=3910`);
      expect(text).toContain('https://example.org/feuille-de-route.pdf');
      expect(mails[0]?.body.html).toContain(`href="${RECORDING}#t=750"`);
    }
    expect(await recordings('dora')).toHaveLength(0);

    const report = (await (await stack.fetchAdmin(`/admin/meetings/${MEETING}/deliveries`)).json()) as {
      data: { deliveries: Array<{ email: string | null; kind: string; rule: string | null; status: string }> };
    };
    expect(report.data.deliveries.filter((l) => l.kind === 'recording').map((l) => [l.email, l.rule, l.status]).sort()).toEqual(
      [[mail('anne'), day1, 'sent'], [mail('carla'), day1, 'sent']].sort(),
    );
  });

  it('gives the programme to a portal page (signed), never the video link', async () => {
    const res = await stack.fetchSigned(`/meetings/${MEETING}/programme`);
    const raw = await res.text();
    expect(raw).not.toContain(VISIO);
    const body = JSON.parse(raw) as { err: number; data: { days: Array<{ date: string; recording_url: string | null; chapters: unknown[] }> } };
    expect(body.err).toBe(0);
    expect(body.data.days[0]).toMatchObject({ date: day1, recording_url: RECORDING });
    expect(body.data.days[0]?.chapters).toEqual([
      { title: 'Ouverture', start: '0:00', offset_seconds: 0, url: RECORDING, slides_url: null },
      { title: 'Feuille de route w.c.s.', start: '12:30', offset_seconds: 750, url: `${RECORDING}#t=750`, slides_url: 'https://example.org/feuille-de-route.pdf' },
      { title: 'Retour d’expérience', start: '1:05:10', offset_seconds: 3910, url: `${RECORDING}#t=3910`, slides_url: null },
    ]);
    expect(body.data.days[1]).toEqual({ date: day2, label: demo.body.days[1]?.label, recording_url: null, chapters: [] });
    expect((await stack.fetchSigned('/meetings/club-inconnu/programme')).status).toBe(404);
    expect((await fetch(`${stack.baseUrl}/meetings/${MEETING}/programme`)).status).toBe(403);
  });

  it('refuses a malformed start or address, naming the field', async () => {
    const bad = days(true).map((d, i) => (i === 0 ? { ...d, recording_url: 'ftp://x', programme: [{ title: 'x', start: '12h30' }] } : d));
    const res = await stack.fetchAdmin(`/admin/meetings/${MEETING}`, { method: 'PUT', json: { ...demo.body, days: bad } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ path: string; message: string }> };
    expect(body.errors.map((e) => e.path).sort()).toEqual(['days[0].programme[0].start', 'days[0].recording_url']);
  });
});
