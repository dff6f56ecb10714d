import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import vectors from '#tests/fixtures/publik-signature-vectors.json' with { type: 'json' };
import {
  SIGNATURE_MAX_SKEW_SECONDS,
  SignatureError,
  type SignatureFailure,
  newNonce,
  signQuery,
  signUrl,
  verifyQuery,
} from '#shared/publik/signature.ts';

type Vector = (typeof vectors)[number];

const [vector1, vector2, vector3] = vectors as [Vector, Vector, Vector];
const VECTOR_TIME = new Date('2025-03-14T09:26:53Z');
const MARKER = '&signature=';

/** The verifier options that accept a vector: its key under its orig, or as the default key. */
function optsFor(v: Vector, now: Date = VECTOR_TIME) {
  return v.orig === null ? { keys: {}, defaultKey: v.key, now } : { keys: { [v.orig]: v.key }, now };
}

function signOpts(v: Vector) {
  return { timestamp: new Date(v.timestamp), nonce: v.nonce, ...(v.orig === null ? {} : { orig: v.orig }) };
}

/** Independent signer (not using the module): MAC over `toSign`, standard base64, quote(safe='/'). */
function rawSign(toSign: string, key: string, algo = 'sha256'): string {
  const sig = createHmac(algo, Buffer.from(key, 'utf8')).update(toSign, 'utf8').digest('base64');
  return `${toSign}${MARKER}${sig.replace(/\+/g, '%2B').replace(/=/g, '%3D')}`;
}

function caught(fn: () => unknown): SignatureError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SignatureError) return error;
    throw error;
  }
  throw new Error('expected a SignatureError, nothing was thrown');
}

function expectFailure(fn: () => unknown, reason: SignatureFailure): SignatureError {
  const error = caught(fn);
  expect(error.reason).toBe(reason);
  return error;
}

const KEY = 'test-key-0123456789';
const TS = 'timestamp=2025-03-14T09%3A26%3A53Z';

describe('signQuery', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('reproduces vector "%s" byte for byte', (_name, v) => {
    expect(signQuery(v.unsigned_query, v.key, signOpts(v))).toBe(v.signed_query);
  });

  it('agrees with the independent signer, with the algorithm named in the query', () => {
    for (const algo of ['sha1', 'sha256', 'sha512'] as const) {
      const signed = signQuery('a=1', KEY, { timestamp: VECTOR_TIME, nonce: 'abc', orig: 'x.example.org', algo });
      expect(signed).toBe(rawSign(`a=1&orig=x.example.org&algo=${algo}&${TS}&nonce=abc`, KEY, algo));
    }
  });

  it('drops sub-second precision from the timestamp', () => {
    const signed = signQuery('', KEY, { timestamp: new Date('2025-03-14T09:26:53.999Z'), nonce: 'n' });
    expect(signed).toContain(`&${TS}&`);
  });
});

