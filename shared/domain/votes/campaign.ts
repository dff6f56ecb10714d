// Campaign rules: defining a campaign from an organiser's body, its phase at an instant
// (proposal phase, vote not-open / open / closed), the ballot frozen when the vote opens,
// and what proposals look like to forms (answers, data sources). Pure: `now` comes in.
import { ConflictError, NotFoundError, RefusalError } from '#shared/errors.ts';
import type { DataSourceItem } from '#shared/publik/data-source.ts';
import { BALLOTS_COUNTER } from './ballot.ts';
import { organisationKey } from './organisation.ts';
import type { Campaign, CampaignInput, Proposal, Support } from './schema.ts';

export type VoteStatus = 'not-open' | 'open' | 'closed';
export type ProposalStatus = 'cosignable' | 'eligible';

export const campaignNotFound = (campaignId: string) =>
  new NotFoundError(`Campagne inconnue : « ${campaignId} ».`, 'unknown-campaign');
export const proposalNotFound = (proposalId: string) =>
  new NotFoundError(`Proposition inconnue : « ${proposalId} ».`, 'unknown-proposal');

const at = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
/** A window bound as a UTC ISO instant, like every instant we record. */
const instant = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso).toISOString());

/**
 * Manual actions win over the windows: a manual close is final, a manual open starts the vote
 * before `vote_opens_at`; otherwise the windows decide (no window: manual only).
 */
export function voteStatus(c: Campaign, now: Date): VoteStatus {
  const t = now.getTime();
  const closesAt = at(c.vote_closes_at);
  if (c.closed_at !== undefined || (closesAt !== undefined && t >= closesAt)) return 'closed';
  const opensAt = at(c.vote_opens_at);
  if (c.opened_at !== undefined || (opensAt !== undefined && t >= opensAt)) return 'open';
  return 'not-open';
}

/** Proposing and co-signing: inside the proposal window, and never once the vote opened. */
export function proposalsOpen(c: Campaign, now: Date): boolean {
  if (c.ballot !== undefined || voteStatus(c, now) !== 'not-open') return false;
  const t = now.getTime();
  const opensAt = at(c.proposals_open_at);
  const closesAt = at(c.proposals_close_at);
  return (opensAt === undefined || t >= opensAt) && (closesAt === undefined || t < closesAt);
}

/** The vote is open by its window but its ballot is not frozen yet: freeze before anything else. */
export function needsFreeze(c: Campaign, now: Date): boolean {
  return c.ballot === undefined && voteStatus(c, now) !== 'not-open';
}

export function proposalStatus(p: Pick<Proposal, 'supporters'>, c: Pick<Campaign, 'supporters_needed'>): ProposalStatus {
  return p.supporters >= c.supporters_needed ? 'eligible' : 'cosignable';
}

/** Submission order: the published tie-break after score and supporters. */
export function bySubmission(a: Proposal, b: Proposal): number {
  if (a.submitted_at !== b.submitted_at) return a.submitted_at < b.submitted_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The ballot as it is frozen when the vote opens: the eligible proposals, in submission order. */
export function ballotToFreeze(c: Campaign, proposals: Proposal[]): string[] {
  return proposals.filter((p) => proposalStatus(p, c) === 'eligible').sort(bySubmission).map((p) => p.id);
}

/** The proposals of the ballot: the frozen ones once the vote opened, the eligible ones before. */
export function ballotProposals(c: Campaign, proposals: Proposal[]): Proposal[] {
  if (c.ballot === undefined) return proposals.filter((p) => proposalStatus(p, c) === 'eligible').sort(bySubmission);
  const byId = new Map(proposals.map((p) => [p.id, p]));
  return c.ballot.map((id) => byId.get(id)).filter((p): p is Proposal => p !== undefined);
}

/** The last folded electorate of a few campaigns, with the names it was folded from. */
const foldedElectorates = new Map<string, { names: readonly string[]; keys: ReadonlySet<string> }>();
const FOLDED_ELECTORATES_KEPT = 16;

// The same list (a campaign the instance remembers for its ballots) is not compared name by name.
const sameNames = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((name, i) => name === b[i]));

