// In-memory stand-ins for the meeting and registration stores, and builders shared by the
// registration unit tests. The fake store honours the same conditions as
// shared/adapters/dynamodb/registration-repository.ts (each write is one all-or-nothing
// "transaction": every condition is evaluated on the state before the write, then everything
// is applied), and maps failures the same way: the form marker → FormTakenError, the email
// marker → EmailTakenError, anything else → StaleReadError. It also mirrors the
// repository, so that the service tests show what the service really does on top of it.
import type { MeetingMessage } from '#shared/domain/meetings/messages.ts';
import example from '#tests/fixtures/admin-meeting-club-12.json' with { type: 'json' };
import { FormTakenError, StaleReadError } from '#shared/domain/conflicts.ts';
import { itemDefinitionsOf, withCounters, type CapacityItem } from '#shared/domain/meetings/items.ts';
import { defineMeeting } from '#shared/domain/meetings/define.ts';
import { CapacityBelowConfirmedError, ItemInUseError, type MeetingChange, type MeetingRepository, type MeetingWithItems } from '#shared/domain/meetings/ports.ts';
import { MeetingInputSchema, type Meeting } from '#shared/domain/meetings/schema.ts';
import { countedChoices, type ItemAction } from '#shared/domain/registrations/allocation.ts';
import { ticketOrderKey } from '#shared/domain/registrations/waiting-order.ts';
import { EmailTakenError, NotificationSchema, type CheckinTokenChange, type Notification, type NotificationPublisher, type RegistrationContext, type RegistrationCursorPage, type RegistrationPage, type RegistrationRepository, type RegistrationWrite } from '#shared/domain/registrations/ports.ts';
import {
  RegistrationRequestSchema,
  RegistrationSchema,
  type Registration,
  type RegistrationRequest,
} from '#shared/domain/registrations/schema.ts';

// ---------------------------------------------------------------------------------------
// Builders

export const BASE_URL = 'https://club.example.org';
/** Inside the registration window of `meetingInput()`. */
export const NOW = new Date('2025-05-02T10:00:00Z');

/**
 * The contract's example meeting (2 days, day 2 without waiting list, an evening without
 * waiting list, an image-rights notice) with more workshops, so that overlaps can be tried:
 * on 8 June, 10–12, 12–14 (adjacent to both neighbours), 14–16 and 15–17 (overlaps 14–16).
 */
export function meetingInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '12e Club utilisateurs Publik',
    venue: 'Villejuif',
    timezone: 'Europe/Paris',
    registration_opens_at: '2025-04-01T00:00:00+02:00',
    registration_closes_at: '2025-06-05T23:59:59+02:00',
    image_rights_notice: 'J’accepte d’être photographié·e ou filmé·e pendant le club.',
    days: [
      { date: '2025-06-07', label: 'Mercredi 7 juin', onsite_capacity: 60, waiting_list: true },
      { date: '2025-06-08', label: 'Jeudi 8 juin', onsite_capacity: 60, waiting_list: false },
    ],
    workshops: [
      { id: 'mutualiser-publik', day: '2025-06-08', title: 'Atelier 2 : Mutualiser Publik', starts_at: '10:00', ends_at: '12:00', capacity: 20, waiting_list: false },
      { id: 'formulaires', day: '2025-06-08', title: 'Atelier 3 : Formulaires avancés', starts_at: '12:00', ends_at: '14:00', capacity: 20, waiting_list: true },
      { id: 'socle-personnes-morales', day: '2025-06-08', title: 'Atelier 1 : Socle personnes morales', starts_at: '14:00', ends_at: '16:00', capacity: 25, waiting_list: true },
      { id: 'rgpd', day: '2025-06-08', title: 'Atelier 4 : RGPD', starts_at: '15:00', ends_at: '17:00', capacity: 20, waiting_list: true },
      { id: 'chrono', day: '2025-06-07', title: 'Atelier 5 : Chrono', starts_at: '14:00', ends_at: '16:00', capacity: 10, waiting_list: true },
    ],
    evening_event: { date: '2025-06-06', title: 'Soirée de la veille', capacity: 80, waiting_list: false },
    ...overrides,
  };
}

export function buildMeeting(overrides: Record<string, unknown> = {}, id = 'club-12'): Meeting {
  return defineMeeting(id, MeetingInputSchema.parse(meetingInput(overrides)), undefined, NOW);
}

