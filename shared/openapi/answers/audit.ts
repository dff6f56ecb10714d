// What GET /admin/audit answers in `data` (shared/domain/audit/views.ts).
import * as z from 'zod';

const actor = z
  .union([z.object({ kind: z.literal('token'), label: z.string() }), z.object({ kind: z.literal('console'), sub: z.string() })])
  .meta({ description: 'An admin token by its label (`ADMIN_TOKENS` entry `label:token`, else `token-<position>`), or a console organiser by their OpenID `sub`.' });

export const AuditRecordsSchema = z.array(
  z.object({
    at: z.string().meta({ description: 'ISO 8601 instant of the write' }),
    actor,
    action: z.string().meta({ description: '`<object>.<verb>`, e.g. `meeting.put`, `campaign.open`, `registration.check-in`' }),
    target: z.string().nullable().meta({ description: 'The object id (meeting, campaign, survey, series, occurrence, registration); null for a whole-service action' }),
    counts: z.record(z.string(), z.int()).nullable().meta({ description: 'What an export, an erasure or a purge changed: counts only, never personal data' }),
  }),
);
