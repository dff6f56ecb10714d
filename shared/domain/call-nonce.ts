// The nonce of the signed Publik call being served. A use case that writes includes it in its one
// transaction (so a replayed call and its write cannot both succeed, and a refused or failed
// write leaves the nonce free for the caller's retry); when the use case writes nothing, the
// HTTP chain claims it on its own after answering (shared/lambda/http.ts).
import { AccessDeniedError } from '#shared/errors.ts';

export class CallNonce {
  private used = false;

  constructor(
    /** Who signed the call (`orig`), undefined for a call signed with the default key. */
    readonly orig: string | undefined,
    readonly value: string,
    /** Epoch seconds after which the stored nonce may be forgotten. */
    readonly expiresAt: number,
  ) {}

  get consumed(): boolean {
    return this.used;
  }

  markConsumed(): void {
    this.used = true;
  }
}

/** The nonce was already used: a replayed call. Nothing was written. */
export class ReplayedCallError extends AccessDeniedError {
  constructor() {
    super('Appel rejoué : ce nonce a déjà été utilisé.');
  }
}
