// A local stand-in for API Gateway HTTP API with Lambda proxy integrations, payload format 2.0.
//
// Every request becomes the event AWS would send, byte for byte where it matters:
//  - rawQueryString is the bytes after `?` exactly as received (Publik signatures are computed
//    over them: never decoded, never re-encoded);
//  - queryStringParameters are form-decoded (`+` is a space) with duplicate keys joined by commas;
//  - headers are lower-cased, repeated ones joined by commas; the Cookie header moves to `cookies`;
//  - the body is a UTF-8 string only for text/*, application/json, application/xml and
//    application/javascript; anything else (no content type, form-urlencoded, PDF...) is
//    base64 with isBase64Encoded: true, as real HTTP APIs do;
//  - route selection follows HTTP API rules: literal segments beat `{param}`, which beats
//    `{proxy+}`; a method beats ANY; `$default` catches the rest. No route → 404 Not Found.
// Answers follow the payload 2.0 response rules (string or object without statusCode → 200 JSON).
import { randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws.ts';

/** What the gateway calls: a Lambda handler for HTTP API payload 2.0 events (middy or plain). */
export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => unknown;

export interface GatewayFunction {
  name: string;
  /** Route keys as in functions/manifest.ts, e.g. `GET /meetings/{meetingId}`, `ANY /x/{proxy+}`, `$default`. */
  routes: string[];
  /** Loaded lazily on first use, then cached (a failed load is retried on the next request). */
  load: () => Promise<HttpHandler>;
  /** Lambda timeout seen through context.getRemainingTimeInMillis(). Default 29 s. */
  timeoutMs?: number;
}

export interface ExtraRouteContext {
  url: URL;
  body: Buffer;
}

/** A plain node:http route served before the Lambda routes (local-only helpers under /__local/). */
export interface ExtraRoute {
  /** HTTP method, or '*' for any. */
  method: string;
  path: string;
  /** Match every path under `path` too. */
  prefix?: boolean;
  handle: (req: IncomingMessage, res: ServerResponse, ctx: ExtraRouteContext) => void | Promise<void>;
}

export interface GatewayOptions {
  port: number;
  host?: string;
  functions: GatewayFunction[];
  /** '$default' (default) or a named stage, which then prefixes every path (`/dev/meetings`). */
  stage?: string;
  extraRoutes?: ExtraRoute[];
  /** API Gateway's own integration timeout: past it the client gets 503. Default 30 s. */
  integrationTimeoutMs?: number;
  /** Access log sink (one line per request); nothing when absent. */
  log?: (line: string) => void;
  /** Handler crashes and malformed results; default console.error. */
  logError?: (message: string) => void;
  apiId?: string;
}

export interface Gateway {
  url: string;
  port: number;
  /** Imports every handler now (so start-up shows import/config errors); never throws. */
  warm(): Promise<Array<{ name: string; error?: unknown }>>;
  stop(): Promise<void>;
}

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute {
  routeKey: string;
  /** Upper-case method, 'ANY', or '$default'. */
  method: string;
  segments: Segment[];
  fn: LoadedFunction;
}

interface LoadedFunction {
  spec: GatewayFunction;
  handler(): Promise<HttpHandler>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024; // HTTP API payload limit
const TEXT_MEDIA_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);

/** Parses a route key into method + segments; throws on a malformed key. */
export function compileRouteKey(routeKey: string): { method: string; segments: Segment[] } {
  if (routeKey === '$default') return { method: '$default', segments: [] };
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (!match) throw new Error(`Invalid route key "${routeKey}" (expected "METHOD /path" or "$default")`);
  const method = match[1] as string;
  const path = match[2] as string;
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const segments = parts.map((part, i): Segment => {
    const param = /^\{([A-Za-z0-9_]+)(\+)?\}$/.exec(part);
    if (!param) {
      if (part.includes('{') || part.includes('}')) throw new Error(`Invalid path segment "${part}" in "${routeKey}"`);
      return { kind: 'literal', value: part };
    }
    if (param[2]) {
      if (i !== parts.length - 1) throw new Error(`Greedy {${param[1]}+} must be last in "${routeKey}"`);
      return { kind: 'greedy', name: param[1] as string };
    }
    return { kind: 'param', name: param[1] as string };
  });
  return { method, segments };
}

/**
 * The path as the access log prints it: a path parameter that is a personal-link token (its
 * name contains "token", e.g. `/u/{token}`, the one-click unsubscribe link) is printed as its
 * name, never its value. A path no route matched keeps its first segment only (`/u/…`): what
 * follows may be a token sent to a mistyped address.
 */
export function pathForLog(rawPath: string, stagePrefix: string, segments: Segment[] | undefined): string {
  const rest = rawPath.slice(stagePrefix.length);
  const parts = rest.split('/'); // parts[0] is '' (the path starts with '/')
  if (segments === undefined) return parts.length > 2 ? `${stagePrefix}/${parts[1]}/…` : rawPath;
  segments.forEach((segment, i) => {
    if (segment.kind === 'literal' || !/token/i.test(segment.name)) return;
    if (segment.kind === 'greedy') parts.splice(i + 1, parts.length, `{${segment.name}+}`);
    else parts[i + 1] = `{${segment.name}}`;
  });
  return stagePrefix + parts.join('/');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Form decoding as AWS applies it to queryStringParameters: `+` is a space, then percent-decoding. */
function formDecode(value: string): string {
  return safeDecode(value.replace(/\+/g, ' '));
}

/** queryStringParameters of a payload 2.0 event: decoded, duplicates joined with commas; undefined if empty. */
export function parseQueryStringParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const out: Record<string, string> = {};
  for (const piece of rawQueryString.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = formDecode(eq < 0 ? piece : piece.slice(0, eq));
    const value = formDecode(eq < 0 ? '' : piece.slice(eq + 1));
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

interface RouteMatch {
  route: CompiledRoute;
  pathParameters: Record<string, string>;
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.every((p) => p === '')) return undefined;
      params[segment.name] = rest.map(safeDecode).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined || part === '') return undefined;
    if (segment.kind === 'literal') {
      if (safeDecode(part) !== segment.value) return undefined;
    } else {
      params[segment.name] = safeDecode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

const SEGMENT_RANK = { literal: 3, param: 2, greedy: 1 } as const;

/** Negative when `a` is the more specific route (sorted first). */
function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const ra = a.segments[i] ? SEGMENT_RANK[a.segments[i]!.kind] : 0;
    const rb = b.segments[i] ? SEGMENT_RANK[b.segments[i]!.kind] : 0;
    if (ra !== rb) return rb - ra;
  }
  const methodRank = (m: string) => (m === '$default' ? 0 : m === 'ANY' ? 1 : 2);
  return methodRank(b.method) - methodRank(a.method);
}

/** Picks the route API Gateway would select for this method and (stage-less) path. */
export function selectRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch | undefined {
  // HTTP APIs route `/console/` like `/console`: a trailing slash is not a segment of its own.
  const parts = path === '/' ? [] : path.replace(/^\//, '').replace(/(.)\/$/, '$1').split('/');
  const candidates: RouteMatch[] = [];
  for (const route of routes) {
    if (route.method === '$default') {
      candidates.push({ route, pathParameters: {} });
      continue;
    }
    if (route.method !== 'ANY' && route.method !== method) continue;
    const params = matchSegments(route.segments, parts);
    if (params) candidates.push({ route, pathParameters: params });
  }
  candidates.sort((a, b) => compareSpecificity(a.route, b.route));
  return candidates[0];
}

function headerMap(req: IncomingMessage): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'cookie') {
      for (const cookie of value.split(';')) {
        const trimmed = cookie.trim();
        if (trimmed) cookies.push(trimmed);
      }
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  return media.startsWith('text/') || TEXT_MEDIA_TYPES.has(media);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** requestContext.time: `12/Mar/2020:19:03:58 +0000`. */
function requestTime(date: Date): string {
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

function traceId(now: Date): string {
  return `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

interface BuildEventInput {
  method: string;
  rawPath: string;
  rawQueryString: string;
  routeKey: string;
  pathParameters: Record<string, string>;
  req: IncomingMessage;
  body: Buffer;
  requestId: string;
  apiId: string;
  stage: string;
  now: Date;
}

/** Builds the payload 2.0 event API Gateway would send for this request. */
export function buildEvent(input: BuildEventInput): APIGatewayProxyEventV2 {
  const { headers, cookies } = headerMap(input.req);
  const sourceIp = (input.req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const localPort = input.req.socket.localPort;
  // What API Gateway adds in front of the integration.
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  if (localPort !== undefined) headers['x-forwarded-port'] ??= String(localPort);
  headers['x-amzn-trace-id'] ??= traceId(input.now);
  const host = headers['host'] ?? `127.0.0.1${localPort ? `:${localPort}` : ''}`;
  const domainName = host;
  const domainPrefix = host.split(/[.:]/)[0] ?? host;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: input.apiId,
      domainName,
      domainPrefix,
      http: {
        method: input.method,
        path: input.rawPath,
        protocol: `HTTP/${input.req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: input.stage,
      time: requestTime(input.now),
      timeEpoch: input.now.getTime(),
    },
    isBase64Encoded: false,
  };
  const query = parseQueryStringParameters(input.rawQueryString);
  if (query) event.queryStringParameters = query;
  if (Object.keys(input.pathParameters).length > 0) event.pathParameters = input.pathParameters;
  if (input.body.length > 0) {
    if (isTextContentType(headers['content-type'])) {
      event.body = input.body.toString('utf8');
    } else {
      event.body = input.body.toString('base64');
      event.isBase64Encoded = true;
    }
  }
  return event;
}

/** A minimal Lambda context, enough for middy and Powertools. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

class MalformedResultError extends Error {}

/** Turns a handler result into the HTTP answer, following the payload 2.0 response rules. */
export function toHttpAnswer(result: unknown): HttpAnswer {
  const isStructured = typeof result === 'object' && result !== null && 'statusCode' in result;
  if (!isStructured) {
    // "If your function returns valid JSON and doesn't return a statusCode, API Gateway assumes
    // 200, application/json and the whole result as the body" (a string is sent as is).
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body, 'utf8') };
  }
  const r = result as { statusCode: unknown; headers?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const statusCode = typeof r.statusCode === 'string' ? Number(r.statusCode) : r.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedResultError(`statusCode must be an HTTP status, got ${JSON.stringify(r.statusCode)}`);
  }
  const headers: Record<string, string> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object') throw new MalformedResultError('headers must be an object');
    for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      headers[name.toLowerCase()] = String(value);
    }
  }
  const cookies: string[] = [];
  if (r.cookies !== undefined) {
    if (!Array.isArray(r.cookies) || r.cookies.some((c) => typeof c !== 'string')) {
      throw new MalformedResultError('cookies must be an array of strings');
    }
    cookies.push(...(r.cookies as string[]));
  }
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') {
    throw new MalformedResultError(`body must be a string, got ${typeof r.body}`);
  }
  const text = (r.body as string | undefined | null) ?? '';
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode, headers, cookies, body };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('Request Entity Too Large'), { statusCode: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers });
  res.end(payload);
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Starts the gateway on host:port (port 0 = any free port). */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  const stage = opts.stage ?? '$default';
  const apiId = opts.apiId ?? 'local';
  const integrationTimeoutMs = opts.integrationTimeoutMs ?? 30_000;
  const logError = opts.logError ?? ((message: string) => console.error(message));
  const stagePrefix = stage === '$default' ? '' : `/${stage}`;

  const loaded: LoadedFunction[] = opts.functions.map((spec) => {
    let pending: Promise<HttpHandler> | undefined;
    return {
      spec,
      handler() {
        if (!pending) {
          const loading = spec.load().then((handler) => {
            if (typeof handler !== 'function') throw new Error(`${spec.name}: the module does not export a handler function`);
            return handler;
          });
          // A failed import is retried on the next request (e.g. a file being edited).
          loading.catch(() => {
            if (pending === loading) pending = undefined;
          });
          pending = loading;
        }
        return pending;
      },
    };
  });
  const routes: CompiledRoute[] = [];
  const seen = new Map<string, string>();
  for (const fn of loaded) {
    for (const routeKey of fn.spec.routes) {
      const previous = seen.get(routeKey);
      if (previous) throw new Error(`Route "${routeKey}" is declared by both ${previous} and ${fn.spec.name}`);
      seen.set(routeKey, fn.spec.name);
      routes.push({ routeKey, ...compileRouteKey(routeKey), fn });
    }
  }
  const extraRoutes = opts.extraRoutes ?? [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const now = new Date(started);
    const requestId = randomBytes(11).toString('base64');
    const target = req.url ?? '/';
    const question = target.indexOf('?');
    const rawPath = question < 0 ? target : target.slice(0, question);
    const rawQueryString = question < 0 ? '' : target.slice(question + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    let status = 0;
    let fnName = '-';
    let routeKey = '-';
    let loggedPath = pathForLog(rawPath, '', undefined);
    try {
      const body = await readBody(req);
      const extra = extraRoutes.find(
        (r) => (r.method === '*' || r.method.toUpperCase() === method) && (rawPath === r.path || (r.prefix === true && rawPath.startsWith(r.path.endsWith('/') ? r.path : `${r.path}/`))),
      );
      if (extra) {
        fnName = 'local';
        loggedPath = rawPath;
        await extra.handle(req, res, { url: new URL(target, `http://${req.headers.host ?? host}`), body });
        status = res.statusCode;
        return;
      }
      const apigwHeaders = { 'apigw-requestid': requestId };
      if (stagePrefix && rawPath !== stagePrefix && !rawPath.startsWith(`${stagePrefix}/`)) {
        status = 404;
        sendJson(res, 404, { message: 'Not Found' }, apigwHeaders);
        return;
      }
      const routePath = rawPath.slice(stagePrefix.length) || '/';
      const match = selectRoute(routes, method, routePath);
      if (!match) {
        status = 404;
        sendJson(res, 404, { message: 'Not Found' }, apigwHeaders);
        return;
      }
      fnName = match.route.fn.spec.name;
      routeKey = match.route.routeKey;
      loggedPath = pathForLog(rawPath, stagePrefix, match.route.segments);
      const event = buildEvent({
        method,
        rawPath,
        rawQueryString,
        routeKey: match.route.routeKey,
        pathParameters: match.pathParameters,
        req,
        body,
        requestId,
        apiId,
        stage,
        now,
      });
      let answer: HttpAnswer;
      try {
        const handler = await match.route.fn.handler();
        const context = lambdaContext(fnName, match.route.fn.spec.timeoutMs ?? 29_000);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), integrationTimeoutMs);
        });
        const result = await Promise.race([Promise.resolve(handler(event, context)), timeout]).finally(() => clearTimeout(timer));
        if (result === 'timeout') {
          logError(`[gateway] ${fnName}: no answer within ${integrationTimeoutMs} ms (${method} ${rawPath})`);
          status = 503;
          sendJson(res, 503, { message: 'Service Unavailable' }, apigwHeaders);
          return;
        }
        answer = toHttpAnswer(result);
      } catch (error) {
        const what = error instanceof MalformedResultError ? 'malformed Lambda result' : 'handler error';
        logError(`[gateway] ${fnName} ${what} on ${method} ${rawPath}:\n${errorText(error)}`);
        status = 500;
        sendJson(res, 500, { message: 'Internal Server Error' }, apigwHeaders);
        return;
      }
      status = answer.statusCode;
      const headers: Record<string, string | string[]> = { ...answer.headers, 'apigw-requestid': requestId };
      if (answer.cookies.length > 0) headers['set-cookie'] = answer.cookies;
      headers['content-length'] = String(answer.body.length);
      res.writeHead(answer.statusCode, headers);
      res.end(method === 'HEAD' ? undefined : answer.body);
    } catch (error) {
      const code = (error as { statusCode?: number }).statusCode;
      status = code ?? 500;
      if (code === undefined) logError(`[gateway] ${method} ${rawPath}:\n${errorText(error)}`);
      if (!res.headersSent) sendJson(res, status, { message: code === 413 ? 'Request Entity Too Large' : 'Internal Server Error' });
      else res.end();
    } finally {
      // The path only, like the deployed access log: the query string carries Publik
      // signatures and personal-link tokens; a token in the path is redacted (pathForLog).
      opts.log?.(`${method} ${loggedPath} → ${status || res.statusCode} (${routeKey}, ${fnName}, ${Date.now() - started} ms)`);
    }
  };

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${opts.port} on ${host} is already in use (set another one, e.g. PORT=3001)`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(opts.port, host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}${stagePrefix}`,
    port,
    async warm() {
      return Promise.all(
        loaded.map(async (fn) => {
          try {
            await fn.handler();
            return { name: fn.spec.name };
          } catch (error) {
            return { name: fn.spec.name, error };
          }
        }),
      );
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
