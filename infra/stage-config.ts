// Everything that differs between stages lives here, so the stack itself reads the same for
// dev and prod. Values come from CDK context (`-c stage=prod -c publicBaseUrl=https://...`).
import { parseMailFrom } from '#shared/mail-from.ts';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** CDK context keys read by `stageConfigFromContext`. */
export const CONTEXT = {
  stage: 'stage',
  publicBaseUrl: 'publicBaseUrl',
  publikOrig: 'publikOrig',
  parameterPrefix: 'parameterPrefix',
  mailFrom: 'mailFrom',
  sesIdentity: 'sesIdentity',
  alarmEmail: 'alarmEmail',
  /** The organisers' console: the Publik instance's OpenID provider and the console's client there. */
  oidcIssuer: 'oidcIssuer',
  oidcClientId: 'oidcClientId',
  oidcOrganiserRole: 'oidcOrganiserRole',
  oidcRolesClaim: 'oidcRolesClaim',
  consoleOrganisers: 'consoleOrganisers',
} as const;

/** Sender of the dev stage's emails. Prod has no default: its sender must be chosen. */
export const DEV_MAIL_FROM = 'Club utilisateurs Publik <club@example.org>';

/** Reserved concurrency of each kind of function (see `StageConfig.reservedConcurrency`). */
export interface ReservedConcurrency {
  http: number;
  queue: number;
  scheduled: number;
}

export interface StageConfig {
  stage: StageName;
  /** CloudFormation stack name, e.g. `PublikClub-prod`. */
  stackName: string;
  /**
   * Prod keeps its data: durable tables carry deletion protection and are retained when the
   * stack or the resource is deleted. Dev stacks clean up after themselves.
   */
  retainData: boolean;
  /** Removal policy of the log groups: kept in prod (with their retention), deleted in dev. */
  logRemovalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  /**
   * Names of the SSM SecureString parameters holding the secrets. CloudFormation cannot create
   * SecureString parameters, so they are created by hand (docs/operations.md) and referenced.
   */
  parameters: {
    publikSignatureKeys: string;
    publikDefaultSignatureKey: string;
    adminTokens: string;
    /** Key of the survey participation markers (functions with `usesParticipationKey`). */
    participationHashKey: string;
    /** Key the badges' check-in tokens are derived from (functions with `usesCheckinTokenKey`). */
    checkinTokenKey: string;
    /** Key of the console's session cookie (every function with /admin routes, and http-console). */
    consoleSessionKey: string;
    /** The console's OpenID Connect client secret (http-console). */
    oidcClientSecret: string;
  };
  /**
   * The organisers' console sign-in (docs/operations.md, "The organisers' console"). Without an
   * issuer and a client id, /console/login answers that signing in is not configured.
   */
  console: {
    oidcIssuer: string | undefined;
    oidcClientId: string | undefined;
    organiserRole: string | undefined;
    rolesClaim: string | undefined;
    /** Comma-separated emails of organisers without the role. */
    organisers: string | undefined;
  };
  /**
   * Base URL put in the links we return. Unset: the stack passes the API's own execute-api
   * endpoint. Set it once a custom domain fronts the API.
   */
  publicBaseUrl: string | undefined;
  /** Our host name as Publik knows it. Unset: the functions use the host of PUBLIC_BASE_URL. */
  publikOrig: string | undefined;
  /** Default route throttling of the API stage (requests per second / burst). */
  throttle: { rateLimit: number; burstLimit: number };
  /** Email sending (SES v2). */
  mail: {
    /** `MAIL_FROM` of the functions that send email: `Name <address>` or a bare address. */
    from: string;
    /** The address part of `from`, the only From address the send permission allows. */
    fromAddress: string;
    /**
     * The verified SES identity the functions send as (a domain or an email address); the send
     * permission is scoped to its ARN. Default: the domain of `fromAddress`.
     */
    sesIdentity: string;
  };
  /**
   * Address subscribed (by email) to the alarm topic, the action of every alarm. Required for
   * prod, like `mailFrom`: an alarm nobody receives is no alarm. Optional in dev (the topic then
   * has no subscription).
   */
  alarmEmail: string | undefined;
  /**
   * Reserved concurrency per function, by kind: each function can use at most this many
   * concurrent executions, and they are set aside for it, so a flood on one route can neither
   * starve the other functions nor run up the bill. Queue consumers need at least 2 (the SQS
   * event source's maximum concurrency is set to the same value).
   */
  reservedConcurrency: ReservedConcurrency;
  /** Removal policy of the queues and dead-letter queues: kept in prod (they may hold undelivered messages). */
  queueRemovalPolicy: RemovalPolicy;
}

