// Ports of the notification context: where a message goes out (email, Publik callback) and the
// per-(notification, channel) delivery markers that make at-least-once delivery exactly-once in
// effect (product.md §4). No AWS here: adapters implement these.

/** One way a notification reaches someone. Each channel of a notification is delivered once. */
export type DeliveryChannel = 'email' | 'callback';

/**
 * - `claimed`: we hold the lease and may send; pass `token` to markSent/markSkipped/release.
 * - `done`: already sent (or deliberately skipped): send nothing.
 * - `busy`: another consumer holds a live lease (a duplicate delivery in flight): retry later.
 */
export type ClaimResult =
  | { status: 'claimed'; token: string }
  | { status: 'done'; state: 'sent' | 'skipped' }
  | { status: 'busy'; leaseUntil: string };

export interface DeliveryRepository {
  /**
   * Takes the marker of (notification, channel) for `leaseSeconds` when it is new, failed, or
   * held by a lease that expired (a consumer that crashed mid-send).
   */
  claim(notificationId: string, channel: DeliveryChannel, now: Date, leaseSeconds: number): Promise<ClaimResult>;
  /** Final: the channel was delivered. False when our lease had been taken over meanwhile. */
  markSent(notificationId: string, channel: DeliveryChannel, token: string, at: Date, detail: string): Promise<boolean>;
  /** Final: the channel will never be delivered (e.g. no signature key for the host). */
  markSkipped(notificationId: string, channel: DeliveryChannel, token: string, at: Date, reason: string): Promise<boolean>;
  /** The send failed: frees the marker at once so that the retry may claim it again. */
  release(notificationId: string, channel: DeliveryChannel, token: string, at: Date, error: string): Promise<void>;
}

/**
 * Exactly-once marker of one message of the reminder engine to one recipient: the
 * (subject, kind, rule, sequence, recipient) tuple. Same claim/lease/mark protocol as above;
 * markers of one subject are listed together (delivery reports).
 */
export interface DispatchDeliveryRef {
  subject: string;
  kind: string;
  rule: string | null;
  sequence: number;
  recipient: string;
}

export interface DispatchDeliveryRow extends DispatchDeliveryRef {
  state: 'sending' | 'sent' | 'skipped' | 'failed';
  /** Recipient address, recorded once known (never logged). */
  to?: string;
  /** Instant of the last outcome (or of the claim while sending). */
  at: string;
  detail?: string;
}

export interface DispatchDeliveryRepository {
  claimDispatch(ref: DispatchDeliveryRef, now: Date, leaseSeconds: number): Promise<ClaimResult>;
  markDispatchSent(ref: DispatchDeliveryRef, token: string, at: Date, detail: string, to: string): Promise<boolean>;
  markDispatchSkipped(ref: DispatchDeliveryRef, token: string, at: Date, reason: string, to?: string): Promise<boolean>;
  releaseDispatch(ref: DispatchDeliveryRef, token: string, at: Date, error: string, to?: string): Promise<void>;
  /** Every marker of a subject (an occurrence, a meeting), all kinds and recipients. */
  listDispatchDeliveries(subject: string): Promise<DispatchDeliveryRow[]>;
}

export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
  /** Extra header fields, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers?: Array<{ name: string; value: string }>;
}

export interface Mailer {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

export type CallbackResult =
  | { status: 'sent'; httpStatus: number }
  /** Nothing was sent: we never call a host unsigned. */
  | { status: 'skipped'; reason: 'no-signature-key'; host: string };

/** Signed JSON POST to a w.c.s. callback/trigger URL. Throws when the call did not succeed. */
export interface CallbackSender {
  post(url: string, body: unknown): Promise<CallbackResult>;
}
