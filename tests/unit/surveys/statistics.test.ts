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

// Figures are checked at min_group_size 1; the suppression rules have their own tests.
const s = survey({ min_group_size: 1 });
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
  it('no responses: every question shows its count (0) only', () => {
    const r = results({});
    expect(r.responses).toBe(0);
    expect(r.response_rate).toBe(0);
    for (const q of r.questions) expect(q).toEqual({ id: q.id, label: q.label, type: q.type, suppressed: true, n: 0, ...(q.workshop ? { workshop: q.workshop } : {}) });
    expect(results({}, { eligible: 0 }).response_rate).toBeNull();
  });

  it('a single response', () => {
    const r = results(countsOf([{ answers: { global: 4, recommande: 9, format: 'hybride', sujets: ['portail', 'stats'], remarques: 'Bien' } }]));
    expect(r.responses).toBe(1);
    expect(r.response_rate).toBe(0.1);
    expect(question(r, 'global')).toMatchObject({ n: 1, mean: 4, median: 4, distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 } });
    expect(question(r, 'recommande')).toMatchObject({ n: 1, nps: 100, promoters: 1, passives: 0, detractors: 0 });
    expect(Object.keys(question(r, 'recommande').distribution)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(question(r, 'format').options).toEqual([
      { id: 'sur-place', text: 'Sur place', count: 0 },
      { id: 'distance', text: 'À distance', count: 0 },
      { id: 'hybride', text: 'Hybride', count: 1 },
    ]);
    expect(question(r, 'sujets')).toMatchObject({ n: 1, options: [{ id: 'portail', count: 1 }, { id: 'workflows', count: 0 }, { id: 'stats', count: 1 }] });
    expect(question(r, 'remarques').n).toBe(1);
    expect(question(r, 'atelier_socle')).toMatchObject({ n: 0, suppressed: true });
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

  const five = survey({ min_group_size: 5 });
  type Mode = 'onsite' | 'remote';
  type Profile = 'newcomer' | 'expert' | 'unknown';
  const response = (mode: Mode, global: number, extra: Answers = {}, profile: Profile = 'newcomer') => ({
    answers: { global, recommande: 10, remarques: 'x', ...extra },
    groups: { mode, profile },
  });
  const many = (n: number, make: () => ReturnType<typeof response>) => Array.from({ length: n }, make);

  it('a question answered by fewer than min_group_size shows its count only: no mean, distribution, options, NPS or texts', () => {
    const counts = countsOf(
      [...many(6, () => response('onsite', 4, { format: 'hybride' })), response('onsite', 4, { atelier_socle: 1, recommande: 0, sujets: ['stats'] })],
      five,
    );
    const texts = new Map([['remarques', { texts: ['x'] }]]);
    const r = surveyResults({ survey: five, counts, eligible: 20, texts });
    const q = (id: string) => r.questions.find((x) => x.id === id);
    expect(q('atelier_socle')).toEqual({ id: 'atelier_socle', label: expect.any(String), workshop: 'socle-personnes-morales', type: 'rating', suppressed: true, n: 1 });
    expect(q('sujets')).toEqual({ id: 'sujets', label: expect.any(String), type: 'multiple', suppressed: true, n: 1 });
    expect(q('global')).toMatchObject({ suppressed: false, n: 7, mean: 4 });
    expect(q('format')).toMatchObject({ suppressed: false, n: 6 });
    expect(q('remarques')).toMatchObject({ suppressed: false, n: 7, texts: ['x'] });
    // Below the threshold the texts go too.
    const fewer = surveyResults({ survey: five, counts: countsOf(many(4, () => response('onsite', 4)), five), eligible: 20, texts });
    expect(fewer.questions.find((x) => x.id === 'remarques')).toEqual({ id: 'remarques', label: expect.any(String), type: 'text', suppressed: true, n: 4 });
    for (const q of fewer.questions) expect(Object.keys(q).sort()).toEqual(['id', 'label', 'n', 'suppressed', 'type', ...(q.workshop ? ['workshop'] : [])].sort());
  });

  it('breakdowns: groups at min_group_size are shown with figures, never texts', () => {
    const r = surveyResults({ survey: five, counts: countsOf([...many(6, () => response('onsite', 4)), ...many(5, () => response('remote', 2))], five), eligible: 20, texts: new Map() });
    const onsite = r.breakdowns.mode.find((g) => g.group === 'onsite');
    expect(r.breakdowns.mode.map((g) => [g.group, g.suppressed])).toEqual([['onsite', false], ['remote', false]]);
    expect(onsite?.suppressed === false && onsite.questions).toEqual([
      { id: 'global', suppressed: false, n: 6, mean: 4 },
      { id: 'recommande', suppressed: false, n: 6, nps: 100, mean: 10 },
      // Nobody in the workshop question: suppressed within the group too.
      { id: 'atelier_socle', suppressed: true },
    ]);
    expect(r.breakdowns.profile).toEqual([
      expect.objectContaining({ group: 'newcomer', responses: 11, suppressed: false }),
      { group: 'expert', responses: 0, suppressed: true },
      { group: 'unknown', responses: 0, suppressed: true },
    ]);
    expect(JSON.stringify(r.breakdowns)).not.toContain('"x"');
    expect(JSON.stringify(r.breakdowns)).not.toContain('texts');
  });

  it('breakdowns: a small group is not given away by difference (complementary suppression)', () => {
    // 40 on site and 1 remote: showing the 40 would give the remote answer as total − on site.
    const lone = surveyResults({ survey: five, counts: countsOf([...many(40, () => response('onsite', 4)), response('remote', 1)], five), eligible: 50, texts: new Map() });
    expect(lone.breakdowns.mode).toEqual([
      { group: 'onsite', responses: 40, suppressed: true },
      { group: 'remote', responses: 1, suppressed: true },
    ]);
    // Profiles: 3 newcomers + 4 experts hidden together (7 ≥ 5), the 30 unknown shown.
    const profiles = (newcomers: number, experts: number) =>
      surveyResults({
        survey: five,
        counts: countsOf([...many(newcomers, () => response('onsite', 4, {}, 'newcomer')), ...many(experts, () => response('onsite', 4, {}, 'expert')), ...many(30, () => response('onsite', 4, {}, 'unknown'))], five),
        eligible: 50,
        texts: new Map(),
      }).breakdowns.profile.map((g) => [g.group, g.suppressed]);
    expect(profiles(3, 4)).toEqual([['newcomer', true], ['expert', true], ['unknown', false]]);
    // 1 + 2 hidden is fewer than 5: the smallest shown group goes too, and so on.
    expect(profiles(1, 2)).toEqual([['newcomer', true], ['expert', true], ['unknown', true]]);
    // Within shown groups, per question: the workshop question answered by 6 on site and 1
    // remote shows in neither group (the overall 7 less the 6 would be the remote one).
    const workshop = surveyResults({
      survey: five,
      counts: countsOf([...many(6, () => response('onsite', 4, { atelier_socle: 5 })), ...many(4, () => response('onsite', 4)), response('remote', 3, { atelier_socle: 1 }), ...many(4, () => response('remote', 3))], five),
      eligible: 50,
      texts: new Map(),
    });
    for (const g of workshop.breakdowns.mode) {
      expect(g.suppressed).toBe(false);
      if (!g.suppressed) expect(g.questions.find((q) => q.id === 'atelier_socle')).toEqual({ id: 'atelier_socle', suppressed: true });
    }
    expect(workshop.questions.find((q) => q.id === 'atelier_socle')).toMatchObject({ suppressed: false, n: 7 });
  });

  it('comparison: same id and type only (rating mean, nps nps), with the delta', () => {
    const previous = survey({
      questions: [
        { id: 'global', type: 'rating', label: 'Note' },
        { id: 'recommande', type: 'nps', label: 'Reco' },
        { id: 'format', type: 'rating', label: 'Same id, other type' },
      ],
      previous_survey_id: undefined,
      min_group_size: 1,
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
    // A side whose question is suppressed (fewer answers than its min_group_size) is not compared.
    const hidden = { survey: { ...previous, min_group_size: 3 }, counts: prevCounts };
    expect(results(counts, { previous: hidden }).comparison?.questions).toEqual([]);
    expect(results(counts, { survey: { ...s, min_group_size: 4 }, previous: { survey: previous, counts: prevCounts } }).comparison?.questions).toEqual([]);
  });
});
