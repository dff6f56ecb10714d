// send_confirmation: a meeting may send its own confirmation email on each new registration,
// with the personal .ics attached, through the outbox and the notification queue (queue-notifier),
// exactly once. Off by default (the w.c.s. workflow usually sends its own).
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frenchDayLabel } from '#shared/domain/meetings/views.ts';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const demo = demoMeeting(new Date());
const first = demo.body.days[0]?.date as string;
const evening = demo.body.evening_event!;

async function register(meetingId: string, who: string) {
  const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, {
    method: 'POST',
    json: { form_uuid: `confirm-${meetingId}-${who}`, email: `${who}@confirmation.example.fr`, first_name: who, last_name: 'Test', organisation: 'Ville', onsite_days: [first], evening_event: true, image_rights: 'accepted' },
  });
  const body = (await res.json()) as { err: number; data: { registration_id: string; replayed: boolean; api: { ics_url: string } } };
  if (body.err !== 0) throw new Error(JSON.stringify(body));
  return body.data;
}

const drained = () => stack.consumers['queue-notifier']!.poller.idle(60_000);
const confirmations = async (who: string) =>
  (await stack.emails({ to: `${who}@confirmation.example.fr` })).filter((m) => m.subject.startsWith('Inscription enregistrée'));

beforeAll(async () => {
  stack = await startTestStack();
  for (const [id, extra] of [['club-confirme', { send_confirmation: true }], ['club-muet', {}]] as const) {
    const put = await stack.fetchAdmin(`/admin/meetings/${id}`, { method: 'PUT', json: { ...demo.body, ...extra } });
    expect(put.status).toBe(201);
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('send_confirmation', () => {
  it('sends one confirmation with the personal calendar attached, even when the form is sent again', async () => {
    const alice = await register('club-confirme', 'alice');
    const again = await register('club-confirme', 'alice');
    expect(again.replayed).toBe(true);
    await drained();
    const mails = await confirmations('alice');
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.subject).toBe(`Inscription enregistrée : ${demo.body.title}`);
    expect(mail?.body.text).toContain('Bonjour alice,');
    expect(mail?.body.text).toContain(': sur place, place confirmée');
    expect(mail?.body.text).toContain(alice.api.ics_url);
    const attachments = (mail?.attachments ?? []) as Array<{ filename?: string; contentType?: string; content?: string }>;
    expect(attachments).toHaveLength(1);
    expect(attachments[0]?.filename).toBe('club-confirme.ics');
    expect(attachments[0]?.contentType).toContain('text/calendar');
    const ics = Buffer.from(attachments[0]?.content ?? '', 'base64').toString('utf8');
    // Parsed: the day, then the evening event on its own date (the eve of the first day) — a second VEVENT.
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.uid, e.startDate.toString()])).toEqual([
      [`${alice.registration_id}-day:${first}@publik-club`, first],
      [`${alice.registration_id}-evening@publik-club`, evening.date],
    ]);
    expect(events[1]?.summary).toBe(`${evening.title} — ${demo.body.title}`);
    // And the email gives the evening's date beside it.
    expect(mail?.body.text).toContain(`- ${evening.title} (${frenchDayLabel(evening.date)}) : place confirmée`);
  });

  it('sends nothing when the meeting does not ask for it (the default)', async () => {
    await register('club-muet', 'bruno');
    await drained();
    expect(await confirmations('bruno')).toHaveLength(0);
  });
});
