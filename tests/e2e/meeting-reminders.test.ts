// Meeting reminders end to end: an organiser adds reminder rules to a meeting (admin PUT, which
// schedules them), people register through signed calls, the scheduled tick fans out, the
// queue-reminders consumer sends through the SES emulator — all through the local runtime.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const demo = demoMeeting(new Date());
const MEETING = 'club-rappels';
const first = demo.body.days[0]?.date as string;
const dueAt = DateTime.fromISO(first, { zone: demo.body.timezone }).minus({ days: 1 }).set({ hour: 9 }).toJSDate();

async function register(who: string, json: Record<string, unknown> = {}) {
  const res = await stack.fetchSigned(`/meetings/${MEETING}/registrations`, {
    method: 'POST',
    json: { form_uuid: `rappel-${who}`, email: `${who}@rappels.example.fr`, first_name: who, last_name: 'Test', organisation: 'Ville', onsite_days: [first], image_rights: 'accepted', ...json },
  });
  const body = (await res.json()) as { err: number; data: { registration_id: string; api: { ics_url: string } } };
  if (body.err !== 0) throw new Error(JSON.stringify(body));
  return body.data;
}

async function drained() {
  await stack.consumers['queue-reminders']?.poller.idle(60_000);
}

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin(`/admin/meetings/${MEETING}`, {
    method: 'PUT',
    json: { ...demo.body, reminders: [{ days_before: 1, at: '09:00' }] },
  });
  expect(put.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('meeting reminders', () => {
  it('reminds confirmed registrants once, with their calendar link, and not cancelled ones', async () => {
    const anne = await register('anne');
    const bruno = await register('bruno');
    const cancel = await stack.fetchSigned(`/registrations/${bruno.registration_id}/cancel`, { method: 'POST', json: { form_uuid: 'rappel-bruno' } });
    expect(cancel.status).toBe(200);

    const early = await stack.tick(new Date(dueAt.getTime() - 60_000));
    expect(early.find((r) => r.name === 'schedule-reminders')?.result).toMatchObject({ owners: 0 });

    const run = await stack.tick(dueAt);
    expect(run.find((r) => r.name === 'schedule-reminders')?.result).toMatchObject({ owners: 1, fannedOut: 1, queued: 1 });
    await drained();
    const mails = await stack.emails({ to: 'anne@rappels.example.fr' });
    expect(mails.filter((m) => m.subject.startsWith('Rappel :'))).toHaveLength(1);
    const [mail] = mails.filter((m) => m.subject.startsWith('Rappel :'));
    expect(mail?.body.text).toContain('Bonjour anne,');
    expect(mail?.body.text).toContain(anne.api.ics_url);
    expect(mail?.body.text).toMatch(/: sur place, place confirmée/);
    // The personal calendar is attached, as the SES emulator received it: the same events as the link.
    const attachments = (mail?.attachments ?? []) as Array<{ filename?: string; contentType?: string; content?: string }>;
    expect(attachments).toHaveLength(1);
    expect(attachments[0]?.filename).toBe(`${MEETING}.ics`);
    expect(attachments[0]?.contentType).toContain('text/calendar');
    const attached = Buffer.from(attachments[0]?.content ?? '', 'base64').toString('utf8');
    expect(attached).toContain('BEGIN:VCALENDAR');
    expect(attached).toContain(`UID:${anne.registration_id}-day:${first}@publik-club`);
    const linked = await (await fetch(anne.api.ics_url)).text();
    const events = (ics: string) => ics.split('\r\n').filter((l) => l.startsWith('UID:') || l.startsWith('DTSTART') || l.startsWith('SUMMARY:'));
    expect(events(attached)).toEqual(events(linked));
    expect((await stack.emails({ to: 'bruno@rappels.example.fr' })).filter((m) => m.subject.startsWith('Rappel :'))).toHaveLength(0);

    // The next runs find nothing due: one email in all.
    await stack.tick(new Date(dueAt.getTime() + 5 * 60_000));
    await drained();
    expect((await stack.emails({ to: 'anne@rappels.example.fr' })).filter((m) => m.subject.startsWith('Rappel :'))).toHaveLength(1);
  });
});
