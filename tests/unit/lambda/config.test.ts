import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '#shared/config.ts';

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
