import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Calls `load` now and every `everyMs`, keeping the last good value on screen while the next one
 * loads (no blank, no flash); an error is kept beside it until a call succeeds again. A call
 * never overlaps the previous one (a slow Wi-Fi does not pile requests up).
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [updatedAt, setUpdatedAt] = useState<Date | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const value = await loadRef.current();
        if (!live) return;
        setData(value);
        setError(undefined);
        setUpdatedAt(new Date());
      } catch (e) {
        if (live) setError(e instanceof Error ? e : new Error(String(e)));
      }
      if (live && everyMs > 0) timer = setTimeout(tick, everyMs);
    };
    void tick();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, everyMs, round]);
  return { data, error, updatedAt, reload: () => setRound((r) => r + 1) };
}
