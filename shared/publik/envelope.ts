// The Publik JSON envelope (publik-conventions.md §2.5, §6; contract.md): success is
// `{"err":0,"data":…}` (plus optional siblings), failure is `{"err":1,"err_class","err_desc"}`.


import { isPlainObject } from '#shared/publik/whole-form.ts';

export type PublikSuccess<T> = { err: 0; data: T } & Record<string, unknown>;

export interface PublikFieldError {
  path: string;
  message: string;
}

export type PublikFailure = {
  err: 1;
  err_class: string;
  err_desc: string;
  data?: unknown;
  errors?: PublikFieldError[];
};

export type PublikEnvelope<T> = PublikSuccess<T> | PublikFailure;

/** `{ err: 0, data, ...siblings }`; siblings (e.g. `count`, `meta`) cannot override `err`/`data`. */
export function ok<T>(data: T, siblings: Record<string, unknown> = {}): PublikSuccess<T> {
  const { err: _err, data: _data, ...rest } = siblings;
  return { err: 0, data, ...rest };
}

/** `{ err: 1, err_class, err_desc }`, with `data` and `errors` only when given. */
export function failure(
  errClass: string,
  errDesc: string,
  extra: { data?: unknown; errors?: PublikFieldError[] } = {},
): PublikFailure {
  const out: PublikFailure = { err: 1, err_class: errClass, err_desc: errDesc };
  if (extra.data !== undefined) out.data = extra.data;
  if (extra.errors !== undefined) out.errors = extra.errors;
  return out;
}

/**
 * True when the payload has a top-level `display_id` key or a `data.display_id` key: w.c.s. would
 * then renumber the form after a successful POST, so our POST answers must never contain it.
 */
export function findDisplayId(payload: unknown): boolean {
  if (!isPlainObject(payload)) return false;
  if (Object.hasOwn(payload, 'display_id')) return true;
  const data = payload['data'];
  return isPlainObject(data) && Object.hasOwn(data, 'display_id');
}
