// The engine's orchestration over in-memory ports: what it records, fans out and schedules.
import { describe, expect, it } from 'vitest';
import { ReminderEngine } from '#shared/domain/reminders/engine.ts';
import { dispatchId, type Dispatch, type DispatchRecord, type OwnerRef, type Plan, type RemindersQueueMessage } from '#shared/domain/reminders/model.ts';
import type { FanOutClaim, ReminderRepository, ReminderSource } from '#shared/domain/reminders/ports.ts';
import { planSeries, type SessionOccurrenceView, type SessionSeriesView } from '#shared/domain/sessions/reminder-source.ts';

const series: SessionSeriesView = { id: 'club', title: 'Club', timezone: 'Europe/Paris', reminders: [{ days_before: 1, at: '09:00' }] };
const occurrence: SessionOccurrenceView = {
  id: 'club-2027-01-12',
  series_id: 'club',
  starts_at: '2027-01-12T13:00:00.000Z',
  ends_at: '2027-01-12T14:30:00.000Z',
  topic: 'Sujet',
  visio_url: 'https://visio.example.org/x',
  cancelled: false,
  sequence: 0,
};
const DUE = new Date('2027-01-11T08:00:00.000Z');

class MemoryReminderRepository implements ReminderRepository {
  revision = 0;
  next: string | null = null;
  records = new Map<string, DispatchRecord & { cursor: string | null; lease?: string }>();
  /** setNextDue calls to refuse (a concurrent admin write bumped the revision). */
  refuseNextDue = 0;
  async dueOwners(now: Date): Promise<OwnerRef[]> {
    return this.next !== null && this.next <= now.toISOString() ? [{ kind: 'session-series', id: 'club' }] : [];
  }
  async history() {
    return { revision: this.revision, records: [...this.records.values()] };
  }
  async subjectRecords(_owner: OwnerRef, subject: string) {
    return [...this.records.values()].filter((r) => r.subject === subject);
  }
  async record(_owner: OwnerRef, plan: Pick<Plan, 'fanOut' | 'skip'>) {
    for (const d of plan.fanOut) if (!this.records.has(dispatchId(d))) this.records.set(dispatchId(d), { ...d, status: 'fanning', queued: 0, cursor: null });
    for (const d of plan.skip) if (!this.records.has(dispatchId(d))) this.records.set(dispatchId(d), { ...d, status: 'skipped', queued: 0, cursor: null });
  }
  async claimFanOut(_owner: OwnerRef, d: Dispatch): Promise<FanOutClaim | undefined> {
    const r = this.records.get(dispatchId(d));
    if (!r || r.status !== 'fanning' || r.lease) return undefined;
    r.lease = 'token';
    return { token: 'token', cursor: r.cursor, queued: r.queued };
  }
  async advanceFanOut(_owner: OwnerRef, d: Dispatch, token: string, cursor: string, queued: number) {
    const r = this.records.get(dispatchId(d));
    if (r?.lease !== token) return false;
    Object.assign(r, { cursor, queued });
    return true;
  }
  async finishFanOut(_owner: OwnerRef, d: Dispatch, token: string, queued: number) {
    const r = this.records.get(dispatchId(d));
    if (r?.lease !== token) return false;
    Object.assign(r, { status: 'done', queued, lease: undefined });
    return true;
  }
  async setNextDue(_owner: OwnerRef, next: string | null, expected: number) {
    if (this.refuseNextDue > 0) {
      this.refuseNextDue -= 1;
      this.revision += 1;
      return false;
    }
    if (expected !== this.revision) return false;
    this.revision += 1;
    this.next = next;
    return true;
  }
}

function setup(subscribers: number) {
  const ledger = new MemoryReminderRepository();
  const sent: RemindersQueueMessage[] = [];
  let plans = 0;
  const source: ReminderSource = {
    kind: 'session-series',
    plan: async (_id, history, now) => {
      plans += 1;
      return planSeries(series, [occurrence], history, now);
    },
    audience: async (_id, _d, cursor, limit) => {
      const start = Number(cursor ?? 0);
      const ids = Array.from({ length: Math.max(0, Math.min(limit, subscribers - start)) }, (_, i) => `s${start + i}`);
      return { recipients: ids, cursor: start + limit < subscribers ? String(start + limit) : null };
    },
    compose: async () => ({ status: 'skip', reason: 'unused' }),
  };
  const engine = new ReminderEngine({ sources: { 'session-series': source }, ledger, queue: { send: async (m) => void sent.push(...m) }, pageSize: 10 });
  return { ledger, sent, engine, plans: () => plans };
}

describe('ReminderEngine', () => {
  it('refreshNextDue schedules the owner at its first due instant', async () => {
    const { ledger, engine } = setup(25);
    expect(await engine.refreshNextDue('session-series', 'club', new Date('2027-01-01T00:00:00Z'))).toBe(DUE.toISOString());
    expect(ledger.next).toBe(DUE.toISOString());
  });

  it('does nothing before the due instant, then fans out page by page and unschedules the owner', async () => {
    const { ledger, sent, engine } = setup(25);
    await engine.refreshNextDue('session-series', 'club', new Date('2027-01-01T00:00:00Z'));
    expect(await engine.tick(new Date(DUE.getTime() - 1))).toEqual({ owners: 0, fannedOut: 0, skipped: 0, queued: 0, unfinished: 0 });
    expect(await engine.tick(DUE)).toEqual({ owners: 1, fannedOut: 1, skipped: 0, queued: 25, unfinished: 0 });
    expect(sent.map((m) => (m.type === 'reminder.deliver' ? m.recipient : ''))).toEqual(Array.from({ length: 25 }, (_, i) => `s${i}`));
    expect([...ledger.records.values()]).toMatchObject([{ kind: 'reminder', rule: '1d-0900', status: 'done', queued: 25 }]);
    expect(ledger.next).toBeNull();
  });

  it('plans again when an admin write bumped the revision meanwhile, without fanning out twice', async () => {
    const { ledger, sent, engine, plans } = setup(5);
    await engine.refreshNextDue('session-series', 'club', new Date('2027-01-01T00:00:00Z'));
    ledger.refuseNextDue = 1;
    const before = plans();
    expect(await engine.tick(DUE)).toMatchObject({ fannedOut: 1, queued: 5 });
    expect(plans() - before).toBe(2);
    expect(sent).toHaveLength(5);
    expect(ledger.next).toBeNull();
  });

  it('keeps the owner due while a fan-out is held by another run', async () => {
    const { ledger, sent, engine } = setup(5);
    await engine.refreshNextDue('session-series', 'club', new Date('2027-01-01T00:00:00Z'));
    await ledger.record({ kind: 'session-series', id: 'club' }, { fanOut: planSeries(series, [occurrence], [], DUE).fanOut, skip: [] });
    const held = [...ledger.records.values()][0];
    if (held) held.lease = 'someone-else';
    expect(await engine.tick(DUE)).toMatchObject({ fannedOut: 0, unfinished: 1 });
    expect(sent).toHaveLength(0);
    expect(ledger.next).toBe(DUE.toISOString());
  });
});
