// Secrets: from the environment locally; in AWS from SSM SecureString parameters read through the
// Parameters and Secrets extension, here a real HTTP server on loopback standing in for it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { extensionEndpoint, resolveSecrets, SecretsError } from '#shared/lambda/secrets.ts';
import { startParametersExtension, type ParametersExtension } from '#tests/support/parameters-extension.ts';

const VALUES = {
  '/p/keys': '{"wcs.example.org":"kk-secret"}',
  '/p/default': ' dk-secret\n',
  '/p/admin': 'x-secret, y-secret',
  '/p/participation': 'participation-secret\n',
  '/p/bad-keys': '["not-an-object","bad-keys-secret"]',
  '/p/broken-json': '{"wcs.example.org": broken-json-secret',
};
const SECRET_WORDS = /secret/;

let ext: ParametersExtension;
beforeAll(async () => {
  ext = await startParametersExtension(VALUES);
});
afterAll(async () => {
  await ext.stop();
});
afterEach(() => {
  ext.requests.length = 0;
  ext.override = undefined;
});

const endpoint = () => ({ baseUrl: ext.baseUrl, token: ext.token, timeoutMs: 300 });

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretsError);
  return error as Error;
}

describe('resolveSecrets', () => {
  it('uses the environment when no parameter is named, without calling the extension', async () => {
    const secrets = await resolveSecrets(parseConfig({ ADMIN_TOKENS: 't', PARTICIPATION_HASH_KEY: ' k1 ' }), endpoint());
    expect(secrets.adminTokens).toEqual(['t']);
    expect(secrets.participationKey).toBe('k1');
    expect(ext.requests).toEqual([]);
  });

  it('reads each named parameter, decrypted, with the session token', async () => {
    const config = parseConfig({
      PUBLIK_SIGNATURE_KEYS_PARAMETER: '/p/keys',
      PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER: '/p/default',
      ADMIN_TOKENS_PARAMETER: '/p/admin',
      PARTICIPATION_HASH_KEY_PARAMETER: '/p/participation',
      PARTICIPATION_HASH_KEY: 'ignored',
    });
    const secrets = await resolveSecrets(config, endpoint());
    expect(secrets).toEqual({
      signatureKeys: { 'wcs.example.org': 'kk-secret' },
      defaultSignatureKey: 'dk-secret',
      adminTokens: ['x-secret', 'y-secret'],
      participationKey: 'participation-secret',
    });
    expect(ext.requests.map((r) => r.name).sort()).toEqual(['/p/admin', '/p/default', '/p/keys', '/p/participation']);
    for (const r of ext.requests) {
      expect(r).toMatchObject({ path: '/systemsmanager/parameters/get', withDecryption: 'true', token: ext.token });
    }
  });

  it('keeps the environment for the secrets whose parameter is not named', async () => {
    const secrets = await resolveSecrets(parseConfig({ ADMIN_TOKENS_PARAMETER: '/p/admin', PUBLIK_SIGNATURE_KEYS: '{"local":"lk"}' }), endpoint());
    expect(secrets.adminTokens).toEqual(['x-secret', 'y-secret']);
    expect(secrets.signatureKeys).toEqual({ local: 'lk' });
    expect(ext.requests.map((r) => r.name)).toEqual(['/p/admin']);
  });

  it('fails with the missing parameter named and the extension reason, and no secret value', async () => {
    const config = parseConfig({ ADMIN_TOKENS_PARAMETER: '/p/admin', PUBLIK_SIGNATURE_KEYS_PARAMETER: '/p/gone' });
    const error = await rejection(resolveSecrets(config, endpoint()));
    expect(error.message).toMatch(/SSM parameter \/p\/gone .*HTTP 400 \(ParameterNotFound/);
    expect(error.message).not.toMatch(SECRET_WORDS);
  });

  it('fails when the extension refuses the token', async () => {
    const error = await rejection(resolveSecrets(parseConfig({ ADMIN_TOKENS_PARAMETER: '/p/admin' }), { ...endpoint(), token: 'wrong' }));
    expect(error.message).toMatch(/\/p\/admin.*HTTP 401/);
  });

  it.each([
    ['/p/bad-keys', 'a JSON array'],
    ['/p/broken-json', 'not JSON'],
  ])('refuses signature keys that are not a JSON object (%s: %s) without quoting the value', async (name) => {
    const error = await rejection(resolveSecrets(parseConfig({ PUBLIK_SIGNATURE_KEYS_PARAMETER: name }), endpoint()));
    expect(error.message).toContain(name);
    expect(error.message).toContain('PUBLIK_SIGNATURE_KEYS_PARAMETER');
    expect(error.message).not.toMatch(SECRET_WORDS);
    expect(error.cause).toBeUndefined();
  });

  it('refuses a 200 answer that is not a GetParameter result, without repeating it', async () => {
    ext.override = { status: 200, body: '{"Value":"leaked-secret"}' };
    const error = await rejection(resolveSecrets(parseConfig({ ADMIN_TOKENS_PARAMETER: '/p/admin' }), endpoint()));
    expect(error.message).toMatch(/\/p\/admin.*not a GetParameter result/);
    expect(error.message).not.toMatch(SECRET_WORDS);
  });

  it('says so when nothing listens (the layer is not attached)', async () => {
    const closed = await startParametersExtension({});
    await closed.stop();
    const error = await rejection(resolveSecrets(parseConfig({ ADMIN_TOKENS_PARAMETER: '/p/admin' }), { baseUrl: closed.baseUrl, token: 't' }));
    expect(error.message).toMatch(/\/p\/admin.*ECONNREFUSED.*extension layer attached/);
  });

  it('gives up on an extension that does not answer', async () => {
    const hung = await startParametersExtension(VALUES);
    hung.hang = true;
    try {
      const error = await rejection(resolveSecrets(parseConfig({ ADMIN_TOKENS_PARAMETER: '/p/admin' }), { baseUrl: hung.baseUrl, token: hung.token, timeoutMs: 100 }));
      expect(error.message).toMatch(/\/p\/admin.*no answer within 100 ms/);
    } finally {
      await hung.stop();
    }
  });
});

describe('extensionEndpoint', () => {
  it('uses the port the layer sets, 2773 by default, and the session token', () => {
    expect(extensionEndpoint({ AWS_SESSION_TOKEN: 'tok' })).toEqual({ baseUrl: 'http://localhost:2773', token: 'tok' });
    expect(extensionEndpoint({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2999' }).baseUrl).toBe('http://localhost:2999');
  });
});

describe('the service context', () => {
  it('reads the secrets on the first request, fails while a parameter is missing, and reads again on the next one', async () => {
    const ctx = createServiceContext({
      ADMIN_TOKENS_PARAMETER: '/p/admin',
      PUBLIK_SIGNATURE_KEYS_PARAMETER: '/p/keys',
      // The endpoint is http://localhost:<port>, where the stand-in listens.
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: new URL(ext.baseUrl).port,
      AWS_SESSION_TOKEN: ext.token,
    });
    expect(ext.requests).toEqual([]);
    ext.override = { status: 400, body: 'ParameterNotFound' };
    expect((await rejection(ctx.secrets())).message).toMatch(/HTTP 400 \(ParameterNotFound\)/);
    ext.override = undefined;
    expect((await ctx.secrets()).adminTokens).toEqual(['x-secret', 'y-secret']);
    const calls = ext.requests.length;
    await ctx.secrets();
    expect(ext.requests.length).toBe(calls);
  });
});
