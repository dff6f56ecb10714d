// Projector (`/console/campaigns/{campaignId}/projector`): the room's view of the vote. Large
// type, the ranking as bars with the retained line, the number of organisations that voted;
// refreshed every 3 s by polling the results read (one round of DynamoDB reads whatever the
// ballots: bench/console-projector.ts). The rows are keyed by proposal: a refresh moves and
// resizes them in place (no remount, no blank, no layout jump). No personal data: no agent, no
// organiser name (the console's header is not shown); organisations appear only as proposers.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.ts';
import { formatCount, rankingChart } from '../lib/chart-model.ts';
import { BarChart } from '../lib/charts.tsx';
import { pathSegments } from '../lib/hooks.ts';
import { mount } from '../lib/mount.tsx';
import { usePoll } from '../lib/poll.ts';
import type { CampaignDefinition, Results } from '../lib/vote-types.ts';
import '../lib/room.css';

const REFRESH_MS = 3_000;
const campaignId = pathSegments()[1] ?? '';
const base = `/admin/campaigns/${encodeURIComponent(campaignId)}`;

function Projector() {
  const [definition, setDefinition] = useState<CampaignDefinition | undefined>(undefined);
  useEffect(() => {
    api.get<CampaignDefinition>(base).then(setDefinition, () => undefined);
  }, []);
  const results = usePoll(() => api.get<Results>(`${base}/results`), REFRESH_MS);
  const title = definition?.title ?? 'Vote des évolutions';
  useEffect(() => {
    document.title = `${title} — projection`;
  }, [title]);
  const r = results.data;
  // The results are shown on the projector when they are public: live, or once closed.
  const hidden = r !== undefined && definition !== undefined && definition.results_visibility === 'after-close' && r.vote_status !== 'closed';
  const fullScreen = () => void document.documentElement.requestFullscreen?.().catch(() => undefined);
  return (
    <>
      <header class="projector-header">
        <nav aria-label="Projection">
          <a href={`/console/campaigns/${encodeURIComponent(campaignId)}`}>Quitter la projection</a>
          <button type="button" class="secondary" onClick={fullScreen}>
            Plein écran
          </button>
        </nav>
      </header>
      <main id="contenu" class="projector">
        <h1>{title}</h1>
        {r ? (
          <>
            <p class="projector-count" aria-live="polite">
              <span class="projector-number">{formatCount(r.ballots)}</span> organisation{r.ballots > 1 ? 's ont' : ' a'} voté
              {r.vote_status === 'closed' ? ' · vote clos' : r.vote_status === 'open' ? ' · vote en cours' : ' · vote pas encore ouvert'}
            </p>
            {hidden ? (
              <p class="projector-wait">Le classement sera affiché à la clôture du vote.</p>
            ) : (
              <BarChart model={rankingChart(r, { points: r.method === 'points' })} large tableHidden />
            )}
          </>
        ) : results.error ? (
          <p role="alert">Résultats indisponibles pour l’instant : nouvel essai dans quelques secondes.</p>
        ) : (
          <p role="status">Chargement…</p>
        )}
        {r && results.error ? <p class="projector-stale">Connexion perdue : dernier classement reçu affiché.</p> : null}
      </main>
    </>
  );
}

mount(<Projector />);
