// A person's access and erasure requests against DynamoDB Local: one person present in every
// context (two registrations, a subscription, a delivery line, a proposal, a co-signature, a
// ballot, a survey answer, a survey invitation's one-click link and opt-out) is exported item by item, then erased: a scan of the table finds
// nothing of their identity, the counts, results and statistics are the same, the person waiting
// for their freed place is confirmed, and erasing again changes nothing. No table is scanned by
// the service: its reads go through the per-person index (asserted on the calls it sends).
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoPeopleRepository } from '#shared/adapters/dynamodb/people-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { DynamoSurveyLinkRepository } from '#shared/adapters/dynamodb/survey-link-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { participationHash } from '#shared/domain/surveys/anonymity.ts';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { CallNonce } from '#shared/domain/call-nonce.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { PeopleService } from '#shared/domain/people/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { SubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { BallotRequestSchema, CampaignInputSchema, CosignatureRequestSchema, ProposalRequestSchema } from '#shared/domain/votes/schema.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `people-data-${suffix}`, NonceTable: `people-nonces-${suffix}` };
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });

// Every command the people service sends, by name (no Scan may appear).
const sent: string[] = [];
const counted = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
counted.middlewareStack.add((next, context) => async (args) => {
  sent.push(String(context.commandName));
  return next(args);
}, { step: 'initialize', name: 'countCommands' });

const PARTICIPATION_KEY = 'people-test-key';
const meetingsRepo = new DynamoMeetingRepository(ddb, tables.DataTable);
const registrationRepo = new DynamoRegistrationRepository(ddb, tables.DataTable, meetingsRepo, tables.NonceTable);
const published: unknown[] = [];
const registrations = new RegistrationService({
  meetings: meetingsRepo,
  store: registrationRepo,
  publisher: { publish: async (n) => void published.push(...n) },
  baseUrl: 'http://club.test',
});
const meetings = new MeetingService(meetingsRepo);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const sessions = new SessionService({
  store: new DynamoSessionRepository(ddb, tables.DataTable, tables.NonceTable),
  confirmations: { publishConfirmation: async () => undefined },
  baseUrl: 'http://club.test',
  logger: silent,
});
const votes = new VoteService({ store: new DynamoVoteRepository(ddb, tables.DataTable, tables.NonceTable) });
const surveys = new SurveyService({
  store: new DynamoSurveyRepository(ddb, tables.DataTable, tables.NonceTable),
  registrations: registrationRepo,
  meetings: meetingsRepo,
  participationKey: async () => PARTICIPATION_KEY,
});
const deliveries = new DynamoDeliveryRepository(ddb, tables.DataTable);
const peopleStore = new DynamoPeopleRepository(counted, tables.DataTable, async () => PARTICIPATION_KEY);
const people = new PeopleService(peopleStore, registrations, silent);

const EMAIL = `perrine.personne.${suffix}@example.org`;
const FIRST = 'Perrine';
const LAST = `Personne${suffix}`;
const surveyIdOf = `avis-${suffix}`;
// The survey markers hold no address but the person's keyed hash: nothing may keep it either.
const identity = [EMAIL, FIRST, LAST, '+33 6 12 34 56 78', participationHash(PARTICIPATION_KEY, surveyIdOf, EMAIL)];

const T0 = new Date('2027-02-01T10:00:00Z');
const ANSWERED = new Date('2027-03-12T10:00:00Z');
const PROPOSING = new Date('2027-04-15T10:00:00Z');
const SENT = new Date('2027-05-01T08:00:00Z');
const VOTING = new Date('2027-06-07T10:00:00Z');
const NOW = new Date('2027-06-10T10:00:00Z');

const futureMeeting = `futur-${suffix}`;
const pastMeeting = `passe-${suffix}`;
const seriesId = `serie-${suffix}`;
const campaignId = `camp-${suffix}`;
const surveyId = surveyIdOf;
const nonce = () => new CallNonce('demarches.example.org', randomUUID(), Math.floor(Date.now() / 1000) + 300);

