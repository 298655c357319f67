// The supervisor's screen (/supervision, views by `?view=`): the team (load,
// overdue tasks, contacts per case-month, documentation compliance, who is
// on leave and who covers) over a period; the documentation checklist with
// its findings; reassignment (a proposal from the server, each target
// editable, the loads before and after, applied in one transaction); and
// coverage of a caseload during leave (book, end early, past ones).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Case, type StaffMember } from '../api';
import { ApiError } from '../lib/errors';
import { dateTime, humanize } from '../lib/format';
import { addDays, programName } from '../lib/organisation';
import { formatRate } from '../lib/outcomes';
import {
  STALE_ROW,
  acuityLabel,
  caseOfError,
  coverageBody,
  coverageState,
  isStaleRow,
  leaveWords,
  loadsAfter,
  moves,
  perCaseMonth,
  proposalRows,
  reassignmentBody,
  type CoverageForm,
  type CoverageRecord,
  type MoveRow,
  type Proposal,
  type TeamLine,
  type TeamView,
} from '../lib/supervision';
import { nameOf, usePatientNames } from '../patients';
import { useSession } from '../session';
import { ComplianceChecklist } from '../components/Compliance';
import { Downloads } from '../components/Downloads';
import { ErrorMessage, Field, FormDialog, Link, Loading, fieldError } from '../components/ui';

const VIEWS: { id: string; label: string }[] = [
  { id: 'team', label: 'Team' },
  { id: 'documentation', label: 'Documentation' },
  { id: 'reassign', label: 'Reassignment' },
  { id: 'coverage', label: 'Coverage' },
];

export interface Member {
  user_id: number;
  display_name: string;
  open_cases: number;
  acuity_weighted_load: number;
}

