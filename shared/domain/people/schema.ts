// The requests of the personal-data routes (POST /admin/people/…, GET /admin/retention). The
// email travels in the body, never in a URL.
import * as z from 'zod';
import { zBool, zEmail } from '#shared/publik/coerce.ts';

export const PersonRequestSchema = z.object({ email: zEmail() });

export const ErasureRequestSchema = z.object({
  email: zEmail(),
  /** Without `true`: a dry run (the same counts, nothing changed). */
  confirm: zBool().transform((v) => v ?? false),
});

export const RetentionQuerySchema = z.object({
  at: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.iso
      .datetime({ offset: true, error: 'at : date et heure attendues au format ISO 8601 avec fuseau (2027-01-01T00:00:00Z).' })
      .optional(),
  ),
});
