// Every Lambda entry point and, for HTTP functions, the API routes it serves. The CDK stack
// and the local gateway both read this list; a unit test checks that each handler's own
// router declares exactly these routes.
// The OpenAPI document (GET /openapi.json) lists these routes too: each HTTP function has a
// `functions/<name>/openapi.ts` describing every route of its entry here (answer schema, error
// classes, guide, example); the generator refuses a route without one (README, "The API reference").

/**
 * `read`: get, batch get, query (table and named indexes), condition checks; `readWrite`: plus
 * put, update, delete, batch write; `putOnly`: PutItem alone (claiming signature nonces).
 */
export type TableAccess = 'read' | 'readWrite' | 'putOnly';

export interface HttpFunctionSpec {
  name: string;
  entry: string;
  description: string;
  /** HTTP API route keys, e.g. `GET /meetings/{meetingId}`. */
  routes: string[];
  /**
   * Routes opened by a personal link that carries its own unguessable token, without a
   * Publik signature or an admin token (e.g. a calendar file). Every other route is signed
   * (or, under /admin, needs a bearer token).
   */
  linkTokenRoutes?: string[];
  /** Routes open to anyone by design (the API reference). */
  publicRoutes?: string[];
  tables: { data?: TableAccess; nonces?: TableAccess };
  /** Restricted indexes it queries (shared/adapters/dynamodb/tables.ts), e.g. `people`. */
  indexes?: string[];
  /** Sends messages to the notification queue (NOTIFY_QUEUE_URL). */
  sendsNotifications: boolean;
  /** Other queues it sends to, by the envVar of their consumer (e.g. REMINDERS_QUEUE_URL). */
  sendsTo?: string[];
  /** Reads the Publik signature keys (verifies signed calls or signs its own). */
  usesPublikKeys: boolean;
  usesAdminTokens: boolean;
  /** Reads the key of the survey participation markers (PARTICIPATION_HASH_KEY). */
  usesParticipationKey?: boolean;
  /** Reads the key the badges' check-in tokens are derived from (CHECKIN_TOKEN_KEY). */
  usesCheckinTokenKey?: boolean;
  /** Default 10 s. */
  timeoutSeconds?: number;
  /** Default 512 MB. */
  memorySize?: number;
  /**
   * Code loaded on demand from a file of its own beside the bundle (index.mjs), with files it
   * reads: built at synth like the bundle (infra/lazy-chunk.ts). See http-badges.
   */
  lazyChunk?: { entry: string; outfile: string; files: string[] };
  /**
   * Files shipped beside the bundle (infra/constructs/service-function.ts): `reference` = openapi.json + Redoc;
   * `console` = the built console (scripts/build-console.ts) in `console/`.
   */
  assets?: 'reference' | 'console';
  /**
   * The organisers' console sign-in (http-console): reads the OpenID Connect client secret and the
   * session key. Every function with `usesAdminTokens` reads the session key too (the cookie).
   */
  usesConsoleSignIn?: boolean;
}

