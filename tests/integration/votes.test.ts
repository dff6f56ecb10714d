// The vote against DynamoDB Local: a room of organisations voting and re-voting at once (one
// ballot per organisation, live tally = recount), co-signatures racing, the ballot frozen at
// opening, the tally sealed at closing, the meeting electorate read from registrations, and
// faults the emulator cannot produce (injected into the client).
import { StaleReadError } from '#shared/domain/conflicts.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { voteKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { nonceKey } from '#shared/adapters/dynamodb/nonce-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { CallNonce, ReplayedCallError } from '#shared/domain/call-nonce.ts';
import { RefusalError, ServiceBusyError } from '#shared/errors.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';

import {
  BallotRequestSchema,
  CampaignInputSchema,
  CosignatureRequestSchema,
  ProposalRequestSchema,
} from '#shared/domain/votes/schema.ts';
import { VoteService, type RetryPolicy } from '#shared/domain/votes/service.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `vote-data-${suffix}`, NonceTable: `vote-nonces-${suffix}` };
const PROPOSING = new Date('2027-04-15T10:00:00Z');
const VOTING = new Date('2027-06-07T10:00:00Z');

function services(opts: { retry?: RetryPolicy } = {}) {
  const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
  const store = new DynamoVoteRepository(ddb, tables.DataTable, tables.NonceTable);
  return { ddb, store, votes: new VoteService({ store, ...opts }) };
}
const main = services();
const nonce = () => new CallNonce('demarches.example.org', randomUUID(), Math.floor(Date.now() / 1000) + 300);

let campaignSeq = 0;
async function createCampaign(overrides: Record<string, unknown> = {}): Promise<string> {
  const id = `c${++campaignSeq}-${suffix}`;
  const input = CampaignInputSchema.parse({
    title: 'Évolutions 2027',
    proposals_open_at: '2027-03-01T00:00:00+01:00',
    proposals_close_at: '2027-05-31T23:59:59+02:00',
    vote_opens_at: '2027-06-07T09:00:00+02:00',
    vote_closes_at: '2027-06-08T17:00:00+02:00',
    method: 'approval',
    max_choices: 5,
    electorate: Array.from({ length: 400 }, (_, i) => `Commune ${i}`),
    ...overrides,
  });
  await main.votes.putCampaign(id, input, PROPOSING);
  return id;
}

async function propose(campaignId: string, i: number | string, organisation = `Commune ${i}`) {
  return main.votes.propose(
    ProposalRequestSchema.parse({
      form_uuid: `prop-${campaignId}-${i}`,
      campaign_id: campaignId,
      title: `Proposition ${i}`,
      description: 'Description',
      use_case: 'Cas d’usage',
      organisation,
      email: `agent${i}@example.org`,
    }),
    nonce(),
    PROPOSING,
  );
}

function cosignRequest(form: string, organisation: string) {
  return CosignatureRequestSchema.parse({ form_uuid: form, email: 'cosign@example.org', organisation });
}

/** A campaign with `n` eligible proposals (proposed by Commune 0.., co-signed by Commune 100..). */
async function eligibleCampaign(n: number, overrides: Record<string, unknown> = {}) {
  const id = await createCampaign(overrides);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = await propose(id, i);
    await main.votes.cosign(p.proposal_id, cosignRequest(`co-${id}-${i}`, `Commune ${100 + i}`), nonce(), PROPOSING);
    ids.push(p.proposal_id);
  }
  return { id, ids };
}

const ballot = (form: string, extra: Record<string, unknown>) =>
  BallotRequestSchema.parse({ form_uuid: form, email: 'voter@example.org', ...extra });

async function refusalOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof RefusalError) return error.code;
    throw error;
  }
}

beforeAll(async () => {
  await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), tables);
});

