// Survey shapes: the definition organisers send (PUT /admin/surveys/{surveyId}, contract-survey.md),
// the survey as stored, the body of an answer as w.c.s. sends it, and the anonymous response.
import * as z from 'zod';
import { zBool, zEmail, zEnum, zInt, zOptional, zOptionalText, zSlug, zText } from '#shared/publik/coerce.ts';

export const QUESTION_TYPES = ['rating', 'nps', 'single', 'multiple', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const ELIGIBILITIES = ['registered', 'checked-in'] as const;
export type Eligibility = (typeof ELIGIBILITIES)[number];

/** Longest free-text answer, in characters. */
export const MAX_TEXT_ANSWER = 5000;
export const MAX_QUESTIONS = 40;
export const MAX_OPTIONS = 50;

const QUESTION_ID = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * Body keys an answer may carry besides the answers: a question named like one of them could
 * not be told apart in key/value POST data (or would be overwritten by the whole-form unwrapping).
 */
export const RESERVED_QUESTION_IDS: ReadonlySet<string> = new Set([
  'form_uuid',
  'form_number',
  'form_url',
  'callback_url',
  'user_name_id',
  'email',
  'answers',
  'uuid',
  'id',
  'display_id',
  'fields',
  'extra',
  'workflow',
  'user',
  'orig',
  'nonce',
  'signature',
  'timestamp',
  'algo',
  'survey_id',
]);

const isoInstant = () =>
  z.iso.datetime({ offset: true, error: 'Date et heure attendues au format ISO 8601 avec fuseau (2027-06-08T16:00:00+02:00).' });

const QuestionIdSchema = z
  .string({ error: 'Identifiant de question attendu.' })
  .trim()
  .regex(QUESTION_ID, { error: 'Identifiant de question invalide : une lettre minuscule puis lettres, chiffres ou « _ » (40 caractères au plus).' })
  .refine((id) => !RESERVED_QUESTION_IDS.has(id), {
    error: 'Identifiant de question réservé (nom d’un champ de la requête, comme form_uuid ou email).',
  });

const OptionSchema = z.object({ id: zSlug(), text: zText({ max: 200 }) });

export const QuestionSchema = z
  .object({
    id: QuestionIdSchema,
    type: zEnum(QUESTION_TYPES, 'le type de question'),
    label: zText({ max: 500 }),
    required: zBool().transform((v) => v ?? false),
    /** Asked only of the people confirmed in this workshop. */
    workshop: zOptional(zSlug()),
    options: z.preprocess((v) => v ?? undefined, z.array(OptionSchema, { error: 'Liste d’options attendue.' }).max(MAX_OPTIONS).optional()),
  })
  .superRefine((q, ctx) => {
    const choice = q.type === 'single' || q.type === 'multiple';
    if (choice && (q.options === undefined || q.options.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'Une question à choix doit avoir au moins une option.' });
    }
    if (!choice && q.options !== undefined && q.options.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'Seules les questions à choix ont des options.' });
    }
    const seen = new Set<string>();
    (q.options ?? []).forEach((o, i) => {
      if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: ['options', i, 'id'], message: `Option en double : ${o.id}.` });
      seen.add(o.id);
    });
  })
  .transform((q) => ({ ...q, options: q.type === 'single' || q.type === 'multiple' ? (q.options ?? []) : [] }));
export type Question = z.output<typeof QuestionSchema>;

/** Stored as given for the reminder engine (contract-sessions.md), bounded in size. */
const InvitationsSchema = z
  .record(z.string().max(100), z.unknown(), { error: 'Objet attendu pour les invitations.' })
  .refine((v) => JSON.stringify(v).length <= 4000, { error: 'Invitations trop volumineuses (4 000 caractères au plus).' });

export const SurveyInputSchema = z
  .object({
    meeting_id: zSlug(),
    title: zText({ max: 200 }),
    opens_at: isoInstant(),
    closes_at: isoInstant(),
    eligibility: z.preprocess((v) => (v === undefined || v === null || v === '' ? 'registered' : v), zEnum(ELIGIBILITIES, 'l’éligibilité')),
    previous_survey_id: zOptional(zSlug()),
    min_group_size: z.preprocess((v) => (v === undefined || v === null || v === '' ? 5 : v), zInt({ min: 1, max: 1000 })),
    questions: z
      .array(QuestionSchema, { error: 'Liste de questions attendue.' })
      .min(1, { error: 'Au moins une question est requise.' })
      .max(MAX_QUESTIONS, { error: `${MAX_QUESTIONS} questions au plus.` }),
    invitations: z.preprocess((v) => (v === null ? undefined : v), InvitationsSchema.optional()),
  })
  .superRefine((s, ctx) => {
    if (Date.parse(s.opens_at) >= Date.parse(s.closes_at)) {
      ctx.addIssue({ code: 'custom', path: ['closes_at'], message: 'La clôture de l’enquête doit suivre son ouverture.' });
    }
    const ids = new Set<string>();
    s.questions.forEach((q, i) => {
      if (ids.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `Question en double : ${q.id}.` });
      ids.add(q.id);
    });
  });
export type SurveyInput = z.output<typeof SurveyInputSchema>;

export const SurveySchema = z.object({
  id: z.string(),
  meeting_id: z.string(),
  title: z.string(),
  opens_at: z.string(),
  closes_at: z.string(),
  eligibility: z.enum(ELIGIBILITIES),
  previous_survey_id: z.string().optional(),
  min_group_size: z.number().int(),
  questions: z.array(
    z.object({
      id: z.string(),
      type: z.enum(QUESTION_TYPES),
      label: z.string(),
      required: z.boolean(),
      workshop: z.string().optional(),
      options: z.array(z.object({ id: z.string(), text: z.string() })),
    }),
  ),
  invitations: z.record(z.string(), z.unknown()).optional(),
  version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Survey = z.output<typeof SurveySchema>;

export const SurveyIdSchema = z.object({ surveyId: zSlug() });
export const SurveyQuestionParamsSchema = z.object({ surveyId: zSlug(), questionId: z.string().trim().max(40) });

/**
 * The body of an answer: who (read to decide, never stored with the answers) and the answers,
 * either under `answers` or at the top level; the answers are checked against the survey's
 * questions by `readAnswers`, since their shapes depend on the survey.
 */
export const AnswerBodySchema = z.looseObject({
  form_uuid: zText({ max: 100 }),
  email: zEmail(),
  answers: z.preprocess(
    // A w.c.s. template may render the object as JSON text.
    (v) => (v === null || v === '' ? undefined : typeof v === 'string' && v.trim().startsWith('{') ? parseJson(v) : v),
    z.record(z.string(), z.unknown(), { error: 'Objet attendu (réponses par identifiant de question).' }).optional(),
  ),
});
export type AnswerBody = z.output<typeof AnswerBodySchema>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export type AnswerValue = number | string | string[];
export type Answers = Record<string, AnswerValue>;

export const MODES = ['onsite', 'remote'] as const;
export const PROFILE_GROUPS = ['newcomer', 'expert', 'unknown'] as const;
export type Mode = (typeof MODES)[number];
export type ProfileGroup = (typeof PROFILE_GROUPS)[number];

/** What is stored of a response: the answers and the two breakdown groups, nothing else. */
export const StoredResponseSchema = z.object({
  id: z.string(),
  answers: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.string())])),
  mode: z.enum(MODES),
  profile: z.enum(PROFILE_GROUPS),
});
export type StoredResponse = z.output<typeof StoredResponseSchema>;
