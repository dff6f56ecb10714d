// The vote through the local gateway as w.c.s. calls it (signed; key/value and whole-form
// bodies): propose → co-sign → open → vote → replace → close → results, every refusal class
// a form branches on, and bad input (400 in French, nothing written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const MEETING = 'club-vote-e2e';
const CAMPAIGN = 'evol-e2e';
const past = new Date(Date.now() - 86_400_000).toISOString();
const future = new Date(Date.now() + 30 * 86_400_000).toISOString();

type Answer = { status: number; body: Record<string, any>; text: string };

async function send(path: string, init: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await stack.fetchSigned(path, { method: init.method ?? 'POST', json: init.json, body: init.body, headers: init.headers });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, any> };
}
const get = (path: string) => send(path, { method: 'GET' });
async function admin(path: string, method = 'GET', json?: unknown): Promise<Answer> {
  const res = await stack.fetchAdmin(path, { method, json });
  const text = await res.text();
  return { status: res.status, text, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : {} };
}

const campaignBody = {
  title: 'Évolutions 2027 : le vote des collectivités',
  meeting_id: MEETING,
  proposals_open_at: past,
  proposals_close_at: future,
  supporters_needed: 2,
  method: 'approval',
  max_choices: 1,
  min_choices: 1,
  retain: 1,
  results_visibility: 'after-close',
  electorate: 'meeting',
};

const proposal = (n: number, organisation: string) => ({
  form_uuid: `prop-${n}`,
  form_number: `7-${n}`,
  campaign_id: CAMPAIGN,
  title: `Proposition ${n}`,
  description: 'Pouvoir faire ceci.',
  use_case: 'Chez nous, les agents doivent…',
  component: 'w.c.s.',
  organisation,
  email: `proposer${n}@example.org`,
  first_name: 'Prénom',
  last_name: 'Nom',
});

const ids: string[] = [];
const ballotsCount = async () => (await admin(`/admin/campaigns/${CAMPAIGN}/ballots`)).body.data.length as number;

