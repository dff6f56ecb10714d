// The feedback survey through the local gateway, signed as w.c.s. signs: an organiser defines
// it, registered people answer in the three body shapes w.c.s. can send, refusals come back as
// err 1 with their class, the results and the CSV reveal no one, and bad input is a French 400
// naming the question with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import survey from '#tests/fixtures/admin-survey-club-12.json' with { type: 'json' };
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;

const meeting = {
  title: '12e Club utilisateurs Publik',
  venue: 'Villejuif',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  days: [{ date: '2027-06-07', onsite_capacity: 60, waiting_list: false }],
  workshops: [
    { id: 'socle-personnes-morales', day: '2027-06-07', title: 'Socle personnes morales', starts_at: '14:00', ends_at: '16:00', capacity: 25, waiting_list: false },
  ],
};

// The contract's example, open now, on this file's meeting; no previous survey at first. Groups
// of 3: the three answers below show their figures, the one workshop rating does not.
const definition = { ...structuredClone(survey), opens_at: '2026-01-01T00:00:00+01:00', closes_at: '2099-12-31T23:59:59+01:00', min_group_size: 3 };

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const init =
    typeof body === 'string'
      ? { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }
      : { method: 'POST', json: body };
  const res = await stack.fetchSigned(path, init);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, any> };
}

async function register(email: string, extra: Record<string, unknown> = {}) {
  const res = await post('/meetings/club-12/registrations', {
    form_uuid: `reg-${email}`,
    email,
    last_name: 'Martin',
    organisation: 'Ville de Villejuif',
    onsite_days: ['2027-06-07'],
    ...extra,
  });
  expect(res.body.err).toBe(0);
}

async function results(surveyId = 'club-12-avis') {
  const res = await stack.fetchAdmin(`/admin/surveys/${surveyId}/results`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, any> }).data;
}

const answer = (email: string, form: string, answers: Record<string, unknown>) =>
  post('/surveys/club-12-avis/responses', { form_uuid: form, email, answers });

beforeAll(async () => {
  stack = await startTestStack();
  const m = await stack.fetchAdmin('/admin/meetings/club-12', { method: 'PUT', json: meeting });
  expect(m.status).toBe(201);
  await register('claire@villejuif.fr', { profile: 'expert', workshops: ['socle-personnes-morales'] });
  await register('paul@villejuif.fr', { profile: 'newcomer' });
  await register('lea@villejuif.fr', { onsite_days: [], remote_days: ['2027-06-07'] });
  await register('marc@villejuif.fr');
  await register('zoe@villejuif.fr');
});

afterAll(async () => {
  await stack?.stop();
});

