// Survey (`/console/surveys/{surveyId}`): responses and rate; per question its chart with the
// figures beside it (histogram, NPS groups, option bars) or its free texts, page by page; the
// breakdowns (on site / remote, newcomer / expert) behind a toggle, a suppressed group shown as
// "moins de N réponses"; the comparison with the previous survey as arrows with the difference.
// Every figure is the API's (GET /admin/surveys/{id}/results): nothing is computed here.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.ts';
import { comparisonText, formatCount, histogramChart, npsChart, optionsChart, type ComparisonInput } from '../lib/chart-model.ts';
import { BarChart } from '../lib/charts.tsx';
import { Show } from '../lib/components.tsx';
import { formatInstant, formatPercent } from '../lib/format.ts';
import { pathSegments, useLoad } from '../lib/hooks.ts';
import { Layout } from '../lib/layout.tsx';
import { mount } from '../lib/mount.tsx';
import '../lib/room.css';

const surveyId = pathSegments()[1] ?? '';
const base = `/admin/surveys/${encodeURIComponent(surveyId)}`;

type Question =
  | { id: string; label: string; type: 'rating'; suppressed: false; n: number; mean: number | null; median: number | null; distribution: Record<string, number> }
  | { id: string; label: string; type: 'nps'; suppressed: false; n: number; mean: number | null; median: number | null; distribution: Record<string, number>; nps: number | null; promoters: number; passives: number; detractors: number }
  | { id: string; label: string; type: 'single' | 'multiple'; suppressed: false; n: number; options: Array<{ id: string; text: string; count: number }> }
  | { id: string; label: string; type: 'text'; suppressed: false; n: number; texts: string[]; next_texts?: string }
  | { id: string; label: string; type: string; suppressed: true; n: number };

type Group =
  | { group: string; responses: number; suppressed: true }
  | { group: string; responses: number; suppressed: false; questions: Array<{ id: string; suppressed: true } | { id: string; suppressed: false; n: number; mean: number | null; nps?: number | null }> };

interface SurveyResults {
  survey_id: string;
  title: string;
  responses: number;
  eligible: number;
  response_rate: number | null;
  min_group_size: number;
  questions: Question[];
  breakdowns: { mode: Group[]; profile: Group[] };
  comparison?: { previous_survey_id: string; questions: ComparisonInput[] };
}

interface SurveyDefinition {
  title: string;
  opens_at: string;
  closes_at: string;
}

const GROUP_LABELS: Record<string, string> = { onsite: 'Sur place', remote: 'À distance', newcomer: 'Nouveaux utilisateurs', expert: 'Experts', unknown: 'Profil non renseigné' };
const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

async function load() {
  const [definition, results] = await Promise.all([api.get<SurveyDefinition>(base), api.get<SurveyResults>(`${base}/results`)]);
  return { definition, results };
}

function Arrow(props: { c: ComparisonInput }) {
  const t = comparisonText(props.c);
  return (
    <span class={`trend trend-${t.arrow === '↑' ? 'up' : t.arrow === '↓' ? 'down' : 'same'}`}>
      <span aria-hidden="true">
        {t.arrow} {t.delta}
      </span>
      <span class="visually-hidden">{t.spoken}</span>
    </span>
  );
}

