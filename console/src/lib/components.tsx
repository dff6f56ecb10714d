// Small shared pieces: loading and error states, and the accessible bar (no chart library: a
// bar is a div sized through the CSSOM, which the CSP allows, with its figures as text beside it).
import type { ComponentChildren } from 'preact';
import { ApiError } from './api.ts';
import { formatNumber } from './format.ts';
import type { Loaded } from './hooks.ts';

export function Loading(props: { label?: string }) {
  return (
    <p class="loading" role="status">
      {props.label ?? 'Chargement…'}
    </p>
  );
}

export function ErrorMessage(props: { error: Error }) {
  const e = props.error;
  return (
    <p class="error" role="alert">
      {e instanceof ApiError ? e.message : 'Le service n’a pas répondu : réessayez dans un instant.'}
    </p>
  );
}

/** Renders a Loaded value: the loading line, the error, or `children(data)`. */
export function Show<T>(props: { value: Loaded<T>; children: (data: T) => ComponentChildren; label?: string }) {
  const v = props.value;
  if (v.state === 'loading') return <Loading label={props.label} />;
  if (v.state === 'error') return <ErrorMessage error={v.error} />;
  return <>{props.children(v.data)}</>;
}

/**
 * A horizontal bar with its figures as text: `label`, then `value / max` (and `extra`, e.g. the
 * waiting count). The visual bar is hidden from assistive technologies; the text says it all.
 */
export function Bar(props: { label: string; value: number; max: number; extra?: string; tone?: 'full' | 'ok' }) {
  const ratio = props.max > 0 ? Math.min(1, props.value / props.max) : 0;
  const full = props.max > 0 && props.value >= props.max;
  return (
    <div class="bar-row">
      <span class="bar-label">{props.label}</span>
      <span class="bar-track" aria-hidden="true">
        <span class={`bar-fill${full || props.tone === 'full' ? ' bar-full' : ''}`} style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
      </span>
      <span class="bar-figures">
        {formatNumber(props.value)} / {formatNumber(props.max)}
        {props.extra ? <span class="bar-extra"> · {props.extra}</span> : null}
      </span>
    </div>
  );
}
