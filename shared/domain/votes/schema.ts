// Shapes of the vote context (contract-vote.md): the campaign as organisers define it
// (PUT /admin/campaigns/{campaignId}) and as it is stored, and the bodies w.c.s. sends to
// propose, co-sign and vote. Field names follow the public contract (snake_case).
import * as z from 'zod';
import {
  isBlank,
  toList,
  zEmail,
  zEnum,
  zOptional,
  zOptionalInt,
  zOptionalText,
  zSlug,
  zText,
} from '#shared/publik/coerce.ts';
import { zOptionalOrganisation, zOrganisation } from './organisation.ts';

export const METHODS = ['approval', 'points'] as const;
export const VISIBILITIES = ['after-close', 'live'] as const;

/** Bounds on every list a caller sends (w.c.s. forms and organisers alike). */
export const MAX_PROPOSALS_PER_BALLOT = 200;
export const MAX_ELECTORATE = 5_000;
export const MAX_ELECTORATE_CHARS = 100_000;
const ID_MAX = 100;

const isoInstant = () =>
  z.iso.datetime({ offset: true, error: 'Date et heure attendues au format ISO 8601 avec fuseau (2027-06-07T09:00:00+02:00).' });
const optionalInstant = () => z.preprocess((v) => (isBlank(v) ? undefined : v), isoInstant().optional());

const optionalUrl = () =>
  zOptionalText({ max: 2000 }).refine((v) => v === undefined || /^https?:\/\/[^\s]+$/i.test(v), {
    error: 'Adresse web (http ou https) attendue.',
  });

/** `"meeting"`, or a list of organisation names (a JSON array, or one name per line). */
const ElectorateSchema = z.preprocess(
  (v) => {
    if (typeof v === 'string' && v.trim().toLowerCase() === 'meeting') return 'meeting';
    if (typeof v === 'string') return v.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
    return v;
  },
  z.union(
    [
      z.literal('meeting'),
      z
        .array(zOrganisation())
        .min(1)
        .max(MAX_ELECTORATE)
        // The list is stored on the campaign item (with its folded keys): DynamoDB items are
        // 400 KB at most.
        .refine((names) => names.reduce((n, name) => n + name.length, 0) <= MAX_ELECTORATE_CHARS, {
          error: `Liste trop longue : ${MAX_ELECTORATE_CHARS} caractères au plus en tout.`,
        }),
    ],
    { error: 'Attendu « meeting » ou une liste de noms d’organisations.' },
  ),
);

function chronological(ctx: z.RefinementCtx, earlier: string | undefined, later: string | undefined, path: string, message: string) {
  if (earlier !== undefined && later !== undefined && Date.parse(earlier) >= Date.parse(later)) {
    ctx.addIssue({ code: 'custom', path: [path], message });
  }
}

export const CampaignInputSchema = z
  .object({
    title: zText({ max: 200 }),
    meeting_id: zOptional(zSlug()),
    proposals_open_at: optionalInstant(),
    proposals_close_at: optionalInstant(),
    supporters_needed: zOptionalInt({ min: 1, max: 1000 }).transform((v) => v ?? 2),
    vote_opens_at: optionalInstant(),
    vote_closes_at: optionalInstant(),
    method: zEnum(METHODS, 'la méthode'),
    min_choices: zOptionalInt({ min: 0, max: MAX_PROPOSALS_PER_BALLOT }).transform((v) => v ?? 0),
    max_choices: zOptionalInt({ min: 1, max: MAX_PROPOSALS_PER_BALLOT }),
    points_total: zOptionalInt({ min: 1, max: 100_000 }),
    max_points_per_proposal: zOptionalInt({ min: 1, max: 100_000 }),
    retain: zOptionalInt({ min: 1, max: 1000 }).transform((v) => v ?? 10),
    results_visibility: zOptional(zEnum(VISIBILITIES, 'la visibilité des résultats')).transform((v) => v ?? 'after-close'),
    electorate: z.preprocess((v) => (isBlank(v) ? 'meeting' : v), ElectorateSchema),
    /** Days after the close before the agents' names and emails are erased (contract-rgpd.md). */
    retention_days: zOptionalInt({ min: 1, max: 3650 }),
  })
  .superRefine((c, ctx) => {
    chronological(ctx, c.proposals_open_at, c.proposals_close_at, 'proposals_close_at', 'La clôture des propositions doit suivre leur ouverture.');
    chronological(ctx, c.vote_opens_at, c.vote_closes_at, 'vote_closes_at', 'La clôture du vote doit suivre son ouverture.');
    if (c.method === 'approval') {
      if (c.max_choices === undefined) {
        ctx.addIssue({ code: 'custom', path: ['max_choices'], message: 'Obligatoire pour un vote par approbation.' });
      } else if (c.min_choices > c.max_choices) {
        ctx.addIssue({ code: 'custom', path: ['min_choices'], message: 'Ne peut dépasser max_choices.' });
      }
    } else if (c.points_total === undefined) {
      ctx.addIssue({ code: 'custom', path: ['points_total'], message: 'Obligatoire pour un vote par points.' });
    } else if (c.max_points_per_proposal !== undefined && c.max_points_per_proposal > c.points_total) {
      ctx.addIssue({ code: 'custom', path: ['max_points_per_proposal'], message: 'Ne peut dépasser points_total.' });
    }
    if (c.electorate === 'meeting' && c.meeting_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['meeting_id'], message: 'Obligatoire quand le corps électoral est « meeting ».' });
    }
  })
  .transform((c) => ({
    ...c,
    max_points_per_proposal: c.method === 'points' ? (c.max_points_per_proposal ?? c.points_total) : undefined,
  }));
