// Generates the OpenAPI document from the routes of functions/manifest.ts: each HTTP function's
// route definitions (the schemas its handler parses with) and its functions/<name>/openapi.ts
// (answer schemas, error classes, examples).
//   tsx scripts/openapi.ts              prints the document
//   tsx scripts/openapi.ts --out <file> writes it (the synth step that ships it beside the bundle)
//   tsx scripts/openapi.ts --guides     rewrites the reference block of each guide (docs/*.md) and the
//                                       list of every err_class (docs/errors.md)
// Importing a handler builds its clients (no network) from the environment: the defaults of
// shared/config.ts suffice.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { httpFunctions } from '#functions/manifest.ts';
import type { RouteDefinition } from '#shared/lambda/http.ts';
import { buildOpenApiDocument, serializeDocument, type DocumentedFunction, type OpenApiDocument } from '#shared/openapi/document.ts';
import { ERRORS_FILE, errorClassesBlock, withErrorClassesBlock } from '#shared/openapi/error-classes.ts';
import { guideBlock, guideFiles, withGuideBlock } from '#shared/openapi/guide-tables.ts';
import type { RouteDocs } from '#shared/openapi/route-doc.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const DOCUMENT_VERSION = '0.1.0';

export async function loadDocumentedFunctions(): Promise<DocumentedFunction[]> {
  const out: DocumentedFunction[] = [];
  for (const spec of httpFunctions) {
    const entry = path.resolve(root, spec.entry);
    const handlerModule = (await import(pathToFileURL(entry).href)) as { routes?: RouteDefinition[] };
    const docsModule = (await import(pathToFileURL(path.join(path.dirname(entry), 'openapi.ts')).href)) as { docs?: RouteDocs };
    if (!handlerModule.routes) throw new Error(`${spec.entry} does not export its routes`);
    if (!docsModule.docs) throw new Error(`${path.dirname(spec.entry)}/openapi.ts does not export docs`);
    out.push({
      name: spec.name,
      routes: spec.routes,
      ...(spec.linkTokenRoutes ? { linkTokenRoutes: spec.linkTokenRoutes } : {}),
      ...(spec.publicRoutes ? { publicRoutes: spec.publicRoutes } : {}),
      definitions: handlerModule.routes,
      docs: docsModule.docs,
    });
  }
  return out;
}

export async function generateDocument(): Promise<OpenApiDocument> {
  return buildOpenApiDocument(await loadDocumentedFunctions(), DOCUMENT_VERSION);
}

export async function generateDocumentText(): Promise<string> {
  return serializeDocument(await generateDocument());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--guides')) {
    const document = await generateDocument();
    for (const file of guideFiles(document)) {
      const full = path.join(root, file);
      writeFileSync(full, withGuideBlock(readFileSync(full, 'utf8'), guideBlock(document, file), file));
      console.log(`${file}: reference block written`);
    }
    const errors = path.join(root, ERRORS_FILE);
    writeFileSync(errors, withErrorClassesBlock(readFileSync(errors, 'utf8'), errorClassesBlock(document)));
    console.log(`${ERRORS_FILE}: error classes written`);
    process.exit(0);
  }
  const outIndex = process.argv.indexOf('--out');
  const text = await generateDocumentText();
  if (outIndex > 0) {
    const file = process.argv[outIndex + 1];
    if (!file) throw new Error('--out needs a file');
    writeFileSync(file, text);
    process.exit(0);
  }
  // Handler modules hold SDK clients with keep-alive agents: exit once the output is flushed.
  process.stdout.write(text, () => process.exit(0));
}
