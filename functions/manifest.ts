// Every Lambda entry point and, for HTTP functions, the API routes it serves. The CDK stack
// and the local gateway both read this list; a unit test checks that each handler's own
// router declares exactly these routes.

export type TableAccess = 'read' | 'readWrite';

export interface HttpFunctionSpec {
  name: string;
  entry: string;
  description: string;
  /** HTTP API route keys, e.g. `GET /meetings/{meetingId}`. */
  routes: string[];
  tables: { data?: TableAccess; nonces?: TableAccess };
  /** Sends messages to the notification queue (NOTIFY_QUEUE_URL). */
  sendsNotifications: boolean;
  /** Reads the Publik signature keys (verifies signed calls or signs its own). */
  usesPublikKeys: boolean;
  usesAdminTokens: boolean;
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
      'POST /meetings/{meetingId}/registrations',
      'GET /registrations/{registrationId}',
      'POST /registrations/{registrationId}',
      'POST /registrations/{registrationId}/cancel',
    ],
    tables: { data: 'readWrite', nonces: 'readWrite' },
    sendsNotifications: true,
    usesPublikKeys: true,
    usesAdminTokens: false,
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
    ],
    tables: { data: 'readWrite' },
    sendsNotifications: true,
    usesPublikKeys: false,
    usesAdminTokens: true,
  },
];
