// What the meeting page, the door page and the check-in page share: the answers of the desk
// routes (http-desk, http-admin's check-in), the fill bars, the arrival time, the check-in call.
import { api, ApiError, loginUrl } from './api.ts';
import { Bar } from './components.tsx';
import { formatNumber } from './format.ts';

export interface ItemCount {
  capacity: number | null;
  confirmed: number;
  waiting: number;
  available: number | null;
}

export interface MeetingFill {
  meeting_id: string;
  title: string;
  timezone: string;
  days: Array<{ date: string; label: string; onsite: ItemCount; remote: ItemCount }>;
  workshops: Array<ItemCount & { id: string; title: string; day: string }>;
  evening_event: (ItemCount & { date: string; title: string }) | null;
}

export interface RowDay {
  date: string;
  mode: 'onsite' | 'remote' | null;
  place: 'confirmed' | 'waiting' | null;
  /** 1 = next to be promoted; null when not waiting. */
  waiting_position: number | null;
  checked_in_at: string | null;
  expected_onsite: boolean;
}

export interface SearchRow {
  registration_id: string;
  first_name: string | null;
  last_name: string;
  badge_name: string | null;
  organisation: string;
  email: string;
  status: 'confirmed' | 'partial' | 'waiting' | 'cancelled';
  days: RowDay[];
}

export interface SearchAnswer {
  rows: SearchRow[];
  next_cursor: string | null;
}

export interface SearchFilter {
  q?: string;
  day?: string;
  mode?: string;
  status?: string;
  checked_in?: string;
}

export const STATUS_LABELS: Record<SearchRow['status'], string> = {
  confirmed: 'Confirmée',
  partial: 'Partielle',
  waiting: 'Liste d’attente',
  cancelled: 'Annulée',
};

export const personName = (r: Pick<SearchRow, 'first_name' | 'last_name'>) => [r.first_name, r.last_name].filter(Boolean).join(' ');

const enc = encodeURIComponent;

export const getFill = (meetingId: string) => api.get<MeetingFill>(`/admin/meetings/${enc(meetingId)}/fill`);

/**
 * One page of the registrations search. The envelope's siblings (`next_cursor`) are not in
 * `data`: this call reads the whole answer.
 */
export async function searchRegistrations(meetingId: string, filter: SearchFilter, cursor: string | null, limit = 50): Promise<SearchAnswer> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(limit));
  const response = await fetch(`/admin/meetings/${enc(meetingId)}/registrations/search?${params}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    location.assign(loginUrl());
    throw new ApiError(401, 'unauthorized', 'Session expirée : reconnexion…');
  }
  const body = (await response.json().catch(() => undefined)) as { err?: number; err_class?: string; err_desc?: string; data?: SearchRow[]; next_cursor?: string | null } | undefined;
  if (!response.ok || !body || body.err !== 0) {
    throw new ApiError(response.status, body?.err_class ?? `http-${response.status}`, body?.err_desc ?? `Erreur ${response.status} du service.`);
  }
  return { rows: body.data ?? [], next_cursor: body.next_cursor ?? null };
}

/** Checks a person in (POST) or undoes it (DELETE); answers the day's arrival or null. */
export async function setPresent(registrationId: string, day: string, present: boolean): Promise<string | null> {
  if (present) {
    const a = await api.post<{ checked_in_at: string }>(`/admin/registrations/${enc(registrationId)}/check-in`, { day });
    return a.checked_in_at;
  }
  await api.delete(`/admin/registrations/${enc(registrationId)}/check-in/${enc(day)}`);
  return null;
}

export interface HandPromotion {
  already: boolean;
  confirmed: number;
  capacity: number | null;
  beyond_capacity: boolean;
  message: string;
}

/** Gives a waiting person the place (even past the capacity): POST …/promote. */
export const promoteByHand = (registrationId: string, item: string) => api.post<HandPromotion>(`/admin/registrations/${enc(registrationId)}/promote`, { item });

/** Puts a waiting person at `position` of the list of `item`; answers where they are now. */
export const moveInWaitingList = (registrationId: string, item: string, position: number) =>
  api.post<{ moved: boolean; position: number; waiting: number }>(`/admin/registrations/${enc(registrationId)}/waiting-position`, { item, position });

export interface TokenCheckIn {
  registration_id: string;
  name: string;
  organisation: string;
  day: string;
  checked_in_at: string;
  already: boolean;
}

export const checkInByToken = (token: string, body: { day?: string; force?: boolean } = {}) =>
  api.post<TokenCheckIn>(`/admin/check-in/${enc(token)}`, body);

/** The token of a badge's QR code: `https://…/console/check-in/<token>` (or the bare token). */
export function tokenFromScan(text: string): string | undefined {
  const m = /\/console\/check-in\/([A-Za-z0-9_-]{24})\/?$/.exec(text.trim()) ?? /^([A-Za-z0-9_-]{24})$/.exec(text.trim());
  return m?.[1];
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as « 08:42 » on the meeting's clock. */
export function formatClock(iso: string, timeZone: string): string {
  let f = timeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone });
    timeFormats.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

/** Today's date (YYYY-MM-DD) on the meeting's clock. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(now);
}

/** A fill bar: confirmed / capacity with the waiting count; without a capacity, the count alone. */
export function FillBar(props: { label: string; count: ItemCount }) {
  const c = props.count;
  const waiting = c.waiting > 0 ? `${formatNumber(c.waiting)} en attente` : undefined;
  if (c.capacity === null) {
    return (
      <div class="bar-row">
        <span class="bar-label">{props.label}</span>
        <span class="bar-track" aria-hidden="true" />
        <span class="bar-figures">
          {formatNumber(c.confirmed)} {c.confirmed === 1 ? 'inscrit·e' : 'inscrit·es'} (sans limite)
        </span>
      </div>
    );
  }
  return <Bar label={props.label} value={c.confirmed} max={c.capacity} {...(waiting ? { extra: waiting } : {})} />;
}

/** « Présence enregistrée » or « Déjà enregistrée à HH:MM », with the name and organisation. */
export function CheckInResult(props: { answer: Pick<TokenCheckIn, 'name' | 'organisation' | 'checked_in_at' | 'already'>; timezone: string; dayLabel: string }) {
  const { answer } = props;
  return (
    <div class={`result ${answer.already ? 'result-already' : 'result-ok'}`} role="status" data-testid="result">
      <p class="result-title">{answer.already ? `Déjà enregistrée à ${formatClock(answer.checked_in_at, props.timezone)}` : 'Présence enregistrée'}</p>
      <p class="result-name">{answer.name}</p>
      <p class="result-org">{answer.organisation}</p>
      <p class="muted">{props.dayLabel}</p>
    </div>
  );
}
