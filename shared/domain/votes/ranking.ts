// Results: scores ranked by the published, deterministic rule, and the results document.
//
// Ranking rule (contract-vote.md): score descending, then supporting organisations
// descending, then earlier submission, then proposal id (plain character order). Ranks are
// 1..n with no two equal; the first `retain` are retained. When the proposals ranked
// `retain` and `retain + 1` have the same score, the cut-off falls inside a tie: the results
// say so (`tie_at_cutoff`) and flag every proposal with that score (`tied_at_cutoff`), so that
// organisers see which ones the tie-break alone separated.
import { BALLOTS_COUNTER, scoreCounter } from './ballot.ts';
import type { VoteStatus } from './campaign.ts';
import type { Campaign, Proposal } from './schema.ts';

export interface Contender {
  proposal_id: string;
  title: string;
  organisation: string;
  score: number;
  supporters: number;
  submitted_at: string;
}

export interface RankedProposal extends Omit<Contender, 'submitted_at'> {
  rank: number;
  retained: boolean;
  tied_at_cutoff: boolean;
}

const codepoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareContenders(a: Contender, b: Contender): number {
  return (
    b.score - a.score ||
    b.supporters - a.supporters ||
    codepoint(a.submitted_at, b.submitted_at) ||
    codepoint(a.proposal_id, b.proposal_id)
  );
}

export function rankContenders(contenders: Contender[], retain: number): { tie_at_cutoff: boolean; proposals: RankedProposal[] } {
  const sorted = [...contenders].sort(compareContenders);
  const atCutoff = sorted[retain - 1];
  const firstOut = sorted[retain];
  const tie = atCutoff !== undefined && firstOut !== undefined && atCutoff.score === firstOut.score;
  return {
    tie_at_cutoff: tie,
    proposals: sorted.map(({ submitted_at: _submitted, ...c }, i) => ({
      ...c,
      rank: i + 1,
      retained: i < retain,
      tied_at_cutoff: tie && c.score === atCutoff.score,
    })),
  };
}

/** Share of the electorate that voted, 4 decimals (0 when nobody may vote). */
export function turnout(ballots: number, electorate: number): number {
  return electorate > 0 ? Math.round((ballots / electorate) * 10_000) / 10_000 : 0;
}

/** The results document of the contract, from the ballot's proposals and a tally. */
export function resultsOf(
  c: Campaign,
  status: VoteStatus,
  proposals: Proposal[],
  tally: Record<string, number>,
  electorate: number,
  names: ReadonlyMap<string, string>,
) {
  const ballots = tally[BALLOTS_COUNTER] ?? 0;
  const ranked = rankContenders(
    proposals.map((p) => ({
      proposal_id: p.id,
      title: p.title,
      organisation: names.get(p.organisation_key) ?? p.organisation,
      score: tally[scoreCounter(p.id)] ?? 0,
      supporters: p.supporters,
      submitted_at: p.submitted_at,
    })),
    c.retain,
  );
  return {
    campaign_id: c.id,
    vote_status: status,
    method: c.method,
    retain: c.retain,
    ballots,
    electorate,
    turnout: turnout(ballots, electorate),
    tie_at_cutoff: ranked.tie_at_cutoff,
    proposals: ranked.proposals,
  };
}
export type Results = ReturnType<typeof resultsOf>;
