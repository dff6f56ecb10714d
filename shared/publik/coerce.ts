// Zod 4 schema builders for the values w.c.s. sends (publik-conventions.md §2.2, contract.md):
// numbers and booleans often arrive as strings ("3", "True"), a template that failed to render is
// omitted (or null), an empty field renders as "", lists arrive as JSON arrays, comma-separated
// strings or a single value. Every message is French: it reaches the form designer as `errors`.

import * as z from 'zod';

export const REQUIRED_MESSAGE = 'Ce champ est obligatoire.';
export const TEXT_EXPECTED_MESSAGE = 'Texte attendu.';
export const EMAIL_MESSAGE = 'Adresse électronique invalide.';
export const BOOL_MESSAGE = 'Valeur booléenne attendue (oui/non, true/false).';
export const INT_MESSAGE = 'Nombre entier attendu.';
export const LIST_MESSAGE = 'Liste attendue.';
export const DATE_MESSAGE = 'Date attendue au format AAAA-MM-JJ.';
export const TIME_MESSAGE = 'Heure attendue au format HH:MM.';
export const SLUG_MESSAGE = 'Identifiant invalide : lettres minuscules, chiffres et tirets.';

// What each builder accepts, for the OpenAPI document (shared/openapi): the converters are
// transforms, which JSON Schema cannot see through, so each describes its input with `.meta()`.
const textDoc = (max: number | undefined) => ({ type: 'string', ...(max === undefined ? {} : { maxLength: max }) });
const EMAIL_DOC = { type: 'string', format: 'email' };
const BOOL_DOC = { type: ['boolean', 'string'], description: 'true/false, oui/non, on/off, 1/0 (as text too)' };
const intDoc = (opts: { min?: number; max?: number }) => ({
  type: ['integer', 'string'],
  ...(opts.min === undefined ? {} : { minimum: opts.min }),
  ...(opts.max === undefined ? {} : { maximum: opts.max }),
  description: 'A whole number (as text too)',
});

/** A conversion failure carrying its French message. */
class Invalid {
  constructor(readonly message: string) {}
}

/**
 * Wraps a converter into a schema that accepts any input. A standalone transform is "optional in"
 * for z.object (an absent key still runs the converter, so `undefined` can be reported as a
 * missing field with our own message, or turned into a value such as `[]`).
 */
function fromUnknown<T>(convert: (input: unknown) => T | Invalid) {
  return z.transform((input: unknown, ctx): T => {
    const result = convert(input);
    if (result instanceof Invalid) {
      ctx.addIssue({ code: 'custom', message: result.message, input });
      return z.NEVER;
    }
    return result;
  });
}

/** undefined, null, and strings that are empty once trimmed: "no value" in w.c.s. terms. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Characters never stored: control characters (C0, DEL, C1) but tab and newline; every format
 * character (general category Cf: zero-width space, joiners and non-joiners, LRM/RLM/ALM,
 * soft hyphen, word joiner, BOM, the bidirectional embeddings, overrides and isolates that
 * make a text display other than it reads); lone surrogates. Carriage returns and the Unicode
 * line and paragraph separators become newlines.
 */
const UNSAFE_CHARACTERS = /(?![\t\n])[\p{Cc}\p{Cf}\p{Cs}]/gu;

export function stripUnsafeCharacters(text: string): string {
  return text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(UNSAFE_CHARACTERS, '');
}

/**
 * The one cleaning rule for every free text that enters the service (names, organisations,
 * titles, proposals, comments, dietary notes, survey answers…): unsafe characters removed
 * (`stripUnsafeCharacters`), canonical composition (NFC, so `e` + combining acute is `é`),
 * trimmed. Applied by every text schema of this module and by the survey's free-text answers.
 */
export function cleanText(text: string): string {
  // Printable ASCII (most names, emails, ids) has nothing to strip and is already NFC.
  if (!BEYOND_PRINTABLE_ASCII.test(text)) return text.trim();
  return stripUnsafeCharacters(text).normalize('NFC').trim();
}

const BEYOND_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** A scalar as cleaned text (`cleanText`): strings, finite numbers and bigints; undefined when blank. */
function scalarText(input: unknown): string | undefined | Invalid {
  if (input === undefined || input === null) return undefined;
  if (typeof input === 'string') {
    const cleaned = cleanText(input);
    return cleaned === '' ? undefined : cleaned;
  }
  if (typeof input === 'number' && Number.isFinite(input)) return String(input);
  if (typeof input === 'bigint') return input.toString();
  return new Invalid(TEXT_EXPECTED_MESSAGE);
}

