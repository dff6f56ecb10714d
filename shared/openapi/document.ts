// The OpenAPI 3.1 document, generated from the zod schemas the routes parse with (request) and
// answer with (functions/<name>/openapi.ts), for the routes of functions/manifest.ts. Nothing
// here is a second description: a route missing from the docs, or a doc without a route, stops
// the generation. Deterministic: the same code gives the same bytes (manifest order, no dates).
import * as z from 'zod';
import type { RouteDefinition } from '#shared/lambda/http.ts';
import { failureEnvelope, GENERIC_CLASSES, InvalidRequestEnvelope, successEnvelope } from './envelopes.ts';
import type { RouteDoc, RouteDocs } from './route-doc.ts';

export interface DocumentedFunction {
  name: string;
  /** Route keys, in manifest order. */
  routes: readonly string[];
  /** Routes opened by a personal link (no signature, no bearer). */
  linkTokenRoutes?: readonly string[];
  /** Routes open to anyone (the reference itself). */
  publicRoutes?: readonly string[];
  /** The handler's route definitions (the schemas it parses with). */
  definitions: readonly RouteDefinition[];
  docs: RouteDocs;
}

export type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> } & Record<string, unknown>;
};
/** A response object, or (`$ref`) one of `components.responses`. */
export interface OpenApiResponse {
  $ref?: string;
  description?: string;
  content?: Record<string, { schema: JsonSchema }>;
}
export interface OpenApiOperation {
  operationId: string;
  responses: Record<string, OpenApiResponse>;
  [key: string]: unknown;
}

export const SIGNATURE_GUIDE = 'docs/publik-integration.md#1-keys-once-per-wcs-instance';

const SECURITY_SCHEMES = {
  publikSignature: {
    type: 'apiKey',
    in: 'query',
    name: 'signature',
    description: [
      'The Publik URL signature, as w.c.s. signs every webservice call and data source (see the integration guide, `' +
        SIGNATURE_GUIDE +
        '`). The query string carries, after the route\'s own parameters:',
      '',
      '- `algo`: `sha256` (also `sha1`, `sha512`);',
      '- `timestamp`: the UTC instant of the call, `YYYY-MM-DDTHH:MM:SSZ`; refused beyond ±30 s;',
      '- `nonce`: a random value, accepted once (a replayed call is refused);',
      '- `orig`: the calling host as configured in `PUBLIK_SIGNATURE_KEYS` (absent: the default key);',
      '- `signature`: base64 of HMAC(key, the query string before `&signature=`), computed on the raw bytes.',
      '',
      'Unsigned, badly signed, stale or replayed: HTTP 403 `access-denied`.',
    ].join('\n'),
  },
  adminBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'An organiser token of `ADMIN_TOKENS` in `Authorization: Bearer <token>` (missing: 401, unknown: 403).',
  },
  consoleSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'publik_club_session',
    description:
      'The organisers\' console session cookie (contract-console): declared for the console to come; unsafe methods also need `X-Requested-With: console`. No route accepts it yet.',
  },
};

type Auth = RouteDefinition['auth'];

function isObjectSchema(schema: z.ZodType): schema is z.ZodObject {
  return (schema as { _zod: { def: { type: string } } })._zod.def.type === 'object';
}

/**
 * JSON Schema 2020-12 of a zod schema. `input`: what a caller may send (our coercing builders
 * describe themselves with `.meta()`; a property is required exactly when the schema refuses its
 * absence, found by parsing `undefined`). `output`: what we answer (objects closed).
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
    override: (ctx) => {
      const zodSchema = ctx.zodSchema as unknown as z.ZodType;
      if (io !== 'input' || !isObjectSchema(zodSchema)) return;
      const required = Object.entries(zodSchema.shape)
        .filter(([, property]) => !(property as z.ZodType).safeParse(undefined).success)
        .map(([key]) => key);
      if (required.length > 0) ctx.jsonSchema.required = required;
      else delete ctx.jsonSchema.required;
    },
  }) as JsonSchema;
  delete out['$schema'];
  if ('$defs' in out) throw new Error('toJsonSchema: a schema produced $defs; give it an inline shape');
  return out;
}

function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

function authOf(routeKey: string, fn: DocumentedFunction, definition: RouteDefinition): 'publik' | 'admin' | 'link' | 'public' {
  if (fn.publicRoutes?.includes(routeKey)) return 'public';
  if (fn.linkTokenRoutes?.includes(routeKey)) return 'link';
  const auth: Auth = definition.auth;
  if (auth === 'none') return 'link';
  return auth;
}

function classes(...lists: Array<readonly string[] | undefined>): [string, ...string[]] {
  const all = [...new Set(lists.flatMap((l) => l ?? []))];
  if (all.length === 0) throw new Error('classes: empty list');
  return all as [string, ...string[]];
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

function errorResponse(description: string, schema: JsonSchema) {
  return { description, content: json(schema) };
}

/** Every path parameter, query parameter and body field of a route, in OpenAPI terms. */
function parameters(definition: RouteDefinition): unknown[] {
  const out: unknown[] = [];
  const { params, query } = definition.schemas;
  if (params) {
    const schema = toJsonSchema(params, 'input');
    for (const [name, property] of Object.entries((schema['properties'] ?? {}) as Record<string, JsonSchema>)) {
      out.push({ name, in: 'path', required: true, schema: property });
    }
  }
  // A greedy segment (`/console/{proxy+}`) is the rest of the path, read from rawPath by the handler.
  for (const m of definition.path.matchAll(/\{([A-Za-z0-9_]+\+)\}/g)) {
    out.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' }, description: 'The rest of the path (API Gateway greedy parameter).' });
  }
  if (query) {
    const schema = toJsonSchema(query, 'input');
    const required = new Set((schema['required'] ?? []) as string[]);
    for (const [name, property] of Object.entries((schema['properties'] ?? {}) as Record<string, JsonSchema>)) {
      out.push({ name, in: 'query', required: required.has(name), schema: property });
    }
  }
  return out;
}

