// Secrets are read once per cold start. Locally they come from the environment; in AWS the
// environment only names SSM SecureString parameters, read here with decryption.
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import { clientOptions } from '#shared/adapters/aws/client-options.ts';
import type { Config } from '#shared/config.ts';

export interface Secrets {
  signatureKeys: Record<string, string>;
  defaultSignatureKey: string | undefined;
  adminTokens: string[];
  /** Key of the survey participation markers; undefined where the function does not need it. */
  participationKey?: string | undefined;
}

const KeysSchema = z.record(z.string().min(1), z.string().min(1));

export async function resolveSecrets(config: Config, ssm?: SSMClient): Promise<Secrets> {
  const names = Object.values(config.parameters).filter((n): n is string => n !== undefined);
  const fromEnv: Secrets = {
    signatureKeys: config.signatureKeys,
    defaultSignatureKey: config.defaultSignatureKey,
    adminTokens: config.adminTokens,
    participationKey: config.participationKey,
  };
  if (names.length === 0) return fromEnv;

  const client = ssm ?? new SSMClient(clientOptions(config.ssmEndpoint));
  const out = await client.send(new GetParametersCommand({ Names: names, WithDecryption: true }));
  if (out.InvalidParameters && out.InvalidParameters.length > 0) {
    throw new Error(`Missing SSM parameters: ${out.InvalidParameters.join(', ')}`);
  }
  const value = (name: string | undefined) => out.Parameters?.find((p) => p.Name === name)?.Value;
  const { signatureKeys, defaultSignatureKey, adminTokens, participationKey } = config.parameters;
  return {
    signatureKeys: signatureKeys ? KeysSchema.parse(JSON.parse(value(signatureKeys) ?? '{}')) : fromEnv.signatureKeys,
    defaultSignatureKey: defaultSignatureKey ? value(defaultSignatureKey)?.trim() || undefined : fromEnv.defaultSignatureKey,
    adminTokens: adminTokens
      ? (value(adminTokens) ?? '').split(',').map((t) => t.trim()).filter(Boolean)
      : fromEnv.adminTokens,
    participationKey: participationKey ? value(participationKey)?.trim() || undefined : fromEnv.participationKey,
  };
}
