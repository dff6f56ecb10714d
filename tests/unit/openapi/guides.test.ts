// The guides link each route to its place in the reference and list its error classes as the
// OpenAPI document gives them: a class in a guide and not in the document (or the reverse)
// fails here. Refresh the blocks with `npm run openapi -- --guides`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpFunctions } from '#functions/manifest.ts';
import type { OpenApiDocument } from '#shared/openapi/document.ts';
import { BLOCK_BEGIN, BLOCK_END, guideBlock, guideFiles, guideRoutes } from '#shared/openapi/guide-tables.ts';
import { generateDocument } from '../../../scripts/openapi.ts';

const root = path.resolve(import.meta.dirname, '../../..');
let document: OpenApiDocument;
beforeAll(async () => {
  document = await generateDocument();
}, 60_000);

const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The error classes a guide's block lists, by route. */
function listedClasses(text: string): Map<string, Set<string>> {
  const block = text.slice(text.indexOf(BLOCK_BEGIN), text.indexOf(BLOCK_END));
  const out = new Map<string, Set<string>>();
  for (const line of block.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const route = /^`([A-Z]+ \/\S*)`$/.exec(cells[1] ?? '')?.[1];
    if (route) out.set(route, new Set([...(cells[3] ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!)));
  }
  return out;
}

/** GitHub's heading anchors. */
function anchors(text: string): Set<string> {
  return new Set(
    [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

describe('the guides and the reference', () => {
  it('give every route but the reference\'s own a guide, among the form designers\' guides and operations', () => {
    const files = guideFiles(document);
    expect(files).toEqual(['docs/forms-sessions.md', 'docs/forms-survey.md', 'docs/forms-vote.md', 'docs/operations.md', 'docs/publik-integration.md']);
    const guided = files.flatMap((f) => guideRoutes(document, f).map((r) => r.routeKey)).sort();
    const expected = httpFunctions.filter((f) => f.name !== 'http-reference').flatMap((f) => f.routes).sort();
    expect(guided).toEqual(expected);
  });

  it('list, route by route, exactly the error classes of the document', () => {
    for (const file of guideFiles(document)) {
      const listed = listedClasses(read(file));
      const documented = new Map(guideRoutes(document, file).map((r) => [r.routeKey, new Set(r.classes.flatMap((c) => c.classes))]));
      expect([...listed.keys()].sort(), file).toEqual([...documented.keys()].sort());
      for (const [route, classes] of documented) expect([...(listed.get(route) ?? [])].sort(), `${file} ${route}`).toEqual([...classes].sort());
      // And the block is the one the document gives, links included.
      expect(read(file), file).toContain(guideBlock(document, file));
    }
  });

  it('branch, in their prose, only on classes the document gives their routes', () => {
    for (const file of guideFiles(document)) {
      const text = read(file);
      const documented = new Set(guideRoutes(document, file).flatMap((r) => r.classes.flatMap((c) => c.classes)));
      const branched = new Set<string>();
      // Rows of the "| `err_class` | when |" tables, and `…_err_class == "x"` conditions.
      let inTable = false;
      for (const line of text.split('\n')) {
        if (/^\| `err_class` \|/.test(line)) inTable = true;
        else if (!line.startsWith('|')) inTable = false;
        else if (inTable && !line.startsWith('|---')) for (const m of (line.split('|')[1] ?? '').matchAll(/`([a-z-]+)`/g)) branched.add(m[1]!);
        for (const m of line.matchAll(/err_class\s*==\s*"([a-z-]+)"(?:\s*\/\s*"([a-z-]+)")?/g)) for (const c of m.slice(1)) if (c) branched.add(c);
        for (const m of line.matchAll(/` \/ `"([a-z-]+)"`/g)) branched.add(m[1]!);
      }
      for (const errClass of branched) expect(documented, `${file}: ${errClass}`).toContain(errClass);
      if (file !== 'docs/operations.md') expect(branched.size, file).toBeGreaterThan(0);
    }
  });

  it('link from the reference to sections that exist', () => {
    for (const methods of Object.values(document.paths)) {
      for (const operation of Object.values(methods)) {
        const match = /^([^#]+)(?:#(.+))?$/.exec(String(operation['x-guide'] ?? ''));
        if (!match?.[2]) continue;
        expect(anchors(read(match[1]!)), `${operation.operationId} → ${match[1]}#${match[2]}`).toContain(match[2]);
      }
    }
  });

  it('tells the checked-in refusals of the registration guide apart from the document\'s at once', () => {
    // A class removed from the document while the guide still lists it is caught by the block test above;
    // this checks the parser sees the classes at all (a broken parser would compare empty sets).
    const listed = listedClasses(read('docs/publik-integration.md'));
    expect(listed.get('POST /meetings/{meetingId}/registrations')).toContain('day-full');
    expect(listed.get('POST /meetings/{meetingId}/registrations')).toContain('unknown-meeting');
  });
});