/**
 * The organisation keys of a listed electorate, folded from the names with today's rule (a
 * campaign defined before the key last changed still admits its organisations), once per list
 * of names in an instance: up to 5,000 names are not folded again for every ballot.
 */
export function electorateKeys(c: Campaign): ReadonlySet<string> {
  if (c.electorate === 'meeting') return new Set();
  const cached = foldedElectorates.get(c.id);
  if (cached && sameNames(cached.names, c.electorate)) return cached.keys;
  const keys = new Set(c.electorate.map(organisationKey));
  foldedElectorates.delete(c.id);
  if (foldedElectorates.size >= FOLDED_ELECTORATES_KEPT) foldedElectorates.delete(foldedElectorates.keys().next().value!);
  foldedElectorates.set(c.id, { names: c.electorate, keys });
  return keys;
}

/** Fields that define what a ballot is: frozen with the ballot once the vote opened. */
const BALLOT_FIELDS = [
  'meeting_id',
  'method',
  'min_choices',
  'max_choices',
  'points_total',
  'max_points_per_proposal',
  'electorate',
] as const;

/** The campaign after a PUT: state (opening, closing, frozen ballot) kept, config replaced. */
export function defineCampaign(id: string, input: CampaignInput, previous: Campaign | undefined, now: Date): Campaign {
  if (previous?.ballot !== undefined) {
    const changed = BALLOT_FIELDS.filter((f) => JSON.stringify(previous[f]) !== JSON.stringify(input[f]));
    if (changed.length > 0) {
      throw new ConflictError(
        'campaign-started',
        `Le vote a commencé : ${changed.join(', ')} ne peu${changed.length > 1 ? 'vent' : 't'} plus changer.`,
      );
    }
  }
  const iso = now.toISOString();
  return {
    id,
    ...input,
    max_choices: input.method === 'approval' ? input.max_choices : undefined,
    points_total: input.method === 'points' ? input.points_total : undefined,
    opened_at: previous?.opened_at,
    closed_at: previous?.closed_at,
    ballot: previous?.ballot,
    created_at: previous?.created_at ?? iso,
    updated_at: iso,
    version: (previous?.version ?? 0) + 1,
  };
}

/** POST …/open: the vote opens now and the proposal phase ends; the ballot is frozen. */
export function openCampaign(c: Campaign, proposals: Proposal[], now: Date): Campaign | undefined {
  const status = voteStatus(c, now);
  if (status === 'closed') throw new ConflictError('campaign-closed', 'Le vote est clos : il ne peut pas être rouvert.');
  if (status === 'open' && c.ballot !== undefined) return undefined; // already open: idempotent
  return freeze(c, proposals, now, c.opened_at ?? now.toISOString());
}

/** Freezes the ballot of a vote opened by its window (first read after `vote_opens_at`). */
export function freezeCampaign(c: Campaign, proposals: Proposal[], now: Date): Campaign {
  return freeze(c, proposals, now, c.opened_at ?? instant(c.vote_opens_at) ?? now.toISOString());
}

function freeze(c: Campaign, proposals: Proposal[], now: Date, openedAt: string): Campaign {
  return {
    ...c,
    opened_at: openedAt,
    ballot: c.ballot ?? ballotToFreeze(c, proposals),
    updated_at: now.toISOString(),
    version: c.version + 1,
  };
}

/** The vote closed by its window but its tally is not sealed yet: seal it at the first read after. */
export function needsSeal(c: Campaign, now: Date): boolean {
  const closesAt = at(c.vote_closes_at);
  return c.closed_at === undefined && closesAt !== undefined && now.getTime() >= closesAt;
}

/**
 * Records the close of a vote that ended by its window (at `vote_closes_at`): the tally is
 * sealed with it, so results read after the close are final (a ballot decided before the close
 * but still in flight is refused by the seal rather than landing after the results were read).
 */
