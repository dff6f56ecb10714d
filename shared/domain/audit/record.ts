// The audit trail's rules beside its shapes (schema.ts): how long a record is kept, how an actor
// reads in a sheet, what a page is. Kept free of zod values so that the writer every admin
// function bundles carries none of the schemas.
import type { AuditActor, AuditRecord } from '#shared/domain/audit/schema.ts';

export type { AuditActor, AuditRecord } from '#shared/domain/audit/schema.ts';

/** How long a record is kept (contract-rgpd.md: "audit records | 5 years | deleted"). */
export const AUDIT_RETENTION_YEARS = 5;

/** The instant a record written at `at` is deleted (DynamoDB TTL, epoch seconds). */
export function auditExpiry(at: string): number {
  const when = new Date(at);
  when.setUTCFullYear(when.getUTCFullYear() + AUDIT_RETENTION_YEARS);
  return Math.floor(when.getTime() / 1000);
}

/** Who, as one text: `jeton:<label>` or `console:<sub>` (CSV, logs of ids). */
export function actorText(actor: AuditActor): string {
  return actor.kind === 'token' ? `jeton:${actor.label}` : `console:${actor.sub}`;
}

/** A page of the trail, newest first. */
export interface AuditPage {
  records: AuditRecord[];
  /** Opaque; give it back as `?after=` for the next (older) page. Null on the last page. */
  next: string | null;
}

export interface AuditQuery {
  /** Only records written at or after this instant. */
  since?: string | undefined;
  /** Only records about this object. */
  target?: string | undefined;
  /** The `next` of the previous page. */
  after?: string | undefined;
  limit: number;
}
