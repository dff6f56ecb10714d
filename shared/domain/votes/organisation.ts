// The voting unit is the organisation (contract-vote.md, "Organisations"): two spellings are
// the same organisation when a reader cannot tell them apart. The folded form is only a key,
// the one comparison of organisations everywhere (registrations of a meeting electorate, a
// listed electorate, proposals, co-signatures, ballots); what was typed is kept for display,
// and the first spelling seen is the one shown.
//
// The key, in order:
//   1. compatibility decomposition (NFKD): fullwidth letters, ligatures, non-breaking spaces;
//   2. default-ignorable code points removed: zero-width space/joiners, LRM/RLM, soft hyphen,
//      bidi embeddings/overrides/isolates, variation selectors, BOM…;
//   3. marks removed (accents);
//   4. every character beyond ASCII that Unicode lists as confusable (TR 39 confusables.txt,
//      the generated table) replaced by its prototype, looked up as typed then in lower case:
//      Cyrillic `е` → `e`, Greek `Ο` → `o`, `œ` → `oe`, typographic dashes and quotes → ASCII;
//      lower case;
//   5. punctuation (and the accents-as-apostrophes ` and ´) and whitespace runs → one space,
//      trimmed.
// ASCII letters and digits are never mapped, although TR 39's skeleton would turn `m` into
// `rn`, `0` into `O` and `1` into `l`: a reader tells them apart in the fonts forms use, and
// mapping them would change the key of nearly every stored organisation (any name with an
// `m`), where this rule changes only keys of names that held look-alikes or punctuation
// beyond hyphens and apostrophes (docs/operations.md, "Organisation keys").

import { zOptionalText, zText } from '#shared/publik/coerce.ts';
import { mapChars, parseTable, preFold } from './confusable-folding.ts';
import { CONFUSABLES } from './confusables.generated.ts';

const TABLE = parseTable(CONFUSABLES);

/** Any character of general category P (punctuation), the two spacing accents, any whitespace. */
const SEPARATORS = /[\p{P}\u0060\u00b4\s]+/gu;

/** `Ville de Saint-Étienne` → `ville de saint etienne`; `Métropole\u200b Tеst` (Cyrillic е) → `metropole test`. */
export function organisationKey(name: string): string {
  const lookup = (char: string) => TABLE.get(char);
  return mapChars(mapChars(preFold(name), lookup).toLowerCase(), lookup).replace(SEPARATORS, ' ').trim();
}

export function sameOrganisation(a: string, b: string): boolean {
  return organisationKey(a) === organisationKey(b);
}

const NO_KEY_MESSAGE = 'Le nom de l’organisation doit contenir au moins une lettre ou un chiffre.';

/** An organisation name in a vote request: text whose key is not empty (not only punctuation). */
export function zOrganisation() {
  return zText({ max: 200 }).refine((name) => organisationKey(name) !== '', { error: NO_KEY_MESSAGE });
}

export function zOptionalOrganisation() {
  return zOptionalText({ max: 200 }).refine((name) => name === undefined || organisationKey(name) !== '', { error: NO_KEY_MESSAGE });
}
