// A meeting day's video link (`visio_url`) is for the people attending it remotely: it is never
// in a data source, nor in the organisers' lists (it reaches people through their reminders and
// their personal .ics, tests/unit/registrations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const demo = demoMeeting(new Date());
const MEETING = 'club-visio';
const VISIO = 'https://visio.example.org/salle-secrete-du-club';
const days = demo.body.days.map((d) => ({ ...d, visio_url: `${VISIO}/${d.date}` }));
const first = days[0]!.date;

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin(`/admin/meetings/${MEETING}`, { method: 'PUT', json: { ...demo.body, days } });
  expect(put.status).toBe(201);
  expect(await put.text()).not.toContain(VISIO);
});

afterAll(async () => {
  await stack?.stop();
});

describe('visio_url', () => {
  it('appears in no data source and no organiser list, but in the remote attendee\'s calendar', async () => {
    const res = await stack.fetchSigned(`/meetings/${MEETING}/registrations`, {
      method: 'POST',
      json: { form_uuid: 'visio-1', email: 'distance@visio.example.fr', first_name: 'Dan', last_name: 'Distance', organisation: 'Ville', remote_days: [first], image_rights: 'accepted' },
    });
    const answer = (await res.json()) as { err: number; data: { registration_id: string; api: { ics_url: string } } };
    expect(answer.err, JSON.stringify(answer)).toBe(0);
    expect(JSON.stringify(answer)).not.toContain(VISIO);

    const signed = ['/meetings', `/meetings/${MEETING}`, `/meetings/${MEETING}/days`, `/meetings/${MEETING}/workshops`, `/registrations/${answer.data.registration_id}`];
    for (const path of signed) {
      const body = await (await stack.fetchSigned(path)).text();
      expect(body, path).toContain('"err":0');
      expect(body, path).not.toContain('salle-secrete');
    }
    const admin = ['/admin/meetings', `/admin/meetings/${MEETING}`, `/admin/meetings/${MEETING}/registrations`, `/admin/meetings/${MEETING}/registrations?format=csv`];
    for (const path of admin) {
      const res = await stack.fetchAdmin(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).not.toContain(VISIO);
    }
    // Where it does go: the personal calendar of someone attending that day remotely.
    const ics = await (await fetch(answer.data.api.ics_url)).text();
    expect(ics.replace(/\r\n /g, '')).toMatch(new RegExp(`\\r\\nURL(;[^:]*)?:${VISIO}/${first}\\r\\n`));
  });
});