/** A small meeting for the service tests: one day of 2 places with a waiting list, a day of 1 without, workshops of 1. */
export function smallMeeting(overrides: Record<string, unknown> = {}): Meeting {
  return buildMeeting({
    days: [
      { date: '2025-06-07', label: 'Mercredi 7 juin', onsite_capacity: 2, waiting_list: true, remote_capacity: 2 },
      { date: '2025-06-08', label: 'Jeudi 8 juin', onsite_capacity: 1, waiting_list: false },
    ],
    workshops: [
      { id: 'chrono', day: '2025-06-07', title: 'Atelier Chrono', starts_at: '14:00', ends_at: '16:00', capacity: 1, waiting_list: true },
      { id: 'wcs', day: '2025-06-07', title: 'Atelier w.c.s.', starts_at: '10:00', ends_at: '12:00', capacity: 1, waiting_list: false },
    ],
    evening_event: { date: '2025-06-06', title: 'Soirée de la veille', capacity: 1, waiting_list: true },
    ...overrides,
  });
}

/** A registration request as the schema outputs it (the body goes through RegistrationRequestSchema). */
export function request(overrides: Record<string, unknown> = {}): RegistrationRequest {
  return RegistrationRequestSchema.parse({
    form_uuid: 'form-1',
    email: 'Claire.Martin@Villejuif.fr ',
    first_name: 'Claire',
    last_name: 'Martin',
    organisation: 'Ville de Villejuif',
    profile: 'expert',
    onsite_days: ['2025-06-07'],
    remote_days: [],
    workshops: [],
    evening_event: false,
    image_rights: 'accepted',
    ...overrides,
  });
}

/** Counters of a meeting's items, zero unless given. */
export function countersOf(
  meeting: Meeting,
  given: Record<string, { confirmed?: number; waiting?: number; seq?: number }> = {},
): Map<string, CapacityItem> {
  const stored = new Map(
    Object.entries(given).map(([k, v]) => [k, { confirmed: v.confirmed ?? 0, waiting: v.waiting ?? 0, seq: v.seq ?? v.waiting ?? 0 }]),
  )
  return new Map(withCounters(itemDefinitionsOf(meeting), stored).map((i) => [i.key, i]));
}

// ---------------------------------------------------------------------------------------
// Meeting store

interface Counts {
  confirmed: number;
  waiting: number;
  seq: number;
  /** Active registrations whose workshops name the item (counted ones), whatever they hold. */
  chosen: number;
  /** The meeting version that last defined the item (checked by take, wait and a choice counted). */
  meetingVersion: number;
}

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class FakeMeetingRepository implements MeetingRepository {
  private readonly meetings = new Map<string, Meeting>();
  /** meetingId → item key → counters (the counter items of the meeting partition). */
  readonly counts = new Map<string, Map<string, Counts>>();

  /** Stores a meeting as PUT /admin/meetings would (counters at zero for new items). */
  add(meeting: Meeting): Meeting {
    this.meetings.set(meeting.id, json(meeting));
    const counts = this.counts.get(meeting.id) ?? new Map<string, Counts>();
    for (const def of itemDefinitionsOf(meeting)) {
      const c = counts.get(def.key);
      if (c) c.meetingVersion = meeting.version;
      else counts.set(def.key, { confirmed: 0, waiting: 0, seq: 0, chosen: 0, meetingVersion: meeting.version });
    }
    this.counts.set(meeting.id, counts);
    return meeting;
  }

  /** The stored counter item with the capacity and waiting-list flag of the current definition. */
  item(meetingId: string, key: string): CapacityItem | undefined {
    const meeting = this.meetings.get(meetingId);
    const counts = this.counts.get(meetingId)?.get(key);
    const def = meeting ? itemDefinitionsOf(meeting).find((d) => d.key === key) : undefined;
    return def && counts ? { ...def, ...counts } : undefined;
  }

  /** Mutable counters (for the registration store's writes). */
  countsOf(meetingId: string, key: string): Counts | undefined {
    return this.counts.get(meetingId)?.get(key);
  }

  async findMeeting(meetingId: string): Promise<Meeting | undefined> {
    const m = this.meetings.get(meetingId);
    return m ? json(m) : undefined;
  }

  readonly messages: MeetingMessage[] = [];

  async addMessage(message: MeetingMessage): Promise<boolean> {
    if (!this.meetings.has(message.meeting_id)) return false;
    this.messages.push(json(message));
    return true;
  }

  async findMeetingWithMessages(meetingId: string): Promise<{ meeting: Meeting; messages: MeetingMessage[] } | undefined> {
    const meeting = await this.findMeeting(meetingId);
    return meeting ? { meeting, messages: this.messages.filter((m) => m.meeting_id === meetingId).map(json) } : undefined;
  }

  async findMeetingWithItems(meetingId: string): Promise<MeetingWithItems | undefined> {
    const meeting = this.meetings.get(meetingId);
    if (!meeting) return undefined;
    return { meeting: json(meeting), items: withCounters(itemDefinitionsOf(meeting), new Map(json([...(this.counts.get(meetingId) ?? new Map<string, Counts>())]))) };
  }

  async listMeetings(): Promise<Meeting[]> {
    return [...this.meetings.values()].map(json);
  }

  async saveMeeting(next: Meeting, expectedVersion: number, change: MeetingChange): Promise<void> {
    const stored = this.meetings.get(next.id);
    if ((stored?.version ?? 0) !== expectedVersion) throw new StaleReadError();
    // As the repository's conditions: removed items free of anyone, moved workshops chosen by nobody.
    const busy = [
      ...change.removed.filter((k) => {
        const c = this.countsOf(next.id, k);
        return c !== undefined && (c.confirmed !== 0 || c.waiting !== 0 || c.chosen !== 0);
      }),
      ...change.moved.filter((k) => (this.countsOf(next.id, k)?.chosen ?? 0) !== 0),
    ];
    if (busy.length > 0) throw new ItemInUseError(busy);
    if (!change.allowOverbooking) {
      const below = itemDefinitionsOf(next).filter((d) => {
        const c = this.countsOf(next.id, d.key);
        return d.capacity !== null && c !== undefined && c.confirmed > d.capacity;
      });
      if (below.length > 0) throw new CapacityBelowConfirmedError(below.map((d) => d.key));
    }
    for (const k of change.removed) this.counts.get(next.id)?.delete(k);
    this.add(next);
  }
}