function operation(routeKey: string, fn: DocumentedFunction, definition: RouteDefinition, doc: RouteDoc, schemas: Record<string, JsonSchema>): OpenApiOperation {
  const auth = authOf(routeKey, fn, definition);
  const { body } = definition.schemas;
  const id = pascal(doc.operationId);
  const ref = (name: string, schema: JsonSchema) => {
    schemas[name] = schema;
    return { $ref: `#/components/schemas/${name}` };
  };

  const responses: OpenApiOperation['responses'] = {};
  const success = doc.data ? ref(`${id}Answer`, toJsonSchema(successEnvelope(doc.data, doc.siblings), 'output')) : undefined;
  const refusal = doc.refusals?.length ? ref(`${id}Refusal`, toJsonSchema(failureEnvelope(classes(doc.refusals)), 'output')) : undefined;
  for (const status of doc.successStatuses ?? [200]) {
    const content: Record<string, { schema: JsonSchema }> = {};
    if (success && (!doc.otherMedia || doc.otherMedia.jsonToo)) {
      content['application/json'] = { schema: status === 200 && refusal ? { oneOf: [success, refusal] } : success };
    } else if (refusal && status === 200) content['application/json'] = { schema: refusal };
    if (doc.otherMedia && status === 200) content[doc.otherMedia.type] = { schema: doc.otherMedia.schema ?? { type: 'string' } };
    const what = status === 201 ? 'Created' : refusal ? 'Success (`err: 0`) or a refusal to branch on (`err: 1`)' : 'Success';
    responses[String(status)] = { description: doc.otherMedia ? `${what}; ${doc.otherMedia.description}` : what, content };
  }
  const hasInput = body !== undefined || definition.schemas.query !== undefined || definition.schemas.params !== undefined;
  if (hasInput) responses['400'] = { $ref: '#/components/responses/InvalidRequest' };
  if (auth === 'admin') responses['401'] = { $ref: '#/components/responses/Unauthorized' };
  if (auth === 'publik' || auth === 'admin') responses['403'] = { $ref: '#/components/responses/AccessDenied' };
  responses['404'] = doc.notFoundMedia
    ? { description: 'Unknown or spent link: a page for a person', content: { [doc.notFoundMedia]: { schema: { type: 'string' } } } }
    : doc.notFound?.length
    ? errorResponse('Unknown route or resource', ref(`${id}NotFound`, toJsonSchema(failureEnvelope(classes([GENERIC_CLASSES.notFound], doc.notFound)), 'output')))
    : { $ref: '#/components/responses/NotFound' };
  if (doc.conflicts?.length) {
    responses['409'] = errorResponse('Conflicts with the stored state', ref(`${id}Conflict`, toJsonSchema(failureEnvelope(classes(doc.conflicts)), 'output')));
  }
  if (body !== undefined) {
    responses['413'] = { $ref: '#/components/responses/PayloadTooLarge' };
    responses['415'] = { $ref: '#/components/responses/UnsupportedMediaType' };
  }
  if (auth !== 'public') responses['503'] = { $ref: '#/components/responses/ServiceBusy' };
  for (const [status, other] of Object.entries(doc.otherResponses ?? {})) {
    responses[status] = { description: other.description, content: Object.fromEntries(other.media.map((m) => [m, { schema: { type: 'string' } }])) };
  }

  const op: OpenApiOperation = {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description || doc.guide
      ? { description: [doc.description, doc.guide ? `Guide: \`${doc.guide}\`.` : undefined].filter(Boolean).join('\n\n') }
      : {}),
    tags: [doc.tag],
    ...(doc.guide ? { 'x-guide': doc.guide } : {}),
    security:
      auth === 'publik' ? [{ publikSignature: [] }] : auth === 'admin' ? [{ adminBearer: [] }] : [],
    responses,
  };
  const params = parameters(definition);
  if (params.length > 0) op['parameters'] = params;
  if (body) {
    const bodyRef = ref(`${id}Body`, toJsonSchema(body, 'input'));
    const example = doc.example?.body === undefined ? {} : { example: doc.example.body };
    op['requestBody'] = {
      required: auth !== 'admin' || definition.method === 'PUT',
      description:
        auth === 'publik'
          ? 'JSON (key/value data, or the whole form with `post_formdata`: our fields under `fields`, extra data under `extra`) or `application/x-www-form-urlencoded`. Numbers and booleans may come as text, lists as JSON arrays or comma-separated text; unknown keys are ignored.'
          : 'JSON or `application/x-www-form-urlencoded`; unknown keys are ignored.',
      content: {
        'application/json': { schema: bodyRef, ...example },
        'application/x-www-form-urlencoded': { schema: bodyRef },
      },
    };
  }
  if (doc.example?.data !== undefined && success) {
    const content = (responses['200'] ?? responses['201'])?.content?.['application/json'] as Record<string, unknown> | undefined;
    if (content) content['example'] = { err: 0, data: doc.example.data };
  }
  return op;
}

