import type { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config.ts';
import { resolveSecrets } from '#shared/lambda/secrets.ts';

describe('the participation hash key', () => {
  it('comes from PARTICIPATION_HASH_KEY locally', async () => {
    expect((await resolveSecrets(parseConfig({ PARTICIPATION_HASH_KEY: ' k1 ' }))).participationKey).toBe('k1');
    expect((await resolveSecrets(parseConfig({}))).participationKey).toBeUndefined();
  });

  it('comes from the SSM SecureString named by PARTICIPATION_HASH_KEY_PARAMETER in AWS', async () => {
    const sent: unknown[] = [];
    const ssm = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return { Parameters: [{ Name: '/p/participation', Value: 'secret-key\n' }], InvalidParameters: [] };
      },
    } as unknown as SSMClient;
    const secrets = await resolveSecrets(parseConfig({ PARTICIPATION_HASH_KEY_PARAMETER: '/p/participation', PARTICIPATION_HASH_KEY: 'ignored' }), ssm);
    expect(sent).toEqual([{ Names: ['/p/participation'], WithDecryption: true }]);
    expect(secrets.participationKey).toBe('secret-key');
  });
});
