import { describe, expect, it } from 'vitest';
import { SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { surveyInput } from './fakes.ts';

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

describe('survey invitations in the definition', () => {
  const withInvitations = (invitations: unknown) => ({ ...surveyInput(), invitations });

  it('reads numbers given as strings, defaults the reminders, ignores unknown keys', () => {
    const s = SurveyInputSchema.parse(
      withInvitations({ form_url: ' https://demarches.example.org/avis/ ', send_at: '2027-06-09T09:00:00+02:00', reminder_after_days: '3', extra: 'x' }),
    );
    expect(s.invitations).toEqual({ form_url: 'https://demarches.example.org/avis/', send_at: '2027-06-09T09:00:00+02:00', reminder_after_days: 3, max_reminders: 0 });
  });

  it('refuses unusable invitations, naming the field in French', () => {
    const base = surveyInput().invitations;
    expect(errorsOf(withInvitations({ ...base, form_url: 'demarches.example.org' }))).toEqual([
      { path: 'invitations.form_url', message: 'Adresse du formulaire attendue (https://…).' },
    ]);
    expect(errorsOf(withInvitations({ ...base, send_at: 'demain' }))[0]?.path).toBe('invitations.send_at');
    expect(errorsOf(withInvitations({ ...base, max_reminders: 11 }))[0]?.path).toBe('invitations.max_reminders');
    expect(errorsOf(withInvitations({ ...base, reminder_after_days: 0 }))[0]?.path).toBe('invitations.reminder_after_days');
    // A send_at at or after closes_at is accepted (a survey closed early keeps its definition): nothing is sent.
    expect(errorsOf(withInvitations({ ...base, send_at: '2027-07-01T09:00:00+02:00' }))).toEqual([]);
    expect(errorsOf(withInvitations('oui'))[0]?.path).toBe('invitations');
  });
});
