// A meeting's dispatches beside its reminders: each ad-hoc message and each day's recording is
// one (subject, kind, rule) pair of the reminder engine, planned once (the ledger's record), for
// its own audience.
import { describe, expect, it } from 'vitest';
import type { MeetingMessage } from '#shared/domain/meetings/messages.ts';
import type { DispatchRecord } from '#shared/domain/reminders/model.ts';
import { inMessageAudience, planMeeting, registeredForDay } from '#shared/domain/registrations/reminder-source.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import { club12Meeting } from '../notifications/fakes.ts';

const meeting = club12Meeting(); // days 2025-06-07 and 2025-06-08, Europe/Paris
const withRecording = { ...meeting, days: meeting.days.map((d, i) => (i === 0 ? { ...d, recording_url: 'https://video.example.org/j1', programme: [] } : d)) };
const message: MeetingMessage = { id: '20250601-ab', meeting_id: 'club-12', subject: 'Infos', text: 'Wi-Fi', audience: 'everyone', created_at: '2025-06-01T08:00:00.000Z' };
const record = (kind: DispatchRecord['kind'], rule: string): DispatchRecord => ({
  subject: 'club-12', kind, rule, sequence: 0, dueAt: '2025-06-01T08:00:00.000Z', startsAt: null, status: 'done', queued: 1,
});
const pairs = (plan: ReturnType<typeof planMeeting>) => plan.fanOut.map((d) => [d.kind, d.rule]);

describe('planMeeting: recordings', () => {
  it('sends a day\'s recording from the day\'s end (00:00 local the next day), once', () => {
    const before = planMeeting(withRecording, [], new Date('2025-06-07T21:59:00Z'));
    expect(pairs(before)).toEqual([]);
    expect(before.nextDueAt).toBe('2025-06-07T22:00:00.000Z');
    expect(pairs(planMeeting(withRecording, [], new Date('2025-06-07T22:00:00Z')))).toEqual([['recording', '2025-06-07']]);
    expect(pairs(planMeeting(withRecording, [record('recording', '2025-06-07')], new Date('2025-06-09T10:00:00Z')))).toEqual([]);
    expect(planMeeting(meeting, [], new Date('2025-06-09T10:00:00Z'))).toEqual({ fanOut: [], skip: [], nextDueAt: null });
  });
});

describe('planMeeting: ad-hoc messages', () => {
  it('fans a message out once it is posted, and never again once recorded', () => {
    expect(pairs(planMeeting(meeting, [], new Date('2025-06-01T08:00:00Z'), [message]))).toEqual([['message', message.id]]);
    expect(planMeeting(meeting, [], new Date('2025-06-01T07:59:00Z'), [message]).nextDueAt).toBe(message.created_at);
    expect(pairs(planMeeting(meeting, [record('message', message.id)], new Date('2025-06-02T08:00:00Z'), [message]))).toEqual([]);
  });
});

describe('audiences', () => {
  const reg = (items: Registration['items'], state: Registration['state'] = 'active') => ({ state, items });
  const onsite = reg([{ key: 'day:2025-06-07', status: 'confirmed' }, { key: 'workshop:a', status: 'confirmed' }]);
  const waiting = reg([{ key: 'day:2025-06-07', status: 'waiting', ticket: 1 }]);
  const remote = reg([{ key: 'remote:2025-06-07', status: 'confirmed' }, { key: 'evening', status: 'confirmed' }]);
  const cancelled = reg([], 'cancelled');
  const who = (m: Pick<MeetingMessage, 'audience' | 'day' | 'workshop'>) =>
    Object.entries({ onsite, waiting, remote, cancelled }).filter(([, r]) => inMessageAudience(m, r)).map(([k]) => k);

  it('picks the people a message is for', () => {
    expect(who({ audience: 'everyone' })).toEqual(['onsite', 'waiting', 'remote']);
    expect(who({ audience: 'onsite', day: '2025-06-07' })).toEqual(['onsite']);
    expect(who({ audience: 'workshop', workshop: 'a' })).toEqual(['onsite']);
    expect(who({ audience: 'evening' })).toEqual(['remote']);
    expect(who({ audience: 'waiting_list' })).toEqual(['waiting']);
  });

  it('sends a day\'s recording to those registered for it, on site or remotely', () => {
    expect([onsite, waiting, remote, cancelled].map((r) => registeredForDay('2025-06-07', r))).toEqual([true, false, true, false]);
  });
});
