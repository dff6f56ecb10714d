// The retention purge against DynamoDB Local: the report counts what a run changes, a run
// anonymises registrations (counts and listings unchanged), deletes ended subscriptions and
// erases agents (results unchanged), erases the address of delivery lines 90 days old (the
// lines and every report count stay) and deletes survey markers at the close as it stands + 30
// days; a second run changes nothing; a run killed halfway resumes on the next; a run out of
// time says so and leaves the rest.
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { reminderKeys, surveyKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { deliveryReport } from '#shared/domain/reminders/delivery-report.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { participationHash } from '#shared/domain/surveys/anonymity.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoPeopleRepository } from '#shared/adapters/dynamodb/people-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { CallNonce } from '#shared/domain/call-nonce.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import type { RetentionStore } from '#shared/domain/people/ports.ts';
import { RetentionService } from '#shared/domain/people/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { BallotRequestSchema, CampaignInputSchema, CosignatureRequestSchema, ProposalRequestSchema } from '#shared/domain/votes/schema.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `ret-data-${suffix}`, NonceTable: `ret-nonces-${suffix}` };
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

const meetingsRepo = new DynamoMeetingRepository(ddb, tables.DataTable);
const registrationRepo = new DynamoRegistrationRepository(ddb, tables.DataTable, meetingsRepo, tables.NonceTable);
const registrations = new RegistrationService({ meetings: meetingsRepo, store: registrationRepo, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const meetings = new MeetingService(meetingsRepo);
const sessionStore = new DynamoSessionRepository(ddb, tables.DataTable, tables.NonceTable);
const sessions = new SessionService({ store: sessionStore, confirmations: { publishConfirmation: async () => undefined }, baseUrl: 'http://club.test', logger: silent });
const votes = new VoteService({ store: new DynamoVoteRepository(ddb, tables.DataTable, tables.NonceTable) });
const store = new DynamoPeopleRepository(ddb, tables.DataTable, async () => 'key');
const deliveries = new DynamoDeliveryRepository(ddb, tables.DataTable);
const surveys = new SurveyService({
  store: new DynamoSurveyRepository(ddb, tables.DataTable, tables.NonceTable),
  registrations: registrationRepo,
  meetings: meetingsRepo,
  participationKey: async () => 'key',
});
const nonce = () => new CallNonce('demarches.example.org', randomUUID(), Math.floor(Date.now() / 1000) + 300);

const REGISTERED = new Date('2025-12-15T10:00:00Z');
const old = `ancienne-${suffix}`; // last day 2026-01-10, retention_days 30: due 2026-02-10 00:00 Paris
const killed = `coupee-${suffix}`; // last day 2026-01-12, retention_days 30: due 2026-02-12 00:00 Paris
const recent = `recente-${suffix}`; // last day 2026-06-09: not due before 2027
const BEFORE = new Date('2026-02-09T22:59:59Z');
const DUE = new Date('2026-02-09T23:00:00Z');
const seriesId = `serie-${suffix}`; // last occurrence 2026-01-13: active subscriptions due 2026-04-14 00:00 Paris
const campaignId = `camp-${suffix}`; // closed 2026-01-20 16:00Z, retention_days 10: due 2026-01-30 16:00Z

const putMeeting = (id: string, date: string) =>
  meetings.putMeeting(
    id,
    MeetingInputSchema.parse({
      title: 'Réunion',
      venue: 'Paris',
      registration_opens_at: '2025-12-01T00:00:00+01:00',
      registration_closes_at: '2026-01-01T00:00:00+01:00',
      days: [{ date, onsite_capacity: 100, waiting_list: false }],
      retention_days: 30,
    }),
    REGISTERED,
  );

async function fill(meetingId: string, date: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, (_, k) =>
        registrations.register(
          meetingId,
          RegistrationRequestSchema.parse({
            form_uuid: `${meetingId}-${i + k}`,
            email: `p${i + k}.${meetingId}@example.org`,
            first_name: 'Prénom',
            last_name: `Nom${i + k}`,
            organisation: `Commune ${(i + k) % 3}`,
            onsite_days: [date],
          }),
          REGISTERED,
        ),
      ),
    );
    ids.push(...batch.map((b) => b.registration.id));
  }
  return ids;
}

