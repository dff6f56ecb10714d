// The delivery report of a subject: recipients' markers and the dispatches skipped for everyone.
import { describe, expect, it } from 'vitest';
import type { DispatchDeliveryRow } from '#shared/domain/notifications/ports.ts';
import { DeliveryReports, deliveriesSheet, deliveryReport } from '#shared/domain/reminders/delivery-report.ts';
import type { DispatchRecord } from '#shared/domain/reminders/model.ts';

const row = (over: Partial<DispatchDeliveryRow>): DispatchDeliveryRow => ({
  subject: 'club-12',
  kind: 'reminder',
  rule: '60m',
  sequence: 0,
  recipient: 'r1',
  state: 'sent',
  to: 'anne@example.fr',
  at: '2027-01-12T12:00:05.000Z',
  ...over,
});
const record = (over: Partial<DispatchRecord>): DispatchRecord => ({
  subject: 'club-12',
  kind: 'reminder',
  rule: '1d-0900',
  sequence: 0,
  dueAt: '2027-01-11T08:00:00.000Z',
  startsAt: '2027-01-12T13:00:00.000Z',
  status: 'skipped',
  queued: 0,
  reason: 'missed',
  recordedAt: '2027-01-12T12:00:00.000Z',
  ...over,
});

describe('deliveryReport', () => {
  it('adds one line without email per dispatch skipped for everyone, and counts it', () => {
    const report = deliveryReport(
      [row({}), row({ recipient: 'r2', to: 'bruno@example.fr', state: 'skipped', detail: 'unsubscribed' })],
      [record({}), record({ rule: '60m', status: 'done', queued: 2 }), record({ kind: 'update', rule: null, status: 'fanning' })],
    );
    expect(report.deliveries).toEqual([
      { email: null, kind: 'reminder', rule: '1d-0900', sequence: 0, status: 'skipped', at: '2027-01-12T12:00:00.000Z', reason: 'missed' },
      { email: 'anne@example.fr', kind: 'reminder', rule: '60m', sequence: 0, status: 'sent', at: '2027-01-12T12:00:05.000Z', reason: null },
      { email: 'bruno@example.fr', kind: 'reminder', rule: '60m', sequence: 0, status: 'skipped', at: '2027-01-12T12:00:05.000Z', reason: 'unsubscribed' },
    ]);
    expect(report.counts).toEqual({ sent: 1, failed: 0, skipped: 2, sending: 0 });
    expect(deliveriesSheet(report.deliveries).rows[0]).toEqual(['', 'rappel', '1d-0900', 0, 'non envoyé', '2027-01-12 13:00:00', 'missed']);
  });

  it('falls back on the due instant when a record has no recording time', () => {
    const { recordedAt: _dropped, ...old } = record({});
    expect(deliveryReport([], [old]).deliveries[0]?.at).toBe('2027-01-11T08:00:00.000Z');
  });
});

describe('DeliveryReports', () => {
  const reports = new DeliveryReports({
    deliveries: { listDispatchDeliveries: async (subject) => [row({ subject })] },
    ledger: { subjectRecords: async (_owner, subject) => [record({ subject })] },
  });

  it('reports an existing subject', async () => {
    const report = await reports.report({ kind: 'meeting', id: 'club-12' }, 'club-12', async () => true);
    expect(report?.counts).toEqual({ sent: 1, failed: 0, skipped: 1, sending: 0 });
  });

  it('answers undefined for an unknown subject without history', async () => {
    const none = new DeliveryReports({ deliveries: { listDispatchDeliveries: async () => [] }, ledger: { subjectRecords: async () => [] } });
    await expect(none.report({ kind: 'meeting', id: 'x' }, 'x', async () => false)).resolves.toBeUndefined();
    await expect(none.report({ kind: 'meeting', id: 'x' }, 'x', async () => true)).resolves.toEqual({ deliveries: [], counts: { sent: 0, failed: 0, skipped: 0, sending: 0 } });
  });

  it('still reports a subject that no longer exists but has history (an occurrence a replaced rule dropped)', async () => {
    const report = await reports.report({ kind: 'session-series', id: 'club' }, 'club-2027-01-12', async () => false);
    expect(report?.deliveries).toHaveLength(2);
  });
});
