// Everything that differs between stages lives here, so the stack itself reads the same for
// dev and prod. Values come from CDK context (`-c stage=prod -c publicBaseUrl=https://...`).
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
} as const;

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
}

export interface StageOverrides {
  publicBaseUrl?: string | undefined;
  publikOrig?: string | undefined;
  parameterPrefix?: string | undefined;
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
    },
    publicBaseUrl: overrides.publicBaseUrl,
    publikOrig: overrides.publikOrig,
    // A users' club: a few hundred registrations around a meeting. The limits only stop a
    // runaway client or a flood from turning into a Lambda and DynamoDB bill.
    throttle: prod ? { rateLimit: 50, burstLimit: 100 } : { rateLimit: 10, burstLimit: 20 },
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
  });
}
