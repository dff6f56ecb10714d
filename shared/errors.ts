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

/** Bad input: HTTP 400, `invalid-request`, with one entry per faulty field. */
export class InvalidRequestError extends AppError {
  readonly statusCode = 400;
  constructor(message: string, errors: FieldIssue[] = []) {
    super('invalid-request', message, { errors });
  }
}

/** Unsigned, badly signed, stale or replayed Publik call. */
export class AccessDeniedError extends AppError {
  readonly statusCode = 403;
  constructor(message = 'Accès refusé.') {
    super('access-denied', message);
  }
}

/** Admin call without a valid bearer token. */
export class UnauthorizedError extends AppError {
  readonly statusCode = 401;
  constructor(message = 'Jeton d’administration manquant ou invalide.') {
    super('unauthorized', message);
  }
}

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
export class RefusalError extends AppError {
  readonly statusCode = 200;
  constructor(code: string, message: string, data?: unknown) {
    super(code, message, data === undefined ? undefined : { data });
  }
}

/** The store stayed busy after bounded retries; nothing was written. Safe to call again. */
export class ServiceBusyError extends AppError {
  readonly statusCode = 503;
  constructor(message = 'Le service est momentanément surchargé, rien n’a été enregistré : veuillez réessayer.') {
    super('service-busy', message);
  }
}

/** The request contradicts the stored state (an organiser-side refusal). */
export class ConflictError extends AppError {
  readonly statusCode = 409;
  constructor(code: string, message: string, data?: unknown) {
    super(code, message, data === undefined ? undefined : { data });
  }
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
