// The personal-data use cases: the retention purge (report and run) and a person's access and
// erasure requests by email. Each reads what it decides on, decides in pure code (retention.ts,
// views.ts) and writes under conditions that hold only while an identity is still there.
import type { Logger } from '#shared/domain/logger.ts';
import type { Registration } from '#shared/domain/registrations/schema.ts';
import type { Page, PeopleStore, PersonItem, RetentionObjects, RetentionStore } from './ports.ts';
import {
  anonymiseRegistration,
  campaignRetentionDueAt,
  deliveryAddressesSentBy,
  holdsAgent,
  holdsIdentity,
  isDue,
  meetingRetentionDueAt,
  meetingRetentionIsDue,
  subscriptionIsDue,
  surveyMarkersDueAt,
} from './retention.ts';
import { personExport, type ErasureCounts, type PersonExport } from './views.ts';

export type PurgeKind = 'registrations' | 'subscriptions' | 'agents' | 'deliveries' | 'survey-markers';

export interface RetentionObjectReport {
  kind: PurgeKind;
  /** `subject`: the delivery report's subject (`occurrence:…`, `meeting:…`, `survey:…`, `message:…`). */
  object: 'meeting' | 'series' | 'campaign' | 'subject' | 'survey';
  id: string;
  due_at: string | null;
  count: number;
}

export interface RetentionReport {
  at: string;
  dry_run: boolean;
  /** False when the run stopped at its time budget: the next run goes on where it stopped. */
  complete: boolean;
  counts: Record<PurgeKind, number>;
  objects: RetentionObjectReport[];
}

export interface PurgeOptions {
  /** Stop starting new pages after this instant (epoch ms): the rest is left for the next run. */
  deadline?: number;
  pageSize?: number;
}

/** The registration and vote use cases the erasure goes through (a cancellation frees places and promotes). */
export interface RegistrationCanceller {
  cancel(registrationId: string, now: Date): Promise<unknown>;
}

const DEFAULT_PAGE = 100;

export class RetentionService {
  constructor(
    private readonly store: RetentionStore,
    private readonly logger: Logger,
  ) {}

  /** What a purge at `at` would change, counts only. */
  report(at: Date): Promise<RetentionReport> {
    return this.purge(at, false, {});
  }

  /** Applies the retention rules due at `at`. Safe to run again: what is done is not done twice. */
  run(at: Date, opts: PurgeOptions = {}): Promise<RetentionReport> {
    return this.purge(at, true, opts);
  }

