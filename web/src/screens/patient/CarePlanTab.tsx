// The case's care plan: problems, measurable goals with a progress chart
// against the target, progress entries, interventions, agreement.
import { useEffect, useState } from 'preact/hooks';
import { api, type CarePlan, type Goal } from '../../api';
import { goalChart } from '../../lib/chart';
import { ApiError } from '../../lib/errors';
import { dateOnly, dateTime, humanize, num } from '../../lib/format';
import { zoneTimeUpToNow } from '../../lib/organisation';
import { can, useSession } from '../../session';
import { Dialog, ErrorMessage, Field, FormDialog, Loading, fieldError } from '../../components/ui';
import type { TabProps } from '../PatientView';

export function CarePlanTab(props: TabProps) {
  const { user } = useSession();
  const caseId = props.caseRecord!.id;
  const [plans, setPlans] = useState<CarePlan[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const writable = can.write(user.role) && props.caseRecord!.status !== 'closed';

  const load = () => api.carePlans(caseId).then((r) => setPlans(r.items), setError);
  useEffect(() => {
    load();
  }, [caseId]);

  const replace = (p: CarePlan, message: string) => {
    setPlans((ps) => (ps ?? []).map((x) => (x.id === p.id ? p : x)));
    setStatus(message);
  };

  if (error) return <ErrorMessage error={error} what="care plan" />;
  if (!plans) return <Loading what="the care plan" />;
  const live = plans.filter((p) => p.status === 'draft' || p.status === 'active');

  return (
    <div>
      <p class="sr-status" role="status">
        {status}
      </p>
      {live.length === 0 ? (
        writable ? (
          <NewPlan caseId={caseId} onCreated={(p) => { setPlans([...plans, p]); setStatus('Care plan created.'); }} />
        ) : (
          <p class="empty">No active care plan.</p>
        )
      ) : null}
      {live.map((p) => (
        <PlanView key={p.id} plan={p} writable={writable} onChange={replace} reload={load} />
      ))}
      {plans.length > live.length ? (
        <details class="past">
          <summary>Earlier plans ({plans.length - live.length})</summary>
          <ul>
            {plans
              .filter((p) => !live.includes(p))
              .map((p) => (
                <li key={p.id}>
                  {p.title} · {humanize(p.status)}
                </li>
              ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function NewPlan(props: { caseId: number; onCreated: (p: CarePlan) => void }) {
  const [title, setTitle] = useState('');
  const [days, setDays] = useState('30');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      props.onCreated(await api.createCarePlan(props.caseId, { title: title.trim(), review_every_days: Number(days) }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="card" onSubmit={submit} noValidate>
      <h2>Start a care plan</h2>
      <p class="muted">This case has no care plan yet.</p>
      <ErrorMessage error={error} what="care plan" />
      <div class="grid2">
        <Field id="cp-title" label="Title" error={fieldError(error, 'title')}>
          {(a) => <input {...a} value={title} onInput={(e) => setTitle(e.currentTarget.value)} required />}
        </Field>
        <Field id="cp-review" label="Review every (days)" hint="7 to 365" error={fieldError(error, 'review_every_days')}>
          {(a) => <input {...a} type="number" min={7} max={365} value={days} onInput={(e) => setDays(e.currentTarget.value)} />}
        </Field>
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Create care plan
        </button>
      </div>
    </form>
  );
}

function PlanView(props: { plan: CarePlan; writable: boolean; onChange: (p: CarePlan, message: string) => void; reload: () => void }) {
  const p = props.plan;
  const [dialog, setDialog] = useState<'goal' | 'problem' | 'agreement' | null>(null);
  return (
    <article class="card plan">
      <div class="tab-head">
        <h2>{p.title}</h2>
        <span class={`badge status-${p.status}`}>{humanize(p.status)}</span>
      </div>
      <p class="muted">
        Review every {p.review_every_days} days · next review due {dateOnly(p.next_review_due)}
        {p.agreement.agreed_at ? ` · agreed ${humanize(p.agreement.method)} on ${dateOnly(p.agreement.agreed_at)}` : ' · not yet agreed with the patient'}
      </p>
      {props.writable ? (
        <div class="actions">
          <button type="button" onClick={() => setDialog('goal')}>
            Add goal
          </button>
          <button type="button" onClick={() => setDialog('problem')}>
            Add problem
          </button>
          {p.status === 'draft' ? (
            <button type="button" onClick={() => setDialog('agreement')}>
              Record agreement
            </button>
          ) : null}
        </div>
      ) : null}

      <h3>Problems</h3>
      {p.problems.length === 0 ? <p class="muted">None recorded.</p> : null}
      <ul class="plain">
        {p.problems.map((pr) => (
          <li key={pr.id}>{pr.description}</li>
        ))}
      </ul>

      <h3>Goals</h3>
      {p.goals.length === 0 ? <p class="muted">No goals yet.</p> : null}
      {p.goals.map((g) => (
        <GoalView key={g.id} plan={p} goal={g} writable={props.writable} onChange={props.onChange} reload={props.reload} />
      ))}

      <h3>Interventions</h3>
      {p.interventions.length === 0 ? <p class="muted">None recorded.</p> : null}
      <ul class="plain">
        {p.interventions.map((iv) => (
          <li key={iv.id}>
            {iv.description} <span class="muted">· {iv.responsible}{iv.frequency ? `, ${iv.frequency}` : ''} · {humanize(iv.status)}</span>
          </li>
        ))}
      </ul>

      {dialog === 'goal' ? <GoalDialog plan={p} onClose={() => setDialog(null)} onDone={(np) => { setDialog(null); props.onChange(np, 'Goal added.'); }} /> : null}
      {dialog === 'problem' ? <ProblemDialog plan={p} onClose={() => setDialog(null)} onDone={(np) => { setDialog(null); props.onChange(np, 'Problem added.'); }} /> : null}
      {dialog === 'agreement' ? <AgreementDialog plan={p} onClose={() => setDialog(null)} onDone={(np) => { setDialog(null); props.onChange(np, 'Agreement recorded.'); }} /> : null}
    </article>
  );
}

function GoalChart(props: { goal: Goal }) {
  const g = props.goal;
  if (g.target_value === null) return null;
  const values = g.progress.filter((x) => x.value !== null);
  if (values.length === 0) return <p class="muted small">No measurements yet.</p>;
  const W = 360;
  const H = 160;
  const c = goalChart({ progress: values, target: g.target_value, baseline: g.baseline_value, width: W, height: H });
  const desc = `${g.measure ?? 'Value'}: ${values.map((v) => num(v.value)).join(', ')}; target ${num(g.target_value)}${g.baseline_value !== null ? `, baseline ${num(g.baseline_value)}` : ''}.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Progress chart. ${desc}`} class="goal-chart">
        {c.ticks.map((t) => (
          <g key={t.y}>
            <line x1={28} x2={W - 28} y1={t.y} y2={t.y} class="grid" />
            <text x={24} y={t.y + 4} class="tick" text-anchor="end">
              {num(t.value)}
            </text>
          </g>
        ))}
        {c.baselineY !== null ? <line x1={28} x2={W - 28} y1={c.baselineY} y2={c.baselineY} class="baseline" /> : null}
        <line x1={28} x2={W - 28} y1={c.targetY} y2={c.targetY} class="target" />
        <text x={W - 28} y={c.targetY - 4} class="label" text-anchor="end">
          target {num(g.target_value)}
        </text>
        <path d={c.path} class="series" />
        {c.points.map((pt) => (
          <circle key={pt.at} cx={pt.x} cy={pt.y} r={4} class="point">
            <title>
              {num(pt.value)} on {dateOnly(pt.at)}
            </title>
          </circle>
        ))}
      </svg>
      <figcaption class="muted small">
        {desc} Dashed: target{g.baseline_value !== null ? '; dotted: baseline' : ''}.
      </figcaption>
    </figure>
  );
}

function GoalView(props: { plan: CarePlan; goal: Goal; writable: boolean; onChange: (p: CarePlan, m: string) => void; reload: () => void }) {
  const g = props.goal;
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const open = g.status === 'active' || g.status === 'proposed';
  const setGoalStatus = async (to: string) => {
    setError(null);
    try {
      props.onChange(await api.setGoalStatus(props.plan.id, g.id, { status: to, version: g.version }), `Goal marked ${humanize(to)}.`);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.isStale) props.reload();
    }
  };
  return (
    <div class="goal" data-goal-id={g.id}>
      <div class="goal-head">
        <h4>{g.description}</h4>
        <span class={`badge ${g.target_met ? 'ok' : 'pending'}`}>{g.target_met ? 'Target met' : 'Target not met yet'}</span>
        <span class="badge">{humanize(g.status)}</span>
      </div>
      <p class="muted small">
        {g.measure
          ? `${g.measure}: baseline ${num(g.baseline_value) || '—'} → target ${num(g.target_value)} (${g.direction === 'decrease' ? 'lower is better' : 'higher is better'}), latest ${num(g.latest_value) || '—'}`
          : `Target: ${g.target_text}`}
        {' · '}by {g.target_date} · {humanize(g.origin)}
      </p>
      <ErrorMessage error={error} what="goal" />
      <GoalChart goal={g} />
      {g.progress.length ? (
        <table class="progress">
          <caption class="sr-only">Progress entries for {g.description}</caption>
          <thead>
            <tr>
              <th scope="col">Measured</th>
              <th scope="col">Value</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {g.progress.map((e, i) => (
              <tr key={i}>
                <td>{dateTime(e.measured_at)}</td>
                <td>{e.value !== null ? num(e.value) : e.value_text}</td>
                <td>{e.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {props.writable && open ? (
        <div class="actions">
          <button type="button" onClick={() => setAdding(true)}>
            Add progress
          </button>
          <button type="button" onClick={() => setGoalStatus('achieved')}>
            Mark achieved
          </button>
        </div>
      ) : null}
      {adding ? <ProgressDialog plan={props.plan} goal={g} onClose={() => setAdding(false)} onDone={(p) => { setAdding(false); props.onChange(p, 'Progress recorded.'); }} /> : null}
    </div>
  );
}

function GoalDialog(props: { plan: CarePlan; onClose: () => void; onDone: (p: CarePlan) => void }) {
  const [kind, setKind] = useState<'measure' | 'text'>('measure');
  const [f, setF] = useState({ description: '', target_date: '', measure: '', baseline_value: '', target_value: '', direction: 'decrease', target_text: '', origin: 'clinician_set' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { description: f.description.trim(), origin: f.origin };
    if (f.target_date) body.target_date = f.target_date;
    if (kind === 'measure') {
      body.measure = f.measure.trim();
      body.direction = f.direction;
      if (f.target_value.trim()) body.target_value = Number(f.target_value);
      if (f.baseline_value.trim()) body.baseline_value = Number(f.baseline_value);
    } else {
      body.target_text = f.target_text.trim();
    }
    try {
      props.onDone(await api.addGoal(props.plan.id, body));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title="Add a goal" onClose={props.onClose} wide>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="care plan" />
        <Field id="goal-description" label="Goal" hint="Specific and measurable" error={fieldError(error, 'description')}>
          {(a) => <input {...a} value={f.description} onInput={set('description')} required />}
        </Field>
        <fieldset class="radios">
          <legend>Target</legend>
          <label>
            <input type="radio" name="goal-kind" checked={kind === 'measure'} onChange={() => setKind('measure')} /> A value on a measure
          </label>
          <label>
            <input type="radio" name="goal-kind" checked={kind === 'text'} onChange={() => setKind('text')} /> A state to reach
          </label>
        </fieldset>
        {kind === 'measure' ? (
          <div class="grid2">
            <Field id="goal-measure" label="Measure" hint="e.g. HbA1c %, weight kg" error={fieldError(error, 'measure')}>
              {(a) => <input {...a} value={f.measure} onInput={set('measure')} />}
            </Field>
            <Field id="goal-direction" label="Better is" error={fieldError(error, 'direction')}>
              {(a) => (
                <select {...a} value={f.direction} onChange={set('direction')}>
                  <option value="decrease">Lower (decrease)</option>
                  <option value="increase">Higher (increase)</option>
                </select>
              )}
            </Field>
            <Field id="goal-baseline" label="Baseline" error={fieldError(error, 'baseline_value')}>
              {(a) => <input {...a} type="number" step="any" value={f.baseline_value} onInput={set('baseline_value')} />}
            </Field>
            <Field id="goal-target" label="Target value" error={fieldError(error, 'target_value')}>
              {(a) => <input {...a} type="number" step="any" value={f.target_value} onInput={set('target_value')} />}
            </Field>
          </div>
        ) : (
          <Field id="goal-target-text" label="Target state" hint="e.g. walks to church and back without stopping" error={fieldError(error, 'target_text')}>
            {(a) => <input {...a} value={f.target_text} onInput={set('target_text')} />}
          </Field>
        )}
        <div class="grid2">
          <Field id="goal-date" label="Target date" error={fieldError(error, 'target_date')}>
            {(a) => <input {...a} type="date" value={f.target_date} onInput={set('target_date')} required />}
          </Field>
          <Field id="goal-origin" label="Set by" error={fieldError(error, 'origin')}>
            {(a) => (
              <select {...a} value={f.origin} onChange={set('origin')}>
                <option value="clinician_set">Clinician</option>
                <option value="patient_stated">The patient</option>
              </select>
            )}
          </Field>
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            Add goal
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ProgressDialog(props: { plan: CarePlan; goal: Goal; onClose: () => void; onDone: (p: CarePlan) => void }) {
  const numeric = props.goal.target_value !== null;
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const [measuredOn, setMeasuredOn] = useState('');
  const [error, setError] = useState<unknown>(null);
  const { org, today } = useSession();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = {};
    if (numeric) {
      if (value.trim()) body.value = Number(value);
    } else if (value.trim()) body.value_text = value.trim();
    if (note.trim()) body.note = note.trim();
    if (measuredOn.trim()) {
      // Noon of that day on the organisation's clock (now, when that is still to come today).
      const at = zoneTimeUpToNow(measuredOn, '12:00', org.time_zone, Date.now());
      if (!at) {
        setError(new ApiError(400, { error: 'is not a date', field: 'measured_at' }));
        return;
      }
      body.measured_at = at;
    }
    try {
      props.onDone(await api.addProgress(props.plan.id, props.goal.id, body));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title="Add progress" onClose={props.onClose}>
      <p class="dialog-subject">{props.goal.description}</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="goal" />
        <Field
          id="progress-value"
          label={numeric ? `Value${props.goal.measure ? ` (${props.goal.measure})` : ''}` : 'Where it stands'}
          error={fieldError(error, numeric ? 'value' : 'value_text') ?? fieldError(error, 'value')}
        >
          {(a) => (numeric ? <input {...a} type="number" step="any" value={value} onInput={(e) => setValue(e.currentTarget.value)} required /> : <input {...a} value={value} onInput={(e) => setValue(e.currentTarget.value)} />)}
        </Field>
        <Field id="progress-date" label="Measured on" hint={`A day on the organisation's clock (${org.time_zone}); leave empty for now`} error={fieldError(error, 'measured_at', 'Measured on')}>
          {(a) => <input {...a} type="date" max={today()} value={measuredOn} onInput={(e) => setMeasuredOn(e.currentTarget.value)} />}
        </Field>
        <Field id="progress-note" label="Note" error={fieldError(error, 'note')}>
          {(a) => <input {...a} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            Save progress
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ProblemDialog(props: { plan: CarePlan; onClose: () => void; onDone: (p: CarePlan) => void }) {
  const [description, setDescription] = useState('');
  const submit = async () => props.onDone(await api.addProblem(props.plan.id, { description: description.trim() }));
  return (
    <FormDialog title="Add a problem" submitLabel="Add problem" what="care plan" onClose={props.onClose} onSubmit={submit}>
      {(error) => (
        <Field id="problem-description" label="Problem" error={fieldError(error, 'description')}>
          {(a) => <input {...a} value={description} onInput={(e) => setDescription(e.currentTarget.value)} required />}
        </Field>
      )}
    </FormDialog>
  );
}

function AgreementDialog(props: { plan: CarePlan; onClose: () => void; onDone: (p: CarePlan) => void }) {
  const [method, setMethod] = useState('verbal');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      props.onDone(await api.recordAgreement(props.plan.id, note.trim() ? { method, note: note.trim() } : { method }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title="Record the patient's agreement" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="care plan" />
        <Field id="agreement-method" label="Agreement" error={fieldError(error, 'method')}>
          {(a) => (
            <select {...a} value={method} onChange={(e) => setMethod(e.currentTarget.value)}>
              <option value="verbal">Agreed verbally</option>
              <option value="written">Agreed in writing</option>
              <option value="electronic">Agreed electronically</option>
              <option value="declined">Declined</option>
            </select>
          )}
        </Field>
        <Field id="agreement-note" label="Note" hint={method === 'declined' ? 'Required: what the patient disagreed with' : 'Optional'} error={fieldError(error, 'note')}>
          {(a) => <textarea {...a} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
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
