// Ad-hoc messages to a meeting's attendees: POST /admin/meetings/{id}/messages stores the
// message, the reminder tick fans it out through the reminders queue to its audience only, once
// per person whatever the number of ticks, and the meeting's delivery report shows each email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const demo = demoMeeting(new Date());
const MEETING = 'club-messages';
const [day1, day2] = demo.body.days.map((d) => d.date) as [string, string];
const mail = (who: string) => `${who}@messages.example.fr`;

async function register(who: string, json: Record<string, unknown>) {
  const res = await stack.fetchSigned(`/meetings/${MEETING}/registrations`, {
    method: 'POST',
    json: { form_uuid: `message-${who}`, email: mail(who), first_name: who, last_name: 'Test', organisation: 'Ville', image_rights: 'accepted', ...json },
  });
  const body = (await res.json()) as { err: number; data: { registration_id: string } };
  if (body.err !== 0) throw new Error(JSON.stringify(body));
  return body.data;
}

async function post(json: unknown, meetingId = MEETING) {
  const res = await stack.fetchAdmin(`/admin/meetings/${meetingId}/messages`, { method: 'POST', json });
  return { status: res.status, body: (await res.json()) as { err: number; err_class?: string; err_desc?: string; errors?: Array<{ path: string }>; data: { message_id: string } } };
}

async function deliver() {
  await stack.tick(new Date(Date.now() + 1000));
  await stack.consumers['queue-reminders']!.poller.idle(60_000);
}

const received = async (who: string, subject: string) => (await stack.emails({ to: mail(who) })).filter((m) => m.subject.startsWith(subject));

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin(`/admin/meetings/${MEETING}`, { method: 'PUT', json: demo.body });
  expect(put.status).toBe(201);
  await register('anne', { onsite_days: [day1], workshops: ['prise-en-main-wcs'], evening_event: true });
  await register('bruno', { onsite_days: [day1] });
  await register('carla', { remote_days: [day1] });
  await register('dora', { onsite_days: [day2] });
});

afterAll(async () => {
  await stack?.stop();
});

describe('ad-hoc messages to attendees', () => {
  it('reaches its audience only, once each however many ticks run, with a delivery report', async () => {
    const sent = await post({ subject: 'Infos pratiques', text: 'Accès : 12 rue de la Paix.\n\nWi-Fi : club / publik2027.', audience: 'onsite', day: day1 });
    expect(sent.status).toBe(200);
    expect(sent.body.data).toMatchObject({ meeting_id: MEETING, audience: 'onsite', day: day1, workshop: null });
    await deliver();
    await deliver();
    for (const who of ['anne', 'bruno']) {
      const mails = await received(who, 'Infos pratiques');
      expect(mails, who).toHaveLength(1);
      expect(mails[0]?.subject).toBe(`Infos pratiques — ${demo.body.title}`);
      expect(mails[0]?.body.text).toContain(`Bonjour ${who},`);
      expect(mails[0]?.body.text).toContain('Wi-Fi : club / publik2027.');
    }
    expect(await received('carla', 'Infos pratiques')).toHaveLength(0); // remote that day
    expect(await received('dora', 'Infos pratiques')).toHaveLength(0); // on site another day

    const evening = await post({ subject: 'La soirée', text: 'Rendez-vous à 19h30.', audience: 'evening' });
    expect(evening.status).toBe(200);
    await deliver();
    expect(await received('anne', 'La soirée')).toHaveLength(1);
    expect(await received('bruno', 'La soirée')).toHaveLength(0);

    const report = (await (await stack.fetchAdmin(`/admin/meetings/${MEETING}/deliveries`)).json()) as {
      data: { deliveries: Array<{ email: string | null; kind: string; rule: string | null; status: string }> };
    };
    const lines = report.data.deliveries.filter((l) => l.kind === 'message').map((l) => [l.email, l.rule, l.status]);
    expect(lines.sort()).toEqual(
      [
        [mail('anne'), sent.body.data.message_id, 'sent'],
        [mail('bruno'), sent.body.data.message_id, 'sent'],
        [mail('anne'), evening.body.data.message_id, 'sent'],
      ].sort(),
    );
  });

  it('refuses bad input in French, naming every field, and writes nothing', async () => {
    const missing = await post({ audience: 'onsite' });
    expect(missing.status).toBe(400);
    expect(missing.body.err_class).toBe('invalid-request');
    expect(missing.body.errors?.map((e) => e.path).sort()).toEqual(['day', 'subject', 'text']);
    const workshop = await post({ subject: 'x', text: 'y', audience: 'workshop', workshop: 'atelier-inconnu' });
    expect(workshop.status).toBe(400);
    expect(workshop.body.err_desc).toContain('Atelier inconnu : « atelier-inconnu »');
    const audience = await post({ subject: 'x', text: 'y', audience: 'tout-le-monde' });
    expect(audience.status).toBe(400);
    expect(audience.body.errors?.map((e) => e.path)).toEqual(['audience']);
    const tooLong = await post({ subject: 'x'.repeat(201), text: 'y', audience: 'everyone' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors?.map((e) => e.path)).toEqual(['subject']);
    const unknown = await post({ subject: 'x', text: 'y', audience: 'everyone' }, 'club-inconnu');
    expect(unknown.status).toBe(404);
    expect(unknown.body.err_class).toBe('unknown-meeting');
    await deliver();
    expect((await stack.emails({ to: mail('anne') })).filter((m) => m.subject.startsWith('x —'))).toHaveLength(0);
  });
});