export interface StageOverrides {
  publicBaseUrl?: string | undefined;
  publikOrig?: string | undefined;
  parameterPrefix?: string | undefined;
  mailFrom?: string | undefined;
  sesIdentity?: string | undefined;
  alarmEmail?: string | undefined;
  oidcIssuer?: string | undefined;
  oidcClientId?: string | undefined;
  oidcOrganiserRole?: string | undefined;
  oidcRolesClaim?: string | undefined;
  consoleOrganisers?: string | undefined;
}

/** `Club <club@example.org>` → `club@example.org`; a bare address is returned as is. */
export function mailAddressOf(mailFrom: string): string {
  const address = parseMailFrom(mailFrom)?.address;
  if (address === undefined || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) {
    throw new Error(`mailFrom must be "Name <address@domain>" or "address@domain" (got "${mailFrom}")`);
  }
  return address;
}

/**
 * The identity that covers `address` by default: its domain. An explicit identity must be the
 * address itself, its domain or a parent domain (SES lets a verified domain send from its
 * subdomains); any other would make every send fail on the IAM check.
 */
export function sesIdentityFor(address: string, identity?: string): string {
  const domain = (address.split('@')[1] ?? '').toLowerCase();
  if (identity === undefined) return domain;
  const wanted = identity.toLowerCase();
  const covers =
    identity.includes('@') ? wanted === address.toLowerCase() : domain === wanted || domain.endsWith(`.${wanted}`);
  if (!covers) {
    throw new Error(`sesIdentity "${identity}" does not cover the mailFrom address ${address}: use the address, its domain or a parent domain`);
  }
  return identity.includes('@') ? identity : wanted;
}

/** A bare email address (the alarm subscription takes no display name). */
export function checkAlarmEmail(value: string): string {
  const address = value.trim();
  if (!/^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$/.test(address)) {
    throw new Error(`alarmEmail must be a bare email address such as ops@club.example.org (got "${value}")`);
  }
  return address;
}

export function isStageName(value: string): value is StageName {
  return (STAGES as readonly string[]).includes(value);
}

