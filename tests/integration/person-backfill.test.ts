// The one-off backfill of the personal-data attributes (issue 19, scripts/backfill-person.ts)
// against DynamoDB Local: one person's items made live in every context, then turned into what
// the code before the per-person index, the survey and marker listings, the delivery lines
// without TTL and the series' `last_date` left (attributes removed, TTL put back). The export
// then finds nothing; a dry run counts and writes nothing; a run resumed from its cursor fixes
// everything (the export finds them all, the purge sees the markers, the addresses and the
// count-only series' end); running again changes nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoPeopleRepository } from '#shared/adapters/dynamodb/people-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoSessionRepository } from '#shared/adapters/dynamodb/session-repository.ts';
import { DynamoSurveyLinkRepository } from '#shared/adapters/dynamodb/survey-link-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { DynamoVoteRepository } from '#shared/adapters/dynamodb/vote-repository.ts';
import { CallNonce } from '#shared/domain/call-nonce.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { PeopleService, RetentionService } from '#shared/domain/people/service.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { SubscribeRequestSchema } from '#shared/domain/sessions/schema.ts';
import { SeriesInputSchema } from '#shared/domain/sessions/series-input.ts';
import { SessionService } from '#shared/domain/sessions/service.ts';
import { participationHash } from '#shared/domain/surveys/anonymity.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { BallotRequestSchema, CampaignInputSchema, ProposalRequestSchema } from '#shared/domain/votes/schema.ts';
import { VoteService } from '#shared/domain/votes/service.ts';
import { backfillPerson } from '../../scripts/backfill-person.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `pbf-data-${suffix}`, NonceTable: `pbf-nonces-${suffix}` };
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const KEY = 'backfill-key';

