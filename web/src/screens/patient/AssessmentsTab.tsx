// Assessments: the patient's results, and forms built from the instrument
// definitions the server serves. The server scores, bands, flags and raises
// alerts; the screen shows what it answered.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Assessment } from '../../api';
import { ApiError, answerPointer, describeError } from '../../lib/errors';
import { dateTime, humanize } from '../../lib/format';
import {
  type Answers,
  type InstrumentDefinition,
  type InstrumentItem,
  finalizeAnswers,
  getAt,
  isAsked,
  itemForPointer,
  itemPointer,
  missingItems,
  pruneUnasked,
  scaleValues,
  setAt,
} from '../../lib/instrument';
import { can, useSession } from '../../session';
import { ErrorMessage, Loading } from '../../components/ui';
import type { TabProps } from '../PatientView';

export function AssessmentsTab(props: TabProps) {
  const { user } = useSession();
  const [list, setList] = useState<Assessment[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [instruments, setInstruments] = useState<{ id: string; title: string }[]>([]);
  const [chosen, setChosen] = useState('');
  const [def, setDef] = useState<InstrumentDefinition | null>(null);
  const [result, setResult] = useState<Assessment | null>(null);
  const canAssess = can.assess(user.role) && !!props.caseRecord && props.caseRecord.status !== 'closed';

  const load = () => api.patientAssessments(props.patient.id).then((r) => setList(r.items), setError);
  const focused = props.focus.assessment ?? null;
  useEffect(() => {
    if (focused && list) document.querySelector(`tr[data-assessment-id="${focused}"]`)?.scrollIntoView({ block: 'center' });
  }, [focused, !!list]);
  useEffect(() => {
    load();
    if (canAssess) api.instruments().then((r) => setInstruments(r.items.filter((i) => !i.record)), setError);
  }, [props.patient.id]);

  const start = async (e: Event) => {
    e.preventDefault();
    if (!chosen) return;
    setResult(null);
    try {
      setDef(await api.instrument(chosen));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div>
      <ErrorMessage error={error} />
      {canAssess ? (
        <form class="card new-assessment" onSubmit={start}>
          <h2>New assessment</h2>
          <div class="field inline">
            <label for="instrument">Instrument</label>
            <select id="instrument" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {instruments.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.title}
                </option>
              ))}
            </select>
            <button type="submit" class="primary" disabled={!chosen}>
              Start
            </button>
          </div>
        </form>
      ) : null}

      {result ? <ResultPanel a={result} /> : null}

      {def && props.caseRecord ? (
        <AssessmentForm
          key={def.id}
          def={def}
          caseId={props.caseRecord.id}
          onCancel={() => setDef(null)}
          onCompleted={(a) => {
            setDef(null);
            setResult(a);
            load();
            props.refreshHeader();
          }}
        />
      ) : null}

      <h2>Results</h2>
      {list === null ? <Loading what="assessments" /> : null}
      {list && list.length === 0 ? <p class="empty">No assessments yet.</p> : null}
      {list && list.length ? (
        <table class="results">
          <thead>
            <tr>
              <th scope="col">Completed</th>
              <th scope="col">Instrument</th>
              <th scope="col">Score</th>
              <th scope="col">Result</th>
              <th scope="col">Alerts</th>
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.id} data-assessment-id={a.id} class={a.id === focused ? 'selected' : undefined} aria-current={a.id === focused ? 'true' : undefined}>
                <td>{a.completed_at ? dateTime(a.completed_at) : humanize(a.status)}</td>
                <td>{a.instrument.toUpperCase()}</td>
                <td>{a.score ?? ''}</td>
                <td>{a.band ? humanize(a.band) : (a.result?.positive_domains ?? []).map(humanize).join(', ')}</td>
                <td>{(a.result?.alerts ?? []).map((x) => `${humanize(x.severity)}: ${x.reason}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function ResultPanel(props: { a: Assessment }) {
  const a = props.a;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [a.id]);
  const alerts = a.result?.alerts ?? [];
  const domains = a.result?.positive_domains ?? [];
  return (
    <div class="card result" tabIndex={-1} ref={ref} aria-labelledby="result-title" data-testid="assessment-result">
      <h2 id="result-title">{a.instrument.toUpperCase()} result</h2>
      <p class="score-line">
        {a.score !== null ? (
          <>
            Score <strong class="score">{a.score}</strong>
          </>
        ) : null}
        {a.band ? (
          <>
            {' '}
            · <strong class="band">{humanize(a.band)}</strong>
          </>
        ) : null}
      </p>
      {domains.length ? <p>Positive domains: {domains.map(humanize).join(', ')}</p> : null}
      {alerts.length ? (
        <div role="alert" class="result-alerts">
          {alerts.map((x, i) => (
            <p key={i} class={`alert-${x.severity}`}>
              <strong>{humanize(x.severity)} alert raised:</strong> {x.reason}. The care team's supervisors have been notified.
            </p>
          ))}
        </div>
      ) : (
        <p class="muted">No alert raised.</p>
      )}
    </div>
  );
}

function AssessmentForm(props: { def: InstrumentDefinition; caseId: number; onCancel: () => void; onCompleted: (a: Assessment) => void }) {
  const { def } = props;
  const [answers, setAnswers] = useState<Answers>({});
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const errorPointer = error instanceof ApiError ? answerPointer(error.field) : null;
  const errorItem = itemForPointer(def, errorPointer);

  const set = (item: InstrumentItem, value: unknown) => {
    setAnswers((a) => pruneUnasked(def, setAt(a, itemPointer(item), value)));
    setMissing((m) => m.filter((id) => id !== item.id));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const miss = missingItems(def, answers);
    if (miss.length) {
      setMissing(miss.map((i) => i.id));
      document.getElementById(`q-${miss[0]!.id}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      props.onCompleted(await api.startAssessment(props.caseId, { instrument: def.id, answers: finalizeAnswers(def, answers), complete: true }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card assessment-form" onSubmit={submit} noValidate aria-labelledby="af-title">
      <h2 id="af-title">{def.title}</h2>
      {def.description ? <p class="muted">{def.description}</p> : null}
      {missing.length ? (
        <div class="error" role="alert">
          <p>
            {missing.length === 1 ? '1 question is' : `${missing.length} questions are`} not answered yet: every item is required.
          </p>
        </div>
      ) : null}
      {error ? (
        <div class="error" role="alert">
          <p>{errorItem ? `“${errorItem.label}”: ${(error as ApiError).message}.` : describeError(error, 'assessment')}</p>
        </div>
      ) : null}
      {def.sections.map((s) => (
        <fieldset key={s.id} class="section">
          <legend>{s.label}</legend>
          {s.items
            .filter((it) => isAsked(def, answers, it))
            .map((it) => (
              <ItemInput
                key={it.id}
                item={it}
                value={getAt(answers, itemPointer(it))}
                onChange={(v) => set(it, v)}
                problem={errorItem?.id === it.id ? (error as ApiError).message : missing.includes(it.id) ? 'Answer this question' : null}
              />
            ))}
        </fieldset>
      ))}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Scoring…' : 'Complete and score'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ItemInput(props: { item: InstrumentItem; value: unknown; onChange: (v: unknown) => void; problem: string | null }) {
  const it = props.item;
  const id = `q-${it.id}`;
  const err = props.problem ? <span class="field-error" id={`${id}-error`}>{props.problem}</span> : null;
  const described = props.problem ? `${id}-error` : undefined;
  const scale = scaleValues(it);
  if (scale || it.type === 'boolean' || it.type === 'choice') {
    const opts = scale ? scale.map((v) => ({ value: v as unknown, label: String(v) })) : (it.options ?? []).map((o) => ({ value: o.value as unknown, label: o.label ?? String(o.value) }));
    return (
      <fieldset class={`question radios${scale ? ' scale' : ''}${props.problem ? ' invalid' : ''}`} aria-describedby={described} aria-invalid={!!props.problem}>
        <legend>{it.label}</legend>
        <div class="options">
          {opts.map((o, i) => (
            <label key={String(o.value)}>
              <input
                type="radio"
                name={id}
                id={i === 0 ? id : undefined}
                checked={props.value === o.value}
                onChange={() => props.onChange(o.value)}
              />{' '}
              {o.label}
            </label>
          ))}
        </div>
        {err}
      </fieldset>
    );
  }
  if (it.type === 'multi_choice') {
    const cur = Array.isArray(props.value) ? (props.value as string[]) : [];
    return (
      <fieldset class={`question checks${props.problem ? ' invalid' : ''}`} aria-describedby={described}>
        <legend>{it.label}</legend>
        <p class="hint">Tick all that apply, or none.</p>
        <div class="options">
          {(it.options ?? []).map((o, i) => {
            const v = String(o.value);
            return (
              <label key={v}>
                <input
                  type="checkbox"
                  id={i === 0 ? id : undefined}
                  checked={cur.includes(v)}
                  onChange={(e) => props.onChange(e.currentTarget.checked ? [...cur, v] : cur.filter((x) => x !== v))}
                />{' '}
                {o.label ?? v}
              </label>
            );
          })}
        </div>
        {err}
      </fieldset>
    );
  }
  return (
    <div class={`field question${props.problem ? ' invalid' : ''}`}>
      <label for={id}>{it.label}</label>
      {it.type === 'text' ? (
        <textarea id={id} maxLength={it.max_length} value={(props.value as string) ?? ''} onInput={(e) => props.onChange(e.currentTarget.value || undefined)} aria-describedby={described} />
      ) : (
        <input
          id={id}
          type="number"
          min={it.min}
          max={it.max}
          step={it.type === 'integer' ? 1 : 'any'}
          value={props.value === undefined || props.value === null ? '' : String(props.value)}
          onInput={(e) => props.onChange(e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))}
          aria-invalid={!!props.problem}
          aria-describedby={described}
        />
      )}
      {err}
    </div>
  );
}