export type CampaignInput = z.output<typeof CampaignInputSchema>;

export const CampaignSchema = z.object({
  id: z.string(),
  title: z.string(),
  meeting_id: z.string().optional(),
  proposals_open_at: z.string().optional(),
  proposals_close_at: z.string().optional(),
  supporters_needed: z.number().int(),
  vote_opens_at: z.string().optional(),
  vote_closes_at: z.string().optional(),
  method: z.enum(METHODS),
  min_choices: z.number().int(),
  max_choices: z.number().int().optional(),
  points_total: z.number().int().optional(),
  max_points_per_proposal: z.number().int().optional(),
  retain: z.number().int(),
  results_visibility: z.enum(VISIBILITIES),
  electorate: z.union([z.literal('meeting'), z.array(z.string())]),
  /** Written by earlier versions (the keys folded when the campaign was defined); no longer read: keys are folded from the names. */
  electorate_keys: z.array(z.string()).optional(),
  /** Absent when the organiser gave none: DEFAULT_RETENTION_DAYS (shared/domain/people/retention.ts). */
  retention_days: z.number().int().optional(),
  /** Manual open (POST …/open), or the instant the ballot was frozen after vote_opens_at. */
  opened_at: z.string().optional(),
  closed_at: z.string().optional(),
  /** The ballot frozen when the vote opened: eligible proposal ids, in submission order. */
  ballot: z.array(z.string()).optional(),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number().int(),
});
export type Campaign = z.output<typeof CampaignSchema>;

// Path ids are only looked up: anything unknown (or malformed) is a 404, not a 400.
export const CampaignIdSchema = z.object({ campaignId: z.string().min(1).max(100) });

/** `<campaignId>-p<n>`: n counts the campaign's proposals (1, 2, …). */
export const PROPOSAL_ID = /^([a-z0-9][a-z0-9_-]{0,62})-p([1-9]\d{0,5})$/;
export const ProposalIdSchema = z.object({ proposalId: z.string().min(1).max(200) });
export function campaignOfProposal(proposalId: string): string | undefined {
  return PROPOSAL_ID.exec(proposalId)?.[1];
}

// ---------------------------------------------------------------------------------------
// Stored proposals, supports and ballots