const meetingsRepo = new DynamoMeetingRepository(ddb, tables.DataTable);
const registrationRepo = new DynamoRegistrationRepository(ddb, tables.DataTable, meetingsRepo, tables.NonceTable);
const registrations = new RegistrationService({ meetings: meetingsRepo, store: registrationRepo, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const sessions = new SessionService({
  store: new DynamoSessionRepository(ddb, tables.DataTable, tables.NonceTable),
  confirmations: { publishConfirmation: async () => undefined },
  baseUrl: 'http://club.test',
  logger: silent,
});
const votes = new VoteService({ store: new DynamoVoteRepository(ddb, tables.DataTable, tables.NonceTable) });
const surveys = new SurveyService({ store: new DynamoSurveyRepository(ddb, tables.DataTable, tables.NonceTable), registrations: registrationRepo, meetings: meetingsRepo, participationKey: async () => KEY });
const store = new DynamoPeopleRepository(ddb, tables.DataTable, async () => KEY);
const people = new PeopleService(store, registrations, silent);
const retention = new RetentionService(store, silent);
const nonce = () => new CallNonce('demarches.example.org', randomUUID(), Math.floor(Date.now() / 1000) + 300);

const EMAIL = `legacy.${suffix}@example.org`;
const T0 = new Date('2026-02-01T10:00:00Z');
const meetingId = `ancienne-${suffix}`;
const seriesId = `compte-${suffix}`;
const surveyId = `avis-${suffix}`;
const campaignId = `camp-${suffix}`;

type Item = Record<string, unknown>;
async function scanAll(): Promise<Item[]> {
  const out: Item[] = [];
  for await (const page of paginateScan({ client: ddb }, { TableName: tables.DataTable, ConsistentRead: true })) out.push(...((page.Items ?? []) as Item[]));
  return out;
}
const sortKeyed = (items: Item[]) => items.map((i) => JSON.stringify(i)).sort();

/** What the code before issue 19's attributes left: no `person`, no listings, TTL on lines and markers, no `last_date`. */
async function makeLegacy(): Promise<void> {
  const expires = Math.floor(Date.parse('2026-06-01T00:00:00Z') / 1000);
  for (const item of await scanAll()) {
    const type = String(item['type']);
    const removes = ['#person'];
    const names: Record<string, string> = { '#person': 'person' };
    const values: Record<string, unknown> = {};
    let set = '';
    const marker = ['survey-participation', 'survey-form', 'survey-optout', 'survey-optout-link'].includes(type);
    const line = type === 'delivery' && String(item['pk']).startsWith('DLV#');
    if (marker || line || (type === 'survey' && item['sk'] === 'META')) {
      removes.push('#g1', '#g2');
      Object.assign(names, { '#g1': 'gsi1pk', '#g2': 'gsi1sk' });
    }
    if (marker || line) {
      set = 'SET #ttl = :ttl';
      names['#ttl'] = 'expiresAt';
      values[':ttl'] = expires;
    }
    if (type === 'session-series') {
      removes.push('#last');
      names['#last'] = 'last_date';
    }
    await ddb.send(
      new UpdateCommand({
        TableName: tables.DataTable,
        Key: { pk: item['pk'], sk: item['sk'] },
        UpdateExpression: `${set} REMOVE ${removes.join(', ')}`.trim(),
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }
}

const found = async () => {
  const out = await people.export(EMAIL, T0);
  return {
    registrations: out.registrations.length,
    subscriptions: out.subscriptions.length,
    deliveries: out.deliveries.length,
    proposals: out.proposals.length,
    ballots: out.ballots.length,
    survey_participations: out.survey_participations.length,
    survey_invitations: out.survey_invitations.length,
  };
};

beforeAll(async () => {
  await createTables(raw, tables);
  await new MeetingService(meetingsRepo).putMeeting(
    meetingId,
    MeetingInputSchema.parse({
      title: 'Réunion',
      venue: 'Paris',
      registration_opens_at: '2026-01-01T00:00:00+01:00',
      registration_closes_at: '2026-03-01T00:00:00+01:00',
      days: [{ date: '2026-03-10', onsite_capacity: 10, waiting_list: false }],
    }),
    T0,
  );
  const reg = await registrations.register(
    meetingId,
    RegistrationRequestSchema.parse({ form_uuid: `r-${suffix}`, email: EMAIL, last_name: 'Ancien', organisation: 'Commune A', onsite_days: ['2026-03-10'] }),
    T0,
  );
  await sessions.putSeries(
    seriesId,
    SeriesInputSchema.parse({
      title: 'Sessions',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2',
      dtstart: '2026-02-10T14:00',
      count: 2,
      duration_minutes: 60,
      visio_url: 'https://visio.example.org/club',
      default_topic: 'Session',
      reminders: [],
    }),
    T0,
  );
  await sessions.subscribe(SubscribeRequestSchema.parse({ series_id: seriesId, form_uuid: `s-${suffix}`, email: EMAIL, first_name: 'Anne' }), nonce(), T0);
  await votes.putCampaign(
    campaignId,
    CampaignInputSchema.parse({
      title: 'Évolutions',
      proposals_open_at: '2026-01-01T00:00:00+01:00',
      proposals_close_at: '2026-02-10T00:00:00+01:00',
      vote_opens_at: '2026-02-15T09:00:00+01:00',
      vote_closes_at: '2026-02-20T17:00:00+01:00',
      method: 'approval',
      max_choices: 1,
      supporters_needed: 1,
      electorate: ['Commune A'],
    }),
    T0,
  );
  const p = await votes.propose(
    ProposalRequestSchema.parse({ form_uuid: `p-${suffix}`, campaign_id: campaignId, title: 'Prop', description: 'D', use_case: 'U', organisation: 'Commune A', email: EMAIL }),
    nonce(),
    T0,
  );
  await votes.castBallot(campaignId, BallotRequestSchema.parse({ form_uuid: `v-${suffix}`, email: EMAIL, organisation: 'Commune A', choices: [p.proposal_id] }), nonce(), new Date('2026-02-16T10:00:00Z'));
  await surveys.putSurvey(
    surveyId,
    SurveyInputSchema.parse({
      meeting_id: meetingId,
      title: 'Votre avis',
      opens_at: '2026-01-10T16:00:00+01:00',
      closes_at: '2026-03-31T23:00:00+02:00',
      min_group_size: 1,
      questions: [{ id: 'global', type: 'rating', label: 'Note', required: true }],
    }),
    T0,
  );
  await surveys.answer(surveyId, AnswerBodySchema.parse({ form_uuid: `a-${suffix}`, email: EMAIL, answers: { global: 3 } }), T0);
  const links = new DynamoSurveyLinkRepository(ddb, tables.DataTable);
  const link = { survey_id: surveyId, title: 'Votre avis', participation: participationHash(KEY, surveyId, EMAIL) };
  await links.saveLink(`lien-${suffix}-abcdefghijklmnopqrstuvwxyz`, link);
  await links.optOut(link, T0);
  const deliveries = new DynamoDeliveryRepository(ddb, tables.DataTable);
  const ref = { subject: `meeting:${meetingId}`, kind: 'reminder', rule: 'r1', sequence: 1, recipient: reg.registration.id };
  const claim = await deliveries.claimDispatch(ref, T0, 60);
  if (claim.status !== 'claimed') throw new Error('claim');
  await deliveries.markDispatchSent(ref, claim.token, T0, 'ses-1', EMAIL);

  await makeLegacy();
}, 120_000);

afterAll(() => {
  ddb.destroy();
  raw.destroy();
});

const LIVE = { registrations: 1, subscriptions: 1, deliveries: 1, proposals: 1, ballots: 1, survey_participations: 1, survey_invitations: 1 };
const NONE = { registrations: 0, subscriptions: 0, deliveries: 0, proposals: 0, ballots: 0, survey_participations: 0, survey_invitations: 0 };

describe('backfill-person', () => {
  it('legacy items: the export finds nothing; a dry run counts each fix and writes nothing', async () => {
    expect(await found()).toEqual(NONE);
    const before = sortKeyed(await scanAll());
    const dry = await backfillPerson(ddb, tables.DataTable, { apply: false });
    // person: registration, email marker, subscription, pointer, link token, form marker, proposal, proposer's support, ballot.
    expect(dry.fixed).toEqual({ person: 9, 'delivery-line': 1, 'survey-listing': 1, 'survey-marker': 4, 'series-end': 1 });
    expect(dry.cursor).toBeNull();
    expect(sortKeyed(await scanAll())).toEqual(before);
  });

  it('a run resumed from its cursor fixes them all: the export finds them, the purge sees them, no TTL is left', async () => {
    const first = await backfillPerson(ddb, tables.DataTable, { apply: true, pageSize: 7, maxPages: 1 });
    expect(first.cursor).not.toBeNull();
    const rest = await backfillPerson(ddb, tables.DataTable, { apply: true, pageSize: 7, cursor: first.cursor });
    expect(rest.cursor).toBeNull();
    const total = Object.fromEntries(Object.keys(first.fixed).map((k) => [k, first.fixed[k as keyof typeof first.fixed] + rest.fixed[k as keyof typeof rest.fixed]]));
    expect(total).toEqual({ person: 9, 'delivery-line': 1, 'survey-listing': 1, 'survey-marker': 4, 'series-end': 1 });
    expect(first.moved + rest.moved).toBe(0);

    expect(await found()).toEqual(LIVE);
    expect((await scanAll()).filter((i) => i['expiresAt'] !== undefined && /^(DLV#|SURVEY)/.test(String(i['pk'])))).toEqual([]);
    // The purge: the count-only series ends 2026-03-10 (+ 90 days), the address of 2026-02-01 goes on 2026-05-02,
    // the survey's four markers at its close + 30 days.
    const report = await retention.report(new Date('2026-06-09T00:00:00Z'));
    expect(report.objects.find((o) => o.id === seriesId)?.count).toBe(1);
    expect(report.counts.deliveries).toBe(1);
    expect(report.objects.find((o) => o.id === surveyId)).toMatchObject({ kind: 'survey-markers', count: 4 });
  });

  it('again: nothing to fix, nothing written', async () => {
    const before = sortKeyed(await scanAll());
    const again = await backfillPerson(ddb, tables.DataTable, { apply: true });
    expect(again.fixed).toEqual({ person: 0, 'delivery-line': 0, 'survey-listing': 0, 'survey-marker': 0, 'series-end': 0 });
    expect(sortKeyed(await scanAll())).toEqual(before);
  });
});