function Texts(props: { q: Extract<Question, { type: 'text'; suppressed: false }> }) {
  const [texts, setTexts] = useState(props.q.texts);
  const [next, setNext] = useState(props.q.next_texts);
  const [busy, setBusy] = useState(false);
  const more = async () => {
    if (!next) return;
    setBusy(true);
    try {
      const page = await api.get<{ texts: string[]; next_texts?: string }>(`${base}/results?question=${encodeURIComponent(props.q.id)}&after=${encodeURIComponent(next)}`);
      setTexts((t) => [...t, ...page.texts]);
      setNext(page.next_texts);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>
        {formatCount(props.q.n)} réponse{props.q.n > 1 ? 's' : ''} libre{props.q.n > 1 ? 's' : ''} ; {formatCount(texts.length)} affichée{texts.length > 1 ? 's' : ''}.
      </p>
      <ul class="free-texts">
        {texts.map((t, i) => (
          <li key={i}>{t}</li>
        ))}
      </ul>
      {next ? (
        <button type="button" class="secondary" onClick={more} disabled={busy}>
          {busy ? 'Chargement…' : 'Afficher les réponses suivantes'}
        </button>
      ) : null}
    </>
  );
}

function QuestionBlock(props: { q: Question; min: number; comparison?: ComparisonInput }) {
  const q = props.q;
  return (
    <section class="question" aria-labelledby={`q-${q.id}`}>
      <h3 id={`q-${q.id}`}>
        {q.label} {props.comparison ? <Arrow c={props.comparison} /> : null}
      </h3>
      {q.suppressed ? (
        <p class="suppressed">
          Moins de {formatCount(props.min)} réponses ({formatCount(q.n)}) : résultats masqués pour préserver l’anonymat.
        </p>
      ) : q.type === 'rating' ? (
        <BarChart model={histogramChart(q)} />
      ) : q.type === 'nps' ? (
        <>
          <BarChart model={npsChart(q)} />
          <details>
            <summary>Répartition des notes de 0 à 10</summary>
            <BarChart model={histogramChart({ ...q, label: `${q.label} : notes de 0 à 10` })} />
          </details>
        </>
      ) : q.type === 'single' || q.type === 'multiple' ? (
        <BarChart model={optionsChart(q)} />
      ) : q.type === 'text' ? (
        <Texts q={q} />
      ) : null}
    </section>
  );
}

function Breakdown(props: { results: SurveyResults; dimension: 'mode' | 'profile' }) {
  const { results } = props;
  const labels = new Map(results.questions.map((q) => [q.id, q]));
  const shownQuestions = results.questions.filter((q) => q.type === 'rating' || q.type === 'nps');
  const groups = results.breakdowns[props.dimension];
  return (
    <div class="table-scroll">
      <table class="breakdown">
        <caption>{props.dimension === 'mode' ? 'Sur place ou à distance' : 'Nouveaux utilisateurs ou experts'}</caption>
        <thead>
          <tr>
            <th scope="col">Groupe</th>
            <th scope="col" class="num">Réponses</th>
            {shownQuestions.map((q) => (
              <th scope="col" class="num" key={q.id}>
                {labels.get(q.id)?.label ?? q.id} ({q.type === 'nps' ? 'NPS' : 'moyenne'})
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.group} data-group={g.group} class={g.suppressed ? 'suppressed' : undefined}>
              <th scope="row">{GROUP_LABELS[g.group] ?? g.group}</th>
              {g.suppressed ? (
                <td colSpan={shownQuestions.length + 1}>moins de {formatCount(results.min_group_size)} réponses</td>
              ) : (
                <>
                  <td class="num">{formatCount(g.responses)}</td>
                  {shownQuestions.map((q) => {
                    const f = g.questions.find((x) => x.id === q.id);
                    const value = !f || f.suppressed ? undefined : q.type === 'nps' ? f.nps : f.mean;
                    return (
                      <td class="num" key={q.id}>
                        {f?.suppressed ? `moins de ${formatCount(results.min_group_size)} réponses` : value === undefined || value === null ? '—' : decimal.format(value)}
                      </td>
                    );
                  })}
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SurveyPage() {
  const state = useLoad(load);
  const [dimension, setDimension] = useState<'none' | 'mode' | 'profile'>('none');
  const title = state.state === 'ok' ? state.data.results.title : 'Enquête';
  return (
    <Layout title={title} current="/console/">
      <Show value={state}>
        {({ definition, results }) => {
          const comparisons = new Map((results.comparison?.questions ?? []).map((c) => [c.id, c]));
          return (
            <>
              <section aria-labelledby="participation">
                <h2 id="participation">Participation</h2>
                <p class="big-figure">
                  {formatCount(results.responses)} réponse{results.responses > 1 ? 's' : ''} sur {formatCount(results.eligible)} personnes
                  {results.response_rate === null ? '' : ` (taux de réponse ${formatPercent(results.response_rate)})`}
                </p>
                <p class="meta">
                  Ouverte du {formatInstant(definition.opens_at)} au {formatInstant(definition.closes_at)}. Un groupe ou une question de moins de{' '}
                  {formatCount(results.min_group_size)} réponses est masqué.
                </p>
              </section>

              <section aria-labelledby="ventilation">
                <h2 id="ventilation">Ventilation</h2>
                <fieldset class="toggles">
                  <legend>Afficher les résultats par groupe</legend>
                  {(
                    [
                      ['none', 'Aucune'],
                      ['mode', 'Sur place / à distance'],
                      ['profile', 'Nouveaux / experts'],
                    ] as const
                  ).map(([value, label]) => (
                    <label key={value}>
                      <input type="radio" name="ventilation" value={value} checked={dimension === value} onChange={() => setDimension(value)} /> {label}
                    </label>
                  ))}
                </fieldset>
                {dimension !== 'none' ? <Breakdown results={results} dimension={dimension} /> : null}
              </section>

              {results.comparison ? (
                <section aria-labelledby="comparaison">
                  <h2 id="comparaison">Comparaison avec l’enquête précédente</h2>
                  <table>
                    <caption class="visually-hidden">Évolution depuis l’enquête {results.comparison.previous_survey_id}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Question</th>
                        <th scope="col" class="num">Précédente</th>
                        <th scope="col" class="num">Actuelle</th>
                        <th scope="col">Évolution</th>
                      </tr>
                    </thead>
                    <tbody>
                      {results.comparison.questions.map((c) => (
                        <tr key={c.id}>
                          <th scope="row">{results.questions.find((q) => q.id === c.id)?.label ?? c.id} ({c.type === 'nps' ? 'NPS' : 'moyenne'})</th>
                          <td class="num">{decimal.format(c.previous)}</td>
                          <td class="num">{decimal.format(c.current)}</td>
                          <td>
                            <Arrow c={c} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              ) : null}

              <section aria-labelledby="questions">
                <h2 id="questions">Questions</h2>
                {results.questions.map((q) => (
                  <QuestionBlock key={q.id} q={q} min={results.min_group_size} {...(comparisons.has(q.id) ? { comparison: comparisons.get(q.id) } : {})} />
                ))}
              </section>
            </>
          );
        }}
      </Show>
    </Layout>
  );
}

mount(<SurveyPage />);