describe('defining a survey (admin)', () => {
  it('creates (201) then updates (200), the invitations kept as given', async () => {
    const created = await stack.fetchAdmin('/admin/surveys/club-12-avis', { method: 'PUT', json: definition });
    expect(created.status).toBe(201);
    const again = await stack.fetchAdmin('/admin/surveys/club-12-avis', { method: 'PUT', json: definition });
    expect(again.status).toBe(200);
    const body = (await again.json()) as { data: Record<string, any> };
    expect(body.data).toMatchObject({ id: 'club-12-avis', created: false, open: true, invitations: survey.invitations, min_group_size: 3 });
  });

  it('refuses a question named `email` with a French 400 naming it, and stores nothing', async () => {
    const bad = structuredClone(definition);
    bad.questions[0]!.id = 'email';
    const res = await stack.fetchAdmin('/admin/surveys/club-12-bad', { method: 'PUT', json: bad });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({ err: 1, err_class: 'invalid-request' });
    expect(body.errors).toEqual([{ path: 'questions[0].id', message: expect.stringContaining('réservé') }]);
    expect((await stack.fetchSigned('/surveys/club-12-bad')).status).toBe(404);
  });

  it('refuses malformed JSON with a French 400', async () => {
    const res = await stack.fetchAdmin('/admin/surveys/club-12-bad', { method: 'PUT', body: '{"meeting_id": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Record<string, any>).err_desc).toMatch(/JSON/);
  });
});

describe('what forms read', () => {
  it('the questions and `open`', async () => {
    const body = (await (await stack.fetchSigned('/surveys/club-12-avis')).json()) as Record<string, any>;
    expect(body.err).toBe(0);
    expect(body.data.open).toBe(true);
    expect(body.data.questions.map((q: any) => [q.id, q.type, q.required, q.workshop])).toEqual([
      ['global', 'rating', true, null],
      ['recommande', 'nps', true, null],
      ['format', 'single', false, null],
      ['sujets', 'multiple', false, null],
      ['atelier_socle', 'rating', false, 'socle-personnes-morales'],
      ['remarques', 'text', false, null],
    ]);
    expect(JSON.stringify(body)).not.toContain('invitations');
  });

  it('a choice question as a data source, with q and id', async () => {
    const all = (await (await stack.fetchSigned('/surveys/club-12-avis/questions/format/options')).json()) as Record<string, any>;
    expect(all).toEqual({ err: 0, data: [{ id: 'sur-place', text: 'Sur place' }, { id: 'distance', text: 'À distance' }, { id: 'hybride', text: 'Hybride' }] });
    const q = (await (await stack.fetchSigned('/surveys/club-12-avis/questions/format/options?q=a%20distance')).json()) as Record<string, any>;
    expect(q.data.map((o: any) => o.id)).toEqual(['distance']);
    expect((await stack.fetchSigned('/surveys/club-12-avis/questions/global/options')).status).toBe(404);
  });
});

describe('answering as w.c.s. does', () => {
  it('bad input: a French 400 naming each question, and nothing written', async () => {
    const out = await answer('marc@villejuif.fr', 'form-marc-bad', { global: 6, recommande: 5, format: 'ailleurs' });
    expect(out.status).toBe(400);
    expect(out.body).toMatchObject({ err: 1, err_class: 'invalid-request' });
    expect(out.body.errors).toEqual([
      { path: 'answers.global', message: 'Nombre entier de 1 à 5 attendu.' },
      { path: 'answers.format', message: expect.stringMatching(/^Option inconnue « ailleurs »/) },
    ]);
    expect(out.body.err_desc).toMatch(/^Réponses invalides : answers\.global/);
    const missing = await post('/surveys/club-12-avis/responses', { form_uuid: 'form-marc-bad', email: 'marc@villejuif.fr', global: 3 });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'recommande', message: 'Réponse obligatoire.' }]);
    const malformed = await post('/surveys/club-12-avis/responses', '{"form_uuid": "x", ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.err_class).toBe('invalid-request');
    const noEmail = await post('/surveys/club-12-avis/responses', { form_uuid: 'x', answers: { global: 3, recommande: 3 } });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.errors).toEqual([{ path: 'email', message: 'Ce champ est obligatoire.' }]);
    expect((await results()).responses).toBe(0);
  });

  it('an `answers` object: recorded, no display_id; the same form again is a replay', async () => {
    const first = await answer('claire@villejuif.fr', 'form-claire', {
      global: 5,
      recommande: 10,
      format: 'sur-place',
      sujets: ['portail', 'workflows'],
      atelier_socle: 4,
      remarques: 'Très bon club, merci !',
    });
    expect(first.status).toBe(200);
    expect(first.text).not.toContain('display_id');
    expect(first.body).toEqual({ err: 0, data: { response_id: expect.stringMatching(/^[0-9a-f]{32}$/), replayed: false } });
    const replay = await answer('claire@villejuif.fr', 'form-claire', { global: 1, recommande: 0 });
    expect(replay.body).toEqual({ err: 0, data: { response_id: null, replayed: true } });
  });

  it('top-level keys (key/value POST data, numbers and lists as text); a workshop answer of a non-participant is ignored', async () => {
    const res = await post('/surveys/club-12-avis/responses', {
      form_uuid: 'form-paul',
      email: 'Paul@Villejuif.fr ',
      global: '4',
      recommande: '7',
      sujets: 'stats,portail',
      atelier_socle: '1',
    });
    expect(res.body).toMatchObject({ err: 0, data: { replayed: false } });
  });

  it('a whole form (post_formdata): fields by question id, choice ids from `_raw`, the email from the user', async () => {
    const res = await post('/surveys/club-12-avis/responses', {
      uuid: '0b9a3c52-7e1f-4d6a-8c2b-5f4e3d2c1b0a',
      display_id: '27-3',
      receipt_time: '2027-06-10T10:12:00',
      user: { id: 3, name: 'Léa', email: 'lea@villejuif.fr', NameID: ['abc'] },
      fields: {
        global: '3',
        recommande: '4',
        format: 'À distance',
        format_raw: 'distance',
        sujets: 'Statistiques',
        sujets_raw: ['stats'],
        remarques: 'Le son à distance était faible.',
      },
      workflow: { status: { id: 'new', name: 'Nouveau' } },
    });
    expect(res.text).not.toContain('display_id');
    expect(res.body).toMatchObject({ err: 0, data: { replayed: false } });
  });

  it('refusals: already-answered, not-eligible, survey-closed (HTTP 200, err 1)', async () => {
    const other = await answer('claire@villejuif.fr', 'form-claire-2', { global: 1, recommande: 0 });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ err: 1, err_class: 'already-answered' });
    expect(other.body.err_desc).toMatch(/déjà été enregistrée/);
    const stranger = await answer('inconnu@example.org', 'form-x', { global: 1, recommande: 0 });
    expect(stranger.body).toMatchObject({ err: 1, err_class: 'not-eligible' });
    const closed = { ...definition, opens_at: '2026-01-01T00:00:00+01:00', closes_at: '2026-02-01T00:00:00+01:00' };
    expect((await stack.fetchAdmin('/admin/surveys/club-12-ferme', { method: 'PUT', json: closed })).status).toBe(201);
    const late = await post('/surveys/club-12-ferme/responses', { form_uuid: 'form-late', email: 'marc@villejuif.fr', answers: { global: 3, recommande: 3 } });
    expect(late.body).toMatchObject({ err: 1, err_class: 'survey-closed' });
    expect(((await (await stack.fetchSigned('/surveys/club-12-ferme')).json()) as any).data.open).toBe(false);
  });

  it('after the first response, a change of questions is a 409 survey-has-responses; labels may change', async () => {
    const added = structuredClone(definition);
    added.questions.push({ id: 'nouvelle', type: 'text', label: 'Nouvelle question' } as never);
    const res = await stack.fetchAdmin('/admin/surveys/club-12-avis', { method: 'PUT', json: added });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Record<string, any>).err_class).toBe('survey-has-responses');
    const relabelled = structuredClone(definition);
    relabelled.questions[0]!.label = 'Votre note globale';
    expect((await stack.fetchAdmin('/admin/surveys/club-12-avis', { method: 'PUT', json: relabelled })).status).toBe(200);
  });
});

