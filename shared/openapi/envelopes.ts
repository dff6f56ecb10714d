// The Publik envelopes as zod schemas (publik-conventions.md; shared/publik/envelope.ts builds
// them): success `{"err":0,"data":…}`, failure `{"err":1,"err_class","err_desc"}` (+ `data`,
// `errors`). The OpenAPI document describes every answer with them.
import * as z from 'zod';

/** Classes every route may answer, whatever its own: listed once in the reference. */
export const GENERIC_CLASSES = {
  invalidRequest: 'invalid-request',
  accessDenied: 'access-denied',
  unauthorized: 'unauthorized',
  notFound: 'not-found',
  payloadTooLarge: 'payload-too-large',
  unsupportedMediaType: 'unsupported-media-type',
  serviceBusy: 'service-busy',
  internalError: 'internal-error',
} as const;

export function successEnvelope(data: z.ZodType, siblings: Record<string, z.ZodType> = {}) {
  return z.object({ err: z.literal(0), data, ...siblings });
}

const FieldIssue = z.object({
  path: z.string().meta({ description: 'The field, dotted (`days.0.date`); empty for the whole body.' }),
  message: z.string().meta({ description: 'What is wrong, in French.' }),
});

export function failureEnvelope(classes: readonly [string, ...string[]], opts: { errors?: boolean } = {}) {
  return z.object({
    err: z.literal(1),
    err_class: z.enum(classes).meta({ description: 'Stable code to branch on.' }),
    err_desc: z.string().meta({ description: 'French sentence for a person.' }),
    data: z.unknown().optional().meta({ description: 'Details of some refusals (limits, counts, the faulty ids).' }),
    // contract.md: a 400 always names the faulty fields in `errors`.
    ...(opts.errors ? { errors: z.array(FieldIssue) } : {}),
  });
}

/** HTTP 400: one entry per faulty field in `errors`. */
export const InvalidRequestEnvelope = failureEnvelope([GENERIC_CLASSES.invalidRequest], { errors: true });