describe('a room voting at once', () => {
  it('300 organisations, racing agents and double replacements: one ballot each, live tally = recount', async () => {
    const { id, ids } = await eligibleCampaign(12, { min_choices: 0, max_choices: 5 });
    await main.votes.openVote(id, VOTING);
    const pick = (seed: number) => ids.filter((_, j) => (seed * 7 + j * 3) % 5 < 2).slice(0, 5);
    const lastChoices = new Map<number, string[]>();

    await Promise.all(
      Array.from({ length: 300 }, async (_, org) => {
        const organisation = `Commune ${org}`;
        if (org % 10 === 0) {
          // Three agents of one organisation send different ballots at the same instant.
          await Promise.all(
            [1, 2, 3].map((agent) =>
              main.votes.castBallot(id, ballot(`f-${id}-${org}-a${agent}`, { organisation, choices: pick(org + agent) }), nonce(), VOTING),
            ),
          );
        } else if (org % 7 === 0) {
          // Cast, then replace twice (other forms, other spellings of the organisation).
          await main.votes.castBallot(id, ballot(`f-${id}-${org}-1`, { organisation, choices: pick(org) }), nonce(), VOTING);
          await main.votes.castBallot(id, ballot(`f-${id}-${org}-2`, { organisation: organisation.toUpperCase(), choices: pick(org + 1) }), nonce(), VOTING);
          const last = await main.votes.castBallot(id, ballot(`f-${id}-${org}-3`, { organisation: ` commune  ${org} `, choices: pick(org + 2) }), nonce(), VOTING);
          expect(last).toMatchObject({ replaced: true, replayed: false, organisation });
          lastChoices.set(org, pick(org + 2));
        } else {
          const answer = await main.votes.castBallot(id, ballot(`f-${id}-${org}`, { organisation, choices: pick(org) }), nonce(), VOTING);
          expect(answer).toMatchObject({ replaced: false, replayed: false, choices: pick(org) });
        }
      }),
    );

    const ballots = await main.store.listBallots(id);
    expect(ballots).toHaveLength(300);
    expect(new Set(ballots.map((b) => b.organisation_key)).size).toBe(300);
    for (const [org, choices] of lastChoices) {
      const b = ballots.find((x) => x.organisation_key === `commune ${org}`);
      expect(b).toMatchObject({ choices, replaced_count: 2, organisation: `Commune ${org}` });
    }
    for (const b of ballots.filter((x) => Number(x.organisation_key.split(' ')[1]) % 10 === 0)) {
      // Three racing agents: two replacements, committed or overtaken (an overtaken one counts
      // as cast just before the one that overtook it, and is not in replaced_count).
      expect(b.replaced_count).toBeGreaterThanOrEqual(1);
      expect(b.replaced_count).toBeLessThanOrEqual(2);
    }

    const { equal, live, recount, tally } = await main.votes.recount(id, VOTING);
    expect(equal).toBe(true);
    expect(tally.live).toEqual(tally.recount);
    expect(live.ballots).toBe(300);
    const scoreSum = live.proposals.reduce((sum, p) => sum + p.score, 0);
    expect(scoreSum).toBe(ballots.reduce((sum, b) => sum + (b.choices?.length ?? 0), 0));
    expect(recount.proposals).toEqual(live.proposals);
    expect(live.electorate).toBe(400);
    expect(live.turnout).toBe(0.75);
  }, 240_000);

  it('200 agents of one organisation at once: the replacements are absorbed, not refused (issue 13)', async () => {
    const { id, ids } = await eligibleCampaign(6, { min_choices: 0, max_choices: 3 });
    await main.votes.openVote(id, VOTING);
    const pick = (seed: number) => ids.filter((_, j) => (seed + j) % 3 === 0).slice(0, 3);
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, agent) =>
        main.votes.castBallot(id, ballot(`burst-${id}-${agent}`, { organisation: 'Commune 42', choices: pick(agent) }), nonce(), VOTING),
      ),
    );
    const busy = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ServiceBusyError).length;
    const accepted = outcomes.filter((o) => o.status === 'fulfilled').length;
    console.info(`issue-13 burst: 200 ballots of one organisation, ${busy} × 503, ${accepted} accepted, ${Date.now() - started} ms`);
    expect(outcomes.filter((o) => o.status === 'rejected' && !(o.reason instanceof ServiceBusyError))).toEqual([]);
    expect(busy).toBe(0);
    // One ballot, the last replacement to commit; the live tally counts it exactly once.
    const ballots = await main.store.listBallots(id);
    expect(ballots).toHaveLength(1);
    const final = ballots[0]!;
    expect(outcomes.some((o) => o.status === 'fulfilled' && o.value.cast_at === final.cast_at && JSON.stringify('choices' in o.value ? o.value.choices : undefined) === JSON.stringify(final.choices))).toBe(true);
    // Every form got its answer, and a copy of any of them replays it (marker written).
    for (const agent of [0, 1, 199]) {
      const again = await main.votes.castBallot(id, ballot(`burst-${id}-${agent}`, { organisation: 'Commune 42', choices: pick(agent) }), nonce(), VOTING);
      expect(again).toMatchObject({ replayed: true, choices: pick(agent) });
    }
    const { equal, live } = await main.votes.recount(id, VOTING);
    expect(equal).toBe(true);
    expect(live.ballots).toBe(1);
    expect(live.proposals.reduce((sum, p) => sum + p.score, 0)).toBe(ballots[0]!.choices?.length);
  }, 240_000);

  it('points: replacements race too, and every score is the sum of the surviving ballots', async () => {
    const { id, ids } = await eligibleCampaign(4, { method: 'points', max_choices: undefined, points_total: 10, max_points_per_proposal: 6 });
    await main.votes.openVote(id, VOTING);
    const spread = (seed: number) => ({ [ids[seed % 4] as string]: 6, [ids[(seed + 1) % 4] as string]: (seed % 4) + 1 });
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        main.votes.castBallot(id, ballot(`pt-${id}-${i}`, { organisation: `Commune ${i % 40}`, points: spread(i) }), nonce(), VOTING),
      ),
    );
    const ballots = await main.store.listBallots(id);
    expect(ballots).toHaveLength(40);
    const { equal, live } = await main.votes.recount(id, VOTING);
    expect(equal).toBe(true);
    const total = ballots.reduce((s, b) => s + Object.values(b.points ?? {}).reduce((a, n) => a + n, 0), 0);
    expect(live.proposals.reduce((s, p) => s + p.score, 0)).toBe(total);
    expect(ballots.reduce((s, b) => s + b.replaced_count, 0)).toBe(20);
  }, 120_000);
});

