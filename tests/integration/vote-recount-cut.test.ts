// Issue 21, against DynamoDB Local: a recount taken while a room votes says which ballots it
// counted (a consistent cut: the tally shards that did not move while the ballots were read,
// each organisation's ballot always on its own shard), so that `equal` means something during
// the vote. Ballots arrive during the recount through a store whose listing lets them in (the
// wrapper only times the arrivals; every read and write is DynamoDB Local's).
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { voteKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { CallNonce } from '#shared/domain/call-nonce.ts';
import { tallyShardOf } from '#shared/domain/votes/ballot.ts';
import type { VoteRepository } from '#shared/domain/votes/ports.ts';
import { BallotRequestSchema, CampaignInputSchema, CosignatureRequestSchema, ProposalRequestSchema } from '#shared/domain/votes/schema.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `recount-data-${suffix}`, NonceTable: `recount-nonces-${suffix}` };
const PROPOSING = new Date('2027-04-15T10:00:00Z');
const VOTING = new Date('2027-06-07T10:00:00Z');
const SHARDS = 16;

const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const store = new DynamoVoteRepository(ddb, tables.DataTable, tables.NonceTable, SHARDS);
const votes = new VoteService({ store });
const nonce = () => new CallNonce('demarches.example.org', randomUUID(), Math.floor(Date.now() / 1000) + 300);

let seq = 0;
async function openCampaign(): Promise<{ id: string; ids: string[] }> {
  const id = `r${++seq}-${suffix}`;
  await votes.putCampaign(
    id,
    CampaignInputSchema.parse({
      title: 'Évolutions 2027',
      proposals_open_at: '2027-03-01T00:00:00+01:00',
      proposals_close_at: '2027-05-31T23:59:59+02:00',
      vote_opens_at: '2027-06-07T09:00:00+02:00',
      vote_closes_at: '2027-06-08T17:00:00+02:00',
      method: 'approval',
      min_choices: 0,
      max_choices: 3,
      electorate: Array.from({ length: 400 }, (_, i) => `Commune ${i}`),
    }),
    PROPOSING,
  );
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const p = await votes.propose(
      ProposalRequestSchema.parse({ form_uuid: `p-${id}-${i}`, campaign_id: id, title: `Proposition ${i}`, description: 'D', use_case: 'U', organisation: `Commune ${i}`, email: `a${i}@example.org` }),
      nonce(),
      PROPOSING,
    );
    await votes.cosign(p.proposal_id, CosignatureRequestSchema.parse({ form_uuid: `c-${id}-${i}`, email: 'c@example.org', organisation: `Commune ${200 + i}` }), nonce(), PROPOSING);
    ids.push(p.proposal_id);
  }
  await votes.openVote(id, VOTING);
  return { id, ids };
}

const vote = (id: string, ids: string[], org: number, round = 0) =>
  votes.castBallot(
    id,
    BallotRequestSchema.parse({ form_uuid: `b-${id}-${org}-${round}`, email: 'voter@example.org', organisation: `Commune ${org}`, choices: ids.filter((_, j) => (org + round + j) % 2 === 0) }),
    nonce(),
    VOTING,
  );

beforeAll(async () => {
  await createTables(new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint)), tables);
});

describe('recount during the vote', () => {
  it('ballots arriving during every listing: equal on the ballots counted, the moving shards left out and named', async () => {
    const { id, ids } = await openCampaign();
    await Promise.all(Array.from({ length: 60 }, (_, org) => vote(id, ids, org)));
    // Each listing of the recount lets two new organisations vote and one replace its ballot,
    // committed after the listing read the partition: the tally moves on every attempt.
    let next = 60;
    const arrivals: number[] = [];
    const replaced: number[] = [];
    const racing: VoteRepository = Object.assign(Object.create(store) as DynamoVoteRepository, {
      listBallots: async (campaignId: string) => {
        const listed = await store.listBallots(campaignId);
        const orgs = [next++, next++];
        const replacer = replaced.length;
        replaced.push(replacer);
        arrivals.push(...orgs, replacer);
        await Promise.all([...orgs.map((o) => vote(id, ids, o)), vote(id, ids, replacer, 1)]);
        return listed;
      },
    });
    const during = await new VoteService({ store: racing }).recount(id, VOTING);
    expect(during.equal).toBe(true);
    const moved = new Set(arrivals.map((o) => tallyShardOf(`commune ${o}`, SHARDS)));
    expect(during.cut.shards).toBe(SHARDS);
    // Every shard a ballot reached while it was listed, on every attempt, is out of the cut.
    expect(during.cut.shards_counted).toBeGreaterThanOrEqual(SHARDS - moved.size);
    expect(during.cut.complete).toBe(during.cut.shards_counted === SHARDS);
    expect(Object.keys(during.cut.sequences)).toHaveLength(during.cut.shards_counted);
    // The ballots counted are exactly the stored ballots of the counted shards.
    const stored = await store.listBallots(id);
    const counted = new Set(Object.keys(during.cut.sequences).map(Number));
    const ofCounted = stored.filter((b) => counted.has(tallyShardOf(b.organisation_key, SHARDS)));
    expect(during.cut.ballots_counted).toBeLessThanOrEqual(ofCounted.length);
    expect(during.tally.live).toEqual(during.tally.recount);
    expect(during.tally.recount['ballots'] ?? 0).toBe(during.cut.ballots_counted);

    // Once the room stops: every shard, every ballot, equal.
    const after = await votes.recount(id, VOTING);
    expect(after).toMatchObject({ equal: true, cut: { complete: true, shards: SHARDS, shards_counted: SHARDS, ballots_counted: stored.length } });
    expect(after.live.ballots).toBe(stored.length);
    const writes = Object.values(after.cut.sequences).reduce((a, b) => a + b, 0);
    expect(writes).toBe(stored.length + replaced.length); // first ballots + the replacements
  }, 120_000);

  it('ballots arriving during the first listing only: the second attempt counts every shard', async () => {
    const { id, ids } = await openCampaign();
    await Promise.all(Array.from({ length: 40 }, (_, org) => vote(id, ids, org)));
    let calls = 0;
    const racing: VoteRepository = Object.assign(Object.create(store) as DynamoVoteRepository, {
      listBallots: async (campaignId: string) => {
        const listed = await store.listBallots(campaignId);
        if (calls++ === 0) await Promise.all([vote(id, ids, 40), vote(id, ids, 41), vote(id, ids, 3, 1)]);
        return listed;
      },
    });
    const result = await new VoteService({ store: racing }).recount(id, VOTING);
    expect(result).toMatchObject({ equal: true, cut: { complete: true, shards_counted: SHARDS, ballots_counted: 42 } });
    expect(result.live.ballots).toBe(42);
  }, 60_000);

  it('a campaign created before the cut (no `tally_keyed`): compared as a whole, and says so', async () => {
    const { id, ids } = await openCampaign();
    await ddb.send(new UpdateCommand({ TableName: tables.DataTable, Key: voteKeys.campaign(id), UpdateExpression: 'REMOVE tally_keyed' }));
    await Promise.all(Array.from({ length: 10 }, (_, org) => vote(id, ids, org)));
    const result = await votes.recount(id, VOTING);
    expect(result).toMatchObject({ equal: true, cut: { complete: true, shards: 1, shards_counted: 1, ballots_counted: 10, sequences: {} } });
  });
});
