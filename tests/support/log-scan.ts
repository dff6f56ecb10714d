// Logs without people (contract-rgpd.md, "Logs"): every line the service prints while a suite
// runs is captured and scanned for emails, phone numbers, bearer tokens, URL signatures,
// personal-link and check-in tokens, and for every value a request carried in a personal field
// (names, emails, phones, needs, free-text answers) or as a credential (the admin token, the
// signature, a token in the path or query). Run for every e2e and browser test file by
// tests/support/log-scan-setup.ts; `addLines` scans text read elsewhere.

import type { GatewayFunction, HttpHandler } from '../../scripts/local/gateway.ts';

export interface LogLeak {
  kind: string;
  /** What matched, shortened: enough to find it, without repeating a whole secret. */
  match: string;
  line: string;
}

/** Keys whose string values are a person's data wherever they sit in a request body. */
const PERSONAL_KEY =
  /^(email|courriel|first_?name|last_?name|prenom|nom|name|display_name|nameid|badge_name|phone|telephone|mobile|job_title|dietary_requirements|accessibility_needs|user_name_id)$|^agent_|_(email|first_name|last_name|phone)$/i;
/** Keys under which a free-text answer sits (survey answers: every string of the `answers` object). */
const ANSWERS_KEY = /^(answers|reponses)$/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// French numbers (0X XX XX XX XX, +33 X …, separators optional), not inside a longer number or id.
const PHONE = /(?<![\w.:/-])(?:\+33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?![\w])/g;
// A value masked by the logger (`<jeton>`, `<secret>`: shared/lambda/log-redaction.ts) is no leak.
const BEARER = /\bBearer\s+[^<\s"\\][^\s"\\]*/gi;
const SIGNATURE = /[?&]signature=[^<&\s"\\][^&\s"\\]*/gi;
// A path carrying its credential: the one-click link and the badge's check-in URL.
const LINK_TOKEN = /\/(?:u|check-in)\/[A-Za-z0-9_-]{16,}/g;
const QUERY_TOKEN = /[?&](?:token|access_token)=[^<&\s"\\][^&\s"\\]*/gi;

