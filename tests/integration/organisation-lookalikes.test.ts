// Issue 13, third hostile review: look-alike spellings of one organisation (zero-width and
// bidi characters, soft hyphen, Cyrillic letters, fullwidth forms, punctuation) counted as
// different organisations — 9 registrations gave 6 ballots, and a proposer co-signed its own
// proposal under 13 spellings. Replayed here against DynamoDB Local through the real services.
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { voteKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { CallNonce } from '#shared/domain/call-nonce.ts';
import { RefusalError } from '#shared/errors.ts';
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
import { VoteService } from '#shared/domain/votes/service.ts';
import { checkOrganisationKeys } from '#scripts/check-organisation-keys.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `lookalike-data-${suffix}`, NonceTable: `lookalike-nonces-${suffix}` };
const PROPOSING = new Date('2027-04-15T10:00:00Z');
const VOTING = new Date('2027-06-07T10:00:00Z');
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const store = new DynamoVoteRepository(ddb, tables.DataTable, tables.NonceTable);
const votes = new VoteService({ store });
const nonce = () => new CallNonce('demarches.example.org', randomUUID(), Math.floor(Date.now() / 1000) + 300);

/** Spellings of `Métropole Test` a reader cannot tell from it. */
const SPELLINGS = [
  'Métropole Test',
  'Métropole\u200b Test', // zero-width space
  'Métropole\u200e Test', // left-to-right mark
  'Mé\u00adtropole Test', // soft hyphen
  'M\u0435tropole Test', // Cyrillic е
  'Ｍétropole Ｔest', // fullwidth letters
  'Métropole-Test',
  '\u202dMétropole Test\u202c', // bidi override
  'Métr\u043epole T\u0435st', // Cyrillic о and е
  'Métropole, Test.',
  'Métro\u200dpole Test', // zero-width joiner
  'MÉTROPOLE  TEST',
  'Métropole\u2066 Test\u2069', // bidi isolate
  'Me\u0301tropole Test', // decomposed accent
];

async function refusalOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof RefusalError) return error.code;
    throw error;
  }
}

let seq = 0;
async function createCampaign(overrides: Record<string, unknown>): Promise<string> {
  const id = `look${++seq}-${suffix}`;
  await votes.putCampaign(
    id,
    CampaignInputSchema.parse({
      title: 'Évolutions 2027',
      proposals_open_at: '2027-03-01T00:00:00+01:00',
      proposals_close_at: '2027-05-31T23:59:59+02:00',
      vote_opens_at: '2027-06-07T09:00:00+02:00',
      vote_closes_at: '2027-06-08T17:00:00+02:00',
      method: 'approval',
      max_choices: 5,
      supporters_needed: 2,
      ...overrides,
    }),
    PROPOSING,
  );
  return id;
}

function propose(campaignId: string, form: string, organisation: string) {
  return votes.propose(
    ProposalRequestSchema.parse({
      form_uuid: form,
      campaign_id: campaignId,
      title: `Proposition ${form}`,
      description: 'Description',
      use_case: 'Cas d’usage',
      organisation,
      email: `${form}@example.org`,
    }),
    nonce(),
    PROPOSING,
  );
}

function cosign(proposalId: string, form: string, organisation: string) {
  return votes.cosign(proposalId, CosignatureRequestSchema.parse({ form_uuid: form, email: `${form}@example.org`, organisation }), nonce(), PROPOSING);
}

beforeAll(async () => {
  await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), tables);
});

