// The errors every layer may throw, mapped to HTTP answers in one place (shared/lambda/http.ts).
// `code` is the stable `err_class` form designers branch on; `message` is the French `err_desc`.
// Below the domain and the Publik module, which both throw them.

export interface FieldIssue {
  path: string;
  message: string;
}

/** `Données invalides : a : … ; b : …`, the `err_desc` of every 400 naming its fields. */
export function describeFieldIssues(issues: FieldIssue[], what: string): string {
  const parts = issues.slice(0, 8).map((i) => (i.path === '' ? i.message : `${i.path} : ${i.message}`));
  const more = issues.length > 8 ? ` (et ${issues.length - 8} autre(s))` : '';
  return `${what} : ${parts.join(' ; ')}${more}`;
}

export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  /** Whether `message` may be shown to the caller. Unexposed errors answer a generic text. */
  readonly expose: boolean = true;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: { data?: unknown; errors?: FieldIssue[] },
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An error whose class the caller chose, with optional `data` for the form (refusals, conflicts). */
abstract class CodedError extends AppError {
  constructor(code: string, message: string, data?: unknown) {
    super(code, message, data === undefined ? undefined : { data });
  }
}

/** An error of one class and status whose message may be replaced (its default says the usual case). */
function fixedClassError(statusCode: number, code: string, defaultMessage: string) {
  return class extends AppError {
    readonly statusCode = statusCode;
    constructor(message = defaultMessage) {
      super(code, message);
    }
  };
}

/** Bad input: HTTP 400, `invalid-request`, with one entry per faulty field. */
export class InvalidRequestError extends AppError {
  readonly statusCode = 400;
  constructor(message: string, errors: FieldIssue[] = []) {
    super('invalid-request', message, { errors });
  }
}

/** Unsigned, badly signed, stale or replayed Publik call. */
export class AccessDeniedError extends fixedClassError(403, 'access-denied', 'Accès refusé.') {}

/** Admin call without a valid bearer token. */
export class UnauthorizedError extends fixedClassError(401, 'unauthorized', 'Jeton d’administration manquant ou invalide.') {}

export class NotFoundError extends AppError {
  readonly statusCode = 404;
  constructor(message = 'Ressource introuvable.', code = 'not-found') {
    super(code, message);
  }
}

/**
 * A business refusal the form should branch on: HTTP 200 with `err: 1` (Publik convention),
 * so that w.c.s. stores it in `<var>_error_response` and the workflow can jump on it.
 */
export class RefusalError extends CodedError {
  readonly statusCode = 200;
}

/** The store stayed busy after bounded retries; nothing was written. Safe to call again. */
export class ServiceBusyError extends fixedClassError(
  503,
  'service-busy',
  'Le service est momentanément surchargé, rien n’a été enregistré : veuillez réessayer.',
) {}

/** The request contradicts the stored state (an organiser-side refusal). */
export class ConflictError extends CodedError {
  readonly statusCode = 409;
}

/** The body is larger than any form we accept; refused before any other work. */
export class PayloadTooLargeError extends AppError {
  readonly statusCode = 413;
  constructor(maxBytes: number) {
    super('payload-too-large', `Le corps de la requête dépasse la taille acceptée (${Math.round(maxBytes / 1024)} Ko au plus).`);
  }
}

/** A body that is neither JSON nor form data. */
export class UnsupportedMediaTypeError extends AppError {
  readonly statusCode = 415;
  constructor() {
    super(
      'unsupported-media-type',
      'Type de contenu non pris en charge : envoyez du JSON (application/json) ou des données de formulaire (application/x-www-form-urlencoded).',
    );
  }
}
