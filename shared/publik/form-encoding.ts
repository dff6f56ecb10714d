// application/x-www-form-urlencoded helpers matching Python's urllib.parse behaviour, which is
// what w.c.s. uses to build and read query strings (publik-conventions.md §1.2, §1.7).
// `encodeURIComponent` and `URLSearchParams` differ from Python on `!'()*~` and on spaces, so
// signed queries we produce must go through these functions to be byte-identical.

const UNRESERVED = /[A-Za-z0-9_.\-~]/;
const HEX = '0123456789ABCDEF';

function percentEncodeBytes(value: string, keep: (ch: string) => boolean, spaceAsPlus: boolean): string {
  let out = '';
  for (const ch of value) {
    if (keep(ch)) {
      out += ch;
    } else if (spaceAsPlus && ch === ' ') {
      out += '+';
    } else {
      // Lone surrogates become U+FFFD (EF BF BD), as Buffer does; Python would raise instead.
      for (const byte of Buffer.from(ch, 'utf8')) {
        out += `%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
      }
    }
  }
  return out;
}

/**
 * Form-encodes a value like Python `quote_plus(value, safe='')`: only `A-Za-z0-9_.-~` are kept,
 * a space becomes `+`, everything else is percent-encoded as UTF-8 with upper-case hex.
 */
export function formEncode(value: string): string {
  return percentEncodeBytes(value, (ch) => UNRESERVED.test(ch), true);
}

/**
 * Percent-quotes a value like Python `quote(value, safe)`: `A-Za-z0-9_.-~` and the characters of
 * `safe` are kept, a space becomes `%20`. Used for the `signature` parameter (`safe='/'`).
 */
export function urlQuote(value: string, safe = '/'): string {
  return percentEncodeBytes(value, (ch) => UNRESERVED.test(ch) || (ch.length === 1 && safe.includes(ch)), false);
}

/** Builds `k=v&k=v` with both sides form-encoded, keeping the given order and repeated keys. */
export function buildQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&');
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30; // 0-9
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10; // A-F
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10; // a-f
  return -1;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decodes a form-encoded value like Python `unquote_plus`: `+` is a space, runs of `%XX` are
 * decoded as UTF-8 (invalid sequences become U+FFFD), malformed `%` sequences are kept as they
 * are. Never throws.
 */
export function formDecode(value: string): string {
  const s = value.includes('+') ? value.replace(/\+/g, ' ') : value;
  if (!s.includes('%')) return s;
  // Fast path (every signed call's timestamp has `%3A`): when the whole value is well-formed
  // percent-encoded UTF-8, decodeURIComponent gives exactly what the loop below gives; it throws
  // on anything else (a malformed `%`, invalid or overlong UTF-8, an encoded surrogate), and the
  // loop then decodes it the Python way.
  try {
    return decodeURIComponent(s);
  } catch {
    return formDecodeBytewise(s);
  }
}

/** formDecode's `%XX` decoding byte by byte, `+` left as it is: the reference the fast path is tested against. */
export function formDecodeBytewise(s: string): string {
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) {
      out += utf8Decoder.decode(Uint8Array.from(bytes));
      bytes = [];
    }
  };
  let i = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) === 0x25 /* % */ && i + 2 < s.length) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        bytes.push(hi * 16 + lo);
        i += 3;
        continue;
      }
    }
    flush();
    out += s[i];
    i += 1;
  }
  flush();
  return out;
}

/**
 * Parses a raw query string: split on `&`, empty pieces skipped, each piece partitioned on its
 * first `=` (a piece without `=` gives an empty value), both sides form-decoded. Repeated keys keep
 * all their values in order.
 */
export function parseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = formDecode(eq < 0 ? piece : piece.slice(0, eq));
    const value = formDecode(eq < 0 ? '' : piece.slice(eq + 1));
    const values = out.get(key);
    if (values) values.push(value);
    else out.set(key, [value]);
  }
  return out;
}
