// The door (`/console/meetings/{meetingId}/check-in`): a laptop or phone at the entrance. A
// camera scanner reads the badges' QR codes (lib/scanner.ts: BarcodeDetector, else the ponyfill
// loaded on demand), a photo of a badge can be read the same way, and a name search checks
// someone in whose badge is missing. Large touch targets; one column at 390 px.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../lib/api.ts';
import { ErrorMessage, Show } from '../lib/components.tsx';
import {
  CheckInResult,
  checkInByToken,
  formatClock,
  getFill,
  personName,
  searchRegistrations,
  setPresent,
  todayIn,
  tokenFromScan,
  type MeetingFill,
  type SearchRow,
} from '../lib/desk.tsx';
import { pathSegments, useLoad } from '../lib/hooks.ts';
import { Layout } from '../lib/layout.tsx';
import { mount } from '../lib/mount.tsx';
import { readQr } from '../lib/scanner.ts';
import './desk.css';

const meetingId = pathSegments()[1] ?? '';

type Last = { kind: 'ok'; name: string; organisation: string; checked_in_at: string; already: boolean } | { kind: 'error'; message: string };

function LastResult(props: { last: Last | undefined; fill: MeetingFill; day: string }) {
  const { last } = props;
  if (!last) return <div class="result-slot" aria-live="polite" />;
  if (last.kind === 'error') {
    return (
      <div class="result result-refused" role="alert">
        <p>{last.message}</p>
      </div>
    );
  }
  const label = props.fill.days.find((d) => d.date === props.day)?.label ?? props.day;
  return <CheckInResult answer={last} timezone={props.fill.timezone} dayLabel={label} />;
}

function Scanner(props: { onText: (text: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [on, setOn] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const stream = useRef<MediaStream | undefined>(undefined);

  const stop = () => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = undefined;
    setOn(false);
  };
  useEffect(() => stop, []);

  useEffect(() => {
    if (!on) return;
    let live = true;
    const tick = async () => {
      const v = video.current;
      if (!live) return;
      if (v && v.readyState >= 2) {
        try {
          const text = await readQr(v);
          if (text) props.onText(text);
        } catch {
          // A frame the reader could not take: the next one will do.
        }
      }
      if (live) setTimeout(tick, 250);
    };
    void tick();
    return () => {
      live = false;
    };
  }, [on]);

  const start = async () => {
    setMessage(undefined);
    if (!navigator.mediaDevices?.getUserMedia) {
      setMessage('Ce navigateur ne donne pas accès à la caméra : utilisez une photo du badge ou la recherche par nom.');
      return;
    }
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      if (video.current) {
        video.current.srcObject = stream.current;
        await video.current.play();
      }
      setOn(true);
      // Loads the reader now rather than at the first frame.
      void readQr(new ImageData(1, 1)).catch(() => undefined);
    } catch {
      setMessage('Caméra indisponible ou refusée : utilisez une photo du badge ou la recherche par nom.');
    }
  };

  const fromPhoto = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setMessage('Lecture de la photo…');
    try {
      const text = await readQr(await createImageBitmap(file));
      setMessage(text ? undefined : 'Aucun code QR lisible sur cette photo.');
      if (text) props.onText(text);
    } catch {
      setMessage('Impossible de lire cette image.');
    }
    input.value = '';
  };

  return (
    <section aria-labelledby="scanner" class="scanner">
      <h2 id="scanner">Scanner un badge</h2>
      <video ref={video} class={on ? 'camera' : 'camera camera-off'} muted playsInline aria-label="Image de la caméra" />
      <div class="scanner-actions">
        {on ? (
          <button type="button" class="big" onClick={stop}>
            Arrêter la caméra
          </button>
        ) : (
          <button type="button" class="big" onClick={start}>
            Activer la caméra
          </button>
        )}
        <label class="big file-button" for="photo">
          Lire une photo du badge
        </label>
        <input id="photo" class="visually-hidden" type="file" accept="image/*" capture="environment" onChange={fromPhoto} />
      </div>
      {message ? <p role="status">{message}</p> : null}
    </section>
  );
}

