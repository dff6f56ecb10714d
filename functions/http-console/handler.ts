// The organisers' console (contract-console.md, docs/console.md): the HTML shells of the pages,
// their fingerprinted assets, and signing in with the Publik account (OpenID Connect, the
// backend-for-frontend session cookie read by every /admin route, shared/lambda/http.ts).
//   GET  /console, /console/{proxy+}  a page's shell (no-store) or an asset (immutable)
//   GET  /console/login               starts the code flow (PKCE, state, nonce)
//   GET  /console/callback            ends it: the session cookie, or the 403 page
//   POST /console/logout              ends the session (and the provider's, when it can)
//   GET  /console/session             who is signed in, for the header
// The assets are files beside the bundle (`console/`, built at synth by scripts/build-console.ts),
// or dist/console from the sources (npm start and the tests build it first).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '#shared/config.ts';
import { UnauthorizedError } from '#shared/errors.ts';
import {
  CONSOLE_COOKIE_PLAIN,
  CONSOLE_COOKIE_SECURE,
  CONSOLE_SESSION_SECONDS,
  consoleCookieName,
  consoleSessionOf,
  cookieValue,
  openValue,
  sealConsoleSession,
  sealValue,
  type ConsoleSession,
} from '#shared/lambda/console-session.ts';
import { httpApi, publikOk, route, type HttpEvent, type HttpResponse } from '#shared/lambda/http.ts';
import { logger } from '#shared/lambda/logger.ts';
import { resolveSecrets, type Secrets } from '#shared/lambda/secrets.ts';
import { endSessionUrl, finishSignIn, isOrganiser, startSignIn, type OidcSettings, type SignInTransaction } from './oidc.ts';
import { pageFor } from './pages.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const config = parseConfig();

// ---------------------------------------------------------------------------------------
// Files

interface Manifest {
  pages: Record<string, { script: string; styles: string[]; preload: string[] }>;
  stylesheet: string;
}

/** Beside the bundle in AWS; dist/console from the sources. */
const bundled = path.join(here, 'console');
const consoleDir = existsSync(path.join(bundled, 'manifest.json')) ? bundled : path.resolve(here, '../../dist/console');
const fromSources = consoleDir !== bundled;

