// The one list of every `err_class` the service answers (docs/errors.md), read from the OpenAPI
// document: each route's responses, generic ones (`components.responses`) included. Written by
// `npm run openapi -- --guides`; tests/unit/openapi/error-classes.test.ts fails when the doc and
// the document differ, or when the code throws a class the document does not list.
import type { JsonSchema, OpenApiDocument, OpenApiResponse } from './document.ts';
import { GENERIC_CLASSES } from './envelopes.ts';

export const ERRORS_FILE = 'docs/errors.md';
export const ERRORS_BEGIN = '<!-- err-classes:begin (npm run openapi -- --guides) -->';
export const ERRORS_END = '<!-- err-classes:end -->';

const GENERIC = new Set<string>(Object.values(GENERIC_CLASSES));
/** Generic classes no route declares because any route may answer them. */
const UNDECLARED: Record<string, string> = { [GENERIC_CLASSES.internalError]: '500' };

export interface ErrorClassRow {
  errClass: string;
  generic: boolean;
  /** HTTP statuses it comes with, sorted. */
  statuses: string[];
  /** Route keys answering it, in document order. */
  routes: string[];
}

function resolve(document: OpenApiDocument, response: OpenApiResponse): OpenApiResponse {
  if (!response.$ref) return response;
  const name = response.$ref.replace('#/components/responses/', '');
  return ((document.components['responses'] as Record<string, OpenApiResponse> | undefined) ?? {})[name] ?? {};
}

function classesIn(document: OpenApiDocument, schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const variants = (schema['oneOf'] as JsonSchema[] | undefined) ?? [schema];
  return variants.flatMap((variant) => {
    const resolved = variant['$ref'] ? document.components.schemas[String(variant['$ref']).replace('#/components/schemas/', '')] : variant;
    return (resolved?.['properties'] as Record<string, { enum?: string[]; const?: string }> | undefined)?.['err_class']?.enum ?? [];
  });
}

/** Every class of the document, by name. */
export function errorClasses(document: OpenApiDocument): ErrorClassRow[] {
  const rows = new Map<string, ErrorClassRow>();
  const add = (errClass: string, status: string, route?: string) => {
    const row = rows.get(errClass) ?? { errClass, generic: GENERIC.has(errClass), statuses: [], routes: [] };
    if (!row.statuses.includes(status)) row.statuses.push(status);
    if (route && !row.routes.includes(route)) row.routes.push(route);
    rows.set(errClass, row);
  };
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const errClass of classesIn(document, resolve(document, response).content?.['application/json']?.schema)) {
          add(errClass, status, `${method.toUpperCase()} ${path}`);
        }
      }
    }
  }
  for (const [errClass, status] of Object.entries(UNDECLARED)) if (!rows.has(errClass)) add(errClass, status);
  for (const row of rows.values()) row.statuses.sort();
  return [...rows.values()].sort((a, b) => Number(b.generic) - Number(a.generic) || a.errClass.localeCompare(b.errClass));
}

export function errorClassesBlock(document: OpenApiDocument): string {
  const rows = errorClasses(document).map((r) => {
    const where = r.generic ? (r.routes.length === 0 ? 'any route' : `any route (${r.routes.length} declare it)`) : r.routes.map((x) => `\`${x}\``).join('<br>');
    const statuses = r.statuses.map((s) => (s === '200' ? '200 (refusal, `err: 1`)' : s)).join(', ');
    return `| \`${r.errClass}\` | ${statuses} | ${where} |`;
  });
  return [ERRORS_BEGIN, '| err_class | HTTP status | routes |', '|---|---|---|', ...rows, ERRORS_END].join('\n');
}

export function withErrorClassesBlock(text: string, block: string): string {
  const begin = text.indexOf(ERRORS_BEGIN);
  const end = text.indexOf(ERRORS_END);
  if (begin < 0 || end < begin) throw new Error(`${ERRORS_FILE}: no block (${ERRORS_BEGIN} … ${ERRORS_END})`);
  return text.slice(0, begin) + block + text.slice(end + ERRORS_END.length);
}
