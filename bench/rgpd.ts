// Personal data benchmark (issue 19), against DynamoDB Local (in memory), in this process.
//
//   npm run bench -- rgpd            full run
//   npm run bench -- rgpd --quick    smoke run with small counts
//
// 1. Export and erasure of one person holding 20 items (8 registrations — 4 of them to future
//    meetings, so cancelled first with a waiting person promoted —, 4 subscriptions, 4 delivery
//    lines, a proposal, a co-signature, a ballot, a survey marker) among many other people:
//    DynamoDB calls by operation (no Scan allowed) and time.
// 2. The daily purge over N registrations due (10,000) and N delivery lines whose address is due:
//    time, DynamoDB calls per item; then a second run (nothing left to do): time and calls.
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { registrationKeys, personKeys, reminderKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoPeopleRepository } from '#shared/adapters/dynamodb/people-repository.ts';
import { DynamoRegistrationRepository, registrationItem } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { CallNonce } from '#shared/domain/call-nonce.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { PeopleService, RetentionService } from '#shared/domain/people/service.ts';
import { RegistrationRequestSchema, type Registration } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { SubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { BallotRequestSchema, CampaignInputSchema, CosignatureRequestSchema, ProposalRequestSchema } from '#shared/domain/votes/schema.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import { logger } from '#shared/lambda/logger.ts';
import { localClientConfig } from '../scripts/local/aws.ts';
import { startEmulators } from '../scripts/local/emulators.ts';
import { createTables } from '../scripts/local/tables.ts';
import { addDelta, DynamoCallCounter, totalCalls, type CallCounts } from './lib/dynamo-calls.ts';
import { machineInfo } from './lib/machine.ts';
import { writeResults } from './lib/results.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const T0 = new Date('2027-02-01T10:00:00Z');
const NOW = new Date('2027-06-10T10:00:00Z');

export async function runRgpdBench(opts: { quick: boolean }): Promise<boolean> {
  const purgeCount = opts.quick ? 1000 : 10_000;
  const others = opts.quick ? 200 : 2000;
  logger.setLogLevel('WARN');
  const startedAt = new Date();
  const suffix = randomBytes(3).toString('hex');
  const emulators = await startEmulators({ inMemory: true });
  const ddbClient = new DynamoDBClient(localClientConfig(emulators.dynamodbEndpoint));
  const ddb = DynamoDBDocumentClient.from(ddbClient, { marshallOptions: { removeUndefinedValues: true } });
  const counter = new DynamoCallCounter().start();
  const measure = async <T>(work: () => Promise<T>) => {
    const before = counter.snapshot();
    const t0 = performance.now();
    const value = await work();
    const ms = performance.now() - t0;
    const calls: CallCounts = {};
    addDelta(calls, before, counter.snapshot());
    return { value, ms: Math.round(ms * 10) / 10, calls, total: totalCalls(calls) };
  };
  try {
    const table = `bench-rgpd-${suffix}`;
    const nonces = `bench-rgpd-n-${suffix}`;
    await createTables(ddbClient, { DataTable: table, NonceTable: nonces });
    const meetingsRepo = new DynamoMeetingRepository(ddb, table);
    const registrationRepo = new DynamoRegistrationRepository(ddb, table, meetingsRepo, nonces);
    const registrations = new RegistrationService({ meetings: meetingsRepo, store: registrationRepo, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test', logger: silent });
    const meetings = new MeetingService(meetingsRepo);
    const sessions = new SessionService({ store: new DynamoSessionRepository(ddb, table, nonces), confirmations: { publishConfirmation: async () => undefined }, baseUrl: 'http://club.test', logger: silent });
    const votes = new VoteService({ store: new DynamoVoteRepository(ddb, table, nonces) });
    const surveys = new SurveyService({ store: new DynamoSurveyRepository(ddb, table, nonces), registrations: registrationRepo, meetings: meetingsRepo, participationKey: async () => 'bench-key' });
    const deliveries = new DynamoDeliveryRepository(ddb, table);
    const store = new DynamoPeopleRepository(ddb, table, async () => 'bench-key');
    const people = new PeopleService(store, registrations, silent);
    const nonce = () => new CallNonce('demarches.example.org', randomUUID(), Math.floor(Date.now() / 1000) + 300);

    // 1. One person with 20 items, among others.
    const EMAIL = `personne-${suffix}@bench.example.org`;
    const meetingInput = (date: string) =>
      MeetingInputSchema.parse({
        title: 'Réunion',
        venue: 'Paris',
        registration_opens_at: '2027-01-01T00:00:00+01:00',
        registration_closes_at: '2027-03-01T00:00:00+01:00',
        days: [{ date, onsite_capacity: others, waiting_list: true }],
      });
    const register = (meetingId: string, date: string, email: string, form: string) =>
      registrations.register(meetingId, RegistrationRequestSchema.parse({ form_uuid: form, email, first_name: 'Prénom', last_name: 'Nom', organisation: 'Commune A', onsite_days: [date] }), T0);
    for (let m = 0; m < 8; m++) {
      const date = m < 4 ? `2027-03-1${m}` : `2027-09-1${m}`;
      await meetings.putMeeting(`m${m}-${suffix}`, meetingInput(date), T0);
      await register(`m${m}-${suffix}`, date, EMAIL, `f-${m}-${suffix}`);
    }
    // Other people: in the first meeting (and, for the future ones, one waiting each).
    for (let i = 0; i < others; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, others - i) }, (_, k) => register(`m0-${suffix}`, '2027-03-10', `autre${i + k}-${suffix}@bench.example.org`, `o-${i + k}-${suffix}`)));
    }
    for (let m = 4; m < 8; m++) {
      await meetings.putMeeting(`m${m}-${suffix}`, MeetingInputSchema.parse({ ...meetingInput(`2027-09-1${m}`), registration_closes_at: '2027-09-01T00:00:00+02:00', days: [{ date: `2027-09-1${m}`, onsite_capacity: 1, waiting_list: true }] }), T0);
      await register(`m${m}-${suffix}`, `2027-09-1${m}`, `attente${m}-${suffix}@bench.example.org`, `w-${m}-${suffix}`);
    }
    const seriesBody = { title: 'S', timezone: 'Europe/Paris', rrule: 'FREQ=MONTHLY', dtstart: '2027-01-12T14:00', until: '2028-12-31', duration_minutes: 60, visio_url: 'https://visio.example.org/b', default_topic: 'S', reminders: [] };
    for (let s = 0; s < 4; s++) {
      await sessions.putSeries(`s${s}-${suffix}`, SeriesInputSchema.parse(seriesBody), T0);
      await sessions.subscribe(SubscribeRequestSchema.parse({ series_id: `s${s}-${suffix}`, form_uuid: `sub-${s}-${suffix}`, email: EMAIL }), nonce(), T0);
      const ref = { subject: `s${s}-${suffix}-2027-02-09`, kind: 'reminder', rule: 'r', sequence: 0, recipient: `sub-${s}` };
      const claim = await deliveries.claimDispatch(ref, T0, 60);
      if (claim.status === 'claimed') await deliveries.markDispatchSent(ref, claim.token, T0, 'ses', EMAIL);
    }
    await surveys.putSurvey(
      `avis-${suffix}`,
      SurveyInputSchema.parse({ meeting_id: `m0-${suffix}`, title: 'Avis', opens_at: '2027-03-10T16:00:00+01:00', closes_at: '2027-03-31T23:59:59+02:00', min_group_size: 1, questions: [{ id: 'q', type: 'rating', label: 'Note', required: true }] }),
      T0,
    );
    await surveys.answer(`avis-${suffix}`, AnswerBodySchema.parse({ form_uuid: `a-${suffix}`, email: EMAIL, answers: { q: 5 } }), new Date('2027-03-12T10:00:00Z'));
    const campaign = `c-${suffix}`;
    await votes.putCampaign(
      campaign,
      CampaignInputSchema.parse({ title: 'C', proposals_open_at: '2027-03-01T00:00:00+01:00', proposals_close_at: '2027-05-31T23:59:59+02:00', vote_opens_at: '2027-06-07T09:00:00+02:00', vote_closes_at: '2027-06-08T17:00:00+02:00', method: 'approval', max_choices: 2, electorate: ['Commune A', 'Commune B'] }),
      T0,
    );
    const propose = (form: string, organisation: string, email: string) =>
      votes.propose(ProposalRequestSchema.parse({ form_uuid: form, campaign_id: campaign, title: 'P', description: 'D', use_case: 'U', organisation, email }), nonce(), new Date('2027-04-15T10:00:00Z'));
    const own = await propose(`pa-${suffix}`, 'Commune A', EMAIL);
    const other = await propose(`pb-${suffix}`, 'Commune B', `b-${suffix}@bench.example.org`);
    await votes.cosign(other.proposal_id, CosignatureRequestSchema.parse({ form_uuid: `ca-${suffix}`, email: EMAIL, organisation: 'Commune A' }), nonce(), new Date('2027-04-15T10:00:00Z'));
    await votes.cosign(own.proposal_id, CosignatureRequestSchema.parse({ form_uuid: `cb-${suffix}`, email: `b-${suffix}@bench.example.org`, organisation: 'Commune B' }), nonce(), new Date('2027-04-15T10:00:00Z'));
    await votes.castBallot(campaign, BallotRequestSchema.parse({ form_uuid: `v-${suffix}`, email: EMAIL, organisation: 'Commune A', choices: [own.proposal_id] }), nonce(), new Date('2027-06-07T10:00:00Z'));

    const exported = await measure(() => people.export(EMAIL, NOW));
    const e = exported.value;
    const items = e.registrations.length + e.subscriptions.length + e.deliveries.length + e.proposals.length + e.cosignatures.length + e.ballots.length + e.survey_participations.length;
    const dry = await measure(() => people.erase(EMAIL, false, NOW));
    const erased = await measure(() => people.erase(EMAIL, true, NOW));
    const again = await measure(() => people.erase(EMAIL, true, NOW));
    const changedAgain = Object.values(again.value).reduce((a, b) => a + b, 0);
    console.log(`export of ${items} items: ${exported.total} DynamoDB calls, ${exported.ms} ms; erasure: ${erased.total} calls, ${erased.ms} ms; again: ${again.total} calls, ${changedAgain} changes`);

    // 2. The daily purge over N registrations due (written directly, as stored).
    const purgeMeeting = `purge-${suffix}`;
    await meetings.putMeeting(purgeMeeting, MeetingInputSchema.parse({ ...meetingInput('2026-01-10'), registration_opens_at: '2025-12-01T00:00:00+01:00', registration_closes_at: '2026-01-01T00:00:00+01:00', retention_days: 30 }), new Date('2025-12-15T10:00:00Z'));
    const regs: Registration[] = Array.from({ length: purgeCount }, (_, i) => ({
      id: `r${suffix}${String(i).padStart(20, '0')}`,
      meeting_id: purgeMeeting,
      access_token: randomUUID(),
      form_uuid: `purge-${i}-${suffix}`,
      email: `p${i}-${suffix}@bench.example.org`,
      first_name: 'Prénom',
      last_name: `Nom ${i}`,
      organisation: `Commune ${i % 50}`,
      phone: '0600000000',
      days: [{ date: '2026-01-10', mode: 'onsite' }],
      workshops: [],
      evening_event: false,
      items: [{ key: 'day#2026-01-10', status: 'confirmed' }],
      state: 'active',
      request_hash: 'h',
      checked_in: (i % 3 === 0 ? { '2026-01-10': '2026-01-10T08:00:00.000Z' } : {}) as Record<string, string>,
      version: 1,
      created_at: `2025-12-15T10:00:00.${String(i % 1000).padStart(3, '0')}Z`,
      updated_at: '2025-12-15T10:00:00.000Z',
    }));
    // And one reminder delivery line per registration, sent 2025-11-15 (its address due 2026-02-13), as stored.
    const sentAt = '2025-11-15T08:00:00.000Z';
    const lines = regs.map((r) => ({
      ...reminderKeys.dispatchDelivery(`meeting:${purgeMeeting}`, 'reminder', 'r1', 1, r.id),
      ...reminderKeys.addressListing(sentAt),
      ...personKeys.person(r.email),
      type: 'delivery',
      subject: `meeting:${purgeMeeting}`,
      kind: 'reminder',
      rule: 'r1',
      sequence: 1,
      recipient: r.id,
      state: 'sent',
      to: r.email,
      at: sentAt,
      sent_at: sentAt,
      claimed_at: sentAt,
      detail: 'ses',
    }));
    const puts = [
      ...regs.flatMap((r) => [
        registrationItem(r),
        { ...registrationKeys.email(r.meeting_id, r.email), ...personKeys.person(r.email), type: 'email', registration_id: r.id, form_uuid: r.form_uuid },
      ]),
      ...lines,
    ];
    for (let i = 0; i < puts.length; i += 25 * 8) {
      await Promise.all(
        Array.from({ length: 8 }, async (_, k) => {
          const chunk = puts.slice(i + k * 25, i + (k + 1) * 25);
          if (chunk.length === 0) return;
          let pending: Record<string, unknown>[] = chunk.map((Item) => ({ PutRequest: { Item } }));
          while (pending.length > 0) {
            const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
            pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
          }
        }),
      );
    }
    const retention = new RetentionService(store, silent);
    const at = new Date('2026-03-01T00:00:00Z');
    const report = await measure(() => retention.report(at));
    const run = await measure(() => retention.run(at));
    const second = await measure(() => retention.run(at));
    const purged = run.value.objects.find((o) => o.id === purgeMeeting)?.count ?? 0;
    const left = second.value.objects.find((o) => o.id === purgeMeeting)?.count ?? 0;
    const addresses = run.value.counts.deliveries;
    const addressesLeft = second.value.counts.deliveries;
    const perItem = run.total / (purgeCount + addresses);
    console.log(
      `purge of ${purgeCount} registrations and ${purgeCount} delivery lines: ${purged} anonymised, ${addresses} addresses erased in ${run.ms} ms, ${run.total} DynamoDB calls (${perItem.toFixed(3)} per item); second run ${second.ms} ms, ${second.total} calls, ${left + addressesLeft} changed`,
    );

    const scans = [exported, dry, erased, again, report, run, second].reduce((n, m) => n + (m.calls['Scan']?.calls ?? 0), 0);
    const result = {
      benchmark: 'rgpd',
      quick: opts.quick,
      startedAt: startedAt.toISOString(),
      machine: machineInfo(),
      person: {
        items,
        otherPeopleInTable: others + 4,
        export: { ms: exported.ms, dynamoCalls: exported.calls, total: exported.total },
        dryRun: { ms: dry.ms, total: dry.total, counts: dry.value },
        erase: { ms: erased.ms, dynamoCalls: erased.calls, total: erased.total, counts: erased.value },
        eraseAgain: { ms: again.ms, total: again.total, changes: changedAgain },
      },
      purge: {
        registrationsDue: purgeCount,
        report: { ms: report.ms, total: report.total },
        deliveryLinesDue: purgeCount,
        run: {
          ms: run.ms,
          anonymised: purged,
          addressesErased: addresses,
          dynamoCalls: run.calls,
          total: run.total,
          callsPerItem: Math.round(perItem * 1000) / 1000,
          msPerItem: Math.round((run.ms / (purgeCount + addresses)) * 1000) / 1000,
        },
        secondRun: { ms: second.ms, total: second.total, changed: left + addressesLeft },
      },
      scans,
    };
    const ok = scans === 0 && items === 20 && changedAgain === 0 && purged === purgeCount && left === 0 && addresses === purgeCount && addressesLeft === 0;
    const files = writeResults('rgpd', startedAt, result, { latest: ok && !opts.quick });
    console.log(`${ok ? 'ok' : 'FAILED'}; results: ${files.latest ?? files.file}`);
    return ok;
  } finally {
    counter.stop();
    ddbClient.destroy();
    await emulators.stop();
  }
}
