// What the OpenAPI document needs to know about a route beyond the schemas it parses with
// (those come from the route itself, shared/lambda/http.ts): the zod schema of its answer's
// `data`, the `err_class` values it answers, an example from the guides. Each HTTP function
// declares them in `functions/<name>/openapi.ts` (`docs`, keyed by route key); the document
// (shared/openapi/document.ts) takes the list of routes from functions/manifest.ts.
import type * as z from 'zod';

export interface RouteDoc {
  /** One line, English (the reference is documentation). */
  summary: string;
  description?: string;
  /** Section of the reference (one per context). */
  tag: string;
  /** Stable operationId: the anchor the guides link to. */
  operationId: string;
  /** Schema of `data` in the success envelope `{"err":0,"data":…}` (JSON answers). */
  data?: z.ZodType;
  /** Keys answered beside `data` in the success envelope (e.g. `count`, `meta`). */
  siblings?: Record<string, z.ZodType>;
  /** HTTP statuses of a success (default [200]; a PUT that creates answers 201). */
  successStatuses?: readonly number[];
  /** A success that is not JSON: its media type (the JSON answer then only on `?format=json`). */
  otherMedia?: { type: string; description: string; jsonToo: boolean; schema?: Record<string, unknown> };
  /** `err_class` values of refusals the form branches on (HTTP 200, `err: 1`). */
  refusals?: readonly string[];
  /** A 404 answered as a page for a person (one-click links) rather than JSON. */
  notFoundMedia?: string;
  /** `err_class` values of 404 answers beside `not-found` (unknown route or id). */
  notFound?: readonly string[];
  /** `err_class` values of 409 answers (organiser-side conflicts with the stored state). */
  conflicts?: readonly string[];
  /** Where the guides describe the route (path from the repository root, with anchor). */
  guide?: string;
  /** Answers beyond the generic ones, by status (a redirect, a page for a person): what it is and its media types. */
  otherResponses?: Record<string, { description: string; media: readonly string[] }>;
  /** An example taken from the guides: request body and success `data`. */
  example?: { body?: unknown; data?: unknown };
}

export type RouteDocs = Record<string, RouteDoc>;
