import { describe, expect, it } from 'vitest';
import * as z from 'zod';

import keyvalue from '#tests/fixtures/wcs-registration-keyvalue.json' with { type: 'json' };
import {
  BOOL_MESSAGE,
  DATE_MESSAGE,
  EMAIL_MESSAGE,
  INT_MESSAGE,
  LIST_MESSAGE,
  REQUIRED_MESSAGE,
  SLUG_MESSAGE,
  TIME_MESSAGE,
  frenchAlternatives,
  toList,
  zBool,
  zDate,
  zEmail,
  zEnum,
  zInt,
  zList,
  zOptional,
  zOptionalEmail,
  zOptionalInt,
  zOptionalText,
  zSlug,
  zText,
  zTime,
} from '#shared/publik/coerce.ts';

/** The messages of a failed parse (fails the test when the parse succeeds). */
function messages(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  expect(result.success, `expected ${JSON.stringify(input)} to be rejected`).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

function value(schema: z.ZodType, input: unknown): unknown {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`${JSON.stringify(input)} rejected: ${result.error.message}`);
  return result.data;
}

/** A registration schema like the one the route uses (contract.md). */
const registration = z.object({
  form_uuid: zText({ max: 64 }),
  form_number: zOptionalText(),
  form_url: zOptionalText(),
  callback_url: zOptionalText(),
  user_name_id: zOptionalText(),
  email: zEmail(),
  first_name: zOptionalText({ max: 100 }),
  last_name: zText({ max: 100 }),
  organisation: zText(),
  organisation_kind: zOptionalText(),
  job_title: zOptionalText(),
  phone: zOptionalText(),
  profile: zOptional(zEnum(['newcomer', 'expert'])),
  onsite_days: zList(zDate()),
  remote_days: zList(zDate()),
  workshops: zList(zSlug()),
  evening_event: zBool().default(false),
  image_rights: zOptional(zEnum(['accepted', 'refused'])),
  badge_name: zOptionalText(),
  dietary_requirements: zOptionalText(),
  accessibility_needs: zOptionalText(),
  nb_accompagnants: zOptionalInt({ min: 0 }),
});

describe('fixture: key/value POST data', () => {
  it('parses the base body with string booleans, a mixed-case padded email and empty text', () => {
    const data = registration.parse(keyvalue.body);
    expect(data.email).toBe('claire.martin@villejuif.fr');
    expect(data.evening_event).toBe(true);
    expect(data.onsite_days).toEqual(['2025-06-07', '2025-06-08']);
    expect(data.remote_days).toEqual([]);
    expect(data.workshops).toEqual(['socle-personnes-morales', 'mutualiser-publik']);
    expect(data.profile).toBe('expert');
    expect(data.image_rights).toBe('accepted');
    expect(data.accessibility_needs).toBeUndefined();
    expect(data.dietary_requirements).toBe('végétarien');
    expect(data.phone).toBe('01 45 59 20 00');
    expect(data.nb_accompagnants).toBeUndefined();
  });

  it('variant: comma-separated workshops and a single day as a string', () => {
    const overrides = keyvalue.variants[0]!.body_overrides;
    const data = registration.parse({ ...keyvalue.body, ...overrides });
    expect(data.workshops).toEqual(['socle-personnes-morales', 'mutualiser-publik']);
    expect(data.onsite_days).toEqual(['2025-06-07']);
  });

  it('variant: native false boolean', () => {
    const data = registration.parse({ ...keyvalue.body, ...keyvalue.variants[1]!.body_overrides });
    expect(data.evening_event).toBe(false);
  });

  it('variant: null phone becomes undefined', () => {
    const data = registration.parse({ ...keyvalue.body, ...keyvalue.variants[2]!.body_overrides });
    expect(data.phone).toBeUndefined();
  });

  it('reports every missing required field in French, with its path', () => {
    const result = registration.safeParse({ evening_event: 'peut-être', workshops: 'Atelier 1', onsite_days: '2025-02-30' });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['form_uuid', REQUIRED_MESSAGE],
        ['email', REQUIRED_MESSAGE],
        ['last_name', REQUIRED_MESSAGE],
        ['organisation', REQUIRED_MESSAGE],
        ['evening_event', BOOL_MESSAGE],
        ['workshops.0', SLUG_MESSAGE],
        ['onsite_days.0', DATE_MESSAGE],
      ]),
    );
    expect(issues).toHaveLength(7);
  });
});

