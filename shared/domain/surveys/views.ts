// What forms and organisers read of a survey: the public view (questions and `open`), the
// options data source of a choice question, and the CSV of the responses. Pure.
import { NotFoundError } from '#shared/errors.ts';
import type { DataSourceItem } from '#shared/publik/data-source.ts';
import type { Sheet } from '#shared/domain/csv.ts';
import { isOpen } from './eligibility.ts';
import { DIMENSIONS, countsOfResponses, roundedRatio, questionShown, shownGroups, shownMembers, type Dimension } from './statistics.ts';
import type { Mode, ProfileGroup, StoredResponse, Survey } from './schema.ts';

export const surveyNotFound = (id: string) => new NotFoundError(`Enquête inconnue : « ${id} ».`, 'survey-not-found');

export function surveyView(survey: Survey, now: Date) {
  return {
    id: survey.id,
    meeting_id: survey.meeting_id,
    title: survey.title,
    opens_at: survey.opens_at,
    closes_at: survey.closes_at,
    open: isOpen(survey, now),
    eligibility: survey.eligibility,
    questions: survey.questions.map((q) => ({
      id: q.id,
      type: q.type,
      label: q.label,
      required: q.required,
      workshop: q.workshop ?? null,
      ...(q.type === 'single' || q.type === 'multiple' ? { options: q.options } : {}),
    })),
  };
}

/** Data source of a choice question's options (`id`, `text`). */
/** A line of GET /admin/surveys: window, responses and rate (as in the results). */
export function surveySummary(survey: Survey, counts: Readonly<Record<string, number>>, eligible: number, now: Date) {
  const responses = counts['n'] ?? 0;
  return {
    survey_id: survey.id,
    meeting_id: survey.meeting_id,
    title: survey.title,
    opens_at: survey.opens_at,
    closes_at: survey.closes_at,
    open: isOpen(survey, now),
    questions: survey.questions.length,
    responses,
    eligible,
    response_rate: eligible === 0 ? null : roundedRatio(responses, eligible, 4),
  };
}

export function optionItems(survey: Survey, questionId: string): DataSourceItem[] {
  const question = survey.questions.find((q) => q.id === questionId);
  if (!question || (question.type !== 'single' && question.type !== 'multiple')) {
    throw new NotFoundError(`Question à choix inconnue dans cette enquête : « ${questionId.slice(0, 40)} ».`, 'unknown-question');
  }
  return question.options.map((o) => ({ id: o.id, text: o.text }));
}

const MODE_LABELS: Record<Mode, string> = { onsite: 'Sur place', remote: 'À distance' };
const PROFILE_LABELS: Record<ProfileGroup, string> = { newcomer: 'Nouvel·le utilisateur·rice', expert: 'Expert·e', unknown: 'Non renseigné' };

/** What the CSV writes in place of a hidden group or answer. */
export const HIDDEN = '';

/**
 * One line per response, in the order of the random response ids (which reveals neither who
 * nor when), with no identity and no time: the groups, then one column per question.
 *
 * The CSV hides what the results hide (`min_group_size`):
 * - a group the breakdowns suppress is left blank on its lines;
 * - a question whose figures are suppressed (answered by too few) is blank on every line;
 * - on a line whose group is shown, an answer is blank when that group's answers to the
 *   question are hidden by the breakdowns' per-question rule (6 on site and 1 remote answered
 *   the workshop question: the line "À distance" with a workshop rating would be that one
 *   person). The rule is applied to every question type, not only ratings.
 * Lines are never left out: the results list every free text and count every answer, so a
 * missing line would be found again by difference (the one text of the results that is not in
 * the CSV is the remote respondent's). A blank group cell only says "one of the hidden groups",
 * which together hold at least `min_group_size` responses.
 */
export function responsesSheet(survey: Survey, responses: StoredResponse[]): Sheet {
  const sorted = [...responses].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const counts = countsOfResponses(survey, responses);
  const groups = shownGroups(survey, counts);
  const shownQuestions = new Set(survey.questions.filter((q) => questionShown(survey, counts, q.id)).map((q) => q.id));
  // Per dimension and question: the shown groups whose answers to it may be shown.
  const answered = (dim: Dimension, group: string, qid: string) =>
    responses.filter((r) => r[dim] === group && r.answers[qid] !== undefined).length;
  const shownAnswers = (dim: Dimension) =>
    new Map(
      survey.questions.map((q) => [
        q.id,
        shownMembers(
          DIMENSIONS[dim].filter((g) => groups[dim].has(g)).map((g) => [g, answered(dim, g, q.id)] as const),
          counts[`q:${q.id}:n`] ?? 0,
          survey.min_group_size,
        ),
      ]),
    );
  const answersShown = { mode: shownAnswers('mode'), profile: shownAnswers('profile') };
  const cellShown = (r: StoredResponse, qid: string) =>
    shownQuestions.has(qid) &&
    (['mode', 'profile'] as const).every((dim) => !groups[dim].has(r[dim]) || answersShown[dim].get(qid)?.has(r[dim]) === true);
  const optionText = (qid: string, id: string) =>
    survey.questions.find((q) => q.id === qid)?.options.find((o) => o.id === id)?.text ?? id;
  return {
    headers: ['Mode', 'Profil', ...survey.questions.map((q) => q.label)],
    rows: sorted.map((r) => [
      groups.mode.has(r.mode) ? MODE_LABELS[r.mode] : HIDDEN,
      groups.profile.has(r.profile) ? PROFILE_LABELS[r.profile] : HIDDEN,
      ...survey.questions.map((q) => {
        const v = r.answers[q.id];
        if (v === undefined || !cellShown(r, q.id)) return HIDDEN;
        if (Array.isArray(v)) return v.map((id) => optionText(q.id, id)).join(', ');
        if (q.type === 'single') return optionText(q.id, String(v));
        return v;
      }),
    ]),
  };
}
