// The OpenAPI document: one operation per route of the manifest, valid OpenAPI 3.1, the same
// bytes every time, and every operation carrying what the contract asks (security, both body
// encodings, the envelopes, the 400/403/404/409/413/415 answers).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { validate, compileErrors } from '@readme/openapi-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpFunctions } from '#functions/manifest.ts';
import { serializeDocument, type OpenApiDocument, type OpenApiOperation } from '#shared/openapi/document.ts';
import { generateDocument, generateDocumentText } from '../../../scripts/openapi.ts';

const run = promisify(execFile);
let document: OpenApiDocument;

beforeAll(async () => {
  document = await generateDocument();
}, 60_000);

function operations(): Array<{ key: string; op: OpenApiOperation }> {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );
}

const spec = (key: string) => httpFunctions.find((f) => f.routes.includes(key))!;
const isAdmin = (key: string) => key.split(' ')[1]!.startsWith('/admin/');
const isPublic = (key: string) => Boolean(spec(key).publicRoutes?.includes(key) || spec(key).linkTokenRoutes?.includes(key));

describe('the OpenAPI document', () => {
  it('has exactly the routes of functions/manifest.ts (method + path)', () => {
    const documented = operations().map((o) => o.key).sort();
    const manifest = httpFunctions.flatMap((f) => f.routes).sort();
    expect(documented).toEqual(manifest);
    expect(documented.length).toBeGreaterThanOrEqual(49);
  });

  it('passes the OpenAPI validator (@readme/openapi-parser)', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(result.specification).toBe('OpenAPI');
    expect(document.openapi).toBe('3.1.0');
  });

  it('is reproducible: generated twice, in this process and in another, the bytes are identical', async () => {
    const again = await generateDocumentText();
    expect(again).toBe(serializeDocument(document));
    const { stdout } = await run('npx', ['tsx', 'scripts/openapi.ts'], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(stdout).toBe(again);
  }, 60_000);

  it('declares the three security schemes and gives each route its own', () => {
    const schemes = (document.components as Record<string, Record<string, Record<string, unknown>>>)['securitySchemes']!;
    expect(schemes['publikSignature']).toMatchObject({ type: 'apiKey', in: 'query', name: 'signature' });
    for (const param of ['algo', 'timestamp', 'nonce', 'orig', 'signature']) expect(schemes['publikSignature']!['description']).toContain(`\`${param}\``);
    expect(schemes['publikSignature']!['description']).toContain('docs/publik-integration.md');
    expect(schemes['adminBearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes['consoleSession']).toMatchObject({ type: 'apiKey', in: 'cookie' });
    for (const { key, op } of operations()) {
      const expected = isPublic(key) ? [] : isAdmin(key) ? [{ adminBearer: [] }] : [{ publikSignature: [] }];
      expect(op['security'], key).toEqual(expected);
    }
  });

  it('gives every operation with a body both encodings w.c.s. sends, and 400, 413, 415', () => {
    const withBody = operations().filter(({ op }) => op['requestBody']);
    expect(withBody.length).toBeGreaterThanOrEqual(14);
    for (const { key, op } of withBody) {
      const content = (op['requestBody'] as { content: Record<string, unknown> }).content;
      expect(Object.keys(content).sort(), key).toEqual(['application/json', 'application/x-www-form-urlencoded']);
      for (const status of ['400', '413', '415']) expect(op.responses[status], `${key} ${status}`).toBeDefined();
    }
  });

  it('answers with the envelopes: `err: 0` + the route\'s data schema, refusals with their err_class enum, 403/404/409 as due', () => {
    const schemas = document.components.schemas;
    const deref = (s: Record<string, unknown>) => (s['$ref'] ? schemas[String(s['$ref']).replace('#/components/schemas/', '')]! : s);
    for (const { key, op } of operations()) {
      expect(op.responses['404'], key).toBeDefined();
      if (!isPublic(key)) expect(op.responses['403'], key).toBeDefined();
      const json = op.responses['200']?.content?.['application/json']?.schema ?? op.responses['201']?.content?.['application/json']?.schema;
      if (!json || spec(key).publicRoutes) continue;
      const variants = (json['oneOf'] as Record<string, unknown>[] | undefined) ?? [json];
      const success = deref(variants[0]!) as { properties: Record<string, { const?: number }>; required: string[] };
      expect(success.properties['err']?.const, key).toBe(0);
      expect(success.required, key).toContain('data');
      for (const refusal of variants.slice(1).map(deref) as Array<{ properties: Record<string, { enum?: string[] }> }>) {
        expect(refusal.properties['err_class']?.enum?.length, key).toBeGreaterThan(0);
      }
    }
    const register = document.paths['/meetings/{meetingId}/registrations']!['post']!;
    const refusal = deref((register.responses['200']!.content!['application/json']!.schema['oneOf'] as Record<string, unknown>[])[1]!) as {
      properties: Record<string, { enum?: string[] }>;
    };
    expect(refusal.properties['err_class']!.enum).toEqual(expect.arrayContaining(['registration-closed', 'day-full', 'workshop-full', 'already-registered']));
    expect(document.paths['/admin/meetings/{meetingId}']!['put']!.responses['409']).toBeDefined();
    expect(document.paths['/admin/meetings/{meetingId}']!['put']!.responses['201']).toBeDefined();
  });

  it('closes answer objects (an unknown key is a drift) and marks required input fields from the schemas', () => {
    const answer = document.components.schemas['RegisterAnswer'] as { additionalProperties: boolean; properties: Record<string, Record<string, unknown>> };
    expect(answer.additionalProperties).toBe(false);
    expect(answer.properties['data']!['additionalProperties']).toBe(false);
    const body = document.components.schemas['RegisterBody'] as { required: string[]; properties: Record<string, Record<string, unknown>> };
    expect(body.required.sort()).toEqual(['email', 'form_uuid', 'last_name', 'organisation']);
    expect(body.properties['profile']).toMatchObject({ type: 'string', enum: ['newcomer', 'expert'] });
    expect(body.properties['onsite_days']).toMatchObject({ type: 'array', items: { type: 'string', format: 'date' } });
  });

  it('carries examples taken from the guides', () => {
    const put = document.paths['/admin/meetings/{meetingId}']!['put']!;
    const example = (put['requestBody'] as { content: Record<string, { example?: { title?: string } }> }).content['application/json']!.example;
    expect(example?.title).toBe('12e Club utilisateurs Publik');
  });
});