describe('zText', () => {
  it('trims, accepts numbers, and requires a value', () => {
    expect(value(zText(), '  Claire ')).toBe('Claire');
    expect(value(zText(), 42)).toBe('42');
    expect(value(zText(), 0)).toBe('0');
    for (const input of [undefined, null, '', '   ']) expect(messages(zText(), input)).toEqual([REQUIRED_MESSAGE]);
    expect(messages(zText(), { a: 1 })).toEqual(['Texte attendu.']);
    expect(messages(zText(), true)).toEqual(['Texte attendu.']);
  });

  it('limits the length in characters', () => {
    expect(value(zText({ max: 3 }), 'été')).toBe('été');
    expect(messages(zText({ max: 3 }), 'étés')).toEqual(['Texte trop long (3 caractères au plus).']);
  });

  it('reports a missing key inside an object', () => {
    const result = z.object({ name: zText() }).safeParse({});
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([{ path: ['name'], message: REQUIRED_MESSAGE }]);
  });
});

describe('zOptionalText', () => {
  it('gives undefined for blank values and trims the rest', () => {
    for (const input of [undefined, null, '', '  ']) expect(value(zOptionalText(), input)).toBeUndefined();
    expect(value(zOptionalText(), ' x ')).toBe('x');
    expect(value(zOptionalText(), 12.5)).toBe('12.5');
    expect(messages(zOptionalText({ max: 2 }), 'abc')).toEqual(['Texte trop long (2 caractères au plus).']);
    expect(messages(zOptionalText(), ['a'])).toEqual(['Texte attendu.']);
    expect(z.object({ a: zOptionalText() }).parse({})).toEqual({});
  });
});

describe('zEmail', () => {
  it('trims and lower-cases', () => {
    expect(value(zEmail(), 'Claire.Martin@Villejuif.fr ')).toBe('claire.martin@villejuif.fr');
    expect(value(zEmail(), 'jean.dupont+club@example.org')).toBe('jean.dupont+club@example.org');
  });

  it('rejects invalid addresses and requires a value', () => {
    for (const input of ['claire', 'claire@', '@villejuif.fr', 'a b@c.fr', 'a@b', 42, { email: 'a@b.fr' }]) {
      expect(messages(zEmail(), input)).toEqual([EMAIL_MESSAGE]);
    }
    expect(messages(zEmail(), '')).toEqual([REQUIRED_MESSAGE]);
    expect(messages(zEmail(), null)).toEqual([REQUIRED_MESSAGE]);
  });

  it('has an optional form', () => {
    expect(value(zOptionalEmail(), '')).toBeUndefined();
    expect(value(zOptionalEmail(), ' A@B.FR')).toBe('a@b.fr');
    expect(messages(zOptionalEmail(), 'nope')).toEqual([EMAIL_MESSAGE]);
  });
});

describe('zBool', () => {
  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['True', true],
    ['False', false],
    ['true', true],
    [' on ', true],
    ['OFF', false],
    ['oui', true],
    ['Non', false],
    ['yes', true],
    ['no', false],
    ['1', true],
    ['0', false],
    ['Vrai', true],
    ['FAUX', false],
  ])('reads %j as %s', (input, expected) => {
    expect(value(zBool(), input)).toBe(expected);
  });

  it('gives undefined for blank values, false with .default(false)', () => {
    for (const input of [undefined, null, '', ' ']) {
      expect(value(zBool(), input)).toBeUndefined();
      expect(value(zBool().default(false), input)).toBe(false);
    }
    expect(z.object({ b: zBool().default(false) }).parse({})).toEqual({ b: false });
    expect(value(zBool().default(false), 'True')).toBe(true);
  });

  it('rejects anything else', () => {
    for (const input of ['peut-être', 2, -1, 'truee', [], {}]) expect(messages(zBool(), input)).toEqual([BOOL_MESSAGE]);
  });
});

