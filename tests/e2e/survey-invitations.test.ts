// Survey invitations end to end: an organiser defines a survey with invitations (admin PUT,
// which schedules them), people register and one answers through signed calls, the scheduled
// tick fans out, queue-reminders skips the respondent and sends the others through the SES
// emulator — all through the local runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const MEETING = 'club-invitations';
const SURVEY = 'club-invitations-avis';
const DOMAIN = 'invitations.example.fr';
// Far ahead, so that the ticks below are the first to find anything due.
const SEND_AT = new Date('2098-06-09T07:00:00Z');
const R1 = new Date('2098-06-12T07:00:00Z');

const meeting = {
  title: 'Club des invitations',
  venue: 'Villejuif',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  days: [{ date: '2027-06-07', onsite_capacity: 60, waiting_list: false }],
  workshops: [],
};
const survey = {
  meeting_id: MEETING,
  title: 'Votre avis sur le club des invitations',
  opens_at: '2026-01-01T00:00:00+01:00',
  closes_at: '2098-06-30T23:59:59+02:00',
  questions: [{ id: 'global', type: 'rating', label: 'Note globale', required: true }],
  invitations: { form_url: 'https://demarches.example.org/club/avis-invitations/', send_at: '2098-06-09T09:00:00+02:00', reminder_after_days: '3', max_reminders: '1' },
};

async function register(who: string) {
  const res = await stack.fetchSigned(`/meetings/${MEETING}/registrations`, {
    method: 'POST',
    json: { form_uuid: `inv-${who}`, email: `${who}@${DOMAIN}`, first_name: who, last_name: 'Test', organisation: 'Ville', onsite_days: ['2027-06-07'] },
  });
  expect(((await res.json()) as { err: number }).err).toBe(0);
}

const drained = () => stack.consumers['queue-reminders']?.poller.idle(60_000);
const mailsTo = async (who: string) => stack.emails({ to: `${who}@${DOMAIN}` });
const reminders = (result: Array<{ name: string; result: unknown }>) => result.find((r) => r.name === 'schedule-reminders')?.result;

beforeAll(async () => {
  stack = await startTestStack();
  expect((await stack.fetchAdmin(`/admin/meetings/${MEETING}`, { method: 'PUT', json: meeting })).status).toBe(201);
  for (const who of ['alice', 'bruno', 'chloe']) await register(who);
  const put = await stack.fetchAdmin(`/admin/surveys/${SURVEY}`, { method: 'PUT', json: survey });
  expect(put.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('survey invitations', () => {
  it('refuses unusable invitations with a French 400 naming the field', async () => {
    const res = await stack.fetchAdmin(`/admin/surveys/${SURVEY}-bad`, {
      method: 'PUT',
      json: { ...survey, invitations: { ...survey.invitations, form_url: 'pas une adresse' } },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { err_class: string; err_desc: string };
    expect(body.err_class).toBe('invalid-request');
    expect(body.err_desc).toContain('invitations.form_url');
  });

  it('invites those who have not answered, then reminds them once, except whoever used the one-click link', async () => {
    const answered = await stack.fetchSigned(`/surveys/${SURVEY}/responses`, {
      method: 'POST',
      json: { form_uuid: 'avis-chloe', email: `Chloe@${DOMAIN}`, answers: { global: 5 } },
    });
    expect(((await answered.json()) as { err: number }).err).toBe(0);

    expect(reminders(await stack.tick(new Date(SEND_AT.getTime() - 60_000)))).toMatchObject({ owners: 0 });
    expect(reminders(await stack.tick(SEND_AT))).toMatchObject({ owners: 1, fannedOut: 1, queued: 3 });
    await drained();
    for (const who of ['alice', 'bruno']) {
      const mails = await mailsTo(who);
      expect(mails.map((m) => m.subject)).toEqual(['Votre avis sur « Club des invitations »']);
      expect(mails[0]?.body.text).toContain('https://demarches.example.org/club/avis-invitations/');
      expect(mails[0]?.body.text).toContain('jusqu’au lundi 30 juin 2098');
    }
    expect(await mailsTo('chloe')).toHaveLength(0);

    // Bruno's mail client uses the one-click link of his invitation (RFC 8058): the header and
    // the text carry the same address, which GET only describes and POST records.
    const invitation = (await mailsTo('bruno'))[0];
    const header = invitation?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    expect(invitation?.headers).toContainEqual({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
    const link = /^<(.+)>$/.exec(header)?.[1] ?? '';
    expect(link).toMatch(new RegExp(`^${stack.baseUrl}/u/[A-Za-z0-9_-]{43}$`));
    expect(invitation?.body.text).toContain(link);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Votre avis sur le club des invitations');
    const oneClick = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('Vous ne recevrez plus d’invitation ni de rappel');
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);

    expect(reminders(await stack.tick(R1))).toMatchObject({ fannedOut: 1, queued: 3 });
    expect(reminders(await stack.tick(R1))).toMatchObject({ fannedOut: 0, queued: 0 });
    await drained();
    expect((await mailsTo('alice')).map((m) => m.subject).sort()).toEqual(['Rappel : votre avis sur « Club des invitations »', 'Votre avis sur « Club des invitations »']);
    expect(await mailsTo('bruno')).toHaveLength(1);
    expect(await mailsTo('chloe')).toHaveLength(0);
  });
});
