import { describe, expect, it } from 'vitest';
import type { Answers } from '#shared/domain/surveys/schema.ts';
import {
  npsFigures,
  responseTallies,
  roundedRatio,
  surveyResults,
  type Counts,
  type Groups,
} from '#shared/domain/surveys/statistics.ts';
import { survey } from './fakes.ts';

const s = survey();
const onsiteExpert: Groups = { mode: 'onsite', profile: 'expert' };

/** Counters as the repository keeps them: the sum of every response's tallies. */
function countsOf(responses: Array<{ answers: Answers; groups?: Groups }>, target = s): Counts {
  const out: Record<string, number> = {};
  for (const r of responses) {
    for (const [k, v] of Object.entries(responseTallies(target, r.answers, r.groups ?? onsiteExpert))) out[k] = (out[k] ?? 0) + v;
  }
  return out;
}

const results = (counts: Counts, extra: Partial<Parameters<typeof surveyResults>[0]> = {}) =>
  surveyResults({ survey: s, counts, eligible: 10, texts: new Map(), ...extra });

const question = (r: ReturnType<typeof results>, id: string) => r.questions.find((q) => q.id === id) as any;

describe('survey statistics', () => {
  it('no responses: n 0, no mean nor median, every value of the distribution at zero', () => {
    const r = results({});
    expect(r.responses).toBe(0);
    expect(r.response_rate).toBe(0);
    expect(question(r, 'global')).toMatchObject({ n: 0, mean: null, median: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
    const nps = question(r, 'recommande');
    expect(nps).toMatchObject({ n: 0, nps: null, promoters: 0, passives: 0, detractors: 0 });
    expect(Object.keys(nps.distribution)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(question(r, 'format').options).toEqual([
      { id: 'sur-place', text: 'Sur place', count: 0 },
      { id: 'distance', text: 'À distance', count: 0 },
      { id: 'hybride', text: 'Hybride', count: 0 },
    ]);
    expect(question(r, 'remarques')).toMatchObject({ n: 0, texts: [] });
    expect(results({}, { eligible: 0 }).response_rate).toBeNull();
  });

  it('a single response', () => {
    const r = results(countsOf([{ answers: { global: 4, recommande: 9, format: 'hybride', sujets: ['portail', 'stats'], remarques: 'Bien' } }]));
    expect(r.responses).toBe(1);
    expect(r.response_rate).toBe(0.1);
    expect(question(r, 'global')).toMatchObject({ n: 1, mean: 4, median: 4, distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 } });
    expect(question(r, 'recommande')).toMatchObject({ n: 1, nps: 100, promoters: 1, passives: 0, detractors: 0 });
    expect(question(r, 'sujets')).toMatchObject({ n: 1, options: [{ id: 'portail', count: 1 }, { id: 'workflows', count: 0 }, { id: 'stats', count: 1 }] });
    expect(question(r, 'remarques').n).toBe(1);
    expect(question(r, 'atelier_socle').n).toBe(0);
  });

  it('median: the middle answer for an odd count, the mean of the two middle ones for an even count', () => {
    const with_ = (values: number[]) => question(results(countsOf(values.map((v) => ({ answers: { global: v } })))), 'global');
    expect(with_([1, 5, 3])).toMatchObject({ median: 3, mean: 3 });
    expect(with_([4, 3])).toMatchObject({ median: 3.5, mean: 3.5 });
    expect(with_([2, 2, 4, 4])).toMatchObject({ median: 3 });
    expect(with_([5, 5, 5, 1])).toMatchObject({ median: 5, mean: 4 });
    // Mean to 2 decimals, half away from zero: 13/3 = 4.333…, 33/8 = 4.125 → 4.13.
    expect(with_([4, 4, 5])).toMatchObject({ mean: 4.33 });
    expect(with_([4, 4, 4, 4, 4, 4, 4, 5]).mean).toBe(4.13);
  });

  it('NPS: % promoters − % detractors, rounded to a whole number half away from zero', () => {
    const dist = (p: number, pa: number, d: number) => ({ '10': p, '7': pa, '3': d });
    expect(npsFigures(dist(3, 4, 1))).toEqual({ nps: 25, promoters: 3, passives: 4, detractors: 1 });
    // 1/8 = 12.5 % → 13; −12.5 → −13; 2/3 = 66.67 → 67; 1/3 = 33.3 → 33.
    expect(npsFigures(dist(1, 7, 0)).nps).toBe(13);
    expect(npsFigures(dist(0, 7, 1)).nps).toBe(-13);
    expect(npsFigures(dist(2, 1, 0)).nps).toBe(67);
    expect(npsFigures(dist(1, 2, 0)).nps).toBe(33);
    expect(npsFigures(dist(0, 0, 4)).nps).toBe(-100);
    expect(roundedRatio(1, 3, 4)).toBe(0.3333);
    expect(roundedRatio(2, 3, 4)).toBe(0.6667);
  });

  it('breakdowns: a group below min_group_size is suppressed with no figures; at it, shown; texts never', () => {
    const five = survey({ min_group_size: 5 });
    const response = (mode: 'onsite' | 'remote', global: number) => ({ answers: { global, recommande: 10, remarques: 'x' }, groups: { mode, profile: 'newcomer' as const } });
    const counts = countsOf([...Array.from({ length: 5 }, () => response('onsite', 4)), ...Array.from({ length: 4 }, () => response('remote', 2))], five);
    const r = surveyResults({ survey: five, counts, eligible: 20, texts: new Map() });
    const onsite = r.breakdowns.mode.find((g) => g.group === 'onsite');
    const remote = r.breakdowns.mode.find((g) => g.group === 'remote');
    expect(remote).toEqual({ group: 'remote', responses: 4, suppressed: true });
    expect(onsite).toMatchObject({ responses: 5, suppressed: false });
    expect(onsite?.suppressed === false && onsite.questions).toEqual([
      { id: 'global', suppressed: false, n: 5, mean: 4 },
      { id: 'recommande', suppressed: false, n: 5, nps: 100, mean: 10 },
      // Nobody in the workshop question: suppressed within the group too.
      { id: 'atelier_socle', suppressed: true },
    ]);
    expect(r.breakdowns.profile).toEqual([
      expect.objectContaining({ group: 'newcomer', responses: 9, suppressed: false }),
      { group: 'expert', responses: 0, suppressed: true },
      { group: 'unknown', responses: 0, suppressed: true },
    ]);
    expect(JSON.stringify(r.breakdowns)).not.toContain('"x"');
    expect(JSON.stringify(r.breakdowns)).not.toContain('texts');
  });

  it('comparison: same id and type only (rating mean, nps nps), with the delta', () => {
    const previous = survey({
      questions: [
        { id: 'global', type: 'rating', label: 'Note' },
        { id: 'recommande', type: 'nps', label: 'Reco' },
        { id: 'format', type: 'rating', label: 'Same id, other type' },
      ],
      previous_survey_id: undefined,
    }, 'club-11-avis');
    const prevCounts = countsOf([{ answers: { global: 3, recommande: 10, format: 3 } }, { answers: { global: 4, recommande: 5 } }], previous);
    // previous: global mean (3+4)/2 = 3.5, nps (1 promoter, 1 detractor) = 0
    const counts = countsOf([{ answers: { global: 4, recommande: 9, format: 'hybride' } }, { answers: { global: 5, recommande: 10 } }, { answers: { global: 4, recommande: 7 } }]);
    const r = results(counts, { previous: { survey: previous, counts: prevCounts } });
    expect(r.comparison).toEqual({
      previous_survey_id: 'club-11-avis',
      questions: [
        { id: 'global', type: 'rating', current: 4.33, previous: 3.5, delta: 0.83 },
        { id: 'recommande', type: 'nps', current: 67, previous: 0, delta: 67 },
      ],
    });
    expect(results(counts)).not.toHaveProperty('comparison');
  });
});
