// Small shared pieces: links, dialogs, error messages, form fields.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { onLinkClick } from '../router';
import { ApiError, describeError, fieldLabel, type RecordKind } from '../lib/errors';

export function Link(props: JSX.HTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return <a {...props} onClick={onLinkClick} />;
}

/** A modal dialog (the native <dialog>: focus moves in, Escape closes, focus returns). */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    opener.current = document.activeElement;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      const o = opener.current;
      if (o instanceof HTMLElement && o.isConnected) o.focus();
      // While the modal is still open (it leaves the page just after this) the rest of the page is
      // inert and refuses the focus: try again once it is gone, unless something else took it.
      setTimeout(() => {
        if (o instanceof HTMLElement && o.isConnected && (document.activeElement === document.body || document.activeElement === null)) o.focus();
      }, 0);
    };
  }, []);
  const titleId = `dlg-${props.title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'dialog wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <div class="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" class="icon" aria-label="Close" onClick={props.onClose}>
          ×
        </button>
      </div>
      {props.children}
    </dialog>
  );
}

/**
 * A dialog holding one form, the shape most of the tabs' dialogs share: the
 * subject under the title, the error as one sentence above the fields (and
 * on its field, through `children`'s argument), then the submit button and
 * Cancel. `onSubmit` sends the form; what it throws is shown, and the submit
 * button is disabled while it runs.
 */
export function FormDialog(props: {
  title: string;
  subject?: ComponentChildren;
  wide?: boolean;
  submitLabel: string;
  onClose: () => void;
  onSubmit: () => Promise<void>;
  /** For the error sentence: the record's kind (for conflicts) and the fields' names as the form shows them. */
  what?: RecordKind;
  labels?: Record<string, string>;
  /** The sentence for an error the form words itself (null: the usual one). */
  describe?: (error: unknown) => string | null;
  children: (error: unknown) => ComponentChildren;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await props.onSubmit();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={props.title} onClose={props.onClose} wide={props.wide}>
      {props.subject ? <p class="dialog-subject">{props.subject}</p> : null}
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what={props.what} labels={props.labels} describe={props.describe} />
        {props.children(error)}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {props.submitLabel}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** An error as one clear sentence, announced to screen readers. */
export function ErrorMessage(props: {
  error: unknown;
  what?: RecordKind;
  labels?: Record<string, string>;
  /** The sentence for an error the caller words itself (null: the usual one). */
  describe?: (error: unknown) => string | null;
  children?: ComponentChildren;
}) {
  if (!props.error) return null;
  const e = props.error;
  return (
    <div class="error" role="alert">
      <p>{props.describe?.(e) ?? describeError(e, props.what, props.labels)}</p>
      {e instanceof ApiError && e.requestId && e.status >= 500 ? <p class="muted">Reference {e.requestId}</p> : null}
      {props.children}
    </div>
  );
}

/** The message for one field, when the error names it. */
export function fieldError(error: unknown, field: string, label?: string): string | null {
  if (error instanceof ApiError && error.field === field) return `${label ?? fieldLabel(field)}: ${error.message}`;
  return null;
}

interface FieldProps {
  id: string;
  label: string;
  error?: string | null;
  hint?: string;
  children: (attrs: { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined }) => ComponentChildren;
}

/** A labelled control with its hint and error tied to it for assistive technology. */
export function Field(props: FieldProps) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.children({ id: props.id, 'aria-invalid': !!props.error, 'aria-describedby': describedBy })}
      {props.error ? (
        <span class="field-error" id={`${props.id}-error`}>
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <p class="loading" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

export function TierBadge(props: { tier: number | null | undefined }) {
  if (props.tier === null || props.tier === undefined) return <span class="badge tier-none">Not stratified</span>;
  return <span class={`badge tier-${props.tier}`}>Risk tier {props.tier}</span>;
}

/** Hands a downloaded file to the browser under its name (a Blob URL, revoked soon after). */
export function saveFile(file: { blob: Blob; filename: string }): void {
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
