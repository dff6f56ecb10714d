import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per process; the middy chains add the request context. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'publik-club' });
