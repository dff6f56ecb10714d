import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { Logger as UseCaseLogger } from '#shared/domain/logger.ts';
import { redactPersonalData } from '#shared/lambda/log-redaction.ts';

/** One structured JSON logger per process; the middy chains add the request context. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'publik-club',
  // Emails, tokens, signatures and phone numbers are masked in every line (shared/lambda/log-redaction.ts).
  jsonReplacerFn: redactPersonalData,
});

/** The domain's Logger port over the same logger: what the composition roots inject. */
export const useCaseLogger: UseCaseLogger = {
  info: (message, attributes) => (attributes ? logger.info(message, attributes as LogAttributes) : logger.info(message)),
  warn: (message, attributes) => (attributes ? logger.warn(message, attributes as LogAttributes) : logger.warn(message)),
  error: (message, attributes) => (attributes ? logger.error(message, attributes as LogAttributes) : logger.error(message)),
};