async function figures(meetingId: string) {
  const m = await meetingsRepo.findMeetingWithItems(meetingId);
  const list = await registrationRepo.listByMeeting(meetingId);
  return { items: m?.items.map((i) => [i.key, i.confirmed, i.waiting]), list: list.map((r) => [r.id, r.state, r.organisation, r.checked_in, r.items]) };
}

let oldIds: string[] = [];

beforeAll(async () => {
  await createTables(raw, tables);
  await putMeeting(old, '2026-01-10');
  await putMeeting(killed, '2026-01-12');
  await putMeeting(recent, '2026-06-09');
  oldIds = await fill(old, '2026-01-10', 12);
  await fill(killed, '2026-01-12', 30);
  await fill(recent, '2026-06-09', 3);
  await registrations.checkIn(oldIds[0] as string, '2026-01-10', new Date('2026-01-10T08:00:00Z'));
  await registrations.cancel(oldIds[1] as string, REGISTERED);

  await sessions.putSeries(
    seriesId,
    SeriesInputSchema.parse({
      title: 'Sessions',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2',
      dtstart: '2025-11-11T14:00',
      until: '2026-01-13',
      duration_minutes: 60,
      visio_url: 'https://visio.example.org/club',
      default_topic: 'Session',
      reminders: [],
    }),
    REGISTERED,
  );
  const sub = (email: string, form: string) =>
    sessions.subscribe(SubscribeRequestSchema.parse({ series_id: seriesId, form_uuid: `${form}-${suffix}`, email, first_name: 'Prénom' }), nonce(), REGISTERED);
  await sub(`stay.${suffix}@example.org`, 's1');
  await sub(`leave.${suffix}@example.org`, 's2');
  await sessions.unsubscribe(UnsubscribeRequestSchema.parse({ series_id: seriesId, email: `leave.${suffix}@example.org`, form_uuid: `u2-${suffix}` }), nonce(), REGISTERED);

  await votes.putCampaign(
    campaignId,
    CampaignInputSchema.parse({
      title: 'Évolutions',
      proposals_open_at: '2025-12-01T00:00:00+01:00',
      proposals_close_at: '2026-01-10T00:00:00+01:00',
      vote_opens_at: '2026-01-15T09:00:00+01:00',
      vote_closes_at: '2026-01-20T17:00:00+01:00',
      method: 'approval',
      max_choices: 1,
      supporters_needed: 2,
      electorate: ['Commune A', 'Commune B'],
      retention_days: 10,
    }),
    REGISTERED,
  );
  const p = await votes.propose(
    ProposalRequestSchema.parse({ form_uuid: `p-${suffix}`, campaign_id: campaignId, title: 'Prop', description: 'D', use_case: 'U', organisation: 'Commune A', email: 'a@example.org', last_name: 'Agent' }),
    nonce(),
    REGISTERED,
  );
  await votes.cosign(p.proposal_id, CosignatureRequestSchema.parse({ form_uuid: `c-${suffix}`, email: 'b@example.org', organisation: 'Commune B' }), nonce(), REGISTERED);
  await votes.castBallot(campaignId, BallotRequestSchema.parse({ form_uuid: `v-${suffix}`, email: 'a@example.org', organisation: 'Commune A', choices: [p.proposal_id] }), nonce(), new Date('2026-01-16T10:00:00Z'));
  await votes.closeVote(campaignId, new Date('2026-01-20T16:00:00Z'));
}, 120_000);

afterAll(() => {
  ddb.destroy();
  raw.destroy();
});

/** A purge that sees only some objects (the others' instants are tested apart). */
function only(ids: string[]): RetentionService {
  const scoped = Object.create(store) as RetentionStore;
  scoped.listObjects = async () => {
    const all = await store.listObjects();
    return {
      meetings: all.meetings.filter((m) => ids.includes(m.id)),
      campaigns: all.campaigns.filter((c) => ids.includes(c.id)),
      series: all.series.filter((s) => ids.includes(s.id)),
      surveys: all.surveys.filter((s) => ids.includes(s.id)),
    };
  };
  return new RetentionService(scoped, silent);
}

const countFor = (report: Awaited<ReturnType<RetentionService['report']>>, id: string) => report.objects.find((o) => o.id === id)?.count ?? 0;

