import { describe, expect, it } from 'vitest';
import { ConflictError } from '#shared/errors.ts';
import { assertChangeAllowed, newSurvey } from '#shared/domain/surveys/define.ts';
import { SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { survey, surveyInput } from './fakes.ts';

const before = survey();
const changed = (edit: (input: any) => void) => {
  const input = surveyInput() as any;
  edit(input);
  return newSurvey(before.id, SurveyInputSchema.parse(input), new Date('2027-06-02T10:00:00Z'), before);
};

describe('changing a survey', () => {
  it('keeps created_at and moves the version', () => {
    const after = changed(() => undefined);
    expect(after.version).toBe(2);
    expect(after.created_at).toBe(before.created_at);
  });

  it('after the first response, the wording, the window and the invitations may change', () => {
    const after = changed((i) => {
      i.title = 'Nouveau titre';
      i.questions[0].label = 'Autre libellé';
      i.questions[2].options[0].text = 'Sur site';
      i.closes_at = '2027-07-15T00:00:00+02:00';
      i.invitations = { form_url: 'https://x.example.org/', send_at: '2027-06-10T09:00:00+02:00', reminder_after_days: 3, max_reminders: 1 };
    });
    expect(() => assertChangeAllowed(before, after, 3)).not.toThrow();
  });

  it.each([
    ['a question added', (i: any) => i.questions.push({ id: 'nouvelle', type: 'text', label: 'Nouvelle' })],
    ['a type changed', (i: any) => (i.questions[0].type = 'nps')],
    ['an option added', (i: any) => i.questions[2].options.push({ id: 'autre', text: 'Autre' })],
    ['required changed', (i: any) => (i.questions[2].required = true)],
    ['the eligibility', (i: any) => (i.eligibility = 'checked-in')],
    ['the meeting', (i: any) => (i.meeting_id = 'club-13')],
  ])('after the first response, 409 survey-has-responses for %s (allowed before)', (_what, edit) => {
    const after = changed(edit);
    expect(() => assertChangeAllowed(before, after, 0)).not.toThrow();
    expect(() => assertChangeAllowed(before, after, 1)).toThrow(ConflictError);
    expect(() => assertChangeAllowed(before, after, 1)).toThrow(expect.objectContaining({ code: 'survey-has-responses', statusCode: 409 }));
  });
});
