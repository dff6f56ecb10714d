import { describe, expect, it, beforeEach, vi } from 'vitest';
import * as z from 'zod';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { httpApi, json, publikOk, route, type HttpResponse } from '#shared/lambda/http.ts';
import { InvalidRequestError, NotFoundError, RefusalError } from '#shared/errors.ts';
import { logger } from '#shared/lambda/logger.ts';
import type { NonceRepository } from '#shared/adapters/dynamodb/nonce-repository.ts';
import type { CallNonce } from '#shared/domain/call-nonce.ts';
import { signQuery } from '#shared/publik/signature.ts';
import { zBool, zEmail, zList, zSlug, zText } from '#shared/publik/coerce.ts';
import formdata from '#tests/fixtures/wcs-registration-formdata.json' with { type: 'json' };
import { httpEvent, lambdaContext } from './http-event.ts';

const KEY = 'test-key-demarches';
const now = new Date('2025-05-02T10:00:00Z');

class MemoryNonceRepository implements NonceRepository {
  readonly tableName = 'nonces';
  seen = new Set<string>();
  async claim(nonce: CallNonce) {
    const k = `${nonce.orig}#${nonce.value}`;
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    nonce.markConsumed();
    return true;
  }
}

let nonces: MemoryNonceRepository;
let failWith: unknown;
const calls: unknown[] = [];

function buildApi() {
  return httpApi(
    [
      route({
        method: 'GET',
        path: '/things/{thingId}',
        auth: 'publik',
        params: z.object({ thingId: z.string() }),
        handle: ({ params, caller }) => publikOk({ id: params.thingId, orig: caller?.orig }),
      }),
      route({
        method: 'POST',
        path: '/things',
        auth: 'publik',
        body: z.object({ email: zEmail(), last_name: zText(), workshops: zList(z.string()), evening_event: zBool() }),
        handle: ({ body }) => {
          calls.push(body);
          if (failWith) throw failWith;
          return publikOk(body);
        },
      }),
      route({
        method: 'POST',
        path: '/bad',
        auth: 'publik',
        handle: () => json({ err: 0, data: { display_id: '12-34' } }),
      }),
      route({ method: 'GET', path: '/admin/things', auth: 'admin', handle: () => json({ err: 0, data: [] }) }),
      route({
        method: 'POST',
        path: '/writes',
        auth: 'publik',
        body: z.object({ email: zEmail() }),
        handle: ({ body, nonce }) => {
          calls.push({ body, consumedBefore: nonce?.consumed });
          if (failWith) throw failWith;
          // A use case that writes consumes the nonce inside its own transaction.
          if (body.email.startsWith('writes')) nonce?.markConsumed();
          return publikOk({ ok: true });
        },
      }),
      route({
        method: 'PUT',
        path: '/admin/slugs/{slugId}',
        auth: 'admin',
        params: z.object({ slugId: zSlug() }),
        handle: ({ params }) => json({ err: 0, data: params }),
      }),
    ],
    {
      secrets: async () => ({ signatureKeys: { 'demarches.example.org': KEY }, defaultSignatureKey: undefined, adminTokens: ['tok-1', 'tok-2'] }),
      nonceRepository: nonces,
      clock: () => now,
    },
  );
}

function signed(query = '', nonce = Math.random().toString(16).slice(2)) {
  return signQuery(query, KEY, { timestamp: now, nonce, orig: 'demarches.example.org' });
}

async function call(api: ReturnType<typeof buildApi>, event: Parameters<typeof api>[0]) {
  const res = (await api(event, lambdaContext)) as HttpResponse;
  return { status: res.statusCode, headers: res.headers ?? {}, body: JSON.parse(String(res.body)) };
}

beforeEach(() => {
  nonces = new MemoryNonceRepository();
  failWith = undefined;
  calls.length = 0;
});