const PATTERNS: Array<[string, RegExp]> = [
  ['email', EMAIL],
  ['phone', PHONE],
  ['bearer token', BEARER],
  ['signature', SIGNATURE],
  ['link or check-in token', LINK_TOKEN],
  ['token in a query', QUERY_TOKEN],
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function shorten(text: string): string {
  return text.length > 12 ? `${text.slice(0, 6)}…${text.slice(-2)}` : text;
}

export interface NotedRequest {
  rawPath?: string | undefined;
  rawQueryString?: string | undefined;
  headers?: Record<string, string | undefined> | undefined;
  body?: string | null | undefined;
  isBase64Encoded?: boolean | undefined;
}

export class LogScan {
  readonly lines: string[] = [];
  private readonly forbidden = new Map<string, string>();
  /** Addresses of the service itself (the sender of its emails), not of a person. */
  private readonly allowedEmails = new Set<string>();

  /** Values that must never appear in a line, with what they are (names: whole words, any case). */
  forbid(kind: string, values: Iterable<string | undefined | null>): void {
    for (const value of values) {
      const v = value?.trim();
      // Two letters match too much by chance (initials, a day's abbreviation).
      if (v && v.length >= 3 && !this.forbidden.has(v)) this.forbidden.set(v, kind);
    }
  }

  allowEmail(...addresses: string[]): void {
    for (const a of addresses) this.allowedEmails.add(a.toLowerCase());
  }

  /** What a request carries that no log line may repeat. */
  noteRequest(event: NotedRequest): void {
    const path = event.rawPath ?? '';
    // The one-click link (`/u/{token}`) and the badge's check-in (`/admin/check-in/{token}`,
    // `/console/check-in/{token}`); not `/admin/registrations/{id}/check-in/{day}`, whose last
    // segment is a date.
    for (const m of path.matchAll(/\/(?:u|admin\/check-in|console\/check-in)\/([^/?#]+)/g)) this.forbid('token in a path', [m[1]]);
    const query = new URLSearchParams(event.rawQueryString ?? '');
    this.forbid('signature', query.getAll('signature'));
    this.forbid('token in a query', [...query.getAll('token'), ...query.getAll('access_token')]);
    const auth = event.headers?.['authorization'] ?? event.headers?.['Authorization'];
    const bearer = auth ? /^Bearer\s+(\S+)/i.exec(auth)?.[1] : undefined;
    this.forbid('admin token', [bearer]);
    if (event.body) {
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = Object.fromEntries(new URLSearchParams(raw));
      }
      this.harvest(parsed, false);
    }
  }

  private harvest(value: unknown, personal: boolean, key = ''): void {
    if (typeof value === 'string') {
      if (personal) this.forbid(`personal field ${key}`, [value]);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this.harvest(item, personal, key);
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        const answers = ANSWERS_KEY.test(k);
        // Inside `answers`, only texts a person typed: a choice is an option id, never logged as text anyway.
        this.harvest(v, personal || PERSONAL_KEY.test(k) || answers, answers || personal ? key || k : k);
      }
    }
  }

  addLines(text: string): void {
    for (const line of text.split('\n')) if (line.trim() !== '') this.lines.push(line);
  }

  /**
   * Captures everything written to stdout and stderr (the Powertools logger writes there) until
   * the returned function is called; lines are swallowed unless `echo`.
   */
  capture(opts: { echo?: boolean } = {}): () => void {
    const streams = [process.stdout, process.stderr] as const;
    const originals = streams.map((s) => s.write);
    let pending = '';
    streams.forEach((stream, i) => {
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
        pending += text;
        const cut = pending.lastIndexOf('\n');
        if (cut >= 0) {
          this.addLines(pending.slice(0, cut));
          pending = pending.slice(cut + 1);
        }
        if (opts.echo) return (originals[i] as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
        const callback = rest.find((r): r is () => void => typeof r === 'function');
        callback?.();
        return true;
      }) as typeof stream.write;
    });
    return () => {
      if (pending !== '') this.addLines(pending);
      pending = '';
      streams.forEach((stream, i) => {
        stream.write = originals[i] as typeof stream.write;
      });
    };
  }

  /** Every line holding something of a person or a credential. */
  leaks(lines: readonly string[] = this.lines): LogLeak[] {
    const leaks: LogLeak[] = [];
    const values = [...this.forbidden.entries()].sort((a, b) => b[0].length - a[0].length);
    const words = values.length
      ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${values.map(([v]) => escape(v)).join('|')})(?![\\p{L}\\p{N}_])`, 'giu')
      : undefined;
    const kindOf = new Map(values.map(([v, k]) => [v.toLowerCase(), k]));
    for (const line of lines) {
      for (const [kind, pattern] of PATTERNS) {
        for (const m of line.matchAll(pattern)) {
          if (kind === 'email' && this.allowedEmails.has(m[0].toLowerCase())) continue;
          leaks.push({ kind, match: shorten(m[0]), line: line.slice(0, 400) });
        }
      }
      if (words) {
        for (const m of line.matchAll(words)) {
          leaks.push({ kind: kindOf.get(m[0].toLowerCase()) ?? 'forbidden value', match: shorten(m[0]), line: line.slice(0, 400) });
        }
      }
    }
    return leaks;
  }
}

/** Wraps gateway functions so that each request is noted before it is handled. */
export function notingFunctions<F extends GatewayFunction>(
  functions: readonly F[],
  scan: () => LogScan | undefined,
): F[] {
  return functions.map((fn) => ({
    ...fn,
    load: async () => {
      const handler = await fn.load();
      const noting: HttpHandler = (event, context) => {
        scan()?.noteRequest(event as NotedRequest);
        return handler(event, context);
      };
      return noting;
    },
  }));
}

/** The scan of the running test file, when its setup started one (tests/support/log-scan-setup.ts). */
let current: LogScan | undefined;
export const activeLogScan = (): LogScan | undefined => current;
export function setActiveLogScan(scan: LogScan | undefined): void {
  current = scan;
}
