// Secrets are read once per cold start, on the first request. Locally they come from the
// environment; in AWS the environment only names SSM SecureString parameters, read decrypted
// through the AWS Parameters and Secrets Lambda Extension (a layer the stack adds to the
// functions that read secrets): one GET on localhost per parameter, no SDK client (why:
// bench/README.md, « Loading the AWS SDK »). The extension does not answer during init, hence
// the first request.
import http from 'node:http';
import * as z from 'zod';
import { ENV, type Config } from '#shared/config.ts';

export interface Secrets {
  signatureKeys: Record<string, string>;
  defaultSignatureKey: string | undefined;
  adminTokens: string[];
  /** Key of the survey participation markers; undefined where the function does not need it. */
  participationKey?: string | undefined;
  /** Key the badges' check-in tokens are derived from; undefined where the function does not need it. */
  checkinTokenKey?: string | undefined;
  /** Key of the console session cookie; without it no console session is accepted. */
  consoleSessionKey?: string | undefined;
  /** The console's OpenID Connect client secret (http-console only). */
  oidcClientSecret?: string | undefined;
}

/** Where the extension listens (set by the layer's PARAMETERS_SECRETS_EXTENSION_HTTP_PORT). */
export interface ExtensionEndpoint {
  /** e.g. `http://localhost:2773`. */
  baseUrl: string;
  /** Sent as X-Aws-Parameters-Secrets-Token: the function's AWS_SESSION_TOKEN. */
  token: string | undefined;
  /** Gives up on one parameter after this long (the function's own timeout is 10–60 s). */
  timeoutMs?: number;
}

/** The extension's default port, as documented by AWS and set by the CDK layer construct. */
export const EXTENSION_DEFAULT_PORT = 2773;
const DEFAULT_TIMEOUT_MS = 5000;

/** The endpoint the Lambda environment describes (the layer sets the port variable). */
export function extensionEndpoint(env: Record<string, string | undefined> = process.env): ExtensionEndpoint {
  const port = env['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT']?.trim() || String(EXTENSION_DEFAULT_PORT);
  return { baseUrl: `http://localhost:${port}`, token: env['AWS_SESSION_TOKEN'] };
}

/** A secret could not be read or has the wrong shape; the message names the parameter, never its value. */
export class SecretsError extends Error {}

const KeysSchema = z.record(z.string().min(1), z.string().min(1));
// The extension answers with the body of SSM GetParameter.
const GetParameterAnswer = z.object({ Parameter: z.object({ Value: z.string() }) });

/** GET one decrypted parameter from the extension. Node's http rather than fetch(): the SDK has
 * already loaded it, while the first fetch() loads undici (about 50 ms more here). */
function getParameter(endpoint: ExtensionEndpoint, name: string): Promise<string> {
  const url = `${endpoint.baseUrl}/systemsmanager/parameters/get?name=${encodeURIComponent(name)}&withDecryption=true`;
  const failed = (why: string) => new SecretsError(`Cannot read SSM parameter ${name} through the Parameters and Secrets extension: ${why}`);
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      {
        headers: endpoint.token === undefined ? {} : { 'X-Aws-Parameters-Secrets-Token': endpoint.token },
        timeout: endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', () => reject(failed('the answer was cut off')));
        response.on('end', () => {
          // An error answer carries SSM's reason (ParameterNotFound, AccessDenied…), never a value.
          if (response.statusCode !== 200) {
            const reason = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
            reject(failed(`HTTP ${response.statusCode}${reason ? ` (${reason})` : ''}`));
            return;
          }
          let answer: z.output<typeof GetParameterAnswer> | undefined;
          try {
            answer = GetParameterAnswer.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            // Neither the parse error nor the body is repeated: a 200 body holds the secret.
            reject(failed('the answer is not a GetParameter result'));
            return;
          }
          resolve(answer.Parameter.Value);
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) =>
      reject(failed(error.message === 'timeout' ? `no answer within ${endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : `${(error as NodeJS.ErrnoException).code ?? error.message} (is the extension layer attached?)`)),
    );
  });
}

function signatureKeysFrom(name: string, raw: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const keys = KeysSchema.safeParse(parsed);
  // JSON.parse and zod messages may quote the input: say what is wrong, not what was there.
  if (!keys.success) throw new SecretsError(`SSM parameter ${name} (${ENV.PUBLIK_SIGNATURE_KEYS_PARAMETER}) must be a JSON object {"<orig>": "<key>"}`);
  return keys.data;
}

export async function resolveSecrets(config: Config, endpoint: ExtensionEndpoint = extensionEndpoint()): Promise<Secrets> {
  const fromEnv: Secrets = {
    signatureKeys: config.signatureKeys,
    defaultSignatureKey: config.defaultSignatureKey,
    adminTokens: config.adminTokens,
    participationKey: config.participationKey,
    checkinTokenKey: config.checkinTokenKey,
    consoleSessionKey: config.consoleSessionKey,
    oidcClientSecret: config.oidc.clientSecret,
  };
  const names = config.parameters;
  if (Object.values(names).every((n) => n === undefined)) return fromEnv;

  const read = (name: string | undefined) => (name === undefined ? Promise.resolve(undefined) : getParameter(endpoint, name));
  const [signatureKeys, defaultSignatureKey, adminTokens, participationKey, checkinTokenKey, consoleSessionKey, oidcClientSecret] = await Promise.all([
    read(names.signatureKeys),
    read(names.defaultSignatureKey),
    read(names.adminTokens),
    read(names.participationKey),
    read(names.checkinTokenKey),
    read(names.consoleSessionKey),
    read(names.oidcClientSecret),
  ]);
  return {
    signatureKeys:
      names.signatureKeys !== undefined && signatureKeys !== undefined ? signatureKeysFrom(names.signatureKeys, signatureKeys) : fromEnv.signatureKeys,
    defaultSignatureKey: names.defaultSignatureKey !== undefined ? defaultSignatureKey?.trim() || undefined : fromEnv.defaultSignatureKey,
    adminTokens:
      names.adminTokens !== undefined
        ? (adminTokens ?? '').split(',').map((t) => t.trim()).filter(Boolean)
        : fromEnv.adminTokens,
    participationKey: names.participationKey !== undefined ? participationKey?.trim() || undefined : fromEnv.participationKey,
    checkinTokenKey: names.checkinTokenKey !== undefined ? checkinTokenKey?.trim() || undefined : fromEnv.checkinTokenKey,
    consoleSessionKey: names.consoleSessionKey !== undefined ? consoleSessionKey?.trim() || undefined : fromEnv.consoleSessionKey,
    oidcClientSecret: names.oidcClientSecret !== undefined ? oidcClientSecret?.trim() || undefined : fromEnv.oidcClientSecret,
  };
}