let manifestCache: Manifest | undefined;
function manifest(): Manifest {
  // From the sources a rebuild may happen while running (npm start): read it every time.
  if (manifestCache && !fromSources) return manifestCache;
  try {
    manifestCache = JSON.parse(readFileSync(path.join(consoleDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new Error(`console not built: no ${path.join(consoleDir, 'manifest.json')} (run npx tsx scripts/build-console.ts)`);
  }
  return manifestCache;
}

const assetCache = new Map<string, string>();
const ASSET_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

// ---------------------------------------------------------------------------------------
// Headers

const issuerOrigin = (() => {
  try {
    return config.oidc.issuer ? new URL(config.oidc.issuer).origin : undefined;
  } catch {
    return undefined;
  }
})();

/** Every console answer (contract-console.md): no inline script, no eval, no framing. */
export const CONSOLE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    // Logging out posts here, then goes on to the provider's end-session page.
    `form-action 'self'${issuerOrigin ? ` ${issuerOrigin}` : ''}`,
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const NO_STORE = 'no-store';
const IMMUTABLE = 'public, max-age=31536000, immutable';

function answer(statusCode: number, body: string, contentType: string, extra: Record<string, string> = {}, cookies?: string[]): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': contentType, 'cache-control': NO_STORE, ...CONSOLE_SECURITY_HEADERS, ...extra },
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    body,
  };
}

const redirect = (location: string, cookies?: string[], status = 302) => answer(status, '', 'text/plain; charset=utf-8', { location }, cookies);

// ---------------------------------------------------------------------------------------
// Pages

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const asset = (file: string) => `/console/${file}`;

function shell(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Console du club</title>
<link rel="icon" href="data:,">
${head}
</head>
<body>
${body}
</body>
</html>
`;
}

function pageShell(page: string, title: string): string {
  const files = manifest().pages[page];
  if (!files) throw new Error(`console page ${page} missing from the build`);
  const head = [
    ...files.styles.map((f) => `<link rel="stylesheet" href="${asset(f)}">`),
    ...files.preload.map((f) => `<link rel="modulepreload" href="${asset(f)}">`),
    `<script type="module" src="${asset(files.script)}"></script>`,
  ].join('\n');
  return shell(
    title,
    head,
    `<div id="app"><p class="loading">Chargement…</p></div>
<noscript><p>La console a besoin de JavaScript.</p></noscript>`,
  );
}

/** A page the server writes alone (no script): refused sign-in, failed sign-in. */
function standalonePage(title: string, paragraphs: string[], links: Array<{ href: string; label: string }>): string {
  return shell(
    title,
    `<link rel="stylesheet" href="${asset(manifest().stylesheet)}">`,
    `<main id="contenu" class="standalone">
<h1>${escapeHtml(title)}</h1>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<ul>
${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a></li>`).join('\n')}
</ul>
</main>`,
  );
}

const HTML = 'text/html; charset=utf-8';

// ---------------------------------------------------------------------------------------
// Session and sign-in

const secure = config.publicBaseUrl.startsWith('https://');
const sessionCookie = consoleCookieName(config.publicBaseUrl);
const signInCookie = secure ? '__Host-club_signin' : 'club_signin';

function cookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
const clearCookie = (name: string) => cookie(name, '', 0);

let secretsPending: Promise<Secrets> | undefined;
const secrets = () =>
  (secretsPending ??= resolveSecrets(config).catch((error: unknown) => {
    secretsPending = undefined;
    throw error;
  }));

async function sessionKey(): Promise<string> {
  const key = (await secrets()).consoleSessionKey;
  if (!key) throw new Error('CONSOLE_SESSION_KEY is not set');
  return key;
}

async function oidcSettings(): Promise<OidcSettings | undefined> {
  const { issuer, clientId } = config.oidc;
  const clientSecret = (await secrets()).oidcClientSecret;
  if (!issuer || !clientId || !clientSecret) return undefined;
  return { issuer, clientId, clientSecret, redirectUri: `${config.publicBaseUrl}/console/callback` };
}

async function currentSession(event: HttpEvent, now: Date): Promise<ConsoleSession | undefined> {
  return consoleSessionOf(event, await sessionKey(), now).session;
}

/** A path under /console to come back to; anything else (another host, `//x`) is the dashboard. */
export function safeReturnPath(value: string | undefined): string {
  if (!value || !/^\/console(\/|$|\?)/.test(value) || value.startsWith('//') || /[\\\s]/.test(value)) return '/console/';
  if (value.startsWith('/console/login') || value.startsWith('/console/callback') || value.startsWith('/console/logout')) return '/console/';
  return value;
}

const NOT_CONFIGURED = () =>
  answer(
    503,
    standalonePage('Connexion indisponible', ['La connexion avec le compte Publik n’est pas configurée sur ce service.'], []),
    HTML,
  );

async function login(event: HttpEvent, now: Date): Promise<HttpResponse> {
  const settings = await oidcSettings();
  if (!settings) return NOT_CONFIGURED();
  const returnTo = safeReturnPath(new URLSearchParams(event.rawQueryString ?? '').get('return') ?? undefined);
  const { url, transaction } = await startSignIn(settings, returnTo, now);
  return redirect(url, [cookie(signInCookie, sealValue(transaction, await sessionKey(), 'signin'), 600)]);
}

const SIGN_IN_FAILED = (why: string) =>
  answer(
    400,
    standalonePage('La connexion n’a pas abouti', [why], [{ href: '/console/login', label: 'Recommencer la connexion' }]),
    HTML,
    {},
    [clearCookie(signInCookie)],
  );

async function callback(event: HttpEvent, now: Date): Promise<HttpResponse> {
  const settings = await oidcSettings();
  if (!settings) return NOT_CONFIGURED();
  const key = await sessionKey();
  const sealed = cookieValue(event, signInCookie);
  const transaction = sealed ? (openValue(sealed, key, 'signin') as SignInTransaction | undefined) : undefined;
  if (!transaction || typeof transaction.exp !== 'number' || transaction.exp * 1000 <= now.getTime()) {
    logger.info('console sign-in refused', { reason: 'no-transaction' });
    return SIGN_IN_FAILED('La demande de connexion a expiré ou vient d’un autre navigateur.');
  }
  const query = new URLSearchParams(event.rawQueryString ?? '');
  if (query.get('error')) {
    logger.info('console sign-in refused', { reason: 'provider-error', errClass: query.get('error') });
    return SIGN_IN_FAILED('Le fournisseur d’identité a refusé la connexion.');
  }
  let person;
  try {
    person = await finishSignIn(settings, event.rawQueryString ?? '', transaction);
  } catch (error) {
    logger.warn('console sign-in refused', { reason: 'code-exchange', errClass: (error as { code?: string }).code ?? (error as Error).name });
    return SIGN_IN_FAILED('La réponse du fournisseur d’identité n’a pas pu être vérifiée.');
  }
  if (!isOrganiser(person, config.oidc)) {
    logger.info('console sign-in refused', { reason: 'not-organiser', sub: person.sub });
    return answer(
      403,
      standalonePage(
        'Accès réservé aux organisateurs du club',
        [
          'Vous êtes connecté avec votre compte Publik, mais ce compte n’a pas le rôle d’organisateur du club.',
          'Si vous organisez les rencontres du club, demandez ce rôle à l’administrateur de votre instance Publik.',
        ],
        [{ href: '/console/login', label: 'Se connecter avec un autre compte' }],
      ),
      HTML,
      {},
      [clearCookie(signInCookie), clearCookie(sessionCookie)],
    );
  }
  const session: ConsoleSession = {
    sub: person.sub,
    name: person.name,
    ...(person.email ? { email: person.email } : {}),
    organiser: true,
    exp: Math.floor(now.getTime() / 1000) + CONSOLE_SESSION_SECONDS,
  };
  logger.info('console signed in', { sub: person.sub });
  return redirect(safeReturnPath(transaction.returnTo), [
    clearCookie(signInCookie),
    cookie(sessionCookie, sealConsoleSession(session, key), CONSOLE_SESSION_SECONDS),
  ]);
}

async function logout(): Promise<HttpResponse> {
  const cookies = [clearCookie(sessionCookie), clearCookie(signInCookie)];
  const settings = await oidcSettings();
  const endSession = settings ? await endSessionUrl(settings, `${config.publicBaseUrl}/console/`).catch(() => undefined) : undefined;
  return redirect(endSession ?? '/console/', cookies, 303);
}

// ---------------------------------------------------------------------------------------
// Routes

async function servePath(event: HttpEvent, now: Date): Promise<HttpResponse> {
  const rawPath = event.rawPath ?? '/console';
  const assetMatch = /^\/console\/assets\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.(?:js|css))$/.exec(rawPath);
  if (assetMatch) {
    const file = assetMatch[1]!;
    let body = assetCache.get(file);
    if (body === undefined) {
      try {
        body = readFileSync(path.join(consoleDir, 'assets', file), 'utf8');
      } catch {
        return answer(404, 'Fichier inconnu.', 'text/plain; charset=utf-8');
      }
      if (!fromSources) assetCache.set(file, body);
    }
    return answer(200, body, ASSET_TYPES[path.extname(file)] ?? 'application/octet-stream', { 'cache-control': IMMUTABLE });
  }
  const page = pageFor(rawPath);
  if (!page) {
    return answer(404, standalonePage('Page introuvable', ['Cette adresse ne correspond à aucune page de la console.'], [{ href: '/console/', label: 'Tableau de bord' }]), HTML);
  }
  if (!(await currentSession(event, now))) {
    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    return redirect(`/console/login?return=${encodeURIComponent(rawPath + query)}`);
  }
  return answer(200, pageShell(page.page, page.title), HTML);
}

