// Reading the audit trail: one page newest first (JSON), or every record the filters select
// (CSV: a sheet is read whole), page after page.
import type { AuditReader } from '#shared/domain/audit/ports.ts';
import type { AuditPage, AuditQuery, AuditRecord } from '#shared/domain/audit/record.ts';

/** Most records a CSV export reads (5 years of a club's organiser writes fit far below it). */
export const AUDIT_CSV_MAX_RECORDS = 50_000;
const CSV_PAGE = 1000;

export class AuditLog {
  constructor(private readonly reader: AuditReader) {}

  page(query: AuditQuery): Promise<AuditPage> {
    return this.reader.list(query);
  }

  /** Every record matching `since` and `target`, newest first, from `after` on. */
  async all(query: Omit<AuditQuery, 'limit'>): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let after = query.after;
    do {
      const page = await this.reader.list({ ...query, after, limit: CSV_PAGE });
      records.push(...page.records);
      after = page.next ?? undefined;
    } while (after !== undefined && records.length < AUDIT_CSV_MAX_RECORDS);
    return records.slice(0, AUDIT_CSV_MAX_RECORDS);
  }
}
