import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; error: ApiError | Error };

/** Runs `load` once (and again when `deps` change); the page renders each state. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> & { reload: () => void } {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setValue({ state: 'ok', data }),
      (error: unknown) => live && setValue({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);
  return { ...value, reload: () => setRound((r) => r + 1) };
}

/** The path's segments after /console/, decoded: `/console/meetings/club-12` → ['meetings', 'club-12']. */
export function pathSegments(pathname: string = location.pathname): string[] {
  return pathname
    .replace(/^\/console\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}
