// The one middy chain for HTTP API (payload 2.0) functions. A function declares its routes
// with `route()` and exports `httpApi(routes, deps)`; everything else happens here:
// logger context, authentication (Publik URL signature or admin bearer token), body and
// query parsing (whole-form unwrapping, zod with French messages) and error mapping.
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import {
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionConflictException,
} from '#shared/adapters/aws/sdk.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { failure, findDisplayId, ok } from '#shared/publik/envelope.ts';
import { parseQuery } from '#shared/publik/form-encoding.ts';
import { SignatureError, verifyQuery, type VerifiedSignature } from '#shared/publik/signature.ts';
import { unwrapPublikBody } from '#shared/publik/whole-form.ts';
import { NONCE_LIFETIME_SECONDS, type NonceRepository } from '#shared/adapters/dynamodb/nonce-repository.ts';
import { CallNonce, ReplayedCallError } from '#shared/domain/call-nonce.ts';
import {
  AccessDeniedError,
  AppError,
  InvalidRequestError,
  type FieldIssue,
  NotFoundError,
  PayloadTooLargeError,
  RefusalError,
  ServiceBusyError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '#shared/errors.ts';
import { logger } from '#shared/lambda/logger.ts';
import { sameSecret } from '#shared/secret-compare.ts';
import { CONSOLE_CSRF_HEADER, CONSOLE_CSRF_VALUE, consoleSessionOf } from '#shared/lambda/console-session.ts';
import type { Secrets } from '#shared/lambda/secrets.ts';
import type { AuditTrail } from '#shared/domain/audit/ports.ts';
import { describeIssues, issuesOf, parseInput, parsedFields } from '#shared/lambda/validation.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * - `publik`: a call from w.c.s. (webservice or data source), URL-signed.
 * - `admin`: an organiser call with `Authorization: Bearer <token>`.
 * - `none`: public by design (one-click links carrying their own unguessable token).
 */
export type Auth = 'publik' | 'admin' | 'none';

/** Who made an admin call: a bearer token (by its label) or an organiser signed in to the console (by their `sub`). */
export type AdminActor = { kind: 'token'; label: string } | { kind: 'console'; sub: string };
// A token's label: its `ADMIN_TOKENS` entry `label:token`, else `token-<position>` (adminTokenEntries).
// Never the token itself, never an email.

/**
 * An admin write's audit record (contract-rgpd.md, "Audit trail"), appended by the chain after
 * the route answered 2xx. `target` defaults to the route's last path parameter (not allowed on a
 * route whose path is a credential: give it from the answer); `counts` are read from the answer's
 * `data`. Never an email, a name or free text: ids and whole numbers only.
 */
export interface AuditSpec<R = HttpRequest<unknown, unknown, unknown>> {
  /** `<object>.<verb>`, e.g. `meeting.put`, `campaign.open`. */
  action: string;
  target?: (request: R, data: unknown) => string | undefined;
  counts?: (data: unknown, request: R) => Record<string, number> | undefined;
  /** For a GET that writes only sometimes (a badge reissued): whether this request is audited. */
  when?: (request: R) => boolean;
}

export interface HttpRequest<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  event: HttpEvent;
  /** The instant the request is decided at; domain rules take it as a parameter. */
  now: Date;
  /** For `publik` routes: who signed the call. */
  caller: VerifiedSignature | undefined;
  /** For `admin` routes: who called (bearer token or console session). */
  actor?: AdminActor | undefined;
  /**
   * For `publik` routes other than GET: the call's nonce, not yet consumed. A use case that
   * writes consumes it inside its one transaction; otherwise the chain claims it after the
   * answer is built (and answers 403 if it was already used). GET routes claim it while they
   * read and get undefined here.
   */
  nonce: CallNonce | undefined;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
> {
  method: HttpMethod;
  path: string;
  auth: Auth;
  body?: B;
  query?: Q;
  params?: P;
  /**
   * The path carries a credential (a check-in token): logs and error messages name the route,
   * never the path. Implied by `auth: 'none'` (one-click links).
   */
  secretPath?: boolean;
  handle: (request: HttpRequest<Out<B>, Out<Q>, Out<P>>) => Promise<HttpResponse> | HttpResponse;
  /**
   * Field rules that depend on stored state (a meeting's image-rights notice, a campaign's
   * method). The use case applies them to a valid body; when the body already fails its schema
   * they are run here on the fields that did parse, so that one 400 names every missing or
   * invalid field instead of revealing them one call at a time.
   */
  contextIssues?: (input: { fields: Partial<Out<B>>; params: Out<P>; now: Date }) => Promise<FieldIssue[]>;
  /** Every admin write declares its audit record (a test checks every non-GET /admin route). */
  audit?: AuditSpec<HttpRequest<Out<B>, Out<Q>, Out<P>>>;
}

export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  auth: Auth;
  /** Route key as API Gateway names it, e.g. `GET /meetings/{meetingId}`. */
  routeKey: string;
  /** Logs name the route, never the path (see RouteSpec.secretPath). */
  secretPath: boolean;
  /** The schemas the route parses with: the OpenAPI document is generated from them (shared/openapi). */
  schemas: { body?: z.ZodType; query?: z.ZodType; params?: z.ZodType };
  /** The audit action this route records, if it writes (see AuditSpec). */
  auditAction: string | undefined;
  run: (event: HttpEvent, deps: HttpDeps) => Promise<HttpResponse>;
}