export const AgentSchema = z.object({
  email: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
export type Agent = z.output<typeof AgentSchema>;

export const ProposalSchema = z.object({
  id: z.string(),
  campaign_id: z.string(),
  title: z.string(),
  description: z.string(),
  use_case: z.string(),
  component: z.string().optional(),
  organisation: z.string(),
  organisation_key: z.string(),
  proposer: AgentSchema,
  form_uuid: z.string(),
  form_number: z.string().optional(),
  form_url: z.string().optional(),
  request_hash: z.string(),
  submitted_at: z.string(),
  updated_at: z.string(),
  /** Distinct supporting organisations, the proposer's included. */
  supporters: z.number().int(),
  version: z.number().int(),
});
export type Proposal = z.output<typeof ProposalSchema>;

export const SupportSchema = z.object({
  proposal_id: z.string(),
  organisation: z.string(),
  organisation_key: z.string(),
  role: z.enum(['proposer', 'cosigner']),
  agent: AgentSchema,
  comment: z.string().optional(),
  form_uuid: z.string(),
  at: z.string(),
});
export type Support = z.output<typeof SupportSchema>;

export const BallotContentSchema = z.union([
  z.object({ choices: z.array(z.string()) }),
  z.object({ points: z.record(z.string(), z.number().int()) }),
]);
export type BallotContent = { choices: string[] } | { points: Record<string, number> };

export const BallotSchema = z.object({
  campaign_id: z.string(),
  organisation: z.string(),
  organisation_key: z.string(),
  choices: z.array(z.string()).optional(),
  points: z.record(z.string(), z.number().int()).optional(),
  agent: AgentSchema.extend({ registration_id: z.string().optional() }),
  form_uuid: z.string(),
  request_hash: z.string(),
  cast_at: z.string(),
  first_cast_at: z.string(),
  replaced_count: z.number().int(),
  version: z.number().int(),
});
export type Ballot = z.output<typeof BallotSchema>;

// ---------------------------------------------------------------------------------------
// Requests from w.c.s.

export const ProposalRequestSchema = z.object({
  form_uuid: zText({ max: ID_MAX }),
  form_number: zOptionalText({ max: ID_MAX }),
  form_url: optionalUrl(),
  campaign_id: zSlug(),
  title: zText({ max: 200 }),
  description: zText({ max: 10_000 }),
  use_case: zText({ max: 10_000 }),
  component: zOptionalText({ max: 200 }),
  organisation: zOrganisation(),
  email: zEmail(),
  first_name: zOptionalText({ max: 100 }),
  last_name: zOptionalText({ max: 100 }),
});
export type ProposalRequest = z.output<typeof ProposalRequestSchema>;

export const CosignatureRequestSchema = z.object({
  form_uuid: zText({ max: ID_MAX }),
  email: zEmail(),
  organisation: zOrganisation(),
  first_name: zOptionalText({ max: 100 }),
  last_name: zOptionalText({ max: 100 }),
  comment: zOptionalText({ max: 2000 }),
});
export type CosignatureRequest = z.output<typeof CosignatureRequestSchema>;

const proposalRef = () => zText({ max: ID_MAX });

/** `choices`: a JSON array, a comma-separated string or a whole form's `x_raw`; no repeated id. */
const ChoicesSchema = z.preprocess(
  (v) => (v === undefined ? undefined : toList(v)),
  z
    .array(proposalRef(), { error: 'Liste d’identifiants de propositions attendue.' })
    .max(MAX_PROPOSALS_PER_BALLOT, { error: `${MAX_PROPOSALS_PER_BALLOT} choix au plus.` })
    .superRefine((ids, ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i], message: `Proposition choisie deux fois : « ${id} ».` });
        seen.add(id);
      });
    })
    .optional(),
);

const POINTS_MESSAGE = 'Points attendus : un objet {"<proposition>": 3} ou le texte « id1:3,id2:2 ».';
const WHOLE_POINTS = 'Nombre entier de points, positif ou nul, attendu.';

/** Reads the points of one proposal: whole numbers ≥ 0, as numbers or numeric strings. */
function pointsValue(v: unknown): number | undefined {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : undefined;
  if (text === undefined || !/^\+?\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

/** `points`: an object `{"<proposalId>": 3}`, its JSON text, or the string `"id1:3,id2:2"`. */
const PointsSchema = z.transform((input: unknown, ctx): Record<string, number> | undefined => {
  if (input === undefined) return undefined;
  if (input === null || (typeof input === 'string' && input.trim() === '')) return {};
  let entries: [string, unknown][];
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        entries = Object.entries(parsed);
      } catch {
        ctx.addIssue({ code: 'custom', message: POINTS_MESSAGE, input });
        return z.NEVER;
      }
    } else {
      entries = [];
      for (const piece of text.split(',')) {
        if (piece.trim() === '') continue;
        const m = /^\s*([^:\s]+)\s*:\s*(\S*)\s*$/.exec(piece);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: POINTS_MESSAGE, input });
          return z.NEVER;
        }
        entries.push([m[1] as string, m[2]]);
      }
    }
  } else if (typeof input === 'object' && !Array.isArray(input)) {
    entries = Object.entries(input as Record<string, unknown>);
  } else {
    ctx.addIssue({ code: 'custom', message: POINTS_MESSAGE, input });
    return z.NEVER;
  }
  if (entries.length > MAX_PROPOSALS_PER_BALLOT) {
    ctx.addIssue({ code: 'custom', message: `${MAX_PROPOSALS_PER_BALLOT} propositions au plus.`, input });
    return z.NEVER;
  }
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  let valid = true;
  for (const [rawId, rawValue] of entries) {
    const id = rawId.trim();
    if (id === '' || [...id].length > ID_MAX) {
      ctx.addIssue({ code: 'custom', path: [rawId], message: 'Identifiant de proposition invalide.', input });
      valid = false;
      continue;
    }
    if (Object.hasOwn(out, id)) {
      ctx.addIssue({ code: 'custom', path: [id], message: `Proposition notée deux fois : « ${id} ».`, input });
      valid = false;
      continue;
    }
    const value = pointsValue(rawValue);
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', path: [id], message: WHOLE_POINTS, input });
      valid = false;
      continue;
    }
    out[id] = value;
  }
  return valid ? { ...out } : z.NEVER;
});

export const BallotRequestSchema = z.object({
  form_uuid: zText({ max: ID_MAX }),
  email: zEmail(),
  organisation: zOptionalOrganisation(),
  first_name: zOptionalText({ max: 100 }),
  last_name: zOptionalText({ max: 100 }),
  choices: ChoicesSchema,
  points: PointsSchema,
});
export type BallotRequest = z.output<typeof BallotRequestSchema>;
