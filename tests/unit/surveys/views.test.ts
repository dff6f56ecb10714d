import { describe, expect, it } from 'vitest';
import type { StoredResponse } from '#shared/domain/surveys/schema.ts';
import { responsesSheet } from '#shared/domain/surveys/views.ts';
import { survey } from './fakes.ts';

const five = survey({ min_group_size: 5 });
let next = 0;
const response = (mode: StoredResponse['mode'], answers: StoredResponse['answers'] = {}): StoredResponse => ({
  id: String(next++).padStart(4, '0'),
  mode,
  profile: 'unknown',
  answers: { global: 4, ...answers },
});
const many = (n: number, make: () => StoredResponse) => Array.from({ length: n }, make);

function columns(responses: StoredResponse[]) {
  const sheet = responsesSheet(five, responses);
  const col = (header: string) => sheet.rows.map((r) => r[sheet.headers.findIndex((h) => h.startsWith(header))]);
  return { rows: sheet.rows.length, col };
}

describe('responses CSV and min_group_size', () => {
  it('a lone remote respondent: every line kept, the mode blank on all of them, the answers kept', () => {
    const { rows, col } = columns([...many(40, () => response('onsite')), response('remote', { global: 1, remarques: 'Seule à distance' })]);
    expect(rows).toBe(41);
    expect(new Set(col('Mode'))).toEqual(new Set(['']));
    expect(col('Note globale').filter((v) => v === 1)).toHaveLength(1);
  });

  it('shown groups: an answer of a group hidden for that question is blank (no line "À distance" with the one workshop rating)', () => {
    const responses = [
      ...many(6, () => response('onsite', { atelier_socle: 5, remarques: 'Bien' })),
      ...many(29, () => response('onsite')),
      response('remote', { atelier_socle: 1, remarques: 'Seule de mon équipe à distance' }),
      ...many(5, () => response('remote')),
    ];
    const { rows, col } = columns(responses);
    expect(rows).toBe(41);
    // Both modes are large enough to show …
    expect(new Set(col('Mode'))).toEqual(new Set(['Sur place', 'À distance']));
    // … but 6 + 1 answers to the workshop question and to the free text: the remote one would
    // be singled out, and the 6 would give it by difference. Blank in both groups.
    expect(new Set(col('L\'atelier'))).toEqual(new Set(['']));
    expect(new Set(col('Vos remarques'))).toEqual(new Set(['']));
    expect(col('Note globale').every((v) => v === 4)).toBe(true);
  });

  it('a question answered by too few is blank on every line', () => {
    const { col } = columns([...many(10, () => response('onsite')), ...many(2, () => response('onsite', { format: 'hybride' }))]);
    expect(new Set(col('Le format'))).toEqual(new Set(['']));
  });
});