describe('the HTTP chain', () => {
  it('answers a signed call with the Publik envelope and path parameters', async () => {
    const api = buildApi();
    const res = await call(api, httpEvent({ method: 'GET', path: '/things/abc', rawQueryString: signed(), routeKey: 'GET /things/{thingId}' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ err: 0, data: { id: 'abc', orig: 'demarches.example.org' } });
  });

  it('refuses unsigned, badly signed and replayed calls with 403 access-denied', async () => {
    const api = buildApi();
    const unsigned = await call(api, httpEvent({ method: 'GET', path: '/things/abc' }));
    expect(unsigned.status).toBe(403);
    expect(unsigned.body).toMatchObject({ err: 1, err_class: 'access-denied' });
    expect(unsigned.body.err_desc).toMatch(/signature/i);

    const query = signed('', 'n-1');
    const tampered = await call(api, httpEvent({ method: 'GET', path: '/things/abc', rawQueryString: query.replace('algo=sha256', 'algo=sha256&x=1') }));
    expect(tampered.status).toBe(403);

    expect((await call(api, httpEvent({ method: 'GET', path: '/things/abc', rawQueryString: query }))).status).toBe(200);
    const replay = await call(api, httpEvent({ method: 'GET', path: '/things/abc', rawQueryString: query }));
    expect(replay.status).toBe(403);
    expect(replay.body.err_desc).toBe('Appel rejoué : ce nonce a déjà été utilisé.');
  });

  it('claims a read’s nonce while it reads, and refuses a replayed read before anything else is said', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    class SlowNonceRepository extends MemoryNonceRepository {
      override async claim(nonce: CallNonce) {
        events.push('claim started');
        await gate;
        events.push('claim ended');
        return super.claim(nonce);
      }
    }
    const api = httpApi(
      [
        route({
          method: 'GET',
          path: '/gone/{id}',
          auth: 'publik',
          params: z.object({ id: z.string() }),
          handle: async () => {
            events.push('read');
            release();
            throw new NotFoundError('Chose inconnue.', 'unknown-thing');
          },
        }),
      ],
      {
        secrets: async () => ({ signatureKeys: { 'demarches.example.org': KEY }, defaultSignatureKey: undefined, adminTokens: [] }),
        nonceRepository: new SlowNonceRepository(),
        clock: () => now,
      },
    );
    const query = signed('', 'n-gone');
    const first = await call(api, httpEvent({ method: 'GET', path: '/gone/x', rawQueryString: query }));
    expect(first.status).toBe(404);
    // The read ran while the claim was in flight (one round trip), not after it.
    expect(events).toEqual(['claim started', 'read', 'claim ended']);
    const replay = await call(api, httpEvent({ method: 'GET', path: '/gone/x', rawQueryString: query }));
    expect(replay.status).toBe(403);
    expect(replay.body.err_class).toBe('access-denied');
  });

  it('parses key/value bodies with w.c.s. string values', async () => {
    const api = buildApi();
    const res = await call(
      api,
      httpEvent({
        method: 'POST',
        path: '/things',
        rawQueryString: signed(),
        body: { email: ' Claire.Martin@Villejuif.fr ', last_name: 'Martin', workshops: 'a,b', evening_event: 'True', extra: 1 },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ email: 'claire.martin@villejuif.fr', last_name: 'Martin', workshops: ['a', 'b'], evening_event: true });
  });

  it('unwraps a whole form (post_formdata) body', async () => {
    const api = buildApi();
    const res = await call(api, httpEvent({ method: 'POST', path: '/things', rawQueryString: signed(), body: formdata.body }));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      email: 'claire.martin@villejuif.fr',
      workshops: ['socle-personnes-morales', 'mutualiser-publik'],
      evening_event: true,
    });
  });

  it('parses form-urlencoded bodies', async () => {
    const api = buildApi();
    const res = await call(
      api,
      httpEvent({
        method: 'POST',
        path: '/things',
        rawQueryString: signed(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40b.fr&last_name=Dupont&workshops=x&workshops=y&evening_event=on',
      }),
    );
    expect(res.body.data).toEqual({ email: 'a@b.fr', last_name: 'Dupont', workshops: ['x', 'y'], evening_event: true });
  });

  it('answers 400 invalid-request naming each field, and never calls the handler', async () => {
    const api = buildApi();
    const res = await call(api, httpEvent({ method: 'POST', path: '/things', rawQueryString: signed(), body: { email: 'nope', evening_event: 'peut-être' } }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ err: 1, err_class: 'invalid-request' });
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'evening_event', 'last_name']);
    expect(res.body.err_desc).toMatch(/^Données invalides : /);
    expect(res.body.err_desc).toContain('email : Adresse électronique invalide.');
    expect(calls).toHaveLength(0);
  });

  it('adds the route’s stored-state rules to a failed parse, on the fields that parsed: one 400 for all', async () => {
    const seen: unknown[] = [];
    const api = httpApi(
      [
        route({
          method: 'POST',
          path: '/meetings/{meetingId}/things',
          auth: 'publik',
          params: z.object({ meetingId: z.string() }),
          body: z.object({ email: zEmail(), consent: zText().optional(), days: zList(z.string()) }),
          contextIssues: async ({ fields, params }) => {
            seen.push({ fields, params });
            return [
              ...(fields.consent === undefined ? [{ path: 'consent', message: 'Réponse requise.' }] : []),
              // An issue the schema already named is not repeated.
              { path: 'email', message: 'doublon' },
            ];
          },
          handle: () => publikOk({}),
        }),
      ],
      { secrets: async () => ({ signatureKeys: { 'demarches.example.org': KEY }, defaultSignatureKey: undefined, adminTokens: [] }), nonceRepository: nonces, clock: () => now },
    );
    const res = await call(api, httpEvent({ method: 'POST', path: '/meetings/m1/things', rawQueryString: signed(), body: { days: 'a,b' } }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'email', message: 'Ce champ est obligatoire.' },
      { path: 'consent', message: 'Réponse requise.' },
    ]);
    expect(res.body.err_desc).toBe('Données invalides : email : Ce champ est obligatoire. ; consent : Réponse requise.');
    expect(seen).toEqual([{ fields: { days: ['a', 'b'] }, params: { meetingId: 'm1' } }]);
    // A valid body never runs them (the use case applies its own rules).
    const valid = await call(api, httpEvent({ method: 'POST', path: '/meetings/m1/things', rawQueryString: signed(), body: { email: 'a@b.fr' } }));
    expect(valid.status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('still answers 400 with the schema’s issues when the stored-state rules cannot be read', async () => {
    const api = httpApi(
      [
        route({
          method: 'POST',
          path: '/things',
          auth: 'publik',
          body: z.object({ email: zEmail() }),
          contextIssues: async () => {
            throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
          },
          handle: () => publikOk({}),
        }),
      ],
      { secrets: async () => ({ signatureKeys: { 'demarches.example.org': KEY }, defaultSignatureKey: undefined, adminTokens: [] }), nonceRepository: nonces, clock: () => now },
    );
    const res = await call(api, httpEvent({ method: 'POST', path: '/things', rawQueryString: signed(), body: {} }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'email', message: 'Ce champ est obligatoire.' }]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const api = buildApi();
    const res = await call(api, httpEvent({ method: 'POST', path: '/things', rawQueryString: signed(), body: '{"email":' }));
    expect(res.status).toBe(400);
    expect(res.body.err_desc).toMatch(/JSON valide/);
  });

  it('maps refusals to HTTP 200 err:1 with their class and data', async () => {
    const api = buildApi();
    failWith = new RefusalError('day-full', 'La journée est complète.', { date: '2025-06-08' });
    const res = await call(api, httpEvent({ method: 'POST', path: '/things', rawQueryString: signed(), body: { email: 'a@b.fr', last_name: 'X' } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ err: 1, err_class: 'day-full', err_desc: 'La journée est complète.', data: { date: '2025-06-08' } });
  });

  it('answers 503 service-busy when DynamoDB throttles after retries, 500 without details otherwise', async () => {
    const api = buildApi();
    failWith = new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} });
    const busy = await call(api, httpEvent({ method: 'POST', path: '/things', rawQueryString: signed(), body: { email: 'a@b.fr', last_name: 'X' } }));
    expect(busy.status).toBe(503);
    expect(busy.body.err_class).toBe('service-busy');
    expect(busy.headers['retry-after']).toBe('1');

    failWith = new Error('secret internal detail');
    const crash = await call(api, httpEvent({ method: 'POST', path: '/things', rawQueryString: signed(), body: { email: 'a@b.fr', last_name: 'X' } }));
    expect(crash.status).toBe(500);
    expect(crash.body).toEqual({ err: 1, err_class: 'internal-error', err_desc: 'Erreur interne du service : réessayez plus tard.' });
  });

  it('never lets a display_id out of a POST answer', async () => {
    const api = buildApi();
    const res = await call(api, httpEvent({ method: 'POST', path: '/bad', rawQueryString: signed() }));
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('display_id');
  });

  it('answers 404 in the envelope for an unknown route', async () => {
    const api = buildApi();
    const res = await call(api, httpEvent({ method: 'GET', path: '/nowhere', rawQueryString: signed() }));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ err: 1, err_class: 'not-found' });
  });

  it('guards admin routes with bearer tokens: 401 without, 403 wrong, 200 right', async () => {
    const api = buildApi();
    const none = await call(api, httpEvent({ method: 'GET', path: '/admin/things' }));
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await call(api, httpEvent({ method: 'GET', path: '/admin/things', headers: { authorization: 'Bearer tok-3' } }));
    expect(wrong.status).toBe(403);
    const signedOnly = await call(api, httpEvent({ method: 'GET', path: '/admin/things', rawQueryString: signed() }));
    expect(signedOnly.status).toBe(401);
    const right = await call(api, httpEvent({ method: 'GET', path: '/admin/things', headers: { authorization: 'Bearer tok-2' } }));
    expect(right.status).toBe(200);
  });
});

