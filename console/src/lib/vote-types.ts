// The vote answers the campaign and projector pages read (shapes of shared/openapi/answers/votes.ts).

export type VoteStatus = 'not-open' | 'open' | 'closed';

export interface CampaignDefinition {
  title: string;
  method: 'approval' | 'points';
  retain: number;
  results_visibility: 'after-close' | 'live';
  supporters_needed: number;
  proposals_open_at?: string;
  proposals_close_at?: string;
  vote_opens_at?: string;
  vote_closes_at?: string;
  electorate: 'meeting' | string[];
  meeting_id?: string;
}

export interface CampaignMeta {
  campaign_id: string;
  proposals_open: boolean;
  vote_status: VoteStatus;
  opened_at: string | null;
  closed_at: string | null;
  ballot_size: number | null;
}

export interface AdminProposal {
  proposal_id: string;
  title: string;
  use_case: string;
  component: string | null;
  organisation: string;
  status: 'cosignable' | 'eligible';
  supporters: number;
  supporters_needed: number;
  supporting_organisations: string[];
  submitted_at: string;
  on_ballot: boolean | null;
}

export interface Results {
  campaign_id: string;
  vote_status: VoteStatus;
  method: 'approval' | 'points';
  retain: number;
  ballots: number;
  electorate: number;
  turnout: number;
  tie_at_cutoff: boolean;
  proposals: Array<{ proposal_id: string; title: string; organisation: string; score: number; supporters: number; rank: number; retained: boolean; tied_at_cutoff: boolean }>;
}

export interface Recount {
  live: Results;
  recount: Results;
  equal: boolean;
}

export const VOTE_STATUS_LABELS: Record<VoteStatus, string> = { 'not-open': 'Vote pas encore ouvert', open: 'Vote ouvert', closed: 'Vote clos' };

/** What differs between the live tally and the recount, proposal by proposal ("" when identical). */
export function recountDifferences(r: Recount): Array<{ title: string; live: number; recount: number }> {
  const counted = new Map(r.recount.proposals.map((p) => [p.proposal_id, p.score]));
  const out = r.live.proposals
    .filter((p) => counted.get(p.proposal_id) !== p.score)
    .map((p) => ({ title: p.title, live: p.score, recount: counted.get(p.proposal_id) ?? 0 }));
  if (r.live.ballots !== r.recount.ballots) out.unshift({ title: 'Bulletins', live: r.live.ballots, recount: r.recount.ballots });
  return out;
}
