// The local gateway's access log (scripts/local/gateway.ts, pathForLog): a badge's check-in token
// in the console's page path is never printed, like the one-click links' tokens.
import { describe, expect, it } from 'vitest';
import { pathForLog } from '../../../scripts/local/gateway.ts';

describe('access log path', () => {
  const proxy = [
    { kind: 'literal' as const, value: 'console' },
    { kind: 'greedy' as const, name: 'proxy' },
  ];

  it('prints the check-in page of a badge without its token', () => {
    expect(pathForLog('/console/check-in/AbCdEfGhIjKlMnOpQrStUvWx', '', proxy)).toBe('/console/check-in/{token}');
  });

  it('prints the other console pages as they are', () => {
    expect(pathForLog('/console/meetings/club-12/check-in', '', proxy)).toBe('/console/meetings/club-12/check-in');
  });
});
