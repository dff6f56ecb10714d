// Reading the answers of a response against the survey's questions. Pure. The body comes from
// w.c.s. in one of three shapes (already flattened by the HTTP chain for a whole form, where a
// choice field's ids come from its `x_raw`): an `answers` object, or top-level keys named by
// question id. Every wrong answer is a 400 naming its question; nothing is written then.
import { InvalidRequestError, type FieldIssue } from '#shared/errors.ts';
import { cleanText, isBlank, toList, zInt } from '#shared/publik/coerce.ts';
import { isPlainObject } from '#shared/publik/whole-form.ts';
import { MAX_TEXT_ANSWER, type AnswerBody, type Answers, type AnswerValue, type Question, type Survey } from './schema.ts';

/** Where the answers are read from: the `answers` object when given, else the body itself. */
export function answerSource(body: AnswerBody): Record<string, unknown> {
  return isPlainObject(body.answers) ? body.answers : (body as Record<string, unknown>);
}

/** Whether a question is asked of this person (workshop questions: only those confirmed in it). */
export function questionApplies(question: Pick<Question, 'workshop'>, confirmedWorkshops: ReadonlySet<string>): boolean {
  return question.workshop === undefined || confirmedWorkshops.has(question.workshop);
}

const RANGES = { rating: { min: 1, max: 5 }, nps: { min: 0, max: 10 } } as const;
// Built once: a zod schema costs far more to build than to run (it was built per answer).
const SCALES = { rating: zInt(RANGES.rating), nps: zInt(RANGES.nps) } as const;

function isEmptyAnswer(raw: unknown): boolean {
  if (isBlank(raw)) return true;
  const list = Array.isArray(raw) ? toList(raw) : undefined;
  return Array.isArray(list) && list.length === 0;
}

function describe(issues: FieldIssue[]): string {
  const parts = issues.slice(0, 8).map((i) => `${i.path} : ${i.message}`);
  const more = issues.length > 8 ? ` (et ${issues.length - 8} autre(s))` : '';
  return `Réponses invalides : ${parts.join(' ; ')}${more}`;
}

function optionList(question: Question): string {
  return question.options.map((o) => o.id).join(', ');
}

/** One answer, or the French reason it is wrong. */
function readOne(question: Question, raw: unknown): AnswerValue | { error: string } {
  switch (question.type) {
    case 'rating':
    case 'nps': {
      const { min, max } = RANGES[question.type];
      const parsed = SCALES[question.type].safeParse(Array.isArray(raw) && raw.length === 1 ? raw[0] : raw);
      return parsed.success ? parsed.data : { error: `Nombre entier de ${min} à ${max} attendu.` };
    }
    case 'single': {
      const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
      if (typeof value !== 'string' && typeof value !== 'number') return { error: 'Identifiant d’option attendu.' };
      const id = String(value).trim();
      if (!question.options.some((o) => o.id === id)) {
        return { error: `Option inconnue « ${id.slice(0, 60)} » (options : ${optionList(question)}).` };
      }
      return id;
    }
    case 'multiple': {
      const list = toList(raw);
      if (!Array.isArray(list)) return { error: 'Liste d’identifiants d’options attendue.' };
      const ids: string[] = [];
      for (const item of list) {
        if (typeof item !== 'string' && typeof item !== 'number') return { error: 'Liste d’identifiants d’options attendue.' };
        const id = String(item).trim();
        if (!question.options.some((o) => o.id === id)) {
          return { error: `Option inconnue « ${id.slice(0, 60)} » (options : ${optionList(question)}).` };
        }
        if (!ids.includes(id)) ids.push(id);
      }
      // Stored in the survey's option order: the answer is a set.
      return question.options.map((o) => o.id).filter((id) => ids.includes(id));
    }
    case 'text': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { error: 'Texte attendu.' };
      const text = cleanText(String(raw));
      if ([...text].length > MAX_TEXT_ANSWER) return { error: `Texte trop long (${MAX_TEXT_ANSWER} caractères au plus).` };
      return text;
    }
  }
}

/**
 * The answers to store, keyed by question id. Questions that do not apply to the person are
 * ignored (their answer is dropped, their `required` does not bind); unknown keys are ignored.
 * Throws InvalidRequestError naming every wrong or missing answer.
 */
export function readAnswers(survey: Pick<Survey, 'questions'>, body: AnswerBody, confirmedWorkshops: ReadonlySet<string>): Answers {
  const source = answerSource(body);
  const prefix = source === body ? '' : 'answers.';
  const answers: Answers = {};
  const issues: FieldIssue[] = [];
  for (const question of survey.questions) {
    if (!questionApplies(question, confirmedWorkshops)) continue;
    const raw = Object.hasOwn(source, question.id) ? source[question.id] : undefined;
    if (isEmptyAnswer(raw)) {
      if (question.required) issues.push({ path: prefix + question.id, message: 'Réponse obligatoire.' });
      continue;
    }
    const value = readOne(question, raw);
    if (typeof value === 'object' && !Array.isArray(value)) {
      issues.push({ path: prefix + question.id, message: value.error });
      continue;
    }
    if (Array.isArray(value) && value.length === 0) {
      if (question.required) issues.push({ path: prefix + question.id, message: 'Réponse obligatoire.' });
      continue;
    }
    if (value === '') {
      // Nothing left once cleaned (only invisible characters): no answer.
      if (question.required) issues.push({ path: prefix + question.id, message: 'Réponse obligatoire.' });
      continue;
    }
    answers[question.id] = value;
  }
  if (issues.length > 0) throw new InvalidRequestError(describe(issues), issues);
  return answers;
}
