// Improvement proposals, co-signatures and the organisation vote (contract-vote.md): signed
// w.c.s. webservices and data sources, and the organisers' /admin/campaigns routes.
import * as z from 'zod';
import { campaignDefinition, campaignView, proposalView } from '#shared/domain/votes/campaign.ts';
import { ballotsSheet, resultsSheet } from '#shared/domain/votes/exports.ts';
import {
  BallotRequestSchema,
  CampaignIdSchema,
  CampaignInputSchema,
  CosignatureRequestSchema,
  type Campaign,
  ProposalIdSchema,
  ProposalRequestSchema,
} from '#shared/domain/votes/schema.ts';
import { DataSourceQuerySchema, optionalParam } from '#shared/lambda/data-source-query.ts';
import { adminPutRoute, httpApi, publikOk, route } from '#shared/lambda/http.ts';
import { csvDownload, FormatQuery } from '#shared/lambda/csv-answer.ts';
import { createServiceContext } from '#shared/lambda/service-context.ts';
import { createVotesContext } from '#shared/contexts/votes.ts';
import { filterDataSource } from '#shared/publik/data-source.ts';
import { zEnum, zOptional } from '#shared/publik/coerce.ts';

const ctx = createServiceContext();
const { votes } = createVotesContext(ctx);

const ProposalsQuery = DataSourceQuerySchema.extend({
  campaign: optionalParam,
  status: zOptional(zEnum(['cosignable', 'eligible'], 'le statut')),
});

/**
 * POST /admin/campaigns/{campaignId}/open|close: the vote's phase change, idempotent (`changed`
 * says whether this call changed it); the answer is the campaign's view and `more` of it.
 */
function phaseRoute(verb: 'open' | 'close', more: (campaign: Campaign) => object) {
  return route({
    method: 'POST',
    path: `/admin/campaigns/{campaignId}/${verb}`,
    auth: 'admin',
    params: CampaignIdSchema,
    audit: { action: `campaign.${verb}` },
    handle: async ({ params, now }) => {
      const { campaign, changed } = await (verb === 'open' ? votes.openVote(params.campaignId, now) : votes.closeVote(params.campaignId, now));
      return publikOk({ ...campaignView(campaign, now), ...more(campaign), changed });
    },
  });
}