describe('zInt', () => {
  it('reads numbers and numeric strings', () => {
    expect(value(zInt(), 3)).toBe(3);
    expect(value(zInt(), '3')).toBe(3);
    expect(value(zInt(), ' 3 ')).toBe(3);
    expect(value(zInt(), '-12')).toBe(-12);
    expect(value(zInt(), '2.00')).toBe(2);
    expect(value(zInt(), '0')).toBe(0);
  });

  it('rejects non-integers and requires a value', () => {
    for (const input of [3.5, '3.5', 'trois', '3a', '1e3', Number.NaN, Infinity, true, '9007199254740993']) {
      expect(messages(zInt(), input)).toEqual([INT_MESSAGE]);
    }
    expect(messages(zInt(), '')).toEqual([REQUIRED_MESSAGE]);
    expect(messages(zInt(), undefined)).toEqual([REQUIRED_MESSAGE]);
  });

  it('checks bounds with French messages', () => {
    expect(messages(zInt({ min: 1 }), '0')).toEqual(['Doit être au moins 1.']);
    expect(messages(zInt({ max: 10 }), 11)).toEqual(['Doit être au plus 10.']);
    expect(value(zInt({ min: 1, max: 10 }), '10')).toBe(10);
  });

  it('has an optional form', () => {
    expect(value(zOptionalInt(), '')).toBeUndefined();
    expect(value(zOptionalInt(), null)).toBeUndefined();
    expect(value(zOptionalInt({ min: 0 }), '0')).toBe(0);
    expect(messages(zOptionalInt({ min: 0 }), '-1')).toEqual(['Doit être au moins 0.']);
  });
});

describe('zList', () => {
  const slugs = zList(zSlug());

  it('accepts arrays, comma-separated strings and single values', () => {
    expect(value(slugs, ['socle-personnes-morales', 'mutualiser-publik'])).toEqual(['socle-personnes-morales', 'mutualiser-publik']);
    expect(value(slugs, 'socle-personnes-morales,mutualiser-publik')).toEqual(['socle-personnes-morales', 'mutualiser-publik']);
    expect(value(slugs, ' a , b ,, c ,')).toEqual(['a', 'b', 'c']);
    expect(value(slugs, 'seul')).toEqual(['seul']);
    expect(value(zList(zInt()), 3)).toEqual([3]);
    expect(value(zList(zInt()), '1,2')).toEqual([1, 2]);
  });

  it('gives [] for blank values and a missing key', () => {
    for (const input of [undefined, null, '', '  ', []]) expect(value(slugs, input)).toEqual([]);
    expect(z.object({ l: slugs }).parse({})).toEqual({ l: [] });
  });

  it('reads lists rendered inside text as JSON or Python repr', () => {
    expect(value(slugs, '["a", "b"]')).toEqual(['a', 'b']);
    expect(value(slugs, "['a', 'b']")).toEqual(['a', 'b']);
    expect(value(slugs, '[]')).toEqual([]);
  });

  it('validates each item and reports its index', () => {
    const result = slugs.safeParse(['ok', 'Pas Bien', 'ok-2']);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([{ path: [1], message: SLUG_MESSAGE }]);
    expect(messages(slugs, { a: 1 })).toEqual([LIST_MESSAGE]);
  });

  it('drops blank items of an array and trims the others', () => {
    expect(toList([' a ', '', null, 'b'])).toEqual(['a', 'b']);
  });
});

