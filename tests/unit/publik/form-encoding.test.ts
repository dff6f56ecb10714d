import { describe, expect, it } from 'vitest';

import vectors from '#tests/fixtures/publik-signature-vectors.json' with { type: 'json' };
import { buildQuery, formDecode, formDecodeBytewise, formEncode, parseQuery, urlQuote } from '#shared/publik/form-encoding.ts';

const vector3 = vectors[2]!;

describe('formEncode', () => {
  it('keeps only A-Za-z0-9 and _.-~, maps space to + (Python quote_plus, safe="")', () => {
    expect(formEncode('AZaz09_.-~')).toBe('AZaz09_.-~');
    expect(formEncode('a*b~c d')).toBe('a%2Ab~c+d');
    expect(formEncode("!'()*/?&=+;,:@#%")).toBe('%21%27%28%29%2A%2F%3F%26%3D%2B%3B%2C%3A%40%23%25');
    expect(formEncode('2025-03-14T09:26:53Z')).toBe('2025-03-14T09%3A26%3A53Z');
  });

  it('percent-encodes UTF-8 with upper-case hex', () => {
    expect(formEncode('Élodie Müller')).toBe('%C3%89lodie+M%C3%BCller');
    expect(formEncode('€')).toBe('%E2%82%AC');
    expect(formEncode('😀')).toBe('%F0%9F%98%80');
    expect(formEncode('\n')).toBe('%0A');
  });

  it('re-encodes the decoded parameters of vector 3 into exactly its unsigned query', () => {
    const pairs: Array<[string, string]> = [
      ['email', 'jean.dupont+club@example.org'],
      ['nom', 'Élodie Müller & Co'],
      ['q', 'a/b?c=d;e,f'],
    ];
    expect(buildQuery(pairs)).toBe(vector3.unsigned_query);
  });

  it('re-encodes every vector query parsed back (parse then build is the identity)', () => {
    for (const v of vectors) {
      const pairs: Array<[string, string]> = [];
      for (const [k, values] of parseQuery(v.unsigned_query)) for (const value of values) pairs.push([k, value]);
      expect(buildQuery(pairs)).toBe(v.unsigned_query);
    }
  });
});

describe('urlQuote', () => {
  it('quotes like Python quote(safe="/"): + and = encoded, / kept, space as %20', () => {
    expect(urlQuote('LBL38H36UGPzxVn2Jch2f5m7wK8Dwn6GbV5O5oI1U/g=')).toBe('LBL38H36UGPzxVn2Jch2f5m7wK8Dwn6GbV5O5oI1U/g%3D');
    expect(urlQuote('+ZSe=')).toBe('%2BZSe%3D');
    expect(urlQuote('a b/c')).toBe('a%20b/c');
    expect(urlQuote('a/b', '')).toBe('a%2Fb');
  });
});

describe('buildQuery', () => {
  it('joins encoded pairs in order, keeping repeated keys and empty values', () => {
    expect(buildQuery([['tag', 'a/b'], ['tag', 'c'], ['empty', ''], ['name', 'Jean Dupont']])).toBe(
      'tag=a%2Fb&tag=c&empty=&name=Jean+Dupont',
    );
    expect(buildQuery([])).toBe('');
  });
});

describe('formDecode', () => {
  it('gives what the byte-by-byte decoding gives, whichever path decodes (valid, malformed, invalid UTF-8, surrogates)', () => {
    // The fast path (decodeURIComponent) must never change an answer: 3,000 mixes of well-formed
    // and broken sequences, each compared with the Python-like byte decoder.
    const pieces = ['a', 'Z', '~', ' ', '+', 'é', '\uD800', '\uDC00', '😀', '%', '%2', '%G1', '%41', '%2B', '%25', '%3A', '%C3', '%A9',
      '%C3%A9', '%e2%82%ac', '%E2%82', '%F0%9F%98%80', '%F0%9F%98', '%ED%A0%80', '%ED%B0%80', '%C0%AF', '%E0%80%AF', '%FF', '%80',
      '%EF%BB%BF', '%EF%BF%BE', '%F4%90%80%80', '%00', '%0A'];
    let seed = 21;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const seen = { fast: 0, slow: 0 };
    for (let n = 0; n < 3000; n++) {
      let value = '';
      for (let k = 1 + Math.floor(next() * 6); k > 0; k--) value += pieces[Math.floor(next() * pieces.length)];
      const expected = formDecodeBytewise(value.replace(/\+/g, ' '));
      expect(formDecode(value), JSON.stringify(value)).toBe(expected);
      try {
        decodeURIComponent(value.replace(/\+/g, ' '));
        seen.fast++;
      } catch {
        seen.slow++;
      }
    }
    // Both paths were exercised.
    expect(seen.fast).toBeGreaterThan(300);
    expect(seen.slow).toBeGreaterThan(300);
  });

  it('decodes + as space and %XX as UTF-8', () => {
    expect(formDecode('%C3%89lodie+M%C3%BCller+%26+Co')).toBe('Élodie Müller & Co');
    expect(formDecode('jean.dupont%2Bclub%40example.org')).toBe('jean.dupont+club@example.org');
    expect(formDecode('%e2%82%ac')).toBe('€');
    expect(formDecode('2025-03-14T09%3A26%3A53Z')).toBe('2025-03-14T09:26:53Z');
  });

  it('leaves malformed percent sequences as they are and never throws', () => {
    expect(formDecode('100%')).toBe('100%');
    expect(formDecode('%2')).toBe('%2');
    expect(formDecode('%G1x')).toBe('%G1x');
    expect(formDecode('a%%41')).toBe('a%A');
    expect(formDecode('%')).toBe('%');
  });

  it('replaces invalid UTF-8 byte sequences with U+FFFD like Python errors="replace"', () => {
    expect(formDecode('%C3')).toBe('\uFFFD');
    expect(formDecode('a%FFb')).toBe('a\uFFFDb');
    expect(formDecode('é%C3%A9')).toBe('éé');
  });

  it('round-trips formEncode', () => {
    for (const s of ['', ' ', 'a+b c', 'Élodie Müller & Co', 'a/b?c=d;e,f', '100 % sûr', '😀 €', "l'été"]) {
      expect(formDecode(formEncode(s))).toBe(s);
    }
  });
});

describe('parseQuery', () => {
  it('decodes both sides, keeps repeated keys in order, skips empty pieces', () => {
    const q = parseQuery('tag=a%2Fb&&tag=c&name=Jean+Dupont&empty=&flag&x=1=2&');
    expect([...q.keys()]).toEqual(['tag', 'name', 'empty', 'flag', 'x']);
    expect(q.get('tag')).toEqual(['a/b', 'c']);
    expect(q.get('name')).toEqual(['Jean Dupont']);
    expect(q.get('empty')).toEqual(['']);
    expect(q.get('flag')).toEqual(['']);
    expect(q.get('x')).toEqual(['1=2']);
  });

  it('parses the vector 3 query into its decoded parameters', () => {
    const q = parseQuery(vector3.signed_query);
    expect(q.get('email')).toEqual(['jean.dupont+club@example.org']);
    expect(q.get('nom')).toEqual(['Élodie Müller & Co']);
    expect(q.get('q')).toEqual(['a/b?c=d;e,f']);
    expect(q.get('timestamp')).toEqual(['2025-03-14T09:26:53Z']);
    expect(q.get('signature')).toEqual(['+ZSeqUrYyipjpoERNAFpkpXvE6Z35kopQ1zwLwVx7P4=']);
  });

  it('returns an empty map for an empty query', () => {
    expect(parseQuery('').size).toBe(0);
  });
});