export const routes = [
  // -------------------------------------------------------------------------------------
  // Proposals and co-signatures
  route({
    method: 'POST',
    path: '/proposals',
    auth: 'publik',
    body: ProposalRequestSchema,
    handle: async ({ body, nonce, now }) => publikOk(await votes.propose(body, nonce, now)),
  }),
  route({
    method: 'GET',
    path: '/proposals',
    auth: 'publik',
    query: ProposalsQuery,
    handle: async ({ query, now }) => publikOk(filterDataSource(await votes.proposalItems(query.campaign, query.status, now), query)),
  }),
  route({
    method: 'GET',
    path: '/proposals/{proposalId}',
    auth: 'publik',
    params: ProposalIdSchema,
    handle: async ({ params, now }) => {
      const { snapshot, proposal } = await votes.getProposal(params.proposalId, now);
      return publikOk(proposalView(proposal, snapshot.campaign, snapshot.supports, snapshot.names));
    },
  }),
  route({
    method: 'POST',
    path: '/proposals/{proposalId}/cosignatures',
    auth: 'publik',
    params: ProposalIdSchema,
    body: CosignatureRequestSchema,
    handle: async ({ params, body, nonce, now }) => publikOk(await votes.cosign(params.proposalId, body, nonce, now)),
  }),

  // -------------------------------------------------------------------------------------
  // Campaigns and ballots
  route({
    method: 'GET',
    path: '/campaigns/{campaignId}',
    auth: 'publik',
    params: CampaignIdSchema,
    handle: async ({ params, now }) => publikOk(campaignView((await votes.snapshot(params.campaignId, now)).campaign, now)),
  }),
  route({
    method: 'GET',
    path: '/campaigns/{campaignId}/proposals',
    auth: 'publik',
    params: CampaignIdSchema,
    query: DataSourceQuerySchema,
    handle: async ({ params, query, now }) => publikOk(filterDataSource(await votes.ballotItems(params.campaignId, now), query)),
  }),
  route({
    method: 'POST',
    path: '/campaigns/{campaignId}/ballots',
    auth: 'publik',
    params: CampaignIdSchema,
    body: BallotRequestSchema,
    contextIssues: ({ fields, params }) => votes.ballotFieldIssues(params.campaignId, fields),
    handle: async ({ params, body, nonce, now }) => publikOk(await votes.castBallot(params.campaignId, body, nonce, now)),
  }),
  route({
    method: 'GET',
    path: '/campaigns/{campaignId}/results',
    auth: 'publik',
    params: CampaignIdSchema,
    handle: async ({ params, now }) => publikOk(await votes.results(params.campaignId, now, { publicView: true })),
  }),

  // -------------------------------------------------------------------------------------
  // Organisers
  route({
    // The console's list (dashboard, campaign pages): state, windows and ballots cast.
    method: 'GET',
    path: '/admin/campaigns',
    auth: 'admin',
    handle: async ({ now }) => publikOk(await votes.campaignSummaries(now)),
  }),
  adminPutRoute({
    path: '/admin/campaigns/{campaignId}',
    params: CampaignIdSchema.extend({ campaignId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
      error: 'Identifiant invalide : lettres minuscules, chiffres et tirets.',
    }) }),
    body: CampaignInputSchema,
    audit: { action: 'campaign.put' },
    put: async ({ params, body, now }) => {
      const { campaign, created } = await votes.putCampaign(params.campaignId, body, now);
      return { data: campaignView(campaign, now), created };
    },
  }),
  route({
    // The stored definition in the PUT's shape (change a field, PUT it back); `meta` says what
    // the service recorded beside it (opening, closing, the frozen ballot's size).
    method: 'GET',
    path: '/admin/campaigns/{campaignId}',
    auth: 'admin',
    params: CampaignIdSchema,
    handle: async ({ params, now }) => {
      const campaign = await votes.getCampaign(params.campaignId);
      const view = campaignView(campaign, now);
      return publikOk(campaignDefinition(campaign), { meta: {
          campaign_id: campaign.id,
          proposals_open: view.proposals_open,
          vote_status: view.vote_status,
          opened_at: view.opened_at,
          closed_at: view.closed_at,
          ballot_size: view.ballot_size,
          version: campaign.version,
          created_at: campaign.created_at,
          updated_at: campaign.updated_at,
        } });
    },
  }),
  route({
    // Every proposal, cosignable ones included, with its organisation, use case and supporters.
    method: 'GET',
    path: '/admin/campaigns/{campaignId}/proposals',
    auth: 'admin',
    params: CampaignIdSchema,
    handle: async ({ params, now }) => publikOk(await votes.adminProposals(params.campaignId, now)),
  }),
  // Opening answers the ballot it froze.
  phaseRoute('open', (campaign) => ({ ballot: campaign.ballot ?? [] })),
  phaseRoute('close', () => ({})),
  route({
    method: 'GET',
    path: '/admin/campaigns/{campaignId}/results',
    auth: 'admin',
    params: CampaignIdSchema,
    query: FormatQuery,
    handle: async ({ params, query, now }) => {
      const results = await votes.results(params.campaignId, now, { publicView: false });
      if (query.format === 'csv') return csvDownload(resultsSheet(results), `${params.campaignId}-resultats.csv`);
      return publikOk(results);
    },
  }),
  route({
    method: 'GET',
    path: '/admin/campaigns/{campaignId}/ballots',
    auth: 'admin',
    params: CampaignIdSchema,
    query: FormatQuery,
    handle: async ({ params, query, now }) => {
      const { snapshot, ballots } = await votes.listBallots(params.campaignId, now);
      if (query.format === 'csv') return csvDownload(ballotsSheet(snapshot.campaign, ballots, snapshot.proposals), `${params.campaignId}-bulletins.csv`);
      return publikOk(ballots.map(({ request_hash: _h, version: _v, ...b }) => b));
    },
  }),
  route({
    method: 'POST',
    path: '/admin/campaigns/{campaignId}/recount',
    auth: 'admin',
    params: CampaignIdSchema,
    audit: { action: 'campaign.recount' },
    handle: async ({ params, now }) => publikOk(await votes.recount(params.campaignId, now)),
  }),
];

export const handler = httpApi(routes, ctx.httpDeps);
