// The voting unit is the organisation (contract-vote.md, "Organisations"): two spellings are
// the same organisation when they are equal once folded. The folded form is only a key; the
// first spelling seen is the one displayed.

/** Hyphens, dashes, apostrophes and the like: each counts as a space. */
const SEPARATORS = /[\u0027\u0060\u00b4\u2018\u2019\u02bc\u2010\u2011\u2012\u2013\u2014\u2212\u002d]/g;

/** `Ville de Saint-Étienne` → `ville de saint etienne`. */
export function organisationKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(SEPARATORS, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

export function sameOrganisation(a: string, b: string): boolean {
  return organisationKey(a) === organisationKey(b);
}
