// The admin lists the console reads (issue 18): GET /admin/campaigns (state, windows, ballots
// cast), GET /admin/campaigns/{id}/proposals (every proposal, cosignable ones included) and
// GET /admin/surveys (window, responses, rate). Each answer is validated against the OpenAPI
// document by the e2e setup; the figures must equal those of the detailed routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const MEETING = 'club-lists';
const past = new Date(Date.now() - 86_400_000).toISOString();
const future = new Date(Date.now() + 30 * 86_400_000).toISOString();

async function admin(path: string, method = 'GET', json?: unknown): Promise<{ status: number; body: Record<string, any> }> {
  const res = await stack.fetchAdmin(path, { method, json });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
async function signed(path: string, json: unknown): Promise<Record<string, any>> {
  const res = await stack.fetchSigned(path, { method: 'POST', json });
  return (await res.json()) as Record<string, any>;
}

const campaign = (title: string) => ({
  title,
  meeting_id: MEETING,
  proposals_open_at: past,
  proposals_close_at: future,
  supporters_needed: 2,
  method: 'approval',
  max_choices: 2,
  min_choices: 1,
  retain: 1,
  results_visibility: 'live',
  electorate: 'meeting',
});

const ORGS = ['Ville de Villejuif', 'Métropole de Lyon', 'Ville de Nancy'];

beforeAll(async () => {
  stack = await startTestStack();
  expect((await admin(`/admin/meetings/${MEETING}`, 'PUT', {
    title: 'Club listes',
    venue: 'Villejuif',
    registration_opens_at: past,
    registration_closes_at: future,
    days: [{ date: '2030-06-07', onsite_capacity: 50, waiting_list: false }],
  })).status).toBe(201);
  for (const [i, organisation] of ORGS.entries()) {
    const r = await signed(`/meetings/${MEETING}/registrations`, {
      form_uuid: `reg-${i}`, email: `agent${i}@example.org`, last_name: 'Agent', organisation, onsite_days: '2030-06-07',
    });
    expect(r.err).toBe(0);
  }
  expect((await admin('/admin/campaigns/evol-a', 'PUT', campaign('Évolutions A'))).status).toBe(201);
  expect((await admin('/admin/campaigns/evol-b', 'PUT', campaign('Évolutions B'))).status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /admin/campaigns', () => {
  it('lists every campaign with its state and windows, nothing cast yet', async () => {
    const res = await admin('/admin/campaigns');
    expect(res.status).toBe(200);
    const list = res.body.data as Array<Record<string, any>>;
    expect(list.map((c) => c.campaign_id)).toEqual(['evol-a', 'evol-b']);
    expect(list[0]).toMatchObject({ title: 'Évolutions A', vote_status: 'not-open', proposals_open: true, ballots: 0, ballot_size: null, meeting_id: MEETING });
  });

  it('proposals (cosignable and eligible) with organisation, use case and supporters; then ballots counted as the results count them', async () => {
    const proposed: string[] = [];
    for (const [i, organisation] of ORGS.slice(0, 2).entries()) {
      const p = await signed('/proposals', {
        form_uuid: `prop-${i}`, campaign_id: 'evol-a', title: `Proposition ${i}`, description: 'Pouvoir faire ceci.',
        use_case: `Cas d’usage ${i}`, organisation, email: `agent${i}@example.org`,
      });
      expect(p.err).toBe(0);
      proposed.push(p.data.proposal_id as string);
    }
    const cosign = await signed(`/proposals/${proposed[0]}/cosignatures`, { form_uuid: 'co-1', email: 'agent2@example.org', organisation: ORGS[2] });
    expect(cosign.data.status).toBe('eligible');

    const before = await admin('/admin/campaigns/evol-a/proposals');
    expect(before.status).toBe(200);
    expect(before.body.data).toMatchObject([
      { proposal_id: proposed[0], organisation: ORGS[0], use_case: 'Cas d’usage 0', supporters: 2, status: 'eligible', on_ballot: null },
      { proposal_id: proposed[1], organisation: ORGS[1], use_case: 'Cas d’usage 1', supporters: 1, status: 'cosignable', on_ballot: null },
    ]);

    expect((await admin('/admin/campaigns/evol-a/open', 'POST')).status).toBe(200);
    for (const i of [0, 1]) {
      const b = await signed('/campaigns/evol-a/ballots', { form_uuid: `ballot-${i}`, email: `agent${i}@example.org`, choices: [proposed[0]] });
      expect(b.err).toBe(0);
    }
    // Another agent's form of the same organisation replaces its ballot: still two cast.
    await signed(`/meetings/${MEETING}/registrations`, { form_uuid: 'reg-3', email: 'agent3@example.org', last_name: 'Agent', organisation: ORGS[0], onsite_days: '2030-06-07' });
    expect((await signed('/campaigns/evol-a/ballots', { form_uuid: 'ballot-3', email: 'agent3@example.org', choices: [proposed[0]] })).data.replaced).toBe(true);

    const list = (await admin('/admin/campaigns')).body.data as Array<Record<string, any>>;
    const results = (await admin('/admin/campaigns/evol-a/results')).body.data as Record<string, any>;
    expect(results.ballots).toBe(2);
    expect(list.find((c) => c.campaign_id === 'evol-a')).toMatchObject({ vote_status: 'open', ballots: results.ballots, ballot_size: 1 });
    expect(list.find((c) => c.campaign_id === 'evol-b')).toMatchObject({ vote_status: 'not-open', ballots: 0 });

    const after = await admin('/admin/campaigns/evol-a/proposals');
    expect((after.body.data as Array<Record<string, any>>).map((p) => p.on_ballot)).toEqual([true, false]);
  });

  it('an unknown campaign’s proposals: 404 unknown-campaign', async () => {
    const res = await admin('/admin/campaigns/nope/proposals');
    expect(res.status).toBe(404);
    expect(res.body.err_class).toBe('unknown-campaign');
  });

  it('needs the admin token', async () => {
    const res = await fetch(`${stack.baseUrl}/admin/campaigns`);
    expect(res.status).toBe(401);
  });
});

describe('GET /admin/surveys', () => {
  const survey = (title: string, opensAt: string) => ({
    meeting_id: MEETING,
    title,
    opens_at: opensAt,
    closes_at: future,
    eligibility: 'registered',
    min_group_size: 2,
    questions: [{ id: 'global', type: 'rating', label: 'Note globale', required: true }],
  });

  it('lists the surveys, most recent opening first, with responses and the rate of the results', async () => {
    expect((await admin('/admin/surveys')).body.data).toEqual([]);
    expect((await admin('/admin/surveys/avis-ancien', 'PUT', survey('Ancien avis', '2025-01-01T00:00:00+01:00'))).status).toBe(201);
    expect((await admin('/admin/surveys/avis-club', 'PUT', survey('Votre avis', past))).status).toBe(201);
    for (const i of [0, 1, 2]) {
      const r = await signed('/surveys/avis-club/responses', { form_uuid: `ans-${i}`, email: `agent${i}@example.org`, answers: { global: 4 } });
      expect(r.err).toBe(0);
    }
    const list = (await admin('/admin/surveys')).body.data as Array<Record<string, any>>;
    const results = (await admin('/admin/surveys/avis-club/results')).body.data as Record<string, any>;
    expect(list.map((s) => s.survey_id)).toEqual(['avis-club', 'avis-ancien']);
    expect(list[0]).toMatchObject({
      title: 'Votre avis', open: true, questions: 1, responses: 3, eligible: results.eligible, response_rate: results.response_rate,
    });
    expect(results.responses).toBe(3);
    expect(list[1]).toMatchObject({ responses: 0, response_rate: 0 });
  });
});
