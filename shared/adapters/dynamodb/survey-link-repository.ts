// The one-click links of survey invitations and the opt-out markers (keys in keys.ts,
// `surveyKeys.optOut` / `optOutLink`). Apart from DynamoSurveyRepository so that the function
// serving `/u/{token}` (http-sessions) carries only this. The link item is keyed by the token's
// SHA-256, like the sessions' one-click items; neither item holds an email.
import { ConditionalCheckFailedException, type DynamoDBDocumentClient, GetCommand, PutCommand } from '#shared/adapters/aws/sdk.ts';
import * as z from 'zod';
import { batchGet, itemKey } from '#shared/adapters/dynamodb/batch-get.ts';
import { surveyKeys } from '#shared/adapters/dynamodb/keys.ts';
import { tokenHash } from '#shared/adapters/dynamodb/session-repository.ts';
import type { OptOutLink, SurveyLinkRepository } from '#shared/domain/surveys/ports.ts';

const LinkSchema = z.object({ survey_id: z.string(), title: z.string(), participation: z.string() });

export class DynamoSurveyLinkRepository implements SurveyLinkRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async saveLink(token: string, link: OptOutLink): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...surveyKeys.optOutLink(tokenHash(token)),
          // Listed with the survey's markers: exported and erased with them, purged at the close + 30 days.
          ...surveyKeys.markerListing(link.survey_id, surveyKeys.markerSort.link(link.participation, tokenHash(token))),
          type: 'survey-optout-link',
          ...link,
        },
      }),
    );
  }

  async findLink(token: string): Promise<OptOutLink | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: surveyKeys.optOutLink(tokenHash(token)), ConsistentRead: true }));
    return out.Item ? LinkSchema.parse(out.Item) : undefined;
  }

  async optOut(link: OptOutLink, now: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...surveyKeys.optOut(link.survey_id, link.participation),
            ...surveyKeys.markerListing(link.survey_id, surveyKeys.markerSort.optOut(link.participation)),
            type: 'survey-optout',
            at: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async invitationState(surveyId: string, participation: string): Promise<{ answered: boolean; optedOut: boolean }> {
    const answered = surveyKeys.participation(surveyId, participation);
    const optedOut = surveyKeys.optOut(surveyId, participation);
    const found = await batchGet(this.client, this.tableName, [answered, optedOut]);
    return { answered: found.has(itemKey(answered)), optedOut: found.has(itemKey(optedOut)) };
  }
}
