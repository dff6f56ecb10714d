// Defining a survey (PUT /admin/surveys/{surveyId}). Pure. Once a response is stored, what it
// was validated against and counted under is frozen: only the wording (title, labels, option
// texts), the window and the invitations may change.
import { ConflictError } from '#shared/errors.ts';
import type { Survey, SurveyInput } from './schema.ts';

export function newSurvey(id: string, input: SurveyInput, now: Date, previous: Survey | undefined): Survey {
  const at = now.toISOString();
  return {
    id,
    ...definitionFields(input),
    version: (previous?.version ?? 0) + 1,
    created_at: previous?.created_at ?? at,
    updated_at: at,
  };
}

/**
 * The survey as its organiser defined it, in the shape `PUT /admin/surveys/{id}` accepts: change
 * a field and send it back. Ids, versions and timestamps are left out.
 */
export function surveyDefinition(s: Survey) {
  const fields = definitionFields(s);
  // A question without options (text, rating, NPS) is answered without the empty list.
  return { ...fields, questions: fields.questions.map(({ options, ...q }) => (options.length > 0 ? { ...q, options } : q)) };
}

/** What the organiser defines, copied field by field. */
function definitionFields(s: SurveyInput | Survey) {
  return {
    meeting_id: s.meeting_id,
    title: s.title,
    opens_at: s.opens_at,
    closes_at: s.closes_at,
    eligibility: s.eligibility,
    ...(s.previous_survey_id ? { previous_survey_id: s.previous_survey_id } : {}),
    min_group_size: s.min_group_size,
    questions: s.questions.map((q) => ({
      id: q.id,
      type: q.type,
      label: q.label,
      required: q.required,
      ...(q.workshop ? { workshop: q.workshop } : {}),
      options: q.options,
    })),
    ...(s.invitations ? { invitations: s.invitations } : {}),
  };
}

/** The part of a survey that responses depend on (wording, window and invitations left out). */
function frozenPart(s: Survey) {
  return JSON.stringify({
    meeting_id: s.meeting_id,
    eligibility: s.eligibility,
    previous_survey_id: s.previous_survey_id ?? null,
    min_group_size: s.min_group_size,
    questions: s.questions.map((q) => ({
      id: q.id,
      type: q.type,
      required: q.required,
      workshop: q.workshop ?? null,
      options: q.options.map((o) => o.id),
    })),
  });
}

/** Throws 409 `survey-has-responses` when a survey with responses would change beyond its wording. */
export function assertChangeAllowed(before: Survey, after: Survey, responses: number): void {
  if (responses > 0 && frozenPart(before) !== frozenPart(after)) {
    throw new ConflictError(
      'survey-has-responses',
      'L’enquête a déjà des réponses : seuls le titre, les libellés, les dates d’ouverture et de clôture et les invitations peuvent encore changer.',
    );
  }
}