export function sealCampaign(c: Campaign, proposals: Proposal[], now: Date): Campaign {
  const closedAt = instant(c.vote_closes_at) ?? now.toISOString();
  return {
    ...c,
    opened_at: c.opened_at ?? instant(c.vote_opens_at) ?? closedAt,
    ballot: c.ballot ?? ballotToFreeze(c, proposals),
    closed_at: closedAt,
    updated_at: now.toISOString(),
    version: c.version + 1,
  };
}

/**
 * The campaign as a read at `now` leaves it: sealed if its window closed, frozen if its window
 * opened. A PUT starts from this, so moving `vote_closes_at` (or `vote_opens_at`) later after
 * the instant passed cannot reopen (or un-open) a vote that no one happened to read in between:
 * the state depends on the instants, not on the order of calls.
 */
export function settleCampaign(c: Campaign, proposals: Proposal[], now: Date): Campaign {
  if (needsSeal(c, now)) return sealCampaign(c, proposals, now);
  if (needsFreeze(c, now)) return freezeCampaign(c, proposals, now);
  return c;
}

/** POST …/close: the vote closes now (idempotent; closing a vote never opened freezes nothing new). */
export function closeCampaign(c: Campaign, proposals: Proposal[], now: Date): Campaign | undefined {
  if (c.closed_at !== undefined) return undefined;
  const iso = now.toISOString();
  return {
    ...c,
    opened_at: c.opened_at ?? iso,
    ballot: c.ballot ?? ballotToFreeze(c, proposals),
    closed_at: iso,
    updated_at: iso,
    version: c.version + 1,
  };
}

export function assertProposalsOpen(c: Campaign, now: Date): void {
  if (!proposalsOpen(c, now)) {
    throw new RefusalError('proposals-closed', 'Le dépôt et la co-signature de propositions sont fermés pour cette campagne.', {
      campaign_id: c.id,
    });
  }
}

export function assertVoteOpen(c: Campaign, now: Date): void {
  const status = voteStatus(c, now);
  if (status !== 'open') {
    throw new RefusalError(
      'campaign-closed',
      status === 'closed' ? 'Le vote est clos.' : 'Le vote n’est pas encore ouvert.',
      { campaign_id: c.id, vote_status: status },
    );
  }
}

// ---------------------------------------------------------------------------------------
// Views

/** GET /campaigns/{campaignId}: state, method and limits, windows. */
/**
 * The campaign as its organiser defined it, in the shape `PUT /admin/campaigns/{id}` accepts:
 * change a field and send it back. What the service recorded since (opening, closing, the
 * frozen ballot, versions) is left out; absent optional fields are omitted.
 */
export function campaignDefinition(c: Campaign) {
  return {
    title: c.title,
    ...(c.meeting_id !== undefined ? { meeting_id: c.meeting_id } : {}),
    ...(c.proposals_open_at !== undefined ? { proposals_open_at: c.proposals_open_at } : {}),
    ...(c.proposals_close_at !== undefined ? { proposals_close_at: c.proposals_close_at } : {}),
    supporters_needed: c.supporters_needed,
    ...(c.vote_opens_at !== undefined ? { vote_opens_at: c.vote_opens_at } : {}),
    ...(c.vote_closes_at !== undefined ? { vote_closes_at: c.vote_closes_at } : {}),
    method: c.method,
    min_choices: c.min_choices,
    ...(c.max_choices !== undefined ? { max_choices: c.max_choices } : {}),
    ...(c.points_total !== undefined ? { points_total: c.points_total } : {}),
    ...(c.max_points_per_proposal !== undefined ? { max_points_per_proposal: c.max_points_per_proposal } : {}),
    retain: c.retain,
    results_visibility: c.results_visibility,
    electorate: c.electorate,
    ...(c.retention_days !== undefined ? { retention_days: c.retention_days } : {}),
  };
}

