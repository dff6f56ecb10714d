// Vote use cases: campaigns (organisers), proposals, co-signatures, ballots and results.
// Each write use case reads once (the store's `load…`), decides in the pure functions of this
// folder, and writes once (one transaction with the call's nonce). When the transaction finds
// the state moved (StaleReadError) the decision is made again from a fresh read, with
// jittered backoff and bounded attempts; then "busy" (503), with nothing written.
import { createHash } from 'node:crypto';
import { ReplayedCallError, type CallNonce } from '#shared/domain/call-nonce.ts';
import { describeFieldIssues, InvalidRequestError, RefusalError, ServiceBusyError, type FieldIssue } from '#shared/errors.ts';
import { decideAgain, jitterWait, sleepFor, StaleReadError, type RetryPolicy } from '#shared/domain/conflicts.ts';
import { silentLogger, type Logger } from '#shared/domain/logger.ts';
import { ballotAnswer, ballotFieldIssues, ballotHash, ballotId, cutOf, recount, sameTally, settleShards, tallyDelta, validateBallot, withoutZeros, type BallotAnswer, type TallyCut } from './ballot.ts';
import {
  assertProposalsOpen,
  assertVoteOpen,
  ballotItem,
  ballotProposals,
  bySubmission,
  campaignNotFound,
  campaignSummary,
  closeCampaign,
  defineCampaign,
  electorateKeys,
  freezeCampaign,
  needsFreeze,
  needsSeal,
  openCampaign,
  proposalItem,
  proposalNotFound,
  proposalStatus,
  proposalView,
  sealCampaign,
  settleCampaign,
  voteStatus,
  type ProposalStatus,
} from './campaign.ts';
import type { DataSourceItem } from '#shared/publik/data-source.ts';
import { organisationKey } from './organisation.ts';
import { ballotRefusalOf, mustReadAgain, type BallotContext, type CampaignRecord, type CampaignSnapshot, type VoteRepository, type Voter } from './ports.ts';
import { resultsOf, type Results } from './ranking.ts';
import {
  campaignOfProposal,
  type Ballot,
  type BallotContent,
  type BallotRequest,
  type Campaign,
  type CampaignInput,
  type CosignatureRequest,
  type Proposal,
  type ProposalRequest,
} from './schema.ts';

export type { RetryPolicy } from '#shared/domain/conflicts.ts';

// A room voting at once collides only inside one organisation (its ballot item) and on the
// campaign's counters (sharded); 12 attempts with full jitter capped at 200 ms absorb a
// 300-organisation burst with several agents per organisation (integration tests).
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 12, baseDelayMs: 10, maxDelayMs: 200 };

// A ballot replacement is different: a burst of one organisation's agents all aim at its one
// ballot item, one wins per round and the rest decide again — 12 attempts refused a third to
// most of a 200-agent burst (503 service-busy). Ballots also retry on a time budget (7 s,
// under the 10 s function timeout, as registrations do; at least the 12 attempts of before),
// re-plan from the ballot item returned with the refusal rather than reading again
// (ballot refusal), and a replacement overtaken by another one stops there (castBallot).
export const BALLOT_RETRY: RetryPolicy = { minAttempts: 12, maxAttempts: 1000, maxElapsedMs: 7000, baseDelayMs: 5, maxDelayMs: 250 };

/**
 * How long an instance decides ballots on a campaign it read, without reading it again (issue
 * 21). Correctness never depends on it: every save of a campaign stamps its version on the tally
 * shards, and a ballot's shard update requires the version it was decided on, so a ballot decided
 * on a campaign changed or closed since is refused by DynamoDB and decided again on a fresh read.
 * The lifetime only bounds how long an instance keeps a campaign nobody votes in.
 */
export const BALLOT_CAMPAIGN_TTL_MS = 60_000;

