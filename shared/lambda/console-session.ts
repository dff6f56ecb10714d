// The organisers' console session (contract-console.md, "Signing in"): a cookie whose value is
// the session encrypted and authenticated with CONSOLE_SESSION_KEY (AES-256-GCM from node:crypto,
// not jose: this file is in every function serving /admin routes, and http-admin is at the edge
// of its size budget; jose's JWE decrypt costs ~11 KB minified there, this costs nothing, see
// docs/console.md). Format: `v1.<base64url(iv | ciphertext | tag)>`; the key is SHA-256 of the
// configured secret, so any string of 32 characters or more works as CONSOLE_SESSION_KEY.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** 8 hours, the contract's lifetime. */
export const CONSOLE_SESSION_SECONDS = 8 * 60 * 60;

/** `__Host-` needs Secure (and so HTTPS): a plain name on http://localhost. */
export const CONSOLE_COOKIE_SECURE = '__Host-club_session';
export const CONSOLE_COOKIE_PLAIN = 'club_session';

/** The header a console page adds to unsafe methods (a cross-site form cannot). */
export const CONSOLE_CSRF_HEADER = 'x-requested-with';
export const CONSOLE_CSRF_VALUE = 'console';

export interface ConsoleSession {
  /** The provider's subject: what the audit trail records, never the email. */
  sub: string;
  name: string;
  email?: string | undefined;
  organiser: true;
  /** Expiry, epoch seconds. */
  exp: number;
}

const VERSION = 'v1.';

function keyOf(secret: string): Buffer {
  return createHash('sha256').update(`publik-club console session\0${secret}`).digest();
}

/** Encrypts and authenticates a value (a session, or the sign-in transaction) with `secret`. */
export function sealValue(value: unknown, secret: string, purpose = 'session'): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The value sealed with `secret` for `purpose`, or undefined (other key, altered, other purpose). */
export function openValue(sealed: string, secret: string, purpose = 'session'): unknown {
  if (!sealed.startsWith(VERSION) || sealed.length > 8192) return undefined;
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  if (raw.length < 12 + 16 + 2) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function sealConsoleSession(session: ConsoleSession, key: string): string {
  return sealValue(session, key, 'session');
}

/** The session if the cookie was sealed with `key`, is well formed and not expired at `now`. */
export function openConsoleSession(cookieValue: string, key: string, now: Date): ConsoleSession | undefined {
  const value = openValue(cookieValue, key, 'session') as Partial<ConsoleSession> | undefined;
  if (!value || typeof value !== 'object') return undefined;
  if (typeof value.sub !== 'string' || value.sub === '' || value.organiser !== true) return undefined;
  if (typeof value.exp !== 'number' || value.exp * 1000 <= now.getTime()) return undefined;
  return {
    sub: value.sub,
    name: typeof value.name === 'string' ? value.name : '',
    ...(typeof value.email === 'string' ? { email: value.email } : {}),
    organiser: true,
    exp: value.exp,
  };
}

/** The cookie name for a deployment: `__Host-` over HTTPS, a plain name on http://localhost. */
export function consoleCookieName(publicBaseUrl: string): string {
  return publicBaseUrl.startsWith('https://') ? CONSOLE_COOKIE_SECURE : CONSOLE_COOKIE_PLAIN;
}

/** A cookie's value from the payload 2.0 `cookies` array (or a Cookie header). */
export function cookieValue(event: { cookies?: string[]; headers?: Record<string, string | undefined> }, name: string): string | undefined {
  const all = event.cookies ?? (event.headers?.['cookie'] ?? '').split(';');
  for (const entry of all) {
    const eq = entry.indexOf('=');
    if (eq < 0) continue;
    if (entry.slice(0, eq).trim() === name) return entry.slice(eq + 1).trim();
  }
  return undefined;
}

/** The session a request carries under either cookie name, if any and valid. */
export function consoleSessionOf(
  event: { cookies?: string[]; headers?: Record<string, string | undefined> },
  key: string | undefined,
  now: Date,
): { present: boolean; session: ConsoleSession | undefined } {
  const value = cookieValue(event, CONSOLE_COOKIE_SECURE) ?? cookieValue(event, CONSOLE_COOKIE_PLAIN);
  if (value === undefined) return { present: false, session: undefined };
  return { present: true, session: key ? openConsoleSession(value, key, now) : undefined };
}
