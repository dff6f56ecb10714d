// What the survey routes answer in `data`, as zod schemas (see shared/openapi/answers/meetings.ts).
// From shared/domain/surveys (views.ts, statistics.ts); a survey is answered as stored (SurveySchema).
import * as z from 'zod';
import { QUESTION_TYPES, SurveySchema } from '#shared/domain/surveys/schema.ts';

const instant = () => z.string().meta({ description: 'ISO 8601 instant' });
const count = () => z.int().min(0);
const option = () => z.object({ id: z.string(), text: z.string() });

// The public view (views.ts, surveyView): the stored survey's fields, the questions without
// their stored workshop and options, which the view answers as below.
const StoredQuestionSchema = SurveySchema.shape.questions.element;
export const SurveyViewSchema = SurveySchema.pick({ id: true, meeting_id: true, title: true, eligibility: true }).extend({
  opens_at: instant(),
  closes_at: instant(),
  open: z.boolean(),
  questions: z.array(
    StoredQuestionSchema.pick({ id: true, type: true, label: true, required: true }).extend({
      workshop: z.string().nullable().meta({ description: 'Asked only of the people confirmed in this workshop.' }),
      options: z.array(option()).optional().meta({ description: 'Choice questions.' }),
    }),
  ),
});

export const OptionItemsSchema = z.array(z.object({ id: z.string(), text: z.string(), disabled: z.boolean().optional() }));

export const AnswerAnswerSchema = z.object({
  response_id: z.string().nullable().meta({ description: 'null when this form had already been recorded (`replayed`).' }),
  replayed: z.boolean(),
});

export const SurveyAdminAnswerSchema = SurveySchema.extend({
  invitations: z
    .object({ form_url: z.string(), send_at: instant(), reminder_after_days: count(), max_reminders: count() })
    .optional(),
  open: z.boolean(),
  created: z.boolean(),
});

const distribution = () => z.record(z.string(), count()).meta({ description: 'Answers by value.' });
const base = { id: z.string(), label: z.string(), workshop: z.string().optional() };
const scale = { n: count(), mean: z.number().nullable(), median: z.number().nullable(), distribution: distribution() };
const textPage = { texts: z.array(z.string()), next_texts: z.string().optional().meta({ description: 'Cursor of the next page (`after`).' }) };

const shown = { suppressed: z.literal(false) };
const QuestionResultSchema = z.union([
  z.object({ ...base, type: z.literal('rating'), ...shown, ...scale }),
  z.object({
    ...base,
    type: z.literal('nps'),
    ...shown,
    ...scale,
    nps: z.number().nullable(),
    promoters: count(),
    passives: count(),
    detractors: count(),
  }),
  z.object({ ...base, type: z.enum(['single', 'multiple']), ...shown, n: count(), options: z.array(option().extend({ count: count() })) }),
  z.object({ ...base, type: z.literal('text'), ...shown, n: count(), ...textPage }),
  z
    .object({ ...base, type: z.enum(QUESTION_TYPES), suppressed: z.literal(true), n: count() })
    .meta({ description: 'Answered by fewer than `min_group_size`: the count only.' }),
]);

const BreakdownGroupSchema = z.union([
  z.object({ group: z.string(), responses: count(), suppressed: z.literal(true) }),
  z.object({
    group: z.string(),
    responses: count(),
    suppressed: z.literal(false),
    questions: z.array(
      z.union([
        z.object({ id: z.string(), suppressed: z.literal(true) }),
        z.object({ id: z.string(), suppressed: z.literal(false), n: count(), mean: z.number().nullable(), nps: z.number().nullable().optional() }),
      ]),
    ),
  }),
]);

export const SurveyResultsSchema = z.object({
  survey_id: z.string(),
  meeting_id: z.string(),
  title: z.string(),
  responses: count(),
  eligible: count(),
  response_rate: z.number().min(0).nullable(),
  min_group_size: count(),
  questions: z.array(QuestionResultSchema),
  breakdowns: z.object({ mode: z.array(BreakdownGroupSchema), profile: z.array(BreakdownGroupSchema) }),
  comparison: z
    .object({
      previous_survey_id: z.string(),
      questions: z.array(z.object({ id: z.string(), type: z.enum(['rating', 'nps']), current: z.number(), previous: z.number(), delta: z.number() })),
    })
    .optional(),
});

/** `?question=<id>&after=<cursor>`: the next page of a free-text question. */
export const MoreTextsSchema = z.object({ id: z.string(), ...textPage });

/** GET /admin/surveys: one line per survey, most recent opening first. */
export const SurveySummariesSchema = z.array(
  z.object({
    survey_id: z.string(),
    meeting_id: z.string(),
    title: z.string(),
    opens_at: z.string(),
    closes_at: z.string(),
    open: z.boolean(),
    questions: z.int().min(0),
    responses: z.int().min(0),
    eligible: z.int().min(0).meta({ description: 'Eligible people now.' }),
    response_rate: z.number().min(0).nullable().meta({ description: 'responses / eligible, 4 decimals; null when nobody is eligible.' }),
  }),
);