describe('the HTTP chain: nonce of writes, canonical ids, bounded and typed bodies', () => {
  const post = (body: unknown, query = signed(), headers: Record<string, string> = {}) =>
    httpEvent({ method: 'POST', path: '/writes', rawQueryString: query, body, headers });

  it('leaves a write’s nonce to its transaction, and claims it after an answer that wrote nothing', async () => {
    const api = buildApi();
    const query = signed('', 'n-write');
    expect((await call(api, post({ email: 'writes@x.fr' }, query))).status).toBe(200);
    expect(calls[0]).toMatchObject({ consumedBefore: false });
    // The use case consumed it (in its transaction): the chain did not store it a second time.
    expect(nonces.seen.size).toBe(0);

    const readOnly = signed('', 'n-read-only');
    expect((await call(api, post({ email: 'reads@x.fr' }, readOnly))).status).toBe(200);
    expect(nonces.seen.has('demarches.example.org#n-read-only')).toBe(true);
    const replay = await call(api, post({ email: 'reads@x.fr' }, readOnly));
    expect(replay.status).toBe(403);
    expect(replay.body.err_class).toBe('access-denied');
  });

  it('spends the nonce of a refusal, but leaves it free after bad input or a failure', async () => {
    const api = buildApi();
    failWith = new RefusalError('day-full', 'Complet.');
    expect((await call(api, post({ email: 'a@x.fr' }, signed('', 'n-refused')))).body.err_class).toBe('day-full');
    expect(nonces.seen.has('demarches.example.org#n-refused')).toBe(true);

    failWith = undefined;
    expect((await call(api, post({ email: 'pas-une-adresse' }, signed('', 'n-bad')))).status).toBe(400);
    failWith = new Error('boom');
    expect((await call(api, post({ email: 'a@x.fr' }, signed('', 'n-crash')))).status).toBe(500);
    expect(nonces.seen.has('demarches.example.org#n-bad')).toBe(false);
    expect(nonces.seen.has('demarches.example.org#n-crash')).toBe(false);
  });

  it('answers 404 for a path id that is not exactly canonical, never another object', async () => {
    const api = buildApi();
    const admin = { authorization: 'Bearer tok-1' };
    const put = (path: string) => call(api, httpEvent({ method: 'PUT', path, headers: admin, body: {} }));
    expect((await put('/admin/slugs/club-12')).body).toEqual({ err: 0, data: { slugId: 'club-12' } });
    for (const path of ['/admin/slugs/%20club-12', '/admin/slugs/club-12%20', '/admin/slugs/club%2d12', '/admin/slugs/club%2D12']) {
      const res = await put(path);
      expect(res.status, path).toBe(404);
      expect(res.body.err_class).toBe('not-found');
    }
    expect((await put('/admin/slugs/Club-12')).status).toBe(400);
  });

  it('refuses a body over 256 KB with 413 before anything else, and other content types with 415', async () => {
    const api = buildApi();
    const huge = await call(api, post({ email: 'a@x.fr', filler: 'x'.repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ err: 1, err_class: 'payload-too-large' });
    expect(calls).toHaveLength(0);

    const xml = await call(api, post('<email>a@x.fr</email>', signed(), { 'content-type': 'application/xml' }));
    expect(xml.status).toBe(415);
    expect(xml.body.err_class).toBe('unsupported-media-type');
    expect(xml.body.err_desc).toMatch(/JSON/);
    const charset = await call(api, post({ email: 'a@x.fr' }, signed(), { 'content-type': 'application/json; charset=utf-8' }));
    expect(charset.status).toBe(200);
  });

  it('logs the class and field names of a refusal, never its text (which may quote an email)', async () => {
    const api = buildApi();
    const lines: unknown[] = [];
    const spy = vi.spyOn(logger, 'info').mockImplementation((...args: unknown[]) => void lines.push(args));
    try {
      failWith = new RefusalError('already-registered', 'L’adresse claire@villejuif.fr est déjà inscrite.');
      await call(api, post({ email: 'claire@villejuif.fr' }));
      failWith = new InvalidRequestError('Données invalides : email : claire@villejuif.fr', [{ path: 'email', message: 'claire@villejuif.fr' }]);
      await call(api, post({ email: 'claire@villejuif.fr' }));
    } finally {
      spy.mockRestore();
    }
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(lines)).not.toContain('claire');
    expect(JSON.stringify(lines)).toContain('already-registered');
  });
});

