// The vote context on the data table (keys: voteKeys in keys.ts). Reads: one consistent Query
// of a campaign's partition, or the few keys a use case decides on in one BatchGetItem (a
// second round only when a key depends on the first: the registration an email points to).
// Writes: one TransactWriteItems per use case, with the call's nonce; any failed condition
// or conflicting transaction becomes StaleReadError (the service reads and decides again).
// Every save of a campaign stamps its version on the tally shards, and a ballot's shard update
// requires it: a ballot decided on a campaign an instance remembers (no read) is then refused
// once the campaign changed (issue 21, docs/operations.md "Ballots on warm instances").
import { StaleReadError } from '#shared/domain/conflicts.ts';
import type { DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';
import { collect, listingItems, partitionItems } from '#shared/adapters/dynamodb/query.ts';
import * as z from 'zod';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import {
  READ_AGAIN,
  staleBallot,
  type BallotContext,
  type BallotFormMarker,
  type BallotWrite,
  type CampaignRecord,
  type CampaignSnapshot,
  type CosignContext,
  type ProposeContext,
  type VoteRepository,
  type Voter,
} from '#shared/domain/votes/ports.ts';
import { organisationKey } from '#shared/domain/votes/organisation.ts';
import { tallyShardOf, type TallyShard } from '#shared/domain/votes/ballot.ts';
import {
  BallotSchema,
  CampaignSchema,
  ProposalSchema,
  SupportSchema,
  type Ballot,
  type Campaign,
  type Proposal,
  type Support,
} from '#shared/domain/votes/schema.ts';
import { batchGet, itemKey, type ItemKey } from '#shared/adapters/dynamodb/batch-get.ts';
import {
  DEFAULT_SHARDS,
  counterDeltaItem,
  counterSetPartition,
  counterShardKey,
  readCounterSet,
  stampGuard,
  versionStampItems,
} from '#shared/adapters/dynamodb/counters.ts';
import { personKeys, registrationKeys, voteKeys } from '#shared/adapters/dynamodb/keys.ts';
import { PERSON_ATTRIBUTE } from '#shared/adapters/dynamodb/tables.ts';

/** The per-person index entry of an item naming an agent (none once the agent was erased). */
const agentPerson = (email: string) => (email ? personKeys.person(email) : {});
import { TransactionRefusedError, transactWrite, type TaggedItem, type TransactItem } from '#shared/adapters/dynamodb/transact.ts';

type Tag = 'campaign' | 'seal' | 'proposal' | 'support' | 'form' | 'name' | 'ballot' | 'tally' | 'voter';
type Item = Record<string, unknown>;

const ProposalMarkerSchema = z.object({ proposal_id: z.string(), request_hash: z.string() });
const CosignMarkerSchema = z.object({ proposal_id: z.string(), organisation_key: z.string(), supporters_after: z.number().int().optional() });
const BallotMarkerSchema = z.object({
  campaign_id: z.string(),
  organisation_key: z.string(),
  request_hash: z.string(),
  cast_at: z.string(),
  replaced: z.boolean(),
  version: z.number().int(),
});
const CampaignKeysSchema = z.object({ electorate: z.unknown(), meeting_id: z.string().optional() });
const EmailMarkerSchema = z.object({ registration_id: z.string() });
const VoterRegistrationSchema = z.object({
  registration: z.object({
    id: z.string(),
    organisation: z.string(),
    state: z.string(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
  }),
});

/** The voter a registration makes, when active. */
function voterOf(r: z.infer<typeof VoterRegistrationSchema>['registration']): Voter | undefined {
  if (r.state !== 'active') return undefined;
  return {
    registration_id: r.id,
    organisation: r.organisation,
    ...(r.first_name !== undefined ? { first_name: r.first_name } : {}),
    ...(r.last_name !== undefined ? { last_name: r.last_name } : {}),
  };
}

/** Attribute set on every shard of a closed campaign's tally: no ballot can add to it after. */
const SEALED = 'sealed';
/** Top-level attribute of a campaign created since issue 21: its ballots use their organisation's shard. */
const TALLY_KEYED = 'tally_keyed';
/** Shard attribute: the ballots written to it (the recount's cut). */
const WRITES = 'writes';
/**
 * Shard attribute: the campaign's version, stamped on every shard by every save of the campaign.
 * A ballot's shard update requires the version it was decided on, so a ballot decided on a
 * campaign this instance remembers (VoteService) is refused once the campaign changed.
 */
const CAMPAIGN_VERSION = 'campaign_version';

function campaignRecord(item: Item): CampaignRecord {
  return {
    campaign: CampaignSchema.parse(item['campaign']),
    changeSeq: z.number().int().parse(item['change_seq'] ?? 0),
    proposalCount: z.number().int().parse(item['proposal_count'] ?? 0),
    ...(item[TALLY_KEYED] === true ? { tallyKeyed: true } : {}),
  };
}

const proposalOf = (item: Item): Proposal => ProposalSchema.parse({ ...(item['proposal'] as object), supporters: item['supporters'] });
const supportOf = (item: Item): Support => SupportSchema.parse(item['support']);
const nameOf = (item: Item | undefined): string | undefined => (typeof item?.['name'] === 'string' ? item['name'] : undefined);

export class DynamoVoteRepository implements VoteRepository {
  // The campaign's meeting, remembered by this instance (one per Lambda instance): it lets the
  // first read of a ballot fetch the voter's email marker together with the campaign. A stale
  // entry only costs another round (the campaign read decides).
  private readonly meetingOfCampaign = new Map<string, string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nonceTable: string,
    private readonly shards: number = DEFAULT_SHARDS,
  ) {}

  // -------------------------------------------------------------------------------------
  // Reads

  listCampaigns(): Promise<Campaign[]> {
    return collect(listingItems(this.client, this.tableName, voteKeys.CAMPAIGN_LISTING), (item) => CampaignSchema.parse(item['campaign']));
  }

  async loadCampaign(campaignId: string): Promise<CampaignSnapshot | undefined> {
    let record: CampaignRecord | undefined;
    const proposals: Proposal[] = [];
    const supports: Support[] = [];
    const names = new Map<string, string>();
    for await (const item of partitionItems(this.client, this.tableName, voteKeys.campaignPartition(campaignId))) {
      const sortKey = String(item['sk']);
      if (sortKey === 'META') record = campaignRecord(item);
      else if (sortKey.startsWith(voteKeys.PROPOSAL_PREFIX)) proposals.push(proposalOf(item));
      else if (sortKey.startsWith(voteKeys.SUPPORT_PREFIX)) supports.push(supportOf(item));
      else if (sortKey.startsWith(voteKeys.NAME_PREFIX)) names.set(sortKey.slice(voteKeys.NAME_PREFIX.length), String(item['name']));
    }
    if (!record) return undefined;
    if (record.campaign.meeting_id) this.meetingOfCampaign.set(campaignId, record.campaign.meeting_id);
    return { ...record, proposals, supports, names };
  }

  /**
   * Reads `first` in one BatchGetItem, then whatever `needed` adds once it sees the items
   * (keys that depend on an item just read), until nothing is missing.
   */
  private async readRounds(first: ItemKey[], needed: (get: (k: ItemKey) => Item | undefined) => ItemKey[]) {
    const fetched = new Set<string>();
    const items = new Map<string, Item>();
    const get = (k: ItemKey) => items.get(itemKey(k));
    let wanted = first;
    // The longest chain: campaign → email marker → registration → ballot.
    for (let round = 0; round <= 4; round++) {
      const missing = wanted.filter((k) => !fetched.has(itemKey(k)));
      if (missing.length === 0) return get;
      if (round === 4) break;
      const found = await batchGet(this.client, this.tableName, missing);
      for (const k of missing) fetched.add(itemKey(k));
      for (const [key, item] of found) items.set(key, item);
      wanted = needed(get);
    }
    throw new Error('readRounds: keys still depend on each other after 4 rounds');
  }

  async loadProposeContext(campaignId: string, formUuid: string): Promise<ProposeContext> {
    const base = [voteKeys.campaign(campaignId), voteKeys.proposalForm(formUuid)];
    const get = await this.readRounds(base, (got) => {
      const marker = got(voteKeys.proposalForm(formUuid));
      if (!marker) return base;
      const proposalId = ProposalMarkerSchema.parse(marker).proposal_id;
      const markerCampaign = String(marker['campaign_id'] ?? campaignId);
      return [...base, voteKeys.proposal(markerCampaign, proposalId)];
    });
    const campaignItem = get(voteKeys.campaign(campaignId));
    const markerItem = get(voteKeys.proposalForm(formUuid));
    const marker = markerItem ? ProposalMarkerSchema.parse(markerItem) : undefined;
    const proposalItem = marker ? get(voteKeys.proposal(String(markerItem?.['campaign_id'] ?? campaignId), marker.proposal_id)) : undefined;
    return {
      record: campaignItem ? campaignRecord(campaignItem) : undefined,
      marker,
      proposal: proposalItem ? proposalOf(proposalItem) : undefined,
    };
  }

  async loadCosignContext(proposalId: string, campaignId: string, formUuid: string, orgKey: string): Promise<CosignContext> {
    const keys = [
      voteKeys.campaign(campaignId),
      voteKeys.proposal(campaignId, proposalId),
      voteKeys.cosignForm(formUuid),
      voteKeys.support(campaignId, proposalId, orgKey),
      voteKeys.organisationName(campaignId, orgKey),
    ];
    const found = await batchGet(this.client, this.tableName, keys);
    const [campaign, proposal, marker, support, name] = keys.map((k) => found.get(itemKey(k)));
    return {
      record: campaign ? campaignRecord(campaign) : undefined,
      proposal: proposal ? proposalOf(proposal) : undefined,
      marker: marker ? CosignMarkerSchema.parse(marker) : undefined,
      support: support ? supportOf(support) : undefined,
      organisationName: nameOf(name),
    };
  }

  async loadBallotContext(campaignId: string, formUuid: string, email: string, hint: string | undefined): Promise<BallotContext> {
    const base = [voteKeys.campaign(campaignId), voteKeys.ballotForm(formUuid)];
    const orgKeys = (key: string) => [voteKeys.ballot(campaignId, key), voteKeys.organisationName(campaignId, key)];
    /** The organisation the ballot is for, once the items that decide it are read. */
    const resolve = (got: (k: ItemKey) => Item | undefined) => {
      const campaignItem = got(voteKeys.campaign(campaignId));
      if (!campaignItem) return { keys: base };
      // Only the two fields that decide the keys (the campaign is parsed once, at the end).
      const campaign = CampaignKeysSchema.parse(campaignItem['campaign']);
      if (campaign.electorate !== 'meeting') {
        return { keys: hint === undefined ? base : [...base, ...orgKeys(hint)], orgKey: hint };
      }
      const emailKey = registrationKeys.email(campaign.meeting_id ?? '', email);
      const marker = got(emailKey);
      if (!marker) return { keys: [...base, emailKey] };
      const regKey = registrationKeys.registration(EmailMarkerSchema.parse(marker).registration_id);
      const reg = got(regKey);
      if (!reg) return { keys: [...base, emailKey, regKey] };
      const voter = voterOf(VoterRegistrationSchema.parse(reg).registration);
      if (!voter) return { keys: [...base, emailKey, regKey] };
      const key = organisationKey(voter.organisation);
      return { keys: [...base, emailKey, regKey, ...orgKeys(key)], orgKey: key, voter };
    };
    // First round: guess what the later rounds would ask (the meeting seen last time, the
    // organisation named in the body), so that the usual ballot is read in one or two calls.
    const meeting = this.meetingOfCampaign.get(campaignId);
    const first = [
      ...base,
      ...(meeting ? [registrationKeys.email(meeting, email)] : []),
      ...(hint === undefined ? [] : orgKeys(hint)),
    ];
    const get = await this.readRounds(first, (got) => resolve(got).keys);
    const resolved = resolve(get);
    const campaignItem = get(voteKeys.campaign(campaignId));
    if (!campaignItem) return {};
    const record = campaignRecord(campaignItem);
    if (record.campaign.meeting_id) this.meetingOfCampaign.set(campaignId, record.campaign.meeting_id);
    const markerItem = get(voteKeys.ballotForm(formUuid));
    const ballotItem = resolved.orgKey === undefined ? undefined : get(voteKeys.ballot(campaignId, resolved.orgKey));
    return {
      record,
      marker: markerItem ? (BallotMarkerSchema.parse(markerItem) satisfies BallotFormMarker) : undefined,
      voter: resolved.voter,
      ballot: ballotItem ? BallotSchema.parse(ballotItem['ballot']) : undefined,
      organisationName: resolved.orgKey === undefined ? undefined : nameOf(get(voteKeys.organisationName(campaignId, resolved.orgKey))),
    };
  }

  async loadVoter(meetingId: string, email: string): Promise<Voter | undefined> {
    const emailKey = registrationKeys.email(meetingId, email);
    const get = await this.readRounds([emailKey], (got) => {
      const marker = got(emailKey);
      return marker ? [emailKey, registrationKeys.registration(EmailMarkerSchema.parse(marker).registration_id)] : [emailKey];
    });
    const marker = get(emailKey);
    const reg = marker ? get(registrationKeys.registration(EmailMarkerSchema.parse(marker).registration_id)) : undefined;
    return reg ? voterOf(VoterRegistrationSchema.parse(reg).registration) : undefined;
  }

  listBallots(campaignId: string): Promise<Ballot[]> {
    return collect(partitionItems(this.client, this.tableName, voteKeys.ballotPartition(campaignId)), (item) => BallotSchema.parse(item['ballot']));
  }

  readTally(campaignId: string): Promise<Record<string, number>> {
    return readCounterSet(this.client, this.tableName, voteKeys.tallySet(campaignId));
  }

  async readTallyShards(campaignId: string): Promise<{ shards: number; list: TallyShard[] }> {
    const list: TallyShard[] = [];
    const prefix = counterSetPartition(voteKeys.tallySet(campaignId));
    for await (const item of partitionItems(this.client, this.tableName, prefix)) {
      const shard = Number(String(item['sk']).replace(/^SHARD#/, ''));
      const totals: Record<string, number> = {};
      for (const [name, value] of Object.entries(item)) if (name.startsWith('c:') && typeof value === 'number') totals[name.slice(2)] = value;
      list.push({ shard, writes: typeof item[WRITES] === 'number' ? item[WRITES] : 0, totals });
    }
    return { shards: this.shards, list };
  }

  async meetingOrganisations(meetingId: string): Promise<Set<string>> {
    const out = new Set<string>();
    const listing = listingItems(this.client, this.tableName, registrationKeys.meetingListingPartition(meetingId), {
      ProjectionExpression: '#r.#org, #r.#state',
      ExpressionAttributeNames: { '#r': 'registration', '#org': 'organisation', '#state': 'state' },
    });
    for await (const item of listing) {
      const reg = item['registration'] as { organisation?: unknown; state?: unknown } | undefined;
      if (reg?.state === 'active' && typeof reg.organisation === 'string') out.add(organisationKey(reg.organisation));
    }
    return out;
  }

  // -------------------------------------------------------------------------------------
  // Writes

  async saveCampaign(campaign: Campaign, expectedVersion: number, changeSeq?: number): Promise<void> {
    const items: TaggedItem<Tag>[] = [];
    if (expectedVersion === 0) {
      items.push({
        tag: 'campaign',
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...voteKeys.campaign(campaign.id),
              ...voteKeys.campaignListing(campaign.id),
              type: 'campaign',
              campaign,
              version: campaign.version,
              change_seq: 0,
              proposal_count: 0,
              [TALLY_KEYED]: true,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      });
    } else {
      const guard = changeSeq === undefined ? '' : ' AND #seq = :seq';
      items.push({
        tag: 'campaign',
        item: {
          Update: {
            TableName: this.tableName,
            Key: voteKeys.campaign(campaign.id),
            UpdateExpression: 'SET #campaign = :campaign, #version = :next',
            ConditionExpression: `#version = :expected${guard}`,
            ExpressionAttributeNames: {
              '#campaign': 'campaign',
              '#version': 'version',
              ...(changeSeq === undefined ? {} : { '#seq': 'change_seq' }),
            },
            ExpressionAttributeValues: {
              ':campaign': campaign,
              ':next': campaign.version,
              ':expected': expectedVersion,
              ...(changeSeq === undefined ? {} : { ':seq': changeSeq }),
            },
          },
        },
      });
    }
    // Every save stamps the campaign's version on every shard of the tally, in the same
    // transaction: a ballot decided on an earlier version (a campaign remembered by a warm
    // instance, or read just before this save) fails its shard's condition and decides again.
    // Closing also seals them: a ballot decided just before the close and written after it is
    // refused.
    const closing = campaign.closed_at !== undefined;
    const seal = closing ? { set: '#sealed = :true', names: { '#sealed': SEALED }, values: { ':true': true } } : {};
    for (const item of versionStampItems(this.tableName, voteKeys.tallySet(campaign.id), CAMPAIGN_VERSION, campaign.version, this.shards, seal)) {
      items.push({ tag: 'seal', item });
    }
    await this.commit(items);
  }

  async createProposal(
    write: { proposal: Proposal; support: Support; expectedProposalCount: number },
    nonce: CallNonce | undefined,
  ): Promise<void> {
    const { proposal: p, support } = write;
    await this.commit(
      [
        { tag: 'proposal', item: this.putProposal(p, 0) },
        { tag: 'support', item: this.putSupport(p.campaign_id, support) },
        {
          tag: 'form',
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...voteKeys.proposalForm(p.form_uuid), type: 'proposal-form', proposal_id: p.id, campaign_id: p.campaign_id, request_hash: p.request_hash },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
        { tag: 'name', item: this.keepName(p.campaign_id, support.organisation_key, support.organisation) },
        {
          tag: 'campaign',
          item: this.touchCampaign(p.campaign_id, {
            set: 'SET #count = :count',
            condition: write.expectedProposalCount === 0 ? '(attribute_not_exists(#count) OR #count = :prev)' : '#count = :prev',
            names: { '#count': 'proposal_count' },
            values: { ':count': write.expectedProposalCount + 1, ':prev': write.expectedProposalCount },
          }),
        },
      ],
      nonce,
    );
  }

  async editProposal(write: { proposal: Proposal; expectedVersion: number }, nonce: CallNonce | undefined): Promise<void> {
    const p = write.proposal;
    await this.commit(
      [
        { tag: 'proposal', item: this.putProposal(p, write.expectedVersion) },
        {
          tag: 'form',
          item: {
            Put: {
              TableName: this.tableName,
              Item: { ...voteKeys.proposalForm(p.form_uuid), type: 'proposal-form', proposal_id: p.id, campaign_id: p.campaign_id, request_hash: p.request_hash },
            },
          },
        },
        { tag: 'campaign', item: this.touchCampaign(p.campaign_id) },
      ],
      nonce,
    );
  }

  async addSupport(
    write: { support: Support; campaignId: string; organisationName: string; supportersAfter?: number },
    nonce: CallNonce | undefined,
  ): Promise<void> {
    const { support: s, campaignId } = write;
    await this.commit(
      [
        { tag: 'support', item: this.putSupport(campaignId, s) },
        {
          tag: 'proposal',
          item: {
            Update: {
              TableName: this.tableName,
              Key: voteKeys.proposal(campaignId, s.proposal_id),
              UpdateExpression: 'ADD #supporters :one',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#supporters': 'supporters' },
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
        },
        {
          tag: 'form',
          item: {
            Put: {
              TableName: this.tableName,
              Item: {
                ...voteKeys.cosignForm(s.form_uuid),
                type: 'cosign-form',
                proposal_id: s.proposal_id,
                organisation_key: s.organisation_key,
                ...(write.supportersAfter !== undefined ? { supporters_after: write.supportersAfter } : {}),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
        { tag: 'name', item: this.keepName(campaignId, s.organisation_key, write.organisationName) },
        { tag: 'campaign', item: this.touchCampaign(campaignId) },
      ],
      nonce,
    );
  }

  async castBallot(write: BallotWrite, nonce: CallNonce | undefined): Promise<void> {
    const b = write.ballot;
    const marker: BallotFormMarker = {
      campaign_id: b.campaign_id,
      organisation_key: b.organisation_key,
      request_hash: b.request_hash,
      cast_at: b.cast_at,
      replaced: b.replaced_count > 0,
      version: write.markerVersion + 1,
    };
    const items: TaggedItem<Tag>[] = [
      {
        tag: 'ballot',
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...voteKeys.ballot(b.campaign_id, b.organisation_key), ...agentPerson(b.agent.email), type: 'ballot', version: b.version, ballot: b },
            ...this.versionCondition(write.previousVersion),
          },
        },
        returnCurrent: true,
      },
      { tag: 'form', item: this.putBallotForm(b.form_uuid, marker, write.markerVersion), returnCurrent: true },
      { tag: 'tally', item: this.tallyItem(b.campaign_id, b.organisation_key, write.delta, write.campaignVersion) },
    ];
    if (write.voter) {
      // Eligibility at the write: the email marker still this registration's, and (markers
      // written since issue 21 carry the registration's state) active. A cancellation deletes it.
      items.push({
        tag: 'voter',
        item: {
          ConditionCheck: {
            TableName: this.tableName,
            Key: registrationKeys.email(write.voter.meetingId, write.voter.email),
            ConditionExpression: '#id = :id AND (attribute_not_exists(#view) OR #view.#state = :active)',
            ExpressionAttributeNames: { '#id': 'registration_id', '#view': 'eligibility', '#state': 'state' },
            ExpressionAttributeValues: { ':id': write.voter.registrationId, ':active': 'active' },
          },
        },
      });
    }
    try {
      await transactWrite(this.client, items, nonce ? { tableName: this.nonceTable, nonce } : undefined);
    } catch (error) {
      if (!(error instanceof TransactionRefusedError)) throw error;
      // Agents of one organisation replacing its ballot at once collide on the ballot item
      // alone, and a ballot planned without a read (as a first ballot from a fresh form) meets
      // the ballot or the form marker that exist: the refusal carries those items as they
      // stand, so the service re-plans on them without reading again; a bare conflict (no
      // condition failed) retries the same plan. A failed shard (campaign changed or sealed)
      // says nothing to re-plan on: read again.
      if (error.failedTags.size === 0 && error.conflict) throw staleBallot('as-planned');
      if (error.failedTags.size > 0 && [...error.failedTags].every((t) => t === 'ballot' || t === 'form')) {
        const ballot = error.current.find((c) => c.tag === 'ballot');
        const form = error.current.find((c) => c.tag === 'form');
        throw staleBallot({
          ...(ballot ? { ballot: ballot.item ? BallotSchema.parse(ballot.item['ballot']) : undefined } : {}),
          ...(form ? { marker: form.item ? BallotMarkerSchema.parse(form.item) : undefined } : {}),
        });
      }
      throw new StaleReadError(error.message, error.failed('tally') || error.failed('voter') ? READ_AGAIN : undefined);
    }
  }

  async recordOvertakenBallot(
    write: { formUuid: string; marker: BallotFormMarker; markerVersion: number; plannedVersion: number; campaignVersion?: number },
    nonce: CallNonce | undefined,
  ): Promise<void> {
    const m = write.marker;
    await this.commit(
      [
        { tag: 'form', item: this.putBallotForm(write.formUuid, m, write.markerVersion) },
        {
          tag: 'ballot',
          item: {
            ConditionCheck: {
              TableName: this.tableName,
              Key: voteKeys.ballot(m.campaign_id, m.organisation_key),
              ConditionExpression: '#version > :planned',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':planned': write.plannedVersion },
            },
          },
        },
        { tag: 'tally', item: this.tallyItem(m.campaign_id, m.organisation_key, {}, write.campaignVersion) },
      ],
      nonce,
    );
  }

  // -------------------------------------------------------------------------------------

  /** A ballot form's marker, conditioned on the version read (0: absent). */
  private putBallotForm(formUuid: string, marker: BallotFormMarker, markerVersion: number): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: { ...voteKeys.ballotForm(formUuid), type: 'ballot-form', ...marker }, ...this.versionCondition(markerVersion) },
    };
  }

  private versionCondition(expected: number) {
    return expected === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expected } };
  }

  /**
   * The ballot's delta on its organisation's shard (always the same one: a recount compares
   * shard by shard), counted in the shard's writes, refused once the campaign's tally is sealed.
   */
  private tallyItem(campaignId: string, orgKey: string, delta: Record<string, number>, campaignVersion?: number): TransactItem {
    const setId = voteKeys.tallySet(campaignId);
    const shard = tallyShardOf(orgKey, this.shards);
    // Not sealed, and (when the caller says which) no save of the campaign since the version the
    // ballot was decided on: the stamp is at most that version. A shard without the stamp was
    // never touched by a save since the stamps exist (a campaign saved before them); a stamp
    // below the version read can only come from a save that did not stamp (an instance of the
    // previous code during a deploy): neither may block ballots for good.
    const guard = campaignVersion !== undefined ? stampGuard(CAMPAIGN_VERSION, campaignVersion) : undefined;
    const versioned = guard !== undefined;
    const condition = `attribute_not_exists(#sealed)${guard ? ` AND ${guard.condition}` : ''}`;
    const names = { '#sealed': SEALED, ...guard?.names };
    const values = guard ? guard.values : {};
    if (Object.keys(delta).length === 0) {
      // Same choices recast by another form: nothing to add, but the seal still decides.
      return {
        ConditionCheck: {
          TableName: this.tableName,
          Key: counterShardKey(setId, shard),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(versioned ? { ExpressionAttributeValues: values } : {}),
        },
      };
    }
    const item = counterDeltaItem(this.tableName, setId, delta, this.shards, () => shard);
    if (!item.Update) throw new Error('counterDeltaItem: an Update was expected');
    return {
      Update: {
        ...item.Update,
        UpdateExpression: `${item.Update.UpdateExpression}, #writes :one`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...item.Update.ExpressionAttributeNames, ...names, '#writes': WRITES },
        ExpressionAttributeValues: { ...item.Update.ExpressionAttributeValues, ...values, ':one': 1 },
      },
    };
  }

  private putProposal(p: Proposal, expectedVersion: number): TransactItem {
    const { supporters, ...stored } = p;
    return expectedVersion === 0
      ? {
          Put: {
            TableName: this.tableName,
            Item: { ...voteKeys.proposal(p.campaign_id, p.id), ...agentPerson(p.proposer.email), type: 'proposal', version: p.version, supporters, proposal: stored },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }
      : {
          // The supporters counter moves on its own (co-signatures): an edit leaves it alone.
          Update: {
            TableName: this.tableName,
            Key: voteKeys.proposal(p.campaign_id, p.id),
            UpdateExpression: `SET #proposal = :proposal, #version = :next${p.proposer.email ? ', #person = :person' : ''}`,
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#proposal': 'proposal', '#version': 'version', ...(p.proposer.email ? { '#person': PERSON_ATTRIBUTE } : {}) },
            ExpressionAttributeValues: {
              ':proposal': stored,
              ':next': p.version,
              ':expected': expectedVersion,
              ...(p.proposer.email ? { ':person': personKeys.value(p.proposer.email) } : {}),
            },
          },
        };
  }

  private putSupport(campaignId: string, s: Support): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...voteKeys.support(campaignId, s.proposal_id, s.organisation_key), ...agentPerson(s.agent.email), type: 'support', support: s },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** The first spelling of an organisation stays; later ones change nothing (and never fail). */
  private keepName(campaignId: string, orgKey: string, name: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: voteKeys.organisationName(campaignId, orgKey),
        UpdateExpression: 'SET #name = if_not_exists(#name, :name), #type = :type',
        ExpressionAttributeNames: { '#name': 'name', '#type': 'type' },
        ExpressionAttributeValues: { ':name': name, ':type': 'organisation-name' },
      },
    };
  }

  /**
   * Every proposal or co-signature moves the campaign's change sequence, and only while the
   * ballot is not frozen: a freeze conditioned on the sequence it read can then never miss a
   * co-signature written meanwhile, and nothing changes the proposals after it.
   */
  private touchCampaign(
    campaignId: string,
    extra: { set?: string; condition?: string; names?: Record<string, string>; values?: Record<string, unknown> } = {},
  ): TransactItem {
    const set = extra.set ? `${extra.set} ` : '';
    const condition = `attribute_exists(pk) AND attribute_not_exists(#campaign.#ballot)${extra.condition ? ` AND ${extra.condition}` : ''}`;
    return {
      Update: {
        TableName: this.tableName,
        Key: voteKeys.campaign(campaignId),
        UpdateExpression: `${set}ADD #seq :one`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#seq': 'change_seq', '#campaign': 'campaign', '#ballot': 'ballot', ...extra.names },
        ExpressionAttributeValues: { ':one': 1, ...extra.values },
      },
    };
  }

  private async commit(items: TaggedItem<Tag>[], nonce?: CallNonce): Promise<void> {
    try {
      await transactWrite(this.client, items, nonce ? { tableName: this.nonceTable, nonce } : undefined);
    } catch (error) {
      if (error instanceof TransactionRefusedError) throw new StaleReadError(error.message);
      throw error;
    }
  }
}