export function Supervision(props: { view: string | null }) {
  const view = VIEWS.some((v) => v.id === props.view) ? (props.view as string) : 'team';
  const [members, setMembers] = useState<Member[] | null>(null);
  const [membersError, setMembersError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const loadMembers = () => api.caseloads().then((r) => setMembers(r.items), setMembersError);
  useEffect(() => {
    document.title = 'Supervision — casekeeper';
    loadMembers();
  }, []);
  return (
    <section class="supervision">
      <div class="screen-head">
        <h1 tabIndex={-1}>Supervision</h1>
        <p class="muted">The team's load and documentation, moving cases between case managers, and cover during leave.</p>
      </div>
      <nav class="subnav" aria-label="Supervision">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.id}>
              <Link href={v.id === 'team' ? '/supervision' : `/supervision?view=${v.id}`} aria-current={view === v.id ? 'page' : undefined}>
                {v.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p class="sr-status" role="status">
        {status}
      </p>
      <ErrorMessage error={membersError} />
      {view === 'team' ? <TeamTable onStatus={setStatus} /> : null}
      {view === 'documentation' ? members ? <ComplianceChecklist members={members} onStatus={setStatus} /> : <Loading what="the team" /> : null}
      {view === 'reassign' ? members ? <Reassignment members={members} onStatus={setStatus} onChanged={loadMembers} /> : <Loading what="the team" /> : null}
      {view === 'coverage' ? members ? <Coverages members={members} onStatus={setStatus} /> : <Loading what="the team" /> : null}
    </section>
  );
}

// ---- the team ----

function TeamTable(props: { onStatus: (m: string) => void }) {
  const { today } = useSession();
  const [from, setFrom] = useState(() => addDays(today(), -29));
  const [to, setTo] = useState(() => today());
  const [team, setTeam] = useState<TeamView | null>(null);
  const [coverages, setCoverages] = useState<CoverageRecord[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setError(null);
    setBusy(true);
    try {
      const [t, c] = await Promise.all([api.supervisionTeam(from.trim(), to.trim()), api.caseloadCoverages()]);
      setTeam(t);
      setCoverages(c.items);
    } catch (e) {
      setError(e);
      setTeam(null);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    run();
  }, []);
  return (
    <section aria-labelledby="team-h">
      <div class="tab-head">
        <h2 id="team-h">The team</h2>
        {team ? <Downloads report="/supervision/team" title="team table" params={{ from: team.from, to: team.to }} table="team" onDone={props.onStatus} /> : null}
      </div>
      <form
        class="card report-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
        noValidate
        aria-label="Period"
      >
        <Field id="team-from" label="From" hint="A local day" error={fieldError(error, 'from', 'From')}>
          {(a) => <input {...a} type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
        </Field>
        <Field id="team-to" label="To (inclusive)" hint="A local day" error={fieldError(error, 'to', 'To (inclusive)')}>
          {(a) => <input {...a} type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Show the team
          </button>
        </div>
      </form>
      <ErrorMessage error={error} labels={{ from: 'From', to: 'To (inclusive)' }} />
      {busy && !team ? <Loading what="the team" /> : null}
      {team ? (
        <>
          <p class="small" data-testid="team-period">
            Contacts from {team.from} to {team.to}; open cases, overdue tasks and leave as of now; the documentation checklist as of {team.to}.
          </p>
          <div class="table-scroll" role="region" aria-labelledby="team-cap" tabIndex={0}>
            <table class="results report-table team-table" id="team-table">
              <caption id="team-cap">Case managers of the team</caption>
              <thead>
                <tr>
                  <th scope="col">Case manager</th>
                  <th scope="col">Open cases</th>
                  <th scope="col">Acuity-weighted load</th>
                  <th scope="col">Overdue tasks</th>
                  <th scope="col">Contacts (per case-month)</th>
                  <th scope="col">Documentation</th>
                  <th scope="col">Leave and cover</th>
                </tr>
              </thead>
              <tbody>
                {team.items.map((m) => (
                  <TeamRow key={m.user_id} m={m} coverages={coverages} />
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted small">
            Acuity-weighted load: each open case weighs 1 (low acuity) to 4 (very high), 2 when not assessed. Documentation: the checklist's rules met of those checked (the
            Documentation view has the findings).
          </p>
        </>
      ) : null}
    </section>
  );
}

function TeamRow(props: { m: TeamLine; coverages: CoverageRecord[] }) {
  const m = props.m;
  const leave = leaveWords(m, props.coverages, (s) => dateTime(s).slice(0, 10));
  return (
    <tr data-user-id={m.user_id} class={m.covered_by ? 'on-leave' : ''}>
      <th scope="row">{m.display_name}</th>
      <td>{m.open_cases}</td>
      <td>{m.acuity_weighted_load}</td>
      <td class={m.overdue_tasks ? 'overdue-count' : ''}>{m.overdue_tasks}</td>
      <td>
        {m.contacts} <span class="muted small">({perCaseMonth(m.contacts_per_case_month)})</span>
      </td>
      <td>
        {m.compliance_checked ? (
          <>
            {formatRate(m.compliance_rate, 'rate')}{' '}
            <span class="muted small">
              ({m.compliance_met} of {m.compliance_checked})
            </span>
          </>
        ) : (
          <span class="muted">nothing to check</span>
        )}
      </td>
      <td>
        {leave.length ? (
          <ul class="plain small">
            {leave.map((w) => (
              <li key={w}>{m.covered_by && w.startsWith('On leave') ? <span class="badge warn">{w}</span> : w}</li>
            ))}
          </ul>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
    </tr>
  );
}

// ---- reassignment ----

function Reassignment(props: { members: Member[]; onStatus: (m: string) => void; onChanged: () => void }) {
  const { members } = props;
  const [mode, setMode] = useState<'leaving' | 'cases'>('leaving');
  const [leaving, setLeaving] = useState('');
  const [source, setSource] = useState('');
  const [cases, setCases] = useState<Case[] | null>(null);
  const [casesError, setCasesError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [exclude, setExclude] = useState<Set<number>>(new Set());
  const [maxLoad, setMaxLoad] = useState('');
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [rows, setRows] = useState<MoveRow[]>([]);
  const [proposeError, setProposeError] = useState<unknown>(null);
  const [reason, setReason] = useState('');
  const [applyError, setApplyError] = useState<unknown>(null);
  const [errorCase, setErrorCase] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const known = useRef(new Map<number, Case>());
  const { org } = useSession();
  const names = useMemo(() => new Map(members.map((m) => [m.user_id, m.display_name])), [members]);
  usePatientNames(rows.map((r) => r.patient_id));
  usePatientNames((cases ?? []).map((c) => c.patient_id));

  const loadCases = async (userId: string) => {
    setCases(null);
    setChosen(new Set());
    setCasesError(null);
    if (!userId) return;
    try {
      const r = await api.casesOf(Number(userId));
      for (const c of r.items) known.current.set(c.id, c);
      setCases(r.items.filter((c) => c.status !== 'closed'));
    } catch (e) {
      setCasesError(e);
    }
  };

  const propose = async (e: Event) => {
    e.preventDefault();
    setProposeError(null);
    setApplyError(null);
    setErrorCase(null);
    setBusy(true);
    const body: { from_user_id?: number; case_ids?: number[]; exclude_user_ids?: number[]; max_weighted_load?: number } = {};
    if (mode === 'leaving' && leaving) body.from_user_id = Number(leaving);
    if (mode === 'cases') body.case_ids = [...chosen];
    const ex = [...exclude].filter((id) => !(mode === 'leaving' && String(id) === leaving));
    if (ex.length) body.exclude_user_ids = ex;
    if (maxLoad.trim()) body.max_weighted_load = Number(maxLoad.trim());
    try {
      // The cases as read now: each move carries its case's version (and,
      // from older servers, unplaced cases are described from this list).
      const holder = mode === 'leaving' ? leaving : source;
      if (holder) {
        const r = await api.casesOf(Number(holder));
        for (const c of r.items) known.current.set(c.id, c);
      }
      const p = await api.reassignmentProposal(body);
      setProposal(p);
      setRows(proposalRows(p, known.current));
      props.onStatus(
        `Proposal: ${p.moves.length} case${p.moves.length === 1 ? '' : 's'} to move${p.unplaced.length ? `, ${p.unplaced.length} could not be placed` : ''}. Nothing has changed yet.`,
      );
      requestAnimationFrame(() => document.getElementById('proposal-h')?.focus());
    } catch (err) {
      setProposeError(err);
      setProposal(null);
      setRows([]);
    } finally {
      setBusy(false);
    }
  };

  const setTarget = (caseId: number, value: string) => {
    setRows((old) => old.map((r) => (r.case_id === caseId ? { ...r, to_user_id: value ? Number(value) : null } : r)));
    if (errorCase === caseId) setErrorCase(null);
  };

  const apply = async (e: Event) => {
    e.preventDefault();
    setApplyError(null);
    setErrorCase(null);
    setBusy(true);
    const body = reassignmentBody(rows, reason);
    try {
      const r = await api.reassign(body);
      props.onStatus(`${r.moved} case${r.moved === 1 ? '' : 's'} reassigned.`);
      setProposal(null);
      setRows([]);
      setReason('');
      setChosen(new Set());
      if (mode === 'cases' && source) loadCases(source);
      props.onChanged();
      requestAnimationFrame(() => document.getElementById('reassign-h')?.focus());
    } catch (err) {
      setApplyError(err);
      const c = err instanceof ApiError ? caseOfError(err.field, body) : null;
      setErrorCase(c);
      // A case changed since it was read: read it again (who has it, its
      // version), so the row says where it stands and applying again works.
      if (c !== null && err instanceof ApiError && isStaleRow(err.field)) {
        try {
          const latest = await api.caseDetail(c);
          known.current.set(c, latest);
          setRows((old) =>
            old.map((r) =>
              r.case_id === c
                ? { ...r, version: latest.version, from_user_id: latest.assigned_user_id, acuity: latest.acuity, to_user_id: r.to_user_id === latest.assigned_user_id ? null : r.to_user_id }
                : r,
            ),
          );
        } catch {
          // the row keeps the error; proposing again reads every case
        }
      }
      requestAnimationFrame(() => document.getElementById(c !== null ? `move-to-${c}` : err instanceof ApiError && err.field === 'reason' ? 'reassign-reason' : 'apply-error')?.focus());
    } finally {
      setBusy(false);
    }
  };

  const after = proposal ? loadsAfter(proposal.loads, rows, names) : [];
  const moving = rows.filter(moves).length;
  const caseLabel = (c: { patient_id: number | null; case_id: number }) => (c.patient_id ? nameOf(c.patient_id) : `Case ${c.case_id}`);
  const rowError = (r: MoveRow) =>
    errorCase === r.case_id && applyError instanceof ApiError ? `Move to: ${isStaleRow(applyError.field) ? STALE_ROW : applyError.message}` : null;

  return (
    <section aria-labelledby="reassign-h">
      <h2 id="reassign-h" tabIndex={-1}>
        Reassign cases
      </h2>
      <p class="small">
        casekeeper proposes a target for each case, balancing the acuity-weighted loads and keeping a case with someone already on the patient's care team. Nothing changes until you
        apply; then every case moves at once, with its open tasks, or none does.
      </p>
      <form class="card reassign-form" onSubmit={propose} noValidate aria-labelledby="reassign-what">
        <fieldset>
          <legend id="reassign-what">What moves</legend>
          <label class="check">
            <input type="radio" name="reassign-mode" value="leaving" checked={mode === 'leaving'} onChange={() => setMode('leaving')} />
            All open cases of a case manager who is leaving
          </label>
          <label class="check">
            <input type="radio" name="reassign-mode" value="cases" checked={mode === 'cases'} onChange={() => setMode('cases')} />
            Cases I choose
          </label>
        </fieldset>
        {mode === 'leaving' ? (
          <Field id="reassign-leaving" label="Case manager leaving" error={fieldError(proposeError, 'from_user_id', 'Case manager leaving')}>
            {(a) => (
              <select {...a} value={leaving} onChange={(e) => setLeaving(e.currentTarget.value)}>
                <option value="">Choose…</option>
                {members.map((m) => (
                  <option key={m.user_id} value={String(m.user_id)}>
                    {m.display_name} — {m.open_cases} open cases
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <>
            <Field id="reassign-source" label="Cases of" hint="Choose whose cases to list">
              {(a) => (
                <select
                  {...a}
                  value={source}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    setSource(v);
                    // Who has them now is not a target, unless the supervisor says otherwise.
                    if (v) setExclude(new Set([Number(v)]));
                    loadCases(v);
                  }}
                >
                  <option value="">Choose…</option>
                  {members.map((m) => (
                    <option key={m.user_id} value={String(m.user_id)}>
                      {m.display_name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <ErrorMessage error={casesError} />
            {source && cases === null && !casesError ? <Loading what="the cases" /> : null}
            {cases ? (
              <fieldset
                class={fieldError(proposeError, 'case_ids') || fieldError(proposeError, 'from_user_id') ? 'checks case-choice invalid' : 'checks case-choice'}
                aria-describedby={fieldError(proposeError, 'from_user_id') || fieldError(proposeError, 'case_ids') ? 'reassign-cases-error' : undefined}
              >
                <legend>Cases to move ({chosen.size} chosen)</legend>
                {cases.length === 0 ? <p class="empty">No open case.</p> : null}
                <ul class="plain case-list">
                  {cases.map((c) => (
                    <li key={c.id}>
                      <label>
                        <input
                          type="checkbox"
                          checked={chosen.has(c.id)}
                          onChange={(e) => {
                            const next = new Set(chosen);
                            if (e.currentTarget.checked) next.add(c.id);
                            else next.delete(c.id);
                            setChosen(next);
                          }}
                        />
                        {nameOf(c.patient_id)} <span class="muted small">
                          · case {c.id} · {programName(org.programs, c.program)} · {acuityLabel(c.acuity)} acuity · {humanize(c.status)}
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
                {fieldError(proposeError, 'from_user_id') || fieldError(proposeError, 'case_ids') ? (
                  <span class="field-error" id="reassign-cases-error">
                    Cases to move: {proposeError instanceof ApiError ? proposeError.message : ''}
                  </span>
                ) : null}
              </fieldset>
            ) : null}
          </>
        )}
        <div class="grid2">
          <fieldset class="checks">
            <legend>Not to</legend>
            <span class="hint">Case managers who should get none of these cases</span>
            <div class="options">
              {members
                .filter((m) => !(mode === 'leaving' && String(m.user_id) === leaving))
                .map((m) => (
                  <label key={m.user_id}>
                    <input
                      type="checkbox"
                      checked={exclude.has(m.user_id)}
                      onChange={(e) => {
                        const next = new Set(exclude);
                        if (e.currentTarget.checked) next.add(m.user_id);
                        else next.delete(m.user_id);
                        setExclude(next);
                      }}
                    />
                    {m.display_name}
                  </label>
                ))}
            </div>
          </fieldset>
          <Field id="reassign-max" label="Maximum acuity-weighted load" hint="Optional: nobody is proposed past it" error={fieldError(proposeError, 'max_weighted_load', 'Maximum load')}>
            {(a) => <input {...a} type="number" min={1} max={100000} inputMode="numeric" value={maxLoad} onInput={(e) => setMaxLoad(e.currentTarget.value)} />}
          </Field>
        </div>
        <ErrorMessage error={proposeError} labels={{ from_user_id: 'Case manager leaving', case_ids: 'Cases to move', max_weighted_load: 'Maximum load', exclude_user_ids: 'Not to' }} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Propose reassignment
          </button>
        </div>
      </form>

      {proposal ? (
        <form class="card proposal" onSubmit={apply} noValidate aria-labelledby="proposal-h" data-testid="proposal">
          <h3 id="proposal-h" tabIndex={-1}>
            Proposal
          </h3>
          <p class="small">
            {proposal.moves.length} case{proposal.moves.length === 1 ? '' : 's'} with a proposed target
            {proposal.unplaced.length ? `, ${proposal.unplaced.length} that could not be placed (choose a target or leave them)` : ''}. Change any target; “Leave where it is”
            keeps a case with who has it now. Nothing has changed yet.
          </p>
          {rows.length ? (
            <div class="table-scroll" role="region" aria-labelledby="proposal-cap" tabIndex={0}>
              <table class="results report-table proposal-table" id="proposal-table">
                <caption id="proposal-cap" class="sr-only">
                  Cases and their proposed case manager
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Patient</th>
                    <th scope="col">Acuity</th>
                    <th scope="col">Now with</th>
                    <th scope="col">Move to</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const err = rowError(r);
                    const original = proposal.moves.find((m) => m.case_id === r.case_id);
                    const edited = original ? original.to_user_id !== r.to_user_id : r.to_user_id !== null;
                    return (
                      <tr key={r.case_id} data-case-id={r.case_id} class={err ? 'invalid-row' : r.placed ? '' : 'unplaced-row'}>
                        <th scope="row">
                          {r.patient_id ? <Link href={`/patients/${r.patient_id}?case=${r.case_id}`}>{caseLabel(r)}</Link> : caseLabel(r)}
                          <span class="muted small"> · case {r.case_id}</span>
                        </th>
                        <td>
                          {acuityLabel(r.acuity)} <span class="muted small">(weighs {r.weight})</span>
                        </td>
                        <td>{r.from_user_id ? (names.get(r.from_user_id) ?? `User #${r.from_user_id}`) : 'Nobody'}</td>
                        <td>
                          <div class={err ? 'field invalid' : 'field'}>
                            <label for={`move-to-${r.case_id}`} class="sr-only">
                              Move {caseLabel(r)} to
                            </label>
                            <select
                              id={`move-to-${r.case_id}`}
                              value={r.to_user_id === null ? '' : String(r.to_user_id)}
                              aria-invalid={!!err}
                              aria-describedby={err ? `move-to-${r.case_id}-error` : undefined}
                              onChange={(e) => setTarget(r.case_id, e.currentTarget.value)}
                            >
                              <option value="">Leave where it is</option>
                              {members.map((m) => (
                                <option key={m.user_id} value={String(m.user_id)}>
                                  {m.display_name}
                                  {m.user_id === r.from_user_id ? ' (has it now)' : ''}
                                </option>
                              ))}
                            </select>
                            {err ? (
                              <span class="field-error" id={`move-to-${r.case_id}-error`}>
                                {err}
                              </span>
                            ) : null}
                          </div>
                        </td>
                        <td class="small">{edited ? <em>Changed by you</em> : r.placed ? r.why : <span class="deadline overdue">Not placed: {r.why}</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="empty">Nothing to move.</p>
          )}
          <div class="table-scroll" role="region" aria-labelledby="loads-cap" tabIndex={0}>
            <table class="results report-table loads-table" id="loads-table">
              <caption id="loads-cap">Loads before and after, as chosen</caption>
              <thead>
                <tr>
                  <th scope="col">Case manager</th>
                  <th scope="col">Open cases before</th>
                  <th scope="col">Open cases after</th>
                  <th scope="col">Load before</th>
                  <th scope="col">Load after</th>
                </tr>
              </thead>
              <tbody>
                {after.map((l) => (
                  <tr key={l.user_id} data-user-id={l.user_id}>
                    <th scope="row">{l.display_name}</th>
                    <td>{l.open_before}</td>
                    <td>{l.open_after}</td>
                    <td>{l.load_before}</td>
                    <td>
                      {l.load_after}{' '}
                      {l.load_after !== l.load_before ? (
                        <span class="muted small">
                          ({l.load_after > l.load_before ? '+' : '−'}
                          {Math.abs(l.load_after - l.load_before)})
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Field id="reassign-reason" label="Reason" hint="Kept with every reassignment (e.g. leaving the team, rebalancing)" error={fieldError(applyError, 'reason', 'Reason')}>
            {(a) => <textarea {...a} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
          </Field>
          <div id="apply-error" tabIndex={-1}>
            {applyError instanceof ApiError && isStaleRow(applyError.field) ? (
              <div class="error" role="alert">
                <p>A case changed since the proposal was made, so nothing moved: see the marked row.</p>
              </div>
            ) : (
              <ErrorMessage error={applyError} labels={{ reason: 'Reason', assignments: 'Reassignments' }} />
            )}
          </div>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {moving === 1 ? 'Apply 1 reassignment' : `Apply ${moving} reassignments`}
            </button>
            <button
              type="button"
              onClick={() => {
                setProposal(null);
                setRows([]);
                setApplyError(null);
                props.onStatus('Proposal discarded; nothing changed.');
              }}
            >
              Discard proposal
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

// ---- coverage ----

const COVERAGE_LABELS: Record<string, string> = {
  absent_user_id: 'Away',
  covering_user_id: 'Covered by',
  starts_at: 'First day',
  ends_at: 'Last day',
  reason: 'Reason',
};

function Coverages(props: { members: Member[]; onStatus: (m: string) => void }) {
  const { user } = useSession();
  const [items, setItems] = useState<CoverageRecord[] | null>(null);
  const [past, setPast] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [booking, setBooking] = useState(false);
  const [ending, setEnding] = useState<CoverageRecord | null>(null);
  const load = (all = past) => api.caseloadCoverages(all).then((r) => setItems(r.items), setError);
  useEffect(() => {
    load();
    api.staff().then((r) => setStaff(r.items), () => undefined);
  }, []);
  // Who may cover: the team's case managers and its supervisors.
  const coverers = useMemo(() => {
    const list = staff.filter((s) => s.team_id === user.team_id && (s.role === 'case_manager' || s.role === 'supervisor')).map((s) => ({ user_id: s.id, display_name: s.display_name }));
    return list.length ? list : props.members.map((m) => ({ user_id: m.user_id, display_name: m.display_name }));
  }, [staff, props.members]);
  return (
    <section aria-labelledby="cov-h">
      <div class="tab-head">
        <h2 id="cov-h" tabIndex={-1}>
          Coverage during leave
        </h2>
        <button type="button" class="primary" aria-haspopup="dialog" onClick={() => setBooking(true)}>
          Book coverage
        </button>
      </div>
      <p class="small">While a case manager is away, a colleague covers the caseload: the cases, their worklist and access follow the coverage and return when it ends.</p>
      <label class="check">
        <input
          type="checkbox"
          checked={past}
          onChange={(e) => {
            const v = e.currentTarget.checked;
            setPast(v);
            load(v);
          }}
        />
        Show past coverages too
      </label>
      <ErrorMessage error={error} />
      {items === null && !error ? <Loading what="the coverages" /> : null}
      {items && items.length === 0 ? <p class="empty">{past ? 'No coverage has been booked.' : 'No coverage is in force or booked.'}</p> : null}
      {items && items.length ? (
        <div class="table-scroll" role="region" aria-labelledby="cov-cap" tabIndex={0}>
          <table class="results report-table coverage-table" id="coverage-table">
            <caption id="cov-cap" class="sr-only">
              {past ? 'Coverages, current and past' : 'Coverages in force or booked'}, latest start first
            </caption>
            <thead>
              <tr>
                <th scope="col">Away</th>
                <th scope="col">Covered by</th>
                <th scope="col">From</th>
                <th scope="col">Until</th>
                <th scope="col">Reason</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.id} data-coverage-id={v.id}>
                  <th scope="row">{v.absent_name}</th>
                  <td>{v.covering_name}</td>
                  <td>
                    <time dateTime={v.starts_at}>{dateTime(v.starts_at)}</time>
                  </td>
                  <td>
                    <time dateTime={v.ends_at}>{dateTime(v.ends_at)}</time>
                  </td>
                  <td>{v.reason}</td>
                  <td>
                    <span class={v.state === 'in_force' ? 'badge warn' : v.state === 'ended' ? 'badge' : 'badge ok'}>{coverageState(v.state)}</span>
                    {v.ended_at ? (
                      <span class="small block">
                        Ended {dateTime(v.ended_at)}
                        {v.end_reason ? `: ${v.end_reason}` : ''}
                      </span>
                    ) : null}
                  </td>
                  <td class="row-actions">
                    {v.state !== 'ended' ? (
                      <button type="button" aria-haspopup="dialog" aria-label={`End early: ${v.covering_name} covering ${v.absent_name}`} onClick={() => setEnding(v)}>
                        End early
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {booking ? (
        <BookCoverage
          members={props.members}
          coverers={coverers}
          onClose={() => setBooking(false)}
          onDone={(v) => {
            setBooking(false);
            props.onStatus(`Coverage booked: ${v.covering_name} covers ${v.absent_name} from ${dateTime(v.starts_at)} until ${dateTime(v.ends_at)}.`);
            load();
          }}
        />
      ) : null}
      {ending ? (
        <EndCoverage
          v={ending}
          onClose={() => setEnding(null)}
          onDone={(v) => {
            setEnding(null);
            props.onStatus(`Coverage ended: ${v.absent_name}'s caseload is theirs again.`);
            load();
            requestAnimationFrame(() => document.getElementById('cov-h')?.focus());
          }}
        />
      ) : null}
    </section>
  );
}

function BookCoverage(props: {
  members: Member[];
  coverers: { user_id: number; display_name: string }[];
  onClose: () => void;
  onDone: (v: CoverageRecord) => void;
}) {
  const { org, today } = useSession();
  const [f, setF] = useState<CoverageForm>({ absent_user_id: '', covering_user_id: '', from: '', to: '', reason: '' });
  const set = <K extends keyof CoverageForm>(k: K, v: CoverageForm[K]) => setF((old) => ({ ...old, [k]: v }));
  return (
    <FormDialog
      title="Book coverage"
      submitLabel="Book coverage"
      labels={COVERAGE_LABELS}
      onClose={props.onClose}
      onSubmit={async () => props.onDone(await api.startCoverage(coverageBody(f, org.time_zone)))}
    >
      {(error) => (
        <>
          <p class="small muted">
            From the start of the first day (or now, when it is today, {today()}) to the end of the last day, in the organisation's time zone ({org.time_zone}).
          </p>
          <div class="grid2">
            <Field id="cov-absent" label="Away" hint="The case manager on leave" error={fieldError(error, 'absent_user_id', 'Away')}>
              {(a) => (
                <select {...a} value={f.absent_user_id} onChange={(e) => set('absent_user_id', e.currentTarget.value)}>
                  <option value="">Choose…</option>
                  {props.members.map((m) => (
                    <option key={m.user_id} value={String(m.user_id)}>
                      {m.display_name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="cov-covering" label="Covered by" hint="A case manager or supervisor of the team" error={fieldError(error, 'covering_user_id', 'Covered by')}>
              {(a) => (
                <select {...a} value={f.covering_user_id} onChange={(e) => set('covering_user_id', e.currentTarget.value)}>
                  <option value="">Choose…</option>
                  {props.coverers
                    .filter((m) => String(m.user_id) !== f.absent_user_id)
                    .map((m) => (
                      <option key={m.user_id} value={String(m.user_id)}>
                        {m.display_name}
                      </option>
                    ))}
                </select>
              )}
            </Field>
            <Field id="cov-from" label="First day" hint="Empty: from now" error={fieldError(error, 'starts_at', 'First day')}>
              {(a) => <input {...a} type="date" value={f.from} onInput={(e) => set('from', e.currentTarget.value)} />}
            </Field>
            <Field id="cov-to" label="Last day" hint="Inclusive; at most a year" error={fieldError(error, 'ends_at', 'Last day')}>
              {(a) => <input {...a} type="date" value={f.to} onInput={(e) => set('to', e.currentTarget.value)} />}
            </Field>
          </div>
          <Field id="cov-reason" label="Reason" hint="Annual leave, training, …" error={fieldError(error, 'reason', 'Reason')}>
            {(a) => <input {...a} type="text" autoComplete="off" value={f.reason} onInput={(e) => set('reason', e.currentTarget.value)} />}
          </Field>
        </>
      )}
    </FormDialog>
  );
}

function EndCoverage(props: { v: CoverageRecord; onClose: () => void; onDone: (v: CoverageRecord) => void }) {
  const [reason, setReason] = useState('');
  const v = props.v;
  return (
    <FormDialog
      title="End coverage early"
      subject={`${v.covering_name} covering ${v.absent_name}, until ${dateTime(v.ends_at)}`}
      submitLabel="End coverage"
      labels={{ reason: 'Why it ends early' }}
      onClose={props.onClose}
      onSubmit={async () => props.onDone(await api.endCoverage(v.id, reason.trim() || undefined))}
    >
      {(error) => (
        <>
          <p class="small">The caseload, its worklist and access return to {v.absent_name} at once.</p>
          <Field id="cov-end-reason" label="Why it ends early" hint="Optional" error={fieldError(error, 'reason', 'Why it ends early')}>
            {(a) => <input {...a} type="text" autoComplete="off" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
          </Field>
        </>
      )}
    </FormDialog>
  );
}
