// The audit trail of organiser writes (contract-rgpd.md, "Audit trail"): who (an admin token's
// label or a console organiser's `sub`), did what, to which object, when, with counts where
// useful. Never an email, a name or a person's free text: a record names objects by their ids,
// and an export or an erasure by counts only.
import * as z from 'zod';

/** Who made an admin call: the same shape as `AdminActor` of shared/lambda/http.ts. */
export const AuditActorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('token'), label: z.string().min(1) }),
  z.object({ kind: z.literal('console'), sub: z.string().min(1) }),
]);
export type AuditActor = z.infer<typeof AuditActorSchema>;

/** An action name: `<object>.<verb>`, e.g. `meeting.put`, `campaign.open`, `registration.check-in`. */
export const AuditActionSchema = z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/);

export const AuditRecordSchema = z.object({
  /** ISO instant of the write (the request's `now`). */
  at: z.iso.datetime(),
  /** Unique per record (sorts records of the same millisecond). */
  id: z.string().min(1),
  actor: AuditActorSchema,
  action: AuditActionSchema,
  /** The object's id (meeting, campaign, survey, series, occurrence, registration); absent for a whole-service action. */
  target: z.string().min(1).optional(),
  /** Whole numbers only: what an export, an erasure or a purge changed. */
  counts: z.record(z.string(), z.number().int()).optional(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
