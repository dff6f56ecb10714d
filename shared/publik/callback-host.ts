// Where we may call back: only the Publik host that signed the call that gave us the URL. A call
// signed by one host must never make us POST personal data (signed with another host's key) to
// another host. Pure.
import { InvalidRequestError } from '#shared/errors.ts';

/**
 * `callbackUrl`'s host must be `orig`, the host whose key signed the call. A call signed with
 * the default key (no `orig`) may not carry a `callback_url` at all: that key is a webservice
 * action's own "request signature key", shared with no host in particular, so it proves nothing
 * about which host may be called back (issue 13: it could name any configured host). Throws a
 * 400 naming `callback_url` otherwise.
 */
export function assertCallbackHost(callbackUrl: string, orig: string | undefined): void {
  if (orig === undefined) {
    const message =
      'Un appel signé sans « orig » (clé de signature par défaut) ne peut pas donner d’adresse de rappel : signez-le avec la clé de votre hôte.';
    throw new InvalidRequestError(`Données invalides : callback_url : ${message}`, [{ path: 'callback_url', message }]);
  }
  let host: string;
  try {
    host = new URL(callbackUrl).hostname.toLowerCase();
  } catch {
    host = '';
  }
  if (host !== '' && host === orig.toLowerCase()) return;
  const message = `L’adresse de rappel doit être sur l’hôte qui a signé l’appel (${orig}).`;
  throw new InvalidRequestError(`Données invalides : callback_url : ${message}`, [{ path: 'callback_url', message }]);
}