describe('look-alike spellings of one organisation', () => {
  it('a proposer co-signing its own proposal under 13 other spellings is refused each time', async () => {
    const id = await createCampaign({ electorate: ['Métropole Test', 'Ville de Lyon'] });
    const p = await propose(id, `own-${suffix}`, SPELLINGS[0]!);
    const outcomes = [];
    for (const [i, spelling] of SPELLINGS.slice(1).entries()) outcomes.push(await refusalOf(cosign(p.proposal_id, `self-${suffix}-${i}`, spelling)));
    expect(outcomes).toHaveLength(13);
    expect(outcomes).toEqual(Array(13).fill('already-supported'));
    const { proposal } = await votes.getProposal(p.proposal_id, PROPOSING);
    expect(proposal.supporters).toBe(1);
    // A genuinely different organisation still counts.
    expect(await cosign(p.proposal_id, `other-${suffix}`, 'Ville de Lyon')).toMatchObject({ supporters: 2, status: 'eligible' });
  });

  it('a listed electorate admits every spelling as the one organisation, with one ballot', async () => {
    const id = await createCampaign({ electorate: ['Métropole Test', 'Ville de Lyon'] });
    const p = await propose(id, `list-${suffix}`, 'Ville de Lyon');
    await cosign(p.proposal_id, `list-co-${suffix}`, 'Métropole Test');
    await votes.openVote(id, VOTING);
    for (const [i, spelling] of SPELLINGS.entries()) {
      await votes.castBallot(
        id,
        BallotRequestSchema.parse({ form_uuid: `lb-${suffix}-${i}`, email: `lb${i}@example.org`, organisation: spelling, choices: [p.proposal_id] }),
        nonce(),
        VOTING,
      );
    }
    const ballots = await store.listBallots(id);
    expect(ballots).toHaveLength(1);
    expect(ballots[0]).toMatchObject({ organisation: 'Métropole Test', replaced_count: SPELLINGS.length - 1 });
    expect(await votes.results(id, VOTING, { publicView: false })).toMatchObject({ ballots: 1, electorate: 2 });
  });

  it('9 registrations under look-alike spellings in a meeting electorate give 1 ballot per real organisation', async () => {
    const meetings = new DynamoMeetingRepository(ddb, tables.DataTable);
    const registrations = new RegistrationService({
      meetings,
      store: new DynamoRegistrationRepository(ddb, tables.DataTable, meetings, tables.NonceTable),
      publisher: { publish: async () => undefined },
      baseUrl: 'http://club.test',
    });
    const meetingId = `club-look-${suffix}`;
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
    const people = [
      ...SPELLINGS.slice(0, 7).map((organisation, i) => ({ email: `mt${i}-${suffix}@example.org`, organisation })),
      { email: `ly1-${suffix}@example.org`, organisation: 'Ville de Lyon' },
      { email: `ly2-${suffix}@example.org`, organisation: 'VILLE DE LY\u041eN' }, // Cyrillic О
    ];
    expect(people).toHaveLength(9);
    for (const person of people) {
      await registrations.register(
        meetingId,
        RegistrationRequestSchema.parse({
          form_uuid: `reg-${person.email}`,
          email: person.email,
          last_name: 'Agent',
          organisation: person.organisation,
          onsite_days: ['2027-06-07'],
        }),
        PROPOSING,
      );
    }
    const id = await createCampaign({ electorate: 'meeting', meeting_id: meetingId });
    const p = await propose(id, `meet-${suffix}`, 'Ville de Lyon');
    await cosign(p.proposal_id, `meet-co-${suffix}`, 'Métropole Test');
    await votes.openVote(id, VOTING);
    for (const [i, person] of people.entries()) {
      await votes.castBallot(
        id,
        BallotRequestSchema.parse({ form_uuid: `mb-${suffix}-${i}`, email: person.email, choices: [p.proposal_id] }),
        nonce(),
        VOTING,
      );
    }
    const ballots = await store.listBallots(id);
    expect(ballots).toHaveLength(2);
    expect(ballots.map((b) => b.organisation).sort()).toEqual(['Métropole Test', 'Ville de Lyon']);
    expect(ballots.map((b) => b.replaced_count).sort()).toEqual([1, 6]);
    const results = await votes.results(id, VOTING, { publicView: false });
    expect(results).toMatchObject({ ballots: 2, electorate: 2 });
    expect(results.proposals.find((r) => r.proposal_id === p.proposal_id)?.score).toBe(2);
  });

  it('items stored under a key of the earlier rule are reported by the check, for an active campaign only', async () => {
    const id = await createCampaign({ electorate: ['Métropole Test', 'Ville de Lyon'] });
    const p = await propose(id, `audit-${suffix}`, 'Ville de Lyon');
    await cosign(p.proposal_id, `audit-co-${suffix}`, 'Métropole Test');
    await votes.openVote(id, VOTING);
    await votes.castBallot(
      id,
      BallotRequestSchema.parse({ form_uuid: `audit-b-${suffix}`, email: 'audit@example.org', organisation: 'Métropole Test', choices: [p.proposal_id] }),
      nonce(),
      VOTING,
    );
    // What the earlier rule wrote for a Cyrillic spelling: its own key, hence its own ballot and support.
    const cyrillic = 'M\u0435tropole Test';
    const oldKey = 'm\u0435tropole test';
    const [stored] = await store.listBallots(id);
    await ddb.send(new PutCommand({
      TableName: tables.DataTable,
      Item: { ...voteKeys.ballot(id, oldKey), type: 'ballot', version: 1, ballot: { ...stored!, organisation: cyrillic, organisation_key: oldKey, form_uuid: 'old', version: 1 } },
    }));
    const { snapshot } = await votes.getProposal(p.proposal_id, VOTING);
    const support = snapshot.supports.find((s) => s.organisation === 'Métropole Test')!;
    await ddb.send(new PutCommand({
      TableName: tables.DataTable,
      Item: { ...voteKeys.support(id, p.proposal_id, oldKey), type: 'support', support: { ...support, organisation: cyrillic, organisation_key: oldKey, form_uuid: 'old' } },
    }));

    const report = (await checkOrganisationKeys(store, VOTING)).find((r) => r.campaign_id === id);
    expect(report).toEqual({
      campaign_id: id,
      status: 'active',
      stale_supports: 1,
      stale_ballots: 1,
      merged_supports: [{ proposal_id: p.proposal_id, organisations: expect.arrayContaining(['Métropole Test', cyrillic]) }],
      merged_ballots: [{ organisations: expect.arrayContaining(['Métropole Test', cyrillic]) }],
      action_needed: true,
    });
    const clean = (await checkOrganisationKeys(store, VOTING)).filter((r) => r.campaign_id !== id && r.campaign_id.endsWith(suffix));
    expect(clean.length).toBeGreaterThan(0);
    for (const r of clean) expect(r).toMatchObject({ stale_supports: 0, stale_ballots: 0, merged_supports: [], merged_ballots: [], action_needed: false });
    const later = (await checkOrganisationKeys(store, new Date('2027-07-01T00:00:00Z'))).find((r) => r.campaign_id === id);
    expect(later).toMatchObject({ status: 'closed', action_needed: false });
  });
});
