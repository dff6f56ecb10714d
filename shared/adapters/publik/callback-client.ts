// Calls a w.c.s. callback (a workflow trigger, `POST <form url>/jump/trigger/<trigger>/`) the way
// Publik components call each other: JSON body, URL signed with the key shared with that host and
// `orig` = our host name as Publik knows it (publik-conventions.md §1, §2.6). An answer counts as
// a success the way w.c.s. reads one (§2.5): a 2xx status and no application error.
import type { CallbackResult, CallbackSender } from '#shared/domain/notifications/ports.ts';
import { signUrl } from '#shared/publik/signature.ts';

// w.c.s. answers a trigger in well under a second; 10 s leaves room for a slow instance while
// keeping a batch of callbacks inside the consumer's 30 s timeout.
export const CALLBACK_TIMEOUT_MS = 10_000;

/** The call did not succeed; the notification is retried (the error message is logged, never shown). */
export class PublikCallError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PublikCallError';
  }
}

export interface PublikCallbackClientOptions {
  /** Keys by Publik host name (PUBLIK_SIGNATURE_KEYS): the key of the host we call signs the URL. */
  signatureKeys: () => Promise<Readonly<Record<string, string>>>;
  /** Our host name as Publik knows it (PUBLIK_ORIG). */
  orig: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const excerpt = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);

/** w.c.s. reads `err` as an error code when truthy: `0`, `"0"`, `false`, `null` or absent mean success. */
function appError(err: unknown): boolean {
  return !(err === undefined || err === null || err === 0 || err === '0' || err === false || err === '');
}

export class PublikCallbackClient implements CallbackSender {
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: PublikCallbackClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? CALLBACK_TIMEOUT_MS;
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  async post(url: string, body: unknown): Promise<CallbackResult> {
    const host = new URL(url).hostname.toLowerCase();
    const keys = await this.opts.signatureKeys();
    const key = Object.entries(keys).find(([name]) => name.toLowerCase() === host)?.[1];
    // Never call an unknown host, and never unsigned: w.c.s. would refuse it anyway.
    if (!key) return { status: 'skipped', reason: 'no-signature-key', host };

    let response: Response;
    try {
      response = await this.fetch(signUrl(url, key, { orig: this.opts.orig }), {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
        // A redirect (to a login page, say) is not the trigger answering.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new PublikCallError(
        timedOut ? `no answer from ${host} within ${this.timeoutMs} ms` : `cannot reach ${host}: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }

    const text = await response.text();
    if (response.status < 200 || response.status > 299) {
      throw new PublikCallError(`${host} answered HTTP ${response.status}: ${excerpt(text)}`, response.status);
    }
    const errorCode = response.headers.get('x-error-code');
    if (errorCode !== null && errorCode !== '0') {
      throw new PublikCallError(`${host} answered X-Error-Code ${errorCode}`, response.status);
    }
    if (text.trim() === '') return { status: 'sent', httpStatus: response.status };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PublikCallError(`${host} answered HTTP ${response.status} with a body that is not JSON: ${excerpt(text)}`, response.status);
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const answer = parsed as Record<string, unknown>;
      if (appError(answer['err'])) {
        const detail = [answer['err_class'], answer['err_desc']].filter((v) => typeof v === 'string').join(': ');
        throw new PublikCallError(`${host} answered err=${JSON.stringify(answer['err'])}${detail ? ` (${excerpt(detail)})` : ''}`, response.status);
      }
    }
    return { status: 'sent', httpStatus: response.status };
  }
}
