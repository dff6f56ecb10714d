// The console's charts (issue 18): for each kind, the text alternative (table rows, sentence)
// states exactly the figures the bars are drawn from, and the bars' lengths are those figures
// on one scale. Inputs are real answers' shapes (contract-vote.md, contract-survey.md).
import { describe, expect, it } from 'vitest';
import {
  comparisonText,
  histogramChart,
  npsChart,
  optionsChart,
  rankingChart,
  tableRows,
  type ChartModel,
} from '../../../console/src/lib/chart-model.ts';

/** The first whole number a French figure states ("1 234 voix", "12 (40 %)"). */
const firstNumber = (text: string): number => Number((/\d[\d\s\u202f\u00a0]*/.exec(text)?.[0] ?? 'NaN').replace(/[\s\u202f\u00a0]/g, ''));

function expectTextEqualsBars(model: ChartModel, data: Array<{ label: string; value: number }>) {
  expect(model.bars.map((b) => ({ label: b.label, value: b.value }))).toEqual(data);
  const rows = tableRows(model);
  expect(rows).toHaveLength(model.bars.length);
  rows.forEach((row, i) => {
    expect(row).toHaveLength(model.headers.length);
    expect(row[0]).toBe(data[i]?.label);
    expect(firstNumber(row[1] ?? '')).toBe(data[i]?.value);
  });
  // One scale: the longest bar is the largest figure, and every length is proportional.
  const max = Math.max(...data.map((d) => d.value));
  model.bars.forEach((b, i) => expect(b.share).toBeCloseTo(max > 0 ? (data[i]?.value ?? 0) / max : 0, 10));
}

describe('ranking (the vote)', () => {
  const results = {
    ballots: 1234,
    retain: 2,
    tie_at_cutoff: true,
    proposals: [
      { proposal_id: 'p2', title: 'Export ODS', organisation: 'Lyon', score: 7, rank: 2, retained: true, tied_at_cutoff: true },
      { proposal_id: 'p1', title: 'Agenda', organisation: 'Villejuif', score: 1200, rank: 1, retained: true, tied_at_cutoff: false },
      { proposal_id: 'p3', title: 'Cartes', organisation: 'Nancy', score: 7, rank: 3, retained: false, tied_at_cutoff: true },
      { proposal_id: 'p4', title: 'Rien', organisation: 'Metz', score: 0, rank: 4, retained: false, tied_at_cutoff: false },
    ],
  };

  it('bars in rank order, the table says the same scores and which are retained or tied', () => {
    const m = rankingChart(results);
    expectTextEqualsBars(m, [
      { label: '1. Agenda (Villejuif)', value: 1200 },
      { label: '2. Export ODS (Lyon)', value: 7 },
      { label: '3. Cartes (Nancy)', value: 7 },
      { label: '4. Rien (Metz)', value: 0 },
    ]);
    expect(tableRows(m).map((r) => r[2])).toEqual(['retenue', 'retenue, à égalité au seuil', 'non retenue, à égalité au seuil', 'non retenue']);
    expect(m.cutoffAfter).toBe(1);
    expect(m.bars.map((b) => b.tone)).toEqual(['retained', 'tied', 'tied', undefined]);
    expect(m.summary).toContain('1\u202f234 bulletins');
    expect(m.summary).toContain('égalité de score au seuil');
  });

  it('points: the unit follows the method; no retained line when all or none are retained', () => {
    const m = rankingChart({ ...results, retain: 10, tie_at_cutoff: false, proposals: results.proposals.map((p) => ({ ...p, retained: true, tied_at_cutoff: false })) }, { points: true });
    expect(m.headers[1]).toBe('Points');
    expect(m.bars[0]?.figure).toBe('1\u202f200 points');
    expect(m.cutoffAfter).toBeUndefined();
    expect(m.summary).not.toContain('égalité');
  });

  it('no ballot yet: every bar empty, figures zero', () => {
    const m = rankingChart({ ballots: 0, retain: 1, tie_at_cutoff: false, proposals: [{ ...results.proposals[1]!, score: 0 }] });
    expectTextEqualsBars(m, [{ label: '1. Agenda (Villejuif)', value: 0 }]);
    expect(m.summary).toMatch(/^0 bulletin,/);
  });
});

describe('survey questions', () => {
  it('options: a bar per option, count and share of the answers in the text', () => {
    const m = optionsChart({ label: 'Le format', n: 39, options: [{ id: 'a', text: 'Sur place', count: 20 }, { id: 'b', text: 'À distance', count: 0 }, { id: 'c', text: 'Hybride', count: 19 }] });
    expectTextEqualsBars(m, [{ label: 'Sur place', value: 20 }, { label: 'À distance', value: 0 }, { label: 'Hybride', value: 19 }]);
    expect(tableRows(m)[0]?.[1]).toBe('20 (51\u202f%)');
    expect(m.summary).toBe('39 personnes ont répondu à cette question.');
  });

  it('histogram: every value of the scale in numeric order, zeros included, mean and median in the sentence', () => {
    const m = histogramChart({ label: 'Note globale', n: 41, mean: 4.2, median: 4, distribution: { '5': 15, '1': 0, '10': 0, '2': 1, '3': 4, '4': 21 } });
    expectTextEqualsBars(m, [
      { label: '1', value: 0 }, { label: '2', value: 1 }, { label: '3', value: 4 }, { label: '4', value: 21 }, { label: '5', value: 15 }, { label: '10', value: 0 },
    ]);
    expect(m.summary).toBe('41 réponses : moyenne 4,2, médiane 4.');
  });

  it('NPS: the three groups with their counts, the score in the sentence', () => {
    const m = npsChart({ label: 'Recommanderiez-vous', n: 40, nps: 45, promoters: 22, passives: 14, detractors: 4 });
    expectTextEqualsBars(m, [{ label: 'Promoteurs (9–10)', value: 22 }, { label: 'Passifs (7–8)', value: 14 }, { label: 'Détracteurs (0–6)', value: 4 }]);
    expect(m.summary).toBe('NPS +45 sur 40 réponses.');
    expect(npsChart({ label: 'x', n: 3, nps: -33, promoters: 0, passives: 1, detractors: 2 }).summary).toBe('NPS -33 sur 3 réponses.');
  });
});

describe('comparison with the previous survey', () => {
  it('arrow and signed difference, and the words said', () => {
    expect(comparisonText({ id: 'g', type: 'rating', current: 4.2, previous: 3.9, delta: 0.3 })).toEqual({ arrow: '↑', delta: '+0,3', spoken: 'moyenne en hausse de 0,3 (3,9 → 4,2)' });
    expect(comparisonText({ id: 'r', type: 'nps', current: 40, previous: 45, delta: -5 })).toMatchObject({ arrow: '↓', delta: '−5' });
    expect(comparisonText({ id: 'r', type: 'nps', current: 40, previous: 40, delta: 0 })).toMatchObject({ arrow: '=', delta: '0' });
  });
});
