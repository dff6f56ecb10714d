import { describe, expect, it } from 'vitest';
import { failure, findDisplayId, ok } from '#shared/publik/envelope.ts';

describe('ok', () => {
  it('wraps data with err 0 and optional siblings', () => {
    expect(ok([1, 2])).toEqual({ err: 0, data: [1, 2] });
    expect(ok([1], { count: 1, meta: { page: 1 } })).toEqual({ err: 0, data: [1], count: 1, meta: { page: 1 } });
    expect(ok(null)).toEqual({ err: 0, data: null });
  });

  it('does not let siblings override err or data', () => {
    expect(ok('x', { err: 1, data: 'y' })).toEqual({ err: 0, data: 'x' });
  });
});

describe('failure', () => {
  it('builds err 1 with class and description, adding data and errors only when given', () => {
    const plain = failure('day-full', 'La journée est complète.');
    expect(plain).toEqual({ err: 1, err_class: 'day-full', err_desc: 'La journée est complète.' });
    expect(Object.keys(plain)).toEqual(['err', 'err_class', 'err_desc']);
    expect(failure('x', 'y', { data: { a: 1 } })).toEqual({ err: 1, err_class: 'x', err_desc: 'y', data: { a: 1 } });
    expect(failure('x', 'y', { data: null })).toHaveProperty('data', null);
    const errors = [{ path: 'email', message: 'Adresse électronique invalide.' }];
    expect(failure('invalid-request', 'z', { errors })).toEqual({ err: 1, err_class: 'invalid-request', err_desc: 'z', errors });
  });
});

describe('findDisplayId', () => {
  it('finds a top-level or data.display_id key, whatever its value', () => {
    expect(findDisplayId({ err: 0, display_id: '12-34' })).toBe(true);
    expect(findDisplayId({ err: 0, data: { display_id: null } })).toBe(true);
    expect(findDisplayId(ok({ display_id: undefined }))).toBe(true);
  });

  it('ignores deeper or differently named keys and non-objects', () => {
    expect(findDisplayId(ok({ registration_id: 'r1', days: [{ display_id: 'x' }], api: { display_id: 'y' } }))).toBe(false);
    expect(findDisplayId(ok({ form_number: '12-34' }))).toBe(false);
    expect(findDisplayId(ok([{ display_id: 'x' }]))).toBe(false);
    for (const input of [null, undefined, 'display_id', ['display_id'], 3]) expect(findDisplayId(input)).toBe(false);
  });
});