describe('verifyQuery on the vectors', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('accepts vector "%s"', (_name, v) => {
    const result = verifyQuery(v.signed_query, optsFor(v));
    expect(result).toEqual({
      orig: v.orig ?? undefined,
      nonce: v.nonce,
      timestamp: new Date(v.timestamp),
      algo: 'sha256',
    });
  });

  it('accepts vector 1 (no orig) with a default key, even when per-orig keys exist too', () => {
    const result = verifyQuery(vector1.signed_query, {
      keys: { 'demarches.example.org': 'other' },
      defaultKey: vector1.key,
      now: VECTOR_TIME,
    });
    expect(result.orig).toBeUndefined();
  });

  it('rejects vector 1 when no default key is configured', () => {
    expectFailure(() => verifyQuery(vector1.signed_query, { keys: { x: vector1.key }, now: VECTOR_TIME }), 'no-default-key');
    expectFailure(
      () => verifyQuery(vector1.signed_query, { keys: {}, defaultKey: '', now: VECTOR_TIME }),
      'no-default-key',
    );
  });

  it('uses the key of orig, never the default key, when orig is present', () => {
    expectFailure(
      () => verifyQuery(vector2.signed_query, { keys: {}, defaultKey: vector2.key, now: VECTOR_TIME }),
      'unknown-orig',
    );
    expectFailure(
      () => verifyQuery(vector2.signed_query, { keys: { 'wcs.example.org': vector2.key }, now: VECTOR_TIME }),
      'unknown-orig',
    );
    expectFailure(
      () => verifyQuery(vector2.signed_query, { keys: { 'demarches.example.org': vector3.key }, now: VECTOR_TIME }),
      'bad-signature',
    );
  });

  it('does not take inherited object properties for keys', () => {
    const signed = signQuery('', KEY, { timestamp: VECTOR_TIME, nonce: 'n', orig: 'constructor' });
    expectFailure(() => verifyQuery(signed, { keys: {}, now: VECTOR_TIME }), 'unknown-orig');
    const proto = signQuery('', KEY, { timestamp: VECTOR_TIME, nonce: 'n', orig: '__proto__' });
    expectFailure(() => verifyQuery(proto, { keys: {}, now: VECTOR_TIME }), 'unknown-orig');
  });

  it('rejects any single changed byte of the signed part', () => {
    for (const v of vectors) {
      const cut = v.signed_query.lastIndexOf(MARKER);
      let badSignatures = 0;
      for (let i = 0; i < cut; i += 1) {
        const replacement = v.signed_query[i] === 'a' ? 'b' : 'a';
        const tampered = v.signed_query.slice(0, i) + replacement + v.signed_query.slice(i + 1);
        const error = caught(() => verifyQuery(tampered, optsFor(v)));
        if (error.reason === 'bad-signature') badSignatures += 1;
      }
      // Most changes reach the MAC; the others break a protocol parameter first (name, algo, orig).
      expect(badSignatures).toBeGreaterThan(cut / 2);
    }
  });

  it('rejects any single changed character of the signature', () => {
    const v = vector3;
    const start = v.signed_query.lastIndexOf(MARKER) + MARKER.length;
    for (let i = start; i < v.signed_query.length; i += 1) {
      const replacement = v.signed_query[i] === 'a' ? 'b' : 'a';
      const tampered = v.signed_query.slice(0, i) + replacement + v.signed_query.slice(i + 1);
      expectFailure(() => verifyQuery(tampered, optsFor(v)), 'bad-signature');
    }
  });

  it('rejects the same parameters encoded differently (%3A re-encoded as ":" in the timestamp)', () => {
    for (const v of vectors) {
      const tampered = v.signed_query.replace('09%3A26%3A53Z', '09:26:53Z');
      expect(tampered).not.toBe(v.signed_query);
      expectFailure(() => verifyQuery(tampered, optsFor(v)), 'bad-signature');
    }
    const spaces = vector3.signed_query.replace('%C3%89lodie+M', '%C3%89lodie%20M');
    expectFailure(() => verifyQuery(spaces, optsFor(vector3)), 'bad-signature');
  });

  it('rejects a truncated, doubled or unquoted signature', () => {
    const v = vector3;
    expectFailure(() => verifyQuery(v.signed_query.slice(0, -3), optsFor(v)), 'bad-signature');
    expectFailure(() => verifyQuery(`${v.signed_query}AA`, optsFor(v)), 'bad-signature');
    // A raw "+" is a form-encoded space, as in w.c.s.: the %2B must be kept.
    expectFailure(() => verifyQuery(v.signed_query.replace('signature=%2B', 'signature=+'), optsFor(v)), 'bad-signature');
  });

  it('accepts a signature whose "/" was percent-encoded (the value is form-decoded)', () => {
    const v = vector2;
    const encodedSlash = v.signed_query.replace('U/g%3D', 'U%2Fg%3D');
    expect(encodedSlash).not.toBe(v.signed_query);
    expect(verifyQuery(encodedSlash, optsFor(v)).nonce).toBe(v.nonce);
  });
});

