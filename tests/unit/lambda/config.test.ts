import { describe, expect, it } from 'vitest';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError, parseConfig } from '#shared/config.ts';
import { resolveSecrets } from '#shared/lambda/secrets.ts';

describe('parseConfig', () => {
  it('reads keys, tokens and derives orig from the public base URL', () => {
    const config = parseConfig({
      PUBLIK_SIGNATURE_KEYS: '{"demarches.example.org":"k1"}',
      PUBLIK_DEFAULT_SIGNATURE_KEY: ' k0 ',
      ADMIN_TOKENS: 'a, b ,,c',
      PUBLIC_BASE_URL: 'https://club.example.org/',
    });
    expect(config.signatureKeys).toEqual({ 'demarches.example.org': 'k1' });
    expect(config.defaultSignatureKey).toBe('k0');
    expect(config.adminTokens).toEqual(['a', 'b', 'c']);
    expect(config.publicBaseUrl).toBe('https://club.example.org');
    expect(config.orig).toBe('club.example.org');
  });

  it('fails fast, naming the bad variable', () => {
    expect(() => parseConfig({ PUBLIK_SIGNATURE_KEYS: '["not","an","object"]' })).toThrow(ConfigError);
    expect(() => parseConfig({ PUBLIK_SIGNATURE_KEYS: '{' })).toThrow(/PUBLIK_SIGNATURE_KEYS/);
    expect(() => parseConfig({ PUBLIC_BASE_URL: 'not a url' })).toThrow(/PUBLIC_BASE_URL/);
  });
});

describe('resolveSecrets', () => {
  it('uses the environment when no parameter is named', async () => {
    const secrets = await resolveSecrets(parseConfig({ ADMIN_TOKENS: 't' }));
    expect(secrets.adminTokens).toEqual(['t']);
  });

  it('reads SSM SecureString parameters with decryption when named (no SSM emulator: a stub client)', async () => {
    const sent: unknown[] = [];
    const ssm = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return {
          Parameters: [
            { Name: '/p/keys', Value: '{"wcs.example.org":"kk"}' },
            { Name: '/p/default', Value: 'dk' },
            { Name: '/p/admin', Value: 'x,y' },
          ],
          InvalidParameters: [],
        };
      },
    } as unknown as SSMClient;
    const config = parseConfig({
      PUBLIK_SIGNATURE_KEYS_PARAMETER: '/p/keys',
      PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER: '/p/default',
      ADMIN_TOKENS_PARAMETER: '/p/admin',
    });
    const secrets = await resolveSecrets(config, ssm);
    expect(sent).toEqual([{ Names: ['/p/keys', '/p/default', '/p/admin'], WithDecryption: true }]);
    expect(secrets).toEqual({ signatureKeys: { 'wcs.example.org': 'kk' }, defaultSignatureKey: 'dk', adminTokens: ['x', 'y'] });
  });

  it('fails when a named parameter does not exist', async () => {
    const ssm = { send: async () => ({ Parameters: [], InvalidParameters: ['/p/admin'] }) } as unknown as SSMClient;
    await expect(resolveSecrets(parseConfig({ ADMIN_TOKENS_PARAMETER: '/p/admin' }), ssm)).rejects.toThrow(/\/p\/admin/);
  });
});
