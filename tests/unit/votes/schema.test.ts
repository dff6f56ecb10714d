import { describe, expect, it } from 'vitest';
import { BallotRequestSchema, CampaignInputSchema } from '#shared/domain/votes/schema.ts';
import { CONTRACT_CAMPAIGN } from './fakes.ts';

const ballot = (extra: Record<string, unknown>) => BallotRequestSchema.safeParse({ form_uuid: 'f1', email: 'A@Example.org', ...extra });
const messages = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('campaign body', () => {
  it('accepts the contract example and fills the defaults', () => {
    const c = CampaignInputSchema.parse({ ...CONTRACT_CAMPAIGN, supporters_needed: undefined, results_visibility: '', retain: '10' });
    expect(c).toMatchObject({ supporters_needed: 2, results_visibility: 'after-close', retain: 10, min_choices: 1, max_choices: 5 });
    expect(c.max_points_per_proposal).toBeUndefined();
  });

  it('points: points_total required, per-proposal cap defaults to the total and cannot exceed it', () => {
    const base = { ...CONTRACT_CAMPAIGN, method: 'points', max_choices: undefined };
    expect(messages(CampaignInputSchema.safeParse(base))).toEqual(['points_total: Obligatoire pour un vote par points.']);
    expect(CampaignInputSchema.parse({ ...base, points_total: '10' }).max_points_per_proposal).toBe(10);
    expect(messages(CampaignInputSchema.safeParse({ ...base, points_total: 10, max_points_per_proposal: 11 }))).toEqual([
      'max_points_per_proposal: Ne peut dépasser points_total.',
    ]);
  });

  it('approval: max_choices required, min ≤ max; windows in order; meeting electorate needs meeting_id', () => {
    const r = CampaignInputSchema.safeParse({
      ...CONTRACT_CAMPAIGN,
      max_choices: 2,
      min_choices: 3,
      vote_closes_at: '2027-06-01T00:00:00+02:00',
      meeting_id: '',
    });
    expect(messages(r).sort()).toEqual([
      'meeting_id: Obligatoire quand le corps électoral est « meeting ».',
      'min_choices: Ne peut dépasser max_choices.',
      'vote_closes_at: La clôture du vote doit suivre son ouverture.',
    ]);
  });

  it('electorate: "meeting" or a list of names (array or one per line)', () => {
    expect(CampaignInputSchema.parse({ ...CONTRACT_CAMPAIGN, electorate: ['Ville A', 'Ville B'] }).electorate).toEqual(['Ville A', 'Ville B']);
    expect(CampaignInputSchema.parse({ ...CONTRACT_CAMPAIGN, electorate: 'Ville A\nVille B\n' }).electorate).toEqual(['Ville A', 'Ville B']);
    expect(CampaignInputSchema.safeParse({ ...CONTRACT_CAMPAIGN, electorate: 42 }).success).toBe(false);
    const huge = Array.from({ length: 600 }, (_, i) => `${'Communauté de communes '.repeat(8)}${i}`);
    expect(CampaignInputSchema.safeParse({ ...CONTRACT_CAMPAIGN, electorate: huge }).success).toBe(false);
  });
});

describe('ballot body', () => {
  it('choices as a JSON array, a comma-separated string or a JSON text; the email is folded', () => {
    expect(ballot({ choices: ['a-p1', 'a-p2'] }).data).toMatchObject({ choices: ['a-p1', 'a-p2'], email: 'a@example.org' });
    expect(ballot({ choices: 'a-p1, a-p2' }).data?.choices).toEqual(['a-p1', 'a-p2']);
    expect(ballot({ choices: '["a-p1","a-p2"]' }).data?.choices).toEqual(['a-p1', 'a-p2']);
    expect(ballot({ choices: '' }).data?.choices).toEqual([]);
    expect(ballot({}).data?.choices).toBeUndefined();
  });

  it('a repeated id or a non-list is a 400', () => {
    expect(messages(ballot({ choices: 'a-p1,a-p1' }))).toEqual(['choices.1: Proposition choisie deux fois : « a-p1 ».']);
    expect(ballot({ choices: { a: 1 } }).success).toBe(false);
    expect(ballot({ choices: Array.from({ length: 201 }, (_, i) => `p${i}`) }).success).toBe(false);
  });

  it('points as an object, its JSON text or "id1:3,id2:2"', () => {
    expect(ballot({ points: { 'a-p1': 3, 'a-p2': '2' } }).data?.points).toEqual({ 'a-p1': 3, 'a-p2': 2 });
    expect(ballot({ points: 'a-p1:3, a-p2 : 2' }).data?.points).toEqual({ 'a-p1': 3, 'a-p2': 2 });
    expect(ballot({ points: '{"a-p1": 3}' }).data?.points).toEqual({ 'a-p1': 3 });
    expect(ballot({ points: '' }).data?.points).toEqual({});
  });

  it('negative, fractional, non-numeric or repeated points are a 400 naming the proposal', () => {
    expect(messages(ballot({ points: { 'a-p1': -1 } }))).toEqual(['points.a-p1: Nombre entier de points, positif ou nul, attendu.']);
    expect(messages(ballot({ points: 'a-p1:1.5' }))).toEqual(['points.a-p1: Nombre entier de points, positif ou nul, attendu.']);
    expect(messages(ballot({ points: { 'a-p1': 'beaucoup' } }))).toHaveLength(1);
    expect(messages(ballot({ points: 'a-p1:1,a-p1:2' }))).toEqual(['points.a-p1: Proposition notée deux fois : « a-p1 ».']);
    expect(ballot({ points: ['a-p1'] }).success).toBe(false);
    expect(ballot({ points: 'a-p1=3' }).success).toBe(false);
  });
});
