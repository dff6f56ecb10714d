// Issue 21, against DynamoDB Local: a ballot decided without a read. A warm instance remembers the
// campaign (VoteService, BALLOT_CAMPAIGN_TTL_MS) and plans a first ballot from a fresh form; the
// one TransactWriteItems checks every assumption (campaign version stamped on the tally shard,
// ballot and form marker absent). These tests count the DynamoDB calls of a ballot, and prove
// that a campaign changed or closed by another instance (this one's copy stale) never gets a
// ballot accepted that a read would refuse, with the same refusals.
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { counterShardKey } from '#shared/adapters/dynamodb/counters.ts';
import { voteKeys } from '#shared/adapters/dynamodb/keys.ts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { CallNonce } from '#shared/domain/call-nonce.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { BallotRequestSchema, CampaignInputSchema, CosignatureRequestSchema, ProposalRequestSchema } from '#shared/domain/votes/schema.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import { RefusalError } from '#shared/errors.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';
import { counted } from '../support/counted-client.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `warm-data-${suffix}`, NonceTable: `warm-nonces-${suffix}` };
const PROPOSING = new Date('2027-04-15T10:00:00Z');
const VOTING = new Date('2027-06-07T10:00:00Z');
const nonce = () => new CallNonce('demarches.example.org', randomUUID(), Math.floor(Date.now() / 1000) + 300);

/** One Lambda instance: its own VoteService (and so its own remembered campaigns), calls counted. */
function instance() {
  const watched = counted(createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint }));
  const store = new DynamoVoteRepository(watched.client, tables.DataTable, tables.NonceTable);
  return { ops: watched.ops, store, votes: new VoteService({ store }) };
}
const admin = instance();
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });

let seq = 0;
const CAMPAIGN = {
  title: 'Évolutions 2027',
  proposals_open_at: '2027-03-01T00:00:00+01:00',
  proposals_close_at: '2027-05-31T23:59:59+02:00',
  vote_opens_at: '2027-06-07T09:00:00+02:00',
  vote_closes_at: '2027-06-08T17:00:00+02:00',
  method: 'approval',
  max_choices: 2,
  electorate: Array.from({ length: 100 }, (_, i) => `Commune ${i}`),
};

/** An open campaign with two proposals on its ballot (the first proposed by « COMMUNE 0 »). */
async function openCampaign(overrides: Record<string, unknown> = {}) {
  const id = `w${++seq}-${suffix}`;
  await admin.votes.putCampaign(id, CampaignInputSchema.parse({ ...CAMPAIGN, ...overrides }), PROPOSING);
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const p = await admin.votes.propose(
      ProposalRequestSchema.parse({
        form_uuid: `prop-${id}-${i}`,
        campaign_id: id,
        title: `Proposition ${i}`,
        description: 'Description',
        use_case: 'Cas d’usage',
        organisation: i === 0 ? 'COMMUNE 0' : `Commune ${i}`,
        email: `agent${i}@example.org`,
      }),
      nonce(),
      PROPOSING,
    );
    await admin.votes.cosign(p.proposal_id, CosignatureRequestSchema.parse({ form_uuid: `co-${id}-${i}`, email: 'c@example.org', organisation: `Commune ${50 + i}` }), nonce(), PROPOSING);
    ids.push(p.proposal_id);
  }
  await admin.votes.openVote(id, VOTING);
  return { id, ids };
}

const ballot = (form: string, organisation: string, choices: string[]) =>
  BallotRequestSchema.parse({ form_uuid: form, email: 'voter@example.org', organisation, choices });