describe('verifyQuery with the keys imported once per container', () => {
  const now = new Date('2026-12-08T02:00:00Z');
  const sign = (key: string, nonce: string, orig = 'demarches.example.org', algo: 'sha256' | 'sha1' | 'sha512' = 'sha256') =>
    signQuery('id=12', key, { timestamp: now, nonce, orig, algo });
  const reason = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof SignatureError ? error.reason : 'other';
    }
    return 'accepted';
  };

  it('still rejects a call signed with another key once the right key has been used', () => {
    const keys = { 'demarches.example.org': 'cle-a', 'autre.example.org': 'cle-b' };
    expect(verifyQuery(sign('cle-a', 'n1'), { keys, now }).nonce).toBe('n1');
    expect(reason(() => verifyQuery(sign('cle-b', 'n2'), { keys, now }))).toBe('bad-signature');
    expect(reason(() => verifyQuery(sign('cle-a', 'n3', 'autre.example.org'), { keys, now }))).toBe('bad-signature');
    expect(verifyQuery(sign('cle-b', 'n4', 'autre.example.org'), { keys, now }).orig).toBe('autre.example.org');
    // The same key under each algorithm: each MAC is its own.
    for (const algo of ['sha1', 'sha512', 'sha256'] as const) {
      const query = sign('cle-a', `n-${algo}`, 'demarches.example.org', algo);
      expect(verifyQuery(query, { keys, now }).algo).toBe(algo);
      const swapped = query.replace(`algo=${algo}`, `algo=${algo === 'sha1' ? 'sha256' : 'sha1'}`);
      expect(reason(() => verifyQuery(swapped, { keys, now }))).toBe('bad-signature');
    }
  });

  it('follows a key changed in the secrets: the new one is accepted, the old one refused', () => {
    const query = sign('ancienne-cle', 'n5');
    expect(verifyQuery(query, { keys: { 'demarches.example.org': 'ancienne-cle' }, now }).nonce).toBe('n5');
    expect(reason(() => verifyQuery(query, { keys: { 'demarches.example.org': 'nouvelle-cle' }, now }))).toBe('bad-signature');
    expect(verifyQuery(sign('nouvelle-cle', 'n6'), { keys: { 'demarches.example.org': 'nouvelle-cle' }, now }).nonce).toBe('n6');
  });

  it('agrees with an HMAC computed from the key bytes, after more keys than the cache holds', () => {
    for (let i = 0; i < 150; i++) {
      const key = `cle-${i}-é`;
      const query = sign(key, `m${i}`);
      const signed = query.slice(0, query.lastIndexOf(MARKER));
      const mac = createHmac('sha256', Buffer.from(key, 'utf8')).update(signed, 'utf8').digest('base64');
      expect(decodeURIComponent(query.slice(query.lastIndexOf(MARKER) + MARKER.length))).toBe(mac);
      expect(verifyQuery(query, { keys: { 'demarches.example.org': key }, now }).nonce).toBe(`m${i}`);
      if (i > 0) expect(reason(() => verifyQuery(query, { keys: { 'demarches.example.org': `cle-${i - 1}-é` }, now }))).toBe('bad-signature');
    }
  });
});