// ---------------------------------------------------------------------------------------
// Registration store

export type StoreOperation =
  | 'readCounters'
  | 'findById'
  | 'findByFormUuid'
  | 'findIdByEmail'
  | 'loadRegistrationContext'
  | 'create'
  | 'update'
  | 'promote'
  | 'waitingPositions'
  | 'waitingOrder'
  | 'firstWaiting'
  | 'listByMeeting'
  | 'setCheckIn'
  | 'clearCheckIn'
  | 'pageWithCursors'
  | 'findByCheckinTokenHash'
  | 'setCheckinTokens'
  | 'clearOutbox'
  | 'listOutbox';

/** One item write of a transaction: its condition on the state before, and its effect. */
interface Step {
  /** The DynamoDB item it touches: a transaction may touch an item only once. */
  target: string;
  tag: 'form' | 'email' | 'old-email' | 'registration' | 'counter' | 'waiting' | 'outbox';
  check: () => boolean;
  apply: () => void;
}

interface StoredRegistration {
  version: number;
  registration: Registration;
}

const waitKey = (meetingId: string, itemKey: string) => `${meetingId}#${itemKey}`;
const emailKey = (meetingId: string, email: string) => `${meetingId}#${email}`;

export class FakeRegistrationRepository implements RegistrationRepository {
  readonly registrations = new Map<string, StoredRegistration>();
  readonly forms = new Map<string, string>();
  readonly emails = new Map<string, string>();
  /** meeting#item → ticket → registration id (the waiting entries). */
  readonly waiting = new Map<string, Map<number, string>>();
  readonly outbox = new Map<string, Notification>();
  /** Calls per operation, and committed transactions. */
  readonly calls = new Map<StoreOperation, number>();
  commits = 0;
  private readonly faults = new Map<StoreOperation, (() => Error)[]>();
  private readonly persistent = new Map<StoreOperation, () => Error>();
  private readonly hooks = new Map<StoreOperation, (() => void | Promise<void>)[]>();

  constructor(readonly meetings: FakeMeetingRepository) {}

  /** The next `times` calls of `op` throw `make()` before doing anything. */
  fail(op: StoreOperation, make: () => Error, times = 1): void {
    const list = this.faults.get(op) ?? [];
    for (let i = 0; i < times; i++) list.push(make);
    this.faults.set(op, list);
  }

  /** `op` keeps failing with `make()` until `heal(op)`. */
  failAlways(op: StoreOperation, make: () => Error): void {
    this.persistent.set(op, make);
  }

  heal(op: StoreOperation): void {
    this.faults.delete(op);
    this.persistent.delete(op);
  }

  /** Runs `fn` once, at the next call of `op`, before it reads or writes (another writer racing in). */
  before(op: StoreOperation, fn: () => void | Promise<void>): void {
    this.hooks.set(op, [...(this.hooks.get(op) ?? []), fn]);
  }

  count(op: StoreOperation): number {
    return this.calls.get(op) ?? 0;
  }

  private async enter(op: StoreOperation): Promise<void> {
    this.calls.set(op, this.count(op) + 1);
    const hook = this.hooks.get(op)?.shift();
    if (hook) await hook();
    const fault = this.faults.get(op)?.shift() ?? this.persistent.get(op);
    if (fault) throw fault();
  }