beforeAll(async () => {
  stack = await startTestStack();
  const meeting = await stack.fetchAdmin(`/admin/meetings/${MEETING}`, {
    method: 'PUT',
    json: {
      title: 'Club e2e',
      venue: 'Villejuif',
      registration_opens_at: past,
      registration_closes_at: future,
      days: [{ date: '2030-06-07', onsite_capacity: 50, waiting_list: false }],
    },
  });
  expect([200, 201]).toContain(meeting.status);
  const registrations: Array<[string, string]> = [
    ['alice@villejuif.fr', 'Ville de Villejuif'],
    ['bruno@villejuif.fr', 'ville-de-villejuif'],
    ['carla@lyon.fr', 'Métropole de Lyon'],
  ];
  for (const [email, organisation] of registrations) {
    const r = await send(`/meetings/${MEETING}/registrations`, {
      json: { form_uuid: `reg-${email}`, email, last_name: 'Agent', organisation, onsite_days: '2030-06-07' },
    });
    expect(r.body.err).toBe(0);
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('the vote, from proposals to results', () => {
  it('an organiser creates the campaign (201, then 200)', async () => {
    const created = await admin(`/admin/campaigns/${CAMPAIGN}`, 'PUT', campaignBody);
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ campaign_id: CAMPAIGN, proposals_open: true, vote_status: 'not-open', created: true });
    const updated = await admin(`/admin/campaigns/${CAMPAIGN}`, 'PUT', campaignBody);
    expect(updated.status).toBe(200);
    const bad = await admin(`/admin/campaigns/${CAMPAIGN}`, 'PUT', { ...campaignBody, method: 'points' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'points_total', message: 'Obligatoire pour un vote par points.' }]);
  });

  it('GET answers the stored definition in the PUT’s shape: one field changed and PUT back, only it changes; 404 unknown', async () => {
    const before = await admin(`/admin/campaigns/${CAMPAIGN}`);
    expect(before.status).toBe(200);
    expect(before.body.data).toEqual({ ...campaignBody });
    expect(before.body.meta).toMatchObject({ campaign_id: CAMPAIGN, vote_status: 'not-open', proposals_open: true, version: 2 });
    const put = await admin(`/admin/campaigns/${CAMPAIGN}`, 'PUT', { ...before.body.data, supporters_needed: 3 });
    expect(put.status).toBe(200);
    const after = await admin(`/admin/campaigns/${CAMPAIGN}`);
    expect(after.body.data).toEqual({ ...before.body.data, supporters_needed: 3 });
    expect(after.body.meta.version).toBe(3);
    expect((await admin(`/admin/campaigns/${CAMPAIGN}`, 'PUT', before.body.data)).status).toBe(200);
    const unknown = await admin('/admin/campaigns/evolutions-1999');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ err: 1, err_class: 'unknown-campaign' });
  });

  it('organisations propose (key/value data); the same form again is a replay', async () => {
    for (const [n, org] of [[1, 'Ville de Villejuif'], [2, 'Métropole de Lyon'], [3, 'Ville de Villejuif']] as const) {
      const r = await send('/proposals', { json: proposal(n, org) });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        err: 0,
        data: { proposal_id: `${CAMPAIGN}-p${n}`, campaign_id: CAMPAIGN, status: 'cosignable', supporters: 1, supporters_needed: 2, replayed: false },
      });
      expect(r.text).not.toContain('display_id');
      ids.push(r.body.data.proposal_id);
    }
    const again = await send('/proposals', { json: proposal(1, 'Ville de Villejuif') });
    expect(again.body.data).toMatchObject({ proposal_id: ids[0], replayed: true });
  });

  it('other organisations co-sign (whole form); one co-signature per organisation', async () => {
    const wholeForm = (uuid: string, organisation: string) => ({
      uuid,
      display_id: '8-1',
      fields: { email: 'carla@lyon.fr', organisation, first_name: 'Carla', comment: 'Nous aussi.' },
      workflow: { status: { id: '1' } },
      extra: {},
    });
    const first = await send(`/proposals/${ids[0]}/cosignatures`, { json: wholeForm('cosign-1', 'Métropole de Lyon') });
    expect(first.body).toEqual({ err: 0, data: { proposal_id: ids[0], supporters: 2, status: 'eligible', replayed: false } });
    const replay = await send(`/proposals/${ids[0]}/cosignatures`, { json: wholeForm('cosign-1', 'Métropole de Lyon') });
    expect(replay.body.data).toMatchObject({ supporters: 2, replayed: true });
    const twice = await send(`/proposals/${ids[0]}/cosignatures`, { json: wholeForm('cosign-2', 'METROPOLE DE LYON') });
    expect(twice.body).toMatchObject({ err: 1, err_class: 'already-supported', data: { supporters: 2 } });
    const own = await send(`/proposals/${ids[1]}/cosignatures`, { json: wholeForm('cosign-3', 'Metropole-de-Lyon') });
    expect(own.body.err_class).toBe('already-supported');
    const p2 = await send(`/proposals/${ids[1]}/cosignatures`, { json: { form_uuid: 'cosign-4', email: 'alice@villejuif.fr', organisation: 'Ville de Villejuif' } });
    expect(p2.body.data).toMatchObject({ supporters: 2, status: 'eligible' });
    expect((await send('/proposals/nope-p9/cosignatures', { json: { form_uuid: 'x', email: 'a@b.fr', organisation: 'X' } })).status).toBe(404);
  });

  it('data sources and views: proposals by status, one proposal with its supporters, the campaign state', async () => {
    const eligible = await get('/proposals?status=eligible');
    expect(eligible.body.data.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[1]]);
    expect(eligible.body.data[0].text).toBe('Proposition 1 (Ville de Villejuif, 2 organisations)');
    const cosignable = await get(`/proposals?campaign=${CAMPAIGN}&status=cosignable&q=proposition`);
    expect(cosignable.body.data).toEqual([expect.objectContaining({ id: ids[2], text: 'Proposition 3 (Ville de Villejuif, 1/2 soutiens)' })]);
    const one = await get(`/proposals/${ids[0]}`);
    expect(one.body.data).toMatchObject({ status: 'eligible', supporting_organisations: ['Ville de Villejuif', 'Métropole de Lyon'] });
    expect(JSON.stringify(one.body)).not.toContain('@');
    const state = await get(`/campaigns/${CAMPAIGN}`);
    expect(state.body.data).toMatchObject({ proposals_open: true, vote_status: 'not-open', method: 'approval', max_choices: 1, min_choices: 1 });
    expect((await get(`/campaigns/${CAMPAIGN}/proposals`)).body.data.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[1]]);
    expect((await get('/campaigns/inconnue')).status).toBe(404);
    expect((await get('/proposals/inconnue')).status).toBe(404);
  });

  it('before the opening a ballot is refused: campaign-closed', async () => {
    const r = await send(`/campaigns/${CAMPAIGN}/ballots`, { json: { form_uuid: 'b-early', email: 'alice@villejuif.fr', choices: ids[0] } });
    expect(r.body).toMatchObject({ err: 1, err_class: 'campaign-closed' });
  });

  it('the organiser opens the vote: the ballot is frozen, proposing and co-signing close', async () => {
    const opened = await admin(`/admin/campaigns/${CAMPAIGN}/open`, 'POST');
    expect(opened.body.data).toMatchObject({ vote_status: 'open', proposals_open: false, ballot: [ids[0], ids[1]], changed: true });
    expect((await admin(`/admin/campaigns/${CAMPAIGN}/open`, 'POST')).body.data.changed).toBe(false);
    const late = await send(`/proposals/${ids[2]}/cosignatures`, { json: { form_uuid: 'cosign-late', email: 'carla@lyon.fr', organisation: 'Métropole de Lyon' } });
    expect(late.body.err_class).toBe('proposals-closed');
    expect((await send('/proposals', { json: proposal(4, 'Ville de Villejuif') })).body.err_class).toBe('proposals-closed');
  });

  it('registered agents vote for their organisation; another agent of it replaces the ballot', async () => {
    const first = await send(`/campaigns/${CAMPAIGN}/ballots`, {
      json: { form_uuid: 'b-1', email: 'alice@villejuif.fr', organisation: 'Ignorée', choices: ids[0] },
    });
    expect(first.body.err).toBe(0);
    expect(first.body.data).toMatchObject({ organisation: 'Ville de Villejuif', choices: [ids[0]], replaced: false, replayed: false });
    expect(first.text).not.toContain('display_id');
    const replaced = await send(`/campaigns/${CAMPAIGN}/ballots`, {
      json: { uuid: 'b-2', display_id: '9-2', fields: { email: 'bruno@villejuif.fr', choices: 'Proposition 2', choices_raw: [ids[1]] }, workflow: {}, extra: {} },
    });
    expect(replaced.body.data).toMatchObject({ ballot_id: first.body.data.ballot_id, choices: [ids[1]], replaced: true });
    const lyon = await send(`/campaigns/${CAMPAIGN}/ballots`, { json: { form_uuid: 'b-3', email: 'carla@lyon.fr', choices: JSON.stringify([ids[1]]) } });
    expect(lyon.body.data).toMatchObject({ organisation: 'Métropole de Lyon', replaced: false });
    const replay = await send(`/campaigns/${CAMPAIGN}/ballots`, { json: { form_uuid: 'b-3', email: 'carla@lyon.fr', choices: [ids[1]] } });
    expect(replay.body.data).toMatchObject({ replayed: true, cast_at: lyon.body.data.cast_at });
    expect(await ballotsCount()).toBe(2);
  });

  it('every refusal class of a ballot, with nothing written', async () => {
    const vote = (json: Record<string, unknown>) => send(`/campaigns/${CAMPAIGN}/ballots`, { json: { form_uuid: `r-${Math.random()}`, email: 'carla@lyon.fr', ...json } });
    expect((await vote({ choices: [ids[0], ids[1]] })).body.err_class).toBe('too-many-choices');
    expect((await vote({ choices: [] })).body.err_class).toBe('too-few-choices');
    const unknown = await vote({ choices: [ids[2]] });
    expect(unknown.body).toMatchObject({ err: 1, err_class: 'unknown-proposal', data: { unknown: [ids[2]] } });
    expect((await vote({ email: 'stranger@example.org', choices: [ids[0]] })).body.err_class).toBe('not-in-electorate');
    const results = await get(`/campaigns/${CAMPAIGN}/results`);
    expect(results.body).toMatchObject({ err: 1, err_class: 'results-not-visible' });
    expect(typeof results.body.err_desc).toBe('string');
    expect(await ballotsCount()).toBe(2);
  });

  it('bad input is a French 400 naming the field, and writes nothing', async () => {
    const path = `/campaigns/${CAMPAIGN}/ballots`;
    const notAList = await send(path, { json: { form_uuid: 'bad-1', email: 'carla@lyon.fr', choices: { a: 1 } } });
    expect(notAList.status).toBe(400);
    expect(notAList.body).toMatchObject({ err: 1, err_class: 'invalid-request', errors: [{ path: 'choices' }] });
    const repeated = await send(path, { json: { form_uuid: 'bad-2', email: 'carla@lyon.fr', choices: `${ids[0]},${ids[0]}` } });
    expect(repeated.status).toBe(400);
    expect(repeated.body.err_desc).toContain('deux fois');
    const missing = await send(path, { json: { form_uuid: 'bad-3', email: 'carla@lyon.fr' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'choices' })]);
    const malformed = await send(path, { body: '{"form_uuid": "bad-4", ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.err_desc).toMatch(/JSON/);
    const noEmail = await send(path, { json: { form_uuid: 'bad-5', choices: [ids[0]] } });
    expect(noEmail.body.errors).toEqual([{ path: 'email', message: 'Ce champ est obligatoire.' }]);
    expect(await ballotsCount()).toBe(2);
  });

  it('the organiser closes the vote; results are public, ranked, and equal to a recount', async () => {
    const closed = await admin(`/admin/campaigns/${CAMPAIGN}/close`, 'POST');
    expect(closed.body.data).toMatchObject({ vote_status: 'closed', changed: true });
    expect((await admin(`/admin/campaigns/${CAMPAIGN}/close`, 'POST')).body.data.changed).toBe(false);
    const after = await send(`/campaigns/${CAMPAIGN}/ballots`, { json: { form_uuid: 'b-after', email: 'carla@lyon.fr', choices: [ids[0]] } });
    expect(after.body.err_class).toBe('campaign-closed');

    const results = await get(`/campaigns/${CAMPAIGN}/results`);
    expect(results.body.data).toEqual({
      campaign_id: CAMPAIGN,
      vote_status: 'closed',
      method: 'approval',
      retain: 1,
      ballots: 2,
      electorate: 2,
      turnout: 1,
      tie_at_cutoff: false,
      proposals: [
        { proposal_id: ids[1], title: 'Proposition 2', organisation: 'Métropole de Lyon', score: 2, supporters: 2, rank: 1, retained: true, tied_at_cutoff: false },
        { proposal_id: ids[0], title: 'Proposition 1', organisation: 'Ville de Villejuif', score: 0, supporters: 2, rank: 2, retained: false, tied_at_cutoff: false },
      ],
    });
    const recount = await admin(`/admin/campaigns/${CAMPAIGN}/recount`, 'POST');
    expect(recount.body.data).toMatchObject({ equal: true });
    expect(recount.body.data.live).toEqual(recount.body.data.recount);

    const csv = await stack.fetchAdmin(`/admin/campaigns/${CAMPAIGN}/results?format=csv`);
    const bytes = Buffer.from(await csv.arrayBuffer());
    const csvText = bytes.toString('utf8');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csvText).toContain('Rang;Proposition;Titre');
    const ballots = await (await stack.fetchAdmin(`/admin/campaigns/${CAMPAIGN}/ballots?format=csv`)).text();
    // Each choice with its title; the agent named as registered (the ballot form sent no name).
    expect(ballots.split('\r\n')[1]).toMatch(new RegExp(`^Métropole de Lyon;${ids[1]} « Proposition \\d+ »;Agent;carla@lyon\\.fr;`));
    expect(ballots).toMatch(/Ville de Villejuif;[^;]+;Agent;bruno@villejuif\.fr;\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2};\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2};1/);
  });
});

