// The confirmation step of the console's actions: a native modal <dialog> (focus moves into it
// and is trapped there, Escape cancels, focus returns to the button that opened it), titled by
// its heading, with the question, an optional field and two buttons.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export function ConfirmButton(props: {
  /** The button's label, e.g. "Ouvrir le vote". */
  label: string;
  /** The dialog's heading and question. */
  title: string;
  question: ComponentChildren;
  confirmLabel: string;
  /** Runs on confirmation; its error is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  disabled?: boolean;
  danger?: boolean;
  /** Extra content (e.g. a date field) between the question and the buttons. */
  children?: ComponentChildren;
  id: string;
  /** The opener's accessible name when its label alone is ambiguous (one per table row). */
  ariaLabel?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const onClose = () => opener.current?.focus();
    d.addEventListener('close', onClose);
    return () => d.removeEventListener('close', onClose);
  }, []);
  const confirm = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      ref.current?.close();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button ref={opener} type="button" class={props.danger ? 'danger' : undefined} disabled={props.disabled} aria-label={props.ariaLabel} onClick={() => ref.current?.showModal()}>
        {props.label}
      </button>
      <dialog ref={ref} class="confirm" aria-labelledby={`${props.id}-titre`}>
        <form method="dialog" onSubmit={confirm}>
          <h2 id={`${props.id}-titre`}>{props.title}</h2>
          <div>{props.question}</div>
          {props.children}
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          <div class="confirm-buttons">
            <button type="submit" disabled={busy} class={props.danger ? 'danger' : undefined}>
              {busy ? 'En cours…' : props.confirmLabel}
            </button>
            <button type="button" class="secondary" onClick={() => ref.current?.close()}>
              Annuler
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