  // -- reads ---------------------------------------------------------------------------

  async readCounters(meetingId: string): Promise<Map<string, CapacityItem>> {
    await this.enter('readCounters');
    const found = await this.meetings.findMeetingWithItems(meetingId);
    return new Map((found?.items ?? []).map((i) => [i.key, i]));
  }

  private read(registrationId: string): Registration | undefined {
    const stored = this.registrations.get(registrationId);
    return stored ? RegistrationSchema.parse(json(stored.registration)) : undefined;
  }

  async findById(registrationId: string): Promise<Registration | undefined> {
    await this.enter('findById');
    return this.read(registrationId);
  }

  async findByFormUuid(formUuid: string): Promise<Registration | undefined> {
    await this.enter('findByFormUuid');
    const id = this.forms.get(formUuid);
    return id ? this.read(id) : undefined;
  }

  async findIdByEmail(meetingId: string, email: string): Promise<string | undefined> {
    await this.enter('findIdByEmail');
    return this.emails.get(emailKey(meetingId, email));
  }

  async loadRegistrationContext(meetingId: string, formUuid: string, email: string, itemKeys: string[]): Promise<RegistrationContext> {
    await this.enter('loadRegistrationContext');
    const meeting = await this.meetings.findMeeting(meetingId);
    const counters = new Map<string, CapacityItem>();
    for (const key of itemKeys) {
      const item = this.meetings.item(meetingId, key);
      if (item) counters.set(key, json(item));
    }
    const formRegistration = this.forms.get(formUuid);
    const emailRegistration = this.emails.get(emailKey(meetingId, email));
    return {
      meeting,
      counters,
      formHolder: formRegistration
        ? { registrationId: formRegistration, meetingId: this.registrations.get(formRegistration)?.registration.meeting_id ?? meetingId }
        : undefined,
      emailHolder: emailRegistration
        ? { registrationId: emailRegistration, formUuid: this.registrations.get(emailRegistration)?.registration.form_uuid }
        : undefined,
    };
  }

  async waitingPositions(registration: Registration): Promise<Map<string, number>> {
    await this.enter('waitingPositions');
    const out = new Map<string, number>();
    for (const h of registration.items) {
      if (h.status !== 'waiting' || h.ticket === undefined) continue;
      const entries = this.waiting.get(waitKey(registration.meeting_id, h.key)) ?? new Map<number, string>();
      out.set(h.key, [...entries.keys()].filter((t) => t < (h.ticket as number)).length + 1);
    }
    return out;
  }

  /** The fake stores tickets only (no organiser's moves): the order is the tickets'. */
  async waitingOrder(meetingId: string, itemKey: string): Promise<string[]> {
    await this.enter('waitingOrder');
    return [...(this.waiting.get(waitKey(meetingId, itemKey)) ?? new Map<number, string>()).keys()].sort((a, b) => a - b).map(ticketOrderKey);
  }

  async firstWaiting(meetingId: string, itemKey: string): Promise<{ registrationId: string; ticket: number } | undefined> {
    await this.enter('firstWaiting');
    const entries = [...(this.waiting.get(waitKey(meetingId, itemKey)) ?? new Map<number, string>())].sort(([a], [b]) => a - b);
    const first = entries[0];
    return first ? { registrationId: first[1], ticket: first[0] } : undefined;
  }

  async listByMeeting(meetingId: string): Promise<Registration[]> {
    await this.enter('listByMeeting');
    return [...this.registrations.values()]
      .filter((s) => s.registration.meeting_id === meetingId)
      .map((s) => RegistrationSchema.parse(json(s.registration)));
  }

  /** The whole meeting in one page (the reminder sources' pager; paging itself is the adapter's). */
  async pageByMeeting(meetingId: string): Promise<RegistrationPage> {
    const registrations = await this.listByMeeting(meetingId);
    return { registrations, cursor: null };
  }

  /** Like the repository: sets the check-in inside the stored document and moves the version. */
  async setCheckIn(registration: Registration, day: string, at: string): Promise<Registration> {
    await this.enter('setCheckIn');
    const registrationId = registration.id;
    const stored = this.registrations.get(registrationId);
    if (!stored || stored.version !== registration.version) throw new StaleReadError();
    const checked = (stored.registration.checked_in ??= {});
    checked[day] ??= at;
    stored.version += 1;
    stored.registration.version += 1;
    return this.read(registrationId) as Registration;
  }

  /** Like the repository: removes the day's check-in and moves the version. */
  async clearCheckIn(registration: Registration, day: string): Promise<Registration> {
    await this.enter('clearCheckIn');
    const registrationId = registration.id;
    const stored = this.registrations.get(registrationId);
    if (!stored || stored.version !== registration.version) throw new StaleReadError();
    delete stored.registration.checked_in?.[day];
    stored.version += 1;
    stored.registration.version += 1;
    return this.read(registrationId) as Registration;
  }