describe('zDate', () => {
  it('accepts real YYYY-MM-DD dates', () => {
    expect(value(zDate(), '2025-06-07')).toBe('2025-06-07');
    expect(value(zDate(), ' 2024-02-29 ')).toBe('2024-02-29');
  });

  it('rejects other formats and impossible dates', () => {
    for (const input of ['2025-02-29', '2025-13-01', '2025-06-31', '07/06/2025', '2025-6-7', '2025-06-07T10:00:00', 20250607]) {
      expect(messages(zDate(), input)).toEqual([DATE_MESSAGE]);
    }
    expect(messages(zDate(), '')).toEqual([REQUIRED_MESSAGE]);
  });
});

describe('zTime', () => {
  it('accepts 24 h HH:MM and pads the hour', () => {
    expect(value(zTime(), '14:00')).toBe('14:00');
    expect(value(zTime(), '00:00')).toBe('00:00');
    expect(value(zTime(), '23:59')).toBe('23:59');
    expect(value(zTime(), '9:05')).toBe('09:05');
  });

  it('rejects the rest', () => {
    for (const input of ['24:00', '12:60', '12h30', '12:3', '12:30:00', 1230]) {
      expect(messages(zTime(), input)).toEqual([TIME_MESSAGE]);
    }
    expect(messages(zTime(), null)).toEqual([REQUIRED_MESSAGE]);
  });
});

describe('zEnum', () => {
  const profile = zEnum(['newcomer', 'expert']);

  it('matches case-insensitively after trimming and returns the canonical value', () => {
    expect(value(profile, 'expert')).toBe('expert');
    expect(value(profile, ' EXPERT ')).toBe('expert');
    expect(value(zEnum(['Mixed', 'other']), 'mixed')).toBe('Mixed');
  });

  it('lists the allowed values in French', () => {
    expect(messages(profile, 'Utilisatrice experte')).toEqual(['Valeur non autorisée : attendu newcomer ou expert.']);
    expect(messages(zEnum(['a', 'b', 'c']), 'd')).toEqual(['Valeur non autorisée : attendu a, b ou c.']);
    expect(messages(zEnum(['a', 'b'], 'le profil'), 'd')).toEqual(['Valeur non autorisée pour le profil : attendu a ou b.']);
    expect(messages(profile, '')).toEqual([REQUIRED_MESSAGE]);
    expect(frenchAlternatives(['seul'])).toBe('seul');
  });

  it('is optional through zOptional', () => {
    const rights = zOptional(zEnum(['accepted', 'refused']));
    expect(value(rights, '')).toBeUndefined();
    expect(value(rights, null)).toBeUndefined();
    expect(value(rights, 'Accepted')).toBe('accepted');
    expect(messages(rights, "J'accepte")).toEqual(['Valeur non autorisée : attendu accepted ou refused.']);
    expect(z.object({ r: rights }).parse({})).toEqual({});
  });
});

describe('zSlug', () => {
  it('accepts lower-case identifiers', () => {
    for (const input of ['club-2025-03', 'a', '0x', 'socle_personnes', `a${'b'.repeat(62)}`]) {
      expect(value(zSlug(), input)).toBe(input);
    }
  });

  it('rejects upper case, leading dash, spaces, accents and long ids', () => {
    for (const input of ['Club', '-club', 'club 2025', 'séance', `a${'b'.repeat(63)}`, 'a/b']) {
      expect(messages(zSlug(), input)).toEqual([SLUG_MESSAGE]);
    }
    expect(messages(zSlug(), undefined)).toEqual([REQUIRED_MESSAGE]);
  });
});

