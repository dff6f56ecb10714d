// The in-process caller of the vote and survey benchmarks: node:http with keep-alive sockets,
// the lightest HTTP client Node has (about 0.5 ms of CPU per call here, where fetch()/undici cost
// about 2 ms: on these 2 shared cores the caller's CPU is counted with the server's, since both
// run in the benchmark's process).
import { Agent, request as httpRequest } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpAnswer {
  status: number;
  /** The parsed JSON answer, or the raw text when it is not JSON. */
  json: any;
}

export function httpCall(url: string, init: { method: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number }): Promise<HttpAnswer> {
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  const timeout = init.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: init.method,
        agent,
        headers: {
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...init.headers,
        },
        timeout,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Closes the kept-alive sockets (at the end of a benchmark). */
export function closeHttpCaller(): void {
  agent.destroy();
}