export const routes = [
  route({ method: 'GET', path: '/console', auth: 'none', handle: ({ event, now }) => servePath(event, now) }),
  route({ method: 'GET', path: '/console/login', auth: 'none', handle: ({ event, now }) => login(event, now) }),
  route({ method: 'GET', path: '/console/callback', auth: 'none', handle: ({ event, now }) => callback(event, now) }),
  route({ method: 'POST', path: '/console/logout', auth: 'none', handle: () => logout() }),
  route({
    method: 'GET',
    path: '/console/session',
    auth: 'none',
    handle: async ({ event, now }) => {
      const session = await currentSession(event, now);
      if (!session) throw new UnauthorizedError();
      return withHeaders(publikOk({ sub: session.sub, name: session.name, organiser: session.organiser }));
    },
  }),
  // The check-in page's path carries a badge token: logs name the route, never the path.
  route({ method: 'GET', path: '/console/{proxy+}', auth: 'none', secretPath: true, handle: ({ event, now }) => servePath(event, now) }),
];

function withHeaders(response: HttpResponse): HttpResponse {
  return { ...response, headers: { ...response.headers, ...CONSOLE_SECURITY_HEADERS } };
}

const handlerChain = httpApi(routes, { secrets });

/** Every answer, errors included, carries the console's security headers. */
export const handler = Object.assign(
  async (event: HttpEvent, context: Parameters<typeof handlerChain>[1]) => withHeaders((await handlerChain(event, context)) as HttpResponse),
  { routes },
);

export { CONSOLE_COOKIE_PLAIN, CONSOLE_COOKIE_SECURE };