export function campaignView(c: Campaign, now: Date) {
  return {
    campaign_id: c.id,
    title: c.title,
    meeting_id: c.meeting_id ?? null,
    proposals_open: proposalsOpen(c, now),
    vote_status: voteStatus(c, now),
    method: c.method,
    min_choices: c.method === 'approval' ? c.min_choices : null,
    max_choices: c.max_choices ?? null,
    points_total: c.points_total ?? null,
    max_points_per_proposal: c.max_points_per_proposal ?? null,
    supporters_needed: c.supporters_needed,
    retain: c.retain,
    results_visibility: c.results_visibility,
    electorate: c.electorate === 'meeting' ? 'meeting' : 'list',
    proposals_open_at: c.proposals_open_at ?? null,
    proposals_close_at: c.proposals_close_at ?? null,
    vote_opens_at: c.vote_opens_at ?? null,
    vote_closes_at: c.vote_closes_at ?? null,
    opened_at: c.opened_at ?? null,
    closed_at: c.closed_at ?? null,
    ballot_size: c.ballot?.length ?? null,
  };
}

/** A line of GET /admin/campaigns: the campaign's state and windows, and the ballots cast (from its tally). */
export function campaignSummary(c: Campaign, tally: Readonly<Record<string, number>>, now: Date) {
  const view = campaignView(c, now);
  return {
    campaign_id: view.campaign_id,
    title: view.title,
    meeting_id: view.meeting_id,
    proposals_open: view.proposals_open,
    vote_status: view.vote_status,
    method: view.method,
    retain: view.retain,
    results_visibility: view.results_visibility,
    proposals_open_at: view.proposals_open_at,
    proposals_close_at: view.proposals_close_at,
    vote_opens_at: view.vote_opens_at,
    vote_closes_at: view.vote_closes_at,
    opened_at: view.opened_at,
    closed_at: view.closed_at,
    ballot_size: view.ballot_size,
    ballots: tally[BALLOTS_COUNTER] ?? 0,
  };
}

/** GET /proposals/{proposalId}: the proposal and the names of its supporting organisations. */
export function proposalView(p: Proposal, c: Campaign, supports: Support[], names: ReadonlyMap<string, string>) {
  return {
    proposal_id: p.id,
    campaign_id: p.campaign_id,
    title: p.title,
    description: p.description,
    use_case: p.use_case,
    component: p.component ?? null,
    organisation: names.get(p.organisation_key) ?? p.organisation,
    status: proposalStatus(p, c),
    supporters: p.supporters,
    supporters_needed: c.supporters_needed,
    supporting_organisations: supports
      .filter((s) => s.proposal_id === p.id)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
      .map((s) => names.get(s.organisation_key) ?? s.organisation),
    submitted_at: p.submitted_at,
    on_ballot: c.ballot === undefined ? null : c.ballot.includes(p.id),
  };
}

/** A data-source item: the title, and who proposed it and how far it got. */
export function proposalItem(p: Proposal, c: Campaign, names: ReadonlyMap<string, string>): DataSourceItem {
  const status = proposalStatus(p, c);
  const organisation = names.get(p.organisation_key) ?? p.organisation;
  const support =
    status === 'eligible'
      ? `${p.supporters} organisation${p.supporters > 1 ? 's' : ''}`
      : `${p.supporters}/${c.supporters_needed} soutiens`;
  return {
    id: p.id,
    text: `${p.title} (${organisation}, ${support})`,
    title: p.title,
    organisation,
    campaign_id: p.campaign_id,
    status,
    supporters: p.supporters,
    supporters_needed: c.supporters_needed,
  };
}

/** A ballot data-source item: just the title (the form shows it beside a checkbox). */
export function ballotItem(p: Proposal, names: ReadonlyMap<string, string>): DataSourceItem {
  const organisation = names.get(p.organisation_key) ?? p.organisation;
  return { id: p.id, text: p.title, title: p.title, organisation, description: p.description, use_case: p.use_case };
}
