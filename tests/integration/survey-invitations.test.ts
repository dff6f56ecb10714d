// Survey invitations through THE reminder engine against the emulators (DynamoDB Local, fauxqs,
// SES emulator): real survey, registration and ledger repositories, the consumer chain as Lambda
// runs it. Five eligible people (and one cancelled registration), two of whom answered before
// send_at: the invitation reaches the three others; the first reminder reaches whoever still has
// not answered; the same tick run again sends nothing.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoDeliveryRepository } from '#shared/adapters/dynamodb/delivery-repository.ts';
import { reminderKeys } from '#shared/adapters/dynamodb/keys.ts';
import { DynamoMeetingRepository } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationRepository } from '#shared/adapters/dynamodb/registration-repository.ts';
import { DynamoReminderRepository } from '#shared/adapters/dynamodb/reminder-repository.ts';
import { DynamoSurveyLinkRepository } from '#shared/adapters/dynamodb/survey-link-repository.ts';
import { DynamoSurveyRepository } from '#shared/adapters/dynamodb/survey-repository.ts';
import { SesMailer } from '#shared/adapters/ses/mailer.ts';
import { SqsReminderQueue } from '#shared/adapters/sqs/reminder-queue.ts';
import { MeetingInputSchema } from '#shared/domain/meetings/schema.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { ReminderDelivery, ReminderEngine } from '#shared/domain/reminders/engine.ts';
import { RemindersQueueMessageSchema, toDeliverMessage, type DeliverMessage } from '#shared/domain/reminders/model.ts';
import { SurveyInvitationSource } from '#shared/domain/surveys/invitation-source.ts';
import { RegistrationRequestSchema } from '#shared/domain/registrations/schema.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { AnswerBodySchema, SurveyInputSchema } from '#shared/domain/surveys/schema.ts';
import { SurveyService } from '#shared/domain/surveys/service.ts';
import { sqsConsumer } from '#shared/lambda/sqs.ts';
import { localClientConfig } from '../../scripts/local/aws.ts';
import { createQueueWithDlq, startQueuePoller, type QueueWithDlq } from '../../scripts/local/queue-poller.ts';
import { createTables } from '../../scripts/local/tables.ts';

const endpoints = inject('emulators');
const suffix = randomBytes(4).toString('hex');
const tables = { DataTable: `inv-data-${suffix}`, NonceTable: `inv-nonces-${suffix}` };
const KEY = 'integration-participation-key';
const raw = new DynamoDBClient(localClientConfig(endpoints.dynamodbEndpoint));
const ddb = createDocumentClient({ dynamodbEndpoint: endpoints.dynamodbEndpoint });
const sqs = new SQSClient(localClientConfig(endpoints.sqsEndpoint));
const meetings = new DynamoMeetingRepository(ddb, tables.DataTable);
const registrationRepository = new DynamoRegistrationRepository(ddb, tables.DataTable, meetings, tables.NonceTable);
const registrations = new RegistrationService({ meetings, store: registrationRepository, publisher: { publish: async () => undefined }, baseUrl: 'http://club.test' });
const surveyRepository = new DynamoSurveyRepository(ddb, tables.DataTable, tables.NonceTable);
const source = new SurveyInvitationSource({
  surveys: surveyRepository,
  meetings,
  registrations: registrationRepository,
  participationKey: async () => KEY,
  links: new DynamoSurveyLinkRepository(ddb, tables.DataTable),
  baseUrl: 'https://club.test.example',
});
const ledger = new DynamoReminderRepository(ddb, tables.DataTable);
const deliveries = new DynamoDeliveryRepository(ddb, tables.DataTable);
const mailer = new SesMailer(new SESv2Client(localClientConfig(endpoints.sesEndpoint)), 'Club utilisateurs Publik <club@example.org>');
let queue: QueueWithDlq;
// A small page size: the audience (6 registrations) is read over several pages.
const engine = () => new ReminderEngine({ sources: { survey: source }, ledger, queue: new SqsReminderQueue(sqs, queue.queueUrl), pageSize: 4 });
const surveys = new SurveyService({
  store: surveyRepository,
  registrations: registrationRepository,
  meetings,
  participationKey: async () => KEY,
  reminders: { refreshNextDue: (kind, id, now) => engine().refreshNextDue(kind, id, now) },
});
const delivery = new ReminderDelivery({ sources: { survey: source }, deliveries, mailer });

const meetingId = `club-${suffix}`;
const surveyId = `avis-${suffix}`;
const domain = `inv-${suffix}.test`;
const email = (i: number) => `personne${i}@${domain}`;
const registeredAt = new Date('2027-05-02T10:00:00Z');
const SEND_AT = new Date('2027-06-09T07:00:00.000Z');
const R1 = new Date('2027-06-13T07:00:00.000Z');
const surveyBody = {
  meeting_id: meetingId,
  title: 'Votre avis sur le club',
  opens_at: '2027-06-08T16:00:00+02:00',
  closes_at: '2027-06-30T23:59:59+02:00',
  questions: [{ id: 'global', type: 'rating', label: 'Note globale', required: true }],
  invitations: { form_url: 'https://demarches.example.org/club/avis/', send_at: '2027-06-09T09:00:00+02:00', reminder_after_days: 4, max_reminders: 2 },
};

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}

async function emails(): Promise<StoredEmail[]> {
  const answer = await fetch(`${endpoints.sesEndpoint}/store`);
  const { emails: all } = (await answer.json()) as { emails: StoredEmail[] };
  return all.filter((e) => e.destination.to.some((to) => to.endsWith(`@${domain}`)));
}

