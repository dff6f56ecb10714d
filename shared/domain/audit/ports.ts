import type { AuditPage, AuditQuery, AuditRecord } from '#shared/domain/audit/record.ts';

/**
 * Where the HTTP chain appends the record of each admin write (every function with admin
 * writes builds one; kept apart from the reader so that their bundles carry no reading code).
 */
export interface AuditTrail {
  /** One record, once: a conditional put (a record id is never reused). */
  append(record: AuditRecord): Promise<void>;
}

/** The trail read back, newest first (GET /admin/audit). */
export interface AuditReader {
  list(query: AuditQuery): Promise<AuditPage>;
}