describe('verifyQuery time window', () => {
  const at = (seconds: number) => new Date(VECTOR_TIME.getTime() + seconds * 1000);

  it('accepts exactly ±30 s and rejects ±31 s', () => {
    expect(SIGNATURE_MAX_SKEW_SECONDS).toBe(30);
    for (const v of vectors) {
      expect(verifyQuery(v.signed_query, optsFor(v, at(30))).nonce).toBe(v.nonce);
      expect(verifyQuery(v.signed_query, optsFor(v, at(-30))).nonce).toBe(v.nonce);
      expectFailure(() => verifyQuery(v.signed_query, optsFor(v, at(31))), 'stale-timestamp');
      expectFailure(() => verifyQuery(v.signed_query, optsFor(v, at(-31))), 'stale-timestamp');
    }
  });

  it('rejects 30.5 s, and honours a custom window', () => {
    expectFailure(() => verifyQuery(vector2.signed_query, optsFor(vector2, at(30.5))), 'stale-timestamp');
    expect(verifyQuery(vector2.signed_query, { ...optsFor(vector2, at(-60)), maxSkewSeconds: 60 }).orig).toBe(
      'demarches.example.org',
    );
    expectFailure(
      () => verifyQuery(vector2.signed_query, { ...optsFor(vector2, at(6)), maxSkewSeconds: 5 }),
      'stale-timestamp',
    );
  });

  it('rejects malformed or impossible timestamps (correctly signed)', () => {
    for (const ts of [
      '2025-03-14T09:26:53',
      '2025-03-14 09:26:53Z',
      '2025-03-14T09:26:53.000Z',
      '2025-03-14T09:26:53%2B00:00',
      '2025-02-30T09:26:53Z',
      '2025-03-14T24:00:00Z',
      '2025-03-14T09:60:00Z',
      '2025-03-14T09:26:60Z',
      '1741944413',
    ]) {
      const signed = rawSign(`algo=sha256&timestamp=${ts}&nonce=n1`, KEY);
      expectFailure(() => verifyQuery(signed, { keys: {}, defaultKey: KEY, now: VECTOR_TIME }), 'bad-timestamp');
    }
  });
});

describe('verifyQuery structure', () => {
  const opts = { keys: { 'wcs.example.org': KEY }, defaultKey: KEY, now: VECTOR_TIME };

  it('reports a missing or empty signature', () => {
    expectFailure(() => verifyQuery('', opts), 'missing-signature');
    expectFailure(() => verifyQuery(vector2.unsigned_query, opts), 'missing-signature');
    const signed = signQuery('a=1', KEY, { timestamp: VECTOR_TIME, nonce: 'n' });
    expectFailure(() => verifyQuery(signed.slice(0, signed.indexOf(MARKER) + MARKER.length), opts), 'missing-signature');
  });

  it('treats a query starting with signature= as missing the signed parameters', () => {
    expectFailure(() => verifyQuery('signature=abc', opts), 'missing-parameter');
    expectFailure(() => verifyQuery(`signature=abc&algo=sha256&${TS}&nonce=n`, opts), 'missing-parameter');
  });

  it('requires signature to be the last parameter', () => {
    expectFailure(() => verifyQuery(`${vector3.signed_query}&extra=1`, optsFor(vector3)), 'signature-not-last');
    expectFailure(() => verifyQuery(`${vector3.signed_query}&`, optsFor(vector3)), 'signature-not-last');
  });

  it('requires algo, timestamp and nonce', () => {
    expectFailure(() => verifyQuery(rawSign(`${TS}&nonce=n`, KEY), opts), 'missing-parameter');
    expectFailure(() => verifyQuery(rawSign('algo=sha256&nonce=n', KEY), opts), 'missing-parameter');
    expectFailure(() => verifyQuery(rawSign(`algo=sha256&${TS}`, KEY), opts), 'missing-parameter');
    expectFailure(() => verifyQuery(rawSign(`algo=sha256&${TS}&nonce=`, KEY), opts), 'missing-parameter');
    // the well-formed counterpart is accepted, so the failures above come from the missing piece
    expect(verifyQuery(rawSign(`algo=sha256&${TS}&nonce=n`, KEY), opts).nonce).toBe('n');
  });

  it('rejects a repeated algo, timestamp, nonce or orig', () => {
    const base = { timestamp: VECTOR_TIME, nonce: 'n' };
    expectFailure(() => verifyQuery(signQuery('algo=sha256', KEY, base), opts), 'repeated-parameter');
    expectFailure(() => verifyQuery(signQuery(TS, KEY, base), opts), 'repeated-parameter');
    expectFailure(() => verifyQuery(signQuery('nonce=n', KEY, base), opts), 'repeated-parameter');
    expectFailure(
      () => verifyQuery(signQuery('orig=wcs.example.org', KEY, { ...base, orig: 'wcs.example.org' }), opts),
      'repeated-parameter',
    );
  });

  it('accepts the parameters in any order (orig after nonce, user params after orig)', () => {
    const a = rawSign(`algo=sha256&${TS}&nonce=n&orig=wcs.example.org`, KEY);
    expect(verifyQuery(a, opts).orig).toBe('wcs.example.org');
    const b = rawSign(`NameID=&email=&orig=wcs.example.org&q=x&algo=sha256&${TS}&nonce=n2`, KEY);
    expect(verifyQuery(b, opts)).toMatchObject({ orig: 'wcs.example.org', nonce: 'n2' });
  });

  it('rejects an algorithm outside sha1/sha256/sha512 even when correctly signed with it', () => {
    for (const algo of ['md5', 'SHA256', 'sha224', 'sha3-256']) {
      const signed = rawSign(`orig=wcs.example.org&algo=${algo}&${TS}&nonce=n`, KEY, algo.toLowerCase());
      const error = expectFailure(() => verifyQuery(signed, opts), 'unsupported-algo');
      expect(error.message).toBe(`Algorithme de signature non accepté : « ${algo} ».`);
    }
  });

  it('accepts sha1 and sha512 signatures', () => {
    for (const algo of ['sha1', 'sha512'] as const) {
      const independent = rawSign(`q=1&orig=wcs.example.org&algo=${algo}&${TS}&nonce=n`, KEY, algo);
      expect(verifyQuery(independent, opts).algo).toBe(algo);
      const ours = signQuery('q=1', KEY, { timestamp: VECTOR_TIME, nonce: 'n', orig: 'wcs.example.org', algo });
      expect(verifyQuery(ours, opts).algo).toBe(algo);
      // a sha1 MAC announced as sha256 is refused
      const mislabelled = rawSign(`q=1&orig=wcs.example.org&algo=${algo}&${TS}&nonce=n`, KEY, 'sha256');
      expectFailure(() => verifyQuery(mislabelled, opts), 'bad-signature');
    }
  });
});