  private async purge(at: Date, apply: boolean, opts: PurgeOptions): Promise<RetentionReport> {
    const objects = await this.store.listObjects();
    const pageSize = opts.pageSize ?? DEFAULT_PAGE;
    const outOfTime = () => opts.deadline !== undefined && Date.now() >= opts.deadline;
    const report: RetentionReport = {
      at: at.toISOString(),
      dry_run: !apply,
      complete: true,
      counts: { registrations: 0, subscriptions: 0, agents: 0, deliveries: 0, 'survey-markers': 0 },
      objects: [],
    };
    const add = (entry: RetentionObjectReport) => {
      if (entry.count === 0) return;
      report.objects.push(entry);
      report.counts[entry.kind] += entry.count;
    };

    for (const meeting of objects.meetings) {
      if (!meetingRetentionIsDue(meeting, at)) continue;
      let count = 0;
      report.complete = await eachPage(outOfTime, (cursor) => this.store.pageRegistrations(meeting.id, cursor, pageSize), async (items) => {
        const due = items.filter(holdsIdentity);
        if (apply && due.length > 0) {
          count += (await this.store.anonymiseRegistrations(due.map((current) => ({ current, next: anonymiseRegistration(current, at) })))).length;
        } else count += due.length;
      });
      // The exact instant (the meeting's zone) only for a line of the report.
      if (count > 0) add({ kind: 'registrations', object: 'meeting', id: meeting.id, due_at: meetingRetentionDueAt(meeting), count });
      if (!report.complete) return this.done(report, apply);
    }

    for (const series of objects.series) {
      if (outOfTime()) {
        report.complete = false;
        return this.done(report, apply);
      }
      const due = (await this.store.listSubscriptions(series.id)).filter((s) => subscriptionIsDue(s, series, at));
      let count = 0;
      for (const s of due) {
        if (!apply) count++;
        else if (await this.store.deleteSubscription(s)) count++;
      }
      add({ kind: 'subscriptions', object: 'series', id: series.id, due_at: null, count });
    }

    for (const campaign of objects.campaigns) {
      const dueAt = campaignRetentionDueAt(campaign);
      if (!isDue(dueAt, at)) continue;
      if (outOfTime()) {
        report.complete = false;
        return this.done(report, apply);
      }
      const records = (await this.store.listAgents(campaign.id)).filter((r) => holdsAgent(r.agent));
      const count = apply ? await this.store.eraseAgents(records) : records.length;
      add({ kind: 'agents', object: 'campaign', id: campaign.id, due_at: dueAt, count });
    }

    // Delivery lines: the address goes, the line (status, instant) stays for the reports' counts.
    const sentBy = deliveryAddressesSentBy(at);
    const perSubject = new Map<string, number>();
    report.complete = await eachPage(outOfTime, (cursor) => this.store.pageDeliveryAddresses(sentBy, cursor, pageSize), async (items) => {
      const erased = apply ? new Set(await this.store.eraseDeliveryLines(items.map((l) => l.ref))) : undefined;
      for (const line of items) if (!erased || erased.has(line.ref)) perSubject.set(line.subject, (perSubject.get(line.subject) ?? 0) + 1);
    });
    for (const [subject, count] of perSubject) add({ kind: 'deliveries', object: 'subject', id: subject, due_at: null, count });
    if (!report.complete) return this.done(report, apply);

    // Survey markers: deleted at the close (as it stands today) + 30 days.
    for (const survey of objects.surveys) {
      const dueAt = surveyMarkersDueAt(survey.closes_at);
      if (!isDue(dueAt, at)) continue;
      let count = 0;
      report.complete = await eachPage(outOfTime, (cursor) => this.store.pageSurveyMarkers(survey.id, cursor, pageSize), async (items) => {
        count += apply ? await this.store.deleteMarkers(items) : items.length;
      });
      add({ kind: 'survey-markers', object: 'survey', id: survey.id, due_at: dueAt, count });
      if (!report.complete) break;
    }
    return this.done(report, apply);
  }

  private done(report: RetentionReport, apply: boolean): RetentionReport {
    if (apply) this.logger.info('retention purge', { at: report.at, complete: report.complete, ...report.counts });
    return report;
  }
}

