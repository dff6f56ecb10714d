// The one-click link carries its credential in the path: the chain's log keys name the route
// template for unauthenticated routes, never the path (other routes keep their path).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpApi, route, text } from '#shared/lambda/http.ts';
import { logger } from '#shared/lambda/logger.ts';
import { httpEvent, lambdaContext } from '../lambda/http-event.ts';

const api = httpApi(
  [
    route({ method: 'POST', path: '/u/{token}', auth: 'none', handle: () => text('ok', 'text/plain') }),
    route({ method: 'GET', path: '/admin/things/{id}', auth: 'admin', handle: () => text('ok', 'text/plain') }),
  ],
  { secrets: async () => ({ signatureKeys: {}, defaultSignatureKey: undefined, adminTokens: ['tok'] }) },
);

afterEach(() => vi.restoreAllMocks());

describe('log keys of link-token routes', () => {
  it('never carry the token of /u/{token}', async () => {
    const spy = vi.spyOn(logger, 'appendKeys');
    const token = 'Zk3sdfQWERTYuiop0987654321abcdefghijklmnopq';
    const res = await api(
      httpEvent({ method: 'POST', path: `/u/${token}`, routeKey: 'POST /u/{token}', pathParameters: { token } }),
      lambdaContext,
    );
    expect(res.statusCode).toBe(200);
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ path: 'POST /u/{token}' }));
    expect(JSON.stringify(spy.mock.calls)).not.toContain(token);
  });

  it('keep the path of other routes', async () => {
    const spy = vi.spyOn(logger, 'appendKeys');
    await api(
      httpEvent({ method: 'GET', path: '/admin/things/a1', routeKey: 'GET /admin/things/{id}', pathParameters: { id: 'a1' }, headers: { authorization: 'Bearer tok' } }),
      lambdaContext,
    );
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ path: '/admin/things/a1' }));
  });
});