function NameSearch(props: { day: string; fill: MeetingFill; onDone: (last: Last) => void }) {
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<SearchRow[] | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  useEffect(() => {
    if (q.trim().length < 2) {
      setRows(undefined);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      searchRegistrations(meetingId, { q }, null, 10).then(
        (page) => live && (setRows(page.rows), setError(undefined)),
        (e: Error) => live && setError(e),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);

  const checkIn = async (row: SearchRow) => {
    try {
      const at = (await setPresent(row.registration_id, props.day, true)) as string;
      const before = row.days.find((d) => d.date === props.day)?.checked_in_at ?? null;
      setRows((list) => list?.map((r) => (r.registration_id === row.registration_id ? { ...r, days: r.days.map((d) => (d.date === props.day ? { ...d, checked_in_at: at } : d)) } : r)));
      props.onDone({ kind: 'ok', name: personName(row), organisation: row.organisation, checked_in_at: at, already: before !== null });
    } catch (e) {
      props.onDone({ kind: 'error', message: e instanceof ApiError ? e.message : 'Le service n’a pas répondu.' });
    }
  };

  return (
    <section aria-labelledby="par-nom" class="name-search">
      <h2 id="par-nom">Rechercher par nom</h2>
      <label for="door-q">Nom, organisme ou courriel</label>
      <input id="door-q" type="search" class="big-input" value={q} onInput={(e) => setQ(e.currentTarget.value)} autocomplete="off" />
      {error ? <ErrorMessage error={error} /> : null}
      {rows !== undefined ? (
        rows.length === 0 ? (
          <p role="status">Personne ne correspond.</p>
        ) : (
          <ul class="door-results" aria-label="Résultats">
            {rows.map((r) => {
              const d = r.days.find((x) => x.date === props.day);
              return (
                <li key={r.registration_id}>
                  <span class="door-person">
                    <strong>{personName(r)}</strong>
                    <span>{r.organisation}</span>
                  </span>
                  {d?.checked_in_at ? (
                    <span class="door-done">Arrivé·e à {formatClock(d.checked_in_at, props.fill.timezone)}</span>
                  ) : (
                    <button type="button" class="big" onClick={() => checkIn(r)} aria-label={`Enregistrer l’arrivée de ${personName(r)}`}>
                      Enregistrer l’arrivée
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )
      ) : null}
    </section>
  );
}

function Door(props: { fill: MeetingFill }) {
  const { fill } = props;
  const today = todayIn(fill.timezone);
  const [day, setDay] = useState(fill.days.some((d) => d.date === today) ? today : (fill.days[0]?.date ?? today));
  const [last, setLast] = useState<Last | undefined>(undefined);
  const recent = useRef(new Map<string, number>());

  const onText = async (text: string) => {
    const token = tokenFromScan(text);
    if (!token) {
      setLast({ kind: 'error', message: 'Ce code QR n’est pas un badge du club.' });
      return;
    }
    // The camera sees the same badge for a few frames: one check-in per badge every 5 s.
    const seen = recent.current.get(token);
    if (seen && Date.now() - seen < 5000) return;
    recent.current.set(token, Date.now());
    try {
      const a = await checkInByToken(token, { day });
      setLast({ kind: 'ok', ...a });
    } catch (e) {
      setLast({ kind: 'error', message: e instanceof ApiError ? e.message : 'Le service n’a pas répondu.' });
    }
  };

  return (
    <>
      {fill.days.length > 1 || !fill.days.some((d) => d.date === today) ? (
        <div class="field door-day">
          <label for="door-day">Jour</label>
          <select id="door-day" value={day} onChange={(e) => setDay(e.currentTarget.value)}>
            {fill.days.map((d) => (
              <option key={d.date} value={d.date}>
                {d.label}
                {d.date === today ? ' (aujourd’hui)' : ''}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <LastResult last={last} fill={fill} day={day} />
      <div class="door-columns">
        <Scanner onText={onText} />
        <NameSearch day={day} fill={fill} onDone={setLast} />
      </div>
      <p>
        <a href={`/console/meetings/${encodeURIComponent(meetingId)}`}>Retour à la réunion</a>
      </p>
    </>
  );
}

function DoorPage() {
  const fill = useLoad(() => getFill(meetingId));
  const title = fill.state === 'ok' ? `Accueil — ${fill.data.title}` : 'Accueil';
  return (
    <Layout title={title}>
      <Show value={fill}>{(f) => <Door fill={f} />}</Show>
    </Layout>
  );
}

mount(<DoorPage />);
