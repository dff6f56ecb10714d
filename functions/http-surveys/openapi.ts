// The OpenAPI description of this function's routes (shared/openapi/route-doc.ts).
import type { RouteDocs } from '#shared/openapi/route-doc.ts';
import {
  AnswerAnswerSchema,
  MoreTextsSchema,
  OptionItemsSchema,
  SurveyAdminAnswerSchema,
  SurveyResultsSchema,
  SurveySummariesSchema,
  SurveyViewSchema,
} from '#shared/openapi/answers/surveys.ts';
import * as z from 'zod';

const TAG = 'Feedback survey';
const ADMIN_TAG = 'Feedback survey: organisers';
const GUIDE = 'docs/forms-survey.md';

export const docs: RouteDocs = {
  'GET /surveys/{surveyId}': {
    notFound: ['survey-not-found'],
    operationId: 'getSurvey',
    tag: TAG,
    summary: 'A survey: its questions and whether it is open',
    data: SurveyViewSchema,
    guide: `${GUIDE}#data-sources`,
  },
  'GET /surveys/{surveyId}/questions/{questionId}/options': {
    notFound: ['survey-not-found', 'unknown-question'],
    operationId: 'listQuestionOptions',
    tag: TAG,
    summary: 'Data source: the options of a choice question',
    data: OptionItemsSchema,
    guide: `${GUIDE}#data-sources`,
  },
  'POST /surveys/{surveyId}/responses': {
    notFound: ['survey-not-found'],
    operationId: 'answerSurvey',
    tag: TAG,
    summary: 'Record an anonymous answer (idempotent on form_uuid)',
    data: AnswerAnswerSchema,
    refusals: ['survey-closed', 'not-eligible', 'already-answered', 'form-already-used'],
    guide: `${GUIDE}#3-the-webservice-call`,
    example: {
      // docs/forms-survey.md, "The webservice call" and "The answer and what to branch on".
      body: { form_uuid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', email: 'camille.martin@exemple-commune.fr', answers: { global: '4', recommande: '9', format: 'hybride' } },
      data: { response_id: '9f0c…', replayed: false },
    },
  },
  'GET /admin/surveys': {
    operationId: 'adminListSurveys',
    tag: ADMIN_TAG,
    summary: 'Every survey: window, responses and response rate (the console\'s lists)',
    data: SurveySummariesSchema,
    guide: `${GUIDE}#1-the-survey-as-the-organisers-define-it`,
    example: {
      data: [
        {
          survey_id: 'club-12-avis',
          meeting_id: 'club-12',
          title: 'Votre avis sur le 12e club',
          opens_at: '2027-06-08T16:00:00+02:00',
          closes_at: '2027-06-30T23:59:59+02:00',
          open: true,
          questions: 6,
          responses: 41,
          eligible: 96,
          response_rate: 0.4271,
        },
      ],
    },
  },
  'GET /admin/surveys/{surveyId}': {
    notFound: ['survey-not-found'],
    operationId: 'adminGetSurvey',
    tag: ADMIN_TAG,
    summary: 'The stored definition, in the shape the PUT accepts (change a field, PUT it back)',
    data: z.looseObject({
      meeting_id: z.string(),
      title: z.string(),
      opens_at: z.string(),
      closes_at: z.string(),
      eligibility: z.string(),
      previous_survey_id: z.string().optional(),
      min_group_size: z.number().int(),
      questions: z.array(z.looseObject({ id: z.string(), type: z.string(), label: z.string(), required: z.boolean() })),
      invitations: z.looseObject({}).optional(),
    }),
    siblings: {
      meta: z.looseObject({ survey_id: z.string(), open: z.boolean(), version: z.number().int(), created_at: z.string(), updated_at: z.string() }),
    },
    guide: `${GUIDE}#1-the-survey-as-the-organisers-define-it`,
  },
  'PUT /admin/surveys/{surveyId}': {
    operationId: 'adminPutSurvey',
    tag: ADMIN_TAG,
    summary: 'Create or update a survey',
    data: SurveyAdminAnswerSchema,
    successStatuses: [200, 201],
    conflicts: ['survey-has-responses', 'survey-changed'],
    guide: `${GUIDE}#1-the-survey-as-the-organisers-define-it`,
    example: {
      // docs/forms-survey.md, "The survey, as the organisers define it".
      body: {
        meeting_id: 'club-12',
        title: 'Votre avis sur le 12e club',
        opens_at: '2027-06-08T16:00:00+02:00',
        closes_at: '2027-06-30T23:59:59+02:00',
        eligibility: 'registered',
        previous_survey_id: 'club-11-avis',
        min_group_size: 5,
        questions: [
          { id: 'global', type: 'rating', label: 'Note globale du club', required: true },
          { id: 'recommande', type: 'nps', label: 'Recommanderiez-vous le club à un collègue ?', required: true },
          {
            id: 'format',
            type: 'single',
            label: 'Le format qui vous convient',
            options: [
              { id: 'sur-place', text: 'Sur place' },
              { id: 'distance', text: 'À distance' },
              { id: 'hybride', text: 'Hybride' },
            ],
          },
          { id: 'remarques', type: 'text', label: 'Vos remarques' },
        ],
        invitations: { form_url: 'https://demarches.example.org/club/avis-12e-club/', send_at: '2027-06-09T09:00:00+02:00', reminder_after_days: 4, max_reminders: 2 },
      },
    },
  },
  'GET /admin/surveys/{surveyId}/results': {
    notFound: ['survey-not-found', 'unknown-question'],
    operationId: 'adminSurveyResults',
    tag: ADMIN_TAG,
    summary: 'The statistics (question+after: more free texts; ?format=csv: one line per response)',
    data: z.union([SurveyResultsSchema, MoreTextsSchema]),
    otherMedia: { type: 'text/csv', description: '`?format=csv`: one line per response, no identity, no time', jsonToo: true },
    guide: `${GUIDE}#5-reading-the-statistics`,
  },
};
