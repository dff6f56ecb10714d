// Storage port of the vote context. Each use case reads what it decides on in one go (a
// `load…` method: one BatchGetItem, a second one only when a key depends on the first),
// decides in pure code, and commits in one transaction (a `…` write method) that carries the
// Publik call's nonce. A write whose conditions no longer hold throws StaleReadError:
// read again and decide again.
import { StaleReadError } from '#shared/domain/conflicts.ts';
import type { TallyShard } from './ballot.ts';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import type { Ballot, Campaign, Proposal, Support } from './schema.ts';

/** The campaign item with its write guards. */
export interface CampaignRecord {
  campaign: Campaign;
  /** Moves with every proposal or co-signature: freezing the ballot is conditioned on it. */
  changeSeq: number;
  /** Proposals created so far: the next proposal is `<campaignId>-p<proposalCount + 1>`. */
  proposalCount: number;
  /**
   * Every ballot of the campaign added to its organisation's own shard (`tallyShardOf`), and
   * counted the shard's writes: campaigns created since issue 21. A recount then compares shard
   * by shard; an older campaign is compared as a whole.
   */
  tallyKeyed?: boolean;
}

/** Everything in a campaign's partition: the campaign, its proposals, supports and names. */
export interface CampaignSnapshot extends CampaignRecord {
  proposals: Proposal[];
  supports: Support[];
  /** Organisation key → the first spelling seen in this campaign. */
  names: Map<string, string>;
}

export interface ProposalFormMarker {
  proposal_id: string;
  request_hash: string;
}

export interface CosignFormMarker {
  /** The proposal's supporters right after this form's co-signature (a lower bound for its replays). */
  supporters_after?: number | undefined;
  proposal_id: string;
  organisation_key: string;
}

export interface BallotFormMarker {
  campaign_id: string;
  organisation_key: string;
  request_hash: string;
  cast_at: string;
  /** Whether that cast replaced an earlier ballot (repeated in a replay's answer). */
  replaced: boolean;
  version: number;
}

export interface ProposeContext {
  record?: CampaignRecord;
  marker?: ProposalFormMarker;
  /** The proposal the form already created (an edit or a replay). */
  proposal?: Proposal;
}

export interface CosignContext {
  record?: CampaignRecord;
  proposal?: Proposal;
  marker?: CosignFormMarker;
  /** This organisation's support of the proposal, if it already gave one. */
  support?: Support;
  /** First spelling of the organisation in the campaign. */
  organisationName?: string;
}

export interface Voter {
  registration_id: string;
  organisation: string;
  /** The agent's names as registered: the ballot's agent when the form sends none. */
  first_name?: string;
  last_name?: string;
}

export interface BallotContext {
  record?: CampaignRecord;
  marker?: BallotFormMarker;
  /** Meeting electorate: the active registration of the email to the campaign's meeting. */
  voter?: Voter;
  /** The organisation's current ballot. */
  ballot?: Ballot;
  organisationName?: string;
}

/** A ballot's one transaction (VoteRepository.castBallot). */
export interface BallotWrite {
  ballot: Ballot;
  previousVersion: number;
  markerVersion: number;
  delta: Record<string, number>;
  /** The campaign version the ballot was decided on: refused (READ_AGAIN) once it changed. */
  campaignVersion?: number;
  /**
   * A meeting electorate: the voter's email marker must still point to the registration the
   * ballot was decided on, active (a cancellation deletes the marker): refused (READ_AGAIN) else.
   */
  voter?: { meetingId: string; email: string; registrationId: string };
}

export interface VoteRepository {
  listCampaigns(): Promise<Campaign[]>;
  /** One consistent Query over the campaign's partition. */
  loadCampaign(campaignId: string): Promise<CampaignSnapshot | undefined>;
  /** `expectedVersion` 0: create. `changeSeq`: also require no proposal change since that read (a freeze). */
  saveCampaign(campaign: Campaign, expectedVersion: number, changeSeq?: number): Promise<void>;

