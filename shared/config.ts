// Configuration, parsed once at cold start with zod. Variable names live in ENV, which the
// CDK stack imports too, so a renamed variable breaks the build instead of a deployment.
import * as z from 'zod';

export const ENV = {
  DATA_TABLE: 'DATA_TABLE',
  NONCE_TABLE: 'NONCE_TABLE',
  PUBLIK_SIGNATURE_KEYS: 'PUBLIK_SIGNATURE_KEYS',
  PUBLIK_DEFAULT_SIGNATURE_KEY: 'PUBLIK_DEFAULT_SIGNATURE_KEY',
  PUBLIK_ORIG: 'PUBLIK_ORIG',
  ADMIN_TOKENS: 'ADMIN_TOKENS',
  PUBLIC_BASE_URL: 'PUBLIC_BASE_URL',
  /**
   * In AWS, secrets come from SSM SecureString parameters named by these variables, read through
   * the Parameters and Secrets Lambda Extension (shared/lambda/secrets.ts).
   */
  PUBLIK_SIGNATURE_KEYS_PARAMETER: 'PUBLIK_SIGNATURE_KEYS_PARAMETER',
  PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER: 'PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER',
  ADMIN_TOKENS_PARAMETER: 'ADMIN_TOKENS_PARAMETER',
  /** Queue of notifications (promotions, reminders) consumed by queue-notifier. */
  NOTIFY_QUEUE_URL: 'NOTIFY_QUEUE_URL',
  /** Queue of reminder-engine messages (one per recipient) consumed by queue-reminders. */
  REMINDERS_QUEUE_URL: 'REMINDERS_QUEUE_URL',
  /** Sender address of the emails (a verified SES identity in AWS). */
  MAIL_FROM: 'MAIL_FROM',
  /** Local runtime and tests only: emulator endpoints. Unset in AWS. */
  DYNAMODB_ENDPOINT: 'DYNAMODB_ENDPOINT',
  SQS_ENDPOINT: 'SQS_ENDPOINT',
  SES_ENDPOINT: 'SES_ENDPOINT',
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
  /** Secret key of the survey participation and replay markers (HMAC-SHA256). */
  PARTICIPATION_HASH_KEY: 'PARTICIPATION_HASH_KEY',
  PARTICIPATION_HASH_KEY_PARAMETER: 'PARTICIPATION_HASH_KEY_PARAMETER',
  /** Secret key the check-in tokens printed on badges are derived from (HMAC-SHA256). */
  CHECKIN_TOKEN_KEY: 'CHECKIN_TOKEN_KEY',
  CHECKIN_TOKEN_KEY_PARAMETER: 'CHECKIN_TOKEN_KEY_PARAMETER',
  /** The organisers' console (docs/console.md): key of the session cookie (AES-256-GCM), SSM in AWS. */
  CONSOLE_SESSION_KEY: 'CONSOLE_SESSION_KEY',
  CONSOLE_SESSION_KEY_PARAMETER: 'CONSOLE_SESSION_KEY_PARAMETER',
  /** OpenID Connect provider of the Publik instance (authentic2) and the console's client there. */
  OIDC_ISSUER: 'OIDC_ISSUER',
  OIDC_CLIENT_ID: 'OIDC_CLIENT_ID',
  OIDC_CLIENT_SECRET: 'OIDC_CLIENT_SECRET',
  OIDC_CLIENT_SECRET_PARAMETER: 'OIDC_CLIENT_SECRET_PARAMETER',
  /** Organisers: this role in the claim OIDC_ROLES_CLAIM (default `roles`), or an email of CONSOLE_ORGANISERS. */
  OIDC_ORGANISER_ROLE: 'OIDC_ORGANISER_ROLE',
  OIDC_ROLES_CLAIM: 'OIDC_ROLES_CLAIM',
  CONSOLE_ORGANISERS: 'CONSOLE_ORGANISERS',
} as const;

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const signatureKeys = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return {};
    try {
      const parsed = z.record(z.string().min(1), z.string().min(1)).parse(JSON.parse(raw));
      return parsed;
    } catch {
      ctx.addIssue({ code: 'custom', message: `${ENV.PUBLIK_SIGNATURE_KEYS} must be a JSON object {"<orig>": "<key>"}` });
      return z.NEVER;
    }
  });

const tokenList = z
  .string()
  .optional()
  .transform((raw) => (raw ?? '').split(',').map((t) => t.trim()).filter((t) => t.length > 0));