export const httpFunctions: HttpFunctionSpec[] = [
  {
    name: 'http-registration',
    entry: 'functions/http-registration/handler.ts',
    description: 'Meetings data sources and registrations (signed Publik calls)',
    routes: [
      'GET /meetings',
      'GET /meetings/{meetingId}',
      'GET /meetings/{meetingId}/days',
      'GET /meetings/{meetingId}/workshops',
      'GET /meetings/{meetingId}/programme',
      'POST /meetings/{meetingId}/registrations',
      'GET /registrations/{registrationId}',
      'POST /registrations/{registrationId}',
      'POST /registrations/{registrationId}/cancel',
      'GET /registrations/{registrationId}/calendar.ics',
    ],
    linkTokenRoutes: ['GET /registrations/{registrationId}/calendar.ics'],
    tables: { data: 'readWrite', nonces: 'putOnly' },
    sendsNotifications: true,
    usesPublikKeys: true,
    usesAdminTokens: false,
    // A registration's check-in token is derived and its hash written in the registration's own transaction.
    usesCheckinTokenKey: true,
  },
  {
    name: 'http-admin',
    entry: 'functions/http-admin/handler.ts',
    description: 'Organiser API under /admin (bearer tokens)',
    routes: [
      'GET /admin/meetings',
      'PUT /admin/meetings/{meetingId}',
      'GET /admin/meetings/{meetingId}',
      'GET /admin/meetings/{meetingId}/registrations',
      'GET /admin/meetings/{meetingId}/workshops/{workshopId}/roster',
      'GET /admin/meetings/{meetingId}/evening',
      'GET /admin/meetings/{meetingId}/image-rights-refusals',
      'POST /admin/registrations/{registrationId}/check-in',
      'POST /admin/check-in/{checkinToken}',
      // An ad-hoc message to a meeting's attendees: stored here, fanned out by the reminder tick.
      'POST /admin/meetings/{meetingId}/messages',
    ],
    tables: { data: 'readWrite' },
    sendsNotifications: true,
    usesPublikKeys: false,
    usesAdminTokens: true,
  },
  {
    // A function of its own: the PDF engine (pdf-lib, fontkit, qrcode: 1.4 MB minified) and its
    // fonts never ship with http-admin, whose check-in route must start fast at the door; it gets
    // more memory (CPU) and time for 200 badges. The engine is a lazy chunk beside index.mjs
    // (loaded on the first PDF), so the bundle itself stays within the size budget.
    name: 'http-badges',
    entry: 'functions/http-badges/handler.ts',
    description: 'Badges PDF with QR check-in codes under /admin (bearer tokens)',
    routes: ['GET /admin/meetings/{meetingId}/badges.pdf'],
    tables: { data: 'readWrite' },
    sendsNotifications: false,
    usesPublikKeys: false,
    usesAdminTokens: true,
    usesCheckinTokenKey: true,
    timeoutSeconds: 20,
    memorySize: 1024,
    lazyChunk: {
      entry: 'shared/adapters/pdf/badge-pdf.ts',
      outfile: 'badge-pdf.mjs',
      files: ['node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'],
    },
  },
  {
    // The console's meeting and door pages: fill levels from the counters, the registrations
    // search, check-in undo and a badge's preview. Beside http-admin, whose bundle is at budget.
    name: 'http-desk',
    entry: 'functions/http-desk/handler.ts',
    description: 'Organisers\' desk under /admin: fill levels, registrations search, check-in undo, badge preview, waiting lists by hand',
    routes: [
      'GET /admin/meetings/{meetingId}/fill',
      'GET /admin/meetings/{meetingId}/registrations/search',
      'DELETE /admin/registrations/{registrationId}/check-in/{day}',
      'GET /admin/check-in/{checkinToken}',
      // Waiting lists by hand: a promotion is notified through the queue, as an automatic one.
      'POST /admin/registrations/{registrationId}/promote',
      'POST /admin/registrations/{registrationId}/waiting-position',
    ],
    tables: { data: 'readWrite' },
    sendsNotifications: true,
    usesPublikKeys: false,
    usesAdminTokens: true,
  },
  {
    name: 'http-votes',
    entry: 'functions/http-votes/handler.ts',
    description: 'Improvement proposals, co-signatures and the organisation vote (signed Publik calls; /admin/campaigns with bearer tokens)',
    routes: [
      'POST /proposals',
      'GET /proposals',
      'GET /proposals/{proposalId}',
      'POST /proposals/{proposalId}/cosignatures',
      'GET /campaigns/{campaignId}',
      'GET /campaigns/{campaignId}/proposals',
      'POST /campaigns/{campaignId}/ballots',
      'GET /campaigns/{campaignId}/results',
      'PUT /admin/campaigns/{campaignId}',
      'GET /admin/campaigns/{campaignId}',
      'POST /admin/campaigns/{campaignId}/open',
      'POST /admin/campaigns/{campaignId}/close',
      'GET /admin/campaigns/{campaignId}/results',
      'GET /admin/campaigns/{campaignId}/ballots',
      'POST /admin/campaigns/{campaignId}/recount',
      'GET /admin/campaigns',
      'GET /admin/campaigns/{campaignId}/proposals',
    ],
    tables: { data: 'readWrite', nonces: 'putOnly' },
    sendsNotifications: false,
    usesPublikKeys: true,
    usesAdminTokens: true,
  },
  {
    name: 'http-sessions',
    entry: 'functions/http-sessions/handler.ts',
    description: 'Online session series: occurrences data source, subscriptions, one-click unsubscribe, /admin routes',
    routes: [
      'GET /sessions',
      'POST /sessions/subscriptions',
      'POST /sessions/subscriptions/cancel',
      'GET /u/{token}',
      'POST /u/{token}',
      'PUT /admin/session-series/{seriesId}',
      'PUT /admin/sessions/{occurrenceId}',
      'GET /admin/session-series',
      'GET /admin/session-series/{seriesId}/subscribers',
    ],
    linkTokenRoutes: ['GET /u/{token}', 'POST /u/{token}'],
    tables: { data: 'readWrite', nonces: 'putOnly' },
    // Confirmations go to the reminder engine's queue, not the notify queue.
    sendsNotifications: false,
    sendsTo: ['REMINDERS_QUEUE_URL'],
    usesPublikKeys: true,
    usesAdminTokens: true,
  },
  {
    name: 'http-surveys',
    entry: 'functions/http-surveys/handler.ts',
    description: 'Feedback surveys: questions, anonymous answers (signed Publik calls) and results (/admin)',
    routes: [
      'GET /surveys/{surveyId}',
      'GET /surveys/{surveyId}/questions/{questionId}/options',
      'POST /surveys/{surveyId}/responses',
      'PUT /admin/surveys/{surveyId}',
      'GET /admin/surveys/{surveyId}',
      'GET /admin/surveys/{surveyId}/results',
      'GET /admin/surveys',
    ],
    tables: { data: 'readWrite', nonces: 'putOnly' },
    sendsNotifications: false,
    usesPublikKeys: true,
    usesAdminTokens: true,
    usesParticipationKey: true,
  },
  {
    name: 'http-reminders',
    entry: 'functions/http-reminders/handler.ts',
    description: 'Reminder engine reports under /admin: deliveries of an occurrence, a meeting or a survey (bearer tokens)',
    routes: [
      'GET /admin/sessions/{occurrenceId}/deliveries',
      'GET /admin/meetings/{meetingId}/deliveries',
      'GET /admin/surveys/{surveyId}/deliveries',
    ],
    tables: { data: 'read' },
    sendsNotifications: false,
    usesPublikKeys: false,
    usesAdminTokens: true,
  },
  {
    name: 'http-reference',
    entry: 'functions/http-reference/handler.ts',
    description: 'The API reference: the OpenAPI document and its page (public, no store)',
    routes: ['GET /openapi.json', 'GET /docs', 'GET /docs/{file}'],
    publicRoutes: ['GET /openapi.json', 'GET /docs', 'GET /docs/{file}'],
    tables: {},
    sendsNotifications: false,
    usesPublikKeys: false,
    usesAdminTokens: false,
    // The document and the renderer are files beside the bundle, made at synth time.
    assets: 'reference',
  },
  {
    // A light function of its own: http-admin is at its bundle budget. Records are written by
    // every function with admin writes (the HTTP chain, shared/lambda/http.ts); this one reads them.
    name: 'http-audit',
    entry: 'functions/http-audit/handler.ts',
    description: 'The audit trail of organiser writes under /admin (bearer tokens)',
    routes: ['GET /admin/audit'],
    tables: { data: 'read' },
    sendsNotifications: false,
    usesPublikKeys: false,
    usesAdminTokens: true,
  },
  {
    // Personal data (RGPD): retention report and run, a person's export and erasure. Apart from
    // http-admin (its bundle is near the budget); erasing a future registration cancels it, and
    // the promotions it allows queue their notifications.
    name: 'http-people',
    entry: 'functions/http-people/handler.ts',
    description: 'Personal data under /admin: retention report and run, export and erasure by email (bearer tokens)',
    routes: ['GET /admin/retention', 'POST /admin/retention/run', 'POST /admin/people/export', 'POST /admin/people/erase'],
    tables: { data: 'readWrite' },
    // The per-person index: the only functions allowed to find everything about someone.
    indexes: ['people'],
    sendsNotifications: true,
    usesPublikKeys: false,
    usesAdminTokens: true,
    // Survey participation markers are keyed by HMAC(email): found (and deleted) by computing it.
    usesParticipationKey: true,
    // A run by hand stops at 20 s (the HTTP API answers within 30 s).
    timeoutSeconds: 29,
  },
  {
    // The organisers' console (docs/console.md): page shells, fingerprinted assets beside the
    // bundle, and the OpenID Connect sign-in. No table: the pages call the /admin routes.
    name: 'http-console',
    entry: 'functions/http-console/handler.ts',
    description: 'The organisers\' console: pages, assets, sign-in with the Publik account (OpenID Connect)',
    routes: ['GET /console', 'GET /console/login', 'GET /console/callback', 'POST /console/logout', 'GET /console/session', 'GET /console/{proxy+}'],
    publicRoutes: ['GET /console', 'GET /console/login', 'GET /console/callback', 'POST /console/logout', 'GET /console/session', 'GET /console/{proxy+}'],
    tables: {},
    sendsNotifications: false,
    usesPublikKeys: false,
    usesAdminTokens: false,
    usesConsoleSignIn: true,
    assets: 'console',
  },
];

