import { describe, expect, it } from 'vitest';
import { SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { surveyInput } from './fixtures.ts';

const errorsOf = (input: unknown) => {
  const r = SurveyInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('survey definition', () => {
  it('accepts the contract example, with defaults and the invitations kept as given', () => {
    const s = SurveyInputSchema.parse(surveyInput());
    expect(s.questions.map((q) => [q.id, q.type, q.required])).toEqual([
      ['global', 'rating', true],
      ['recommande', 'nps', true],
      ['format', 'single', false],
      ['sujets', 'multiple', false],
      ['atelier_socle', 'rating', false],
      ['remarques', 'text', false],
    ]);
    expect(s.questions[4]?.workshop).toBe('socle-personnes-morales');
    expect(s.invitations).toEqual(surveyInput().invitations);
    const { min_group_size: _m, eligibility: _e, ...bare } = surveyInput();
    const defaults = SurveyInputSchema.parse(bare);
    expect(defaults.min_group_size).toBe(5);
    expect(defaults.eligibility).toBe('registered');
  });

  it.each(['email', 'form_uuid', 'answers'])('refuses a question named like a body field (%s)', (id) => {
    const input = surveyInput();
    input.questions[0]!.id = id;
    expect(errorsOf(input)).toEqual([{ path: 'questions.0.id', message: expect.stringContaining('réservé') }]);
  });

  it('refuses bad ids, duplicates, choice questions without options and an inverted window', () => {
    const input = surveyInput() as any;
    input.questions[0].id = 'Global';
    input.questions[1].id = 'format';
    input.questions[3].options = [];
    input.closes_at = '2027-06-01T00:00:00+02:00';
    const paths = errorsOf(input).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['questions.0.id', 'questions.2.id', 'questions.3.options', 'closes_at']));
  });

  it('refuses an unknown type and an unknown eligibility, naming them', () => {
    const input = surveyInput() as any;
    input.questions[0].type = 'stars';
    input.eligibility = 'everyone';
    const paths = errorsOf(input).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['questions.0.type', 'eligibility']));
  });
});