function checkMax(text: string, max: number | undefined): string | Invalid {
  // A text has at most as many code points as UTF-16 units: counted only when it may be too long.
  if (max !== undefined && text.length > max && [...text].length > max) {
    return new Invalid(`Texte trop long (${max} caractères au plus).`);
  }
  return text;
}

/** Required text, trimmed and non-empty; numbers are accepted and stringified. */
export function zText(opts: { max?: number } = {}) {
  return fromUnknown((input): string | Invalid => {
    const text = scalarText(input);
    if (text === undefined) return new Invalid(REQUIRED_MESSAGE);
    if (text instanceof Invalid) return text;
    return checkMax(text, opts.max);
  }).meta(textDoc(opts.max));
}

/** Optional text, trimmed; '', null and undefined give undefined. */
export function zOptionalText(opts: { max?: number } = {}) {
  return fromUnknown((input): string | undefined | Invalid => {
    const text = scalarText(input);
    if (text === undefined || text instanceof Invalid) return text;
    return checkMax(text, opts.max);
  })
    .meta(textDoc(opts.max))
    .optional();
}

const emailSchema = z.email();

function toEmail(input: unknown): string | undefined | Invalid {
  const text = scalarText(input);
  if (text === undefined) return undefined;
  if (text instanceof Invalid) return new Invalid(EMAIL_MESSAGE);
  const email = text.toLowerCase();
  if (email.length > 254 || !emailSchema.safeParse(email).success) return new Invalid(EMAIL_MESSAGE);
  return email;
}

/** Required e-mail address, trimmed and lower-cased. */
export function zEmail() {
  return fromUnknown((input): string | Invalid => toEmail(input) ?? new Invalid(REQUIRED_MESSAGE)).meta(EMAIL_DOC);
}

/** Optional e-mail address: '', null and undefined give undefined. */
export function zOptionalEmail() {
  return fromUnknown(toEmail).meta(EMAIL_DOC).optional();
}

const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['false', false],
  ['on', true],
  ['off', false],
  ['oui', true],
  ['non', false],
  ['yes', true],
  ['no', false],
  ['1', true],
  ['0', false],
  ['vrai', true],
  ['faux', false],
]);

/**
 * Boolean from true/false, 1/0 or words ('True', 'oui', 'off'...; case-insensitive). '', null and
 * undefined give undefined: use `zBool().default(false)` for a checkbox.
 */
export function zBool() {
  return fromUnknown((input): boolean | undefined | Invalid => {
    if (input === undefined || input === null) return undefined;
    if (typeof input === 'boolean') return input;
    if (typeof input === 'number') {
      if (input === 1) return true;
      if (input === 0) return false;
      return new Invalid(BOOL_MESSAGE);
    }
    if (typeof input === 'string') {
      const word = input.trim().toLowerCase();
      if (word === '') return undefined;
      return BOOLEAN_WORDS.get(word) ?? new Invalid(BOOL_MESSAGE);
    }
    return new Invalid(BOOL_MESSAGE);
  })
    .meta(BOOL_DOC)
    .optional();
}

const INTEGER_TEXT = /^[+-]?\d+(?:\.0*)?$/;

function toInt(input: unknown, opts: { min?: number; max?: number }): number | undefined | Invalid {
  if (isBlank(input)) return undefined;
  let n: number;
  if (typeof input === 'number') {
    n = input;
  } else if (typeof input === 'string' && INTEGER_TEXT.test(input.trim())) {
    n = Number(input.trim());
  } else {
    return new Invalid(INT_MESSAGE);
  }
  if (!Number.isSafeInteger(n)) return new Invalid(INT_MESSAGE);
  if (opts.min !== undefined && n < opts.min) return new Invalid(`Doit être au moins ${opts.min}.`);
  if (opts.max !== undefined && n > opts.max) return new Invalid(`Doit être au plus ${opts.max}.`);
  return n === 0 ? 0 : n; // no -0
}

/** Required integer from a number or a numeric string ('3', ' 3 ', '3.0'). */
export function zInt(opts: { min?: number; max?: number } = {}) {
  return fromUnknown((input): number | Invalid => toInt(input, opts) ?? new Invalid(REQUIRED_MESSAGE)).meta(intDoc(opts));
}

/** Optional integer: '', null and undefined give undefined. */
export function zOptionalInt(opts: { min?: number; max?: number } = {}) {
  return fromUnknown((input) => toInt(input, opts)).meta(intDoc(opts)).optional();
}

