import { describe, expect, it } from 'vitest';
import { PublikCallError, PublikCallbackClient } from '#shared/adapters/publik/callback-client.ts';
import { verifyQuery } from '#shared/publik/signature.ts';

const KEY = 'shared-key-with-demarches';
const TRIGGER = 'https://demarches.example.org/club/inscription/34/jump/trigger/promu/';

interface Seen {
  url: string;
  init: RequestInit;
}

function client(answer: () => Response | Promise<Response>, keys: Record<string, string> = { 'demarches.example.org': KEY }) {
  const seen: Seen[] = [];
  const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    return answer();
  }) as typeof fetch;
  return { seen, client: new PublikCallbackClient({ signatureKeys: async () => keys, orig: 'club.example.org', fetch: fetchStub }) };
}

const jsonAnswer = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('PublikCallbackClient', () => {
  it('POSTs the JSON body to the trigger URL, signed with the host’s key and our orig', async () => {
    const { client: c, seen } = client(() => jsonAnswer({ url: null, err: 0 }));
    await expect(c.post(TRIGGER, { event: 'registration.promoted' })).resolves.toEqual({ status: 'sent', httpStatus: 200 });
    expect(seen).toHaveLength(1);
    const call = seen[0] as Seen;
    const url = new URL(call.url);
    expect(`${url.origin}${url.pathname}`).toBe(TRIGGER);
    // What w.c.s. checks: key chosen by `orig`, MAC over the raw query, timestamp within 30 s.
    const verified = verifyQuery(url.search.slice(1), { keys: { 'club.example.org': KEY }, now: new Date() });
    expect(verified.orig).toBe('club.example.org');
    expect(call.init.method).toBe('POST');
    expect(call.init.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
    expect(JSON.parse(String(call.init.body))).toEqual({ event: 'registration.promoted' });
    expect(call.init.redirect).toBe('manual');
    expect(call.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('signs after the query the URL already has', async () => {
    const { client: c, seen } = client(() => jsonAnswer({ err: 0 }));
    await c.post(`${TRIGGER}?source=club`, {});
    const query = new URL((seen[0] as Seen).url).search.slice(1);
    expect(query.startsWith('source=club&orig=club.example.org&algo=sha256&')).toBe(true);
    expect(() => verifyQuery(query, { keys: { 'club.example.org': KEY }, now: new Date() })).not.toThrow();
  });

  it('matches the host without its port and whatever its case', async () => {
    const { client: c, seen } = client(() => jsonAnswer({ err: 0 }), { 'Demarches.Example.org': KEY });
    await expect(c.post('https://DEMARCHES.example.org:8443/x/jump/trigger/t/', {})).resolves.toMatchObject({ status: 'sent' });
    expect(seen).toHaveLength(1);
  });

  it('sends nothing to a host without a signature key', async () => {
    const { client: c, seen } = client(() => jsonAnswer({ err: 0 }));
    await expect(c.post('https://autre.example.org/f/1/jump/trigger/t/', {})).resolves.toEqual({
      status: 'skipped',
      reason: 'no-signature-key',
      host: 'autre.example.org',
    });
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['an empty 204', () => new Response(null, { status: 204 })],
    ['err "0"', () => jsonAnswer({ err: '0' })],
    ['no err at all', () => jsonAnswer({ url: null })],
    ['a JSON list', () => jsonAnswer([])],
  ])('counts %s as a success', async (_label, answer) => {
    await expect(client(answer).client.post(TRIGGER, {})).resolves.toMatchObject({ status: 'sent' });
  });

  it.each([
    ['HTTP 500', () => new Response('boom', { status: 500 }), /answered HTTP 500: boom/],
    ['HTTP 403 with a Publik error', () => jsonAnswer({ err: 1, err_desc: 'Invalid signature.' }, 403), /HTTP 403/],
    ['a redirect', () => new Response(null, { status: 302, headers: { location: '/login/' } }), /HTTP 302/],
    ['err 1 in a 200', () => jsonAnswer({ err: 1, err_class: 'access-denied', err_desc: 'Nonce already used' }), /err=1 \(access-denied: Nonce already used\)/],
    ['X-Error-Code', () => jsonAnswer({ err: 0 }, 200, { 'x-error-code': '3' }), /X-Error-Code 3/],
    ['a body that is not JSON', () => new Response('<html>login</html>', { status: 200 }), /not JSON/],
  ])('throws a retryable error on %s', async (_label, answer, message) => {
    const call = client(answer).client.post(TRIGGER, {});
    await expect(call).rejects.toBeInstanceOf(PublikCallError);
    await expect(call).rejects.toThrow(message);
  });

  it('gives up after its timeout', async () => {
    const fetchStub = ((_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as unknown as typeof fetch;
    const c = new PublikCallbackClient({
      signatureKeys: async () => ({ 'demarches.example.org': KEY }),
      orig: 'club.example.org',
      fetch: fetchStub,
      timeoutMs: 20,
    });
    await expect(c.post(TRIGGER, {})).rejects.toThrow(/no answer from demarches.example.org within 20 ms/);
  });

  it('reports an unreachable host', async () => {
    const fetchStub = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const c = new PublikCallbackClient({ signatureKeys: async () => ({ 'demarches.example.org': KEY }), orig: 'o', fetch: fetchStub });
    await expect(c.post(TRIGGER, {})).rejects.toThrow(/cannot reach demarches.example.org: fetch failed/);
  });
});
