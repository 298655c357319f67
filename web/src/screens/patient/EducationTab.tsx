// Patient education (docs/education.md): suggestions in the patient's
// language with the reasons, assignment, delivery (how, to whom, with an
// interpreter) and teach-back, and each assignment's history.
import { useEffect, useState } from 'preact/hooks';
import { api, type EducationAssignment, type EducationSuggestion } from '../../api';
import { ApiError } from '../../lib/errors';
import { dateOnly, dateTime, humanize } from '../../lib/format';
import { can, useSession } from '../../session';
import { Dialog, ErrorMessage, Field, Loading, fieldError } from '../../components/ui';
import { History } from './InsuranceTab';
import type { TabProps } from '../PatientView';

const OPEN = new Set(['assigned', 'delivered', 'needs_reinforcement']);

export function EducationTab(props: TabProps) {
  const { user } = useSession();
  const pid = props.patient.id;
  const writable = can.write(user.role);
  const [data, setData] = useState<{ suggestions: EducationSuggestion[]; assignments: EducationAssignment[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [assignError, setAssignError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [dialog, setDialog] = useState<{ kind: 'delivery' | 'teach-back'; a: EducationAssignment } | null>(null);

  const load = () =>
    Promise.all([api.educationSuggestions(pid), api.education(pid)]).then(
      ([s, a]) => {
        setData({ suggestions: s.items, assignments: a.items });
        setError(null);
      },
      setError,
    );
  useEffect(() => {
    load();
  }, [pid]);

  const assign = async (s: EducationSuggestion) => {
    setAssignError(null);
    try {
      const body: Record<string, unknown> = { material_id: s.material.id };
      if (props.caseRecord && props.caseRecord.status !== 'closed') body.case_id = props.caseRecord.id;
      const a = await api.assignEducation(pid, body);
      setStatus(`Assigned “${a.material.title}”${a.task_id ? '; a teaching task was created' : ''}.`);
      load();
    } catch (e) {
      setAssignError(e);
    }
  };

  if (error) return <ErrorMessage error={error} what="education record" />;
  if (!data) return <Loading what="education" />;
  const open = data.assignments.filter((a) => OPEN.has(a.status));
  const past = data.assignments.filter((a) => !OPEN.has(a.status));
  const lang = props.patient.preferred_language;

  return (
    <div class="education">
      <p class="sr-status" role="status">
        {status}
      </p>
      <h2>Being taught</h2>
      {open.length === 0 ? <p class="empty">Nothing assigned at the moment.</p> : null}
      {open.map((a) => (
        <AssignmentCard key={a.id} a={a} writable={writable} onDeliver={() => setDialog({ kind: 'delivery', a })} onTeachBack={() => setDialog({ kind: 'teach-back', a })} />
      ))}

      <h2>Suggested materials</h2>
      <p class="muted small">
        For the patient's conditions and care plan problems
        {lang ? `; materials in the patient's language (${lang}) come first` : ''}.
      </p>
      <ErrorMessage error={assignError} what="education record" />
      {data.suggestions.length === 0 ? <p class="empty">No suggestions: the patient has what the library offers for their conditions.</p> : null}
      <ul class="suggestions">
        {data.suggestions.map((s) => (
          <li key={s.material.id} class="card suggestion" data-material-code={s.material.code}>
            <div class="tab-head">
              <h3 lang={s.material.language}>{s.material.title}</h3>
              <span class={`badge${s.preferred_language ? ' ok' : ''}`}>
                {s.material.language.toUpperCase()}
                {s.preferred_language ? " · patient's language" : ' · not the patient’s language'}
              </span>
            </div>
            <p class="muted small">
              {s.material.topic} · {humanize(s.material.format)} · reading grade {s.material.reading_level}
            </p>
            <ul class="reasons" aria-label="Why suggested">
              {s.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            {s.material.teach_back_points.length ? (
              <details>
                <summary>Teach-back points</summary>
                <ul>
                  {s.material.teach_back_points.map((t) => (
                    <li key={t}>{t}</li>
                  ))}
                </ul>
              </details>
            ) : null}
            {writable ? (
              <div class="actions">
                <button type="button" onClick={() => assign(s)} aria-label={`Assign ${s.material.topic}`}>
                  Assign
                </button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>

      <h2>History</h2>
      {past.length === 0 ? <p class="muted">No completed, declined or cancelled teaching yet.</p> : null}
      {past.map((a) => (
        <AssignmentCard key={a.id} a={a} writable={false} onDeliver={() => undefined} onTeachBack={() => undefined} />
      ))}

      {dialog ? (
        <StepDialog
          kind={dialog.kind}
          a={data.assignments.find((x) => x.id === dialog.a.id) ?? dialog.a}
          onStale={load}
          onClose={() => setDialog(null)}
          onDone={(m) => {
            setDialog(null);
            setStatus(m);
            load();
          }}
        />
      ) : null}
    </div>
  );
}

function AssignmentCard(props: { a: EducationAssignment; writable: boolean; onDeliver: () => void; onTeachBack: () => void }) {
  const a = props.a;
  return (
    <article class="card assignment" data-assignment-id={a.id} aria-labelledby={`edu-${a.id}-h`}>
      <div class="tab-head">
        <h3 id={`edu-${a.id}-h`} lang={a.material.language}>
          {a.material.title}
        </h3>
        <span class={`badge status-${a.status}${a.status === 'understood' ? ' ok' : ''}`}>{humanize(a.status)}</span>
      </div>
      <p class="small">
        Assigned {dateOnly(a.assigned_at)}
        {a.delivered_at
          ? ` · delivered ${dateOnly(a.delivered_at)} ${humanize(a.delivery_method).toLowerCase()} to the ${humanize(a.delivered_to).toLowerCase()}${a.recipient_name ? ` (${a.recipient_name})` : ''}${
              a.interpreter_used ? ', with an interpreter' : ''
            }`
          : ' · not delivered yet'}
        {a.teach_back_result ? ` · teach-back: ${humanize(a.teach_back_result)} (attempt ${a.teach_back_attempts}, ${dateTime(a.teach_back_at)})` : ''}
        {a.reason ? ` · ${a.reason}` : ''}
      </p>
      {props.writable ? (
        <div class="actions">
          {a.status === 'assigned' || a.status === 'needs_reinforcement' ? (
            <button type="button" onClick={props.onDeliver}>
              Record delivery
            </button>
          ) : null}
          {a.status === 'delivered' ? (
            <button type="button" class="primary" onClick={props.onTeachBack}>
              Record teach-back
            </button>
          ) : null}
        </div>
      ) : null}
      <details>
        <summary>History ({a.history.length})</summary>
        <History items={a.history} label={`History of ${a.material.code}`} />
      </details>
    </article>
  );
}

function StepDialog(props: { kind: 'delivery' | 'teach-back'; a: EducationAssignment; onStale: () => void; onClose: () => void; onDone: (m: string) => void }) {
  const a = props.a;
  const [f, setF] = useState({ method: 'in_person', delivered_to: 'patient', recipient_name: '', interpreter_used: false, minutes: '', note: '', result: 'understood' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const delivery = props.kind === 'delivery';
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { version: a.version };
    if (delivery) {
      body.method = f.method;
      body.delivered_to = f.delivered_to;
      if (f.delivered_to !== 'patient' && f.recipient_name.trim()) body.recipient_name = f.recipient_name.trim();
      body.interpreter_used = f.interpreter_used;
    } else {
      body.result = f.result;
    }
    if (f.minutes.trim()) body.minutes = Number(f.minutes);
    if (f.note.trim()) body.note = f.note.trim();
    try {
      const r = await api.educationStep(a.id, props.kind, body);
      props.onDone(delivery ? `Delivery of “${r.material.title}” recorded.` : `Teach-back recorded: ${humanize(r.teach_back_result)}.`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    }
  };
  const noteLabel = delivery ? 'Note' : f.result === 'understood' ? 'Note' : 'What was not understood';
  return (
    <Dialog title={delivery ? 'Record delivery' : 'Record teach-back'} onClose={props.onClose}>
      <p class="dialog-subject" lang={a.material.language}>
        {a.material.title}
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="education record" labels={{ note: noteLabel }} />
        {delivery ? (
          <>
            <div class="grid2">
              <Field id="edu-method" label="Method" error={fieldError(error, 'method')}>
                {(x) => (
                  <select {...x} value={f.method} onChange={set('method')}>
                    {['in_person', 'phone', 'video', 'portal_message', 'letter', 'email'].map((m) => (
                      <option key={m} value={m}>
                        {humanize(m)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id="edu-to" label="Delivered to" error={fieldError(error, 'delivered_to')}>
                {(x) => (
                  <select {...x} value={f.delivered_to} onChange={set('delivered_to')}>
                    <option value="patient">The patient</option>
                    <option value="caregiver">A caregiver</option>
                    <option value="patient_and_caregiver">The patient and a caregiver</option>
                  </select>
                )}
              </Field>
            </div>
            {f.delivered_to !== 'patient' ? (
              <Field id="edu-recipient" label="Caregiver's name" error={fieldError(error, 'recipient_name')}>
                {(x) => <input {...x} value={f.recipient_name} onInput={set('recipient_name')} />}
              </Field>
            ) : null}
            <label class="check">
              <input type="checkbox" checked={f.interpreter_used} onChange={(e) => setF({ ...f, interpreter_used: e.currentTarget.checked })} /> An interpreter was used
            </label>
          </>
        ) : (
          <fieldset class="radios">
            <legend>Could the patient say it back?</legend>
            <div class="options">
              {[
                ['understood', 'Understood'],
                ['partial', 'Partly'],
                ['not_understood', 'Not understood'],
              ].map(([v, l]) => (
                <label key={v}>
                  <input type="radio" name="edu-result" checked={f.result === v} onChange={() => setF({ ...f, result: v as string })} /> {l}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <Field id="edu-minutes" label="Minutes" error={fieldError(error, 'minutes')}>
          {(x) => <input {...x} type="number" min={0} value={f.minutes} onInput={set('minutes')} />}
        </Field>
        <Field
          id="edu-note"
          label={noteLabel}
          hint={!delivery && f.result !== 'understood' ? 'Required: a reinforcement task follows when not understood' : undefined}
          error={error instanceof ApiError && error.field === 'note' ? `${noteLabel}: ${error.message}` : null}
        >
          {(x) => <textarea {...x} rows={2} value={f.note} onInput={set('note')} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            Save
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
