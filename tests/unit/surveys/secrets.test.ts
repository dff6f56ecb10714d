// The survey participation key, like every secret: from the environment locally, from its SSM
// SecureString parameter in AWS (through the Parameters and Secrets extension, here a stand-in
// HTTP server on loopback).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config.ts';
import { resolveSecrets } from '#shared/lambda/secrets.ts';
import { startParametersExtension } from '#tests/support/parameters-extension.ts';

describe('the participation hash key', () => {
  it('comes from PARTICIPATION_HASH_KEY locally', async () => {
    expect((await resolveSecrets(parseConfig({ PARTICIPATION_HASH_KEY: ' k1 ' }))).participationKey).toBe('k1');
    expect((await resolveSecrets(parseConfig({}))).participationKey).toBeUndefined();
  });

  it('comes from the SSM SecureString named by PARTICIPATION_HASH_KEY_PARAMETER in AWS', async () => {
    const ext = await startParametersExtension({ '/p/participation': 'secret-key\n' });
    try {
      const config = parseConfig({ PARTICIPATION_HASH_KEY_PARAMETER: '/p/participation', PARTICIPATION_HASH_KEY: 'ignored' });
      const secrets = await resolveSecrets(config, { baseUrl: ext.baseUrl, token: ext.token });
      expect(ext.requests.map((r) => [r.name, r.withDecryption])).toEqual([['/p/participation', 'true']]);
      expect(secrets.participationKey).toBe('secret-key');
    } finally {
      await ext.stop();
    }
  });
});
