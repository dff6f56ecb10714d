import fixture from '#tests/fixtures/admin-survey-club-12.json' with { type: 'json' };
import { newSurvey } from '#shared/domain/surveys/define.ts';
import { SurveyInputSchema, type Survey } from '#shared/domain/surveys/schema.ts';

export const surveyInput = () => structuredClone(fixture) as Record<string, unknown> & typeof fixture;

export function survey(overrides: Record<string, unknown> = {}, id = 'club-12-avis'): Survey {
  return newSurvey(id, SurveyInputSchema.parse({ ...surveyInput(), ...overrides }), new Date('2027-06-01T10:00:00Z'), undefined);
}