export interface HttpDeps {
  secrets: () => Promise<Secrets>;
  /** Required as soon as one route is `publik`. */
  nonceRepository?: NonceRepository;
  /** Required as soon as one route declares `audit`. */
  auditTrail?: AuditTrail;
  clock?: () => Date;
}

export function route<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<B, Q, P>): RouteDefinition {
  if (spec.audit && !spec.audit.target && (spec.secretPath === true || spec.auth === 'none')) {
    throw new Error(`${spec.method} ${spec.path}: the audit target of a route whose path is a credential must come from its answer`);
  }
  return {
    method: spec.method,
    path: spec.path,
    auth: spec.auth,
    routeKey: `${spec.method} ${spec.path}`,
    secretPath: spec.secretPath === true || spec.auth === 'none',
    schemas: { body: spec.body, query: spec.query, params: spec.params },
    auditAction: spec.audit?.action,
    run: async (event, deps) => {
      checkBodySize(event);
      const now = (deps.clock ?? (() => new Date()))();
      const secrets = await deps.secrets();
      let caller: VerifiedSignature | undefined;
      let nonce: CallNonce | undefined;
      let claimed: Promise<void> | undefined;
      if (spec.auth === 'publik') {
        caller = verifyPublikSignature(event, secrets, now);
        nonce = new CallNonce(caller.orig, caller.nonce, Math.floor(now.getTime() / 1000) + NONCE_LIFETIME_SECONDS);
        if (spec.method === 'GET') {
          // A read changes nothing: its nonce is claimed while it reads (one round trip instead of
          // two), and its answer is given only once the claim holds: a replay is refused (403)
          // whatever the read found or failed with. Writes consume theirs in their own transaction.
          claimed = claimNonce(deps.nonceRepository, nonce);
          claimed.catch(() => undefined); // awaited below, on every path
        }
      }
      const actor = spec.auth === 'admin' ? checkAdmin(event, secrets, now) : undefined;

      let response: HttpResponse;
      let request: HttpRequest<Out<B>, Out<Q>, Out<P>> | undefined;
      try {
        const query = spec.query ? parseInput(spec.query, queryObject(event.rawQueryString), 'Paramètres invalides') : undefined;
        const params = spec.params
          ? canonicalParams(spec.params, event, spec.secretPath === true || spec.auth === 'none' ? `${spec.method} ${spec.path}` : (event.rawPath ?? ''))
          : undefined;
        let body: unknown;
        if (spec.body) {
          const raw = parseBody(event);
          const input = spec.auth === 'publik' ? unwrapPublikBody(raw) : raw;
          const parsed = spec.body.safeParse(input);
          if (!parsed.success) {
            const issues = issuesOf(parsed.error);
            if (spec.contextIssues) {
              const fields = parsedFields(spec.body, input) as Partial<Out<B>>;
              const known = new Set(issues.map((i) => i.path));
              // The answer is a 400 either way: a failed read only leaves these issues out.
              const more = await spec.contextIssues({ fields, params: params as Out<P>, now }).catch((error: unknown) => {
                logger.warn('field rules of stored state not read', { error: error as Error });
                return [] as FieldIssue[];
              });
              issues.push(...more.filter((i) => !known.has(i.path)));
            }
            throw new InvalidRequestError(describeIssues(issues, 'Données invalides'), issues);
          }
          body = parsed.data;
        }
        request = {
          body: body as Out<B>,
          query: query as Out<Q>,
          params: params as Out<P>,
          event,
          now,
          caller,
          actor,
          nonce: claimed ? undefined : nonce,
        };
        response = await spec.handle(request);
      } catch (error) {
        // A replayed read is refused before anything else is said about it.
        if (claimed) await claimed;
        // A refusal answers the caller's question: the signed URL is spent like for a success.
        // Bad input and failures leave the nonce free, so the same call may be sent again.
        if (error instanceof RefusalError && nonce && !nonce.consumed) await claimNonce(deps.nonceRepository, nonce);
        throw error;
      }
      if (claimed) await claimed;
      else if (nonce && !nonce.consumed) await claimNonce(deps.nonceRepository, nonce);
      // JSON text names a key `display_id` only if it contains those characters (JSON.stringify
      // never escapes them): the answer is parsed again only then.
      if (spec.method !== 'GET' && isJsonResponse(response) && String(response.body).includes('display_id') && findDisplayId(JSON.parse(String(response.body)))) {
        // w.c.s. would replace the form's number with it: a programming error, never sent.
        throw new Error(`display_id in the answer of ${spec.method} ${spec.path}`);
      }
      if (spec.audit && actor && request && (spec.audit.when?.(request) ?? true) && isSuccess(response)) {
        await appendAudit(deps.auditTrail, spec.audit, request, actor, response);
      }
      return response;
    },
  };
}

