// The patient's insurance (docs/insurance.md): coverages with their latest
// eligibility check, prior authorizations with their deadline countdowns and
// workflow, appeals with their evidence and packet, and claims with their
// adjustment codes. The URL carries only ids: ?tab=insurance&auth=ID&appeal=ID.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  type Appeal,
  type Assessment,
  type Authorization,
  type Claim,
  type Condition,
  type CoverageEligibility,
  type DocumentInfo,
  type Evidence,
  type HistoryEntry,
  type Note,
} from '../../api';
import { ApiError } from '../../lib/errors';
import { dateOnly, dateTime, humanize } from '../../lib/format';
import { AUTH_ACTION_LABELS, authActions, availableLevels, canAppeal, deadline, type AuthAction } from '../../lib/insurance';
import { zoneLocalToIso, zoneNowLocal } from '../../lib/organisation';
import { navigate } from '../../router';
import { can, useSession } from '../../session';
import { Dialog, ErrorMessage, Field, FormDialog, Link, Loading, fieldError } from '../../components/ui';
import type { TabProps } from '../PatientView';

interface Data {
  coverages: CoverageEligibility[];
  auths: Authorization[];
  claims: Claim[];
  conditions: Condition[];
}

/** Field errors whose name starts with a prefix ("diagnosis_codes[1]" for the diagnoses field). */
function prefixError(error: unknown, prefix: string, label: string): string | null {
  if (error instanceof ApiError && error.field && (error.field === prefix || error.field.startsWith(`${prefix}[`))) {
    const idx = /^\w+\[(\d+)\]/.exec(error.field);
    return `${label}${idx ? ` (number ${Number(idx[1]) + 1})` : ''}: ${error.message}`;
  }
  return null;
}

/** A deadline in words and with a marker, never by colour alone. */
export function DeadlineText(props: { label: string; at: string | null; rule?: string | null }) {
  const d = deadline(props.at);
  if (!d || !props.at) return null;
  return (
    <span class={`deadline${d.overdue ? ' overdue' : d.soon ? ' soon' : ''}`}>
      <span class="deadline-label">{props.label}:</span>{' '}
      {d.overdue ? <strong>⚠ Overdue</strong> : d.soon ? <strong>Soon</strong> : null}{' '}
      <time dateTime={props.at} title={dateTime(props.at)}>
        {d.overdue ? d.text.replace(/^overdue /, '') : d.text}
      </time>
      <span class="muted small"> ({dateTime(props.at)})</span>
      {props.rule ? <span class="muted small rule"> · {props.rule}</span> : null}
    </span>
  );
}

