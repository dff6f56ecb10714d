import { describe, expect, it } from 'vitest';
import { organisationKey, sameOrganisation } from '#shared/domain/votes/organisation.ts';

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
  });
});