export function httpApi(routes: RouteDefinition[], deps: HttpDeps) {
  if (routes.some((r) => r.auth === 'publik') && !deps.nonceRepository) {
    throw new Error('httpApi: publik routes need a nonce store');
  }
  if (routes.some((r) => r.auditAction !== undefined) && !deps.auditTrail) {
    throw new Error('httpApi: audited routes need an audit trail');
  }
  const router = httpRouterHandler<HttpEvent, HttpResponse>({
    routes: routes.map((r) => ({
      method: r.method,
      path: r.path,
      handler: (event: HttpEvent) => r.run(event, deps),
    })),
    notFoundResponse: ({ method, path }) => {
      throw new NotFoundError(`Adresse inconnue : ${method} ${path}`);
    },
  });
  // API Gateway names the route it matched (`event.routeKey`, e.g. `POST /campaigns/{campaignId}/ballots`,
  // with its pathParameters): that route is run at once, without the router's scan of every
  // route's pattern. Any other event (another route key, `$default`, no path parameters for a
  // templated path) goes through the router, as before.
  const byRouteKey = new Map(routes.map((r) => [r.routeKey, r]));
  const dispatch = (event: HttpEvent, context: Context, abort: { signal: AbortSignal }) => {
    const direct = byRouteKey.get(event.routeKey);
    if (direct && event.requestContext?.http?.method === direct.method && (event.pathParameters !== undefined || !direct.path.includes('{'))) {
      return direct.run(event, deps);
    }
    return router(event, context, abort);
  };
  // Unauthenticated routes are opened by links whose path carries their credential (the
  // one-click `/u/{token}`), and so is the check-in by token: their logs name the route, never the path.
  const linkRouteKeys = new Set(routes.filter((r) => r.secretPath).map((r) => r.routeKey));
  const handler = middy<HttpEvent, HttpResponse, Error, Context>()
    // Never the event (bodies, signatures, tokens), whatever POWERTOOLS_LOGGER_LOG_EVENT says.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use({
      before: (request) => {
        logger.appendKeys({
          route: request.event.routeKey,
          method: request.event.requestContext?.http?.method,
          path: linkRouteKeys.has(request.event.routeKey) ? request.event.routeKey : request.event.rawPath,
          requestId: request.event.requestContext?.requestId,
        });
      },
      onError: (request) => {
        request.response = errorResponse(request.error);
      },
    })
    .handler(dispatch);
  return Object.assign(handler, { routes });
}

