// What the survey invitation source reads: the survey, its meeting, the meeting's registrations
// page by page (gsi1, in order of arrival: id, state and check-ins only), one registration, and
// the participation markers of the survey (BatchGetItem by keyed hash).
import { QueryCommand, type DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';
import * as z from 'zod';
import { registrationKeys } from '#shared/adapters/dynamodb/keys.ts';
import { decodeCursor, encodeCursor } from '#shared/adapters/dynamodb/meeting-reminder-catalog.ts';
import type { MeetingRepository } from '#shared/domain/meetings/ports.ts';
import type { ListedRegistration, SurveyInvitationCatalog } from '#shared/domain/surveys/invitation-source.ts';
import type { RegistrationRepository } from '#shared/domain/registrations/ports.ts';
import { RegistrationSchema } from '#shared/domain/registrations/schema.ts';
import type { SurveyRepository } from '#shared/domain/surveys/ports.ts';

const ListedSchema = z.object({ registration: RegistrationSchema.pick({ id: true, state: true, meeting_id: true, checked_in: true }) });

export class DynamoSurveyInvitationCatalog implements SurveyInvitationCatalog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly surveys: Pick<SurveyRepository, 'findSurvey' | 'participationsAmong'>,
    private readonly meetings: Pick<MeetingRepository, 'findMeeting'>,
    private readonly registrationRepository: Pick<RegistrationRepository, 'findById'>,
    readonly participationKey: () => Promise<string>,
  ) {}

  findSurvey(surveyId: string) {
    return this.surveys.findSurvey(surveyId);
  }

  findMeeting(meetingId: string) {
    return this.meetings.findMeeting(meetingId);
  }

  async registrations(meetingId: string, cursor: string | null, limit: number): Promise<{ registrations: ListedRegistration[]; cursor: string | null }> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': registrationKeys.meetingListingPartition(meetingId) },
        ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, #registration.#id, #registration.#state, #registration.#meeting, #registration.#checked',
        ExpressionAttributeNames: { '#registration': 'registration', '#id': 'id', '#state': 'state', '#meeting': 'meeting_id', '#checked': 'checked_in' },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    return { registrations: (out.Items ?? []).map((item) => ListedSchema.parse(item).registration), cursor: encodeCursor(out.LastEvaluatedKey) };
  }

  findRegistration(registrationId: string) {
    return this.registrationRepository.findById(registrationId);
  }

  participationsAmong(surveyId: string, hashes: string[]) {
    return this.surveys.participationsAmong(surveyId, hashes);
  }
}
