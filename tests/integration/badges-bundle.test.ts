// The badges function as deployed: its bundle (index.mjs) and its lazy chunk (badge-pdf.mjs with
// the fonts beside it), built with the settings the stack uses, loaded by Node from files and
// invoked with an API Gateway event against DynamoDB Local: the chunk is found beside the bundle
// and the PDF comes out with a readable QR code. Built under .local/ so that the bundle finds
// the AWS SDK in node_modules, as the Lambda runtime provides it.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { httpFunctions } from '#functions/manifest.ts';
import { lambdaEsbuildOptions } from '#infra/bundling.ts';
import { buildLazyChunk } from '#infra/lazy-chunk.ts';
import { httpEvent, lambdaContext } from '#tests/unit/lambda/http-event.ts';
import { readBadges } from '#tests/support/pdf.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';
import { projectRoot } from '../../scripts/local/paths.ts';

const dir = path.join(projectRoot, '.local', `bundle-test-${randomBytes(3).toString('hex')}`);
const meetingId = 'club-bundle';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.fetchAdmin(`/admin/meetings/${meetingId}`, {
    method: 'PUT',
    json: {
      title: 'Club du paquet',
      venue: 'Villejuif',
      registration_opens_at: '2026-01-01T00:00:00+01:00',
      registration_closes_at: '2099-12-31T23:59:59+01:00',
      days: [{ date: '2099-06-09', label: 'Mardi 9 juin', onsite_capacity: 10, waiting_list: false }],
    },
  });
  expect(put.status).toBe(201);
  const res = await stack.fetchSigned(`/meetings/${meetingId}/registrations`, {
    method: 'POST',
    json: { form_uuid: 'bundle-1', email: 'b@example.org', first_name: 'Brigitte', last_name: 'Paquet', organisation: 'Ville d’Évry', onsite_days: ['2099-06-09'] },
  });
  expect(((await res.json()) as { err: number }).err).toBe(0);
  const spec = httpFunctions.find((f) => f.name === 'http-badges');
  if (!spec?.lazyChunk) throw new Error('http-badges has no lazy chunk');
  mkdirSync(dir, { recursive: true });
  await build(lambdaEsbuildOptions(projectRoot, spec.entry, path.join(dir, 'index.mjs')));
  await buildLazyChunk(projectRoot, dir, spec.lazyChunk);
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await stack?.stop();
});

async function invoke(version: string) {
  const mod = (await import(`${pathToFileURL(path.join(dir, 'index.mjs')).href}?v=${version}`)) as {
    handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean }>;
  };
  return mod.handler(
    httpEvent({
      method: 'GET',
      path: `/admin/meetings/${meetingId}/badges.pdf`,
      routeKey: 'GET /admin/meetings/{meetingId}/badges.pdf',
      pathParameters: { meetingId },
      headers: { authorization: `Bearer ${stack.adminToken}` },
    }),
    lambdaContext,
  );
}

it('renders the PDF from the chunk beside the bundle', async () => {
  const res = await invoke('1');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect(res.isBase64Encoded).toBe(true);
  const [badge] = await readBadges(new Uint8Array(Buffer.from(res.body, 'base64')), 1);
  expect(badge?.text).toContain('Brigitte Paquet');
  expect(badge?.qr).toMatch(/\/console\/check-in\/[A-Za-z0-9_-]{24}$/);
});

it('reads the engine’s fonts from beside the bundle (not from the sources): without them, a fresh instance fails', async () => {
  rmSync(path.join(dir, 'DejaVuSans.ttf'));
  const printed: string[] = [];
  const capture = (chunk: unknown): boolean => (printed.push(String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    expect((await invoke('2')).statusCode).toBe(500);
  } finally {
    vi.restoreAllMocks();
  }
  // The logged cause: the font file beside the bundle, missing.
  expect(printed.join('')).toContain(`${path.join(dir, 'DejaVuSans.ttf')}`);
});
