// Publik URL signatures ("signature des URL", publik-conventions.md §1): signing our own calls to
// Publik and verifying the calls w.c.s. makes to us. Pure: no clock, no storage. Nonce replay is
// checked elsewhere (a conditional write in DynamoDB); this module only returns the nonce.

import { createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

import { buildQuery, formDecode, parseQuery, urlQuote } from '#shared/publik/form-encoding.ts';

export type SignatureAlgo = 'sha256' | 'sha1' | 'sha512';

/** Maximum distance between the signed timestamp and our clock, both ways (w.c.s. `DEFAULT_DURATION`). */
export const SIGNATURE_MAX_SKEW_SECONDS = 30;

/** Algorithms accepted on inbound calls. Every current Publik sender uses sha256. */
export const SIGNATURE_ALGOS: readonly SignatureAlgo[] = ['sha256', 'sha1', 'sha512'];

const SIGNATURE_MARKER = '&signature=';
const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

export function isSignatureAlgo(value: string): value is SignatureAlgo {
  return (SIGNATURE_ALGOS as readonly string[]).includes(value);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Formats a date like Python `strftime('%Y-%m-%dT%H:%M:%SZ')` in UTC (second precision). */
export function formatSignatureTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid timestamp');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}Z`
  );
}

/** Parses a `YYYY-MM-DDTHH:MM:SSZ` timestamp; undefined when malformed or not a real instant. */
export function parseSignatureTimestamp(value: string): Date | undefined {
  const m = TIMESTAMP_PATTERN.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return date;
}

// The keys' KeyObjects, imported once per container instead of on every call. Keyed by the key
// itself: a key changed in the secrets is a new entry; bounded, as the keys are a few configured ones.
const hmacKeys = new Map<string, KeyObject>();
const MAX_HMAC_KEYS = 64;

function hmacKey(key: string): KeyObject {
  let keyObject = hmacKeys.get(key);
  if (keyObject === undefined) {
    if (hmacKeys.size >= MAX_HMAC_KEYS) hmacKeys.clear();
    keyObject = createSecretKey(Buffer.from(key, 'utf8'));
    hmacKeys.set(key, keyObject);
  }
  return keyObject;
}

function hmacBase64(message: string, key: string, algo: SignatureAlgo): string {
  return createHmac(algo, hmacKey(key)).update(message, 'utf8').digest('base64');
}

/**
 * Signs an already-encoded query string ('' if none) exactly like w.c.s. `sign_query`: appends
 * `orig` (when given), then `algo`, `timestamp` and `nonce`, and finally `signature` = standard
 * base64 of the HMAC over everything before `&signature=`, quoted with `/` kept.
 */
export function signQuery(
  query: string,
  key: string,
  opts: { timestamp: Date; nonce: string; orig?: string; algo?: SignatureAlgo },
): string {
  const algo = opts.algo ?? 'sha256';
  if (!isSignatureAlgo(algo)) throw new RangeError(`Unsupported signature algorithm: ${String(algo)}`);
  const parts: string[] = query === '' ? [] : [query];
  if (opts.orig !== undefined) parts.push(buildQuery([['orig', opts.orig]]));
  parts.push(
    buildQuery([
      ['algo', algo],
      ['timestamp', formatSignatureTimestamp(opts.timestamp)],
      ['nonce', opts.nonce],
    ]),
  );
  const toSign = parts.join('&');
  return `${toSign}${SIGNATURE_MARKER}${urlQuote(hmacBase64(toSign, key, algo), '/')}`;
}

/** Lower-case hex of a random 128-bit integer, without leading zeros (as w.c.s. does). */
export function newNonce(): string {
  const hex = randomBytes(16).toString('hex').replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}

/**
 * Signs a URL: the fragment (never sent over HTTP) is dropped, scheme, host and path are kept
 * verbatim and the existing query string is signed as it is (it must already be encoded; it is
 * not re-encoded). Defaults: timestamp = now, nonce = a fresh random nonce, algo = sha256.
 */
export function signUrl(
  url: string,
  key: string,
  opts: { timestamp?: Date; nonce?: string; orig?: string; algo?: SignatureAlgo } = {},
): string {
  const hash = url.indexOf('#');
  const withoutFragment = hash < 0 ? url : url.slice(0, hash);
  const question = withoutFragment.indexOf('?');
  const base = question < 0 ? withoutFragment : withoutFragment.slice(0, question);
  const query = question < 0 ? '' : withoutFragment.slice(question + 1);
  const signed = signQuery(query, key, {
    timestamp: opts.timestamp ?? new Date(),
    nonce: opts.nonce ?? newNonce(),
    ...(opts.orig !== undefined ? { orig: opts.orig } : {}),
    ...(opts.algo !== undefined ? { algo: opts.algo } : {}),
  });
  return `${base}?${signed}`;
}

export type SignatureFailure =
  | 'missing-signature'
  | 'signature-not-last'
  | 'missing-parameter'
  | 'repeated-parameter'
  | 'unknown-orig'
  | 'no-default-key'
  | 'unsupported-algo'
  | 'bad-signature'
  | 'bad-timestamp'
  | 'stale-timestamp';

