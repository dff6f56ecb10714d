// What organisers read about one occurrence's emails (GET /admin/sessions/{occurrenceId}/deliveries):
// one line per (subscriber, message) from the delivery markers, and counts per status. Pure.
import type { DispatchDeliveryRow } from '#shared/domain/notifications/ports.ts';
import type { Sheet } from '#shared/domain/csv.ts';

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

const KIND_ORDER = ['confirmation', 'reminder', 'update', 'cancellation', 'invitation'];

export function deliveryReport(rows: readonly DispatchDeliveryRow[]) {
  const deliveries: DeliveryLine[] = rows
    .map((r) => ({
      email: r.to ?? null,
      kind: r.kind,
      rule: r.rule,
      sequence: r.sequence,
      status: r.state,
      at: r.at,
      reason: r.state === 'skipped' ? (r.detail ?? null) : null,
    }))
    .sort(
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
};
const STATUS_FR: Record<DeliveryStatus, string> = { sent: 'envoyé', failed: 'échec', skipped: 'non envoyé', sending: 'en cours' };

export function deliveriesSheet(lines: readonly DeliveryLine[]): Sheet {
  return {
    headers: ['Courriel', 'Message', 'Règle', 'Séquence', 'Statut', 'Date', 'Motif'],
    rows: lines.map((l) => [l.email ?? '', KIND_FR[l.kind] ?? l.kind, l.rule ?? '', l.sequence, STATUS_FR[l.status], l.at, l.reason ?? '']),
  };
}
