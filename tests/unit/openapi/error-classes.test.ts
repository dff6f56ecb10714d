// docs/errors.md lists every err_class: generated from the OpenAPI document, and checked against
// the code that throws them (a class thrown but declared by no route would be missing from the list).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '#shared/openapi/document.ts';
import { ERRORS_FILE, errorClasses, errorClassesBlock } from '#shared/openapi/error-classes.ts';
import { generateDocument } from '../../../scripts/openapi.ts';

const root = path.resolve(import.meta.dirname, '../../..');
let document: OpenApiDocument;
beforeAll(async () => {
  document = await generateDocument();
}, 60_000);

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Class literals of the code: refusals, conflicts, named 404s and the error classes' own (`super`, `fixedClassError`). */
function thrownClasses(): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /new (?:RefusalError|ConflictError)\(\s*'([a-z-]+)'/g,
    /new NotFoundError\([^;]*?,\s*'([a-z-]+)'\s*\)/g,
    /super\(\s*'([a-z-]+)'/g,
    /fixedClassError\(\s*\d+,\s*'([a-z-]+)'/g,
    /failure\(\s*'([a-z-]+)'/g,
  ];
  for (const file of [...sources('shared'), ...sources('functions')]) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.add(m[1]!);
  }
  return found;
}

describe('the list of every err_class (docs/errors.md)', () => {
  it('is the one the document gives (npm run openapi -- --guides rewrites it)', () => {
    expect(readFileSync(path.join(root, ERRORS_FILE), 'utf8')).toContain(errorClassesBlock(document));
  });

  it('holds every class the code throws, the generic ones included', () => {
    const listed = new Set(errorClasses(document).map((r) => r.errClass));
    const thrown = thrownClasses();
    expect(thrown.size).toBeGreaterThan(30);
    expect([...thrown].filter((c) => !listed.has(c)).sort()).toEqual([]);
    for (const c of ['unknown-meeting', 'unauthorized', 'not-found', 'internal-error', 'access-denied', 'service-busy']) expect(listed).toContain(c);
  });

  it('gives each class its statuses and routes', () => {
    const byClass = new Map(errorClasses(document).map((r) => [r.errClass, r]));
    expect(byClass.get('unknown-meeting')).toMatchObject({ generic: false, statuses: ['404'] });
    expect(byClass.get('unknown-meeting')?.routes).toContain('GET /admin/meetings/{meetingId}');
    expect(byClass.get('day-full')).toMatchObject({ statuses: ['200'], routes: ['POST /meetings/{meetingId}/registrations', 'POST /registrations/{registrationId}'] });
    expect(byClass.get('unauthorized')).toMatchObject({ generic: true, statuses: ['401'] });
  });
});
