import { describe, expect, it } from 'vitest';
import { httpFunctions } from '#functions/manifest.ts';

// The manifest feeds the CDK routes and the local gateway; each handler's router must serve
// exactly the routes the manifest gives it, or a route would exist on one side only.
describe('functions manifest', () => {
  for (const fn of httpFunctions) {
    it(`${fn.name} serves exactly its manifest routes`, async () => {
      const mod = (await import(`#functions/${fn.name}/handler.ts`)) as { handler: { routes: { routeKey: string }[] } };
      const served = mod.handler.routes.map((r) => r.routeKey).sort();
      expect(served).toEqual([...fn.routes].sort());
    });
  }

  it('gives every route to one function only', () => {
    const all = httpFunctions.flatMap((f) => f.routes);
    expect(new Set(all).size).toBe(all.length);
  });

  it('keeps /admin routes behind admin tokens, link-token and public routes as declared, and the rest signed', async () => {
    for (const fn of httpFunctions) {
      const mod = (await import(`#functions/${fn.name}/handler.ts`)) as {
        handler: { routes: { routeKey: string; path: string; auth: string }[] };
      };
      const linkToken = new Set([...(fn.linkTokenRoutes ?? []), ...(fn.publicRoutes ?? [])]);
      for (const r of mod.handler.routes) {
        const expected = r.path.startsWith('/admin') ? 'admin' : linkToken.has(r.routeKey) ? 'none' : 'publik';
        expect(r.auth, `${fn.name} ${r.routeKey}`).toBe(expected);
      }
    }
  });
});