const genericResponse = (description: string, errClass: string, errors = false) =>
  errorResponse(description, toJsonSchema(errors ? InvalidRequestEnvelope : failureEnvelope([errClass]), 'output'));

export function buildOpenApiDocument(functions: readonly DocumentedFunction[], version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const schemas: Record<string, JsonSchema> = {};
  const operationIds = new Set<string>();
  const problems: string[] = [];
  for (const fn of functions) {
    const byKey = new Map(fn.definitions.map((d) => [d.routeKey, d]));
    for (const key of Object.keys(fn.docs)) if (!fn.routes.includes(key)) problems.push(`${fn.name}: doc for "${key}", not a route of the manifest`);
    for (const routeKey of fn.routes) {
      const definition = byKey.get(routeKey);
      const doc = fn.docs[routeKey];
      if (!definition) problems.push(`${fn.name}: "${routeKey}" has no route definition`);
      if (!doc) problems.push(`${fn.name}: "${routeKey}" has no doc in functions/${fn.name}/openapi.ts`);
      if (!definition || !doc) continue;
      if (operationIds.has(doc.operationId)) problems.push(`operationId "${doc.operationId}" used twice`);
      operationIds.add(doc.operationId);
      const [method, path] = routeKey.split(' ') as [string, string];
      (paths[path] ??= {})[method.toLowerCase()] = operation(routeKey, fn, definition, doc, schemas);
    }
  }
  if (problems.length > 0) throw new Error(`OpenAPI document:\n  ${problems.join('\n  ')}`);
  const tags = [...new Set(Object.values(paths).flatMap((p) => Object.values(p).map((o) => (o['tags'] as string[])[0] as string)))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'publik-club',
      version,
      description: [
        'The webservices and data sources the Publik forms (w.c.s.) of the Club utilisateurs Publik call, and the organisers\' admin API.',
        '',
        'Every answer is the Publik envelope: success `{"err": 0, "data": …}`; a refusal the form branches on is HTTP 200 `{"err": 1, "err_class", "err_desc"}`; bad input is HTTP 400 `invalid-request` with `errors` (`path`, `message`) naming each field in French. No POST answer ever carries `display_id`.',
        '',
        `Generated from the zod schemas of the routes. Form designers: \`docs/publik-integration.md\`.`,
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: SECURITY_SCHEMES,
      responses: {
        InvalidRequest: genericResponse('Invalid input (`invalid-request`): `errors` names each field', GENERIC_CLASSES.invalidRequest, true),
        Unauthorized: genericResponse('No bearer token (`unauthorized`)', GENERIC_CLASSES.unauthorized),
        AccessDenied: genericResponse('Unsigned, badly signed, stale or replayed call, or unknown token (`access-denied`)', GENERIC_CLASSES.accessDenied),
        NotFound: genericResponse('Unknown route or resource (`not-found`)', GENERIC_CLASSES.notFound),
        PayloadTooLarge: genericResponse('Body larger than 256 KB (`payload-too-large`)', GENERIC_CLASSES.payloadTooLarge),
        UnsupportedMediaType: genericResponse('Body neither JSON nor form data (`unsupported-media-type`)', GENERIC_CLASSES.unsupportedMediaType),
        ServiceBusy: genericResponse('The store stayed busy, nothing was written: call again (`service-busy`)', GENERIC_CLASSES.serviceBusy),
      },
    },
  };
}

/**
 * The document as served: compact JSON and a final newline (stable bytes; 200 KB instead of 480
 * indented, read by tools and by the reference page, people read it at /docs).
 */
export function serializeDocument(document: OpenApiDocument): string {
  return `${JSON.stringify(document)}\n`;
}
