// The admin actor and the audit record the HTTP chain appends after an admin write
// (shared/lambda/http.ts): labels instead of tokens, a record only for a write that succeeded,
// and a write whose record cannot be kept is not allowed to pass silently.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { adminTokenEntries, httpApi, publikOk, route, type HttpResponse } from '#shared/lambda/http.ts';
import { ConflictError } from '#shared/errors.ts';
import { logger } from '#shared/lambda/logger.ts';
import type { AuditTrail } from '#shared/domain/audit/ports.ts';
import type { AuditPage, AuditRecord } from '#shared/domain/audit/record.ts';
import { httpEvent, lambdaContext } from './http-event.ts';

const now = new Date('2026-12-07T10:00:00.000Z');

class MemoryAuditTrail implements AuditTrail {
  records: AuditRecord[] = [];
  failing = false;
  async append(record: AuditRecord) {
    if (this.failing) throw new Error('store down');
    this.records.push(record);
  }
  async list(): Promise<AuditPage> {
    return { records: [...this.records].reverse(), next: null };
  }
}

let trail: MemoryAuditTrail;
let refuse = false;

function buildApi(adminTokens = ['ops:s3cret-ops', 'plain-secret', 'console-helper:tok:with:colons']) {
  return httpApi(
    [
      route({
        method: 'PUT',
        path: '/admin/things/{thingId}',
        auth: 'admin',
        params: z.object({ thingId: z.string() }),
        body: z.object({ size: z.number() }),
        audit: { action: 'thing.put', counts: (data) => ({ size: (data as { size: number }).size }) },
        handle: ({ params, body, actor }) => {
          if (refuse) throw new ConflictError('thing-locked', 'Verrouillé.');
          return publikOk({ id: params.thingId, size: body.size, actor });
        },
      }),
      route({
        method: 'POST',
        path: '/admin/badge/{token}',
        auth: 'admin',
        secretPath: true,
        params: z.object({ token: z.string() }),
        audit: { action: 'thing.check-in', target: (_request, data) => (data as { id: string }).id },
        handle: () => publikOk({ id: 'reg-42', name: 'Camille Martin' }),
      }),
      route({
        method: 'GET',
        path: '/admin/things/{thingId}',
        auth: 'admin',
        params: z.object({ thingId: z.string() }),
        query: z.object({ reissue: z.string().optional() }),
        audit: { action: 'thing.reissue', when: ({ query }) => query.reissue === 'yes' },
        handle: ({ params }) => publikOk({ id: params.thingId }),
      }),
    ],
    { secrets: async () => ({ signatureKeys: {}, defaultSignatureKey: undefined, adminTokens }), auditTrail: trail, clock: () => now },
  );
}

