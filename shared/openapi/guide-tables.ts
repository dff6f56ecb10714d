// The "Reference" block of each guide (docs/*.md): its routes, the link to each in the reference
// page, and the error classes the document gives each of them. Written into the guides by
// `npm run openapi -- --guides`; tests/unit/openapi/guides.test.ts fails when a guide's block and
// the document differ (a class in one and not the other).
import type { OpenApiDocument, OpenApiOperation } from './document.ts';
import { GENERIC_CLASSES } from './envelopes.ts';

export const BLOCK_BEGIN = '<!-- reference:begin (npm run openapi -- --guides) -->';
export const BLOCK_END = '<!-- reference:end -->';
/** Where the guides' examples put our service. */
export const GUIDE_BASE_URL = 'https://club.example.org';

const GENERIC = new Set<string>(Object.values(GENERIC_CLASSES));

export interface GuideRoute {
  routeKey: string;
  operationId: string;
  /** Route-specific classes by HTTP status, as the document gives them. */
  classes: Array<{ status: string; classes: string[] }>;
}

function classesOf(document: OpenApiDocument, operation: OpenApiOperation): GuideRoute['classes'] {
  const schemas = document.components.schemas;
  const out: GuideRoute['classes'] = [];
  for (const [status, response] of Object.entries(operation.responses)) {
    const schema = response.content?.['application/json']?.schema;
    if (!schema) continue;
    const variants = (schema['oneOf'] as Array<Record<string, unknown>> | undefined) ?? [schema];
    const found: string[] = [];
    for (const variant of variants) {
      const resolved = variant['$ref'] ? schemas[String(variant['$ref']).replace('#/components/schemas/', '')] : variant;
      const errClass = (resolved?.['properties'] as Record<string, { enum?: string[] }> | undefined)?.['err_class'];
      for (const value of errClass?.enum ?? []) if (!GENERIC.has(value)) found.push(value);
    }
    if (found.length > 0) out.push({ status, classes: found });
  }
  return out;
}

/** The documented routes whose `guide` is in `file`, in document order. */
export function guideRoutes(document: OpenApiDocument, file: string): GuideRoute[] {
  const out: GuideRoute[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const guide = String(operation['x-guide'] ?? '');
      if (guide.split('#')[0] !== file) continue;
      out.push({ routeKey: `${method.toUpperCase()} ${path}`, operationId: operation.operationId, classes: classesOf(document, operation) });
    }
  }
  return out;
}

export function guideFiles(document: OpenApiDocument): string[] {
  const files = new Set<string>();
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods)) {
      const guide = operation['x-guide'];
      if (typeof guide === 'string') files.add(guide.split('#')[0] as string);
    }
  }
  return [...files].sort();
}

export function guideBlock(document: OpenApiDocument, file: string): string {
  const rows = guideRoutes(document, file).map((r) => {
    const classes = r.classes.map((c) => `${c.classes.map((x) => `\`${x}\``).join(', ')} (${c.status})`).join('; ') || '—';
    return `| \`${r.routeKey}\` | [${r.operationId}](${GUIDE_BASE_URL}/docs#operation/${r.operationId}) | ${classes} |`;
  });
  return [
    BLOCK_BEGIN,
    '| route | in the reference | its error classes (HTTP status) |',
    '|---|---|---|',
    ...rows,
    BLOCK_END,
  ].join('\n');
}

/** `text` with its reference block replaced by `block`; throws when the guide has no block. */
export function withGuideBlock(text: string, block: string, file: string): string {
  const begin = text.indexOf(BLOCK_BEGIN);
  const end = text.indexOf(BLOCK_END);
  if (begin < 0 || end < begin) throw new Error(`${file}: no reference block (${BLOCK_BEGIN} … ${BLOCK_END})`);
  return text.slice(0, begin) + block + text.slice(end + BLOCK_END.length);
}
