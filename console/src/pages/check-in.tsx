// Check-in by token (`/console/check-in/{token}`), opened by scanning a badge's QR code with a
// phone signed in to the console. Loading the page records nothing: the page first reads who the
// badge names (GET /admin/check-in/{token}), then its script posts the check-in for today on the
// meeting's clock once the page is really shown (not while prerendered), with a button as the
// fallback; when today is not a meeting day it asks which day. docs/console.md says why.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api.ts';
import { ErrorMessage, Loading } from '../lib/components.tsx';
import { CheckInResult, checkInByToken, formatClock, type TokenCheckIn } from '../lib/desk.tsx';
import { pathSegments } from '../lib/hooks.ts';
import { Layout } from '../lib/layout.tsx';
import { mount } from '../lib/mount.tsx';
import './desk.css';

const token = pathSegments()[1] ?? '';

interface Preview {
  registration_id: string;
  name: string;
  organisation: string;
  cancelled: boolean;
  meeting_id: string;
  meeting_title: string;
  timezone: string;
  today: string;
  today_is_meeting_day: boolean;
  days: Array<{ date: string; label: string; expected_onsite: boolean; checked_in_at: string | null }>;
}

type Outcome = { kind: 'done'; answer: TokenCheckIn } | { kind: 'refused'; error: ApiError; day: string | undefined } | { kind: 'failed'; error: Error };

/** Resolves once the page is shown to someone: a prerendered page waits for its activation. */
function whenShown(): Promise<void> {
  const doc = document as Document & { prerendering?: boolean };
  if (!doc.prerendering) return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('prerenderingchange', () => resolve(), { once: true }));
}

function CheckInPage() {
  const [preview, setPreview] = useState<Preview | undefined>(undefined);
  const [loadError, setLoadError] = useState<Error | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const record = async (day: string | undefined, force = false) => {
    setBusy(true);
    try {
      const answer = await checkInByToken(token, { ...(day ? { day } : {}), ...(force ? { force } : {}) });
      setOutcome({ kind: 'done', answer });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 409 || e.status === 400)) setOutcome({ kind: 'refused', error: e, day });
      else setOutcome({ kind: 'failed', error: e as Error });
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    api.get<Preview>(`/admin/check-in/${encodeURIComponent(token)}`).then(
      async (p) => {
        setPreview(p);
        if (p.today_is_meeting_day && !p.cancelled) {
          await whenShown();
          await record(p.today);
        }
      },
      (e: Error) => setLoadError(e),
    );
  }, []);

  if (loadError) {
    return (
      <Layout title="Accueil">
        <ErrorMessage error={loadError} />
      </Layout>
    );
  }
  if (!preview) {
    return (
      <Layout title="Accueil">
        <Loading label="Lecture du badge…" />
      </Layout>
    );
  }
  return (
    <Layout title={`Accueil — ${preview.meeting_title}`}>
      {outcome?.kind === 'done' ? <CheckInResult answer={outcome.answer} timezone={preview.timezone} dayLabel={preview.days.find((d) => d.date === outcome.answer.day)?.label ?? outcome.answer.day} /> : null}
      {outcome?.kind === 'refused' ? (
        <div class="result result-refused" role="alert">
          <p class="result-name">{preview.name}</p>
          <p class="result-org">{preview.organisation}</p>
          <p>{outcome.error.message}</p>
          {outcome.error.status === 409 ? (
            <button type="button" class="big" disabled={busy} onClick={() => record(outcome.day, true)}>
              Enregistrer la présence quand même
            </button>
          ) : null}
        </div>
      ) : null}
      {outcome?.kind === 'failed' ? <ErrorMessage error={outcome.error} /> : null}
      {outcome === undefined || outcome.kind === 'failed' ? (
        <div class="person">
          <p class="result-name">{preview.name}</p>
          <p class="result-org">{preview.organisation}</p>
          {preview.cancelled ? <p class="error">Cette inscription a été annulée.</p> : null}
          {preview.today_is_meeting_day ? (
            <button type="button" class="big" disabled={busy} onClick={() => record(preview.today)}>
              {busy ? 'Enregistrement…' : 'Enregistrer la présence'}
            </button>
          ) : (
            <fieldset class="day-choice">
              <legend>Aujourd’hui n’est pas un jour de la réunion : pour quel jour enregistrer la présence ?</legend>
              {preview.days.map((d) => (
                <button key={d.date} type="button" class="big" disabled={busy} onClick={() => record(d.date)}>
                  {d.label}
                  {d.checked_in_at ? ` (déjà à ${formatClock(d.checked_in_at, preview.timezone)})` : ''}
                </button>
              ))}
            </fieldset>
          )}
        </div>
      ) : null}
      <p>
        <a href={`/console/meetings/${encodeURIComponent(preview.meeting_id)}/check-in`}>Accueil de la réunion (scanner, recherche par nom)</a>
      </p>
    </Layout>
  );
}

mount(<CheckInPage />);