// ---------------------------------------------------------------------------------------
// Responses

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(body: unknown, statusCode = 200, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** `{"err":0,"data":…}` with optional siblings (`meta`, `count`): every success answer, Publik or admin. */
export function publikOk(data: unknown, siblings?: Record<string, unknown>, statusCode = 200): HttpResponse {
  return json(ok(data, siblings), statusCode);
}

/** An admin PUT's answer: `created` in the data, 201 when the PUT created, 200 when it replaced. */
export function putAnswer(data: object, created: boolean): HttpResponse {
  return publikOk({ ...data, created }, undefined, created ? 201 : 200);
}

/**
 * An admin PUT of one definition (meeting, series, survey, campaign) at `path`: `put` creates or
 * replaces it and says which; the answer is putAnswer's (201 created, 200 replaced).
 */
export function adminPutRoute<B extends z.ZodType, P extends z.ZodType>(spec: {
  path: string;
  params: P;
  body: B;
  audit: AuditSpec<HttpRequest<Out<B>, undefined, Out<P>>>;
  put: (request: HttpRequest<Out<B>, undefined, Out<P>>) => Promise<{ data: object; created: boolean }>;
}): RouteDefinition {
  const { put, ...rest } = spec;
  return route({
    ...rest,
    method: 'PUT',
    auth: 'admin',
    handle: async (request) => {
      const { data, created } = await put(request);
      return putAnswer(data, created);
    },
  });
}

export function text(body: string, contentType: string, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store', ...headers }, body };
}

export function binary(content: Buffer, contentType: string, filename?: string): HttpResponse {
  return {
    statusCode: 200,
    headers: {
      'content-type': contentType,
      'cache-control': 'no-store',
      ...(filename ? { 'content-disposition': `attachment; filename="${filename}"` } : {}),
    },
    body: content.toString('base64'),
    isBase64Encoded: true,
  };
}

function isSuccess(response: HttpResponse): boolean {
  const status = response.statusCode ?? 200;
  return status >= 200 && status < 300;
}

/**
 * Appends the audit record of a write that succeeded: one PutItem after the use case's own
 * write (admin writes are not hot paths; the door's check-in pays one more call, a few ms).
 * If it cannot be written, the write is not allowed to pass silently: the error is logged (the
 * API's 5xx alarm fires) and the caller gets 503 `service-busy`. Every admin write is
 * idempotent, so sending the same request again is safe and records it.
 */
async function appendAudit<R extends HttpRequest<unknown, unknown, unknown>>(
  trail: AuditTrail | undefined,
  audit: AuditSpec<R>,
  request: R,
  actor: AdminActor,
  response: HttpResponse,
): Promise<void> {
  const data = isJsonResponse(response) ? (JSON.parse(String(response.body)) as { data?: unknown }).data : undefined;
  const target = audit.target ? audit.target(request, data) : lastParam(request.params);
  const counts = audit.counts?.(data, request);
  try {
    if (!trail) throw new Error('no audit trail');
    await trail.append({
      at: request.now.toISOString(),
      id: randomUUID(),
      actor,
      action: audit.action,
      ...(target !== undefined ? { target } : {}),
      ...(counts !== undefined ? { counts } : {}),
    });
  } catch (error) {
    logger.error('audit record not written', { errClass: 'audit-not-written', action: audit.action, target, error: error as Error });
    throw new ServiceBusyError(
      'L’opération a été effectuée, mais elle n’a pas pu être inscrite au journal d’audit : renvoyez la même requête dans un instant.',
    );
  }
}

function lastParam(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const values = Object.values(params).filter((v): v is string => typeof v === 'string');
  return values.at(-1);
}

function isJsonResponse(response: HttpResponse): boolean {
  const type = response.headers?.['content-type'];
  return typeof type === 'string' && type.startsWith('application/json') && typeof response.body === 'string';
}

export function errorResponse(error: unknown): HttpResponse {
  if (error instanceof AppError) {
    // The class and the faulty field paths only: messages may quote what the caller sent
    // (an email address, a name), and logs never carry personal data.
    const fields = error.details?.errors?.map((e) => e.path);
    if (error.statusCode >= 500) logger.warn('request refused', { errClass: error.code, status: error.statusCode });
    else logger.info('request refused', { errClass: error.code, status: error.statusCode, ...(fields ? { fields } : {}) });
    const headers: Record<string, string> =
      error instanceof UnauthorizedError ? { 'www-authenticate': 'Bearer realm="publik-club admin"' } : {};
    const message = error.expose ? error.message : 'La requête n’a pas pu aboutir.';
    return json(failure(error.code, message, error.expose ? error.details : undefined), error.statusCode, headers);
  }
  if (isDynamoBusy(error)) {
    logger.warn('store busy after retries', { error: error as Error });
    const busy = new ServiceBusyError();
    return json(failure(busy.code, busy.message), busy.statusCode, { 'retry-after': '1' });
  }
  // http-router or another middy middleware: an http-errors-like error with a status.
  if (isHttpError(error) && error.statusCode < 500) {
    return json(failure('invalid-request', 'Requête invalide.'), error.statusCode);
  }
  logger.error('unexpected error', { error: error as Error });
  return json(failure('internal-error', 'Erreur interne du service : réessayez plus tard.'), 500);
}

function isDynamoBusy(error: unknown): boolean {
  return (
    error instanceof ProvisionedThroughputExceededException ||
    error instanceof RequestLimitExceeded ||
    error instanceof ThrottlingException ||
    error instanceof TransactionConflictException ||
    (error instanceof DynamoDBServiceException && error.$retryable?.throttling === true)
  );
}

function isHttpError(error: unknown): error is { statusCode: number } {
  return typeof error === 'object' && error !== null && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

// ---------------------------------------------------------------------------------------
// Authentication

function verifyPublikSignature(event: HttpEvent, secrets: Secrets, now: Date): VerifiedSignature {
  try {
    // The MAC covers the raw query bytes exactly as sent: never a decoded or rebuilt query.
    return verifyQuery(event.rawQueryString ?? '', {
      keys: secrets.signatureKeys,
      defaultKey: secrets.defaultSignatureKey,
      now,
    });
  } catch (error) {
    if (error instanceof SignatureError) throw new AccessDeniedError(error.message);
    throw error;
  }
}

async function claimNonce(nonceRepository: NonceRepository | undefined, nonce: CallNonce): Promise<void> {
  if (!nonceRepository || !(await nonceRepository.claim(nonce))) throw new ReplayedCallError();
}

/** An `ADMIN_TOKENS` entry: `label:token`, or a plain token labelled by its position. */
const LABELLED_TOKEN = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63}):(.+)$/;

