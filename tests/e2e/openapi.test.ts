// The API reference through the local gateway: the document and the Redoc page with the
// console's security headers, and the answer validation of the e2e suite itself, counted (every
// answer, bare fetch included) and run on the organiser routes no other e2e test reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';
import { answerChecks } from '#tests/support/answer-validation.ts';
import { generateDocumentText } from '../../scripts/openapi.ts';

let stack: TestStack;

const meeting = {
  title: '12e Club utilisateurs Publik',
  venue: 'Villejuif',
  timezone: 'Europe/Paris',
  registration_opens_at: '2026-01-01T00:00:00+01:00',
  registration_closes_at: '2099-12-31T23:59:59+01:00',
  image_rights_notice: "J'accepte d'être photographié·e ou filmé·e pendant le club.",
  days: [
    { date: '2030-06-07', label: 'Vendredi 7 juin', onsite_capacity: 1, waiting_list: true },
    { date: '2030-06-08', label: 'Samedi 8 juin', onsite_capacity: 60, waiting_list: false },
  ],
  workshops: [
    { id: 'socle', day: '2030-06-08', title: 'Atelier 1 : Socle personnes morales', starts_at: '14:00', ends_at: '16:00', capacity: 25, waiting_list: true },
  ],
  evening_event: { date: '2030-06-06', title: 'Soirée de la veille', capacity: 80, waiting_list: false },
};

const person = (n: number, extra: Record<string, unknown> = {}) => ({
  form_uuid: `openapi-e2e-${n}`,
  email: `personne${n}@exemple-commune.fr`,
  first_name: 'Camille',
  last_name: `Martin ${n}`,
  organisation: `Commune ${n}`,
  onsite_days: ['2030-06-07', '2030-06-08'],
  workshops: ['socle'],
  evening_event: true,
  image_rights: n === 1 ? 'refused' : 'accepted',
  ...extra,
});

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin('/admin/meetings/club-oa', { method: 'PUT', json: meeting });
  expect(put.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('the reference', () => {
  it('GET /openapi.json answers the document generated from the schemas, without authentication', async () => {
    const res = await fetch(`${stack.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe(await generateDocumentText());
  });

  it('GET /docs is the Redoc page, served by us with the console\'s security headers', async () => {
    const res = await fetch(`${stack.baseUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).not.toMatch(/https?:/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).not.toMatch(/<script>|<script[^>]*>[^<]/); // no inline script
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/docs/redoc.standalone.js', '/docs/init.js']);
    for (const src of scripts) {
      const asset = await fetch(`${stack.baseUrl}${src}`);
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type'), src).toMatch(/^text\/javascript/);
      expect(asset.headers.get('content-security-policy'), src).toBe(csp);
      expect((await asset.text()).length, src).toBeGreaterThan(50);
    }
    const init = await (await fetch(`${stack.baseUrl}/docs/init.js`)).text();
    expect(init).toContain("Redoc.init('/openapi.json'");
    expect((await fetch(`${stack.baseUrl}/docs/autre.js`)).status).toBe(404);
  });
});

describe('answers held to the document', () => {
  it('validates every answer the gateway gives, a bare fetch as much as a signed call', async () => {
    const before = answerChecks.validated;
    await fetch(`${stack.baseUrl}/meetings`); // unsigned: 403
    await fetch(stack.sign('/meetings/club-oa/days'));
    await stack.fetchAdmin('/admin/meetings/club-oa');
    await fetch(`${stack.baseUrl}/admin/meetings/inconnue`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    expect(answerChecks.validated - before).toBe(4);
  });

  it('holds the organiser lists, the check-in and a modification to their schemas', async () => {
    for (const n of [1, 2]) {
      const res = await stack.fetchSigned('/meetings/club-oa/registrations', { method: 'POST', json: person(n) });
      const body = (await res.json()) as { err: number; data: { registration_id: string; status: string } };
      expect(body.err).toBe(0);
    }
    const first = (await (await stack.fetchAdmin('/admin/meetings/club-oa/registrations')).json()) as {
      err: number;
      data: Array<{ registration_id: string; last_name: string }>;
    };
    expect(first.data.map((r) => r.last_name)).toEqual(['Martin 1', 'Martin 2']);
    const [one, two] = first.data.map((r) => r.registration_id) as [string, string];

    const modified = await stack.fetchSigned(`/registrations/${two}`, { method: 'POST', json: person(2, { evening_event: false }) });
    expect(((await modified.json()) as { err: number }).err).toBe(0);
    const checkIn = await stack.fetchAdmin(`/admin/registrations/${one}/check-in`, { method: 'POST', json: { day: '2030-06-07' } });
    expect(checkIn.status).toBe(200);
    const notThere = await stack.fetchAdmin(`/admin/registrations/${two}/check-in`, { method: 'POST', json: { day: '2030-06-07' } });
    expect(notThere.status).toBe(409); // waiting for the day

    for (const path of [
      '/admin/meetings/club-oa',
      '/admin/meetings/club-oa?format=csv',
      '/admin/meetings/club-oa/registrations?include_cancelled=oui',
      '/admin/meetings/club-oa/registrations?format=csv',
      '/admin/meetings/club-oa/workshops/socle/roster',
      '/admin/meetings/club-oa/evening',
      '/admin/meetings/club-oa/image-rights-refusals',
      '/admin/meetings/club-oa/workshops/inconnu/roster',
      '/admin/meetings',
    ]) {
      const res = await stack.fetchAdmin(path);
      expect(res.status, path).toBe(path.includes('inconnu') ? 404 : 200);
    }
    expect(answerChecks.drifts).toEqual([]);
  });
});
