import { describe, expect, it } from 'vitest';
import { RefusalError } from '#shared/errors.ts';
import { ballotFieldIssues, recount, sameTally, tallyDelta, validateBallot } from '#shared/domain/votes/ballot.ts';
import { BallotRequestSchema } from '#shared/domain/votes/schema.ts';
import { campaign } from './fakes.ts';

const ids = ['e-p1', 'e-p2', 'e-p3', 'e-p4'];
const request = (extra: Record<string, unknown>) => BallotRequestSchema.parse({ form_uuid: 'f', email: 'a@example.org', ...extra });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RefusalError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('approval ballots', () => {
  const c = campaign({ min_choices: 1, max_choices: 2 });
  it('accepts between min and max known proposals', () => {
    expect(validateBallot(c, ids, request({ choices: 'e-p1,e-p3' }))).toEqual({ choices: ['e-p1', 'e-p3'] });
  });
  it('refuses too many, too few, and proposals off the ballot', () => {
    expect(refusal(() => validateBallot(c, ids, request({ choices: 'e-p1,e-p2,e-p3' })))).toBe('too-many-choices');
    expect(refusal(() => validateBallot(c, ids, request({ choices: '' })))).toBe('too-few-choices');
    expect(refusal(() => validateBallot(c, ids, request({ choices: 'e-p1,e-p9' })))).toBe('unknown-proposal');
  });
  it('a missing choices field is a 400, not a blank ballot', () => {
    expect(() => validateBallot(c, ids, request({}))).toThrow(/choices/);
  });
});

describe('points ballots', () => {
  const c = campaign({ method: 'points', max_choices: undefined, points_total: 10, max_points_per_proposal: 4 });
  it('accepts whole points within both limits, drops zeros, keeps ballot order', () => {
    expect(validateBallot(c, ids, request({ points: 'e-p3:4,e-p1:4,e-p2:0,e-p4:2' }))).toEqual({ points: { 'e-p1': 4, 'e-p3': 4, 'e-p4': 2 } });
  });
  it('refuses more than the per-proposal cap or the total, and unknown ids', () => {
    expect(refusal(() => validateBallot(c, ids, request({ points: { 'e-p1': 5 } })))).toBe('points-exceeded');
    expect(refusal(() => validateBallot(c, ids, request({ points: 'e-p1:4,e-p2:4,e-p3:3' })))).toBe('points-exceeded');
    expect(refusal(() => validateBallot(c, ids, request({ points: { 'x-p1': 0 } })))).toBe('unknown-proposal');
  });
});

describe('the fields a campaign requires', () => {
  it('names the organisation (list electorate) and the method’s field together', () => {
    const byList = campaign({ electorate: ['Ville de Lyon'] });
    expect(ballotFieldIssues(byList, {}).map((i) => i.path)).toEqual(['organisation', 'choices']);
    expect(ballotFieldIssues(campaign({ method: 'points', max_choices: undefined, points_total: 10 }), {}).map((i) => i.path)).toEqual(['points']);
    expect(ballotFieldIssues(byList, { organisation: 'Ville de Lyon', choices: [] })).toEqual([]);
  });
});

describe('tally deltas and recount', () => {
  it('a first ballot adds itself and one ballot; a replacement moves only the difference', () => {
    expect(tallyDelta(undefined, { choices: ['a', 'b'] })).toEqual({ ballots: 1, 'score:a': 1, 'score:b': 1 });
    expect(tallyDelta({ choices: ['a', 'b'] }, { choices: ['b', 'c'] })).toEqual({ 'score:a': -1, 'score:c': 1 });
    expect(tallyDelta({ points: { a: 3, b: 2 } }, { points: { a: 1, c: 4 } })).toEqual({ 'score:a': -2, 'score:b': -2, 'score:c': 4 });
    expect(tallyDelta({ choices: ['a'] }, { choices: ['a'] })).toEqual({});
  });

  it('the sum of every delta equals the recount of the surviving ballots', () => {
    const live: Record<string, number> = {};
    const current = new Map<string, { choices: string[] }>();
    const cast = (org: string, choices: string[]) => {
      for (const [k, n] of Object.entries(tallyDelta(current.get(org), { choices }))) live[k] = (live[k] ?? 0) + n;
      current.set(org, { choices });
    };
    cast('A', ['p1', 'p2']);
    cast('B', ['p2']);
    cast('A', ['p3']);
    cast('C', []);
    cast('B', ['p1', 'p3']);
    const counted = recount(current.values());
    expect(counted).toEqual({ ballots: 3, 'score:p1': 1, 'score:p3': 2 });
    expect(sameTally(live, counted)).toBe(true);
    expect(sameTally({ ...live, 'score:p9': 1 }, counted)).toBe(false);
  });
});
