// What the vote routes answer in `data`, as zod schemas (see shared/openapi/answers/meetings.ts).
// From shared/domain/votes (campaign.ts views, ballot.ts answers, ranking.ts results).
import * as z from 'zod';
import { METHODS, VISIBILITIES } from '#shared/domain/votes/schema.ts';

const count = () => z.int().min(0);
const instant = () => z.string().meta({ description: 'ISO 8601 instant' });
const status = () => z.enum(['cosignable', 'eligible']).meta({ description: '`eligible`: enough supports to be on the ballot.' });
const voteStatus = () => z.enum(['not-open', 'open', 'closed']);

export const ProposalAnswerSchema = z.object({
  proposal_id: z.string(),
  campaign_id: z.string(),
  status: status(),
  supporters: count(),
  supporters_needed: count(),
  replayed: z.boolean(),
});

/** What a proposal shows in a data source (w.c.s. `id`/`text`, `disabled` greyed out). */
const proposalItemShape = {
  id: z.string(),
  text: z.string(),
  disabled: z.boolean().optional(),
  title: z.string(),
  organisation: z.string(),
};

export const ProposalItemsSchema = z.array(
  z.object({
    ...proposalItemShape,
    campaign_id: z.string(),
    status: status(),
    supporters: count(),
    supporters_needed: count(),
  }),
);

export const ProposalViewSchema = z.object({
  proposal_id: z.string(),
  campaign_id: z.string(),
  title: z.string(),
  description: z.string(),
  use_case: z.string(),
  component: z.string().nullable(),
  organisation: z.string(),
  status: status(),
  supporters: count(),
  supporters_needed: count(),
  supporting_organisations: z.array(z.string()),
  submitted_at: instant(),
  on_ballot: z.boolean().nullable().meta({ description: 'null until the vote opens (the ballot is frozen then).' }),
});

export const CosignatureAnswerSchema = z.object({ proposal_id: z.string(), supporters: count(), status: status(), replayed: z.boolean() });

const campaignViewShape = {
  campaign_id: z.string(),
  title: z.string(),
  meeting_id: z.string().nullable(),
  proposals_open: z.boolean(),
  vote_status: voteStatus(),
  method: z.enum(METHODS),
  min_choices: count().nullable(),
  max_choices: count().nullable(),
  points_total: count().nullable(),
  max_points_per_proposal: count().nullable(),
  supporters_needed: count(),
  retain: count(),
  results_visibility: z.enum(VISIBILITIES),
  electorate: z.enum(['meeting', 'list']),
  proposals_open_at: instant().nullable(),
  proposals_close_at: instant().nullable(),
  vote_opens_at: instant().nullable(),
  vote_closes_at: instant().nullable(),
  opened_at: instant().nullable(),
  closed_at: instant().nullable(),
  ballot_size: count().nullable(),
};

export const CampaignViewSchema = z.object(campaignViewShape);
export const CampaignAdminAnswerSchema = z.object({ ...campaignViewShape, created: z.boolean() });
export const CampaignOpenAnswerSchema = z.object({ ...campaignViewShape, ballot: z.array(z.string()), changed: z.boolean() });
export const CampaignCloseAnswerSchema = z.object({ ...campaignViewShape, changed: z.boolean() });

export const BallotItemsSchema = z.array(
  z.object({
    ...proposalItemShape,
    description: z.string(),
    use_case: z.string(),
  }),
);

const points = () => z.record(z.string(), count()).meta({ description: 'Points by proposal id (points method).' });

export const BallotAnswerSchema = z.object({
  ballot_id: z.string(),
  campaign_id: z.string(),
  organisation: z.string(),
  choices: z.array(z.string()).optional().meta({ description: 'Approval method.' }),
  points: points().optional(),
  replaced: z.boolean().meta({ description: 'It replaced the organisation\'s previous ballot.' }),
  replayed: z.boolean(),
  cast_at: instant(),
});

export const ResultsSchema = z.object({
  campaign_id: z.string(),
  vote_status: voteStatus(),
  method: z.enum(METHODS),
  retain: count(),
  ballots: count(),
  electorate: count(),
  turnout: z.number().min(0).max(1).meta({ description: 'ballots / electorate, 4 decimals.' }),
  tie_at_cutoff: z.boolean(),
  proposals: z.array(
    z.object({
      proposal_id: z.string(),
      title: z.string(),
      organisation: z.string(),
      score: count(),
      supporters: count(),
      rank: z.int().min(1),
      retained: z.boolean(),
      tied_at_cutoff: z.boolean(),
    }),
  ),
});

export const AdminBallotsSchema = z.array(
  z.object({
    campaign_id: z.string(),
    organisation: z.string(),
    organisation_key: z.string(),
    choices: z.array(z.string()).optional(),
    points: points().optional(),
    agent: z.object({
      email: z.string(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      registration_id: z.string().optional(),
    }),
    form_uuid: z.string(),
    cast_at: instant(),
    first_cast_at: instant(),
    replaced_count: count(),
  }),
);

const tally = () => z.record(z.string(), z.int()).meta({ description: 'Counter values by name (`ballots`, `score:<proposal>`).' });

export const RecountSchema = z.object({
  live: ResultsSchema,
  recount: ResultsSchema,
  equal: z.boolean().meta({ description: 'The live counters equal the recount of the stored ballots, on the ballots of `cut`.' }),
  cut: z
    .object({
      complete: z.boolean().meta({ description: 'Every shard of the tally was counted (false: shards still moving while a room votes are left out of `equal`).' }),
      shards: count(),
      shards_counted: count(),
      ballots_counted: count().meta({ description: 'Stored ballots counted: those of the counted shards, up to the write counts of `sequences`.' }),
      sequences: z.record(z.string(), z.int()).meta({ description: 'Writes of each counted shard at the cut (shard number → count); empty for a campaign created before the cut existed, compared as a whole.' }),
    })
    .meta({ description: 'Which ballots the comparison counted: a consistent cut, taken while the vote may go on.' }),
  tally: z.object({ live: tally(), recount: tally() }).meta({ description: 'Counters of the cut: live and recounted.' }),
});

/** GET /admin/campaigns: one line per campaign, for the console's lists (the view's state and windows). */
export const CampaignSummariesSchema = z.array(
  CampaignViewSchema.omit({ min_choices: true, max_choices: true, points_total: true, max_points_per_proposal: true, supporters_needed: true, electorate: true }).extend({
    ballots: count().meta({ description: 'Ballots cast (one per organisation), from the live tally.' }),
  }),
);

/** GET /admin/campaigns/{campaignId}/proposals: every proposal, in submission order. */
export const AdminProposalsSchema = z.array(ProposalViewSchema);
