// The console's charts as data (issue 18): one view-model per chart kind, from which the page
// draws the bars AND writes the text alternative beside them (a table, a sentence). Both come
// from the same `bars`, so the figures a screen reader hears are the ones the bars show
// (tests/unit/console/chart-model.test.ts). No rule here: the API computed every figure; this
// only lays them out (house-style §14).

/** One bar: its label, the figure it stands for, its length (0–1 of the longest) and its text. */
export interface BarDatum {
  key: string;
  label: string;
  value: number;
  /** Length of the bar relative to the chart's scale, 0–1. */
  share: number;
  /** The figure as written beside the bar and in the table, e.g. "12 (40 %)". */
  figure: string;
  /** Emphasis: a retained proposal, the promoters… */
  tone?: 'retained' | 'tied' | 'promoter' | 'passive' | 'detractor';
  /** What else the table says about this bar (e.g. "retenue", "à égalité au seuil"). */
  note?: string;
}

export interface ChartModel {
  kind: 'ranking' | 'options' | 'histogram' | 'nps';
  /** The table's caption: what the chart shows. */
  caption: string;
  /** Column headers of the text alternative: the bar's label, its figure (and the note when any). */
  headers: [string, string] | [string, string, string];
  bars: BarDatum[];
  /** One French sentence with the chart's totals. */
  summary: string;
  /** Index of the last retained bar (ranking): where the retained line is drawn. */
  cutoffAfter?: number;
}

