import { describe, expect, it } from 'vitest';
import { organisationKey, sameOrganisation } from '#shared/domain/votes/organisation.ts';
import { CONFUSABLES } from '#shared/domain/votes/confusables.generated.ts';
import { parseTable } from '#shared/domain/votes/confusable-folding.ts';
import { electorateKeys } from '#shared/domain/votes/campaign.ts';
import { campaign } from './fakes.ts';

describe('organisation key', () => {
  it('folds accents, case, hyphens, apostrophes and spaces', () => {
    expect(organisationKey('Ville de Saint-Étienne')).toBe('ville de saint etienne');
    expect(sameOrganisation('Ville de Saint-Étienne', 'ville de saint etienne')).toBe(true);
    expect(organisationKey('  Communauté   d’Agglomération  ')).toBe('communaute d agglomeration');
    expect(organisationKey("Communauté d'agglomération")).toBe('communaute d agglomeration');
    expect(organisationKey('Métropole–Lyon ‐ Centre')).toBe('metropole lyon centre');
    expect(organisationKey('CŒUR de ville')).toBe('coeur de ville');
  });

  it('uses compatibility forms (NFKD): ligatures and wide letters fold too', () => {
    expect(organisationKey('ﬁnistère')).toBe('finistere');
    expect(organisationKey('Ｖｉｌｌｅ')).toBe('ville');
  });

  it('keeps different organisations apart', () => {
    expect(sameOrganisation('Ville de Lyon', 'Métropole de Lyon')).toBe(false);
    expect(sameOrganisation('Métropole Test', 'Métropole Tests')).toBe(false);
    expect(sameOrganisation('Métropole Test', 'MétropoleTest')).toBe(false);
    expect(sameOrganisation('Métropole Test', 'Métropole Tast')).toBe(false);
    expect(sameOrganisation('Ville de Rennes', 'Ville de Reims')).toBe(false);
    expect(sameOrganisation('Agglo 1', 'Agglo 2')).toBe(false);
  });

  // The spellings of the third hostile review (issue 13): each one counted as another organisation.
  const lookAlikes: Array<[string, string]> = [
    ['zero-width space', 'Métropole\u200b Test'],
    ['zero-width space inside a word', 'Métro\u200bpole Test'],
    ['zero-width joiner and non-joiner', 'Métro\u200dpole\u200c Test'],
    ['left-to-right mark', 'Métropole\u200e Test'],
    ['right-to-left mark', '\u200fMétropole Test'],
    ['soft hyphen', 'Mé\u00adtropole Test'],
    ['bidi override and pop', '\u202dMétropole Test\u202c'],
    ['bidi isolates', 'Métropole \u2066Test\u2069'],
    ['byte order mark', '\ufeffMétropole Test'],
    ['word joiner', 'Métropole\u2060 Test'],
    ['variation selector', 'Métropole\ufe0f Test'],
    ['combining grapheme joiner', 'Me\u034ftropole Test'],
    ['Cyrillic е for Latin e', 'M\u0435tropol\u0435 T\u0435st'],
    ['Cyrillic о and Greek ο', 'Métr\u043ep\u03bfle Test'],
    ['Greek capitals', 'ΜΈΤRΟΡΟLΕ ΤΕSΤ'],
    ['fullwidth letters and ideographic space', 'Ｍéｔｒｏｐｏｌｅ\u3000Ｔｅｓｔ'],
    ['decomposed accent', 'Me\u0301tropole Test'],
    ['no-break and thin spaces', 'Métropole\u00a0\u2009 Test'],
    ['hyphen', 'Métropole-Test'],
    ['non-breaking hyphen', 'Métropole\u2011Test'],
    ['comma and full stop', 'Métropole, Test.'],
    ['quotes', '« Métropole Test »'],
    ['several punctuation marks', '(Métropole) / Test !'],
    ['upper case and extra spaces', '  MÉTROPOLE    TEST '],
  ];

  it.each(lookAlikes)('%s: the same organisation as "Métropole Test"', (_, spelling) => {
    expect(organisationKey(spelling)).toBe('metropole test');
    expect(sameOrganisation(spelling, 'Métropole Test')).toBe(true);
  });

  it('is idempotent, also on every confusable Unicode lists', () => {
    for (const [from] of parseTable(CONFUSABLES)) {
      const key = organisationKey(`a${from}b`);
      expect(organisationKey(key)).toBe(key);
    }
    for (const [, spelling] of lookAlikes) expect(organisationKey(organisationKey(spelling))).toBe(organisationKey(spelling));
  });

  it('leaves ASCII letters and digits as typed (only look-alikes beyond ASCII are mapped)', () => {
    expect(organisationKey('Commune 10')).toBe('commune 10');
    expect(organisationKey('Marne')).toBe('marne');
  });

  it('gives an empty key to a name without any letter or digit', () => {
    expect(organisationKey('\u200b - . \u200e')).toBe('');
  });

  it('a listed electorate is folded from its names with today\'s rule, whatever keys were stored with it', () => {
    const stale = campaign({ electorate: ['M\u0435tropole Test', 'Ville de Lyon'] });
    const keys = electorateKeys({ ...stale, electorate_keys: ['m\u0435tropole test', 'ville de lyon'] });
    expect([...keys].sort()).toEqual(['metropole test', 'ville de lyon']);
    // Same campaign, other names (a PUT): folded again, not served from the instance's cache.
    expect([...electorateKeys(campaign({ electorate: ['Brest Métropole'] }))]).toEqual(['brest metropole']);
  });
});