/** Reads pages from the first to the last, each handled before the next; false when the deadline stopped it. */
async function eachPage<T>(outOfTime: () => boolean, read: (cursor: string | null) => Promise<Page<T>>, handle: (items: T[]) => Promise<void>): Promise<boolean> {
  let cursor: string | null = null;
  do {
    if (outOfTime()) return false;
    const page: Page<T> = await read(cursor);
    await handle(page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  return true;
}

/** A meeting whose last day has not ended yet on its own wall clock: its registrations are "future". */
function meetingNotOver(objects: RetentionObjects, meetingId: string, now: Date): boolean {
  const meeting = objects.meetings.find((m) => m.id === meetingId);
  if (!meeting) return false;
  const last = meeting.days.map((d) => d.date).sort().at(-1);
  if (last === undefined) return false;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: meeting.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return last >= today;
}

export class PeopleService {
  constructor(
    private readonly store: PeopleStore,
    private readonly registrations: RegistrationCanceller,
    private readonly logger: Logger,
  ) {}

  /** Everything held about an email, across every context. */
  async export(email: string, now: Date): Promise<PersonExport> {
    const objects = await this.store.listObjects();
    const [items, markers] = await Promise.all([this.store.findPersonItems(email), this.store.findSurveyMarkers(email, objects.surveys)]);
    this.logger.info('person exported', { items: items.length, markers: markers.length });
    return personExport(email, items, markers, now);
  }

  /**
   * Erases everything held about an email (`confirm`), or counts what it would erase. Future
   * registrations are cancelled first through the cancellation use case (places freed, waiting
   * lists promoted), then every registration is anonymised like the retention purge;
   * subscriptions deleted; agents and delivery lines' addresses erased; survey markers
   * (participation, opt-out, invitation links) of closed surveys deleted (an open survey's stay
   * until its close: the person can neither answer twice nor be invited again). Idempotent.
   */
  async erase(email: string, confirm: boolean, now: Date): Promise<ErasureCounts> {
    const objects = await this.store.listObjects();
    const [items, markers] = await Promise.all([this.store.findPersonItems(email), this.store.findSurveyMarkers(email, objects.surveys)]);
    const counts: ErasureCounts = {
      registrations_cancelled: 0,
      registrations_anonymised: 0,
      subscriptions_deleted: 0,
      proposals_erased: 0,
      supports_erased: 0,
      ballots_erased: 0,
      deliveries_erased: 0,
      survey_markers_deleted: 0,
      survey_markers_kept: 0,
    };
    const closed = markers.filter((m) => Date.parse(m.closes_at) <= now.getTime());
    counts.survey_markers_deleted = closed.length;
    counts.survey_markers_kept = markers.length - closed.length;

    const registrations = items.flatMap((i) => (i.type === 'registration' && holdsIdentity(i.registration) ? [i.registration] : []));
    const toCancel = registrations.filter((r) => r.state === 'active' && meetingNotOver(objects, r.meeting_id, now));
    const subscriptions = items.flatMap((i) => (i.type === 'subscription' ? [i.subscription] : []));
    const agents = items.flatMap((i) => (i.type === 'proposal' || i.type === 'support' || i.type === 'ballot') && holdsAgent(i.record.agent) ? [i.record] : []);
    const deliveries = items.flatMap((i) => (i.type === 'delivery' ? [i.ref] : []));
    const leftovers = leftoverRefs(items, subscriptions.map((s) => s.series_id));

    if (!confirm) {
      counts.registrations_cancelled = toCancel.length;
      counts.registrations_anonymised = registrations.length;
      counts.subscriptions_deleted = subscriptions.length;
      for (const a of agents) counts[`${a.kind}s_erased`]++;
      counts.deliveries_erased = deliveries.length;
      return counts;
    }

    for (const r of toCancel) {
      await this.registrations.cancel(r.id, now);
      counts.registrations_cancelled++;
    }
    // Read again what a cancellation moved, then anonymise (a condition on the version read).
    const current = await Promise.all(registrations.map(async (r) => (toCancel.includes(r) ? await this.store.findRegistration(r.id) : r)));
    const changes = current.filter((r): r is Registration => r !== undefined && holdsIdentity(r)).map((r) => ({ current: r, next: anonymiseRegistration(r, now) }));
    counts.registrations_anonymised = (await this.store.anonymiseRegistrations(changes)).length;
    for (const s of subscriptions) if (await this.store.deleteSubscription(s)) counts.subscriptions_deleted++;
    for (const kind of ['proposal', 'support', 'ballot'] as const) {
      counts[`${kind}s_erased`] = await this.store.eraseAgents(agents.filter((a) => a.kind === kind));
    }
    counts.deliveries_erased = (await this.store.eraseDeliveryLines(deliveries)).length;
    await this.store.deleteRefs([...leftovers, ...closed.map((m) => m.ref)]);
    this.logger.info('person erased', { ...counts });
    return counts;
  }
}

/** Items that only point at something erased here (subscription links of a subscription not found, orphan email markers). */
function leftoverRefs(items: PersonItem[], seriesWithSubscription: string[]): string[] {
  const refs: string[] = [];
  for (const i of items) {
    if (i.type === 'registration-email') refs.push(i.ref);
    if (i.type === 'subscription-link' && !seriesWithSubscription.includes(i.series_id)) refs.push(i.ref);
  }
  return refs;
}
