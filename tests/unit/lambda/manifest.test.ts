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

  it('keeps /admin routes in admin-token functions and the rest signed', async () => {
    for (const fn of httpFunctions) {
      const mod = (await import(`#functions/${fn.name}/handler.ts`)) as { handler: { routes: { path: string; auth: string }[] } };
      for (const r of mod.handler.routes) {
        expect(r.auth === 'admin', `${fn.name} ${r.path}`).toBe(r.path.startsWith('/admin'));
      }
    }
  });
});