describe('proposals and co-signatures', () => {
  it('one organisation co-signing at once from many agents and spellings gives one support', async () => {
    const id = await createCampaign({ supporters_needed: 3 });
    const p = await propose(id, 'race', 'Ville de Lyon');
    const spellings = ['Ville de Saint-Étienne', 'ville de saint etienne', 'VILLE DE SAINT ETIENNE', 'Ville de Saint–Etienne'];
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        refusalOf(main.votes.cosign(p.proposal_id, cosignRequest(`race-${id}-${i}`, spellings[i % 4] as string), nonce(), PROPOSING)),
      ),
    );
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already-supported')).toHaveLength(11);
    const { proposal, snapshot } = await main.votes.getProposal(p.proposal_id, PROPOSING);
    expect(proposal.supporters).toBe(2);
    expect(snapshot.supports.filter((s) => s.proposal_id === p.proposal_id)).toHaveLength(2);
    // The proposer's own organisation cannot co-sign; a third organisation makes it eligible.
    expect(await refusalOf(main.votes.cosign(p.proposal_id, cosignRequest(`race-${id}-own`, 'VILLE-DE-LYON'), nonce(), PROPOSING))).toBe(
      'already-supported',
    );
    const third = await main.votes.cosign(p.proposal_id, cosignRequest(`race-${id}-3rd`, 'Métropole'), nonce(), PROPOSING);
    expect(third).toMatchObject({ supporters: 3, status: 'eligible', replayed: false });
  });

  it('copies of one co-signature form count once and answer as replays', async () => {
    const id = await createCampaign();
    const p = await propose(id, 'copies');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => main.votes.cosign(p.proposal_id, cosignRequest(`copy-${id}`, 'Département X'), nonce(), PROPOSING)),
    );
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(answers.every((a) => a.supporters === 2 && a.status === 'eligible')).toBe(true);
  });

  it('concurrent proposals get distinct sequential ids; the same form again is a replay, changed text an edit', async () => {
    const id = await createCampaign();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => propose(id, i)));
    expect(answers.map((a) => a.proposal_id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${id}-p${i + 1}`).sort());
    expect(await propose(id, 3)).toMatchObject({ proposal_id: answers[3]?.proposal_id, replayed: true });
    const edited = await main.votes.propose(
      ProposalRequestSchema.parse({
        form_uuid: `prop-${id}-3`,
        campaign_id: id,
        title: 'Titre corrigé',
        description: 'Description',
        use_case: 'Cas d’usage',
        organisation: 'Commune 3',
        email: 'agent3@example.org',
      }),
      nonce(),
      PROPOSING,
    );
    expect(edited).toMatchObject({ proposal_id: answers[3]?.proposal_id, replayed: false });
    expect((await main.votes.getProposal(edited.proposal_id, PROPOSING)).proposal.title).toBe('Titre corrigé');
  });

  it('the ballot frozen at opening never misses a co-signature accepted before it', async () => {
    for (let round = 0; round < 4; round++) {
      const id = await createCampaign();
      const p = await propose(id, `freeze-${round}`);
      const [cosigned, opened] = await Promise.all([
        refusalOf(main.votes.cosign(p.proposal_id, cosignRequest(`fz-${id}`, 'Commune 200'), nonce(), PROPOSING)),
        main.votes.openVote(id, PROPOSING),
      ]);
      const onBallot = opened.campaign.ballot?.includes(p.proposal_id) ?? false;
      const frozen = (await main.votes.snapshot(id, PROPOSING)).campaign.ballot ?? [];
      expect(frozen.includes(p.proposal_id)).toBe(onBallot);
      expect(cosigned === 'accepted' ? onBallot : !onBallot && cosigned === 'proposals-closed').toBe(true);
    }
  });

  it('the first read after vote_opens_at freezes the ballot, once, for everyone', async () => {
    const { id, ids } = await eligibleCampaign(2);
    await propose(id, 'lonely'); // one supporter: not eligible
    const snapshots = await Promise.all(Array.from({ length: 6 }, () => main.votes.snapshot(id, VOTING)));
    for (const s of snapshots) expect(s.campaign.ballot).toEqual(ids);
  });
});

describe('opening and closing', () => {
  it('a ballot written after the close is refused by the sealed tally, and the vote answers campaign-closed', async () => {
    const { id, ids } = await eligibleCampaign(2);
    await main.votes.openVote(id, VOTING);
    await main.votes.castBallot(id, ballot(`seal-${id}-1`, { organisation: 'Commune 1', choices: [ids[0]] }), nonce(), VOTING);
    const closed = await main.votes.closeVote(id, VOTING);
    expect(closed.changed).toBe(true);
    expect((await main.votes.closeVote(id, VOTING)).changed).toBe(false);
    // A ballot decided before the close but written after it:
    const late = main.store.castBallot(
      {
        ballot: {
          campaign_id: id,
          organisation: 'Commune 2',
          organisation_key: 'commune 2',
          choices: [ids[1] as string],
          agent: { email: 'late@example.org' },
          form_uuid: `seal-${id}-2`,
          request_hash: 'h',
          cast_at: VOTING.toISOString(),
          first_cast_at: VOTING.toISOString(),
          replaced_count: 0,
          version: 1,
        },
        previousVersion: 0,
        markerVersion: 0,
        delta: { ballots: 1, [`score:${ids[1]}`]: 1 },
      },
      undefined,
    );
    await expect(late).rejects.toBeInstanceOf(StaleReadError);
    expect(
      await refusalOf(main.votes.castBallot(id, ballot(`seal-${id}-3`, { organisation: 'Commune 3', choices: [] }), nonce(), VOTING)),
    ).toBe('campaign-closed');
    const results = await main.votes.results(id, VOTING, { publicView: true });
    expect(results).toMatchObject({ vote_status: 'closed', ballots: 1 });
    expect((await main.votes.recount(id, VOTING)).equal).toBe(true);
  });
});

describe('closing by the window', () => {
  it('the first read after vote_closes_at seals the tally: results read then are final', async () => {
    const { id, ids } = await eligibleCampaign(2);
    const answer = await main.votes.castBallot(id, ballot(`win-${id}-1`, { organisation: 'Commune 1', choices: [ids[0]] }), nonce(), VOTING);
    expect(answer.replaced).toBe(false);
    const after = new Date('2027-06-08T16:00:00Z');
    const results = await main.votes.results(id, after, { publicView: true });
    expect(results).toMatchObject({ vote_status: 'closed', ballots: 1 });
    const { campaign } = await main.votes.snapshot(id, after);
    expect(campaign).toMatchObject({ closed_at: '2027-06-08T15:00:00.000Z', ballot: ids });
    // A ballot decided in time but written after that read is refused by the seal.
    const late = main.store.castBallot(
      {
        ballot: { ...(await main.store.listBallots(id))[0]!, organisation: 'Commune 2', organisation_key: 'commune 2', form_uuid: `win-${id}-2`, version: 1 },
        previousVersion: 0,
        markerVersion: 0,
        delta: { ballots: 1, [`score:${ids[0]}`]: 1 },
      },
      undefined,
    );
    await expect(late).rejects.toBeInstanceOf(StaleReadError);
    expect((await main.votes.results(id, after, { publicView: true })).ballots).toBe(1);
  });
});

describe('a vote closed by its window stays closed whatever the order of calls (issue 13)', () => {
  const after = new Date('2027-06-08T16:00:00Z'); // an hour past vote_closes_at
  const later = { vote_closes_at: '2027-06-20T17:00:00+02:00' };
  const inputWith = (overrides: Record<string, unknown>) =>
    CampaignInputSchema.parse({
      title: 'Évolutions 2027',
      proposals_open_at: '2027-03-01T00:00:00+01:00',
      proposals_close_at: '2027-05-31T23:59:59+02:00',
      vote_opens_at: '2027-06-07T09:00:00+02:00',
      vote_closes_at: '2027-06-08T17:00:00+02:00',
      method: 'approval',
      max_choices: 5,
      electorate: Array.from({ length: 400 }, (_, i) => `Commune ${i}`),
      ...overrides,
    });

  async function expectClosed(id: string, ids: string[]) {
    const { campaign } = await main.votes.snapshot(id, after);
    expect(campaign).toMatchObject({ closed_at: '2027-06-08T15:00:00.000Z', ballot: ids, vote_closes_at: later.vote_closes_at });
    const late = main.votes.castBallot(id, ballot(`late-${id}`, { organisation: 'Commune 2', choices: [ids[0]] }), nonce(), after);
    expect(await refusalOf(late)).toBe('campaign-closed');
    expect(await main.votes.results(id, after, { publicView: true })).toMatchObject({ vote_status: 'closed', ballots: 1 });
    expect((await main.votes.recount(id, after)).equal).toBe(true);
  }

  it('PUT moving vote_closes_at later, before any read: sealed by the PUT, not reopened', async () => {
    const { id, ids } = await eligibleCampaign(2);
    await main.votes.castBallot(id, ballot(`put-${id}-1`, { organisation: 'Commune 1', choices: [ids[0]] }), nonce(), VOTING);
    const { campaign } = await main.votes.putCampaign(id, inputWith(later), after);
    expect(campaign.closed_at).toBe('2027-06-08T15:00:00.000Z');
    await expectClosed(id, ids);
  });

  it('read first, then the same PUT: still closed', async () => {
    const { id, ids } = await eligibleCampaign(2);
    await main.votes.castBallot(id, ballot(`read-${id}-1`, { organisation: 'Commune 1', choices: [ids[0]] }), nonce(), VOTING);
    expect((await main.votes.results(id, after, { publicView: true })).vote_status).toBe('closed');
    await main.votes.putCampaign(id, inputWith(later), after);
    await expectClosed(id, ids);
  });

  it('a vote never read while open: the PUT after its window freezes the ballot and seals it', async () => {
    const { id, ids } = await eligibleCampaign(2);
    const { campaign } = await main.votes.putCampaign(id, inputWith(later), after);
    expect(campaign).toMatchObject({ closed_at: '2027-06-08T15:00:00.000Z', ballot: ids, opened_at: '2027-06-07T07:00:00.000Z' });
    const late = main.votes.castBallot(id, ballot(`never-${id}`, { organisation: 'Commune 2', choices: [ids[0]] }), nonce(), after);
    expect(await refusalOf(late)).toBe('campaign-closed');
  });
});

describe('meeting electorate', () => {
  it('the voter votes for the organisation of their registration; others are not in the electorate', async () => {
    const ddb = main.ddb;
    const meetings = new DynamoMeetingRepository(ddb, tables.DataTable);
    const registrations = new RegistrationService({
      meetings,
      store: new DynamoRegistrationRepository(ddb, tables.DataTable, meetings, tables.NonceTable),
      publisher: { publish: async () => undefined },
      baseUrl: 'http://club.test',
    });
    const meetingId = `club-${suffix}`;
    await new MeetingService(meetings).putMeeting(
      meetingId,
      MeetingInputSchema.parse({
        title: 'Club',
        venue: 'Villejuif',
        registration_opens_at: '2027-01-01T00:00:00+01:00',
        registration_closes_at: '2027-12-31T00:00:00+01:00',
        days: [{ date: '2027-06-07', onsite_capacity: 50 }],
      }),
      PROPOSING,
    );
    const register = (email: string, organisation: string) =>
      registrations.register(
        meetingId,
        RegistrationRequestSchema.parse({ form_uuid: `reg-${email}`, email, last_name: 'Agent', organisation, onsite_days: ['2027-06-07'] }),
        PROPOSING,
      );
    await register(`a1-${suffix}@example.org`, 'Ville de Saint-Étienne');
    await register(`a2-${suffix}@example.org`, 'ville de saint etienne');
    await register(`b1-${suffix}@example.org`, 'Grand Lyon');
    const gone = await register(`c1-${suffix}@example.org`, 'Brest Métropole');
    await registrations.cancel(gone.answer.registration_id, PROPOSING);

    const { id, ids } = await eligibleCampaign(2, { electorate: 'meeting', meeting_id: meetingId });
    await main.votes.openVote(id, VOTING);
    const vote = (email: string, form: string, extra: Record<string, unknown> = {}) =>
      main.votes.castBallot(id, BallotRequestSchema.parse({ form_uuid: form, email, choices: [ids[0]], ...extra }), nonce(), VOTING);

    const first = await vote(`a1-${suffix}@example.org`, `m-${id}-1`, { organisation: 'Ignorée' });
    expect(first).toMatchObject({ organisation: 'Ville de Saint-Étienne', replaced: false });
    const second = await vote(`a2-${suffix}@example.org`, `m-${id}-2`, { choices: [ids[1]] });
    expect(second).toMatchObject({ organisation: 'Ville de Saint-Étienne', replaced: true, choices: [ids[1]] });
    expect(await refusalOf(vote(`c1-${suffix}@example.org`, `m-${id}-3`))).toBe('not-in-electorate');
    expect(await refusalOf(vote(`nobody-${suffix}@example.org`, `m-${id}-4`))).toBe('not-in-electorate');

    // A fresh instance (a Lambda cold start) knows nothing of the campaign yet: the ballot's
    // keys are then read in four dependent rounds, and the answer is the same.
    const cold = services();
    const coldVote = await cold.votes.castBallot(
      id,
      BallotRequestSchema.parse({ form_uuid: `m-${id}-5`, email: `b1-${suffix}@example.org`, choices: [ids[0]] }),
      nonce(),
      VOTING,
    );
    expect(coldVote).toMatchObject({ organisation: 'Grand Lyon', replaced: false });

    const results = await main.votes.results(id, VOTING, { publicView: false });
    expect(results).toMatchObject({ ballots: 2, electorate: 2, turnout: 1 });
    const ballots = await main.store.listBallots(id);
    expect(ballots).toHaveLength(2);
    expect(ballots.every((b) => b.agent.registration_id !== undefined)).toBe(true);
  });
});

describe('idempotency and faults the emulator cannot produce', () => {
  type Fault = { command: string; remaining: number; error: () => Error };
  function faulty(fault: Fault, retry?: RetryPolicy) {
    const s = services({ retry });
    s.ddb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === fault.command && fault.remaining > 0) {
          fault.remaining--;
          throw fault.error();
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'faultInjection', priority: 'low' },
    );
    return s;
  }
  const conflict = () =>
    new TransactionCanceledException({
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
      $metadata: {},
      CancellationReasons: [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
    });
  const nonceExists = async (n: CallNonce) =>
    (await main.ddb.send(new GetCommand({ TableName: tables.NonceTable, Key: nonceKey(n.orig, n.value), ConsistentRead: true }))).Item !==
    undefined;

  it('the same form again is a replay; a replayed nonce writes nothing', async () => {
    const { id, ids } = await eligibleCampaign(2);
    await main.votes.openVote(id, VOTING);
    const n = nonce();
    const first = await main.votes.castBallot(id, ballot(`idem-${id}`, { organisation: 'Commune 5', choices: [ids[0]] }), n, VOTING);
    expect(n.consumed).toBe(true);
    const again = await main.votes.castBallot(id, ballot(`idem-${id}`, { organisation: 'Commune 5', choices: [ids[0]] }), nonce(), VOTING);
    expect(again).toMatchObject({ ballot_id: first.ballot_id, replayed: true, cast_at: first.cast_at, choices: [ids[0]] });
    const reused = new CallNonce(n.orig, n.value, n.expiresAt);
    await expect(
      main.votes.castBallot(id, ballot(`idem2-${id}`, { organisation: 'Commune 6', choices: [ids[1]] }), reused, VOTING),
    ).rejects.toBeInstanceOf(ReplayedCallError);
    expect(await main.store.listBallots(id)).toHaveLength(1);
    expect((await main.votes.recount(id, VOTING)).equal).toBe(true);
  });

  it('transaction conflicts are retried and the tally stays exact', async () => {
    const { id, ids } = await eligibleCampaign(2);
    await main.votes.openVote(id, VOTING);
    const fault = { command: 'TransactWriteItemsCommand', remaining: 5, error: conflict };
    const s = faulty(fault);
    await Promise.all(
      [0, 1, 2].map((i) => s.votes.castBallot(id, ballot(`tc-${id}-${i}`, { organisation: `Commune ${i}`, choices: ids }), nonce(), VOTING)),
    );
    expect(fault.remaining).toBe(0);
    const { equal, live } = await main.votes.recount(id, VOTING);
    expect(equal).toBe(true);
    expect(live.ballots).toBe(3);
  });

  it('conflicts outlasting the retries answer busy (503) with nothing written and the nonce still free', async () => {
    const { id, ids } = await eligibleCampaign(2);
    await main.votes.openVote(id, VOTING);
    const fault = { command: 'TransactWriteItemsCommand', remaining: 1_000, error: conflict };
    const n = nonce();
    const attempt = faulty(fault, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }).votes.castBallot(
      id,
      ballot(`busy-${id}`, { organisation: 'Commune 9', choices: ids }),
      n,
      VOTING,
    );
    await expect(attempt).rejects.toBeInstanceOf(ServiceBusyError);
    await expect(attempt).rejects.toMatchObject({ code: 'service-busy', statusCode: 503 });
    expect(n.consumed).toBe(false);
    expect(await nonceExists(n)).toBe(false);
    expect(await main.store.listBallots(id)).toEqual([]);
    expect(await main.store.readTally(id)).toEqual({});
    const marker = await main.ddb.send(new GetCommand({ TableName: tables.DataTable, Key: voteKeys.ballotForm(`busy-${id}`), ConsistentRead: true }));
    expect(marker.Item).toBeUndefined();
  });

  it('throttling is absorbed by the SDK retries, and when it persists surfaces with nothing written', async () => {
    const { id, ids } = await eligibleCampaign(2);
    await main.votes.openVote(id, VOTING);
    const throttle = () => new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    const brief = { command: 'TransactWriteItemsCommand', remaining: 2, error: throttle };
    const ok = await faulty(brief).votes.castBallot(id, ballot(`th-${id}-1`, { organisation: 'Commune 1', choices: ids }), nonce(), VOTING);
    expect(ok.replaced).toBe(false);
    expect(brief.remaining).toBe(0);

    const persistent = { command: 'TransactWriteItemsCommand', remaining: 1_000, error: throttle };
    await expect(
      faulty(persistent).votes.castBallot(id, ballot(`th-${id}-2`, { organisation: 'Commune 2', choices: ids }), nonce(), VOTING),
    ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((await main.store.listBallots(id)).map((b) => b.organisation_key)).toEqual(['commune 1']);
    expect((await main.votes.recount(id, VOTING)).equal).toBe(true);
  });
});
