// The API reference: `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (Redoc,
// served by us with a strict CSP; no third-party host is ever contacted). Both are files made at
// synth time beside the bundle (infra/constructs/service-function.ts `assets`): the document is
// generated from the routes' zod schemas by scripts/openapi.ts, and Redoc's standalone build is
// copied from node_modules. Neither enters index.mjs: the bundle stays small, and the 1 MB
// renderer is read from disk only when a person opens the page. From the sources (npm start,
// tests) there are no such files: the document is generated in-process, Redoc read from node_modules.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod';
import { NotFoundError } from '#shared/errors.ts';
import { httpApi, route, type HttpResponse } from '#shared/lambda/http.ts';
import { PAGE_SECURITY_HEADERS } from '#shared/lambda/page-headers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The files of the reference, by the name they are served under. */
export const ASSETS = {
  document: 'openapi.json',
  renderer: 'redoc.standalone.js',
} as const;

/** The console's headers (contract-console.md): no inline script, no eval, no framing. */
export const DOCS_SECURITY_HEADERS = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    // Redoc (styled-components) inserts its style rules at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    // Redoc's search index runs in a worker made from a blob.
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  ...PAGE_SECURITY_HEADERS,
} as const;

const PAGE = `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>publik-club — référence de l’API</title>
<link rel="icon" href="data:,">
</head>
<body>
<noscript>La référence s’affiche avec JavaScript ; le document brut est à l’adresse <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="reference"></div>
<script src="/docs/${ASSETS.renderer}"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// An external file, not an inline script: the CSP allows scripts from our origin only.
const INIT = `Redoc.init('/openapi.json', { hideDownloadButton: false, expandResponses: '200', jsonSampleExpandLevel: 3 }, document.getElementById('reference'));\n`;

const cache = new Map<string, Promise<string>>();

/** A file beside the bundle, or (from the sources) what scripts/openapi.ts makes. */
function asset(name: string): Promise<string> {
  let pending = cache.get(name);
  if (!pending) {
    pending = readFile(path.join(here, name), 'utf8').catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      return fromSources(name);
    });
    pending.catch(() => cache.delete(name));
    cache.set(name, pending);
  }
  return pending;
}

async function fromSources(name: string): Promise<string> {
  if (name === ASSETS.renderer) {
    return readFile(createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js'), 'utf8');
  }
  // Kept out of the bundle (a computed specifier): only ever reached when running from the sources.
  const generator = pathToFileURL(path.join(here, '../../scripts/openapi.ts')).href;
  const { generateDocumentText } = (await import(generator)) as { generateDocumentText: () => Promise<string> };
  return generateDocumentText();
}

function file(body: string, contentType: string, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: 200, headers: { 'content-type': contentType, ...headers }, body };
}

const page = () => file(PAGE, 'text/html; charset=utf-8', { ...DOCS_SECURITY_HEADERS, 'cache-control': 'no-cache' });

export const routes = [
  route({
    method: 'GET',
    path: '/openapi.json',
    auth: 'none',
    handle: async () =>
      file(await asset(ASSETS.document), 'application/json; charset=utf-8', {
        'cache-control': 'no-cache',
        'access-control-allow-origin': '*',
        'x-content-type-options': 'nosniff',
      }),
  }),
  route({ method: 'GET', path: '/docs', auth: 'none', handle: page }),
  route({
    method: 'GET',
    path: '/docs/{file}',
    auth: 'none',
    params: z.object({ file: z.string().max(64) }),
    handle: async ({ params }) => {
      const headers = { ...DOCS_SECURITY_HEADERS, 'cache-control': 'public, max-age=3600' };
      if (params.file === 'init.js') return file(INIT, 'text/javascript; charset=utf-8', headers);
      if (params.file === ASSETS.renderer) return file(await asset(ASSETS.renderer), 'text/javascript; charset=utf-8', headers);
      throw new NotFoundError(`Fichier inconnu : ${params.file}`);
    },
  }),
];

// No secrets, no store: every route is public.
export const handler = httpApi(routes, {
  secrets: () => Promise.resolve({ signatureKeys: {}, defaultSignatureKey: undefined, adminTokens: [] }),
});
