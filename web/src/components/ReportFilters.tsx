// The pieces the reports' question forms share (Outcomes.tsx, Evaluation.tsx,
// MeasurePacks.tsx): the form with its submit row, the period's two days, the
// program, and what follows the form (the announcement, the error sentence,
// the loading line). The fields are Field's, so each control keeps its label,
// hint and error tied to it; ids are the screen's prefix and the field.
import type { ComponentChildren } from 'preact';
import type { Program } from '../lib/organisation';
import { ErrorMessage, Field, Loading, fieldError } from './ui';

/**
 * A report's question: submitting (without the browser's own validation)
 * runs `onRun`; the submit button, after the fields, is disabled while busy.
 * Named by `labelledBy` (an id in the children) or by `label`.
 */
export function ReportForm(props: { class: string; labelledBy?: string; label?: string; busy: boolean; submitLabel: string; onRun: () => void; children: ComponentChildren }) {
  return (
    <form
      class={props.class}
      onSubmit={(e) => {
        e.preventDefault();
        props.onRun();
      }}
      noValidate
      aria-labelledby={props.labelledBy}
      aria-label={props.label}
    >
      {props.children}
      <div class="actions">
        <button type="submit" class="primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}

/**
 * The period's first and last local days (`${idPrefix}-from`, `${idPrefix}-to`),
 * each with the server's error on it under the field's label.
 */
export function PeriodFields(props: {
  idPrefix: string;
  from: string;
  to: string;
  onChange: (field: 'from' | 'to', value: string) => void;
  error: unknown;
  fromLabel?: string;
  toLabel?: string;
  fromHint?: string;
  toHint?: string;
}) {
  const fromLabel = props.fromLabel ?? 'From';
  const toLabel = props.toLabel ?? 'To (inclusive)';
  return (
    <>
      <Field id={`${props.idPrefix}-from`} label={fromLabel} hint={props.fromHint ?? 'A local day'} error={fieldError(props.error, 'from', fromLabel)}>
        {(a) => <input {...a} type="date" value={props.from} onInput={(e) => props.onChange('from', e.currentTarget.value)} />}
      </Field>
      <Field id={`${props.idPrefix}-to`} label={toLabel} hint={props.toHint ?? 'A local day'} error={fieldError(props.error, 'to', toLabel)}>
        {(a) => <input {...a} type="date" value={props.to} onInput={(e) => props.onChange('to', e.currentTarget.value)} />}
      </Field>
    </>
  );
}

/** The organisation's programs to choose one from; `none` names the empty choice. */
export function ProgramField(props: { id: string; value: string; onChange: (value: string) => void; programs: Program[]; none: string; hint?: string; error: unknown }) {
  return (
    <Field id={props.id} label="Program" hint={props.hint} error={fieldError(props.error, 'program', 'Program')}>
      {(a) => (
        <select {...a} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
          <option value="">{props.none}</option>
          {props.programs.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/**
 * Under a report's form: what was shown, announced to screen readers; the
 * error as one sentence (`labels`: the fields by the form's names); and,
 * when `loading` is set, that the report (`what`) is loading.
 */
export function ReportStatus(props: { status: string; error: unknown; labels: Record<string, string>; loading: boolean; what: string }) {
  return (
    <>
      <p class="sr-status" role="status">
        {props.status}
      </p>
      <ErrorMessage error={props.error} labels={props.labels} />
      {props.loading ? <Loading what={props.what} /> : null}
    </>
  );
}