async function call(api: ReturnType<typeof buildApi>, opts: Parameters<typeof httpEvent>[0]) {
  const res = (await api(httpEvent(opts), lambdaContext)) as HttpResponse;
  return { status: res.statusCode, body: JSON.parse(String(res.body)) as { err: number; err_class?: string; data?: Record<string, unknown> } };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeEach(() => {
  trail = new MemoryAuditTrail();
  refuse = false;
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('admin tokens with labels', () => {
  it('reads `label:token` entries and labels a plain token by its position', () => {
    expect(adminTokenEntries(['ops:abc', 'plain', 'x.y-z:tok:with:colons'])).toEqual([
      { label: 'ops', token: 'abc' },
      { label: 'token-2', token: 'plain' },
      { label: 'x.y-z', token: 'tok:with:colons' },
    ]);
  });

  it('gives the route the actor by label; the whole `label:token` entry is not a token', async () => {
    const api = buildApi();
    const labelled = await call(api, { method: 'PUT', path: '/admin/things/a', headers: bearer('s3cret-ops'), body: { size: 1 } });
    expect(labelled.status).toBe(200);
    expect(labelled.body.data?.['actor']).toEqual({ kind: 'token', label: 'ops' });
    const plain = await call(api, { method: 'PUT', path: '/admin/things/a', headers: bearer('plain-secret'), body: { size: 1 } });
    expect(plain.body.data?.['actor']).toEqual({ kind: 'token', label: 'token-2' });
    const colons = await call(api, { method: 'PUT', path: '/admin/things/a', headers: bearer('tok:with:colons'), body: { size: 1 } });
    expect(colons.body.data?.['actor']).toEqual({ kind: 'token', label: 'console-helper' });
    const whole = await call(api, { method: 'PUT', path: '/admin/things/a', headers: bearer('ops:s3cret-ops'), body: { size: 1 } });
    expect(whole.status).toBe(403);
  });
});

describe('the audit record of an admin write', () => {
  it('is appended after a successful write: time, actor label, action, target (last path parameter), counts', async () => {
    const res = await call(buildApi(), { method: 'PUT', path: '/admin/things/club-12', headers: bearer('s3cret-ops'), body: { size: 7 } });
    expect(res.status).toBe(200);
    expect(trail.records).toEqual([
      { at: now.toISOString(), id: expect.any(String), actor: { kind: 'token', label: 'ops' }, action: 'thing.put', target: 'club-12', counts: { size: 7 } },
    ]);
    expect(JSON.stringify(trail.records)).not.toContain('s3cret');
  });

  it('is not appended when the write is refused or the input is bad', async () => {
    const api = buildApi();
    expect((await call(api, { method: 'PUT', path: '/admin/things/a', headers: bearer('s3cret-ops'), body: { size: 'x' } })).status).toBe(400);
    refuse = true;
    expect((await call(api, { method: 'PUT', path: '/admin/things/a', headers: bearer('s3cret-ops'), body: { size: 1 } })).status).toBe(409);
    expect((await call(api, { method: 'PUT', path: '/admin/things/a', headers: bearer('nope'), body: { size: 1 } })).status).toBe(403);
    expect(trail.records).toEqual([]);
  });

  it('names the object from the answer, never the credential in the path, and nothing a person typed', async () => {
    const res = await call(buildApi(), { method: 'POST', path: '/admin/badge/secret-badge-token', routeKey: 'POST /admin/badge/{token}', headers: bearer('plain-secret') });
    expect(res.status).toBe(200);
    expect(trail.records.map((r) => [r.action, r.target, r.actor])).toEqual([['thing.check-in', 'reg-42', { kind: 'token', label: 'token-2' }]]);
    expect(JSON.stringify(trail.records)).not.toMatch(/secret-badge-token|Camille|Martin/);
  });

  it('records a GET only when its `when` says it writes', async () => {
    const api = buildApi();
    await call(api, { method: 'GET', path: '/admin/things/a', headers: bearer('plain-secret') });
    expect(trail.records).toEqual([]);
    await call(api, { method: 'GET', path: '/admin/things/a', rawQueryString: 'reissue=yes', headers: bearer('plain-secret') });
    expect(trail.records.map((r) => r.action)).toEqual(['thing.reissue']);
  });

  it('does not let a write pass silently when its record cannot be kept: 503 service-busy and an error log without the token', async () => {
    trail.failing = true;
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const res = await call(buildApi(), { method: 'PUT', path: '/admin/things/club-12', headers: bearer('s3cret-ops'), body: { size: 1 } });
    expect(res.status).toBe(503);
    expect(res.body.err_class).toBe('service-busy');
    expect(errors).toHaveBeenCalledWith('audit record not written', expect.objectContaining({ errClass: 'audit-not-written', action: 'thing.put', target: 'club-12' }));
    expect(JSON.stringify(errors.mock.calls)).not.toContain('s3cret');
  });

  it('refuses to build an API whose audited routes have no trail, and an audited credential path without a target', () => {
    const audited = route({ method: 'POST', path: '/admin/x', auth: 'admin', audit: { action: 'x.do' }, handle: () => publikOk({}) });
    expect(() => httpApi([audited], { secrets: async () => ({ signatureKeys: {}, defaultSignatureKey: undefined, adminTokens: [] }) })).toThrow(/audit trail/);
    expect(() =>
      route({ method: 'POST', path: '/admin/c/{t}', auth: 'admin', secretPath: true, audit: { action: 'x.do' }, handle: () => publikOk({}) }),
    ).toThrow(/credential/);
  });
});

describe('reading counts from an answer', () => {
  it('keeps whole numbers (nested or not) and list lengths, never texts', async () => {
    const { countsOf, listCounts } = await import('#shared/lambda/audit-fields.ts');
    const data = { dry_run: false, email: 'x@y.fr', counts: { erased: 3, name: 'Martin', ratio: 0.5 }, promoted: 2, registrations: [{ email: 'x@y.fr' }, {}], note: 'Martin' };
    expect(countsOf(data, ['promoted', 'note'])).toEqual({ promoted: 2 });
    expect(countsOf(data, undefined, 'counts')).toEqual({ erased: 3 });
    expect(listCounts(data)).toEqual({ registrations: 2 });
    expect(countsOf('x', ['a'])).toBeUndefined();
  });
});
