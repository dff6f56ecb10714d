// What forms and organisers read of a survey: the public view (questions and `open`), the
// options data source of a choice question, and the CSV of the responses. Pure.
import { NotFoundError } from '#shared/domain/errors.ts';
import type { DataSourceItem } from '#shared/publik/data-source.ts';
import type { Sheet } from '#shared/domain/csv.ts';
import { isOpen } from './eligibility.ts';
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
export function optionItems(survey: Survey, questionId: string): DataSourceItem[] {
  const question = survey.questions.find((q) => q.id === questionId);
  if (!question || (question.type !== 'single' && question.type !== 'multiple')) {
    throw new NotFoundError(`Question à choix inconnue dans cette enquête : « ${questionId.slice(0, 40)} ».`, 'unknown-question');
  }
  return question.options.map((o) => ({ id: o.id, text: o.text }));
}

const MODE_LABELS: Record<Mode, string> = { onsite: 'Sur place', remote: 'À distance' };
const PROFILE_LABELS: Record<ProfileGroup, string> = { newcomer: 'Nouvel·le utilisateur·rice', expert: 'Expert·e', unknown: 'Non renseigné' };

/**
 * One line per response, in the order of the random response ids (which reveals neither who
 * nor when), with no identity and no time: the groups, then one column per question.
 */
export function responsesSheet(survey: Survey, responses: StoredResponse[]): Sheet {
  const sorted = [...responses].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const optionText = (qid: string, id: string) =>
    survey.questions.find((q) => q.id === qid)?.options.find((o) => o.id === id)?.text ?? id;
  return {
    headers: ['Mode', 'Profil', ...survey.questions.map((q) => q.label)],
    rows: sorted.map((r) => [
      MODE_LABELS[r.mode],
      PROFILE_LABELS[r.profile],
      ...survey.questions.map((q) => {
        const v = r.answers[q.id];
        if (v === undefined) return '';
        if (Array.isArray(v)) return v.map((id) => optionText(q.id, id)).join(', ');
        if (q.type === 'single') return optionText(q.id, String(v));
        return v;
      }),
    ]),
  };
}