async function outcome(promise: Promise<unknown>): Promise<string> {
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

describe('calls per ballot', () => {
  it('listed electorate: one TransactWriteItems per ballot once warm; a replacement or a replay costs one more refused write, no read', async () => {
    const { id, ids } = await openCampaign();
    const lambda = instance();
    // Cold: the campaign's partition once (one Query), then the transaction.
    await lambda.votes.castBallot(id, ballot(`f-${id}-1`, 'Commune 1', [ids[0] as string]), nonce(), VOTING);
    expect(lambda.ops).toEqual(['QueryCommand', 'TransactWriteCommand']);

    lambda.ops.length = 0;
    for (let i = 2; i <= 11; i++) await lambda.votes.castBallot(id, ballot(`f-${id}-${i}`, `Commune ${i}`, [ids[1] as string]), nonce(), VOTING);
    expect(lambda.ops).toEqual(Array.from({ length: 10 }, () => 'TransactWriteCommand'));

    // The organisation's first spelling in the campaign (its proposal) names its ballot, unread.
    lambda.ops.length = 0;
    const named = await lambda.votes.castBallot(id, ballot(`f-${id}-0`, 'commune 0', [ids[0] as string]), nonce(), VOTING);
    expect(named).toMatchObject({ organisation: 'COMMUNE 0', replaced: false });
    expect(lambda.ops).toEqual(['TransactWriteCommand']);

    // Another form of Commune 1: the refused write returns its ballot, re-planned as a replacement.
    lambda.ops.length = 0;
    const replaced = await lambda.votes.castBallot(id, ballot(`f-${id}-1b`, 'Commune 1', ids), nonce(), VOTING);
    expect(replaced).toMatchObject({ replaced: true, replayed: false, choices: ids });
    expect(lambda.ops).toEqual(['TransactWriteCommand', 'TransactWriteCommand']);

    // The same form again: the refused write returns its marker, answered as a replay.
    lambda.ops.length = 0;
    const replay = await lambda.votes.castBallot(id, ballot(`f-${id}-1b`, 'Commune 1', ids), nonce(), VOTING);
    expect(replay).toMatchObject({ replaced: true, replayed: true, cast_at: replaced.cast_at });
    expect(lambda.ops).toEqual(['TransactWriteCommand']);

    const recount = await admin.votes.recount(id, VOTING);
    expect(recount).toMatchObject({ equal: true, live: { ballots: 12 } });
  });

  it('meeting electorate: the voter is found by their registration (two reads), then one transaction', async () => {
    const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
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
    const email = (i: number) => `m${i}-${suffix}@example.org`;
    for (let i = 0; i < 4; i++) {
      await registrations.register(
        meetingId,
        RegistrationRequestSchema.parse({ form_uuid: `reg-${i}`, email: email(i), last_name: 'Agent', organisation: `Commune ${i}`, onsite_days: ['2027-06-07'] }),
        PROPOSING,
      );
    }
    const { id, ids } = await openCampaign({ electorate: 'meeting', meeting_id: meetingId });
    const lambda = instance();
    const vote = (i: number) =>
      lambda.votes.castBallot(id, BallotRequestSchema.parse({ form_uuid: `mf-${id}-${i}`, email: email(i), choices: [ids[0]] }), nonce(), VOTING);
    await vote(0);
    lambda.ops.length = 0;
    for (let i = 1; i < 4; i++) await vote(i);
    expect(lambda.ops).toEqual(Array.from({ length: 3 }, () => ['BatchGetCommand', 'BatchGetCommand', 'TransactWriteCommand']).flat());
    expect((await admin.votes.results(id, VOTING, { publicView: false })).ballots).toBe(4);

    // Eligibility is checked again by the transaction (a ConditionCheck on the email marker): a
    // registration cancelled after the ballot read it, before its write, is refused.
    const late = await registrations.register(
      meetingId,
      RegistrationRequestSchema.parse({ form_uuid: 'reg-late', email: email(9), last_name: 'Agent', organisation: 'Commune 9', onsite_days: ['2027-06-07'] }),
      PROPOSING,
    );
    for (const warm of [true, false]) {
      const base = instance();
      let cancelled = false;
      const cancelAfterRead = async <T>(read: Promise<T>): Promise<T> => {
        const value = await read;
        if (!cancelled) {
          cancelled = true;
          await registrations.cancel(late.answer.registration_id, VOTING);
        }
        return value;
      };
      const racing = Object.assign(Object.create(base.store) as DynamoVoteRepository, {
        loadVoter: (...a: Parameters<DynamoVoteRepository['loadVoter']>) => cancelAfterRead(base.store.loadVoter(...a)),
        loadBallotContext: (...a: Parameters<DynamoVoteRepository['loadBallotContext']>) => cancelAfterRead(base.store.loadBallotContext(...a)),
        loadCampaign: (campaignId: string) => (warm ? base.store.loadCampaign(campaignId) : Promise.resolve(undefined)),
      });
      const votes = new VoteService({ store: racing });
      const cast = votes.castBallot(id, BallotRequestSchema.parse({ form_uuid: `mf-${id}-late-${warm}`, email: email(9), choices: [ids[0]] }), nonce(), VOTING);
      expect(await outcome(cast)).toBe('not-in-electorate');
      expect(cancelled).toBe(true);
      if (warm) {
        await registrations.register(
          meetingId,
          RegistrationRequestSchema.parse({ form_uuid: 'reg-late-2', email: email(9), last_name: 'Agent', organisation: 'Commune 9', onsite_days: ['2027-06-07'] }),
          PROPOSING,
        ).then((r) => Object.assign(late, r));
      }
    }
    expect((await admin.votes.results(id, VOTING, { publicView: false })).ballots).toBe(4);
  });
});

describe('a campaign changed or closed while a warm instance remembers it', () => {
  it('closed by another instance: every later ballot of the warm one is refused campaign-closed, as a read would', async () => {
    const { id, ids } = await openCampaign();
    const warm = instance();
    await warm.votes.castBallot(id, ballot(`c-${id}-1`, 'Commune 1', [ids[0] as string]), nonce(), VOTING);
    await admin.votes.closeVote(id, VOTING);
    const fresh = instance();
    for (let i = 2; i < 6; i++) {
      expect(await outcome(warm.votes.castBallot(id, ballot(`c-${id}-${i}`, `Commune ${i}`, [ids[0] as string]), nonce(), VOTING))).toBe('campaign-closed');
    }
    const refusal = (instanceVotes: VoteService, form: string) =>
      instanceVotes.castBallot(id, ballot(form, 'Commune 7', [ids[0] as string]), nonce(), VOTING).catch((e: unknown) => e);
    const [fromWarm, fromFresh] = await Promise.all([refusal(warm.votes, `c-${id}-7`), refusal(fresh.votes, `c-${id}-8`)]);
    expect(fromWarm).toBeInstanceOf(RefusalError);
    expect({ ...(fromWarm as RefusalError), message: (fromWarm as RefusalError).message }).toEqual({
      ...(fromFresh as RefusalError),
      message: (fromFresh as RefusalError).message,
    });
    expect(await admin.store.listBallots(id)).toHaveLength(1);
  });

  it('window moved earlier by a PUT on another instance: the warm one (still seeing it open) refuses, then accepts on the new window', async () => {
    const { id, ids } = await openCampaign();
    const warm = instance();
    await warm.votes.castBallot(id, ballot(`p-${id}-1`, 'Commune 1', [ids[0] as string]), nonce(), VOTING);
    // The vote now closed an hour before VOTING: a ballot at VOTING must be refused.
    const earlier = { ...CAMPAIGN, vote_closes_at: '2027-06-07T11:00:00+02:00' };
    await admin.votes.putCampaign(id, CampaignInputSchema.parse(earlier), VOTING);
    expect(await outcome(warm.votes.castBallot(id, ballot(`p-${id}-2`, 'Commune 2', [ids[0] as string]), nonce(), VOTING))).toBe('campaign-closed');
    // Title changed only: the stale copy is refused by its version, read again, and the ballot accepted.
    const other = await openCampaign();
    await warm.votes.castBallot(other.id, ballot(`q-${other.id}-1`, 'Commune 1', [other.ids[0] as string]), nonce(), VOTING);
    await admin.votes.putCampaign(other.id, CampaignInputSchema.parse({ ...CAMPAIGN, title: 'Évolutions 2027 (bis)' }), VOTING);
    warm.ops.length = 0;
    expect(await outcome(warm.votes.castBallot(other.id, ballot(`q-${other.id}-2`, 'Commune 2', [other.ids[0] as string]), nonce(), VOTING))).toBe('accepted');
    expect(warm.ops).toEqual(['TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand']);
    expect(await admin.store.listBallots(id)).toHaveLength(1);
  });

  it('ballots racing a close on warm instances: each is accepted before the seal or refused, never half; the tally equals the recount', async () => {
    const { id, ids } = await openCampaign();
    const lambdas = [instance(), instance(), instance(), instance()];
    await Promise.all(lambdas.map((l, i) => l.votes.castBallot(id, ballot(`r-${id}-w${i}`, `Commune ${60 + i}`, [ids[0] as string]), nonce(), VOTING)));
    const votes = Array.from({ length: 40 }, (_, i) =>
      outcome((lambdas[i % 4] as (typeof lambdas)[number]).votes.castBallot(id, ballot(`r-${id}-${i}`, `Commune ${i}`, [ids[i % 2] as string]), nonce(), VOTING)),
    );
    const close = admin.votes.closeVote(id, VOTING);
    const outcomes = await Promise.all(votes);
    await close;
    expect(new Set(outcomes)).toEqual(new Set(outcomes.filter((o) => o === 'accepted' || o === 'campaign-closed')));
    const accepted = outcomes.filter((o) => o === 'accepted').length;
    // After the close, every warm instance refuses.
    const late = await Promise.all(lambdas.map((l, i) => outcome(l.votes.castBallot(id, ballot(`r-${id}-late${i}`, `Commune ${80 + i}`, [ids[0] as string]), nonce(), VOTING))));
    expect(late).toEqual(['campaign-closed', 'campaign-closed', 'campaign-closed', 'campaign-closed']);
    expect(await admin.store.listBallots(id)).toHaveLength(4 + accepted);
    const recount = await admin.votes.recount(id, VOTING);
    expect(recount).toMatchObject({ equal: true, live: { ballots: 4 + accepted } });
  });
});

describe('tally shards stamped by no save (a campaign saved before issue 21) or by an older one', () => {
  it('never block ballots: no stamp, or a stamp below the version read, is accepted; a later stamp is not', async () => {
    const { id, ids } = await openCampaign();
    const shards = async (update: (key: Record<string, unknown>) => UpdateCommand) => {
      for (let shard = 0; shard < 16; shard++) await ddb.send(update(counterShardKey(voteKeys.tallySet(id), shard)));
    };
    const warm = instance();
    // No stamp at all: as a campaign last saved by the code before.
    await shards((Key) => new UpdateCommand({ TableName: tables.DataTable, Key, UpdateExpression: 'REMOVE campaign_version' }));
    expect(await outcome(warm.votes.castBallot(id, ballot(`s-${id}-1`, 'Commune 1', [ids[0] as string]), nonce(), VOTING))).toBe('accepted');
    // A stamp below the version read: a save that did not stamp (the previous code, mid-deploy).
    await shards((Key) => new UpdateCommand({ TableName: tables.DataTable, Key, UpdateExpression: 'SET campaign_version = :v', ExpressionAttributeValues: { ':v': 1 } }));
    warm.ops.length = 0;
    expect(await outcome(warm.votes.castBallot(id, ballot(`s-${id}-2`, 'Commune 2', [ids[0] as string]), nonce(), VOTING))).toBe('accepted');
    expect(warm.ops).toEqual(['TransactWriteCommand']);
    // A stamp above it: the campaign changed since this instance read it.
    await shards((Key) => new UpdateCommand({ TableName: tables.DataTable, Key, UpdateExpression: 'SET campaign_version = :v', ExpressionAttributeValues: { ':v': 99 } }));
    const stuck = new VoteService({ store: warm.store, retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 } });
    warm.ops.length = 0;
    await expect(stuck.castBallot(id, ballot(`s-${id}-3`, 'Commune 3', [ids[0] as string]), nonce(), VOTING)).rejects.toMatchObject({ code: 'service-busy' });
    expect(warm.ops).toEqual(['QueryCommand', 'TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand', 'BatchGetCommand', 'TransactWriteCommand']);
    expect(await admin.store.listBallots(id)).toHaveLength(2);
  });
});

describe('one organisation voting twice at once', () => {
  it('20 forms of one organisation on warm instances at once: one ballot, one first cast, the tally counts it once', async () => {
    const { id, ids } = await openCampaign();
    const lambdas = [instance(), instance(), instance()];
    await Promise.all(lambdas.map((l, i) => l.votes.castBallot(id, ballot(`d-${id}-w${i}`, `Commune ${70 + i}`, [ids[0] as string]), nonce(), VOTING)));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (lambdas[i % 3] as (typeof lambdas)[number]).votes.castBallot(id, ballot(`d-${id}-${i}`, i % 2 ? 'Commune 5' : 'COMMUNE 5', [ids[i % 2] as string]), nonce(), VOTING),
      ),
    );
    expect(answers.filter((a) => !a.replaced)).toHaveLength(1);
    const ballots = (await admin.store.listBallots(id)).filter((b) => b.organisation_key === 'commune 5');
    expect(ballots).toHaveLength(1);
    const recount = await admin.votes.recount(id, VOTING);
    expect(recount).toMatchObject({ equal: true, live: { ballots: 4 } });
  });
});