describe('points campaigns and listed electorates', () => {
  it('points: limits, and malformed points are 400s', async () => {
    const id = 'points-e2e';
    const put = await admin(`/admin/campaigns/${id}`, 'PUT', {
      title: 'Par points',
      method: 'points',
      points_total: 5,
      max_points_per_proposal: 3,
      electorate: ['Ville de Saint-Étienne', 'Brest Métropole'],
    });
    expect(put.status).toBe(201);
    const made = await send('/proposals', { json: { ...proposal(10, 'Brest Métropole'), campaign_id: id } });
    await send(`/proposals/${made.body.data.proposal_id}/cosignatures`, { json: { form_uuid: 'pc-1', email: 'x@se.fr', organisation: 'Ville de Saint-Étienne' } });
    expect((await admin(`/admin/campaigns/${id}/open`, 'POST')).body.data.ballot).toEqual([made.body.data.proposal_id]);
    const pid = made.body.data.proposal_id as string;
    const vote = (json: Record<string, unknown>) => send(`/campaigns/${id}/ballots`, { json: { form_uuid: `pv-${Math.random()}`, email: 'x@se.fr', ...json } });

    expect((await vote({ organisation: 'ville de saint etienne', points: { [pid]: 4 } })).body.err_class).toBe('points-exceeded');
    expect((await vote({ organisation: 'Paris', points: { [pid]: 1 } })).body.err_class).toBe('not-in-electorate');
    expect((await vote({ organisation: 'Brest Métropole', points: 'autre-p1:1' })).body.err_class).toBe('unknown-proposal');
    for (const points of [{ [pid]: -1 }, { [pid]: 1.5 }, `${pid}:2.5`, [pid], 'nimporte quoi']) {
      const r = await vote({ organisation: 'Brest Métropole', points });
      expect(r.status).toBe(400);
      expect(r.body.err_class).toBe('invalid-request');
      expect(r.body.errors[0].path).toMatch(/^points/);
    }
    expect((await vote({ points: { [pid]: 1 } })).status).toBe(400); // organisation required for a list
    const ok = await vote({ organisation: 'Ville de Saint Etienne', points: `${pid}:3` });
    expect(ok.body.data).toMatchObject({ organisation: 'Ville de Saint-Étienne', points: { [pid]: 3 }, replaced: false });
    expect((await admin(`/admin/campaigns/${id}/ballots`)).body.data).toHaveLength(1);

    // Two campaigns now: the proposals data source needs campaign=.
    const ambiguous = await get('/proposals');
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.errors).toEqual([expect.objectContaining({ path: 'campaign' })]);
  });
});

describe('the demo campaign of `npm start`', () => {
  it('is seeded through the real routes, and seeding again changes nothing', async () => {
    const { seedDemoVotes, DEMO_CAMPAIGN_ID } = await import('../../scripts/local/demo-votes.ts');
    const first = await seedDemoVotes(stack.baseUrl, stack.keys, stack.adminToken, new Date());
    expect(first).toMatchObject({ ok: true, campaignId: DEMO_CAMPAIGN_ID });
    expect(first.proposals).toHaveLength(3);
    const again = await seedDemoVotes(stack.baseUrl, stack.keys, stack.adminToken, new Date());
    expect(again.proposals).toEqual(first.proposals);
    const eligible = await get(`/proposals?campaign=${DEMO_CAMPAIGN_ID}&status=eligible`);
    expect(eligible.body.data.map((i: { id: string }) => i.id)).toEqual([first.proposals[0]]);
  });
});