export function stageConfig(stage: StageName, overrides: StageOverrides = {}): StageConfig {
  const prod = stage === 'prod';
  const prefix = (overrides.parameterPrefix ?? `/publik-club/${stage}`).replace(/\/+$/, '');
  if (!prefix.startsWith('/')) {
    throw new Error(`parameterPrefix must start with "/" (got "${prefix}")`);
  }
  if (overrides.publicBaseUrl !== undefined && !URL.canParse(overrides.publicBaseUrl)) {
    throw new Error(`publicBaseUrl must be an absolute URL (got "${overrides.publicBaseUrl}")`);
  }
  // Prod never sends from the placeholder: the sender is a real, verified identity of the club.
  const mailFrom = overrides.mailFrom ?? (prod ? undefined : DEV_MAIL_FROM);
  if (mailFrom === undefined) {
    throw new Error(
      `The ${stage} stage needs the sender of its emails: -c mailFrom="Club utilisateurs Publik <club@your-domain>" (a verified SES identity, docs/operations.md)`,
    );
  }
  const fromAddress = mailAddressOf(mailFrom);
  // Prod alarms must reach someone: the synth stops rather than deploy alarms nobody receives.
  if (prod && overrides.alarmEmail === undefined) {
    throw new Error(
      `The ${stage} stage needs the address its alarms are sent to: -c alarmEmail=ops@your-domain (docs/operations.md, "Alarms")`,
    );
  }
  const alarmEmail = overrides.alarmEmail === undefined ? undefined : checkAlarmEmail(overrides.alarmEmail);
  if (overrides.oidcIssuer !== undefined && !/^https:\/\//.test(overrides.oidcIssuer)) {
    throw new Error(`oidcIssuer must be the https:// issuer of the Publik instance's OpenID provider (got "${overrides.oidcIssuer}")`);
  }
  return {
    stage,
    stackName: `PublikClub-${stage}`,
    retainData: prod,
    logRemovalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    // Logs hold request metadata and may hold personal data: keep them long enough to
    // investigate an incident (a quarter in prod), no longer.
    logRetention: prod ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS,
    parameters: {
      publikSignatureKeys: `${prefix}/publik-signature-keys`,
      publikDefaultSignatureKey: `${prefix}/publik-default-signature-key`,
      adminTokens: `${prefix}/admin-tokens`,
      participationHashKey: `${prefix}/participation-hash-key`,
      checkinTokenKey: `${prefix}/checkin-token-key`,
      consoleSessionKey: `${prefix}/console-session-key`,
      oidcClientSecret: `${prefix}/oidc-client-secret`,
    },
    console: {
      oidcIssuer: overrides.oidcIssuer,
      oidcClientId: overrides.oidcClientId,
      organiserRole: overrides.oidcOrganiserRole,
      rolesClaim: overrides.oidcRolesClaim,
      organisers: overrides.consoleOrganisers,
    },
    publicBaseUrl: overrides.publicBaseUrl,
    publikOrig: overrides.publikOrig,
    // A users' club: a few hundred registrations around a meeting. The limits only stop a
    // runaway client or a flood from turning into a Lambda and DynamoDB bill.
    throttle: prod ? { rateLimit: 50, burstLimit: 100 } : { rateLimit: 10, burstLimit: 20 },
    mail: { from: mailFrom.trim(), fromAddress, sesIdentity: sesIdentityFor(fromAddress, overrides.sesIdentity) },
    alarmEmail,
    // Prod: up to 20 concurrent requests per HTTP function is several times the API's
    // throttle share of one function at normal latency, 5 for a consumer keeps SES and the
    // Publik hosts unhurried, and a scheduled run never overlaps itself. Dev accounts often
    // have a low concurrency quota: reserve little.
    reservedConcurrency: prod ? { http: 20, queue: 5, scheduled: 1 } : { http: 5, queue: 2, scheduled: 1 },
    queueRemovalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  };
}

/** Reads the stage and its overrides from CDK context; default stage is `dev`. */
export function stageConfigFromContext(getContext: (key: string) => unknown): StageConfig {
  const text = (key: string): string | undefined => {
    const value: unknown = getContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`Context "${key}" must be a string`);
    return value.trim();
  };
  const stage = text(CONTEXT.stage) ?? 'dev';
  if (!isStageName(stage)) {
    throw new Error(`Unknown stage "${stage}": use -c stage=${STAGES.join('|')}`);
  }
  return stageConfig(stage, {
    publicBaseUrl: text(CONTEXT.publicBaseUrl),
    publikOrig: text(CONTEXT.publikOrig),
    parameterPrefix: text(CONTEXT.parameterPrefix),
    mailFrom: text(CONTEXT.mailFrom),
    sesIdentity: text(CONTEXT.sesIdentity),
    alarmEmail: text(CONTEXT.alarmEmail),
    oidcIssuer: text(CONTEXT.oidcIssuer),
    oidcClientId: text(CONTEXT.oidcClientId),
    oidcOrganiserRole: text(CONTEXT.oidcOrganiserRole),
    oidcRolesClaim: text(CONTEXT.oidcRolesClaim),
    consoleOrganisers: text(CONTEXT.consoleOrganisers),
  });
}