const meetingInput = (date: string, capacity: number) =>
  MeetingInputSchema.parse({
    title: 'Réunion',
    venue: 'Paris',
    registration_opens_at: '2027-01-01T00:00:00+01:00',
    registration_closes_at: '2027-03-01T00:00:00+01:00',
    days: [{ date, onsite_capacity: capacity, waiting_list: true }],
    workshops: [],
  });

const register = (meetingId: string, form: string, email: string, more: Record<string, unknown> = {}) =>
  registrations.register(
    meetingId,
    RegistrationRequestSchema.parse({ form_uuid: `${form}-${suffix}`, email, last_name: 'Autre', organisation: 'Commune B', onsite_days: [meetingId === futureMeeting ? '2027-09-15' : '2027-03-10'], ...more }),
    T0,
  );

async function scanAll(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const page of paginateScan({ client: ddb }, { TableName: tables.DataTable })) out.push(...((page.Items ?? []) as Array<Record<string, unknown>>));
  return out;
}
const holdingIdentity = (items: Array<Record<string, unknown>>) =>
  items.filter((i) => {
    const text = JSON.stringify(i).toLowerCase();
    return identity.some((x) => text.includes(x.toLowerCase()));
  });

let waitingId = '';
let futureId = '';
let pastId = '';

/** What must not move when a person is erased: counters, results, statistics. */
async function figures() {
  const past = await meetingsRepo.findMeetingWithItems(pastMeeting);
  return {
    past: past?.items.map((i) => [i.key, i.confirmed, i.waiting]),
    pastList: (await registrationRepo.listByMeeting(pastMeeting)).map((r) => [r.id, r.state, r.organisation, r.checked_in, r.image_rights?.answer]),
    results: await votes.results(campaignId, NOW, { publicView: false }),
    survey: await surveys.results(surveyId),
  };
}

