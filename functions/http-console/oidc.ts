// Signing in with the Publik account (contract-console.md): OpenID Connect authorisation code
// flow with PKCE (S256), state and nonce, as a confidential client, with openid-client 6 (which
// validates the ID token: issuer, audience, signature from the provider's JWKS, expiry, nonce).
// The provider's metadata is discovered once per container.
import * as client from 'openid-client';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** What the sign-in must remember between /console/login and /console/callback (sealed in a cookie). */
export interface SignInTransaction {
  verifier: string;
  state: string;
  nonce: string;
  /** Where to go once signed in: a path under /console. */
  returnTo: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

export interface SignedInPerson {
  sub: string;
  name: string;
  email: string | undefined;
  /** Every claim of the ID token and of userinfo, for the organiser rule. */
  claims: Record<string, unknown>;
  idToken: string | undefined;
}

let configuration: { key: string; config: Promise<client.Configuration> } | undefined;

function discover(settings: OidcSettings): Promise<client.Configuration> {
  const key = `${settings.issuer} ${settings.clientId}`;
  if (configuration?.key !== key) {
    const issuer = new URL(settings.issuer);
    const pending = client.discovery(
      issuer,
      settings.clientId,
      settings.clientSecret,
      client.ClientSecretBasic(settings.clientSecret),
      // Only the local stand-in provider is reached over plain HTTP.
      issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    pending.catch(() => {
      if (configuration?.config === pending) configuration = undefined;
    });
    configuration = { key, config: pending };
  }
  return configuration.config;
}

/** The provider's authorisation URL and the transaction to keep for the callback. */
export async function startSignIn(settings: OidcSettings, returnTo: string, now: Date): Promise<{ url: string; transaction: SignInTransaction }> {
  const config = await discover(settings);
  const verifier = client.randomPKCECodeVerifier();
  const transaction: SignInTransaction = {
    verifier,
    state: client.randomState(),
    nonce: client.randomNonce(),
    returnTo,
    exp: Math.floor(now.getTime() / 1000) + 10 * 60,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: settings.redirectUri,
    scope: 'openid email profile roles',
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: transaction.state,
    nonce: transaction.nonce,
  });
  return { url: url.href, transaction };
}

/** Exchanges the code (the callback's query) and validates the ID token; throws when anything is off. */
export async function finishSignIn(settings: OidcSettings, rawQuery: string, transaction: SignInTransaction): Promise<SignedInPerson> {
  const config = await discover(settings);
  const current = new URL(`${settings.redirectUri}?${rawQuery}`);
  const tokens = await client.authorizationCodeGrant(
    config,
    current,
    { pkceCodeVerifier: transaction.verifier, expectedState: transaction.state, expectedNonce: transaction.nonce, idTokenExpected: true },
    { redirect_uri: settings.redirectUri },
  );
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error('no ID token');
  let claims: Record<string, unknown> = { ...idClaims };
  if (config.serverMetadata().userinfo_endpoint && tokens.access_token) {
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    claims = { ...userinfo, ...claims };
  }
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const name = text(claims['name']) ?? ([text(claims['given_name']), text(claims['family_name'])].filter(Boolean).join(' ') || text(claims['email']) || '');
  return { sub: idClaims.sub, name, email: text(claims['email']), claims, idToken: tokens.id_token };
}

/** The provider's end-session URL, when it has one. */
export async function endSessionUrl(settings: OidcSettings, postLogoutRedirectUri: string): Promise<string | undefined> {
  const config = await discover(settings);
  if (!config.serverMetadata().end_session_endpoint) return undefined;
  return client.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri, client_id: settings.clientId }).href;
}

/**
 * The organiser rule: the role `organiserRole` in the claim `rolesClaim` (an array, or a string of
 * roles separated by spaces or commas), or an email listed in CONSOLE_ORGANISERS (lower-cased).
 */
export function isOrganiser(
  person: { email: string | undefined; claims: Record<string, unknown> },
  rule: { organiserRole: string | undefined; rolesClaim: string; organiserEmails: string[] },
): boolean {
  if (rule.organiserRole) {
    const raw = person.claims[rule.rolesClaim];
    const roles = Array.isArray(raw) ? raw.filter((r): r is string => typeof r === 'string') : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
    if (roles.includes(rule.organiserRole)) return true;
  }
  const verified = person.claims['email_verified'];
  return person.email !== undefined && verified !== false && rule.organiserEmails.includes(person.email.toLowerCase());
}
