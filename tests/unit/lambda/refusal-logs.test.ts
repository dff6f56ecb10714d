// Issue 6, "no personal data in logs": the lines the Powertools logger really prints (serialised
// JSON on stdout/stderr, every level enabled) when the HTTP chain maps an error whose French
// message quotes an email address. Complements http-chain.test.ts, which spies on `info` only:
// this one also covers the 4xx/5xx classes logged at `warn` and the serialisation itself.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AccessDeniedError,
  type AppError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  RefusalError,
  ServiceBusyError,
} from '#shared/errors.ts';
import { errorResponse } from '#shared/lambda/http.ts';
import { logger } from '#shared/lambda/logger.ts';

const EMAIL = 'claire.dupont@villejuif.fr';
let printed: string[];
let previousLevel: string;

beforeEach(() => {
  printed = [];
  previousLevel = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  const capture = (chunk: unknown): boolean => {
    printed.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel(previousLevel as Parameters<typeof logger.setLogLevel>[0]);
});

describe('refusal log lines', () => {
  const cases: [string, AppError][] = [
    ['a refusal (200 err:1)', new RefusalError('already-registered', `L’adresse ${EMAIL} est déjà inscrite à cette rencontre.`)],
    ['a 400 naming the field', new InvalidRequestError(`email : ${EMAIL} n’est pas valide.`, [{ path: 'email', message: EMAIL }])],
    ['a 403', new AccessDeniedError(`Signature refusée pour ${EMAIL}.`)],
    ['a 404', new NotFoundError(`Aucune inscription pour ${EMAIL}.`)],
    ['a 409', new ConflictError('item-in-use', `Atelier utilisé par ${EMAIL}.`)],
    ['a 503 (logged as a warning)', new ServiceBusyError(`Réessayez, ${EMAIL}.`)],
  ];

  it.each(cases)('%s prints its class, never the email its message quotes', (_label, error) => {
    const answer = errorResponse(error);
    expect(String(answer.body)).toContain(error.code);
    const lines = printed.join('');
    expect(lines).toContain('request refused');
    expect(lines).toContain(error.code);
    expect(lines).not.toContain(EMAIL);
    expect(lines.toLowerCase()).not.toContain('villejuif');
  });
});