  /** Pages in order of arrival; a cursor is the position after an entry (`after:<n>`). */
  async pageWithCursors(meetingId: string, cursor: string | null, limit: number): Promise<RegistrationCursorPage> {
    await this.enter('pageWithCursors');
    const all = [...this.registrations.values()]
      .filter((s) => s.registration.meeting_id === meetingId)
      .map((s) => RegistrationSchema.parse(json(s.registration)));
    const start = cursor === null ? 0 : Number(cursor.slice('after:'.length));
    const slice = all.slice(start, start + limit);
    const entries = slice.map((registration, i) => ({ registration, cursor: `after:${start + i + 1}` }));
    return { entries, cursor: start + limit < all.length ? `after:${start + limit}` : null };
  }

  /** Check-in token hash → registration id (the lookup items). */
  readonly checkinTokens = new Map<string, string>();

  async findByCheckinTokenHash(hash: string): Promise<{ registrationId: string; meetingId: string } | undefined> {
    await this.enter('findByCheckinTokenHash');
    const id = this.checkinTokens.get(hash) ?? [...this.registrations.values()].find((s) => s.registration.checkin_token?.hash === hash)?.registration.id;
    const reg = id ? this.read(id) : undefined;
    return reg ? { registrationId: reg.id, meetingId: reg.meeting_id } : undefined;
  }

  async setCheckinTokens(changes: CheckinTokenChange[]): Promise<void> {
    await this.enter('setCheckinTokens');
    if (changes.some(({ registration }) => this.registrations.get(registration.id)?.version !== registration.version)) throw new StaleReadError();
    for (const { registration, next } of changes) {
      const stored = this.registrations.get(registration.id) as StoredRegistration;
      if (registration.checkin_token) this.checkinTokens.delete(registration.checkin_token.hash);
      this.checkinTokens.set(next.hash, registration.id);
      stored.registration.checkin_token = next;
      stored.version += 1;
      stored.registration.version += 1;
    }
  }

  async clearOutbox(notification: Notification): Promise<void> {
    await this.enter('clearOutbox');
    this.outbox.delete(`${notification.created_at}#${notification.id}`);
  }

