// What organisers export about a campaign (CSV for Excel/LibreOffice, written by shared/domain/csv.ts).
import { csvDateTime, type Sheet } from '#shared/domain/csv.ts';
import type { Results } from './ranking.ts';
import type { Ballot, Campaign, Proposal } from './schema.ts';

const yesNo = (b: boolean) => (b ? 'oui' : 'non');

export function resultsSheet(r: Results): Sheet {
  return {
    headers: ['Rang', 'Proposition', 'Titre', 'Organisation', 'Score', 'Soutiens', 'Retenue', 'Ex æquo au seuil'],
    rows: r.proposals.map((p) => [p.rank, p.proposal_id, p.title, p.organisation, p.score, p.supporters, yesNo(p.retained), yesNo(p.tied_at_cutoff)]),
  };
}

/**
 * One row per organisation: its ballot (each proposal's id with its title), who cast it (the
 * names sent by the form or registered, else the address), when (Paris time: a campaign has no
 * time zone of its own), and how many times it was replaced.
 */
export function ballotsSheet(c: Campaign, ballots: Ballot[], proposals: readonly Pick<Proposal, 'id' | 'title'>[]): Sheet {
  const titles = new Map(proposals.map((p) => [p.id, p.title]));
  const named = (id: string) => (titles.has(id) ? `${id} « ${titles.get(id)} »` : id);
  const content = (b: Ballot) =>
    c.method === 'points'
      ? Object.entries(b.points ?? {}).map(([id, n]) => `${named(id)} : ${n}`).join(' ; ')
      : (b.choices ?? []).map(named).join(' ; ');
  const agent = (b: Ballot) => [b.agent.first_name, b.agent.last_name].filter(Boolean).join(' ') || b.agent.email;
  return {
    headers: ['Organisation', c.method === 'points' ? 'Points' : 'Choix', 'Agent', 'Courriel', 'Déposé le', 'Premier dépôt le', 'Remplacé (fois)'],
    rows: ballots.map((b) => [
      b.organisation,
      content(b),
      agent(b),
      b.agent.email,
      csvDateTime(b.cast_at),
      csvDateTime(b.first_cast_at),
      b.replaced_count,
    ]),
  };
}