/** Consumers of an SQS queue (with its dead-letter queue), in AWS and in the local runtime. */
export interface QueueConsumerSpec {
  name: string;
  entry: string;
  description: string;
  queue: {
    /** Short name; the stack and the local runtime derive physical names from it. */
    name: string;
    /** Environment variable carrying the queue URL to the functions that send to it. */
    envVar: string;
    maxReceiveCount: number;
    /** Local runtime only; in AWS the construct sets 6 × the function timeout. */
    visibilityTimeout: number;
    batchSize: number;
    /** Most concurrent invocations the event source starts (2–1000); default: no cap. */
    maxConcurrency?: number;
  };
  tables: { data?: TableAccess };
  usesPublikKeys: boolean;
  sendsEmail: boolean;
  /** Other queues it sends to, by the envVar of their consumer. */
  sendsTo?: string[];
  /** Reads the key of the survey participation markers (PARTICIPATION_HASH_KEY). */
  usesParticipationKey?: boolean;
}

/**
 * A queue consumer that sends emails (SES) from a queue of its own. In AWS its batch size,
 * concurrency cap and pace derive from the account's SES rate (infra/ses-rate.ts,
 * docs/operations.md); the queue settings here are the values of prod's default rate (14/s).
 */
function emailSender(
  spec: Pick<QueueConsumerSpec, 'name' | 'description' | 'usesPublikKeys' | 'usesParticipationKey'> & { queue: { name: string; envVar: string } },
): QueueConsumerSpec {
  const { name, description, queue, ...uses } = spec;
  return {
    name,
    entry: `functions/${name}/handler.ts`,
    description,
    queue: { ...queue, maxReceiveCount: 5, visibilityTimeout: 30, batchSize: 10, maxConcurrency: 2 },
    tables: { data: 'readWrite' },
    sendsEmail: true,
    ...uses,
  };
}

