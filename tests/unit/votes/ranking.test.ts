import { describe, expect, it } from 'vitest';
import { rankContenders, resultsOf, turnout, type Contender } from '#shared/domain/votes/ranking.ts';
import { campaign, proposal } from './fakes.ts';

const contender = (id: string, score: number, supporters = 2, submitted = '2027-04-01T00:00:00Z'): Contender => ({
  proposal_id: id,
  title: id,
  organisation: 'Org',
  score,
  supporters,
  submitted_at: submitted,
});
const ranked = (list: Contender[], retain: number) => rankContenders(list, retain);
const summary = (r: ReturnType<typeof rankContenders>) =>
  r.proposals.map((p) => `${p.rank}:${p.proposal_id}${p.retained ? '+' : ''}${p.tied_at_cutoff ? '=' : ''}`);

describe('ranking (published rule)', () => {
  it('score, then supporters, then earlier submission, then proposal id; ranks 1..n unique', () => {
    const r = ranked(
      [
        contender('d', 5, 2, '2027-04-02T00:00:00Z'),
        contender('c', 5, 2, '2027-04-01T00:00:00Z'),
        contender('b', 5, 3),
        contender('a', 9),
        contender('f', 5, 2, '2027-04-01T00:00:00Z'),
        contender('e', 5, 2, '2027-04-01T00:00:00Z'),
      ],
      6,
    );
    expect(summary(r)).toEqual(['1:a+', '2:b+', '3:c+', '4:e+', '5:f+', '6:d+']);
    expect(r.tie_at_cutoff).toBe(false);
  });

  it('a tie at the cut-off flags every proposal with that score', () => {
    const r = ranked([contender('a', 9), contender('b', 7, 4), contender('c', 7, 3), contender('d', 7, 2), contender('e', 1)], 2);
    expect(r.tie_at_cutoff).toBe(true);
    expect(summary(r)).toEqual(['1:a+', '2:b+=', '3:c=', '4:d=', '5:e']);
  });

  it('a tie away from the cut-off is broken silently', () => {
    const r = ranked([contender('a', 9), contender('b', 9, 3), contender('c', 4), contender('d', 2), contender('e', 2)], 3);
    expect(r.tie_at_cutoff).toBe(false);
    expect(summary(r)).toEqual(['1:b+', '2:a+', '3:c+', '4:d', '5:e']);
    expect(r.proposals.every((p) => !p.tied_at_cutoff)).toBe(true);
  });

  it('no cut-off when there are no more proposals than retained', () => {
    const r = ranked([contender('a', 1), contender('b', 1)], 2);
    expect(r.tie_at_cutoff).toBe(false);
    expect(summary(r)).toEqual(['1:a+', '2:b+']);
  });
});

describe('results document', () => {
  it('has the contract shape, scores from the tally, turnout with 4 decimals', () => {
    const c = campaign({ retain: 1 });
    const p1 = proposal({ id: 'evol-2027-p1', supporters: 3 });
    const p2 = proposal({ id: 'evol-2027-p2' });
    const r = resultsOf(c, 'closed', [p1, p2], { ballots: 37, 'score:evol-2027-p2': 21, 'score:evol-2027-p1': 21 }, 52, new Map());
    expect(r).toMatchObject({ campaign_id: 'evol-2027', vote_status: 'closed', method: 'approval', retain: 1, ballots: 37, electorate: 52 });
    expect(r.turnout).toBe(0.7115);
    expect(r.tie_at_cutoff).toBe(true);
    expect(r.proposals.map((p) => [p.proposal_id, p.score, p.rank, p.retained, p.tied_at_cutoff])).toEqual([
      ['evol-2027-p1', 21, 1, true, true],
      ['evol-2027-p2', 21, 2, false, true],
    ]);
    expect(Object.keys(r.proposals[0] ?? {}).sort()).toEqual(
      ['organisation', 'proposal_id', 'rank', 'retained', 'score', 'supporters', 'tied_at_cutoff', 'title'],
    );
    expect(turnout(0, 0)).toBe(0);
    expect(turnout(2, 3)).toBe(0.6667);
  });

  it('points: the score is the sum of points', () => {
    const c = campaign({ method: 'points', max_choices: undefined, points_total: 10 });
    const p1 = proposal({ id: 'evol-2027-p1' });
    const r = resultsOf(c, 'open', [p1], { ballots: 2, 'score:evol-2027-p1': 13 }, 2, new Map([['ville de test', 'VILLE de Test']]));
    expect(r.proposals[0]).toMatchObject({ score: 13, organisation: 'VILLE de Test' });
  });
});