/** Drains the reminders queue through the consumer (two pollers: two Lambda instances). */
async function drain(): Promise<void> {
  const handler = sqsConsumer({
    name: 'queue-reminders',
    schema: RemindersQueueMessageSchema,
    concurrency: 5,
    handle: async (message) => {
      await delivery.deliver(toDeliverMessage(message));
    },
  });
  const pollers = await Promise.all(
    [1, 2].map(() => startQueuePoller({ sqs, queueUrl: queue.queueUrl, queueArn: queue.queueArn, handler, functionName: 'queue-reminders', onError: () => undefined })),
  );
  try {
    await Promise.all(pollers.map((p) => p.idle(60_000)));
  } finally {
    await Promise.all(pollers.map((p) => p.stop()));
  }
}

const answer = (i: number, at: Date) =>
  surveys.answer(surveyId, AnswerBodySchema.parse({ form_uuid: `form-${i}-${suffix}`, email: email(i).toUpperCase(), answers: { global: 4 } }), at);

const ids: string[] = [];

beforeAll(async () => {
  await createTables(raw, tables);
  queue = await createQueueWithDlq(sqs, `inv-reminders-${suffix}`, { maxReceiveCount: 3, visibilityTimeout: 1 });
  await new MeetingService(meetings).putMeeting(
    meetingId,
    MeetingInputSchema.parse({
      title: 'Club de test',
      venue: 'Villejuif',
      registration_opens_at: '2027-01-01T00:00:00+01:00',
      registration_closes_at: '2027-06-01T00:00:00+01:00',
      days: [{ date: '2027-06-07', onsite_capacity: 150, waiting_list: false }],
      workshops: [],
    }),
    registeredAt,
  );
  for (let i = 0; i < 6; i++) {
    const outcome = await registrations.register(
      meetingId,
      RegistrationRequestSchema.parse({
        form_uuid: `reg-${i}-${suffix}`,
        email: email(i),
        first_name: `Prénom${i}`,
        last_name: `Nom ${i}`,
        organisation: 'Ville de Test',
        onsite_days: ['2027-06-07'],
      }),
      registeredAt,
    );
    ids.push(outcome.registration.id);
  }
  // The sixth cancelled: not eligible.
  await registrations.cancel(ids[5] as string, registeredAt);
}, 120_000);

afterAll(() => {
  sqs.destroy();
  ddb.destroy();
  raw.destroy();
});

describe('survey invitations (DynamoDB Local, fauxqs, SES emulator)', () => {
  it('the PUT schedules the invitation at send_at', async () => {
    const put = await surveys.putSurvey(surveyId, SurveyInputSchema.parse(surveyBody), registeredAt);
    expect(put.created).toBe(true);
    const schedule = await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: reminderKeys.schedule('survey', surveyId), ConsistentRead: true }));
    expect(schedule.Item).toMatchObject({ next_due_at: SEND_AT.toISOString() });
  });

  it('invites the eligible people who have not answered; reminds only those who still have not', { timeout: 180_000 }, async () => {
    // Two answer as soon as the survey opens, before the invitation (upper case: normalised).
    await answer(0, new Date('2027-06-08T15:00:00Z'));
    await answer(1, new Date('2027-06-08T15:00:00Z'));

    expect(await engine().tick(new Date('2027-06-09T06:55:00Z'))).toMatchObject({ owners: 0, queued: 0 });
    // The audience is the five eligible registrations; two are skipped at delivery.
    expect(await engine().tick(SEND_AT)).toMatchObject({ owners: 1, fannedOut: 1, queued: 5, unfinished: 0 });
    await drain();
    const invited = await emails();
    expect(invited.map((e) => e.destination.to[0]).sort()).toEqual([email(2), email(3), email(4)]);
    const sample = invited[0] as StoredEmail;
    expect(sample.subject).toBe('Votre avis sur « Club de test »');
    expect(sample.body.text).toContain('https://demarches.example.org/club/avis/');
    expect(sample.body.text).toContain('jusqu’au mercredi 30 juin 2027');

    const rows = await deliveries.listDispatchDeliveries(surveyId);
    expect(rows.filter((r) => r.kind === 'invitation' && r.state === 'sent')).toHaveLength(3);
    expect(rows.filter((r) => r.kind === 'invitation' && r.state === 'skipped').map((r) => r.recipient).sort()).toEqual([ids[0], ids[1]].sort());

    // One more answers after the invitation: the first reminder goes to the last two.
    await answer(2, new Date('2027-06-10T08:00:00Z'));
    expect(await engine().tick(R1)).toMatchObject({ fannedOut: 1, queued: 5 });
    // The same tick again (a retried run): nothing new.
    expect(await engine().tick(R1)).toMatchObject({ fannedOut: 0, queued: 0, skipped: 0 });
    await drain();
    const reminded = (await emails()).filter((e) => e.subject.startsWith('Rappel : '));
    expect(reminded.map((e) => e.destination.to[0]).sort()).toEqual([email(3), email(4)]);
    expect(reminded[0]?.body.text).toContain('Petit rappel');
    expect(await emails()).toHaveLength(5);

    // A redelivered message is a no-op (the delivery marker).
    const again: DeliverMessage = {
      type: 'reminder.deliver',
      owner_kind: 'survey',
      owner_id: surveyId,
      subject: surveyId,
      kind: 'reminder',
      rule: 'r1',
      sequence: 0,
      recipient: ids[3] as string,
    };
    expect(await delivery.deliver(again)).toBe('already-done');
    expect(await emails()).toHaveLength(5);

    const schedule = await ddb.send(new GetCommand({ TableName: tables.DataTable, Key: reminderKeys.schedule('survey', surveyId), ConsistentRead: true }));
    expect(schedule.Item).toMatchObject({ next_due_at: '2027-06-17T07:00:00.000Z' });
  });
});
