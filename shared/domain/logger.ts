// What a use case logs through: ids, counts and error classes, never personal data. The
// composition roots (shared/contexts/) inject the Powertools logger of shared/lambda/logger.ts;
// the domain never imports it.
export interface Logger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** For tests and benchmarks that do not look at logs. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