/** The entries of `ADMIN_TOKENS` with their labels (a plain token's label is `token-<position>`, from 1). */
export function adminTokenEntries(entries: string[]): Array<{ label: string; token: string }> {
  return entries.map((entry, i) => {
    const match = LABELLED_TOKEN.exec(entry);
    return match ? { label: match[1] as string, token: match[2] as string } : { label: `token-${i + 1}`, token: entry };
  });
}

function checkAdminToken(event: HttpEvent, tokens: string[]): AdminActor {
  const header = event.headers?.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new UnauthorizedError();
  const presented = match[1];
  // Every entry is compared (constant time each), so the time taken says nothing of which matched.
  let found: string | undefined;
  for (const { label, token } of adminTokenEntries(tokens)) if (sameSecret(presented, token) && found === undefined) found = label;
  if (found === undefined) throw new AccessDeniedError('Jeton d’administration refusé.');
  return { kind: 'token', label: found };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A bearer token (scripts), else the console's session cookie (contract-console.md): sealed with
 * CONSOLE_SESSION_KEY, not expired, and on an unsafe method the `X-Requested-With: console`
 * header, which a cross-site form cannot send. A bearer header, when present, decides alone.
 */
function checkAdmin(event: HttpEvent, secrets: Secrets, now: Date): AdminActor {
  if (event.headers?.authorization !== undefined) return checkAdminToken(event, secrets.adminTokens);
  const { present, session } = consoleSessionOf(event, secrets.consoleSessionKey, now);
  if (!present) throw new UnauthorizedError();
  if (!session) throw new AccessDeniedError('Session de la console expirée ou invalide : reconnectez-vous.');
  const method = event.requestContext?.http?.method ?? 'GET';
  if (!SAFE_METHODS.has(method) && event.headers?.[CONSOLE_CSRF_HEADER] !== CONSOLE_CSRF_VALUE) {
    throw new AccessDeniedError('En-tête X-Requested-With: console requis avec la session de la console.');
  }
  return { kind: 'console', sub: session.sub };
}

// ---------------------------------------------------------------------------------------
// Input

/** Query string as an object: last value wins, except that repeated keys become arrays. */
export function queryObject(rawQuery: string | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of parseQuery(rawQuery ?? '')) {
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/**
 * Path parameters exactly as sent. Our ids never need percent-encoding and are never trimmed or
 * case-folded: `%20club-12`, `club-12%20` or `club%2d12` name no object (404), instead of
 * reaching `club-12` through decoding or normalisation.
 */
function canonicalParams<S extends z.ZodType>(schema: S, event: HttpEvent, shownPath: string): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.pathParameters ?? {})) if (value !== undefined) raw[key] = value;
  const notFound = () => new NotFoundError(`Adresse inconnue : ${shownPath}`);
  if ((event.rawPath ?? '').includes('%') || Object.values(raw).some((v) => v.includes('%'))) throw notFound();
  const parsed = parseInput(schema, raw, 'Adresse invalide') as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) {
    if (parsed[key] !== undefined && parsed[key] !== value) throw notFound();
  }
  return parsed as z.output<S>;
}

/** Bodies are small forms: anything larger is refused before any other work. */
export const MAX_BODY_BYTES = 256 * 1024;

function checkBodySize(event: HttpEvent): void {
  const body = event.body;
  if (body === undefined || body === null) return;
  // Base64 carries 3 bytes in 4 characters.
  const bytes = event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
}

function parseBody(event: HttpEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return {};
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw.trim() === '') return {};
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
  if (contentType === 'application/x-www-form-urlencoded') return queryObject(raw);
  // w.c.s. sends JSON; a missing type is read as JSON too (curl -d, some HTTP clients).
  if (contentType !== '' && contentType !== 'application/json' && !contentType.endsWith('+json')) {
    throw new UnsupportedMediaTypeError();
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new InvalidRequestError('Le corps de la requête n’est pas un document JSON valide.', [
      { path: '', message: 'JSON invalide.' },
    ]);
  }
}