export const queueConsumers: QueueConsumerSpec[] = [
  emailSender({
    name: 'queue-notifier',
    description: 'Notifications: promotion emails (SES) and signed callbacks to w.c.s. forms',
    queue: { name: 'notify', envVar: 'NOTIFY_QUEUE_URL' },
    usesPublikKeys: true,
  }),
  emailSender({
    name: 'queue-reminders',
    // A queue of its own: a 10,000-recipient fan-out never delays promotion emails.
    description: 'Reminder engine deliveries: session reminders, updates, cancellations, confirmations, meeting reminders and survey invitations (SES)',
    queue: { name: 'reminders', envVar: 'REMINDERS_QUEUE_URL' },
    usesPublikKeys: false,
    // Survey invitations skip whoever answered: their participation marker is keyed by it.
    usesParticipationKey: true,
  }),
];

/** Functions run by an EventBridge Scheduler schedule (locally: `npm run tick`). */
export interface ScheduledFunctionSpec {
  name: string;
  entry: string;
  description: string;
  /** Schedule expression, e.g. `rate(5 minutes)`. */
  schedule: string;
  tables: { data?: TableAccess };
  /** Restricted indexes it queries (shared/adapters/dynamodb/tables.ts), e.g. `people`. */
  indexes?: string[];
  sendsNotifications: boolean;
  /** Other queues it sends to, by the envVar of their consumer (e.g. REMINDERS_QUEUE_URL). */
  sendsTo?: string[];
  /** Default 60 s. */
  timeoutSeconds?: number;
}

export const scheduledFunctions: ScheduledFunctionSpec[] = [
  {
    name: 'schedule-maintenance',
    entry: 'functions/schedule-maintenance/handler.ts',
    description: 'Repairs what a crash left half done: pending promotions and undelivered notifications',
    schedule: 'rate(5 minutes)',
    tables: { data: 'readWrite' },
    sendsNotifications: true,
  },
  {
    name: 'schedule-reminders',
    entry: 'functions/schedule-reminders/handler.ts',
    description: 'Reminder engine tick: plans due reminders (one sparse-index query) and fans them out to the reminders queue',
    schedule: 'rate(5 minutes)',
    tables: { data: 'readWrite' },
    sendsNotifications: false,
    sendsTo: ['REMINDERS_QUEUE_URL'],
  },
  {
    name: 'schedule-retention',
    entry: 'functions/schedule-retention/handler.ts',
    description: 'Retention purge (RGPD): anonymises registrations, deletes ended subscriptions, erases agents when their time is up',
    schedule: 'rate(1 day)',
    tables: { data: 'readWrite' },
    // A deleted subscription's form markers are found through the per-person index.
    indexes: ['people'],
    sendsNotifications: false,
    // Stops itself at 240 s; the next day's run goes on where it stopped.
    timeoutSeconds: 300,
  },
];
