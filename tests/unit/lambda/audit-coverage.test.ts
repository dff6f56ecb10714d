import { describe, expect, it } from 'vitest';
import { httpFunctions } from '#functions/manifest.ts';

// Every admin write appends an audit record (contract-rgpd.md, "Audit trail"): each non-GET
// /admin route of the manifest must declare one (RouteSpec.audit, shared/lambda/http.ts).
describe('audit trail coverage', () => {
  it('every non-GET /admin route of the manifest declares its audit action', async () => {
    const missing: string[] = [];
    const declared: string[] = [];
    for (const fn of httpFunctions) {
      const mod = (await import(`#functions/${fn.name}/handler.ts`)) as {
        handler: { routes: { routeKey: string; method: string; path: string; auditAction: string | undefined }[] };
      };
      for (const r of mod.handler.routes) {
        if (r.method === 'GET' || !r.path.startsWith('/admin')) continue;
        if (r.auditAction === undefined) missing.push(`${fn.name}: ${r.routeKey}`);
        else declared.push(r.routeKey);
      }
    }
    expect(missing).toEqual([]);
    // The list is read from the real routers (not an empty set by mistake).
    expect(declared).toContain('PUT /admin/meetings/{meetingId}');
    expect(declared).toContain('POST /admin/check-in/{checkinToken}');
    // Importing every handler (each builds its context) takes seconds on a loaded machine.
  }, 60_000);
});