describe('registrations', () => {
  const retention = only([old, killed, recent]);
  it('the report: nothing the instant before, every registration of the meeting at the instant it is due', async () => {
    expect(countFor(await retention.report(BEFORE), old)).toBe(0);
    const due = await retention.report(DUE);
    expect(due.dry_run).toBe(true);
    expect(countFor(due, old)).toBe(12);
    expect(countFor(due, killed)).toBe(0);
    expect(countFor(due, recent)).toBe(0);
    expect(due.objects.find((o) => o.id === old)?.due_at).toBe('2026-02-09T23:00:00.000Z');
  });

  it('a run anonymises them with every figure unchanged; a second run changes nothing', async () => {
    const before = await figures(old);
    const first = await retention.run(DUE);
    expect(countFor(first, old)).toBe(12);
    expect(first.complete).toBe(true);
    const after = await registrationRepo.listByMeeting(old);
    expect(after.every((r) => r.email === '' && r.last_name === '' && r.first_name === undefined && r.anonymised_at === DUE.toISOString())).toBe(true);
    expect(await figures(old)).toEqual(before);
    expect(await registrationRepo.findIdByEmail(old, `p2.${old}@example.org`)).toBeUndefined();
    const second = await retention.run(DUE);
    expect(countFor(second, old)).toBe(0);
    expect(countFor(await retention.report(DUE), old)).toBe(0);
  });

  it('a run killed halfway resumes on the next, and nothing is done twice', async () => {
    const at = new Date('2026-02-12T00:00:00Z');
    let calls = 0;
    const faulty: RetentionStore = Object.create(store) as RetentionStore;
    faulty.anonymiseRegistrations = async (changes) => {
      if (++calls > 1) throw new Error('killed');
      return store.anonymiseRegistrations(changes);
    };
    faulty.listObjects = async () => ({ ...(await store.listObjects()), series: [], campaigns: [] });
    await expect(new RetentionService(faulty, silent).run(at, { pageSize: 10 })).rejects.toThrow('killed');
    expect((await registrationRepo.listByMeeting(killed)).filter((r) => r.anonymised_at !== undefined)).toHaveLength(10);
    expect(countFor(await retention.report(at), killed)).toBe(20);
    const resumed = await retention.run(at, { pageSize: 10 });
    expect(countFor(resumed, killed)).toBe(20);
    expect((await registrationRepo.listByMeeting(killed)).every((r) => r.anonymised_at !== undefined)).toBe(true);
    expect(countFor(await retention.run(at), killed)).toBe(0);
  });

  it('a run out of time stops before its next page and says so', async () => {
    const report = await retention.run(new Date('2027-12-01T00:00:00Z'), { deadline: Date.now() - 1 });
    expect(report.complete).toBe(false);
    expect(countFor(report, recent)).toBe(0);
    expect((await registrationRepo.listByMeeting(recent)).every((r) => r.anonymised_at === undefined)).toBe(true);
  });
});

describe('subscriptions and agents', () => {
  it('an unsubscribed subscription goes at once, an active one 90 days after the last occurrence; with its pointer and token', async () => {
    const retention = only([seriesId]);
    const at = new Date('2026-02-01T00:00:00Z');
    expect(countFor(await retention.report(at), seriesId)).toBe(1);
    expect(countFor(await retention.run(at), seriesId)).toBe(1);
    expect((await store.listSubscriptions(seriesId)).map((s) => s.email)).toEqual([`stay.${suffix}@example.org`]);
    expect(await store.findPersonItems(`leave.${suffix}@example.org`)).toEqual([]);
    expect(countFor(await retention.run(at), seriesId)).toBe(0);
    // Last occurrence 2026-01-13 (second Tuesday of January) + 90 days: kept through 2026-04-13 Paris.
    expect(countFor(await retention.report(new Date('2026-04-13T21:59:59Z')), seriesId)).toBe(0);
    expect(countFor(await retention.run(new Date('2026-04-13T22:00:00Z')), seriesId)).toBe(1);
    expect(await store.listSubscriptions(seriesId)).toEqual([]);
  });

  it('agents are erased after the close + retention_days, results unchanged', async () => {
    const retention = only([campaignId]);
    const results = await votes.results(campaignId, new Date('2026-02-01T00:00:00Z'), { publicView: false });
    expect(countFor(await retention.report(new Date('2026-01-30T15:59:59Z')), campaignId)).toBe(0);
    const run = await retention.run(new Date('2026-01-30T16:00:00Z'));
    expect(countFor(run, campaignId)).toBe(4); // the proposal, the proposer's support, the co-signature, the ballot
    expect(await votes.results(campaignId, new Date('2026-02-01T00:00:00Z'), { publicView: false })).toEqual(results);
    expect((await store.listAgents(campaignId)).map((r) => r.agent)).toEqual([{ email: '' }, { email: '' }, { email: '' }, { email: '' }]);
    expect(await store.findPersonItems('a@example.org')).toEqual([]);
    expect(countFor(await retention.run(new Date('2026-01-30T16:00:00Z')), campaignId)).toBe(0);
  });
});

