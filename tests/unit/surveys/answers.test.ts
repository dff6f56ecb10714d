import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '#shared/errors.ts';
import { readAnswers } from '#shared/domain/surveys/answers.ts';
import { AnswerBodySchema } from '#shared/domain/surveys/schema.ts';
import { unwrapPublikBody } from '#shared/publik/whole-form.ts';
import { survey } from './fakes.ts';

const s = survey();
const none = new Set<string>();
const socle = new Set(['socle-personnes-morales']);
const body = (extra: Record<string, unknown>) => AnswerBodySchema.parse({ form_uuid: 'f-1', email: 'Ann@Example.org', ...extra });

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return { message: (error as InvalidRequestError).message, errors: (error as InvalidRequestError).details?.errors };
  }
  throw new Error('no error thrown');
}

describe('reading answers', () => {
  it('reads an `answers` object: numbers as strings, a multiple as comma-separated text', () => {
    const answers = readAnswers(
      s,
      body({ answers: { global: '4', recommande: 9, format: 'hybride', sujets: 'stats, portail', remarques: '  Bravo  ' } }),
      none,
    );
    expect(answers).toEqual({ global: 4, recommande: 9, format: 'hybride', sujets: ['portail', 'stats'], remarques: 'Bravo' });
  });

  it('reads top-level keys (key/value POST data), ignoring unknown keys and blank optional answers', () => {
    const answers = readAnswers(s, body({ global: 5, recommande: '0', format: '', sujets: '["workflows"]', other: 'x' }), none);
    expect(answers).toEqual({ global: 5, recommande: 0, sujets: ['workflows'] });
  });

  it('reads a whole form, where choice ids come from `x_raw`', () => {
    const flat = unwrapPublikBody({
      uuid: 'u-1',
      display_id: '12-3',
      receipt_time: '2027-06-10T10:00:00',
      user: { email: 'ann@example.org' },
      fields: { global: '3', recommande: '10', format: 'Hybride', format_raw: 'hybride', sujets: 'Portail, Statistiques', sujets_raw: ['portail', 'stats'] },
    });
    const answers = readAnswers(s, AnswerBodySchema.parse(flat), none);
    expect(answers).toEqual({ global: 3, recommande: 10, format: 'hybride', sujets: ['portail', 'stats'] });
  });

  it('names each wrong question: out of range, unknown option, required missing', () => {
    const { message, errors } = issuesOf(() => readAnswers(s, body({ answers: { global: 6, format: 'ailleurs', sujets: ['portail', 'nope'] } }), none));
    expect(errors).toEqual([
      { path: 'answers.global', message: 'Nombre entier de 1 à 5 attendu.' },
      { path: 'answers.recommande', message: 'Réponse obligatoire.' },
      { path: 'answers.format', message: expect.stringContaining('Option inconnue « ailleurs »') },
      { path: 'answers.sujets', message: expect.stringContaining('Option inconnue « nope »') },
    ]);
    expect(message).toMatch(/^Réponses invalides : answers\.global/);
  });

  it('refuses an NPS of 11, a rating of 2.5 and a text beyond 5,000 characters', () => {
    const { errors } = issuesOf(() => readAnswers(s, body({ global: '2.5', recommande: 11, remarques: 'é'.repeat(5001) }), none));
    expect(errors?.map((e) => e.path)).toEqual(['global', 'recommande', 'remarques']);
  });

  it('workshop questions: counted for people confirmed in the workshop, ignored for others', () => {
    expect(readAnswers(s, body({ global: 4, recommande: 8, atelier_socle: 5 }), socle)).toEqual({ global: 4, recommande: 8, atelier_socle: 5 });
    // Ignored even when invalid: the question is not theirs.
    expect(readAnswers(s, body({ global: 4, recommande: 8, atelier_socle: 99 }), none)).toEqual({ global: 4, recommande: 8 });
  });

  it('`required` on a workshop question binds only its participants', () => {
    const w = survey({
      questions: [
        { id: 'global', type: 'rating', label: 'Note' },
        { id: 'atelier', type: 'rating', label: 'Atelier', required: true, workshop: 'socle-personnes-morales' },
      ],
    });
    expect(readAnswers(w, body({ global: 3 }), none)).toEqual({ global: 3 });
    expect(issuesOf(() => readAnswers(w, body({ global: 3 }), socle)).errors).toEqual([{ path: 'atelier', message: 'Réponse obligatoire.' }]);
  });
});
