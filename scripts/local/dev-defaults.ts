// Development-only secrets: fixed, obviously local values, so a signed URL or an admin call
// copied from one terminal keeps working after a restart. Each one is overridden by the
// environment variable of the same name. Never used outside `npm start`, `npm run sign` and tests.

/** The Publik host our demo forms pretend to come from (`orig` of signed calls). */
export const DEMO_ORIG = 'demarches.example.org';

export const DEV_DEFAULTS = {
  PUBLIK_SIGNATURE_KEYS: JSON.stringify({ [DEMO_ORIG]: 'dev-publik-key-demarches' }),
  PUBLIK_DEFAULT_SIGNATURE_KEY: 'dev-publik-default-key',
  ADMIN_TOKENS: 'dev-admin-token',
  /** Our own host name as Publik knows it (sent as `orig` when we call Publik back). */
  PUBLIK_ORIG: '127.0.0.1',
  /** Key of the survey participation markers (an SSM SecureString in AWS). */
  PARTICIPATION_HASH_KEY: 'dev-participation-hash-key',
  /** Key the badges' check-in tokens are derived from (an SSM SecureString in AWS). */
  CHECKIN_TOKEN_KEY: 'dev-checkin-token-key',
  /** Key of the console's session cookie (an SSM SecureString in AWS). */
  CONSOLE_SESSION_KEY: 'dev-console-session-key-0123456789abcdef',
  /** The console's client at the local OpenID provider (scripts/local/oidc-provider.ts). */
  OIDC_CLIENT_ID: 'publik-club-console',
  OIDC_CLIENT_SECRET: 'dev-oidc-client-secret',
  OIDC_ORGANISER_ROLE: 'club-organisateur',
  OIDC_ROLES_CLAIM: 'roles',
} as const;

export interface SigningKeys {
  /** `orig` used by default to sign (the demo Publik host when configured). */
  orig: string;
  /** Key of that orig. */
  key: string;
  /** Key for calls signed without `orig` (PUBLIK_DEFAULT_SIGNATURE_KEY). */
  defaultKey: string;
  /** Every configured `{orig: key}`. */
  signatureKeys: Record<string, string>;
}

/** Reads the signing keys out of an environment (PUBLIK_SIGNATURE_KEYS / PUBLIK_DEFAULT_SIGNATURE_KEY). */
export function signingKeysFromEnv(env: Record<string, string | undefined>): SigningKeys {
  const raw = env['PUBLIK_SIGNATURE_KEYS'] ?? DEV_DEFAULTS.PUBLIK_SIGNATURE_KEYS;
  let signatureKeys: Record<string, string>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    signatureKeys = Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    throw new Error('PUBLIK_SIGNATURE_KEYS must be a JSON object {"<orig>": "<key>"}');
  }
  const orig = DEMO_ORIG in signatureKeys ? DEMO_ORIG : (Object.keys(signatureKeys)[0] ?? DEMO_ORIG);
  return {
    orig,
    key: signatureKeys[orig] ?? '',
    defaultKey: env['PUBLIK_DEFAULT_SIGNATURE_KEY'] ?? DEV_DEFAULTS.PUBLIK_DEFAULT_SIGNATURE_KEY,
    signatureKeys,
  };
}
