// `npm run sign -- <url> [--orig host] [--key k] [--no-orig] [--algo sha256|sha1|sha512]`
// Prints <url> signed the way w.c.s. signs its webservice calls (valid 30 s). Keys come from the
// running `npm start` (.local/runtime.json), else from PUBLIK_SIGNATURE_KEYS /
// PUBLIK_DEFAULT_SIGNATURE_KEY, else the development defaults. A path (`/meetings`) is resolved
// against the running instance's base URL. Only the URL goes to stdout, so this works:
//   curl -s "$(npm run -s sign -- http://127.0.0.1:3000/meetings)"
import { parseArgs } from 'node:util';
import { isSignatureAlgo, signUrl } from '#shared/publik/signature.ts';
import { signingKeysFromEnv } from './local/dev-defaults.ts';
import { readRuntimeState } from './local/runtime-state.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  options: {
    orig: { type: 'string' },
    key: { type: 'string' },
    'no-orig': { type: 'boolean', default: false },
    algo: { type: 'string', default: 'sha256' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: true,
});

const usage = 'Usage: npm run sign -- <url or /path> [--orig host] [--key k] [--no-orig] [--algo sha256|sha1|sha512]';
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const target = positionals[0];
if (!target || positionals.length > 1) fail(usage);
if (values['no-orig'] && values.orig !== undefined) fail('--orig and --no-orig cannot be used together');
const algo = values.algo ?? 'sha256';
if (!isSignatureAlgo(algo)) fail(`Unsupported --algo "${algo}" (sha256, sha1 or sha512)`);

const state = readRuntimeState();
const keys = state?.keys ?? signingKeysFromEnv(process.env);
const baseUrl = state?.baseUrl ?? `http://127.0.0.1:${process.env['PORT'] ?? '3000'}`;
const url = target.startsWith('/') ? `${baseUrl}${target}` : target;
if (!/^https?:\/\//.test(url)) fail(`Not an http(s) URL nor a path: ${target}`);

let orig: string | undefined;
let key: string | undefined = values.key;
if (values['no-orig']) {
  key ??= keys.defaultKey;
} else {
  orig = values.orig ?? keys.orig;
  key ??= keys.signatureKeys[orig];
  if (key === undefined) {
    fail(`No key for orig "${orig}". Known origs: ${Object.keys(keys.signatureKeys).join(', ') || '(none)'}; or pass --key.`);
  }
}
if (!key) fail('Empty signature key');

console.log(signUrl(url, key, { ...(orig !== undefined ? { orig } : {}), algo }));