describe('the chain’s per-container shortcuts (issue 21)', () => {
  const KEY_B = 'cle-de-l-autre-instance';
  const seen: Array<{ orig: string | undefined; id: string; email: string }> = [];
  function twoCallersApi() {
    return httpApi(
      [
        route({
          method: 'POST',
          path: '/items/{itemId}/answers',
          auth: 'publik',
          params: z.object({ itemId: z.string().min(1) }),
          body: z.object({ email: zEmail(), note: zText() }),
          handle: ({ params, body, caller, nonce }) => {
            seen.push({ orig: caller?.orig, id: params.itemId, email: body.email });
            nonce?.markConsumed();
            return publikOk({ id: params.itemId, orig: caller?.orig, email: body.email, note: body.note });
          },
        }),
        route({ method: 'POST', path: '/items', auth: 'publik', handle: () => publikOk({ list: true }) }),
      ],
      {
        secrets: async () => ({
          signatureKeys: { 'demarches.example.org': KEY, 'autre.example.org': KEY_B },
          defaultSignatureKey: undefined,
          adminTokens: [],
        }),
        nonceRepository: nonces,
        clock: () => now,
      },
    );
  }
  const answer = (itemId: string, query: string, body: unknown, routeKey = 'POST /items/{itemId}/answers') =>
    httpEvent({ method: 'POST', path: `/items/${itemId}/answers`, routeKey, rawQueryString: query, body, pathParameters: { itemId } });

  beforeEach(() => {
    seen.length = 0;
  });

  it('serves two callers in sequence, each with its own key, parameters and body; a key is never taken for the other caller', async () => {
    const api = twoCallersApi();
    const first = await call(api, answer('item-1', signed('', 'a-1'), { email: 'une@exemple.fr', note: 'première' }));
    const second = await call(
      api,
      answer('item-2', signQuery('', KEY_B, { timestamp: now, nonce: 'b-1', orig: 'autre.example.org' }), { email: 'deux@exemple.fr', note: 'seconde' }),
    );
    expect(first).toMatchObject({ status: 200, body: { err: 0, data: { id: 'item-1', orig: 'demarches.example.org', email: 'une@exemple.fr', note: 'première' } } });
    expect(second).toMatchObject({ status: 200, body: { err: 0, data: { id: 'item-2', orig: 'autre.example.org', email: 'deux@exemple.fr', note: 'seconde' } } });
    // The first caller's key, used just before, does not sign for the second caller.
    const forged = await call(api, answer('item-3', signQuery('', KEY, { timestamp: now, nonce: 'c-1', orig: 'autre.example.org' }), { email: 'x@exemple.fr', note: 'x' }));
    expect(forged.status).toBe(403);
    expect(forged.body.err_class).toBe('access-denied');
    // Nor the other way round, right after the second caller's key was used.
    const forged2 = await call(api, answer('item-4', signQuery('', KEY_B, { timestamp: now, nonce: 'c-2', orig: 'demarches.example.org' }), { email: 'y@exemple.fr', note: 'y' }));
    expect(forged2.status).toBe(403);
    expect(seen).toEqual([
      { orig: 'demarches.example.org', id: 'item-1', email: 'une@exemple.fr' },
      { orig: 'autre.example.org', id: 'item-2', email: 'deux@exemple.fr' },
    ]);
  });

  it('runs the route API Gateway names, and leaves any other event to the router', async () => {
    const api = twoCallersApi();
    // The gateway's route key and path parameters: the route at once.
    expect((await call(api, answer('item-1', signed(), { email: 'a@exemple.fr', note: 'a' }))).body.data.id).toBe('item-1');
    // `$default` (or any key that is not one of ours): the router matches the path.
    expect((await call(api, answer('item-2', signed(), { email: 'b@exemple.fr', note: 'b' }, '$default'))).body.data.id).toBe('item-2');
    // A templated route key without path parameters: the router matches the path and supplies them.
    const bare = httpEvent({ method: 'POST', path: '/items/item-3/answers', routeKey: 'POST /items/{itemId}/answers', rawQueryString: signed(), body: { email: 'c@exemple.fr', note: 'c' } });
    expect((await call(api, bare)).body.data.id).toBe('item-3');
    // A route key whose method is not the request's: the router decides (here, no route: 404).
    const wrongMethod = httpEvent({ method: 'PUT', path: '/items/item-4/answers', routeKey: 'POST /items/{itemId}/answers', rawQueryString: signed(), pathParameters: { itemId: 'item-4' } });
    expect((await call(api, wrongMethod)).status).toBe(404);
    // A static route by its key.
    expect((await call(api, httpEvent({ method: 'POST', path: '/items', rawQueryString: signed() }))).body.data).toEqual({ list: true });
    expect(seen.map((s) => s.id)).toEqual(['item-1', 'item-2', 'item-3']);
  });

  it('still refuses a display_id in a POST answer, and answers a POST whose values only mention it', async () => {
    const api = httpApi(
      [
        route({ method: 'POST', path: '/mention', auth: 'publik', handle: () => publikOk({ note: 'display_id', display: 'id' }) }),
        route({ method: 'POST', path: '/nested', auth: 'publik', handle: () => publikOk({ display_id: '12-3' }) }),
      ],
      { secrets: async () => ({ signatureKeys: { 'demarches.example.org': KEY }, defaultSignatureKey: undefined, adminTokens: [] }), nonceRepository: nonces, clock: () => now },
    );
    const mention = await call(api, httpEvent({ method: 'POST', path: '/mention', rawQueryString: signed() }));
    expect(mention).toMatchObject({ status: 200, body: { err: 0, data: { note: 'display_id' } } });
    const nested = await call(api, httpEvent({ method: 'POST', path: '/nested', rawQueryString: signed() }));
    expect(nested.status).toBe(500);
    expect(nested.body.err_class).toBe('internal-error');
  });
});
