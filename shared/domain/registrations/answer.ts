// The registration answer of the contract ("Registration answer data"). Pure.
import { EVENING_KEY, dayKey, remoteKey, workshopKey } from '#shared/domain/meetings/items.ts';
import type { Meeting } from '#shared/domain/meetings/schema.ts';
import type { Registration } from './schema.ts';

export type OverallStatus = 'confirmed' | 'waiting' | 'partial' | 'cancelled';

export interface ItemState {
  status: 'confirmed' | 'waiting' | 'cancelled';
  waiting_position: number | null;
}

/** Waiting positions by item key (1 = next to be promoted). */
export type Positions = ReadonlyMap<string, number>;

function stateOf(reg: Registration, key: string, positions: Positions): ItemState & { waiting_for_day?: boolean } {
  if (reg.state === 'cancelled') return { status: 'cancelled', waiting_position: null };
  const held = reg.items.find((h) => h.key === key);
  if (!held) return { status: 'waiting', waiting_position: null, waiting_for_day: true };
  return { status: held.status, waiting_position: held.status === 'waiting' ? (positions.get(key) ?? null) : null };
}

export function overallStatus(reg: Registration): OverallStatus {
  if (reg.state === 'cancelled') return 'cancelled';
  const onsite = reg.days.filter((d) => d.mode === 'onsite').map((d) => dayKey(d.date));
  const heldStatus = (key: string) => reg.items.find((h) => h.key === key)?.status ?? 'waiting';
  if (onsite.length > 0 && onsite.every((k) => heldStatus(k) === 'waiting')) return 'waiting';
  const wanted = [
    ...reg.days.map((d) => (d.mode === 'onsite' ? dayKey(d.date) : remoteKey(d.date))),
    ...reg.workshops.map(workshopKey),
    ...(reg.evening_event ? [EVENING_KEY] : []),
  ];
  return wanted.some((k) => heldStatus(k) === 'waiting') ? 'partial' : 'confirmed';
}

export function registrationLinks(reg: Pick<Registration, 'id' | 'access_token'>, baseUrl: string) {
  const base = `${baseUrl}/registrations/${reg.id}`;
  return {
    status_url: base,
    update_url: base,
    cancel_url: `${base}/cancel`,
    ics_url: `${base}/calendar.ics?token=${reg.access_token}`,
  };
}

export function registrationAnswer(reg: Registration, meeting: Meeting, positions: Positions, baseUrl: string, replayed: boolean) {
  const status = overallStatus(reg);
  const titles = new Map(meeting.workshops.map((w) => [w.id, w.title]));
  const days = reg.days.map((d) => {
    const s = stateOf(reg, d.mode === 'onsite' ? dayKey(d.date) : remoteKey(d.date), positions);
    return { date: d.date, mode: d.mode, status: s.status, waiting_position: s.waiting_position };
  });
  const workshops = reg.workshops.map((id) => {
    const s = stateOf(reg, workshopKey(id), positions);
    return {
      id,
      title: titles.get(id) ?? id,
      status: s.status,
      waiting_position: s.waiting_position,
      waiting_for_day: s.waiting_for_day === true,
    };
  });
  const evening = reg.evening_event ? stateOf(reg, EVENING_KEY, positions) : null;
  return {
    registration_id: reg.id,
    meeting_id: reg.meeting_id,
    status,
    in_waiting_list: status !== 'cancelled' && (days.some((d) => d.status === 'waiting') || workshops.some((w) => w.status === 'waiting') || evening?.status === 'waiting'),
    email: reg.email,
    days,
    workshops,
    evening_event: evening ? { status: evening.status, waiting_position: evening.waiting_position } : null,
    image_rights: reg.image_rights?.answer ?? null,
    replayed,
    api: registrationLinks(reg, baseUrl),
  };
}
export type RegistrationAnswer = ReturnType<typeof registrationAnswer>;
