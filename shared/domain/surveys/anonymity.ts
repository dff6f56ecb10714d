// Keyed hashes of the participation and replay markers (contract-survey.md, "Anonymity"). The
// markers are keyed by HMAC-SHA256 with a secret key: whoever reads the table can neither list
// who answered nor test an address without the key. Neither marker holds a response id, and a
// response holds no identity, no form uuid and no time: nothing links one to the other.
import { createHmac } from 'node:crypto';

// A separator that cannot occur in a survey id (slug), so (survey, value) pairs cannot collide.
const SEP = '\u0000';

function mac(key: string, purpose: string, surveyId: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}${SEP}${surveyId}${SEP}${value}`).digest('base64url');
}

/** Key of the participation marker of `email` (normalised: trimmed, lower-cased) in a survey. */
export function participationHash(key: string, surveyId: string, email: string): string {
  return mac(key, 'participation', surveyId, email.trim().toLowerCase());
}

/**
 * The token of the one-click link that stops a person's invitations to a survey (`/u/{token}`,
 * the sessions' link address): 256 bits derived from the participation hash with the same key,
 * so every email to that person carries the same link and nobody can forge one without the key.
 */
export function optOutToken(key: string, surveyId: string, participation: string): string {
  return mac(key, 'unsubscribe', surveyId, participation);
}

/** Key of the replay marker of a w.c.s. form in a survey. */
export function replayHash(key: string, surveyId: string, formUuid: string): string {
  return mac(key, 'form', surveyId, formUuid.trim());
}
