// What every function builds once per cold start: config, clients and the secrets loader.
import type { DynamoDBDocumentClient } from '#shared/adapters/aws/sdk.ts';
import { lazySqsClient, memoize } from '#shared/adapters/aws/lazy-client.ts';
import { DynamoMeetingStore } from '#shared/adapters/dynamodb/meeting-repository.ts';
import { DynamoRegistrationStore } from '#shared/adapters/dynamodb/registration-repository.ts';
import { MissingQueuePublisher, SqsNotificationPublisher } from '#shared/adapters/sqs/notification-queue.ts';
import { MeetingService } from '#shared/domain/meetings/service.ts';
import { RegistrationService } from '#shared/domain/registrations/service.ts';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoNonceStore } from '#shared/adapters/dynamodb/nonce-store.ts';
import { parseConfig, type Config } from '#shared/config.ts';
import type { HttpDeps } from '#shared/lambda/http.ts';
import { checkinKeyOf } from '#shared/lambda/checkin-key.ts';
import { extensionEndpoint, resolveSecrets, type Secrets } from '#shared/lambda/secrets.ts';

export interface ServiceContext {
  config: Config;
  ddb: DynamoDBDocumentClient;
  secrets: () => Promise<Secrets>;
  httpDeps: HttpDeps;
}

export function createServiceContext(env: Record<string, string | undefined> = process.env): ServiceContext {
  const config = parseConfig(env);
  const ddb = createDocumentClient(config);
  const extension = extensionEndpoint(env);
  // Read once per cold start, on the first request (the extension does not answer during
  // init); a failed read is retried by the next invocation.
  const secrets = memoize(() => resolveSecrets(config, extension));
  return {
    config,
    ddb,
    secrets,
    httpDeps: { secrets, nonceStore: new DynamoNonceStore(ddb, config.nonceTable) },
  };
}

/** The meeting and registration use cases over DynamoDB and the notification queue. */
export function createRegistrationContext(ctx: ServiceContext) {
  const meetingStore = new DynamoMeetingStore(ctx.ddb, ctx.config.dataTable);
  const registrationStore = new DynamoRegistrationStore(ctx.ddb, ctx.config.dataTable, meetingStore, ctx.config.nonceTable);
  const publisher = ctx.config.notifyQueueUrl
    ? new SqsNotificationPublisher(lazySqsClient(ctx.config.sqsEndpoint), ctx.config.notifyQueueUrl)
    : new MissingQueuePublisher();
  const meetings = new MeetingService(meetingStore);
  const registrations = new RegistrationService({
    meetings: meetingStore,
    store: registrationStore,
    publisher,
    baseUrl: ctx.config.publicBaseUrl,
    checkinKey: checkinKeyOf(ctx),
  });
  return {
    meetingStore,
    registrationStore,
    meetings,
    registrations,
  };
}