describe('a series bounded by count only', () => {
  const countOnly = `compte-${suffix}`; // 3 instances: 2025-11-11, 2025-12-09, 2026-01-13

  beforeAll(async () => {
    await sessions.putSeries(
      countOnly,
      SeriesInputSchema.parse({
        title: 'Sessions',
        timezone: 'Europe/Paris',
        rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2',
        dtstart: '2025-11-11T14:00',
        count: 3,
        duration_minutes: 60,
        visio_url: 'https://visio.example.org/club',
        default_topic: 'Session',
        reminders: [],
      }),
      REGISTERED,
    );
    await sessions.subscribe(
      SubscribeRequestSchema.parse({ series_id: countOnly, form_uuid: `cnt-${suffix}`, email: `count.${suffix}@example.org`, first_name: 'Prénom' }),
      nonce(),
      REGISTERED,
    );
  });

  it('ends at its last instance: its active subscriptions go 90 days later, not never', async () => {
    const retention = only([countOnly]);
    expect((await store.listObjects()).series.find((s) => s.id === countOnly)?.lastDate).toBe('2026-01-13');
    expect(countFor(await retention.report(new Date('2026-04-13T21:59:59Z')), countOnly)).toBe(0);
    expect(countFor(await retention.run(new Date('2026-04-13T22:00:00Z')), countOnly)).toBe(1);
    expect(await store.listSubscriptions(countOnly)).toEqual([]);
    expect(await store.findPersonItems(`count.${suffix}@example.org`)).toEqual([]);
  });
});

describe('delivery lines', () => {
  const SENT = new Date('2026-01-05T08:00:00Z');
  const subjects = [`meeting:${recent}`, `occurrence:${seriesId}:2026-01-13`, `survey:avis-${suffix}`, `message:${recent}:m1`];
  const line = (subject: string, n: number) => ({ subject, kind: subject.split(':')[0] === 'survey' ? 'invitation' : 'reminder', rule: 'r1', sequence: 1, recipient: `rcpt-${n}` });

  /** Each subject: two lines sent, one failed after trying, one skipped before any address (unsubscribed). */
  beforeAll(async () => {
    for (const subject of subjects) {
      for (const [n, outcome] of (['sent', 'sent', 'failed', 'skipped'] as const).entries()) {
        const ref = line(subject, n);
        const claim = await deliveries.claimDispatch(ref, SENT, 60);
        if (claim.status !== 'claimed') throw new Error('claim');
        const to = `d${n}.${suffix}@example.org`;
        if (outcome === 'sent') await deliveries.markDispatchSent(ref, claim.token, SENT, 'ses-id', to);
        else if (outcome === 'failed') await deliveries.releaseDispatch(ref, claim.token, SENT, `Rejected: ${to}`, to);
        else await deliveries.markDispatchSkipped(ref, claim.token, SENT, 'unsubscribed');
      }
    }
  });

  const reports = () => Promise.all(subjects.map(async (subject) => deliveryReport(await deliveries.listDispatchDeliveries(subject))));
  const DUE_AT = new Date('2026-04-05T08:00:00Z'); // sent + 90 days

  it('the lines carry no TTL: the purge, not DynamoDB, decides what goes', async () => {
    const stored = await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: reminderKeys.dispatchDelivery(subjects[0] as string, 'reminder', 'r1', 1, 'rcpt-0') }));
    expect(stored.Item?.['to']).toBe(`d0.${suffix}@example.org`);
    expect(stored.Item).not.toHaveProperty('expiresAt');
  });

  it('the addresses go 90 days after sending, the lines and every report count stay; a second run changes nothing', async () => {
    const before = await reports();
    expect(before.map((r) => r.counts)).toEqual(subjects.map(() => ({ sent: 2, failed: 1, skipped: 1, sending: 0 })));
    const retention = only([]);
    expect((await retention.report(new Date(DUE_AT.getTime() - 1))).counts.deliveries).toBe(0);
    const dry = await retention.report(DUE_AT);
    expect(dry.counts.deliveries).toBe(12);
    expect(dry.objects.filter((o) => o.kind === 'deliveries').map((o) => [o.object, o.id, o.count]).sort()).toEqual(subjects.map((s) => ['subject', s, 3]).sort());

    const run = await retention.run(DUE_AT, { pageSize: 5 });
    expect(run.counts.deliveries).toBe(12);
    expect(run.complete).toBe(true);
    const after = await reports();
    expect(after.map((r) => r.counts)).toEqual(before.map((r) => r.counts));
    const withoutEmail = (r: (typeof before)[number]) => r.deliveries.map((d) => JSON.stringify({ ...d, email: null })).sort();
    expect(after.map(withoutEmail)).toEqual(before.map(withoutEmail));
    expect(after.flatMap((r) => r.deliveries.map((d) => d.email))).toEqual(after.flatMap((r) => r.deliveries.map(() => null)));
    for (const n of [0, 1, 2]) expect(await store.findPersonItems(`d${n}.${suffix}@example.org`)).toEqual([]);
    const failed = await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: reminderKeys.dispatchDelivery(subjects[1] as string, 'reminder', 'r1', 1, 'rcpt-2') }));
    expect(JSON.stringify(failed.Item)).not.toContain(suffix + '@');
    expect(failed.Item).toMatchObject({ state: 'failed', recipient: 'rcpt-2' });

    expect((await retention.run(DUE_AT)).counts.deliveries).toBe(0);
  });
});