describe('SignatureError messages', () => {
  it('are French sentences and never reveal the key or the expected MAC', () => {
    const secret = 'clé-très-secrète-42';
    const expectedMac = createHmac('sha256', secret).update('x').digest('base64');
    const good = signQuery('x=1', secret, { timestamp: VECTOR_TIME, nonce: 'n', orig: 'wcs.example.org' });
    const opts = { keys: { 'wcs.example.org': secret }, now: VECTOR_TIME };
    const expected: Array<[string, SignatureFailure, string]> = [
      ['x=1', 'missing-signature', 'Appel non signé : paramètre « signature » manquant.'],
      [`${good}&y=2`, 'signature-not-last', 'Le paramètre « signature » doit être le dernier de l’adresse.'],
      [rawSign(`algo=sha256&${TS}`, secret), 'missing-parameter', 'Appel signé incomplet : paramètre « nonce » manquant ou vide.'],
      [signQuery('nonce=a', secret, { timestamp: VECTOR_TIME, nonce: 'n' }), 'repeated-parameter', 'Paramètre « nonce » répété dans l’appel signé.'],
      [signQuery('', secret, { timestamp: VECTOR_TIME, nonce: 'n', orig: 'autre.example.org' }), 'unknown-orig', 'Origine « autre.example.org » inconnue : aucune clé de signature configurée pour elle.'],
      [signQuery('', secret, { timestamp: VECTOR_TIME, nonce: 'n' }), 'no-default-key', 'Appel signé sans « orig » et aucune clé par défaut n’est configurée.'],
      [rawSign(`orig=wcs.example.org&algo=md5&${TS}&nonce=n`, secret, 'md5'), 'unsupported-algo', 'Algorithme de signature non accepté : « md5 ».'],
      [
        good.replace('x=1', 'x=2'),
        'bad-signature',
        'Signature invalide : l’appel vient de l’origine « wcs.example.org » et la clé de signature configurée pour elle ne correspond pas (clé différente de part et d’autre, ou adresse modifiée après signature).',
      ],
      [rawSign(`orig=wcs.example.org&algo=sha256&timestamp=demain&nonce=n`, secret), 'bad-timestamp', 'Horodatage invalide : format attendu AAAA-MM-JJTHH:MM:SSZ (UTC).'],
      [signQuery('', secret, { timestamp: new Date(VECTOR_TIME.getTime() - 3600_000), nonce: 'n', orig: 'wcs.example.org' }), 'stale-timestamp', 'Horodatage trop éloigné de l’heure du serveur (plus de 30 secondes).'],
    ];
    for (const [query, reason, message] of expected) {
      const error = expectFailure(() => verifyQuery(query, opts), reason);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('SignatureError');
      expect(error.message).toBe(message);
      expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain(expectedMac);
      const realMac = createHmac('sha256', secret).update(query.split(MARKER)[0] ?? '').digest('base64');
      expect(error.message).not.toContain(realMac);
    }
  });

  it('bounds the length of echoed caller values', () => {
    const orig = 'o'.repeat(500);
    const signed = signQuery('', KEY, { timestamp: VECTOR_TIME, nonce: 'n', orig });
    const error = expectFailure(() => verifyQuery(signed, { keys: {}, now: VECTOR_TIME }), 'unknown-orig');
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('newNonce', () => {
  it('is lower-case hex of a 128-bit integer without leading zeros, and varies', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const nonce = newNonce();
      expect(nonce).toMatch(/^(0|[1-9a-f][0-9a-f]{0,31})$/);
      seen.add(nonce);
    }
    expect(seen.size).toBe(200);
  });
});

describe('signUrl', () => {
  const opts = { timestamp: VECTOR_TIME, nonce: vector2.nonce, orig: 'demarches.example.org' };

  it('signs the existing query as is and keeps scheme, host and path', () => {
    const url = `https://api.example.org/prod/meetings/club-2025?${vector2.unsigned_query}`;
    expect(signUrl(url, vector2.key, opts)).toBe(
      `https://api.example.org/prod/meetings/club-2025?${vector2.signed_query}`,
    );
  });

  it('drops the fragment and adds a query when there is none', () => {
    expect(signUrl('https://h.example.org/p#frag', KEY, opts)).toBe(
      `https://h.example.org/p?${signQuery('', KEY, opts)}`,
    );
    expect(signUrl('https://h.example.org/p?a=1#x?y', KEY, opts)).toBe(
      `https://h.example.org/p?${signQuery('a=1', KEY, opts)}`,
    );
  });

  it('does not re-encode the query', () => {
    const signed = signUrl('https://h.example.org/p?q=a%20b&r=%7e*', KEY, opts);
    expect(signed.startsWith('https://h.example.org/p?q=a%20b&r=%7e*&orig=')).toBe(true);
    expect(verifyQuery(signed.split('?')[1] ?? '', { keys: { 'demarches.example.org': KEY }, now: VECTOR_TIME }).nonce).toBe(
      vector2.nonce,
    );
  });

  it('defaults to now and a fresh nonce, verifiable right away', () => {
    const before = Date.now();
    const signed = signUrl('https://h.example.org/p?x=1', KEY);
    const query = signed.slice(signed.indexOf('?') + 1);
    const result = verifyQuery(query, { keys: {}, defaultKey: KEY, now: new Date() });
    expect(result.orig).toBeUndefined();
    expect(result.algo).toBe('sha256');
    expect(result.nonce).toMatch(/^[0-9a-f]{1,32}$/);
    expect(result.timestamp.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(signUrl('https://h.example.org/p?x=1', KEY)).not.toBe(signed);
  });
});
