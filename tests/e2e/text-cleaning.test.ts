// One cleaning rule at the boundary for every stored free text (issue 13, low): NUL and other
// controls, bidi overrides and isolates, zero-width and other format characters never reach
// the table, whatever the route. Signed calls through the local gateway, read back through
// the admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;

/** Every character the rule removes, once each. */
const HOSTILE = '\u0000\u0007\u001b\u007f\u0085\u202e\u202d\u202a\u2066\u2069\u200b\u200c\u200d\u200e\u200f\u00ad\u2060\ufeff';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

const meeting = {
  title: 'Club nettoyage',
  venue: 'Villejuif',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  days: [{ date: '2027-06-07', onsite_capacity: 60, waiting_list: false }],
};

const survey = {
  meeting_id: 'club-clean',
  title: 'Votre avis',
  opens_at: '2026-01-01T00:00:00+01:00',
  closes_at: '2099-12-31T23:59:59+01:00',
  min_group_size: 1,
  questions: [
    { id: 'global', type: 'rating', label: 'Note', required: true },
    { id: 'remarques', type: 'text', label: 'Remarques' },
    { id: 'obligatoire', type: 'text', label: 'Texte obligatoire', required: true },
  ],
};

async function post(path: string, body: unknown) {
  const res = await stack.fetchSigned(path, { method: 'POST', json: body });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  stack = await startTestStack();
  expect((await stack.fetchAdmin('/admin/meetings/club-clean', { method: 'PUT', json: meeting })).status).toBe(201);
  expect((await stack.fetchAdmin('/admin/surveys/club-clean-avis', { method: 'PUT', json: survey })).status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('free texts are cleaned where they enter', () => {
  it('a registration keeps its names and notes without controls, bidi or zero-width characters', async () => {
    const res = await post('/meetings/club-clean/registrations', {
      form_uuid: 'reg-clean-1',
      email: 'ann@example.org',
      last_name: `Mar${HOSTILE}tin`,
      organisation: `Ville\u200b de\u202e Test${HOSTILE}`,
      dietary_requirements: `Sans\u0000 gluten\u2066\r\nSans lactose\u200d`,
      onsite_days: ['2027-06-07'],
    });
    expect(res.body.err).toBe(0);
    const list = await stack.fetchAdmin('/admin/meetings/club-clean/registrations');
    const text = await list.text();
    expect(text).not.toMatch(/\\u00(0|1|7f|8|9)|\\u20[06]|\\u00ad|\\ufeff/i);
    const reg = (JSON.parse(text) as { data: Array<Record<string, unknown>> }).data[0]!;
    expect(reg).toMatchObject({ last_name: 'Martin', organisation: 'Ville de Test', dietary_requirements: 'Sans gluten\nSans lactose' });
    expect(JSON.stringify(reg)).not.toMatch(UNSAFE);
  });

  it('a survey free text is stored without NUL, bidi overrides or zero-width characters; one of only invisible characters is no answer', async () => {
    const invisible = await post('/surveys/club-clean-avis/responses', {
      form_uuid: 'form-clean-0',
      email: 'ann@example.org',
      answers: { global: 4, obligatoire: '\u200b\u202e\u0000' },
    });
    expect(invisible.status).toBe(400);
    expect(invisible.body).toMatchObject({ err: 1, err_class: 'invalid-request' });
    expect(invisible.body.errors).toEqual([{ path: 'answers.obligatoire', message: 'Réponse obligatoire.' }]);

    const res = await post('/surveys/club-clean-avis/responses', {
      form_uuid: 'form-clean-1',
      email: 'ann@example.org',
      answers: { global: 4, remarques: `\u202eTrès\u0000 bon${HOSTILE} club\r\nmerci\u2069 !\u200b `, obligatoire: 'Oui' },
    });
    expect(res.body).toMatchObject({ err: 0, data: { replayed: false } });
    const results = await stack.fetchAdmin('/admin/surveys/club-clean-avis/results');
    const data = ((await results.json()) as { data: Record<string, any> }).data;
    const texts = data.questions.find((q: { id: string }) => q.id === 'remarques').texts as string[];
    expect(texts).toEqual(['Très bon club\nmerci !']);
    expect(JSON.stringify(data)).not.toMatch(UNSAFE);
  });
});
