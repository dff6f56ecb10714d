// What the meeting reminder source reads: the meeting, its registrations page by page (gsi1,
// in order of arrival; cancelled ones filtered out) and one registration with its positions.
import { QueryCommand, type DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';
import * as z from 'zod';
import { registrationKeys } from '#shared/adapters/dynamodb/keys.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { MeetingReminderCatalog } from '#shared/domain/registrations/reminder-source.ts';
import type { AudiencePage } from '#shared/domain/reminders/ports.ts';
import type { RegistrationRepository } from '#shared/domain/registrations/ports.ts';
import { RegistrationSchema } from '#shared/domain/registrations/schema.ts';

const ListedSchema = z.object({ registration: RegistrationSchema.pick({ id: true, state: true }) });

export const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
export const decodeCursor = (cursor: string | null) =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;

export class DynamoMeetingReminderCatalog implements MeetingReminderCatalog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meetings: Pick<MeetingRepository, 'findMeeting'>,
    private readonly registrationRepository: Pick<RegistrationRepository, 'findById' | 'waitingPositions'>,
  ) {}

  findMeeting(meetingId: string) {
    return this.meetings.findMeeting(meetingId);
  }

  async registrations(meetingId: string, cursor: string | null, limit: number): Promise<AudiencePage> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': registrationKeys.meetingListingPartition(meetingId) },
        ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, #registration.#id, #registration.#state',
        ExpressionAttributeNames: { '#registration': 'registration', '#id': 'id', '#state': 'state' },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const recipients = (out.Items ?? [])
      .map((item) => ListedSchema.parse(item).registration)
      .filter((r) => r.state === 'active')
      .map((r) => r.id);
    return { recipients, cursor: encodeCursor(out.LastEvaluatedKey) };
  }

  findRegistration(registrationId: string) {
    return this.registrationRepository.findById(registrationId);
  }

  waitingPositions(registration: Parameters<RegistrationRepository['waitingPositions']>[0]) {
    return this.registrationRepository.waitingPositions(registration);
  }
}