describe('results (admin)', () => {
  it('figures, response rate, suppressed breakdowns and texts', async () => {
    const data = await results();
    expect(data).toMatchObject({ survey_id: 'club-12-avis', responses: 3, eligible: 5, response_rate: 0.6 });
    const q = (id: string) => data.questions.find((x: any) => x.id === id);
    expect(q('global')).toMatchObject({ label: 'Votre note globale', n: 3, mean: 4, median: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 } });
    expect(q('recommande')).toMatchObject({ n: 3, nps: 0, promoters: 1, passives: 1, detractors: 1 });
    expect(q('sujets').options).toEqual([
      { id: 'portail', text: 'Portail', count: 2 },
      { id: 'workflows', text: 'Workflows', count: 1 },
      { id: 'stats', text: 'Statistiques', count: 2 },
    ]);
    // One workshop participant answered: the count only, not their rating.
    expect(q('atelier_socle')).toEqual({ id: 'atelier_socle', label: expect.any(String), workshop: 'socle-personnes-morales', type: 'rating', suppressed: true, n: 1 });
    // Two free texts among groups of 3: their count only, no text.
    expect(q('remarques')).toEqual({ id: 'remarques', label: expect.any(String), type: 'text', suppressed: true, n: 2 });
    // Three responses, groups of at least 3: every group suppressed, no figure, no text.
    for (const group of [...data.breakdowns.mode, ...data.breakdowns.profile]) {
      expect(group).toEqual({ group: group.group, responses: expect.any(Number), suppressed: true });
    }
    expect(data.breakdowns.mode.map((g: any) => [g.group, g.responses])).toEqual([['onsite', 2], ['remote', 1]]);
    expect(data).not.toHaveProperty('comparison');
    expect(JSON.stringify(data)).not.toMatch(/villejuif|form-|@/);
  });

  it('CSV: one line per response, no identity and no time', async () => {
    const res = await stack.fetchAdmin('/admin/surveys/club-12-avis/results?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await res.text();
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Mode;Profil;Votre note globale;Recommanderiez-vous le club à un collègue ?;Le format qui vous convient;Les sujets à approfondir;L\'atelier Socle personnes morales;Vos remarques');
    expect(lines).toHaveLength(4);
    expect(csv).not.toMatch(/@|villejuif|form-|2027-|T\d{2}:/i);
  });

  it('comparison with the previous survey on shared questions', async () => {
    const previous = { ...definition, meeting_id: 'club-12', previous_survey_id: undefined, min_group_size: 1, questions: [{ id: 'global', type: 'rating', label: 'Note' }] };
    expect((await stack.fetchAdmin('/admin/surveys/club-11-avis', { method: 'PUT', json: previous })).status).toBe(201);
    const ok = await post('/surveys/club-11-avis/responses', { form_uuid: 'old-1', email: 'marc@villejuif.fr', global: 2 });
    expect(ok.body.err).toBe(0);
    const data = await results();
    expect(data.comparison).toEqual({ previous_survey_id: 'club-11-avis', questions: [{ id: 'global', type: 'rating', current: 4, previous: 2, delta: 2 }] });
  });
});