beforeAll(async () => {
  await createTables(raw, tables);
  await meetings.putMeeting(futureMeeting, MeetingInputSchema.parse({ ...meetingInput('2027-09-15', 1), registration_closes_at: '2027-09-01T00:00:00+02:00' }), T0);
  await meetings.putMeeting(pastMeeting, MeetingInputSchema.parse({ ...meetingInput('2027-03-10', 10), image_rights_notice: 'Photos ?' }), T0);
  const person = { first_name: FIRST, last_name: LAST, phone: '+33 6 12 34 56 78', organisation: 'Commune A', badge_name: `${FIRST} P.`, dietary_requirements: 'Sans gluten' };
  futureId = (await register(futureMeeting, 'f1', EMAIL, person)).registration.id;
  waitingId = (await register(futureMeeting, 'f2', `waiting.${suffix}@example.org`)).registration.id;
  pastId = (await register(pastMeeting, 'p1', EMAIL, { ...person, image_rights: 'refused' })).registration.id;
  await register(pastMeeting, 'p2', `other.${suffix}@example.org`, { image_rights: 'accepted' });
  await registrations.checkIn(pastId, '2027-03-10', new Date('2027-03-10T08:30:00Z'));

  await sessions.putSeries(
    seriesId,
    SeriesInputSchema.parse({
      title: 'Sessions',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2',
      dtstart: '2027-01-12T14:00',
      until: '2028-12-31',
      duration_minutes: 90,
      visio_url: 'https://visio.example.org/club',
      default_topic: 'Session',
      reminders: [],
    }),
    T0,
  );
  await sessions.subscribe(SubscribeRequestSchema.parse({ series_id: seriesId, form_uuid: `s1-${suffix}`, email: EMAIL, first_name: FIRST, last_name: LAST }), nonce(), T0);

  await surveys.putSurvey(
    surveyId,
    SurveyInputSchema.parse({
      meeting_id: pastMeeting,
      title: 'Votre avis',
      opens_at: '2027-03-10T16:00:00+01:00',
      closes_at: '2027-03-31T23:59:59+02:00',
      min_group_size: 1,
      questions: [{ id: 'global', type: 'rating', label: 'Note', required: true }],
    }),
    T0,
  );
  await surveys.answer(surveyId, AnswerBodySchema.parse({ form_uuid: `a1-${suffix}`, email: EMAIL, answers: { global: 4 } }), ANSWERED);
  // An invitation's one-click link (keyed by its token's hash) and the opt-out it wrote.
  const links = new DynamoSurveyLinkRepository(ddb, tables.DataTable);
  const link = { survey_id: surveyId, title: 'Votre avis', participation: participationHash(PARTICIPATION_KEY, surveyId, EMAIL) };
  await links.saveLink(`lien-${suffix}-abcdefghijklmnopqrstuvwxyz`, link);
  await links.optOut(link, ANSWERED);

  await votes.putCampaign(
    campaignId,
    CampaignInputSchema.parse({
      title: 'Évolutions',
      proposals_open_at: '2027-03-01T00:00:00+01:00',
      proposals_close_at: '2027-05-31T23:59:59+02:00',
      vote_opens_at: '2027-06-07T09:00:00+02:00',
      vote_closes_at: '2027-06-08T17:00:00+02:00',
      method: 'approval',
      max_choices: 2,
      supporters_needed: 2,
      electorate: ['Commune A', 'Commune B', 'Commune C'],
    }),
    T0,
  );
  const proposal = (form: string, organisation: string, email: string, extra: Record<string, unknown> = {}) =>
    votes.propose(
      ProposalRequestSchema.parse({ form_uuid: `${form}-${suffix}`, campaign_id: campaignId, title: `Proposition ${form}`, description: 'D', use_case: 'U', organisation, email, ...extra }),
      nonce(),
      PROPOSING,
    );
  const own = await proposal('pA', 'Commune A', EMAIL, { first_name: FIRST, last_name: LAST });
  const other = await proposal('pB', 'Commune B', `b.${suffix}@example.org`);
  await votes.cosign(own.proposal_id, CosignatureRequestSchema.parse({ form_uuid: `cB-${suffix}`, email: `b.${suffix}@example.org`, organisation: 'Commune B' }), nonce(), PROPOSING);
  await votes.cosign(other.proposal_id, CosignatureRequestSchema.parse({ form_uuid: `cA-${suffix}`, email: EMAIL, first_name: FIRST, last_name: LAST, organisation: 'Commune A' }), nonce(), PROPOSING);
  await votes.castBallot(campaignId, BallotRequestSchema.parse({ form_uuid: `v1-${suffix}`, email: EMAIL, first_name: FIRST, last_name: LAST, organisation: 'Commune A', choices: [own.proposal_id, other.proposal_id] }), nonce(), VOTING);
  await votes.castBallot(campaignId, BallotRequestSchema.parse({ form_uuid: `v2-${suffix}`, email: `b.${suffix}@example.org`, organisation: 'Commune B', choices: [other.proposal_id] }), nonce(), VOTING);
  await votes.closeVote(campaignId, new Date('2027-06-09T10:00:00Z'));

  const ref = { subject: `meeting:${pastMeeting}`, kind: 'reminder', rule: 'r1', sequence: 1, recipient: pastId };
  const claim = await deliveries.claimDispatch(ref, SENT, 60);
  if (claim.status !== 'claimed') throw new Error('claim');
  await deliveries.markDispatchSent(ref, claim.token, SENT, 'ses-1', EMAIL);
}, 120_000);

afterAll(() => {
  ddb.destroy();
  counted.destroy();
  raw.destroy();
});

