// What organisers read about the emails of one subject of the reminder engine — a session
// occurrence, a meeting, a survey (GET /admin/{sessions,meetings,surveys}/{id}/deliveries): one
// line per (recipient, message) from the delivery markers, one line per message the engine
// decided not to send at all (a rule skipped because ticks were missed, or superseded by an
// update: the ledger's `skipped` records, written by the tick that decided it), and counts per
// status. The report functions are pure; DeliveryReports reads the three things it needs at once.
import type { DispatchDeliveryRow, DispatchDeliveryRepository } from '#shared/domain/notifications/ports.ts';
import { csvDateTime, DEFAULT_CSV_ZONE, type Sheet } from '#shared/domain/csv.ts';
import type { DispatchRecord, OwnerRef } from './model.ts';
import type { ReminderRepository } from './ports.ts';

/** `sending`: claimed by a consumer right now (or by one that crashed: retried within minutes). */
export type DeliveryStatus = 'sent' | 'failed' | 'skipped' | 'sending';

export interface DeliveryLine {
  email: string | null;
  kind: string;
  rule: string | null;
  sequence: number;
  status: DeliveryStatus;
  at: string;
  /** Why nothing was sent (`unsubscribed`, `cancelled`…); null otherwise. Never an error text. */
  reason: string | null;
}

const KIND_ORDER = ['confirmation', 'reminder', 'update', 'cancellation', 'invitation', 'message', 'recording'];

/**
 * `rows`: the subject's delivery markers; `records`: its dispatch records in the ledger, of which
 * the `skipped` ones become lines without an email (nobody was sent that message; `reason`
 * `missed` or `superseded`).
 */
export function deliveryReport(rows: readonly DispatchDeliveryRow[], records: readonly DispatchRecord[] = []) {
  const skippedDispatches: DeliveryLine[] = records
    .filter((r) => r.status === 'skipped')
    .map((r) => ({
      email: null,
      kind: r.kind,
      rule: r.rule,
      sequence: r.sequence,
      status: 'skipped' as const,
      at: r.recordedAt ?? r.dueAt,
      reason: r.reason ?? null,
    }));
  const deliveries: DeliveryLine[] = [
    ...rows.map((r) => ({
      email: r.to ?? null,
      kind: r.kind,
      rule: r.rule,
      sequence: r.sequence,
      status: r.state,
      at: r.at,
      reason: r.state === 'skipped' ? (r.detail ?? null) : null,
    })),
    ...skippedDispatches,
  ].sort(
      (a, b) =>
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
        a.sequence - b.sequence ||
        (a.rule ?? '').localeCompare(b.rule ?? '') ||
        (a.email ?? '').localeCompare(b.email ?? ''),
    );
  const counts: Record<DeliveryStatus, number> = { sent: 0, failed: 0, skipped: 0, sending: 0 };
  for (const d of deliveries) counts[d.status] += 1;
  return { deliveries, counts };
}

const KIND_FR: Record<string, string> = {
  reminder: 'rappel',
  update: 'changement',
  cancellation: 'annulation',
  confirmation: 'confirmation',
  invitation: 'invitation',
  message: 'message',
  recording: 'enregistrement',
};
const STATUS_FR: Record<DeliveryStatus, string> = { sent: 'envoyé', failed: 'échec', skipped: 'non envoyé', sending: 'en cours' };

export function deliveriesSheet(lines: readonly DeliveryLine[], zone: string = DEFAULT_CSV_ZONE): Sheet {
  return {
    headers: ['Courriel', 'Message', 'Règle', 'Séquence', 'Statut', 'Date', 'Motif'],
    rows: lines.map((l) => [l.email ?? '', KIND_FR[l.kind] ?? l.kind, l.rule ?? '', l.sequence, STATUS_FR[l.status], csvDateTime(l.at, zone), l.reason ?? '']),
  };
}

export type DeliveryReport = ReturnType<typeof deliveryReport>;

export interface DeliveryReportsDeps {
  deliveries: Pick<DispatchDeliveryRepository, 'listDispatchDeliveries'>;
  ledger: Pick<ReminderRepository, 'subjectRecords'>;
}

/**
 * The report of one subject (`subject`, owned by `owner` in the ledger). Its existence, its
 * markers and its ledger records are three independent reads made at once (one round trip of
 * latency). A subject that does not exist and never had a message is `undefined` (the caller
 * answers its 404). One with history stays reportable even if it no longer exists as such — an
 * occurrence whose date a replaced rule no longer produces keeps its delivery history.
 */
export class DeliveryReports {
  constructor(private readonly deps: DeliveryReportsDeps) {}

  async report(owner: OwnerRef, subject: string, exists: () => Promise<boolean>): Promise<DeliveryReport | undefined> {
    const [found, rows, records] = await Promise.all([
      exists(),
      this.deps.deliveries.listDispatchDeliveries(subject),
      this.deps.ledger.subjectRecords(owner, subject),
    ]);
    return found || rows.length > 0 || records.length > 0 ? deliveryReport(rows, records) : undefined;
  }
}
