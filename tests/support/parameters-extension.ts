// A stand-in for the AWS Parameters and Secrets Lambda Extension, on loopback: the same HTTP
// contract as the layer (GET /systemsmanager/parameters/get?name=…&withDecryption=true, the
// X-Aws-Parameters-Secrets-Token header, the body of SSM GetParameter), serving a fixed set of
// parameters. Tests of shared/lambda/secrets.ts talk to it over real HTTP.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ParametersExtension {
  baseUrl: string;
  token: string;
  /** Every request, as received. */
  requests: Array<{ path: string; name: string | null; withDecryption: string | null; token: string | undefined }>;
  /** Answers the next requests with this status and body instead (e.g. a malformed 200). */
  override: { status: number; body: string } | undefined;
  /** Holds every answer until stop() (a hung extension). */
  hang: boolean;
  stop(): Promise<void>;
}

export async function startParametersExtension(parameters: Record<string, string>): Promise<ParametersExtension> {
  const token = 'session-token-of-the-test';
  const held: http.ServerResponse[] = [];
  const ext: ParametersExtension = {
    baseUrl: '',
    token,
    requests: [],
    override: undefined,
    hang: false,
    stop: async () => {
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const name = url.searchParams.get('name');
    const sent = req.headers['x-aws-parameters-secrets-token'];
    ext.requests.push({ path: url.pathname, name, withDecryption: url.searchParams.get('withDecryption'), token: typeof sent === 'string' ? sent : undefined });
    if (ext.hang) {
      held.push(res);
      return;
    }
    const answer = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (ext.override) return answer(ext.override.status, ext.override.body);
    if (sent !== token) return answer(401, 'Unauthorized');
    if (url.pathname !== '/systemsmanager/parameters/get' || name === null) return answer(400, 'Bad request');
    const value = parameters[name];
    if (value === undefined) return answer(400, `ParameterNotFound: parameter ${name} not found.`);
    answer(
      200,
      JSON.stringify({
        Parameter: { ARN: `arn:aws:ssm:eu-west-3:000000000000:parameter${name}`, DataType: 'text', Name: name, Type: 'SecureString', Value: value, Version: 1 },
        ResultMetadata: {},
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ext.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return ext;
}
