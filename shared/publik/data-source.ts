// w.c.s. JSON data sources (publik-conventions.md §3): `{"err":0,"data":[{"id","text",…}]}`,
// filtered by `q` (typed text, autocomplete) and `id` (single-item lookup).

export interface DataSourceItem {
  id: string;
  text: string;
  disabled?: boolean;
  [k: string]: unknown;
}

/**
 * Folds a text for search: lower case, accents removed (NFD, combining marks stripped), œ/æ
 * expanded, typographic apostrophes made plain, whitespace collapsed and trimmed.
 */
export function normalizeForSearch(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * Applies the data-source parameters, keeping the order of `items`:
 * `id` keeps the items whose id equals it exactly; `q` keeps the items whose text contains it,
 * ignoring case, accents and repeated spaces (an empty `q` is ignored); both apply together.
 */
export function filterDataSource<T extends DataSourceItem>(items: T[], params: { q?: string; id?: string }): T[] {
  const { id } = params;
  const q = params.q === undefined ? '' : normalizeForSearch(params.q);
  return items.filter((item) => {
    if (id !== undefined && String(item.id) !== id) return false;
    if (q !== '' && !normalizeForSearch(String(item.text)).includes(q)) return false;
    return true;
  });
}
