// Survey statistics (contract-survey.md, "Results"). Pure. Each response adds its tallies to
// additive counters (`responseTallies`), so reading the results costs the same at 40 or at
// 10,000 responses; `surveyResults` turns those totals into the figures organisers read.
//
// Counter keys:
//   n                                  responses
//   q:<qid>:n                          responses that answered the question
//   q:<qid>:<value|optionId>           distribution (rating, nps) or option counts (single, multiple)
//   g:<dim>:<group>:n                  responses of a breakdown group (dim: mode | profile)
//   g:<dim>:<group>:q:<qid>:<value>    distribution of a rating/nps question within the group
//   g:<dim>:<group>:q:<qid>:n
import { MODES, PROFILE_GROUPS, type Answers, type Mode, type ProfileGroup, type Question, type Survey } from './schema.ts';

export type Counts = Readonly<Record<string, number>>;

export interface Groups {
  mode: Mode;
  profile: ProfileGroup;
}

const SCALES = { rating: range(1, 5), nps: range(0, 10) } as const;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const isScale = (q: Pick<Question, 'type'>): q is Pick<Question, 'type'> & { type: 'rating' | 'nps' } =>
  q.type === 'rating' || q.type === 'nps';

/** What one response adds to the counters. */
export function responseTallies(survey: Pick<Survey, 'questions'>, answers: Answers, groups: Groups): Record<string, number> {
  const out: Record<string, number> = { n: 1 };
  const add = (key: string) => (out[key] = (out[key] ?? 0) + 1);
  const groupPrefixes = [`g:mode:${groups.mode}:`, `g:profile:${groups.profile}:`];
  for (const prefix of groupPrefixes) add(`${prefix}n`);
  for (const q of survey.questions) {
    const value = answers[q.id];
    if (value === undefined) continue;
    add(`q:${q.id}:n`);
    if (isScale(q)) {
      add(`q:${q.id}:${String(value)}`);
      for (const prefix of groupPrefixes) {
        add(`${prefix}q:${q.id}:n`);
        add(`${prefix}q:${q.id}:${String(value)}`);
      }
    } else if (q.type === 'single') {
      add(`q:${q.id}:${String(value)}`);
    } else if (q.type === 'multiple' && Array.isArray(value)) {
      for (const id of value) add(`q:${q.id}:${id}`);
    }
  }
  return out;
}

/**
 * The counters of a list of responses, as the repository keeps them (the sum of their
 * tallies): what the CSV of the responses decides its suppression from, so that it hides
 * exactly what the results hide.
 */
