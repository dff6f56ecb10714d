// Bodies of w.c.s. webservice calls come in two shapes (publik-conventions.md §2.2, §2.3):
// key/value POST data (our fields at the top level) or the whole form export ("post_formdata",
// our fields under `fields`, the key/value data under `extra`). unwrapPublikBody turns both into
// one flat record that the route's zod schema then validates.

/** Suffixes w.c.s. adds next to a field `x` in `fields`: `x_raw` (ids), `x_display`, etc. */
const COMPANION_SUFFIXES = ['_raw', '_display', '_structured', '_structured_raw', '_digests'] as const;

/** Top-level keys that only a whole-form export has (alongside `fields`). */
const WHOLE_FORM_MARKERS = ['uuid', 'display_id', 'receipt_time', 'workflow'] as const;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True when `body` is a w.c.s. whole-form export: a `fields` object plus a form marker key. */
export function isWholeForm(body: unknown): boolean {
  if (!isPlainObject(body) || !isPlainObject(body['fields'])) return false;
  return WHOLE_FORM_MARKERS.some((key) => Object.hasOwn(body, key) && body[key] !== undefined);
}

/** Assigns an own data property, even for a key such as `__proto__` coming from JSON. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

function isUnset(record: Record<string, unknown>, key: string): boolean {
  const value = record[key];
  return !Object.hasOwn(record, key) || value === undefined || value === null || value === '';
}

/** `fields` with `x` replaced by `x_raw` when present, and the companions of real fields dropped. */
function flattenFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const isCompanion = (key: string): boolean =>
    COMPANION_SUFFIXES.some((suffix) => {
      if (!key.endsWith(suffix)) return false;
      const base = key.slice(0, -suffix.length);
      return base !== '' && Object.hasOwn(fields, base);
    });
  for (const [key, value] of Object.entries(fields)) {
    if (isCompanion(key)) continue;
    const rawKey = `${key}_raw`;
    setOwn(out, key, Object.hasOwn(fields, rawKey) ? fields[rawKey] : value);
  }
  return out;
}

/**
 * Returns the flat record to validate:
 * - not a plain object → {} (the schema then reports the missing fields);
 * - a whole-form export → its `fields` (reading `x_raw` for item/list fields), completed with
 *   `form_uuid` ← `uuid`, `form_number` ← `display_id`, `form_url` ← `backoffice_url` (else `url`),
 *   `user_name_id` ← first `user.NameID`, `email` ← `user.email` when the fields left them unset;
 *   then every key of `extra` overrides (the designer set them explicitly on the action);
 * - key/value POST data → a shallow copy.
 */
export function unwrapPublikBody(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) return {};
  if (!isWholeForm(body)) return { ...body };

  const out = flattenFields(body['fields'] as Record<string, unknown>);
  const setDefault = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null && value !== '' && isUnset(out, key)) out[key] = value;
  };
  setDefault('form_uuid', body['uuid']);
  setDefault('form_number', body['display_id']);
  setDefault('form_url', isUnset(body, 'backoffice_url') ? body['url'] : body['backoffice_url']);
  const user = body['user'];
  if (isPlainObject(user)) {
    const nameIds = user['NameID'];
    setDefault('user_name_id', Array.isArray(nameIds) ? nameIds.find((id) => typeof id === 'string' && id !== '') : nameIds);
    setDefault('email', user['email']);
  }
  const extra = body['extra'];
  if (isPlainObject(extra)) {
    for (const [key, value] of Object.entries(extra)) setOwn(out, key, value);
  }
  return out;
}
