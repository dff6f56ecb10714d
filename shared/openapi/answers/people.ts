// What the personal-data routes answer in `data` (shared/domain/people: service.ts, views.ts).
import * as z from 'zod';

const count = () => z.int().min(0);
const instant = () => z.string().meta({ description: 'ISO 8601 instant' });
const kind = () => z.enum(['registrations', 'subscriptions', 'agents', 'deliveries', 'survey-markers']);

export const RetentionReportSchema = z.object({
  at: instant(),
  dry_run: z.boolean(),
  complete: z.boolean().meta({ description: 'false: the run stopped at its time budget; the next run goes on.' }),
  counts: z.object({ registrations: count(), subscriptions: count(), agents: count(), deliveries: count(), 'survey-markers': count() }),
  objects: z.array(
    z.object({
      kind: kind(),
      object: z.enum(['meeting', 'series', 'campaign', 'subject', 'survey']).meta({
        description: '`subject`: a delivery report\'s subject (its lines keep their status, their address is erased); `survey`: its participation, replay and opt-out markers and invitation links',
      }),
      id: z.string(),
      due_at: instant().nullable(),
      count: count(),
    }),
  ),
});

const agent = z.object({ email: z.string(), first_name: z.string().nullable(), last_name: z.string().nullable() });

export const PersonExportSchema = z.object({
  email: z.string(),
  exported_at: instant(),
  registrations: z.array(
    z.looseObject({ registration_id: z.string(), meeting_id: z.string(), state: z.string(), email: z.string(), last_name: z.string(), organisation: z.string() }),
  ).meta({ description: 'Each registration as stored (items, check-ins, image-rights answer), without its link tokens.' }),
  subscriptions: z.array(
    z.object({
      series_id: z.string(),
      subscriber_id: z.string(),
      status: z.enum(['active', 'unsubscribed']),
      email: z.string(),
      first_name: z.string().nullable(),
      last_name: z.string().nullable(),
      organisation: z.string().nullable(),
      subscribed_at: instant(),
      unsubscribed_at: instant().nullable(),
    }),
  ),
  deliveries: z.array(
    z.object({ subject: z.string(), kind: z.string(), sequence: z.int(), state: z.enum(['sending', 'sent', 'skipped', 'failed']), to: z.string().nullable(), at: instant() }),
  ),
  proposals: z.array(
    z.object({ proposal_id: z.string(), campaign_id: z.string(), title: z.string(), organisation: z.string(), submitted_at: instant(), agent }),
  ),
  cosignatures: z.array(
    z.object({ proposal_id: z.string(), campaign_id: z.string(), organisation: z.string(), at: instant(), comment: z.string().nullable(), agent }),
  ),
  ballots: z.array(z.object({ campaign_id: z.string(), organisation: z.string(), cast_at: instant(), agent })),
  survey_participations: z.array(z.object({ survey_id: z.string(), closes_at: instant() })),
  survey_invitations: z
    .array(z.object({ survey_id: z.string(), closes_at: instant(), opted_out: z.boolean(), links: count() }))
    .meta({ description: 'Per survey: the opt-out from its invitations and the one-click links sent (keyed hashes, no address).' }),
  survey_answers: z.string().meta({ description: 'Why the answers themselves cannot be found (they are stored without identity).' }),
});

export const ErasureAnswerSchema = z.object({
  dry_run: z.boolean(),
  counts: z.object({
    registrations_cancelled: count(),
    registrations_anonymised: count(),
    subscriptions_deleted: count(),
    proposals_erased: count(),
    supports_erased: count(),
    ballots_erased: count(),
    deliveries_erased: count(),
    survey_markers_deleted: count(),
    survey_markers_kept: count().meta({ description: 'Markers of open surveys: kept until the close, so that the person cannot answer twice.' }),
  }),
});