export function countsOfResponses(survey: Pick<Survey, 'questions'>, responses: ReadonlyArray<{ answers: Answers } & Groups>): Counts {
  const out: Record<string, number> = {};
  for (const r of responses) {
    for (const [k, v] of Object.entries(responseTallies(survey, r.answers, r))) out[k] = (out[k] ?? 0) + v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Figures. Integer arithmetic where rounding matters, so that 4.125 or an NPS of 12.5 round
// the same way on every machine: half away from zero.

/** `num / den` rounded half away from zero to `decimals`. */
export function roundedRatio(num: number, den: number, decimals: number): number {
  const scale = 10 ** decimals;
  const sign = Math.sign(num) * Math.sign(den);
  const a = Math.abs(num) * scale;
  const b = Math.abs(den);
  const rounded = Math.floor((2 * a + b) / (2 * b));
  return (sign * rounded) / scale || 0;
}

export type Distribution = Record<string, number>;

function distributionOf(counts: Counts, prefix: string, scale: readonly number[]): Distribution {
  const out: Distribution = {};
  for (const v of scale) out[String(v)] = counts[`${prefix}${v}`] ?? 0;
  return out;
}

/** The k-th (0-based) value of a distribution in increasing order. */
function kth(scale: readonly number[], dist: Distribution, k: number): number {
  let seen = 0;
  for (const v of scale) {
    seen += dist[String(v)] ?? 0;
    if (k < seen) return v;
  }
  throw new Error('kth out of range');
}

export interface ScaleFigures {
  n: number;
  mean: number | null;
  median: number | null;
  distribution: Distribution;
}

export function scaleFigures(scale: readonly number[], dist: Distribution): ScaleFigures {
  let n = 0;
  let sum = 0;
  for (const v of scale) {
    const c = dist[String(v)] ?? 0;
    n += c;
    sum += c * v;
  }
  if (n === 0) return { n, mean: null, median: null, distribution: dist };
  // Even count: the mean of the two middle answers.
  const median = n % 2 === 1 ? kth(scale, dist, (n - 1) / 2) : (kth(scale, dist, n / 2 - 1) + kth(scale, dist, n / 2)) / 2;
  return { n, mean: roundedRatio(sum, n, 2), median, distribution: dist };
}

export interface NpsFigures {
  nps: number | null;
  promoters: number;
  passives: number;
  detractors: number;
}

/** NPS = % promoters (9–10) − % detractors (0–6), rounded to a whole number. */
export function npsFigures(dist: Distribution): NpsFigures {
  const count = (from: number, to: number) => range(from, to).reduce((s, v) => s + (dist[String(v)] ?? 0), 0);
  const promoters = count(9, 10);
  const passives = count(7, 8);
  const detractors = count(0, 6);
  const n = promoters + passives + detractors;
  return { nps: n === 0 ? null : roundedRatio(100 * (promoters - detractors), n, 0), promoters, passives, detractors };
}

export interface TextPage {
  texts: string[];
  /** Opaque cursor of the next page, absent on the last one. */
  next_texts?: string;
}

type QuestionBase = { id: string; label: string; workshop?: string };

export type QuestionResult =
  | ({ type: 'rating'; suppressed: false } & QuestionBase & ScaleFigures)
  | ({ type: 'nps'; suppressed: false } & QuestionBase & ScaleFigures & NpsFigures)
  | ({ type: 'single' | 'multiple'; suppressed: false; n: number; options: Array<{ id: string; text: string; count: number }> } & QuestionBase)
  | ({ type: 'text'; suppressed: false; n: number } & QuestionBase & TextPage)
  /** Answered by fewer than `min_group_size`: the count only. */
  | ({ type: Question['type']; suppressed: true; n: number } & QuestionBase);

/** Responses that answered a question. */
const answeredCount = (counts: Counts, questionId: string) => counts[`q:${questionId}:n`] ?? 0;

/**
 * The figures of one question. A question answered by fewer than `minGroupSize` people (a
 * workshop question, or any question early on) shows its count only: a mean, a distribution,
 * an option count or a free text of one or two people tells who said what as surely as a
 * breakdown group would.
 */
export function questionResult(question: Question, counts: Counts, minGroupSize: number, texts?: TextPage): QuestionResult {
  const base = { id: question.id, label: question.label, ...(question.workshop ? { workshop: question.workshop } : {}) };
  const prefix = `q:${question.id}:`;
  const n = answeredCount(counts, question.id);
  if (n < minGroupSize) return { ...base, type: question.type, suppressed: true, n };
  switch (question.type) {
    case 'rating':
    case 'nps': {
      const scale = SCALES[question.type];
      const figures = scaleFigures(scale, distributionOf(counts, prefix, scale));
      if (question.type === 'rating') return { ...base, type: 'rating', suppressed: false, ...figures };
      const { distribution, ...rest } = figures;
      return { ...base, type: 'nps', suppressed: false, ...rest, ...npsFigures(distribution), distribution };
    }
    case 'single':
    case 'multiple':
      return {
        ...base,
        type: question.type,
        suppressed: false,
        n,
        options: question.options.map((o) => ({ id: o.id, text: o.text, count: counts[`${prefix}${o.id}`] ?? 0 })),
      };
    case 'text':
      return { ...base, type: 'text', suppressed: false, n, texts: texts?.texts ?? [], ...(texts?.next_texts ? { next_texts: texts.next_texts } : {}) };
  }
}

/** Whether a question's figures (and its texts, and its CSV column) may be shown. */
export const questionShown = (survey: Pick<Survey, 'min_group_size'>, counts: Counts, questionId: string) =>
  answeredCount(counts, questionId) >= survey.min_group_size;

// ---------------------------------------------------------------------------------------
// Breakdowns: only rating and NPS figures, never free texts; a group (or, within a group, a
// question) with fewer than `min_group_size` answers carries no figures.
//
// Suppressing the small groups alone is not enough: the groups of a dimension add up to the
// whole, so the total minus the shown groups gives the hidden ones (40 on site shown and 41 in
// all: the one remote answer is the difference). So the hidden part of a dimension must be
// empty or hold at least `min_group_size` answers; while it does not, the smallest shown group
// is hidden too (complementary suppression). The same holds within the shown groups for each
// question, against the question's overall count.

export type BreakdownQuestion =
  | { id: string; suppressed: true }
  | { id: string; suppressed: false; n: number; mean: number | null }
  | { id: string; suppressed: false; n: number; nps: number | null; mean: number | null };

export type BreakdownGroup =
  | { group: string; responses: number; suppressed: true }
  | { group: string; responses: number; suppressed: false; questions: BreakdownQuestion[] };

export type Dimension = 'mode' | 'profile';
export const DIMENSIONS: Record<Dimension, readonly string[]> = { mode: MODES, profile: PROFILE_GROUPS };

/**
 * The members shown out of `sizes` (name → answers in it) whose total is `total`: those with
 * at least `min` answers, less the smallest of them until the hidden remainder is 0 or ≥ min.
 */
export function shownMembers(sizes: ReadonlyArray<readonly [string, number]>, total: number, min: number): Set<string> {
  const shown = sizes.filter(([, n]) => n >= min).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  let hidden = total - shown.reduce((sum, [, n]) => sum + n, 0);
  while (hidden > 0 && hidden < min && shown.length > 0) hidden += (shown.shift() as readonly [string, number])[1];
  return new Set(shown.map(([name]) => name));
}

/** The groups of each dimension that may be shown (in the breakdowns and in the CSV). */
export function shownGroups(survey: Pick<Survey, 'min_group_size'>, counts: Counts): Record<Dimension, Set<string>> {
  const of = (dim: Dimension) =>
    shownMembers(
      DIMENSIONS[dim].map((g) => [g, counts[`g:${dim}:${g}:n`] ?? 0] as const),
      counts['n'] ?? 0,
      survey.min_group_size,
    );
  return { mode: of('mode'), profile: of('profile') };
}

function dimensionBreakdown(survey: Pick<Survey, 'questions' | 'min_group_size'>, counts: Counts, dim: Dimension, shown: Set<string>): BreakdownGroup[] {
  const min = survey.min_group_size;
  const figuresOf = (group: string, q: Question & { type: 'rating' | 'nps' }) =>
    scaleFigures(SCALES[q.type], distributionOf(counts, `g:${dim}:${group}:q:${q.id}:`, SCALES[q.type]));
  // Per question, the shown groups whose figures may be shown (same remainder rule).
  const shownPerQuestion = new Map<string, Set<string>>();
  for (const q of survey.questions) {
    if (!isScale(q)) continue;
    const sizes = [...shown].map((g) => [g, figuresOf(g, q).n] as const);
    shownPerQuestion.set(q.id, shownMembers(sizes, answeredCount(counts, q.id), min));
  }
  return DIMENSIONS[dim].map((group): BreakdownGroup => {
    const responses = counts[`g:${dim}:${group}:n`] ?? 0;
    if (!shown.has(group)) return { group, responses, suppressed: true };
    const questions: BreakdownQuestion[] = [];
    for (const q of survey.questions) {
      if (!isScale(q)) continue;
      const figures = figuresOf(group, q);
      if (!shownPerQuestion.get(q.id)?.has(group)) {
        questions.push({ id: q.id, suppressed: true });
      } else if (q.type === 'rating') {
        questions.push({ id: q.id, suppressed: false, n: figures.n, mean: figures.mean });
      } else {
        questions.push({ id: q.id, suppressed: false, n: figures.n, nps: npsFigures(figures.distribution).nps, mean: figures.mean });
      }
    }
    return { group, responses, suppressed: false, questions };
  });
}

export function breakdowns(survey: Pick<Survey, 'questions' | 'min_group_size'>, counts: Counts) {
  const shown = shownGroups(survey, counts);
  return {
    mode: dimensionBreakdown(survey, counts, 'mode', shown.mode),
    profile: dimensionBreakdown(survey, counts, 'profile', shown.profile),
  };
}

// ---------------------------------------------------------------------------------------
// Comparison with the previous survey: questions with the same id and type (rating: mean,
// nps: nps), when both sides show figures (each at least its survey's `min_group_size`
// answers: a comparison must not give back a figure the results hide).

export interface Comparison {
  previous_survey_id: string;
  questions: Array<{ id: string; type: 'rating' | 'nps'; current: number; previous: number; delta: number }>;
}

function headline(question: Question, counts: Counts, minGroupSize: number): number | null {
  if (!isScale(question) || answeredCount(counts, question.id) < minGroupSize) return null;
  const scale = SCALES[question.type];
  const figures = scaleFigures(scale, distributionOf(counts, `q:${question.id}:`, scale));
  return question.type === 'rating' ? figures.mean : npsFigures(figures.distribution).nps;
}

export function comparison(
  survey: Pick<Survey, 'questions' | 'min_group_size'>,
  counts: Counts,
  previous: { survey: Pick<Survey, 'id' | 'questions' | 'min_group_size'>; counts: Counts },
): Comparison {
  const questions: Comparison['questions'] = [];
  for (const q of survey.questions) {
    if (!isScale(q)) continue;
    const before = previous.survey.questions.find((p) => p.id === q.id && p.type === q.type);
    if (!before) continue;
    const current = headline(q, counts, survey.min_group_size);
    const prev = headline(before, previous.counts, previous.survey.min_group_size);
    if (current === null || prev === null) continue;
    // Both sides carry at most 2 decimals: the difference in hundredths is a whole number.
    const delta = Math.round(current * 100 - prev * 100) / 100;
    questions.push({ id: q.id, type: q.type, current, previous: prev, delta });
  }
  return { previous_survey_id: previous.survey.id, questions };
}

// ---------------------------------------------------------------------------------------

export interface ResultsInput {
  survey: Survey;
  counts: Counts;
  /** Eligible people now (registrations of the meeting that satisfy the eligibility). */
  eligible: number;
  /** First page of the free texts, by question id. */
  texts: ReadonlyMap<string, TextPage>;
  previous?: { survey: Survey; counts: Counts };
}

export function surveyResults(input: ResultsInput) {
  const { survey, counts, eligible } = input;
  const responses = counts['n'] ?? 0;
  return {
    survey_id: survey.id,
    meeting_id: survey.meeting_id,
    title: survey.title,
    responses,
    eligible,
    response_rate: eligible === 0 ? null : roundedRatio(responses, eligible, 4),
    min_group_size: survey.min_group_size,
    questions: survey.questions.map((q) => questionResult(q, counts, survey.min_group_size, input.texts.get(q.id))),
    breakdowns: breakdowns(survey, counts),
    ...(input.previous ? { comparison: comparison(survey, counts, input.previous) } : {}),
  };
}
export type SurveyResults = ReturnType<typeof surveyResults>;
