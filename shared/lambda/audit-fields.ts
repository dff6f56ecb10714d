// Readers of an answer's `data` for audit specs (shared/lambda/http.ts, AuditSpec): ids and
// whole numbers only, so that a record never carries what a person typed.

/** `data[key]` when it is a string (an id the answer gives, e.g. `registration_id`). */
export function stringField(data: unknown, key: string): string | undefined {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The whole numbers among `data[key]` for the given keys; with `nested`, those of the object
 * `data[nested]` (every integer of it when `keys` is omitted).
 */
export function countsOf(data: unknown, keys?: string[], nested?: string): Record<string, number> | undefined {
  let source = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
  if (source && nested !== undefined) {
    const inner = source[nested];
    source = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : undefined;
  }
  if (!source) return undefined;
  const out: Record<string, number> = {};
  for (const key of keys ?? Object.keys(source)) {
    const value = source[key];
    if (typeof value === 'number' && Number.isInteger(value)) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** How many entries each list of `data` holds (an export: counts of what was found, never the items). */
export function listCounts(data: unknown): Record<string, number> | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(data)) if (Array.isArray(value)) out[key] = value.length;
  return Object.keys(out).length > 0 ? out : undefined;
}