/** A refused signature. `message` is French, safe to show to the caller (never a key or a MAC). */
export class SignatureError extends Error {
  constructor(
    readonly reason: SignatureFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

export interface VerifiedSignature {
  orig: string | undefined;
  nonce: string;
  timestamp: Date;
  algo: SignatureAlgo;
}

/** Caller-supplied text echoed in a message: control characters removed, length bounded. */
function quoteValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.length > 64 ? `${clean.slice(0, 63)}…` : clean;
}

function requireSingle(params: Map<string, string[]>, name: 'algo' | 'timestamp' | 'nonce'): string {
  const values = params.get(name) ?? [];
  if (values.length > 1) {
    throw new SignatureError('repeated-parameter', `Paramètre « ${name} » répété dans l’appel signé.`);
  }
  const value = values[0];
  if (value === undefined || value === '') {
    throw new SignatureError('missing-parameter', `Appel signé incomplet : paramètre « ${name} » manquant ou vide.`);
  }
  return value;
}

/**
 * Verifies the Publik signature of a raw (still percent-encoded) query string, such as the
 * `rawQueryString` of an API Gateway HTTP API 2.0 event. The MAC is computed over the exact bytes
 * before the last `&signature=`; nothing is decoded or re-encoded for it. Throws SignatureError.
 */
export function verifyQuery(
  rawQuery: string,
  opts: { keys: Readonly<Record<string, string>>; defaultKey?: string; now: Date; maxSkewSeconds?: number },
): VerifiedSignature {
  const markerAt = rawQuery.lastIndexOf(SIGNATURE_MARKER);
  if (markerAt < 0) {
    if (rawQuery.startsWith('signature=')) {
      throw new SignatureError(
        'missing-parameter',
        'Appel signé incomplet : « algo », « timestamp » et « nonce » doivent précéder « signature ».',
      );
    }
    throw new SignatureError('missing-signature', 'Appel non signé : paramètre « signature » manquant.');
  }
  const signed = rawQuery.slice(0, markerAt);
  const encodedSignature = rawQuery.slice(markerAt + SIGNATURE_MARKER.length);
  if (encodedSignature.includes('&')) {
    throw new SignatureError('signature-not-last', 'Le paramètre « signature » doit être le dernier de l’adresse.');
  }
  if (encodedSignature === '') {
    throw new SignatureError('missing-signature', 'Appel non signé : paramètre « signature » vide.');
  }

  const params = parseQuery(signed);
  const algo = requireSingle(params, 'algo');
  const timestampText = requireSingle(params, 'timestamp');
  const nonce = requireSingle(params, 'nonce');
  const origValues = params.get('orig') ?? [];
  if (origValues.length > 1) {
    throw new SignatureError('repeated-parameter', 'Paramètre « orig » répété dans l’appel signé.');
  }
  const orig = origValues[0];

  let key: string | undefined;
  if (orig !== undefined) {
    key = Object.hasOwn(opts.keys, orig) ? opts.keys[orig] : undefined;
    if (typeof key !== 'string' || key === '') {
      throw new SignatureError(
        'unknown-orig',
        `Origine « ${quoteValue(orig)} » inconnue : aucune clé de signature configurée pour elle.`,
      );
    }
  } else {
    key = opts.defaultKey;
    if (typeof key !== 'string' || key === '') {
      throw new SignatureError('no-default-key', 'Appel signé sans « orig » et aucune clé par défaut n’est configurée.');
    }
  }

  if (!isSignatureAlgo(algo)) {
    throw new SignatureError('unsupported-algo', `Algorithme de signature non accepté : « ${quoteValue(algo)} ».`);
  }

  const expected = Buffer.from(hmacBase64(signed, key, algo), 'utf8');
  const provided = Buffer.from(formDecode(encodedSignature), 'utf8');
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
    // Which key was tried, never the key nor either MAC: the form designer can tell a key
    // pasted wrong on one side from a call signed without `orig` by the action's own key.
    throw new SignatureError(
      'bad-signature',
      orig !== undefined
        ? `Signature invalide : l’appel vient de l’origine « ${quoteValue(orig)} » et la clé de signature configurée pour elle ne correspond pas (clé différente de part et d’autre, ou adresse modifiée après signature).`
        : 'Signature invalide : l’appel est signé sans « orig » et la clé par défaut (clé de signature de la requête) ne correspond pas (clé différente de part et d’autre, ou adresse modifiée après signature).',
    );
  }

  const timestamp = parseSignatureTimestamp(timestampText);
  if (timestamp === undefined) {
    throw new SignatureError('bad-timestamp', 'Horodatage invalide : format attendu AAAA-MM-JJTHH:MM:SSZ (UTC).');
  }
  const maxSkewSeconds = opts.maxSkewSeconds ?? SIGNATURE_MAX_SKEW_SECONDS;
  const skewMs = Math.abs(opts.now.getTime() - timestamp.getTime());
  if (!(skewMs <= maxSkewSeconds * 1000)) {
    throw new SignatureError(
      'stale-timestamp',
      `Horodatage trop éloigné de l’heure du serveur (plus de ${maxSkewSeconds} secondes).`,
    );
  }

  return { orig, nonce, timestamp, algo };
}
