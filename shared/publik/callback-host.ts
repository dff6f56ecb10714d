// Where we may call back: only the Publik host that signed the call that gave us the URL. A call
// signed by one host must never make us POST personal data (signed with another host's key) to
// another host. Pure.
import { InvalidRequestError } from '#shared/errors.ts';

/**
 * `callbackUrl`'s host must be `orig` (the signer of the call); for a call signed without `orig`
 * (the default key), one of `knownHosts` (the hosts of PUBLIK_SIGNATURE_KEYS). Throws a 400
 * naming `callback_url` otherwise.
 */
export function assertCallbackHost(callbackUrl: string, orig: string | undefined, knownHosts: readonly string[]): void {
  let host: string;
  try {
    host = new URL(callbackUrl).hostname.toLowerCase();
  } catch {
    host = '';
  }
  const allowed = orig !== undefined ? [orig.toLowerCase()] : knownHosts.map((h) => h.toLowerCase());
  if (host !== '' && allowed.includes(host)) return;
  const message =
    orig !== undefined
      ? `L’adresse de rappel doit être sur l’hôte qui a signé l’appel (${orig}).`
      : 'L’adresse de rappel doit être sur un hôte Publik connu (une clé de signature lui est attribuée).';
  throw new InvalidRequestError(`Données invalides : callback_url : ${message}`, [{ path: 'callback_url', message }]);
}
