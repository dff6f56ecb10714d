// Where a promotion may be called back: only on the host that signed the call (its `orig`); a
// call signed with the default key (no `orig`) may not name a callback at all (issue 13).
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '#shared/errors.ts';
import { assertCallbackHost } from '#shared/publik/callback-host.ts';

describe('callback host', () => {
  it('accepts a URL on the signing host, whatever the case', () => {
    expect(() => assertCallbackHost('https://Demarches.Example.org/f/1/jump/trigger/promu', 'demarches.example.org')).not.toThrow();
  });

  it('refuses another host, a look-alike suffix, or no URL at all, naming callback_url', () => {
    for (const url of ['https://autre.example.net/x', 'https://demarches.example.org.evil.net/x', 'https://evil.net/?demarches.example.org', 'pas une adresse']) {
      expect(() => assertCallbackHost(url, 'demarches.example.org'), url).toThrow(InvalidRequestError);
    }
  });

  it('refuses any callback_url on a call signed with the default key, even on a configured host', () => {
    let error: unknown;
    try {
      assertCallbackHost('https://demarches.example.org/f/1/jump/trigger/promu', undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'invalid-request', details: { errors: [{ path: 'callback_url', message: expect.stringMatching(/sans « orig »/) }] } });
  });
});