function parseListText(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    // A list rendered inside a text template: JSON, or Python's repr ("['a', 'b']").
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // not JSON: fall through to the repr form
    }
    return trimmed
      .slice(1, -1)
      .split(',')
      .map((piece) => piece.trim().replace(/^(['"])(.*)\1$/, '$2'));
  }
  return trimmed.split(',');
}

/** Normalises what w.c.s. may send for a list into an array (blank items dropped). */
export function toList(input: unknown): unknown {
  let items: unknown[];
  if (input === undefined || input === null) return [];
  if (Array.isArray(input)) items = input;
  else if (typeof input === 'string') items = parseListText(input);
  else if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') items = [input];
  else return input; // an object: let the array schema report it
  return items
    .map((item) => (typeof item === 'string' ? item.trim() : item))
    .filter((item) => item !== '' && item !== null && item !== undefined);
}

/** Lists are bounded: no form of ours has more choices than this. */
export const DEFAULT_LIST_MAX = 100;

/**
 * A list: a JSON array, a comma-separated string (items trimmed, empty ones dropped), a single
 * scalar, or '' / null / undefined for []. Each item is then validated with `item`; at most
 * `max` items (default 100).
 */
export function zList<T extends z.ZodType>(item: T, opts: { max?: number } = {}) {
  const max = opts.max ?? DEFAULT_LIST_MAX;
  return z
    .preprocess(toList, z.array(item, { error: LIST_MESSAGE }).max(max, { error: `Liste trop longue (${max} éléments au plus).` }))
    .meta({ description: 'A JSON array, or comma-separated text' });
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Checks a 'YYYY-MM-DD' text is a real calendar date. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Required 'YYYY-MM-DD' date (a real calendar date), kept as text. */
export function zDate() {
  return fromUnknown((input): string | Invalid => {
    const text = scalarText(input);
    if (text === undefined) return new Invalid(REQUIRED_MESSAGE);
    if (text instanceof Invalid || !isIsoDate(text)) return new Invalid(DATE_MESSAGE);
    return text;
  }).meta({ type: 'string', format: 'date' });
}

/** Required 'HH:MM' time (24 h); '9:05' is accepted and normalised to '09:05'. */
export function zTime() {
  return fromUnknown((input): string | Invalid => {
    const text = scalarText(input);
    if (text === undefined) return new Invalid(REQUIRED_MESSAGE);
    if (text instanceof Invalid) return new Invalid(TIME_MESSAGE);
    const m = /^(\d{1,2}):(\d{2})$/.exec(text);
    if (!m) return new Invalid(TIME_MESSAGE);
    const hours = Number(m[1]);
    const minutes = Number(m[2]);
    if (hours > 23 || minutes > 59) return new Invalid(TIME_MESSAGE);
    return `${String(hours).padStart(2, '0')}:${m[2]}`;
  }).meta({ type: 'string', pattern: '^\\d{1,2}:\\d{2}$', description: 'HH:MM' });
}

/** 'a', 'a ou b', 'a, b ou c'. */
export function frenchAlternatives(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} ou ${values[values.length - 1]}`;
}

/**
 * Required value among `values`, matched case-insensitively after trimming; the canonical
 * spelling from `values` is returned. `labelFr` names the field in the message
 * ('Valeur non autorisée pour le profil : attendu newcomer ou expert.').
 */
export function zEnum<const V extends readonly [string, ...string[]]>(values: V, labelFr?: string) {
  const byLowerCase = new Map<string, V[number]>(values.map((v) => [v.toLowerCase(), v]));
  const message = `Valeur non autorisée${labelFr ? ` pour ${labelFr}` : ''} : attendu ${frenchAlternatives(values)}.`;
  return fromUnknown((input): V[number] | Invalid => {
    const text = scalarText(input);
    if (text === undefined) return new Invalid(REQUIRED_MESSAGE);
    if (text instanceof Invalid) return new Invalid(message);
    return byLowerCase.get(text.toLowerCase()) ?? new Invalid(message);
  }).meta({ type: 'string', enum: [...values] });
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Required identifier: lower-case letters, digits, '-' and '_' (63 characters at most). */
export function zSlug() {
  return fromUnknown((input): string | Invalid => {
    const text = scalarText(input);
    if (text === undefined) return new Invalid(REQUIRED_MESSAGE);
    if (text instanceof Invalid || !SLUG.test(text)) return new Invalid(SLUG_MESSAGE);
    return text;
  }).meta({ type: 'string', pattern: SLUG.source });
}

/**
 * Makes any schema optional the w.c.s. way: '', whitespace-only strings, null and undefined give
 * undefined, anything else goes through `schema`. E.g. `zOptional(zEnum(['accepted', 'refused']))`.
 */
export function zOptional<T extends z.ZodType>(schema: T) {
  return z.preprocess((input: unknown) => (isBlank(input) ? undefined : input), schema.optional());
}