  loadProposeContext(campaignId: string, formUuid: string): Promise<ProposeContext>;
  /** Proposal, proposer's support, form marker, name, and the campaign's counters, in one transaction. */
  createProposal(
    write: { proposal: Proposal; support: Support; expectedProposalCount: number },
    nonce: CallNonce | undefined,
  ): Promise<void>;
  editProposal(write: { proposal: Proposal; expectedVersion: number }, nonce: CallNonce | undefined): Promise<void>;

  loadCosignContext(proposalId: string, campaignId: string, formUuid: string, organisationKey: string): Promise<CosignContext>;
  /** The support (one per organisation), the proposal's supporters counter, the form marker. */
  addSupport(
    write: { support: Support; campaignId: string; organisationName: string; supportersAfter?: number },
    nonce: CallNonce | undefined,
  ): Promise<void>;

  loadBallotContext(
    campaignId: string,
    formUuid: string,
    email: string,
    organisationKeyHint: string | undefined,
  ): Promise<BallotContext>;
  /**
   * Puts the ballot (conditioned on the version read: `previousVersion` 0 for a first ballot),
   * its form marker (conditioned on `markerVersion`) and the tally delta, in one transaction.
   */
  castBallot(write: BallotWrite, nonce: CallNonce | undefined): Promise<void>;
  /**
   * A replacement overtaken by another replacement of the same organisation's ballot that
   * committed after it was planned: only its form marker is written (conditioned on
   * `markerVersion`), checked against the ballot item still being past `plannedVersion` and the
   * tally not sealed; the ballot and the tally stay as the later replacement left them.
   */
  recordOvertakenBallot(
    write: { formUuid: string; marker: BallotFormMarker; markerVersion: number; plannedVersion: number; campaignVersion?: number },
    nonce: CallNonce | undefined,
  ): Promise<void>;

  /**
   * Meeting electorate, the campaign known: the active registration of `email` to the meeting
   * (its email marker, then the registration: two reads), or undefined.
   */
  loadVoter(meetingId: string, email: string): Promise<Voter | undefined>;

  listBallots(campaignId: string): Promise<Ballot[]>;
  /** The live tally (sum of the sharded counters). */
  readTally(campaignId: string): Promise<Record<string, number>>;
  /** Each tally shard with its write count, and the number of shards. */
  readTallyShards(campaignId: string): Promise<{ shards: number; list: TallyShard[] }>;
  /** Distinct organisations (keys) with at least one active registration to the meeting. */
  meetingOrganisations(meetingId: string): Promise<Set<string>>;
}

/**
 * What a ballot write refused only because of the organisation's ballot item or the form's
 * marker carries (the `current` of its StaleReadError), to decide the next attempt without a
 * read: each of those items whose condition failed, as it stood then (DynamoDB returns it with
 * the refusal; a key present with `undefined`: the item did not exist), or `as-planned` when
 * nothing failed but a concurrent transaction touched an item (the same plan may be sent
 * again). Every other input of the decision is re-checked by the retried transaction's own
 * conditions.
 */
export type BallotRefusal = { ballot?: Ballot | undefined; marker?: BallotFormMarker | undefined } | 'as-planned';

export const staleBallot = (current: BallotRefusal) =>
  new StaleReadError<BallotRefusal>(current === 'as-planned' ? 'ballot transaction conflicted' : 'ballot moved', current);

/**
 * The `current` of a ballot refused by what it was decided on, not by its own items: the tally
 * shard (the campaign changed, another version stamped on the shards, or was closed) or the
 * voter's email marker (the registration cancelled or replaced). Read everything again.
 */
export const READ_AGAIN = 'read-again';

/** The ballot refusal a StaleReadError of the vote repository carries, if it is one. */
export const ballotRefusalOf = (error: unknown): BallotRefusal | undefined =>
  error instanceof StaleReadError && error.current !== READ_AGAIN ? (error.current as BallotRefusal | undefined) : undefined;

/** Whether a ballot write was refused because the campaign or the voter changed since its decision. */
export const mustReadAgain = (error: unknown): boolean => error instanceof StaleReadError && error.current === READ_AGAIN;