  async listOutbox(olderThan: string): Promise<Notification[]> {
    await this.enter('listOutbox');
    return [...this.outbox.entries()]
      .filter(([sk]) => sk < olderThan)
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, 100)
      .map(([, n]) => NotificationSchema.parse(json(n)));
  }

  // -- writes ----------------------------------------------------------------------------

  async create(write: RegistrationWrite): Promise<void> {
    await this.enter('create');
    const reg = write.registration;
    this.commit([
      {
        target: `FORM#${reg.form_uuid}`,
        tag: 'form',
        check: () => !this.forms.has(reg.form_uuid),
        apply: () => this.forms.set(reg.form_uuid, reg.id),
      },
      {
        target: `EMAIL#${emailKey(reg.meeting_id, reg.email)}`,
        tag: 'email',
        check: () => !this.emails.has(emailKey(reg.meeting_id, reg.email)),
        apply: () => this.emails.set(emailKey(reg.meeting_id, reg.email), reg.id),
      },
      this.putRegistration(reg, 0),
      ...this.actionSteps(reg.meeting_id, reg.id, write.actions, write.meetingVersion),
    ]);
  }

  async update(write: RegistrationWrite, expectedVersion: number, previousEmail: string): Promise<void> {
    await this.enter('update');
    const reg = write.registration;
    const steps: Step[] = [this.putRegistration(reg, expectedVersion)];
    const oldEmail = emailKey(reg.meeting_id, previousEmail);
    const newEmail = emailKey(reg.meeting_id, reg.email);
    if (reg.state === 'cancelled' || previousEmail !== reg.email) {
      steps.push({ target: `EMAIL#${oldEmail}`, tag: 'old-email', check: () => true, apply: () => this.emails.delete(oldEmail) });
    }
    if (reg.state !== 'cancelled' && previousEmail !== reg.email) {
      steps.push({
        target: `EMAIL#${newEmail}`,
        tag: 'email',
        check: () => !this.emails.has(newEmail),
        apply: () => this.emails.set(newEmail, reg.id),
      });
    }
    steps.push(...this.actionSteps(reg.meeting_id, reg.id, write.actions, write.meetingVersion));
    this.commit(steps);
  }

  async promote(
    write: RegistrationWrite & { itemKey: string; ticket: number; notification: Notification },
    expectedVersion: number,
  ): Promise<void> {
    await this.enter('promote');
    const reg = write.registration;
    const n = write.notification;
    const counts = () => this.meetings.countsOf(reg.meeting_id, write.itemKey);
    const item = () => this.meetings.item(reg.meeting_id, write.itemKey);
    const entries = () => this.waiting.get(waitKey(reg.meeting_id, write.itemKey));
    this.commit([
      this.putRegistration(reg, expectedVersion),
      {
        target: `ITEM#${reg.meeting_id}#${write.itemKey}`,
        tag: 'counter',
        check: () => {
          const i = item();
          return i !== undefined && (i.capacity === null || i.confirmed < i.capacity);
        },
        apply: () => {
          const c = counts() as Counts;
          c.confirmed += 1;
          c.waiting -= 1;
        },
      },
      {
        target: `WAIT#${reg.meeting_id}#${write.itemKey}#${write.ticket}`,
        tag: 'waiting',
        check: () => entries()?.get(write.ticket) === reg.id,
        apply: () => entries()?.delete(write.ticket),
      },
      ...this.actionSteps(reg.meeting_id, reg.id, write.actions, write.meetingVersion),
      {
        target: `OUTBOX#${n.created_at}#${n.id}`,
        tag: 'outbox',
        check: () => true,
        apply: () => this.outbox.set(`${n.created_at}#${n.id}`, json(n)),
      },
    ]);
  }

  // -- the transaction model ---------------------------------------------------------------

  private putRegistration(reg: Registration, expectedVersion: number): Step {
    return {
      target: `REG#${reg.id}`,
      tag: 'registration',
      check: () => {
        const stored = this.registrations.get(reg.id);
        return expectedVersion === 0 ? stored === undefined : stored?.version === expectedVersion;
      },
      apply: () => this.registrations.set(reg.id, { version: reg.version, registration: json(reg) }),
    };
  }

  private actionSteps(meetingId: string, registrationId: string, actions: ItemAction[], meetingVersion: number): Step[] {
    const steps: Step[] = [];
    for (const action of actions) {
      const target = `ITEM#${meetingId}#${action.key}`;
      const item = () => this.meetings.item(meetingId, action.key);
      const counts = () => this.meetings.countsOf(meetingId, action.key) as Counts;
      // A choice counted needs the meeting version, as in the repository; the count moves with the action.
      const counting = () => action.chosen !== 1 || this.meetings.countsOf(meetingId, action.key)?.meetingVersion === meetingVersion;
      const count = () => {
        if (action.chosen !== undefined) counts().chosen += action.chosen;
      };
      const entries = () => {
        const key = waitKey(meetingId, action.key);
        const found = this.waiting.get(key) ?? new Map<number, string>();
        this.waiting.set(key, found);
        return found;
      };
      switch (action.type) {
        case 'take':
          steps.push({
            target,
            tag: 'counter',
            check: () => {
              const i = item();
              return (
                i !== undefined &&
                (i.capacity === null || i.confirmed < i.capacity) &&
                i.waiting === 0 &&
                counts().meetingVersion === meetingVersion
              );
            },
            apply: () => {
              counts().confirmed += 1;
              count();
            },
          });
          break;
        case 'wait': {
          const ticket = action.ticket;
          steps.push(
            {
              target,
              tag: 'counter',
              check: () => {
                const i = item();
                // `#confirmed >= #capacity` is false in DynamoDB when capacity is NULL.
                return (
                  i !== undefined &&
                  i.waiting_list &&
                  (i.waiting > 0 || (i.capacity !== null && i.confirmed >= i.capacity)) &&
                  i.waiting === action.ahead &&
                  i.seq === ticket - 1 &&
                  counts().meetingVersion === meetingVersion
                );
              },
              apply: () => {
                counts().waiting += 1;
                counts().seq = ticket;
                count();
              },
            },
            {
              target: `WAIT#${meetingId}#${action.key}#${ticket}`,
              tag: 'waiting',
              check: () => !entries().has(ticket),
              apply: () => entries().set(ticket, registrationId),
            },
          );
          break;
        }
        case 'release':
          steps.push({
            target,
            tag: 'counter',
            check: () => (item()?.confirmed ?? 0) > 0 && counting(),
            apply: () => {
              counts().confirmed -= 1;
              count();
            },
          });
          break;
        case 'leave':
          steps.push(
            {
              target,
              tag: 'counter',
              check: () => (item()?.waiting ?? 0) > 0 && counting(),
              apply: () => {
                counts().waiting -= 1;
                count();
              },
            },
            {
              target: `WAIT#${meetingId}#${action.key}#${action.ticket}`,
              tag: 'waiting',
              check: () => entries().get(action.ticket) === registrationId,
              apply: () => entries().delete(action.ticket),
            },
          );
          break;
        case 'choose':
          steps.push({
            target,
            tag: 'counter',
            check: () => (action.chosen === 1 ? counting() : this.meetings.countsOf(meetingId, action.key) !== undefined),
            apply: count,
          });
          break;
      }
    }
    return steps;
  }

  private commit(steps: Step[]): void {
    const targets = steps.map((s) => s.target);
    if (new Set(targets).size !== targets.length) {
      // DynamoDB's ValidationException: a transaction may not touch one item twice.
      throw new Error(`transaction touches an item twice: ${targets.join(', ')}`);
    }
    if (steps.length > 100) throw new Error('transaction of more than 100 items');
    const failed = steps.filter((s) => !s.check()).map((s) => s.tag);
    if (failed.includes('form')) throw new FormTakenError();
    if (failed.includes('email')) throw new EmailTakenError();
    if (failed.length > 0) throw new StaleReadError();
    for (const s of steps) s.apply();
    this.commits += 1;
  }

  // -- for assertions ------------------------------------------------------------------------

  /** Everything stored except ticket sequences (a ticket unused after a failed write is harmless). */
  snapshot(): unknown {
    return json({
      registrations: [...this.registrations],
      forms: [...this.forms],
      emails: [...this.emails],
      waiting: [...this.waiting].map(([k, v]) => [k, [...v]]).filter(([, v]) => (v as unknown[]).length > 0),
      outbox: [...this.outbox],
      counts: [...this.meetings.counts].map(([k, v]) => [k, [...v]]),
    });
  }

  /** Waiting entries of an item in FIFO order: registration ids. */
  queue(meetingId: string, itemKey: string): string[] {
    return [...(this.waiting.get(waitKey(meetingId, itemKey)) ?? new Map<number, string>())].sort(([a], [b]) => a - b).map(([, id]) => id);
  }

  /**
   * Checks the invariants the repository's conditions are meant to keep: counters equal what
   * active registrations hold, never above capacity, and every waiting entry belongs to a
   * registration that holds that very ticket. Returns the violations (empty when sound).
   */
  invariantViolations(meetingId: string): string[] {
    const problems: string[] = [];
    const active = [...this.registrations.values()].map((s) => s.registration).filter((r) => r.meeting_id === meetingId);
    for (const [key, c] of this.meetings.counts.get(meetingId) ?? new Map<string, Counts>()) {
      const item = this.meetings.item(meetingId, key);
      const confirmed = active.filter((r) => r.items.some((h) => h.key === key && h.status === 'confirmed')).length;
      const waitingRegs = active.filter((r) => r.items.some((h) => h.key === key && h.status === 'waiting')).length;
      const entries = this.waiting.get(waitKey(meetingId, key)) ?? new Map<number, string>();
      const chosen = active.filter((r) => countedChoices(r).some((id) => `workshop:${id}` === key)).length;
      if (c.confirmed !== confirmed) problems.push(`${key}: counter confirmed ${c.confirmed}, held by ${confirmed}`);
      if (c.chosen !== chosen) problems.push(`${key}: counter chosen ${c.chosen}, chosen by ${chosen}`);
      if (c.waiting !== waitingRegs) problems.push(`${key}: counter waiting ${c.waiting}, held by ${waitingRegs}`);
      if (c.waiting !== entries.size) problems.push(`${key}: counter waiting ${c.waiting}, ${entries.size} waiting entries`);
      if (item && item.capacity !== null && c.confirmed > item.capacity) problems.push(`${key}: ${c.confirmed} confirmed over capacity ${item.capacity}`);
      for (const [ticket, id] of entries) {
        const held = this.registrations.get(id)?.registration.items.find((h) => h.key === key);
        if (held?.status !== 'waiting' || held.ticket !== ticket) problems.push(`${key}: orphan waiting entry ${ticket} of ${id}`);
      }
      const capacity = item?.capacity ?? null;
      if (capacity !== null && c.confirmed < capacity && c.waiting > 0) {
        problems.push(`${key}: ${capacity - c.confirmed} free place(s) while ${c.waiting} wait`);
      }
    }
    return problems;
  }
}