const EnvSchema = z.object({
  [ENV.DATA_TABLE]: z.string().min(1).default('publik-club-data'),
  [ENV.NONCE_TABLE]: z.string().min(1).default('publik-club-nonces'),
  [ENV.PUBLIK_SIGNATURE_KEYS]: signatureKeys,
  [ENV.PUBLIK_DEFAULT_SIGNATURE_KEY]: optionalString,
  [ENV.PUBLIK_ORIG]: optionalString,
  [ENV.ADMIN_TOKENS]: tokenList,
  [ENV.PUBLIC_BASE_URL]: z.url().default('http://127.0.0.1:3000'),
  [ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER]: optionalString,
  [ENV.PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER]: optionalString,
  [ENV.ADMIN_TOKENS_PARAMETER]: optionalString,
  [ENV.NOTIFY_QUEUE_URL]: optionalString,
  [ENV.REMINDERS_QUEUE_URL]: optionalString,
  [ENV.MAIL_FROM]: z.string().default('Club utilisateurs Publik <club@example.org>'),
  [ENV.DYNAMODB_ENDPOINT]: optionalString,
  [ENV.SQS_ENDPOINT]: optionalString,
  [ENV.SES_ENDPOINT]: optionalString,
  [ENV.PARTICIPATION_HASH_KEY]: optionalString,
  [ENV.PARTICIPATION_HASH_KEY_PARAMETER]: optionalString,
  [ENV.CHECKIN_TOKEN_KEY]: optionalString,
  [ENV.CHECKIN_TOKEN_KEY_PARAMETER]: optionalString,
  [ENV.CONSOLE_SESSION_KEY]: optionalString,
  [ENV.CONSOLE_SESSION_KEY_PARAMETER]: optionalString,
  [ENV.OIDC_ISSUER]: optionalString,
  [ENV.OIDC_CLIENT_ID]: optionalString,
  [ENV.OIDC_CLIENT_SECRET]: optionalString,
  [ENV.OIDC_CLIENT_SECRET_PARAMETER]: optionalString,
  [ENV.OIDC_ORGANISER_ROLE]: optionalString,
  [ENV.OIDC_ROLES_CLAIM]: optionalString,
  [ENV.CONSOLE_ORGANISERS]: tokenList,
});

/** The environment, parsed and shaped for the code: the one definition of `Config`. */
export const ConfigSchema = EnvSchema.transform((c) => {
  const publicBaseUrl = c[ENV.PUBLIC_BASE_URL].replace(/\/+$/, '');
  return {
    dataTable: c[ENV.DATA_TABLE],
    nonceTable: c[ENV.NONCE_TABLE],
    signatureKeys: c[ENV.PUBLIK_SIGNATURE_KEYS],
    defaultSignatureKey: c[ENV.PUBLIK_DEFAULT_SIGNATURE_KEY],
    /** Our host name as Publik knows it, sent as `orig` when we sign calls back to Publik. */
    orig: c[ENV.PUBLIK_ORIG] ?? new URL(publicBaseUrl).hostname,
    adminTokens: c[ENV.ADMIN_TOKENS],
    participationKey: c[ENV.PARTICIPATION_HASH_KEY],
    checkinTokenKey: c[ENV.CHECKIN_TOKEN_KEY],
    consoleSessionKey: c[ENV.CONSOLE_SESSION_KEY],
    oidc: {
      issuer: c[ENV.OIDC_ISSUER],
      clientId: c[ENV.OIDC_CLIENT_ID],
      clientSecret: c[ENV.OIDC_CLIENT_SECRET],
      organiserRole: c[ENV.OIDC_ORGANISER_ROLE],
      rolesClaim: c[ENV.OIDC_ROLES_CLAIM] ?? 'roles',
      /** Lower-cased. */
      organiserEmails: c[ENV.CONSOLE_ORGANISERS].map((e) => e.toLowerCase()),
    },
    publicBaseUrl,
    notifyQueueUrl: c[ENV.NOTIFY_QUEUE_URL],
    remindersQueueUrl: c[ENV.REMINDERS_QUEUE_URL],
    mailFrom: c[ENV.MAIL_FROM],
    dynamodbEndpoint: c[ENV.DYNAMODB_ENDPOINT],
    sqsEndpoint: c[ENV.SQS_ENDPOINT],
    sesEndpoint: c[ENV.SES_ENDPOINT],
    /** SSM parameter names to resolve on the first request (AWS only). */
    parameters: {
      signatureKeys: c[ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER],
      defaultSignatureKey: c[ENV.PUBLIK_DEFAULT_SIGNATURE_KEY_PARAMETER],
      adminTokens: c[ENV.ADMIN_TOKENS_PARAMETER],
      participationKey: c[ENV.PARTICIPATION_HASH_KEY_PARAMETER],
      checkinTokenKey: c[ENV.CHECKIN_TOKEN_KEY_PARAMETER],
      consoleSessionKey: c[ENV.CONSOLE_SESSION_KEY_PARAMETER],
      oidcClientSecret: c[ENV.OIDC_CLIENT_SECRET_PARAMETER],
    },
  };
});
export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError listing every bad variable (fail fast). */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}