const nf = new Intl.NumberFormat('fr-FR');
const pf = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
export const formatCount = (n: number): string => nf.format(n);
/** "40 %" (French spacing: a narrow no-break space before %, as Intl writes it). */
export const formatPercent = (part: number, whole: number): string => `${pf.format(whole > 0 ? (part * 100) / whole : 0)}\u202f%`;
const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n > 1 ? many : one}`;

function shares(values: number[]): number[] {
  const max = Math.max(0, ...values);
  return values.map((v) => (max > 0 ? v / max : 0));
}

// ---------------------------------------------------------------------------------------
// The vote's ranking (GET /admin/campaigns/{id}/results)

export interface RankingInput {
  ballots: number;
  retain: number;
  tie_at_cutoff: boolean;
  proposals: Array<{ proposal_id: string; title: string; organisation: string; score: number; rank: number; retained: boolean; tied_at_cutoff: boolean }>;
}

export function rankingChart(r: RankingInput, opts: { points?: boolean } = {}): ChartModel {
  const sorted = [...r.proposals].sort((a, b) => a.rank - b.rank);
  const s = shares(sorted.map((p) => p.score));
  const unit = opts.points ? ['point', 'points'] as const : ['voix', 'voix'] as const;
  const bars = sorted.map((p, i): BarDatum => ({
    key: p.proposal_id,
    label: `${p.rank}. ${p.title} (${p.organisation})`,
    value: p.score,
    share: s[i] ?? 0,
    figure: plural(p.score, unit[0], unit[1]),
    ...(p.tied_at_cutoff ? { tone: 'tied' as const } : p.retained ? { tone: 'retained' as const } : {}),
    note: [p.retained ? 'retenue' : 'non retenue', ...(p.tied_at_cutoff ? ['à égalité au seuil'] : [])].join(', '),
  }));
  const retained = sorted.filter((p) => p.retained).length;
  const summary =
    `${plural(r.ballots, 'bulletin', 'bulletins')}, ${plural(sorted.length, 'proposition', 'propositions')} ; ` +
    (r.retain === 1 ? 'la première est retenue' : `les ${formatCount(r.retain)} premières sont retenues`) +
    (r.tie_at_cutoff ? ' ; égalité de score au seuil : le départage a décidé.' : '.');
  return {
    kind: 'ranking',
    caption: 'Classement des propositions',
    headers: ['Proposition', opts.points ? 'Points' : 'Voix', 'Statut'],
    bars,
    summary,
    ...(retained > 0 && retained < sorted.length ? { cutoffAfter: retained - 1 } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// Survey questions (GET /admin/surveys/{id}/results)

export interface OptionsInput {
  label: string;
  n: number;
  options: Array<{ id: string; text: string; count: number }>;
}

/** Single or multiple choice: one bar per option, its count and its share of the answers. */
export function optionsChart(q: OptionsInput): ChartModel {
  const s = shares(q.options.map((o) => o.count));
  return {
    kind: 'options',
    caption: q.label,
    headers: ['Réponse', 'Réponses'],
    bars: q.options.map((o, i) => ({ key: o.id, label: o.text, value: o.count, share: s[i] ?? 0, figure: `${formatCount(o.count)} (${formatPercent(o.count, q.n)})` })),
    summary: `${plural(q.n, 'personne a répondu', 'personnes ont répondu')} à cette question.`,
  };
}

export interface ScaleInput {
  label: string;
  n: number;
  mean: number | null;
  median: number | null;
  distribution: Record<string, number>;
}

const byNumericKey = (d: Record<string, number>) => Object.entries(d).sort(([a], [b]) => Number(a) - Number(b));
const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** Rating (1–5) or the NPS scale (0–10): one bar per value, zeros included (the API sends them all). */
export function histogramChart(q: ScaleInput): ChartModel {
  const entries = byNumericKey(q.distribution);
  const s = shares(entries.map(([, v]) => v));
  const mean = q.mean === null ? 'pas de moyenne' : `moyenne ${decimal.format(q.mean)}`;
  const median = q.median === null ? '' : `, médiane ${decimal.format(q.median)}`;
  return {
    kind: 'histogram',
    caption: q.label,
    headers: ['Note', 'Réponses'],
    bars: entries.map(([value, count], i) => ({ key: value, label: value, value: count, share: s[i] ?? 0, figure: `${formatCount(count)} (${formatPercent(count, q.n)})` })),
    summary: `${plural(q.n, 'réponse', 'réponses')} : ${mean}${median}.`,
  };
}

export interface NpsInput {
  label: string;
  n: number;
  nps: number | null;
  promoters: number;
  passives: number;
  detractors: number;
}

/** The NPS's three groups (the API counts them: 9–10, 7–8, 0–6) and the score. */
export function npsChart(q: NpsInput): ChartModel {
  const groups = [
    { key: 'promoters', label: 'Promoteurs (9–10)', value: q.promoters, tone: 'promoter' as const },
    { key: 'passives', label: 'Passifs (7–8)', value: q.passives, tone: 'passive' as const },
    { key: 'detractors', label: 'Détracteurs (0–6)', value: q.detractors, tone: 'detractor' as const },
  ];
  const s = shares(groups.map((g) => g.value));
  return {
    kind: 'nps',
    caption: `${q.label} : les trois groupes du NPS`,
    headers: ['Groupe', 'Réponses'],
    bars: groups.map((g, i) => ({ ...g, share: s[i] ?? 0, figure: `${formatCount(g.value)} (${formatPercent(g.value, q.n)})` })),
    summary: q.nps === null ? 'Pas encore de réponse : pas de NPS.' : `NPS ${q.nps > 0 ? '+' : ''}${formatCount(q.nps)} sur ${plural(q.n, 'réponse', 'réponses')}.`,
  };
}

/** The text alternative as table rows: exactly the bars' labels, figures and notes. */
export function tableRows(model: ChartModel): string[][] {
  return model.bars.map((b) => (model.headers.length === 3 ? [b.label, b.figure, b.note ?? ''] : [b.label, b.figure]));
}

// ---------------------------------------------------------------------------------------
// Comparison with the previous survey

export interface ComparisonInput {
  id: string;
  type: 'rating' | 'nps';
  current: number;
  previous: number;
  delta: number;
}

/** "↑ +0,3" / "↓ −2" / "= 0", with the words a screen reader says. */
export function comparisonText(c: ComparisonInput): { arrow: '↑' | '↓' | '='; delta: string; spoken: string } {
  const d = decimal.format(Math.abs(c.delta));
  const what = c.type === 'nps' ? 'NPS' : 'moyenne';
  if (c.delta > 0) return { arrow: '↑', delta: `+${d}`, spoken: `${what} en hausse de ${d} (${decimal.format(c.previous)} → ${decimal.format(c.current)})` };
  if (c.delta < 0) return { arrow: '↓', delta: `−${d}`, spoken: `${what} en baisse de ${d} (${decimal.format(c.previous)} → ${decimal.format(c.current)})` };
  return { arrow: '=', delta: '0', spoken: `${what} identique (${decimal.format(c.current)})` };
}
