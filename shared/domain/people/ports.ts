// Storage port of the personal-data context (retention purge, access and erasure by email).
// The adapter finds a person's items through the per-person index (never a scan) and writes
// every erasure under a condition that holds only while the identity is still there, so that
// nothing is anonymised twice in effect and a run killed halfway resumes on the next.
import type { DispatchDeliveryRow } from '#shared/domain/notifications/ports.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { Subscription } from '#shared/domain/sessions/schema.ts';
import type { Agent } from '#shared/domain/votes/schema.ts';

/** What the export shows of a proposal, a support and a ballot (read without the vote's own schemas, for a light bundle). */
export interface ProposalRecord {
  id: string;
  campaign_id: string;
  title: string;
  organisation: string;
  submitted_at: string;
  proposer: Agent;
}
export interface SupportRecord {
  proposal_id: string;
  organisation: string;
  role: 'proposer' | 'cosigner';
  at: string;
  comment?: string | undefined;
  agent: Agent;
}
export interface BallotRecord {
  campaign_id: string;
  organisation: string;
  cast_at: string;
  agent: Agent;
}

/** An item the adapter can find again (its key, opaque to the domain). */
export type ItemRef = string;

export interface MeetingRetention {
  id: string;
  days: ReadonlyArray<{ date: string }>;
  timezone: string;
  retention_days?: number | undefined;
}
export interface CampaignRetention {
  id: string;
  closed_at?: string | undefined;
  vote_closes_at?: string | undefined;
  retention_days?: number | undefined;
}
export interface SeriesRetention {
  id: string;
  timezone: string;
  /** The last occurrence's local date; null for a series without end. */
  lastDate: string | null;
}
export interface SurveyRetention {
  id: string;
  closes_at: string;
}

export interface RetentionObjects {
  meetings: MeetingRetention[];
  campaigns: CampaignRetention[];
  series: SeriesRetention[];
  surveys: SurveyRetention[];
}

/** An item naming an agent: a proposal's proposer, a support's (co-)signer, a ballot's voter. */
export interface AgentRecord {
  kind: 'proposal' | 'support' | 'ballot';
  ref: ItemRef;
  campaign_id: string;
  agent: Agent;
}

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

/** A delivery line still holding its recipient's address (its subject: what the report is about). */
export interface DeliveryAddress {
  ref: ItemRef;
  subject: string;
}

export interface RetentionStore {
  listObjects(): Promise<RetentionObjects>;
  /** One page of a meeting's registrations, whole (the listing index, in order of arrival). */
  pageRegistrations(meetingId: string, cursor: string | null, limit: number): Promise<Page<Registration>>;
  /**
   * Writes each anonymised registration (with its email marker and check-in token lookup
   * deleted) under the condition that the stored one is still `current` and not anonymised.
   * Returns the ids actually written; the others had moved (or were done) and are left.
   */
  anonymiseRegistrations(changes: Array<{ current: Registration; next: Registration }>): Promise<string[]>;
  /** Every subscription of a series (active and unsubscribed). */
  listSubscriptions(seriesId: string): Promise<Subscription[]>;
  /** Deletes the subscription, its id pointer, its link token and its form markers; false when it had moved or was gone. */
  deleteSubscription(subscription: Subscription): Promise<boolean>;
  /** Every item of a campaign naming an agent who is not erased yet. */
  listAgents(campaignId: string): Promise<AgentRecord[]>;
  /** Erases the agent of each record still holding one; returns how many were erased. */
  eraseAgents(records: AgentRecord[]): Promise<number>;
  /** One page of the delivery lines still holding an address whose outcome is at or before `sentBy` (oldest first). */
  pageDeliveryAddresses(sentBy: string, cursor: string | null, limit: number): Promise<Page<DeliveryAddress>>;
  /**
   * Removes the address (and whatever names the person) of the delivery lines still holding
   * one; the lines, their status and instant stay. Returns the refs actually changed.
   */
  eraseDeliveryLines(refs: ItemRef[]): Promise<ItemRef[]>;
  /** One page of a survey's markers (participation, replay, opt-out, one-click link). */
  pageSurveyMarkers(surveyId: string, cursor: string | null, limit: number): Promise<Page<ItemRef>>;
  /** Deletes markers; returns how many were still there. */
  deleteMarkers(refs: ItemRef[]): Promise<number>;
}

export type PersonItem =
  | { type: 'registration'; registration: Registration }
  | { type: 'subscription'; subscription: Subscription }
  /** A subscription's id pointer, link token or form marker (deleted with it, or alone when left over). */
  | { type: 'subscription-link'; ref: ItemRef; series_id: string; link: 'pointer' | 'token' | 'form' }
  /** A registration's (meeting, email) marker left without its registration (deleted). */
  | { type: 'registration-email'; ref: ItemRef; meeting_id: string; registration_id: string }
  | { type: 'proposal'; record: AgentRecord; proposal: ProposalRecord }
  | { type: 'support'; record: AgentRecord; support: SupportRecord }
  | { type: 'ballot'; record: AgentRecord; ballot: BallotRecord }
  | { type: 'delivery'; ref: ItemRef; line: DispatchDeliveryRow };

export interface SurveyMarker {
  survey_id: string;
  closes_at: string;
  /** `participation`: the person answered; `opt-out`: asked for no more invitations; `link`: an invitation's one-click link. */
  kind: 'participation' | 'opt-out' | 'link';
  ref: ItemRef;
}

export interface PeopleStore extends RetentionStore {
  /** Every item carrying the person's normalised email in the per-person index (one Query, paged). */
  findPersonItems(email: string): Promise<PersonItem[]>;
  /** The person's survey markers (keyed hashes): participation, opt-out, one-click links (one Query per survey). */
  findSurveyMarkers(email: string, surveys: SurveyRetention[]): Promise<SurveyMarker[]>;
  /** Deletes items left over (markers, links); absent ones are ignored. */
  deleteRefs(refs: ItemRef[]): Promise<void>;
  /** Reads a registration again (after a cancellation moved it). */
  findRegistration(registrationId: string): Promise<Registration | undefined>;
}