describe('survey markers', () => {
  const surveyId = `avis-${suffix}`;
  const input = (closes: string) =>
    SurveyInputSchema.parse({
      meeting_id: recent,
      title: 'Votre avis',
      opens_at: '2026-01-10T16:00:00+01:00',
      closes_at: closes,
      eligibility: 'registered',
      min_group_size: 1,
      questions: [{ id: 'global', type: 'rating', label: 'Note', required: true }],
    });
  const email = `p1.${recent}@example.org`;

  beforeAll(async () => {
    await surveys.putSurvey(surveyId, input('2026-01-31T23:00:00Z'), REGISTERED);
    await surveys.answer(surveyId, AnswerBodySchema.parse({ form_uuid: `a-${suffix}`, email, answers: { global: 5 } }), new Date('2026-01-11T10:00:00Z'));
    // The close moved 60 days later after the answer: the marker must outlive the first close + 30 days.
    await surveys.putSurvey(surveyId, input('2026-04-01T22:00:00Z'), new Date('2026-01-20T10:00:00Z'));
  }, 60_000);

  it('carry no TTL fixed at answer time, and stay while the survey, closed later, still needs them', async () => {
    const marker = await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: surveyKeys.participation(surveyId, participationHash('key', surveyId, email)) }));
    expect(marker.Item).toBeDefined();
    expect(marker.Item).not.toHaveProperty('expiresAt');
    const retention = only([surveyId]);
    // The first close + 30 days: nothing due, the person still cannot answer twice.
    expect((await retention.run(new Date('2026-03-05T00:00:00Z'))).counts['survey-markers']).toBe(0);
    expect(await surveys.hasAnswered(surveyId, email)).toBe(true);
  });

  it('go at the close as it stands + 30 days (participation and replay), once', async () => {
    const retention = only([surveyId]);
    expect((await retention.report(new Date('2026-05-01T21:59:59Z'))).counts['survey-markers']).toBe(0);
    const dueAt = new Date('2026-05-01T22:00:00Z');
    expect((await retention.report(dueAt)).objects.filter((o) => o.kind === 'survey-markers')).toEqual([
      { kind: 'survey-markers', object: 'survey', id: surveyId, due_at: '2026-05-01T22:00:00.000Z', count: 2 },
    ]);
    expect((await retention.run(dueAt)).counts['survey-markers']).toBe(2);
    expect(await surveys.hasAnswered(surveyId, email)).toBe(false);
    expect((await retention.run(dueAt)).counts['survey-markers']).toBe(0);
  });
});