// ---------------------------------------------------------------------------------------
// Publisher

export class FakePublisher implements NotificationPublisher {
  readonly published: Notification[] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures += times;
  }

  async publish(notifications: Notification[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('queue unavailable');
    }
    this.published.push(...json(notifications));
  }
}

// ---------------------------------------------------------------------------------------
// The cast: the contract's club-12 meeting (plus a 10-place workshop) and six people in
// every situation the lists and the door meet (confirmed, waiting, remote, cancelled…).

export const castNow = new Date('2025-05-02T10:00:00Z');
export const castMeeting = defineMeeting(
  'club-12',
  MeetingInputSchema.parse({
    ...example,
    workshops: [
      ...example.workshops,
      { id: 'usagers', day: '2025-06-07', title: 'Usagers et démarches', starts_at: '10:00', ends_at: '12:00', capacity: 10, waiting_list: false },
    ],
  }),
  undefined,
  castNow,
);

let serial = 0;
export function castRegistration(over: Partial<Registration> & Pick<Registration, 'last_name' | 'days'>): Registration {
  serial += 1;
  return {
    id: `r${String(serial).padStart(26, '0')}`,
    meeting_id: 'club-12',
    access_token: 'secret-token',
    form_uuid: `form-${serial}`,
    form_number: `12-${serial}`,
    email: `${over.last_name.toLowerCase()}@example.org`,
    first_name: undefined,
    organisation: 'Métropole de Lyon',
    workshops: [],
    evening_event: false,
    items: [],
    state: 'active',
    request_hash: 'h',
    checked_in: {},
    version: 1,
    created_at: `2025-05-01T08:${String(serial).padStart(2, '0')}:00.000Z`,
    updated_at: '2025-05-01T08:00:00.000Z',
    ...over,
  };
}