export interface VoteServiceDeps {
  /** Where the use case logs (ids and classes only); silent when absent. */
  logger?: Logger | undefined;
  store: VoteRepository;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

export interface ProposalAnswer {
  proposal_id: string;
  campaign_id: string;
  status: 'cosignable' | 'eligible';
  supporters: number;
  supporters_needed: number;
  replayed: boolean;
}

export interface CosignAnswer {
  proposal_id: string;
  supporters: number;
  status: 'cosignable' | 'eligible';
  replayed: boolean;
}

function proposalHash(request: ProposalRequest): string {
  const { form_uuid: _u, form_number: _n, form_url: _l, ...content } = request;
  const sorted = Object.fromEntries(Object.entries(content).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url');
}

export class VoteService {
  private readonly retry: RetryPolicy;
  private readonly ballotRetry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Campaigns read for ballots, by id, until `until` (Date.now()): see BALLOT_CAMPAIGN_TTL_MS. */
  private readonly remembered = new Map<string, { snapshot: CampaignSnapshot; until: number }>();

  private get logger(): Logger {
    return this.deps.logger ?? silentLogger;
  }

  constructor(private readonly deps: VoteServiceDeps) {
    this.retry = deps.retry ?? DEFAULT_RETRY;
    this.ballotRetry = deps.retry ?? BALLOT_RETRY;
    this.sleep = deps.sleep ?? sleepFor;
  }

  private get store(): VoteRepository {
    return this.deps.store;
  }

  /** Runs `decide` until its write holds, re-reading each time; busy after the last attempt. */
  private decideAndWrite<T>(what: string, decide: () => Promise<T>, retry: RetryPolicy = this.retry): Promise<T> {
    const busy = (attempts: number) => {
      this.logger.warn('vote write still contended after retries', { what, attempts });
      return new ServiceBusyError();
    };
    return decideAgain({ attempts: retry, wait: jitterWait(retry, this.sleep), busy }, decide);
  }

  /** Every save of a campaign goes through here: this instance forgets what it remembered of it. */
  private async saveCampaign(campaign: Campaign, expectedVersion: number, changeSeq?: number): Promise<void> {
    this.remembered.delete(campaign.id);
    await this.store.saveCampaign(campaign, expectedVersion, changeSeq);
  }

  // -------------------------------------------------------------------------------------
  // Campaigns

  async putCampaign(campaignId: string, input: CampaignInput, now: Date): Promise<{ campaign: Campaign; created: boolean }> {
    return this.decideAndWrite('put-campaign', async () => {
      const snapshot = await this.store.loadCampaign(campaignId);
      // Sealed or frozen first if its window passed (one write: the seal goes with the PUT).
      const previous = snapshot && settleCampaign(snapshot.campaign, snapshot.proposals, now);
      const next = defineCampaign(campaignId, input, previous, now);
      const settledBallot = snapshot !== undefined && snapshot.campaign.ballot === undefined && next.ballot !== undefined;
      await this.saveCampaign(next, snapshot?.campaign.version ?? 0, settledBallot ? snapshot.changeSeq : undefined);
      return { campaign: next, created: snapshot === undefined };
    });
  }

  /**
   * The campaign's partition, with the ballot frozen if the vote opened by its window since the
   * last read: the first reader after `vote_opens_at` freezes it, conditioned on no proposal
   * or co-signature having moved since its read, so every reader agrees on one ballot. Likewise
   * the first reader after `vote_closes_at` records the close and seals the tally.
   */
  async snapshot(campaignId: string, now: Date): Promise<CampaignSnapshot> {
    return this.decideAndWrite('freeze', async () => {
      const snapshot = await this.store.loadCampaign(campaignId);
      if (!snapshot) throw campaignNotFound(campaignId);
      if (needsSeal(snapshot.campaign, now)) {
        const sealed = sealCampaign(snapshot.campaign, snapshot.proposals, now);
        await this.saveCampaign(sealed, snapshot.campaign.version, snapshot.campaign.ballot ? undefined : snapshot.changeSeq);
        this.logger.info('vote closed by its window', { campaignId });
        return { ...snapshot, campaign: sealed };
      }
      if (!needsFreeze(snapshot.campaign, now)) return snapshot;
      const frozen = freezeCampaign(snapshot.campaign, snapshot.proposals, now);
      await this.saveCampaign(frozen, snapshot.campaign.version, snapshot.changeSeq);
      this.logger.info('ballot frozen', { campaignId, proposals: frozen.ballot?.length ?? 0 });
      return { ...snapshot, campaign: frozen };
    });
  }

  /** The campaign as stored (no freeze or seal: an organiser reading its definition). */
  async getCampaign(campaignId: string): Promise<Campaign> {
    const snapshot = await this.store.loadCampaign(campaignId);
    if (!snapshot) throw campaignNotFound(campaignId);
    return snapshot.campaign;
  }

  /**
   * The console's list: the campaigns (one listing query) and the ballots cast in each, read
   * from its tally (one query of its shards per campaign, in parallel): never the ballots.
   */
  async campaignSummaries(now: Date) {
    const campaigns = await this.listCampaigns();
    const tallies = await Promise.all(campaigns.map((c) => this.store.readTally(c.id)));
    return campaigns.map((c, i) => campaignSummary(c, tallies[i] ?? {}, now));
  }

  /** Every proposal of a campaign, cosignable ones included, in submission order (the console). */
  async adminProposals(campaignId: string, now: Date) {
    const { campaign, proposals, supports, names } = await this.snapshot(campaignId, now);
    return [...proposals].sort(bySubmission).map((p) => proposalView(p, campaign, supports, names));
  }

  async listCampaigns(): Promise<Campaign[]> {
    return (await this.store.listCampaigns()).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async openVote(campaignId: string, now: Date): Promise<{ campaign: Campaign; changed: boolean }> {
    return this.changePhase('open', campaignId, (s) => openCampaign(s.campaign, s.proposals, now), (s) => s.changeSeq);
  }

  async closeVote(campaignId: string, now: Date): Promise<{ campaign: Campaign; changed: boolean }> {
    return this.changePhase('close', campaignId, (s) => closeCampaign(s.campaign, s.proposals, now), (s) => (s.campaign.ballot ? undefined : s.changeSeq));
  }

  /**
   * An organiser's open or close: `decide` gives the campaign after it (undefined: nothing to
   * change), written once under `changeSeq` (the proposals' change counter when the write
   * freezes the ballot).
   */
  private async changePhase(
    verb: 'open' | 'close',
    campaignId: string,
    decide: (snapshot: CampaignSnapshot) => Campaign | undefined,
    changeSeq: (snapshot: CampaignSnapshot) => number | undefined,
  ): Promise<{ campaign: Campaign; changed: boolean }> {
    return this.decideAndWrite(verb, async () => {
      const snapshot = await this.store.loadCampaign(campaignId);
      if (!snapshot) throw campaignNotFound(campaignId);
      const next = decide(snapshot);
      if (!next) return { campaign: snapshot.campaign, changed: false };
      await this.saveCampaign(next, snapshot.campaign.version, changeSeq(snapshot));
      if (verb === 'open') this.logger.info('vote opened', { campaignId, proposals: next.ballot?.length ?? 0 });
      else this.logger.info('vote closed', { campaignId });
      return { campaign: next, changed: true };
    });
  }

  /** `campaign=` of the proposals data source: required when several campaigns exist. */
  async resolveCampaignId(campaignId: string | undefined): Promise<string | undefined> {
    if (campaignId !== undefined) return campaignId;
    const all = await this.store.listCampaigns();
    if (all.length <= 1) return all[0]?.id;
    throw new InvalidRequestError('Paramètres invalides : campaign : plusieurs campagnes existent, précisez laquelle.', [
      { path: 'campaign', message: 'Plusieurs campagnes existent : précisez laquelle.' },
    ]);
  }

  /** GET /proposals: a campaign's proposals (optionally of one status), in submission order. */
  async proposalItems(campaignParam: string | undefined, status: ProposalStatus | undefined, now: Date): Promise<DataSourceItem[]> {
    const campaignId = await this.resolveCampaignId(campaignParam);
    if (campaignId === undefined) return [];
    const { campaign, proposals, names } = await this.snapshot(campaignId, now);
    return proposals
      .filter((p) => status === undefined || proposalStatus(p, campaign) === status)
      .sort(bySubmission)
      .map((p) => proposalItem(p, campaign, names));
  }

  /** GET /campaigns/{id}/proposals: the ballot's proposals (eligible ones until it is frozen). */
  async ballotItems(campaignId: string, now: Date): Promise<DataSourceItem[]> {
    const { campaign, proposals, names } = await this.snapshot(campaignId, now);
    return ballotProposals(campaign, proposals).map((p) => ballotItem(p, names));
  }

  async getProposal(proposalId: string, now: Date): Promise<{ snapshot: CampaignSnapshot; proposal: Proposal }> {
    const campaignId = campaignOfProposal(proposalId);
    if (campaignId === undefined) throw proposalNotFound(proposalId);
    const snapshot = await this.store.loadCampaign(campaignId).then((s) => (s ? this.snapshotOrFrozen(s, now) : undefined));
    const proposal = snapshot?.proposals.find((p) => p.id === proposalId);
    if (!snapshot || !proposal) throw proposalNotFound(proposalId);
    return { snapshot, proposal };
  }

  private async snapshotOrFrozen(s: CampaignSnapshot, now: Date): Promise<CampaignSnapshot> {
    return needsFreeze(s.campaign, now) || needsSeal(s.campaign, now) ? this.snapshot(s.campaign.id, now) : s;
  }

  // -------------------------------------------------------------------------------------
  // Proposals and co-signatures

  async propose(request: ProposalRequest, nonce: CallNonce | undefined, now: Date): Promise<ProposalAnswer> {
    const hash = proposalHash(request);
    return this.decideAndWrite('propose', async () => {
      const ctx = await this.store.loadProposeContext(request.campaign_id, request.form_uuid);
      if (!ctx.record) throw campaignNotFound(request.campaign_id);
      const campaign = ctx.record.campaign;
      const answer = (p: Proposal, replayed: boolean): ProposalAnswer => ({
        proposal_id: p.id,
        campaign_id: p.campaign_id,
        status: proposalStatus(p, campaign),
        supporters: p.supporters,
        supporters_needed: campaign.supporters_needed,
        replayed,
      });
      if (ctx.proposal) {
        // The same form again: a replay, or an edit of its proposal until the vote opens.
        if (ctx.proposal.request_hash === hash) return answer(ctx.proposal, true);
        if (ctx.proposal.campaign_id !== campaign.id) {
          throw new RefusalError('form-already-used', 'Ce formulaire a déjà servi à une proposition d’une autre campagne.');
        }
        assertProposalsOpen(campaign, now);
        const edited: Proposal = {
          ...ctx.proposal,
          title: request.title,
          description: request.description,
          use_case: request.use_case,
          component: request.component,
          form_number: request.form_number ?? ctx.proposal.form_number,
          form_url: request.form_url ?? ctx.proposal.form_url,
          request_hash: hash,
          updated_at: now.toISOString(),
          version: ctx.proposal.version + 1,
        };
        await this.store.editProposal({ proposal: edited, expectedVersion: ctx.proposal.version }, nonce);
        this.logger.info('proposal edited', { proposalId: edited.id });
        return answer(edited, false);
      }
      assertProposalsOpen(campaign, now);
      const orgKey = organisationKey(request.organisation);
      const agent = { email: request.email, first_name: request.first_name, last_name: request.last_name };
      const proposal: Proposal = {
        id: `${campaign.id}-p${ctx.record.proposalCount + 1}`,
        campaign_id: campaign.id,
        title: request.title,
        description: request.description,
        use_case: request.use_case,
        component: request.component,
        organisation: request.organisation,
        organisation_key: orgKey,
        proposer: agent,
        form_uuid: request.form_uuid,
        form_number: request.form_number,
        form_url: request.form_url,
        request_hash: hash,
        submitted_at: now.toISOString(),
        updated_at: now.toISOString(),
        supporters: 1,
        version: 1,
      };
      await this.store.createProposal(
        {
          proposal,
          support: {
            proposal_id: proposal.id,
            organisation: request.organisation,
            organisation_key: orgKey,
            role: 'proposer',
            agent,
            form_uuid: request.form_uuid,
            at: now.toISOString(),
          },
          expectedProposalCount: ctx.record.proposalCount,
        },
        nonce,
      );
      this.logger.info('proposal created', { proposalId: proposal.id });
      return answer(proposal, false);
    });
  }

  async cosign(proposalId: string, request: CosignatureRequest, nonce: CallNonce | undefined, now: Date): Promise<CosignAnswer> {
    const campaignId = campaignOfProposal(proposalId);
    if (campaignId === undefined) throw proposalNotFound(proposalId);
    const orgKey = organisationKey(request.organisation);
    return this.decideAndWrite('cosign', async () => {
      const ctx = await this.store.loadCosignContext(proposalId, campaignId, request.form_uuid, orgKey);
      if (!ctx.record || !ctx.proposal) throw proposalNotFound(proposalId);
      const campaign = ctx.record.campaign;
      const answer = (supporters: number, replayed: boolean): CosignAnswer => ({
        proposal_id: proposalId,
        supporters,
        status: proposalStatus({ supporters }, campaign),
        replayed,
      });
      if (ctx.marker) {
        if (ctx.marker.proposal_id !== proposalId) {
          throw new RefusalError('form-already-used', 'Ce formulaire a déjà servi à co-signer une autre proposition.');
        }
        // The proposal may have been read an instant before this form's own co-signature
        // committed (a BatchGetItem is not a snapshot): never answer fewer supporters than it made.
        return answer(Math.max(ctx.proposal.supporters, ctx.marker.supporters_after ?? 0), true);
      }
      // A BatchGetItem is not isolated from a transaction committing meanwhile: a copy of this
      // very form may show its support before its marker and the counter (the support names its
      // form). Read again: the whole transaction is visible a moment later.
      if (ctx.support?.form_uuid === request.form_uuid) throw new StaleReadError('half-committed co-signature: read again');
      if (ctx.support) {
        throw new RefusalError(
          'already-supported',
          ctx.support.role === 'proposer'
            ? 'Votre organisation a déposé cette proposition : elle la soutient déjà.'
            : 'Votre organisation a déjà co-signé cette proposition.',
          answer(ctx.proposal.supporters, false),
        );
      }
      assertProposalsOpen(campaign, now);
      await this.store.addSupport(
        {
          support: {
            proposal_id: proposalId,
            organisation: request.organisation,
            organisation_key: orgKey,
            role: 'cosigner',
            agent: { email: request.email, first_name: request.first_name, last_name: request.last_name },
            comment: request.comment,
            form_uuid: request.form_uuid,
            at: now.toISOString(),
          },
          campaignId,
          organisationName: ctx.organisationName ?? request.organisation,
          supportersAfter: ctx.proposal.supporters + 1,
        },
        nonce,
      );
      this.logger.info('proposal co-signed', { proposalId });
      return answer(ctx.proposal.supporters + 1, false);
    });
  }

  // -------------------------------------------------------------------------------------
  // Ballots

  /** The campaign's field rules on a ballot body that failed its schema (`contextIssues`). */
  async ballotFieldIssues(campaignId: string, fields: Partial<BallotRequest>): Promise<FieldIssue[]> {
    const snapshot = await this.store.loadCampaign(campaignId);
    return snapshot ? ballotFieldIssues(snapshot.campaign, fields) : [];
  }

  async castBallot(campaignId: string, request: BallotRequest, nonce: CallNonce | undefined, now: Date): Promise<BallotAnswer> {
    const hint = request.organisation === undefined ? undefined : organisationKey(request.organisation);
    // Kept between attempts when the refusal says what changed (ballot refusal): one read (or
    // none: a campaign this instance remembers), then each attempt re-plans on the ballot item
    // or form marker the refused transaction returned.
    let known: { ctx: BallotContext; warm: boolean } | undefined;
    // Once a decision without a read was refused by the campaign, or ended in a refusal, the
    // next attempts read everything (the answer is then the one a read would give).
    let readAll = false;
    return this.decideAndWrite(
      'ballot',
      async () => {
        let ctx: BallotContext;
        let warm: boolean;
        if (known) ({ ctx, warm } = known);
        else {
          const remembered = readAll ? undefined : await this.rememberedBallotContext(campaignId, request.email, hint, now);
          warm = remembered !== undefined;
          ctx = remembered ?? (await this.store.loadBallotContext(campaignId, request.form_uuid, request.email, hint));
          if (!warm && ctx.record && this.remembered.get(campaignId)?.snapshot.campaign.version !== ctx.record.campaign.version) {
            this.remembered.delete(campaignId);
          }
        }
        known = undefined;
        try {
          return await this.decideBallot(campaignId, request, ctx, nonce, now);
        } catch (error) {
          if (warm && (error instanceof RefusalError || error instanceof InvalidRequestError || error instanceof ReplayedCallError)) {
            // Decided on the remembered campaign, without the ballot or the form's marker: a
            // refusal (or a replayed nonce, which a replayed form answers) is given on a read.
            readAll = true;
            throw new StaleReadError('refused without a read: read and decide again');
          }
          if (mustReadAgain(error)) {
            this.remembered.delete(campaignId);
            readAll = true;
          }
          const refusal = ballotRefusalOf(error);
          if (refusal) known = { ctx: refusal === 'as-planned' ? ctx : { ...ctx, ...refusal }, warm };
          throw error;
        }
      },
      this.ballotRetry,
    );
  }

  /**
   * A ballot's context from a campaign this instance remembers (read once, kept
   * BALLOT_CAMPAIGN_TTL_MS) whose vote is open: no read for listed organisations; for a meeting
   * electorate, the voter's registration only (its email marker, then the registration). The
   * organisation's first spelling comes from the campaign's names (final once the ballot is
   * frozen: proposals and co-signatures stop then), and the ballot is planned as a first ballot
   * from a fresh form. The transaction checks every assumption: the campaign version on the
   * tally shard, the ballot and the form marker absent (when they exist, the refusal returns
   * them), the voter's email marker still pointing to an active registration.
   */
  private async rememberedBallotContext(campaignId: string, email: string, hint: string | undefined, now: Date): Promise<BallotContext | undefined> {
    let entry = this.remembered.get(campaignId);
    if (!entry || entry.until <= Date.now()) {
      this.remembered.delete(campaignId);
      const snapshot = await this.store.loadCampaign(campaignId);
      if (!snapshot) return undefined;
      entry = { snapshot, until: Date.now() + BALLOT_CAMPAIGN_TTL_MS };
      this.remembered.set(campaignId, entry);
    }
    const { campaign, names } = entry.snapshot;
    if (campaign.ballot === undefined || voteStatus(campaign, now) !== 'open') return undefined;
    let orgKey = hint;
    let voter: Voter | undefined;
    if (campaign.electorate === 'meeting') {
      voter = campaign.meeting_id === undefined ? undefined : await this.store.loadVoter(campaign.meeting_id, email);
      if (!voter) return undefined; // not in the electorate: answered on a full read
      orgKey = organisationKey(voter.organisation);
    }
    if (orgKey === undefined) return undefined;
    const organisationName = names.get(orgKey);
    return { record: entry.snapshot, ...(voter ? { voter } : {}), ...(organisationName !== undefined ? { organisationName } : {}) };
  }

  private async decideBallot(campaignId: string, request: BallotRequest, ctx: BallotContext, nonce: CallNonce | undefined, now: Date): Promise<BallotAnswer> {
    if (!ctx.record) throw campaignNotFound(campaignId);
    const campaign = ctx.record.campaign;
    if (needsFreeze(campaign, now)) {
      await this.snapshot(campaignId, now);
      throw new StaleReadError(); // decide again on the frozen ballot
    }
    const issues = ballotFieldIssues(campaign, request);
    if (issues.length > 0) throw new InvalidRequestError(describeFieldIssues(issues, 'Données invalides'), issues);
    const { organisation, orgKey, registrationId } = this.voterOf(campaign, request, ctx);
    const replay = this.replayOf(campaign, request, orgKey, ctx);
    if (replay) return replay;
    assertVoteOpen(campaign, now);
    const content = validateBallot(campaign, campaign.ballot ?? [], request);
    const previous = ctx.ballot;
    const iso = now.toISOString();
    const ballot: Ballot = {
      campaign_id: campaignId,
      // First spelling seen wins: the campaign's, else the organisation's first ballot.
      organisation: ctx.organisationName ?? previous?.organisation ?? organisation,
      organisation_key: orgKey,
      ...('choices' in content ? { choices: content.choices } : { points: content.points }),
      agent: { email: request.email, ...agentNames(request, ctx.voter), registration_id: registrationId },
      form_uuid: request.form_uuid,
      request_hash: ballotHash(orgKey, content),
      cast_at: iso,
      first_cast_at: previous?.first_cast_at ?? iso,
      replaced_count: previous ? previous.replaced_count + 1 : 0,
      version: (previous?.version ?? 0) + 1,
    };
    const markerVersion = ctx.marker?.version ?? 0;
    try {
      await this.store.castBallot(
        {
          ballot,
          previousVersion: previous?.version ?? 0,
          markerVersion,
          delta: tallyDelta(previous, content),
          campaignVersion: campaign.version,
          ...(campaign.electorate === 'meeting' && campaign.meeting_id !== undefined && registrationId !== undefined
            ? { voter: { meetingId: campaign.meeting_id, email: request.email, registrationId } }
            : {}),
        },
        nonce,
      );
    } catch (error) {
      // Overtaken: another agent of the organisation replaced the ballot this one was replacing,
      // after it was read. The two requests overlapped, so their order is ours to choose: this
      // ballot counts as cast just before the other one, which replaced it at once (the tally
      // is the same as if they had arrived in that order). Only the form's marker is written,
      // so the form gets its answer and a re-sent copy replays it, instead of every agent of a
      // burst re-planning against every other one (one winner per round: 503s after the retries).
      const refusal = ballotRefusalOf(error);
      const current = refusal && refusal !== 'as-planned' ? refusal.ballot : undefined;
      if (!previous || !current || current.version <= previous.version) throw error;
      const marker = { campaign_id: campaignId, organisation_key: orgKey, request_hash: ballot.request_hash, cast_at: iso, replaced: true, version: markerVersion + 1 };
      await this.store.recordOvertakenBallot(
        { formUuid: request.form_uuid, marker, markerVersion, plannedVersion: previous.version, campaignVersion: campaign.version },
        nonce,
      );
      this.logger.info('ballot cast, overtaken by a concurrent replacement', { campaignId });
      return ballotAnswer(ballot, true, false);
    }
    this.logger.info('ballot cast', { campaignId, replaced: previous !== undefined });
    return ballotAnswer(ballot, previous !== undefined, false);
  }

  /** The same form sent again with the same ballot: answered from the marker, nothing written. */
  private replayOf(campaign: Campaign, request: BallotRequest, orgKey: string, ctx: BallotContext): BallotAnswer | undefined {
    const marker = ctx.marker;
    if (!marker || marker.campaign_id !== campaign.id || marker.organisation_key !== orgKey) return undefined;
    let content: BallotContent;
    try {
      content = validateBallot(campaign, campaign.ballot ?? [], request);
    } catch {
      return undefined; // not what the form cast before: decided as a new ballot
    }
    if (marker.request_hash !== ballotHash(orgKey, content)) return undefined;
    return {
      ballot_id: ballotId(campaign.id, orgKey),
      campaign_id: campaign.id,
      organisation: ctx.ballot?.organisation ?? ctx.organisationName ?? request.organisation ?? '',
      ...('points' in content ? { points: content.points } : { choices: content.choices }),
      replaced: marker.replaced,
      replayed: true,
      cast_at: marker.cast_at,
    };
  }

  private voterOf(campaign: Campaign, request: BallotRequest, ctx: { voter?: { registration_id: string; organisation: string } }) {
    if (campaign.electorate === 'meeting') {
      if (!ctx.voter) {
        throw new RefusalError(
          'not-in-electorate',
          'Seules les organisations inscrites à la réunion votent : cette adresse électronique n’y a pas d’inscription active.',
          { campaign_id: campaign.id },
        );
      }
      return { organisation: ctx.voter.organisation, orgKey: organisationKey(ctx.voter.organisation), registrationId: ctx.voter.registration_id };
    }
    if (request.organisation === undefined) {
      throw new InvalidRequestError('Données invalides : organisation : Ce champ est obligatoire.', [
        { path: 'organisation', message: 'Ce champ est obligatoire.' },
      ]);
    }
    const orgKey = organisationKey(request.organisation);
    if (!electorateKeys(campaign).has(orgKey)) {
      throw new RefusalError('not-in-electorate', 'Cette organisation ne fait pas partie du corps électoral de la campagne.', {
        campaign_id: campaign.id,
      });
    }
    return { organisation: request.organisation, orgKey, registrationId: undefined };
  }

  // -------------------------------------------------------------------------------------
  // Results

  async electorateSize(campaign: Campaign): Promise<number> {
    if (campaign.electorate !== 'meeting') return electorateKeys(campaign).size;
    if (campaign.meeting_id === undefined) return 0;
    return (await this.store.meetingOrganisations(campaign.meeting_id)).size;
  }

  /** Results from the live tally; `publicView` refuses them before the close when not live. */
  async results(campaignId: string, now: Date, opts: { publicView: boolean }): Promise<Results> {
    // The tally does not depend on the campaign read: both queries go out together, so a
    // projector's refresh is one round of reads (bench/console-projector.ts). A tally read a
    // moment before a seal is the tally as it stood then, as it would be read just after.
    const tallyRead = this.store.readTally(campaignId);
    tallyRead.catch(() => undefined); // observed below; an unknown campaign throws first
    const snapshot = await this.snapshot(campaignId, now);
    const { campaign } = snapshot;
    const status = voteStatus(campaign, now);
    if (opts.publicView && campaign.results_visibility === 'after-close' && status !== 'closed') {
      throw new RefusalError('results-not-visible', 'Les résultats seront publiés à la clôture du vote.', {
        campaign_id: campaignId,
        vote_status: status,
      });
    }
    const [tally, electorate] = await Promise.all([tallyRead, this.electorateSize(campaign)]);
    return resultsOf(campaign, status, ballotProposals(campaign, snapshot.proposals), tally, electorate, snapshot.names);
  }

  async listBallots(campaignId: string, now: Date): Promise<{ snapshot: CampaignSnapshot; ballots: Ballot[] }> {
    const snapshot = await this.snapshot(campaignId, now);
    const ballots = await this.store.listBallots(campaignId);
    return { snapshot, ballots: ballots.sort((a, b) => (a.organisation_key < b.organisation_key ? -1 : 1)) };
  }

  /**
   * Every score recomputed from the stored ballots, beside the live tally, on a consistent cut:
   * the shards that did not move while the ballots were read (a campaign keyed by organisation,
   * `tallyShardOf`), or the whole tally when it did not move (an older campaign). While a room
   * votes, `cut` says which ballots were counted, and `equal` compares exactly those.
   */
  async recount(campaignId: string, now: Date) {
    const snapshot = await this.snapshot(campaignId, now);
    const settled = new Map<number, { writes: number; live: Record<string, number>; counted: Record<string, number>; ballots: number }>();
    let shards = 1;
    let live: Record<string, number> = {};
    let ballots: Ballot[] = [];
    let whole: { stable: boolean; before: Record<string, number> } = { stable: false, before: {} };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (snapshot.tallyKeyed) {
        const before = await this.store.readTallyShards(campaignId);
        ballots = await this.store.listBallots(campaignId);
        const after = await this.store.readTallyShards(campaignId);
        shards = after.shards;
        settleShards(before.list, after.list, ballots, shards, settled);
        live = sumShards(after.list);
        if (settled.size === shards) break;
      } else {
        // Older campaign: its ballots went to random shards; only the whole tally compares.
        const before = await this.store.readTally(campaignId);
        ballots = await this.store.listBallots(campaignId);
        live = await this.store.readTally(campaignId);
        whole = { stable: sameTally(before, live), before };
        if (whole.stable) break;
      }
      await this.sleep(20 * (attempt + 1));
    }
    const cut = snapshot.tallyKeyed
      ? cutOf(settled, shards)
      : (() => {
          const counted = recount(ballots);
          return {
            cut: <TallyCut>{ complete: whole.stable, shards: 1, shards_counted: whole.stable ? 1 : 0, ballots_counted: whole.stable ? ballots.length : 0, sequences: {} },
            live: whole.stable ? withoutZeros(live) : {},
            counted: whole.stable ? counted : {},
            equal: whole.stable ? sameTally(live, counted) : true,
          };
        })();
    if (!cut.equal) this.logger.error('recount differs from the live tally', { campaignId });
    const proposals = ballotProposals(snapshot.campaign, snapshot.proposals);
    const status = voteStatus(snapshot.campaign, now);
    const electorate = await this.electorateSize(snapshot.campaign);
    return {
      live: resultsOf(snapshot.campaign, status, proposals, live, electorate, snapshot.names),
      recount: resultsOf(snapshot.campaign, status, proposals, recount(ballots), electorate, snapshot.names),
      equal: cut.equal,
      cut: cut.cut,
      tally: { live: cut.live, recount: cut.counted },
    };
  }
}

function sumShards(list: Array<{ totals: Record<string, number> }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) for (const [k, v] of Object.entries(s.totals)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export type { CampaignRecord };

/**
 * The agent's names on a ballot: those the form sent, else (a meeting electorate) those of the
 * registration the vote was allowed by, so that the ballots list always says who voted.
 */
function agentNames(request: BallotRequest, voter: Voter | undefined): { first_name?: string; last_name?: string } {
  const fromForm = request.first_name !== undefined || request.last_name !== undefined;
  const names: { first_name?: string | undefined; last_name?: string | undefined } = fromForm ? request : (voter ?? {});
  return {
    ...(names.first_name !== undefined ? { first_name: names.first_name } : {}),
    ...(names.last_name !== undefined ? { last_name: names.last_name } : {}),
  };
}
