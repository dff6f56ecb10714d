// The audit trail as organisers read it: JSON records (GET /admin/audit) and one sheet for the
// CSV writer, on the club's wall clock.
import { csvDateTime, type Sheet } from '#shared/domain/csv.ts';
import { actorText, type AuditRecord } from '#shared/domain/audit/record.ts';

export function auditView(record: AuditRecord) {
  return {
    at: record.at,
    actor: record.actor,
    action: record.action,
    target: record.target ?? null,
    counts: record.counts ?? null,
  };
}

/** `erased=3, cancelled=1`: counts in one cell, in the order they were recorded. */
function countsText(counts: Record<string, number> | undefined): string {
  return counts ? Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(', ') : '';
}

export function auditSheet(records: AuditRecord[]): Sheet {
  return {
    headers: ['Date', 'Acteur', 'Action', 'Cible', 'Comptes'],
    rows: records.map((r) => [csvDateTime(r.at), actorText(r.actor), r.action, r.target ?? '', countsText(r.counts)]),
  };
}