export const refused = { answer: 'refused' as const, notice_version: 1, answered_at: '2025-05-01T08:00:00.000Z' };
export const accepted = { answer: 'accepted' as const, notice_version: 1, answered_at: '2025-05-01T08:00:00.000Z' };

export const alice = castRegistration({
  last_name: 'Dupont',
  first_name: 'Alice',
  profile: 'expert',
  job_title: 'Cheffe de projet',
  days: [
    { date: '2025-06-07', mode: 'onsite' },
    { date: '2025-06-08', mode: 'onsite' },
  ],
  workshops: ['socle-personnes-morales'],
  evening_event: true,
  items: [
    { key: 'day:2025-06-07', status: 'confirmed' },
    { key: 'day:2025-06-08', status: 'confirmed' },
    { key: 'workshop:socle-personnes-morales', status: 'confirmed' },
    { key: 'evening', status: 'confirmed' },
  ],
  image_rights: accepted,
  checked_in: { '2025-06-07': '2025-06-07T07:12:00.000Z' },
  created_at: '2025-05-01T08:30:00.000Z',
});
export const bruno = castRegistration({
  last_name: 'Martin',
  first_name: 'Bruno',
  profile: 'newcomer',
  badge_name: 'Bruno M.',
  dietary_requirements: 'Végétarien',
  days: [
    { date: '2025-06-07', mode: 'onsite' },
    { date: '2025-06-08', mode: 'remote' },
  ],
  workshops: ['usagers'],
  evening_event: true,
  items: [
    { key: 'day:2025-06-07', status: 'waiting', ticket: 5 },
    { key: 'remote:2025-06-08', status: 'confirmed' },
    { key: 'evening', status: 'waiting', ticket: 2 },
  ],
  image_rights: refused,
});
export const chloe = castRegistration({
  last_name: 'Étienne',
  first_name: 'Chloé',
  organisation: 'Ville de Paris; DSIN',
  phone: '+33 6 12 34 56 78',
  dietary_requirements: 'Sans gluten, "sans lactose"',
  days: [{ date: '2025-06-08', mode: 'onsite' }],
  workshops: ['socle-personnes-morales'],
  evening_event: true,
  items: [
    { key: 'day:2025-06-08', status: 'confirmed' },
    { key: 'workshop:socle-personnes-morales', status: 'waiting', ticket: 3 },
    { key: 'evening', status: 'waiting', ticket: 1 },
  ],
  image_rights: refused,
});
export const fanny = castRegistration({
  last_name: 'Petit',
  first_name: 'Fanny',
  days: [{ date: '2025-06-08', mode: 'onsite' }],
  workshops: ['socle-personnes-morales'],
  items: [
    { key: 'day:2025-06-08', status: 'confirmed' },
    { key: 'workshop:socle-personnes-morales', status: 'waiting', ticket: 1 },
  ],
});
export const denis = castRegistration({
  last_name: 'Zola',
  first_name: 'Denis',
  days: [{ date: '2025-06-07', mode: 'onsite' }],
  items: [{ key: 'day:2025-06-07', status: 'waiting', ticket: 2 }],
});
export const eve = castRegistration({
  last_name: 'Annulée',
  first_name: 'Eve',
  days: [{ date: '2025-06-07', mode: 'onsite' }],
  items: [],
  state: 'cancelled',
  image_rights: refused,
  cancelled_at: '2025-05-02T08:00:00.000Z',
});
// Arrival order, not alphabetical: every list sorts by itself.
export const all = [bruno, eve, denis, chloe, alice, fanny];