describe('access and erasure by email', () => {
  it('the export lists the person in every context, and nothing of anyone else', async () => {
    sent.length = 0;
    const out = await people.export(EMAIL.toUpperCase(), NOW);
    expect(out.registrations.map((r) => r['registration_id']).sort()).toEqual([futureId, pastId].sort());
    const past = out.registrations.find((r) => r['registration_id'] === pastId) as Record<string, unknown>;
    expect(past['checked_in']).toEqual({ '2027-03-10': '2027-03-10T08:30:00.000Z' });
    expect(past['image_rights']).toMatchObject({ answer: 'refused' });
    expect(past['phone']).toBe('+33 6 12 34 56 78');
    expect(past).not.toHaveProperty('access_token');
    expect(out.subscriptions).toEqual([expect.objectContaining({ series_id: seriesId, status: 'active', email: EMAIL })]);
    expect(out.deliveries).toEqual([expect.objectContaining({ subject: `meeting:${pastMeeting}`, to: EMAIL, state: 'sent' })]);
    expect(out.proposals).toEqual([expect.objectContaining({ campaign_id: campaignId, organisation: 'Commune A', agent: { email: EMAIL, first_name: FIRST, last_name: LAST } })]);
    expect(out.cosignatures).toEqual([expect.objectContaining({ campaign_id: campaignId, organisation: 'Commune A' })]);
    expect(out.ballots).toEqual([expect.objectContaining({ campaign_id: campaignId, organisation: 'Commune A' })]);
    expect(out.survey_participations).toEqual([{ survey_id: surveyId, closes_at: '2027-03-31T23:59:59+02:00' }]);
    expect(out.survey_invitations).toEqual([{ survey_id: surveyId, closes_at: '2027-03-31T23:59:59+02:00', opted_out: true, links: 1 }]);
    expect(out.survey_answers).toMatch(/sans identité/);
    expect(JSON.stringify(out)).not.toContain('waiting.');
    expect(sent).not.toContain('ScanCommand');
    expect(sent).toContain('QueryCommand');
  });

  it('a dry run counts what an erasure would do and changes nothing', async () => {
    const before = holdingIdentity(await scanAll()).length;
    const counts = await people.erase(EMAIL, false, NOW);
    expect(counts).toEqual({
      registrations_cancelled: 1,
      registrations_anonymised: 2,
      subscriptions_deleted: 1,
      proposals_erased: 1,
      supports_erased: 2,
      ballots_erased: 1,
      deliveries_erased: 1,
      survey_markers_deleted: 3,
      survey_markers_kept: 0,
    });
    expect(holdingIdentity(await scanAll()).length).toBe(before);
    expect(before).toBeGreaterThanOrEqual(10);
  });

  it('erasure leaves nothing of the identity, the same figures, the waiting person confirmed; again changes nothing', async () => {
    const before = await figures();
    expect((await registrationRepo.findById(waitingId))?.items).toEqual([expect.objectContaining({ status: 'waiting' })]);
    sent.length = 0;

    const counts = await people.erase(EMAIL, true, NOW);
    expect(counts).toMatchObject({ registrations_cancelled: 1, registrations_anonymised: 2, subscriptions_deleted: 1, proposals_erased: 1, supports_erased: 2, ballots_erased: 1, deliveries_erased: 1, survey_markers_deleted: 3 });
    expect(sent).not.toContain('ScanCommand');

    expect(holdingIdentity(await scanAll())).toEqual([]);
    expect(await figures()).toEqual(before);
    // The freed place went to the first person waiting, as for any cancellation.
    expect((await registrationRepo.findById(waitingId))?.items).toEqual([expect.objectContaining({ status: 'confirmed' })]);
    expect(published).toEqual([expect.objectContaining({ registration_id: waitingId })]);
    const past = await registrationRepo.findById(pastId);
    expect(past).toMatchObject({ organisation: 'Commune A', email: '', last_name: '', checked_in: { '2027-03-10': '2027-03-10T08:30:00.000Z' }, image_rights: { answer: 'refused' } });
    expect(past?.anonymised_at).toBe(NOW.toISOString());
    expect(await surveys.hasAnswered(surveyId, EMAIL)).toBe(false);

    const snapshot = await scanAll();
    expect(await people.erase(EMAIL, true, NOW)).toEqual({
      registrations_cancelled: 0,
      registrations_anonymised: 0,
      subscriptions_deleted: 0,
      proposals_erased: 0,
      supports_erased: 0,
      ballots_erased: 0,
      deliveries_erased: 0,
      survey_markers_deleted: 0,
      survey_markers_kept: 0,
    });
    expect(await scanAll()).toEqual(snapshot);
    const again = await people.export(EMAIL, NOW);
    expect([again.registrations, again.subscriptions, again.deliveries, again.proposals, again.cosignatures, again.ballots, again.survey_participations, again.survey_invitations]).toEqual([[], [], [], [], [], [], [], []]);
  });
});
