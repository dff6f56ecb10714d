// The local stand-in for authentic2 (the Publik instance's OpenID Connect provider): a real
// `oidc-provider` with the console as its one confidential client and the two accounts of the
// contract (password `demo`): organisatrice@example.org with the organiser role in the `roles`
// claim, membre@example.org without. Its sign-in page is our own small French form (email,
// password, one button); consent is implied for this first-party client (no second step).
// Used by `npm start` (scripts/local/runtime.ts) and the browser tests (tests/browser/support).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export interface LocalAccount {
  sub: string;
  email: string;
  password: string;
  given_name: string;
  family_name: string;
  roles: string[];
}

/** The organiser role both sides use locally (OIDC_ORGANISER_ROLE). */
export const LOCAL_ORGANISER_ROLE = 'club-organisateur';

export const LOCAL_ACCOUNTS: LocalAccount[] = [
  { sub: 'organisatrice', email: 'organisatrice@example.org', password: 'demo', given_name: 'Claire', family_name: 'Organisatrice', roles: [LOCAL_ORGANISER_ROLE] },
  { sub: 'membre', email: 'membre@example.org', password: 'demo', given_name: 'Marc', family_name: 'Membre', roles: [] },
];

export interface LocalProviderOptions {
  /** 0 = any free port. */
  port: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  /** The console's base URL: redirect URI `<base>/console/callback`, logout back to `<base>/console/`. */
  consoleBaseUrl: string;
}

export interface LocalProvider {
  issuer: string;
  stop(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Inline styles are fine here: this page stands for authentic2, not for the console.
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Publik (local)</title>
<style>
body{font-family:system-ui,"DejaVu Sans",sans-serif;margin:0;padding:0 1rem;background:#f6f8fa;color:#1b1f24}
main{max-width:26rem;margin:8vh auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1.5rem}
h1{font-size:1.4rem;margin-top:0}label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{font:inherit;width:100%;padding:.5rem;border:1px solid #4a5561;border-radius:4px;box-sizing:border-box}
button{font:inherit;margin-top:1rem;padding:.55rem 1rem;border:0;border-radius:4px;background:#0b5cad;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}.error{color:#a40e26;font-weight:600}.hint{color:#4a5561;font-size:.9rem}
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

function loginForm(uid: string, error?: string, email = ''): string {
  return page(
    'Connexion',
    `<h1>Connexion avec votre compte Publik</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="email">Adresse électronique</label>
<input id="email" name="email" type="email" required value="${escapeHtml(email)}">
<label for="password">Mot de passe</label>
<input id="password" name="password" type="password" required>
<button type="submit">Se connecter</button>
</form>
<p class="hint">Fournisseur d’identité local (développement) : organisatrice@example.org ou membre@example.org, mot de passe « demo ».</p>`,
  );
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

export async function startLocalProvider(opts: LocalProviderOptions): Promise<LocalProvider> {
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(opts.port, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'local-1', use: 'sig', alg: 'RS256' };
  const byId = new Map(LOCAL_ACCOUNTS.map((a) => [a.sub, a]));

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        client_name: 'Console du club',
        redirect_uris: [`${opts.consoleBaseUrl}/console/callback`],
        post_logout_redirect_uris: [`${opts.consoleBaseUrl}/console/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'email', 'profile', 'roles'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'], roles: ['roles'] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = page(
            'Déconnexion',
            `<h1>Se déconnecter de Publik ?</h1>${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Se déconnecter</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.body = page('Déconnecté', '<h1>Vous êtes déconnecté.</h1>');
        },
      },
    },
    findAccount: async (_ctx, id) => {
      const account = byId.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: account.email,
          email_verified: true,
          name: `${account.given_name} ${account.family_name}`,
          given_name: account.given_name,
          family_name: account.family_name,
          roles: account.roles,
        }),
      };
    },
    // First-party client: consent is implied (authentic2 can be set up the same way).
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile roles');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Erreur', `<h1>Erreur du fournisseur d’identité</h1><p>${escapeHtml(String(out['error'] ?? ''))}: ${escapeHtml(String(out['error_description'] ?? ''))}</p>`);
    },
  });
  // Plain HTTP on loopback only.
  provider.on('server_error', (_ctx, error) => console.error('[oidc-provider]', error));
  const callback = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname);
    if (!match) {
      callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (req.method === 'GET') {
          send(res, 200, loginForm(details.uid));
          return;
        }
        if (req.method === 'POST' && match[2]) {
          const form = await readForm(req);
          const email = (form.get('email') ?? '').trim().toLowerCase();
          const account = LOCAL_ACCOUNTS.find((a) => a.email === email && a.password === form.get('password'));
          if (!account) {
            send(res, 200, loginForm(details.uid, 'Adresse électronique ou mot de passe incorrect.', email));
            return;
          }
          await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
          return;
        }
        send(res, 405, page('Erreur', '<h1>Méthode non prise en charge</h1>'));
      } catch (error) {
        send(res, 400, page('Erreur', `<h1>La connexion a expiré</h1><p>${escapeHtml((error as Error).message)}</p>`));
      }
    })();
  });

  return {
    issuer,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