export function InsuranceTab(props: TabProps) {
  const { user } = useSession();
  const pid = props.patient.id;
  const writable = can.write(user.role);
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [dialog, setDialog] = useState<{ kind: 'eligibility'; coverage: CoverageEligibility } | { kind: 'new-auth' } | null>(null);

  const load = () =>
    Promise.all([api.eligibility(pid), api.authorizations(pid), api.claims(pid), api.conditions(pid)]).then(
      ([c, a, cl, co]) => {
        setData({ coverages: c.items, auths: a.items, claims: cl.items, conditions: co.items });
        setError(null);
      },
      setError,
    );
  useEffect(() => {
    load();
  }, [pid]);

  const href = (auth: number | null, appeal: number | null = null) => {
    const q = new URLSearchParams();
    if (props.caseRecord) q.set('case', String(props.caseRecord.id));
    q.set('tab', 'insurance');
    if (auth) q.set('auth', String(auth));
    if (appeal) q.set('appeal', String(appeal));
    return `/patients/${pid}?${q.toString()}`;
  };

  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="insurance" />;
  const selected = props.focus.auth ? data.auths.find((a) => a.id === props.focus.auth) ?? null : null;
  const activeCoverages = data.coverages.filter((c) => c.status === 'active');

  return (
    <div class="insurance">
      <p class="sr-status" role="status">
        {status}
      </p>

      <h2>Coverage and eligibility</h2>
      {data.coverages.length === 0 ? <p class="empty">No coverage recorded.</p> : null}
      <ul class="coverages">
        {data.coverages.map((c) => (
          <li key={c.id} class="card coverage" data-coverage-id={c.id}>
            <div class="tab-head">
              <h3>
                {c.payer}
                {c.plan ? ` · ${c.plan}` : ''}
              </h3>
              {c.needs_verification && c.status === 'active' ? <span class="badge warn">Needs verification</span> : null}
              {!c.needs_verification && c.latest_eligibility?.result === 'eligible' ? <span class="badge ok">Verified</span> : null}
            </div>
            <p class="muted small">
              {humanize(c.priority)} · {humanize(c.product_type)} · member {c.member_id} · from {c.effective_from}
              {c.effective_to ? ` to ${c.effective_to}` : ''} · {humanize(c.status)}
            </p>
            <p class="small">
              {c.latest_eligibility
                ? `Last check: ${humanize(c.latest_eligibility.result)} on ${dateOnly(c.latest_eligibility.checked_at)} (${humanize(c.latest_eligibility.method)}${
                    c.latest_eligibility.reference ? `, reference ${c.latest_eligibility.reference}` : ''
                  })`
                : 'Eligibility never checked.'}
            </p>
            {writable && c.status === 'active' ? (
              <button type="button" onClick={() => setDialog({ kind: 'eligibility', coverage: c })} aria-label={`Record eligibility check for ${c.payer}`}>
                Record eligibility check
              </button>
            ) : null}
          </li>
        ))}
      </ul>

      <div class="tab-head">
        <h2>Prior authorizations</h2>
        {writable && activeCoverages.length ? (
          <button type="button" class="primary" onClick={() => setDialog({ kind: 'new-auth' })}>
            New authorization request
          </button>
        ) : null}
      </div>
      {data.auths.length === 0 ? (
        <p class="empty">No authorization requests.</p>
      ) : (
        <table class="results auths">
          <caption class="sr-only">Authorization requests, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Services</th>
              <th scope="col">Status</th>
              <th scope="col">Deadlines</th>
              <th scope="col">Units (requested / approved / used)</th>
            </tr>
          </thead>
          <tbody>
            {data.auths.map((a) => (
              <tr key={a.id} class={a.id === selected?.id ? 'selected' : ''} data-auth-id={a.id}>
                <th scope="row">
                  <Link href={href(a.id)} aria-current={a.id === selected?.id ? 'true' : undefined}>
                    Authorization #{a.id}
                  </Link>
                  <div class="muted small">
                    {a.payer} · {humanize(a.urgency)}
                  </div>
                </th>
                <td>{a.services.map((s) => s.code).join(', ')}</td>
                <td>
                  <span class={`badge status-${a.status}`}>{humanize(a.status)}</span>
                  {a.approved_on_appeal ? <div class="small">on appeal</div> : null}
                </td>
                <td>
                  <AuthDeadlines a={a} />
                </td>
                <td>
                  {a.units_requested} / {a.units_approved} / {a.units_used}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {props.focus.auth && !selected ? <p class="error">Authorization #{props.focus.auth} is not one of this patient's.</p> : null}
      {selected ? (
        <AuthDetail
          key={selected.id}
          auth={selected}
          patientId={pid}
          caseId={props.caseRecord?.id ?? null}
          conditions={data.conditions}
          focusAppeal={props.focus.appeal}
          writable={writable}
          href={href}
          onChanged={(message, appealId) => {
            // Announce once the screen shows the change.
            load().then(() => message && setStatus(message));
            if (appealId !== undefined) navigate(href(selected.id, appealId), { replace: true });
          }}
        />
      ) : null}

      <h2>Claims</h2>
      {data.claims.length === 0 ? (
        <p class="empty">No claims recorded.</p>
      ) : (
        <table class="results claims">
          <thead>
            <tr>
              <th scope="col">Claim</th>
              <th scope="col">Service</th>
              <th scope="col">Billed / allowed / paid</th>
              <th scope="col">Status</th>
              <th scope="col">Adjustments</th>
            </tr>
          </thead>
          <tbody>
            {data.claims.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  {c.claim_number}
                  <div class="muted small">{c.payer}</div>
                </th>
                <td>
                  {c.service_code ?? ''} {c.units ? `× ${c.units}` : ''}
                  <div class="muted small">
                    {c.service_from}
                    {c.service_to && c.service_to !== c.service_from ? ` to ${c.service_to}` : ''}
                    {c.authorization_id ? ` · authorization #${c.authorization_id}` : ''}
                  </div>
                </td>
                <td>
                  {money(c.billed)} / {money(c.allowed)} / {money(c.paid)}
                </td>
                <td>{humanize(c.status)}</td>
                <td>
                  <ul class="plain adjustments">
                    {c.adjustment_codes.map((x) => (
                      <li key={x.code}>
                        <strong>{x.code}</strong> {x.description ?? ''}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {dialog?.kind === 'eligibility' ? (
        <EligibilityDialog
          patientId={pid}
          coverage={dialog.coverage}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            setStatus('Eligibility check recorded.');
            load();
          }}
        />
      ) : null}
      {dialog?.kind === 'new-auth' ? (
        <NewAuthDialog
          patientId={pid}
          caseId={props.caseRecord && props.caseRecord.status !== 'closed' ? props.caseRecord.id : null}
          coverages={activeCoverages}
          conditions={data.conditions}
          onClose={() => setDialog(null)}
          onDone={(a) => {
            setDialog(null);
            setStatus(a.status === 'draft' ? `Authorization #${a.id} saved as a draft.` : `Authorization #${a.id} submitted to ${a.payer}.`);
            load();
            navigate(href(a.id));
          }}
        />
      ) : null}
    </div>
  );
}

function money(v: number | null): string {
  return v === null ? '—' : `$${v.toFixed(2)}`;
}

function AuthDeadlines(props: { a: Authorization }) {
  const a = props.a;
  const open = a.appeals.find((x) => x.status === 'draft' || x.status === 'filed');
  return (
    <div class="deadlines">
      {(a.status === 'submitted' || a.status === 'pended') && !a.clock_paused_at ? <DeadlineText label="Decision due" at={a.decision_due_at} /> : null}
      {(a.status === 'submitted' || a.status === 'pended') && a.clock_paused_at ? (
        <span class="deadline">
          <span class="deadline-label">Decision clock:</span> paused since {dateTime(a.clock_paused_at)}
        </span>
      ) : null}
      {open?.status === 'draft' ? <DeadlineText label="Appeal filing" at={open.filing_deadline} /> : null}
      {open?.status === 'filed' ? <DeadlineText label="Appeal decision due" at={open.decision_due_at} /> : null}
      {!open && (a.status === 'denied' || a.status === 'partially_approved') && a.appeal_deadline ? <DeadlineText label="Appeal filing" at={a.appeal_deadline} /> : null}
      {(a.status === 'approved' || a.status === 'partially_approved') && a.approved_to ? (
        <span class="small">
          Approved {a.approved_from} to {a.approved_to}
        </span>
      ) : null}
    </div>
  );
}

function historyDetail(h: HistoryEntry): string {
  const d = h.detail;
  if (d === null || d === undefined) return '';
  if (typeof d === 'string') return d;
  if (typeof d === 'object') {
    return Object.entries(d as Record<string, unknown>)
      .map(([k, v]) => `${humanize(k)}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : typeof v === 'string' && /^[a-z_]+$/.test(v) ? humanize(v) : String(v)}`)
      .join(', ');
  }
  return String(d);
}

export function History(props: { items: HistoryEntry[]; label: string }) {
  return (
    <ol class="history" aria-label={props.label}>
      {props.items.map((h, i) => (
        <li key={i}>
          <time dateTime={h.at}>{dateTime(h.at)}</time> <strong>{humanize(h.kind)}</strong>
          {h.from || h.to ? (
            <span>
              {' '}
              {h.from ? `${humanize(h.from)} → ` : ''}
              {humanize(h.to ?? '')}
            </span>
          ) : null}
          {historyDetail(h) ? <span class="muted"> · {historyDetail(h)}</span> : null}
        </li>
      ))}
    </ol>
  );
}

function AuthDetail(props: {
  auth: Authorization;
  patientId: number;
  caseId: number | null;
  conditions: Condition[];
  focusAppeal: number | null;
  writable: boolean;
  href: (auth: number | null, appeal?: number | null) => string;
  onChanged: (message: string, appealId?: number) => void;
}) {
  const a = props.auth;
  const [action, setAction] = useState<AuthAction | null>(null);
  const [appealOpen, setAppealOpen] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!props.focusAppeal) heading.current?.scrollIntoView({ block: 'start' });
  }, [a.id]);
  const actions = props.writable ? authActions(a.status, a.extended, !!a.clock_paused_at) : [];
  const [attachOpen, setAttachOpen] = useState(false);
  const openAppeal = a.appeals.find((x) => x.status === 'draft' || x.status === 'filed');
  const levels = availableLevels(a.product_type, a.appeals.filter((x) => x.status !== 'withdrawn'), a.status === 'pended');
  const appealable = props.writable && canAppeal(a.status) && !openAppeal && levels.length > 0;

  return (
    <article class="card auth-detail" aria-labelledby="auth-detail-h">
      <div class="tab-head">
        <h2 id="auth-detail-h" ref={heading} tabIndex={-1}>
          Authorization #{a.id} · {a.payer}
        </h2>
        <span class={`badge status-${a.status}`}>{humanize(a.status)}</span>
        {a.approved_on_appeal ? <span class="badge ok">Approved on appeal</span> : null}
        <Link href={props.href(null)} class="small">
          Close
        </Link>
      </div>
      <dl class="facts-list">
        <dt>Urgency</dt>
        <dd>{humanize(a.urgency)}</dd>
        <dt>Product</dt>
        <dd>{humanize(a.product_type)}</dd>
        <dt>Requesting provider</dt>
        <dd>{a.requesting_provider}</dd>
        {a.servicing_provider ? (
          <>
            <dt>Servicing provider</dt>
            <dd>{a.servicing_provider}</dd>
          </>
        ) : null}
        <dt>Diagnoses</dt>
        <dd>{a.diagnosis_codes.join(', ')}</dd>
        {a.received_at ? (
          <>
            <dt>Received by the payer</dt>
            <dd>{dateTime(a.received_at)}</dd>
          </>
        ) : null}
        {a.decision_due_at ? (
          <>
            <dt>Decision due</dt>
            <dd>
              {a.decided_at || a.clock_paused_at ? (
                <>
                  {dateTime(a.decision_due_at)} <span class="muted small">· {a.decision_due_rule}</span>
                  {a.clock_paused_at && !a.decided_at ? <strong> · clock paused since {dateTime(a.clock_paused_at)}; the due time moves by the pause</strong> : null}
                </>
              ) : (
                <DeadlineText label="Payer decision" at={a.decision_due_at} rule={a.decision_due_rule} />
              )}
              {a.extended ? ' (extended)' : ''}
            </dd>
          </>
        ) : null}
        {a.decided_at ? (
          <>
            <dt>Decided</dt>
            <dd>
              {dateTime(a.decided_at)} · {a.decided_within_time ? 'within the required time' : 'after the required time'}
            </dd>
          </>
        ) : null}
        {a.denial_reason ? (
          <>
            <dt>Payer's reason</dt>
            <dd>
              {a.denial_reason}
              {a.denial_code ? ` (${a.denial_code})` : ''}
            </dd>
          </>
        ) : null}
        {a.approved_from ? (
          <>
            <dt>Approved</dt>
            <dd>
              {a.approved_from} to {a.approved_to}
            </dd>
          </>
        ) : null}
        {a.payer_reference ? (
          <>
            <dt>Payer reference</dt>
            <dd>{a.payer_reference}</dd>
          </>
        ) : null}
        {a.appeal_deadline && !a.approved_on_appeal ? (
          <>
            <dt>First appeal filing deadline</dt>
            <dd>{dateTime(a.appeal_deadline)}</dd>
          </>
        ) : null}
      </dl>
      {a.clinical_summary ? <p class="summary">{a.clinical_summary}</p> : null}

      <table class="results services">
        <caption>Services</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Description</th>
            <th scope="col">Dates</th>
            <th scope="col">Units requested</th>
            <th scope="col">Units approved</th>
          </tr>
        </thead>
        <tbody>
          {a.services.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                {s.code} <span class="muted small">{s.code_system.toUpperCase()}</span>
              </th>
              <td>{s.description ?? ''}</td>
              <td>
                {s.service_from}
                {s.service_to ? ` to ${s.service_to}` : ''}
              </td>
              <td>{s.units_requested}</td>
              <td>{s.units_approved ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="small">
        Units: {a.units_requested} requested, {a.units_approved} approved, {a.units_used} used.
      </p>

      <h3>Supporting documents</h3>
      {(a.documents ?? []).length === 0 ? <p class="muted small">None attached.</p> : null}
      <ul class="plain">
        {(a.documents ?? []).map((d) => (
          <li key={d.id}>
            {d.title ?? humanize(d.doc_type)} <span class="muted small">· {humanize(d.doc_type)}, attached {dateOnly(d.added_at)}</span>
          </li>
        ))}
      </ul>

      {actions.length || appealable || props.writable ? (
        <div class="actions" role="group" aria-label="Record what happened">
          {actions.map((x) => (
            <button type="button" key={x} onClick={() => setAction(x)} class={x === 'submit' ? 'primary' : ''}>
              {x === 'submit' && a.status === 'pended' ? 'Record information sent' : AUTH_ACTION_LABELS[x]}
            </button>
          ))}
          {appealable ? (
            <button type="button" class="primary" onClick={() => setAppealOpen(true)}>
              Open an appeal
            </button>
          ) : null}
          {props.writable ? (
            <button type="button" onClick={() => setAttachOpen(true)}>
              Attach a document
            </button>
          ) : null}
        </div>
      ) : null}

      <h3>History</h3>
      <History items={a.history} label={`History of authorization #${a.id}`} />

      <h3>Appeals</h3>
      {a.appeals.length === 0 ? <p class="muted">No appeals.</p> : null}
      {a.appeals.map((x) => (
        <AppealCard
          key={x.id}
          appealId={x.id}
          summaryStatus={x.status}
          patientId={props.patientId}
          conditions={props.conditions}
          focused={props.focusAppeal === x.id}
          writable={props.writable}
          onChanged={(m) => props.onChanged(m, x.id)}
        />
      ))}

      {action ? (
        <AuthActionDialog
          auth={a}
          action={action}
          onStale={() => props.onChanged('')}
          onClose={() => setAction(null)}
          onDone={(m) => {
            setAction(null);
            props.onChanged(m);
          }}
        />
      ) : null}
      {attachOpen ? (
        <AttachDialog
          auth={a}
          patientId={props.patientId}
          onStale={() => props.onChanged('')}
          onClose={() => setAttachOpen(false)}
          onDone={(m) => {
            setAttachOpen(false);
            props.onChanged(m);
          }}
        />
      ) : null}
      {appealOpen ? (
        <OpenAppealDialog
          auth={a}
          levels={levels}
          onClose={() => setAppealOpen(false)}
          onDone={(ap) => {
            setAppealOpen(false);
            props.onChanged(`${ap.level_name} opened as a draft; file it by ${dateTime(ap.filing_deadline)}.`, ap.id);
          }}
        />
      ) : null}
    </article>
  );
}

function EligibilityDialog(props: { patientId: number; coverage: CoverageEligibility; onClose: () => void; onDone: () => void }) {
  const [f, setF] = useState({ result: 'eligible', method: 'portal', reference: '', note: '' });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async () => {
    await api.recordEligibility(props.patientId, {
      coverage_id: props.coverage.id,
      result: f.result,
      method: f.method,
      ...(f.reference.trim() ? { reference: f.reference.trim() } : {}),
      ...(f.note.trim() ? { note: f.note.trim() } : {}),
    });
    props.onDone();
  };
  return (
    <FormDialog
      title="Record an eligibility check"
      subject={
        <>
          {props.coverage.payer} · member {props.coverage.member_id}
        </>
      }
      submitLabel="Save check"
      onClose={props.onClose}
      onSubmit={submit}
    >
      {(error) => (
        <>
          <div class="grid2">
            <Field id="elig-result" label="Result" error={fieldError(error, 'result')}>
              {(a) => (
                <select {...a} value={f.result} onChange={set('result')}>
                  <option value="eligible">Eligible</option>
                  <option value="not_eligible">Not eligible</option>
                  <option value="pending">Pending</option>
                  <option value="error">Error</option>
                </select>
              )}
            </Field>
            <Field id="elig-method" label="Checked by" error={fieldError(error, 'method')}>
              {(a) => (
                <select {...a} value={f.method} onChange={set('method')}>
                  <option value="portal">Payer portal</option>
                  <option value="phone">Phone</option>
                  <option value="x12_270_271">X12 270/271</option>
                  <option value="other">Other</option>
                </select>
              )}
            </Field>
          </div>
          <Field id="elig-reference" label="Reference" hint="The payer's confirmation number, if any" error={fieldError(error, 'reference')}>
            {(a) => <input {...a} value={f.reference} onInput={set('reference')} />}
          </Field>
          <Field id="elig-note" label="Note" error={fieldError(error, 'note')}>
            {(a) => <textarea {...a} rows={2} value={f.note} onInput={set('note')} />}
          </Field>
        </>
      )}
    </FormDialog>
  );
}

interface ServiceRow {
  code: string;
  description: string;
  units: string;
  from: string;
  to: string;
}

const emptyService = (today: string): ServiceRow => ({ code: '', description: '', units: '1', from: today, to: '' });

function NewAuthDialog(props: {
  patientId: number;
  caseId: number | null;
  coverages: CoverageEligibility[];
  conditions: Condition[];
  onClose: () => void;
  onDone: (a: Authorization) => void;
}) {
  const active = props.conditions.filter((c) => c.status === 'active' && c.code_system === 'icd10cm');
  const [f, setF] = useState({
    coverage_id: String(props.coverages[0]?.id ?? ''),
    urgency: 'standard',
    requesting_provider: '',
    servicing_provider: '',
    diagnoses: '',
    clinical_summary: '',
  });
  const { today } = useSession();
  const [services, setServices] = useState<ServiceRow[]>(() => [emptyService(today())]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const setSvc = (i: number, k: keyof ServiceRow) => (e: Event) =>
    setServices(services.map((s, j) => (j === i ? { ...s, [k]: (e.currentTarget as HTMLInputElement).value } : s)));

  const send = async (submit: boolean) => {
    setError(null);
    setBusy(true);
    const body: Record<string, unknown> = {
      coverage_id: Number(f.coverage_id),
      urgency: f.urgency,
      requesting_provider: f.requesting_provider.trim(),
      diagnosis_codes: f.diagnoses
        .split(/[\s,;]+/)
        .map((x) => x.trim())
        .filter(Boolean),
      services: services.map((s) => ({
        code: s.code.trim(),
        ...(s.description.trim() ? { description: s.description.trim() } : {}),
        units: s.units.trim() === '' ? 0 : Number(s.units),
        ...(s.from ? { service_from: s.from } : {}),
        ...(s.to ? { service_to: s.to } : {}),
      })),
      submit,
    };
    if (f.servicing_provider.trim()) body.servicing_provider = f.servicing_provider.trim();
    if (f.clinical_summary.trim()) body.clinical_summary = f.clinical_summary.trim();
    if (props.caseId) body.case_id = props.caseId;
    try {
      props.onDone(await api.requestAuthorization(props.patientId, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="New authorization request" onClose={props.onClose} wide>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send(true);
        }}
        noValidate
      >
        <ErrorMessage error={error} what="authorization" />
        <div class="grid2">
          <Field id="auth-coverage" label="Coverage" error={fieldError(error, 'coverage_id')}>
            {(a) => (
              <select {...a} value={f.coverage_id} onChange={set('coverage_id')}>
                {props.coverages.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.payer} ({humanize(c.priority)}, {humanize(c.product_type)})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset class="radios">
            <legend>Urgency</legend>
            <div class="options">
              <label>
                <input type="radio" name="auth-urgency" checked={f.urgency === 'standard'} onChange={() => setF({ ...f, urgency: 'standard' })} /> Standard
              </label>
              <label>
                <input type="radio" name="auth-urgency" checked={f.urgency === 'expedited'} onChange={() => setF({ ...f, urgency: 'expedited' })} /> Expedited
              </label>
            </div>
          </fieldset>
          <Field id="auth-requesting" label="Requesting provider" error={fieldError(error, 'requesting_provider')}>
            {(a) => <input {...a} value={f.requesting_provider} onInput={set('requesting_provider')} />}
          </Field>
          <Field id="auth-servicing" label="Servicing provider" error={fieldError(error, 'servicing_provider')}>
            {(a) => <input {...a} value={f.servicing_provider} onInput={set('servicing_provider')} />}
          </Field>
        </div>
        <Field
          id="auth-diagnoses"
          label="Diagnoses (ICD-10-CM)"
          hint={`1 to 12 codes, separated by commas${active.length ? `. The patient's active conditions: ${active.map((c) => c.code).join(', ')}` : ''}`}
          error={prefixError(error, 'diagnosis_codes', 'Diagnoses')}
        >
          {(a) => <input {...a} value={f.diagnoses} onInput={set('diagnoses')} />}
        </Field>
        {services.map((s, i) => {
          const err = (k: string, label: string) => fieldError(error, `services[${i}].${k}`, `Service ${i + 1} ${label}`);
          return (
            <fieldset key={i} class="service-row">
              <legend>Service {i + 1}</legend>
              <div class="grid4">
                <Field id={`svc-${i}-code`} label="CPT or HCPCS code" hint="e.g. 99285, G0299" error={err('code', 'code')}>
                  {(a) => <input {...a} value={s.code} onInput={setSvc(i, 'code')} />}
                </Field>
                <Field id={`svc-${i}-units`} label="Units" error={err('units', 'units')}>
                  {(a) => <input {...a} type="number" min={1} value={s.units} onInput={setSvc(i, 'units')} />}
                </Field>
                <Field id={`svc-${i}-from`} label="From" error={err('service_from', 'from date')}>
                  {(a) => <input {...a} type="date" value={s.from} onInput={setSvc(i, 'from')} />}
                </Field>
                <Field id={`svc-${i}-to`} label="To" error={err('service_to', 'to date')}>
                  {(a) => <input {...a} type="date" value={s.to} onInput={setSvc(i, 'to')} />}
                </Field>
              </div>
              <Field id={`svc-${i}-description`} label="Description" error={err('description', 'description')}>
                {(a) => <input {...a} value={s.description} onInput={setSvc(i, 'description')} />}
              </Field>
              {services.length > 1 ? (
                <button type="button" class="link" onClick={() => setServices(services.filter((_, j) => j !== i))}>
                  Remove service {i + 1}
                </button>
              ) : null}
            </fieldset>
          );
        })}
        {prefixError(error, 'services', 'Services') && !/^services\[\d+\]\./.test((error as ApiError).field ?? '') ? (
          <p class="field-error">{prefixError(error, 'services', 'Services')}</p>
        ) : null}
        {services.length < 25 ? (
          <button type="button" onClick={() => setServices([...services, emptyService(today())])}>
            Add a service
          </button>
        ) : null}
        <Field id="auth-summary" label="Clinical summary" hint="Why the service is needed, for the payer" error={fieldError(error, 'clinical_summary')}>
          {(a) => <textarea {...a} rows={3} value={f.clinical_summary} onInput={set('clinical_summary')} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Submit to the payer
          </button>
          <button type="button" disabled={busy} onClick={() => send(false)}>
            Save as draft
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function AuthActionDialog(props: { auth: Authorization; action: AuthAction; onStale: () => void; onClose: () => void; onDone: (message: string) => void }) {
  const a = props.auth;
  const act = props.action;
  const zone = useSession().org.time_zone;
  const [f, setF] = useState({ reason: '', denial_reason: '', denial_code: '', payer_reference: a.payer_reference ?? '', approved_from: '', approved_to: '', decided_at: '' });
  const [units, setUnits] = useState<Record<number, string>>(() =>
    Object.fromEntries(a.services.map((s) => [s.id, String(act === 'partially_approve' ? '' : s.units_requested)])),
  );
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const needsReason = act === 'pend' || act === 'extend' || act === 'withdraw' || act === 'pause_clock';
  const needsDenial = act === 'deny' || act === 'partially_approve';
  const approving = act === 'approve' || act === 'partially_approve';
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { action: act, version: a.version };
    if (needsReason && f.reason.trim()) body.reason = f.reason.trim();
    if (needsDenial && f.denial_reason.trim()) body.denial_reason = f.denial_reason.trim();
    if (act === 'deny' && f.denial_code.trim()) body.denial_code = f.denial_code.trim();
    if ((approving || act === 'submit') && f.payer_reference.trim() && f.payer_reference.trim() !== (a.payer_reference ?? '')) body.payer_reference = f.payer_reference.trim();
    if ((approving || act === 'deny') && f.decided_at.trim()) {
      // Typed on the organisation's clock, whatever the browser's zone.
      const at = zoneLocalToIso(f.decided_at, zone);
      if (!at) {
        setError(new ApiError(400, { error: 'is not a date and time', field: 'decided_at' }));
        return;
      }
      body.decided_at = at;
    }
    if (approving) {
      if (f.approved_from) body.approved_from = f.approved_from;
      if (f.approved_to) body.approved_to = f.approved_to;
      body.services = a.services.map((s) => ({ id: s.id, units_approved: units[s.id]?.trim() === '' ? 0 : Number(units[s.id]) }));
    }
    try {
      const r = await api.authorizationAction(a.id, body);
      props.onDone(`Authorization #${r.id}: ${humanize(r.status)}.`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    }
  };
  const labels = { reason: act === 'pend' ? 'What the payer asked for' : act === 'pause_clock' ? 'Why the clock stops' : 'Reason', decided_at: 'Decided at' };
  return (
    <Dialog title={AUTH_ACTION_LABELS[act]} onClose={props.onClose} wide={approving}>
      <p class="dialog-subject">
        Authorization #{a.id} · {a.payer}
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="authorization" labels={labels} />
        {act === 'pause_clock' ? <p>Only where the rules toll the clock: the plan waits for what only the member can send. The decision's timeliness counts the pause out.</p> : null}
        {act === 'resume_clock' ? <p>The decision due time moves by the time the clock was paused.</p> : null}
        {needsReason ? (
          <Field id="act-reason" label={labels.reason} error={fieldError(error, 'reason', labels.reason)}>
            {(x) => <textarea {...x} rows={2} value={f.reason} onInput={set('reason')} />}
          </Field>
        ) : null}
        {needsDenial ? (
          <Field
            id="act-denial-reason"
            label="The payer's reason"
            hint="As the payer's notice words it (at least 20 characters): the appeal answers it"
            error={fieldError(error, 'denial_reason')}
          >
            {(x) => <textarea {...x} rows={3} value={f.denial_reason} onInput={set('denial_reason')} />}
          </Field>
        ) : null}
        {act === 'deny' ? (
          <Field id="act-denial-code" label="Denial code" hint="Optional, e.g. CO-50" error={fieldError(error, 'denial_code')}>
            {(x) => <input {...x} value={f.denial_code} onInput={set('denial_code')} />}
          </Field>
        ) : null}
        {approving ? (
          <>
            <div class="grid2">
              <Field id="act-from" label="Approved from" hint="Default: the services' dates" error={fieldError(error, 'approved_from')}>
                {(x) => <input {...x} type="date" value={f.approved_from} onInput={set('approved_from')} />}
              </Field>
              <Field id="act-to" label="Approved to" error={fieldError(error, 'approved_to')}>
                {(x) => <input {...x} type="date" value={f.approved_to} onInput={set('approved_to')} />}
              </Field>
            </div>
            {a.services.map((s, i) => (
              <Field
                key={s.id}
                id={`act-units-${s.id}`}
                label={`Units approved for ${s.code}`}
                hint={`${s.units_requested} requested${act === 'approve' ? '; fewer is a partial approval' : ''}`}
                error={fieldError(error, `services[${i}].units_approved`) ?? fieldError(error, `services[${i}]`)}
              >
                {(x) => (
                  <input {...x} type="number" min={0} max={s.units_requested} value={units[s.id] ?? ''} onInput={(e) => setUnits({ ...units, [s.id]: e.currentTarget.value })} />
                )}
              </Field>
            ))}
          </>
        ) : null}
        {approving || act === 'deny' ? (
          <Field
            id="act-decided"
            label="Decided at"
            hint={`When the payer decided, from its notice, on the organisation's clock (${zone}); empty: now`}
            error={fieldError(error, 'decided_at', labels.decided_at)}
          >
            {(x) => <input {...x} type="datetime-local" max={zoneNowLocal(zone, Date.now()) ?? undefined} value={f.decided_at} onInput={set('decided_at')} />}
          </Field>
        ) : null}
        {approving || act === 'submit' ? (
          <Field id="act-payer-ref" label="Payer reference" error={fieldError(error, 'payer_reference')}>
            {(x) => <input {...x} value={f.payer_reference} onInput={set('payer_reference')} />}
          </Field>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary">
            {AUTH_ACTION_LABELS[act]}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function OpenAppealDialog(props: { auth: Authorization; levels: { id: string; name: string }[]; onClose: () => void; onDone: (a: Appeal) => void }) {
  const [f, setF] = useState({
    level: props.levels[0]?.id ?? '',
    urgency: props.auth.urgency === 'expedited' ? 'expedited' : 'standard',
    kind: 'pre_service',
    // Empty: the server takes the decision's date in the organisation's time zone (the browser's
    // date of that moment can be a day ahead of it, which the server refuses as in the future).
    notice_date: '',
    notice_received_on: '',
    argument: '',
  });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { level: f.level, urgency: f.urgency, kind: f.kind };
    if (f.notice_date) body.notice_date = f.notice_date;
    if (f.notice_received_on) body.notice_received_on = f.notice_received_on;
    if (f.argument.trim()) body.argument = f.argument.trim();
    try {
      props.onDone(await api.openAppeal(props.auth.id, body));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title="Open an appeal" onClose={props.onClose} wide>
      <p class="dialog-subject">
        Authorization #{props.auth.id} · {props.auth.payer} · {humanize(props.auth.status)}
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="appeal" />
        <div class="grid2">
          <Field id="appeal-level" label="Level" hint="Levels this payer's product has, not yet used" error={fieldError(error, 'level')}>
            {(x) => (
              <select {...x} value={f.level} onChange={set('level')}>
                {props.levels.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="appeal-kind" label="Kind" error={fieldError(error, 'kind')}>
            {(x) => (
              <select {...x} value={f.kind} onChange={set('kind')}>
                <option value="pre_service">Pre-service</option>
                <option value="post_service">Post-service (payment)</option>
                <option value="part_b_drug">Part B drug</option>
              </select>
            )}
          </Field>
        </div>
        <fieldset class="radios">
          <legend>Urgency</legend>
          <div class="options">
            <label>
              <input type="radio" name="appeal-urgency" checked={f.urgency === 'standard'} onChange={() => setF({ ...f, urgency: 'standard' })} /> Standard
            </label>
            <label>
              <input type="radio" name="appeal-urgency" checked={f.urgency === 'expedited'} onChange={() => setF({ ...f, urgency: 'expedited' })} /> Expedited
            </label>
          </div>
        </fieldset>
        <div class="grid2">
          <Field id="appeal-notice" label="Notice date" hint="The date on the payer's notice (empty: the decision's date)" error={fieldError(error, 'notice_date')}>
            {(x) => <input {...x} type="date" value={f.notice_date} onInput={set('notice_date')} />}
          </Field>
          <Field id="appeal-received" label="Notice received on" hint="When it arrived, if known (else presumed)" error={fieldError(error, 'notice_received_on')}>
            {(x) => <input {...x} type="date" value={f.notice_received_on} onInput={set('notice_received_on')} />}
          </Field>
        </div>
        <Field id="appeal-argument" label="Argument" hint="Why the decision should change (can be written later)" error={fieldError(error, 'argument')}>
          {(x) => <textarea {...x} rows={3} value={f.argument} onInput={set('argument')} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            Open appeal
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface Sources {
  conditions: Condition[];
  notes: Note[];
  assessments: Assessment[];
  documents: DocumentInfo[];
}

async function loadSources(patientId: number, conditions: Condition[]): Promise<Sources> {
  const [cases, assessments, documents] = await Promise.all([api.patientCases(patientId), api.patientAssessments(patientId), api.documents(patientId)]);
  const notes = (await Promise.all(cases.items.map((c) => api.caseNotes(c.id)))).flatMap((r) => r.items);
  return {
    conditions: conditions.filter((c) => c.status !== 'entered_in_error'),
    notes: notes.filter((n) => n.status === 'signed' || n.signed_at),
    assessments: assessments.items.filter((x) => x.status === 'completed'),
    documents: documents.items,
  };
}

const clip = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function evidenceLabel(e: Evidence, s: Sources | null): string {
  if (s) {
    if (e.kind === 'condition') {
      const c = s.conditions.find((x) => x.id === e.id);
      if (c) return `Condition ${c.code} ${c.description ?? ''}`.trim();
    } else if (e.kind === 'note') {
      const n = s.notes.find((x) => x.id === e.id);
      if (n) return `${humanize(n.note_type)} note, signed ${dateOnly(n.signed_at)}: ${clip(n.body, 60)}`;
    } else if (e.kind === 'assessment') {
      const a = s.assessments.find((x) => x.id === e.id);
      if (a) return `${a.instrument.toUpperCase()} score ${a.score ?? '—'}${a.band ? ` (${humanize(a.band)})` : ''}, ${dateOnly(a.completed_at)}`;
    } else {
      const d = s.documents.find((x) => x.id === e.id);
      if (d) return `Document: ${d.title ?? humanize(d.doc_type)}${d.document_date ? `, ${d.document_date}` : ''}`;
    }
  }
  return `${humanize(e.kind)} #${e.id}`;
}

function AppealCard(props: {
  appealId: number;
  summaryStatus: string;
  patientId: number;
  conditions: Condition[];
  focused: boolean;
  writable: boolean;
  onChanged: (message: string) => void;
}) {
  const [ap, setAp] = useState<Appeal | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sources, setSources] = useState<Sources | null>(null);
  const [dialog, setDialog] = useState<'evidence' | 'file' | 'decide' | 'withdraw' | null>(null);
  const ref = useRef<HTMLElement>(null);
  const load = () => api.appeal(props.appealId).then(setAp, setError);
  useEffect(() => {
    load();
  }, [props.appealId, props.summaryStatus]);
  useEffect(() => {
    if (ap && ap.evidence.length && !sources) loadSources(props.patientId, props.conditions).then(setSources, () => undefined);
  }, [ap?.evidence.length]);
  useEffect(() => {
    if (ap && props.focused) ref.current?.scrollIntoView({ block: 'start' });
  }, [!!ap, props.focused]);
  if (error) return <ErrorMessage error={error} what="appeal" />;
  if (!ap) return <Loading what="the appeal" />;
  const open = ap.status === 'draft' || ap.status === 'filed';
  const done = (m: string) => {
    setDialog(null);
    load();
    props.onChanged(m);
  };
  const withSources = async (d: 'evidence') => {
    if (!sources) setSources(await loadSources(props.patientId, props.conditions));
    setDialog(d);
  };
  return (
    <section ref={ref} class={`appeal card${props.focused ? ' focused' : ''}`} aria-labelledby={`appeal-${ap.id}-h`} data-appeal-id={ap.id}>
      <div class="tab-head">
        <h4 id={`appeal-${ap.id}-h`}>
          Appeal #{ap.id}: {ap.level_name}
        </h4>
        <span class={`badge status-${ap.status}`}>{humanize(ap.status)}</span>
        {ap.outcome ? <span class={`badge ${ap.outcome === 'upheld' ? '' : 'ok'}`}>{humanize(ap.outcome)}</span> : null}
      </div>
      <p class="muted small">
        {humanize(ap.urgency)} · {humanize(ap.kind)}
        {ap.notice_date ? ` · notice of ${ap.notice_date}` : ''}
        {ap.notice_received_on ? `, received ${ap.notice_received_on}` : ''}
        {ap.filed_at ? ` · filed ${dateTime(ap.filed_at)}` : ''}
        {ap.filed_late_reason ? ` (late: ${ap.filed_late_reason})` : ''}
        {ap.decided_at ? ` · decided ${dateTime(ap.decided_at)}` : ''}
      </p>
      <div class="deadlines">
        {ap.status === 'draft' ? <DeadlineText label="Filing deadline" at={ap.filing_deadline} rule={ap.filing_deadline_rule} /> : null}
        {ap.status === 'filed' ? <DeadlineText label="Payer decision due" at={ap.decision_due_at} rule={ap.decision_due_rule} /> : null}
      </div>
      {ap.outcome_note ? <p>Outcome: {ap.outcome_note}</p> : null}
      {ap.argument ? (
        <p>
          <strong>Argument:</strong> {ap.argument}
        </p>
      ) : null}
      <h5>Evidence</h5>
      {ap.evidence.length === 0 ? (
        <p class="muted small">None chosen yet.</p>
      ) : (
        <ul class="evidence">
          {ap.evidence.map((e) => (
            <li key={`${e.kind}${e.id}`}>{evidenceLabel(e, sources)}</li>
          ))}
        </ul>
      )}
      <div class="actions">
        {props.writable && open ? (
          <>
            <button type="button" onClick={() => withSources('evidence')}>
              Choose evidence
            </button>
            {ap.status === 'draft' ? (
              <button type="button" class="primary" onClick={() => setDialog('file')}>
                File appeal
              </button>
            ) : null}
            {ap.status === 'filed' ? (
              <button type="button" class="primary" onClick={() => setDialog('decide')}>
                Record decision
              </button>
            ) : null}
            <button type="button" onClick={() => setDialog('withdraw')}>
              Withdraw appeal
            </button>
          </>
        ) : null}
        <a class="button-link" href={api.packetUrl(ap.id)} download={`appeal-${ap.id}-packet.pdf`}>
          Download appeal packet (PDF)
        </a>
      </div>
      <details>
        <summary>History ({ap.history.length})</summary>
        <History items={ap.history} label={`History of appeal #${ap.id}`} />
      </details>
      {dialog === 'evidence' && sources ? <EvidenceDialog appeal={ap} sources={sources} onStale={load} onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog === 'file' || dialog === 'decide' || dialog === 'withdraw' ? <AppealActionDialog appeal={ap} action={dialog} onStale={load} onClose={() => setDialog(null)} onDone={done} /> : null}
    </section>
  );
}

function EvidenceDialog(props: { appeal: Appeal; sources: Sources; onStale: () => void; onClose: () => void; onDone: (m: string) => void }) {
  const key = (e: Evidence) => `${e.kind}:${e.id}`;
  const [chosen, setChosen] = useState<Set<string>>(new Set(props.appeal.evidence.map(key)));
  const [argument, setArgument] = useState(props.appeal.argument ?? '');
  const [error, setError] = useState<unknown>(null);
  const s = props.sources;
  const toggle = (k: string) => {
    const n = new Set(chosen);
    if (n.has(k)) n.delete(k);
    else n.add(k);
    setChosen(n);
  };
  const groups: { kind: Evidence['kind']; legend: string; items: { id: number }[] }[] = [
    { kind: 'condition', legend: 'Conditions', items: s.conditions },
    { kind: 'note', legend: 'Signed notes', items: s.notes },
    { kind: 'assessment', legend: 'Assessments', items: s.assessments },
    { kind: 'document', legend: 'Documents', items: s.documents },
  ];
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const evidence = [...chosen].map((k) => {
      const [kind, id] = k.split(':');
      return { kind, id: Number(id) };
    });
    try {
      await api.appealAction(props.appeal.id, { action: 'evidence', version: props.appeal.version, evidence, argument: argument.trim() });
      props.onDone(`Evidence saved: ${evidence.length} item${evidence.length === 1 ? '' : 's'}.`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    }
  };
  return (
    <Dialog title="Choose evidence" onClose={props.onClose} wide>
      <p class="dialog-subject">
        Appeal #{props.appeal.id}: {props.appeal.level_name}
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="appeal" />
        {groups.map((g) => (
          <fieldset key={g.kind} class="checks evidence-group">
            <legend>{g.legend}</legend>
            {g.items.length === 0 ? <p class="muted small">None.</p> : null}
            <ul class="plain">
              {g.items.map((it) => {
                const k = `${g.kind}:${it.id}`;
                return (
                  <li key={k}>
                    <label>
                      <input type="checkbox" checked={chosen.has(k)} onChange={() => toggle(k)} /> {evidenceLabel({ kind: g.kind, id: it.id }, s)}
                    </label>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        ))}
        <Field id="evidence-argument" label="Argument" hint="Why the decision should change; it opens the appeal packet" error={fieldError(error, 'argument')}>
          {(x) => <textarea {...x} rows={4} value={argument} onInput={(e) => setArgument(e.currentTarget.value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            Save evidence
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function AppealActionDialog(props: { appeal: Appeal; action: 'file' | 'decide' | 'withdraw'; onStale: () => void; onClose: () => void; onDone: (m: string) => void }) {
  const ap = props.appeal;
  const late = props.action === 'file' && !!deadline(ap.filing_deadline)?.overdue;
  const [f, setF] = useState({ outcome: 'overturned', note: '', late_reason: '' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const title = props.action === 'file' ? 'File the appeal' : props.action === 'decide' ? "Record the payer's decision" : 'Withdraw the appeal';
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { action: props.action, version: ap.version };
    if (props.action === 'decide') body.outcome = f.outcome;
    if (f.note.trim()) body.note = f.note.trim();
    if (f.late_reason.trim()) body.late_reason = f.late_reason.trim();
    try {
      const r = await api.appealAction(ap.id, body);
      props.onDone(
        props.action === 'file'
          ? `Appeal #${r.id} filed; decision due ${dateTime(r.decision_due_at)}.`
          : props.action === 'decide'
            ? `Appeal #${r.id}: ${humanize(r.outcome)}.`
            : `Appeal #${r.id} withdrawn.`,
      );
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    }
  };
  return (
    <Dialog title={title} onClose={props.onClose}>
      <p class="dialog-subject">
        Appeal #{ap.id}: {ap.level_name}
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="appeal" />
        {props.action === 'file' ? (
          <p>
            Filing starts the payer's decision clock. {ap.evidence.length} piece{ap.evidence.length === 1 ? '' : 's'} of evidence chosen.
          </p>
        ) : null}
        {late ? (
          <Field id="appeal-late" label="Reason for filing late" hint="The filing deadline has passed: give the good cause" error={fieldError(error, 'late_reason')}>
            {(x) => <textarea {...x} rows={2} value={f.late_reason} onInput={set('late_reason')} />}
          </Field>
        ) : null}
        {props.action === 'decide' ? (
          <fieldset class="radios">
            <legend>Outcome</legend>
            <div class="options">
              {['overturned', 'partially_overturned', 'upheld'].map((o) => (
                <label key={o}>
                  <input type="radio" name="appeal-outcome" checked={f.outcome === o} onChange={() => setF({ ...f, outcome: o })} /> {humanize(o)}
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
        {props.action !== 'file' ? (
          <Field id="appeal-note" label={props.action === 'decide' ? 'Note' : 'Reason'} error={fieldError(error, 'note')}>
            {(x) => <textarea {...x} rows={2} value={f.note} onInput={set('note')} />}
          </Field>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary">
            {props.action === 'file' ? 'File appeal' : props.action === 'decide' ? 'Save decision' : 'Withdraw appeal'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function AttachDialog(props: { auth: Authorization; patientId: number; onStale: () => void; onClose: () => void; onDone: (m: string) => void }) {
  const [docs, setDocs] = useState<DocumentInfo[] | null>(null);
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.documents(props.patientId).then((r) => {
      const attached = new Set((props.auth.documents ?? []).map((d) => d.id));
      const free = r.items.filter((d) => !attached.has(d.id));
      setDocs(free);
      setChoice(free[0] ? String(free[0].id) : '');
    }, setError);
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.authorizationAction(props.auth.id, { action: 'attach_document', version: props.auth.version, document_id: Number(choice) });
      props.onDone('Document attached to the request.');
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    }
  };
  return (
    <Dialog title="Attach a supporting document" onClose={props.onClose}>
      <p class="dialog-subject">
        Authorization #{props.auth.id} · {props.auth.payer}
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="authorization" labels={{ document_id: 'Document' }} />
        {docs === null && !error ? <Loading what="the patient's documents" /> : null}
        {docs && docs.length === 0 ? <p class="empty">The patient has no other documents. Upload one to the patient's documents first.</p> : null}
        {docs && docs.length ? (
          <Field id="attach-doc" label="Document" error={fieldError(error, 'document_id', 'Document')}>
            {(x) => (
              <select {...x} value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
                {docs.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.title ?? humanize(d.doc_type)} ({humanize(d.doc_type)}
                    {d.document_date ? `, ${d.document_date}` : ''})
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={!choice}>
            Attach
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