describe('hardening: unsafe characters and bounded lists', () => {
  it('strips control characters and bidi overrides from text, keeps tabs and newlines', async () => {
    const { zText, zOptionalText } = await import('#shared/publik/coerce.ts');
    expect(zText().parse('Ville\u0000 de\u202E Test\u2066\u0007')).toBe('Ville de Test');
    expect(zText().parse('ligne 1\r\nligne 2\tfin')).toBe('ligne 1\nligne 2\tfin');
    expect(zOptionalText().parse('\u202E\u0000')).toBeUndefined();
  });

  it('one cleaning rule: NUL and controls, bidi controls, zero-width and format characters removed; NFC; trimmed', async () => {
    const { cleanText, zText, zOptionalText } = await import('#shared/publik/coerce.ts');
    const cases: Array<[string, string]> = [
      ['Métropole\u200b Test', 'Métropole Test'], // zero-width space
      ['Mé\u00adtropole', 'Métropole'], // soft hyphen
      ['\ufeffTitre\u2060', 'Titre'], // BOM, word joiner
      ['Ville\u200c\u200d\u200e\u200f\u061c', 'Ville'], // ZWNJ, ZWJ, LRM, RLM, ALM
      ['\u202aA\u202bB\u202cC\u202dD\u202eE', 'ABCDE'], // embeddings and overrides
      ['\u2066A\u2067B\u2068C\u2069', 'ABC'], // isolates
      ['Sans\u0000 NUL\u0007\u001b\u007f\u0085\u009f', 'Sans NUL'], // C0, DEL, C1
      ['Me\u0301tropole', 'Métropole'], // NFC
      ['a\r\nb\rc\u2028d\u2029e', 'a\nb\nc\nd\ne'], // line ends
      ['\t tab\tet ligne\n ', 'tab\tet ligne'],
      ['lone \ud800 surrogate', 'lone  surrogate'],
    ];
    for (const [input, expected] of cases) {
      expect(cleanText(input)).toBe(expected);
      expect(zText().parse(input)).toBe(expected);
    }
    expect(cleanText('Métropole Test')).toBe('Métropole Test');
    expect(cleanText('emoji ✓ 😀 et accents àéîõü ß')).toBe('emoji ✓ 😀 et accents àéîõü ß');
    expect(zOptionalText().parse('\u200b\u200e\u00ad')).toBeUndefined();
    expect(zText().safeParse('\u200b\u202e').success).toBe(false);
  });

  it('cleans printable ASCII by its shortcut exactly as the full rule does, and counts a bound in code points', async () => {
    const { cleanText, stripUnsafeCharacters, zText } = await import('#shared/publik/coerce.ts');
    const full = (text: string) => stripUnsafeCharacters(text).normalize('NFC').trim();
    const pieces = [' ', '  ', 'a', 'Z', '0', '~', '@', '.', '\u007f', '\u0000', '\t', '\n', '\r', '\r\n', '\u001f', '\u0080',
      '\u00a0', 'é', 'e\u0301', '\u200b', '\u2028', '\ufeff', '😀', '\ud800'];
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let asciiOnly = 0;
    for (let n = 0; n < 3000; n++) {
      let text = '';
      for (let k = 1 + Math.floor(next() * 8); k > 0; k--) text += pieces[Math.floor(next() * (n % 2 === 0 ? 8 : pieces.length))];
      if (/^[\x20-\x7e]*$/.test(text)) asciiOnly++;
      expect(cleanText(text), JSON.stringify(text)).toBe(full(text));
    }
    expect(asciiOnly).toBeGreaterThan(500);
    // A bound of 3 characters: 3 emoji (6 UTF-16 units) pass, 4 do not; 3 ASCII pass, 4 do not.
    expect(zText({ max: 3 }).parse('😀😀😀')).toBe('😀😀😀');
    expect(zText({ max: 3 }).safeParse('😀😀😀😀').success).toBe(false);
    expect(zText({ max: 3 }).parse('abc')).toBe('abc');
    expect(zText({ max: 3 }).safeParse('abcd').error?.issues[0]?.message).toBe('Texte trop long (3 caractères au plus).');
  });

  it('refuses lists longer than their bound with a French message', async () => {
    const { zList } = await import('#shared/publik/coerce.ts');
    const result = zList(z.string(), { max: 3 }).safeParse('a,b,c,d');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Liste trop longue (3 éléments au plus).');
    expect(zList(z.string()).safeParse(Array.from({ length: 101 }, (_, i) => `x${i}`)).success).toBe(false);
    expect(zList(z.string()).safeParse(Array.from({ length: 100 }, (_, i) => `x${i}`)).success).toBe(true);
  });
});
