// The documentation checklist (GET /api/v1/supervision/compliance): per case
// manager and rule how much is met, the findings (what is not) with the
// patient linking to the patient at the case, and the findings as CSV or
// XLSX from the server. A supervisor sees the team (or one member); a case
// manager their own (the server decides).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { dateTime } from '../lib/format';
import { useSession } from '../session';
import { formatRate } from '../lib/outcomes';
import { RULES, checklistWords, ruleLabel, tallyText, type ComplianceReport, type MemberCompliance } from '../lib/supervision';
import { Downloads } from './Downloads';
import { ErrorMessage, Field, Link, Loading, fieldError } from './ui';

const LABELS: Record<string, string> = { as_of: 'As of', user_id: 'Case manager' };

export function ComplianceChecklist(props: {
  /** Supervisors: the team's case managers to choose from (a case manager gets their own). */
  members?: { user_id: number; display_name: string }[];
  headingLevel?: 2 | 3;
  onStatus?: (m: string) => void;
}) {
  const team = props.members !== undefined;
  const { today } = useSession();
  const [asOf, setAsOf] = useState(() => today());
  const [userId, setUserId] = useState('');
  const [report, setReport] = useState<ComplianceReport | null>(null);
  const [asked, setAsked] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const say = (m: string) => {
    setStatus(m);
    props.onStatus?.(m);
  };

  const run = async () => {
    setError(null);
    setBusy(true);
    const params: Record<string, string> = {};
    if (asOf.trim()) params.as_of = asOf.trim();
    if (team && userId) params.user_id = userId;
    try {
      const r = await api.compliance(params);
      setReport(r);
      setAsked(params);
      const findings = r.members.reduce((n, m) => n + m.findings.length, 0);
      say(`Documentation checklist shown: ${findings} finding${findings === 1 ? '' : 's'}.`);
    } catch (e) {
      setError(e);
      setReport(null);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    run();
  }, []);

  const H = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section class="compliance" aria-labelledby="comp-h" data-testid="compliance">
      <div class="tab-head">
        <H id="comp-h">Documentation checklist</H>
        {report && asked ? <Downloads report="/supervision/compliance" title="documentation findings" params={asked} table="findings" onDone={say} /> : null}
      </div>
      <form
        class="card report-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
        noValidate
        aria-label="Checklist as of"
      >
        <Field id="comp-as-of" label="As of" hint="A local day (the end of it, or now)" error={fieldError(error, 'as_of', LABELS.as_of)}>
          {(a) => <input {...a} type="date" value={asOf} onInput={(e) => setAsOf(e.currentTarget.value)} />}
        </Field>
        {team ? (
          <Field id="comp-user" label="Case manager" error={fieldError(error, 'user_id', LABELS.user_id)}>
            {(a) => (
              <select {...a} value={userId} onChange={(e) => setUserId(e.currentTarget.value)}>
                <option value="">The whole team</option>
                {(props.members ?? []).map((m) => (
                  <option key={m.user_id} value={String(m.user_id)}>
                    {m.display_name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Show checklist
          </button>
        </div>
      </form>
      {props.onStatus ? null : (
        <p class="sr-status" role="status">
          {status}
        </p>
      )}
      <ErrorMessage error={error} labels={LABELS} />
      {busy && !report ? <Loading what="the checklist" /> : null}
      {report ? <ComplianceResult r={report} team={team} /> : null}
    </section>
  );
}

function ComplianceResult(props: { r: ComplianceReport; team: boolean }) {
  const r = props.r;
  const rules = RULES.filter((x) => r.checklist.rules.some((y) => y.rule === x.rule));
  return (
    <div>
      <p data-testid="compliance-summary">
        As of {dateTime(r.as_of)}: <strong>{tallyText(r)}</strong>
        {props.team ? ` across ${r.members.length} case manager${r.members.length === 1 ? '' : 's'}` : ''}. A finding is a case where a rule is not met; the patient opens at that case.
      </p>
      <details class="definitions">
        <summary>What is checked</summary>
        <ul>
          {checklistWords(r.checklist).map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      </details>
      <div class="table-scroll" role="region" aria-labelledby="comp-table-cap" tabIndex={0}>
        <table class="results report-table compliance-table" id="comp-table">
          <caption id="comp-table-cap">Met of checked, per case manager and rule</caption>
          <thead>
            <tr>
              <th scope="col">Case manager</th>
              {rules.map((x) => (
                <th scope="col" key={x.rule}>
                  {x.label}
                </th>
              ))}
              <th scope="col">All rules</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {r.members.map((m) => (
              <tr key={m.user_id} data-user-id={m.user_id}>
                <th scope="row">{m.display_name}</th>
                {rules.map((x) => {
                  const t = m.rules.find((y) => y.rule === x.rule);
                  return (
                    <td key={x.rule} data-rule={x.rule}>
                      {t ? <Tally t={t} /> : '—'}
                    </td>
                  );
                })}
                <td>
                  <Tally t={m} />
                </td>
                <td>{m.findings.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.members.map((m) => (
        <MemberFindings key={m.user_id} m={m} open={!props.team || r.members.length === 1} />
      ))}
    </div>
  );
}

function Tally(props: { t: { met: number; checked: number; rate: number | null } }) {
  const t = props.t;
  if (t.checked === 0) return <span class="muted">nothing to check</span>;
  return (
    <span class={t.rate !== null && t.rate < 0.8 ? 'tally low' : 'tally'}>
      {formatRate(t.rate, 'rate')} <span class="muted small">({t.met} of {t.checked})</span>
    </span>
  );
}

function MemberFindings(props: { m: MemberCompliance; open: boolean }) {
  const m = props.m;
  const id = `findings-${m.user_id}`;
  if (m.findings.length === 0) return <p class="empty small">{m.display_name}: every rule met.</p>;
  return (
    <details class="findings" open={props.open} data-user-id={m.user_id}>
      <summary>
        {m.display_name}: {m.findings.length} finding{m.findings.length === 1 ? '' : 's'}
      </summary>
      <div class="table-scroll" role="region" aria-labelledby={`${id}-cap`} tabIndex={0}>
        <table class="results report-table" id={id}>
          <caption id={`${id}-cap`} class="sr-only">
            Findings of {m.display_name}, oldest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Patient</th>
              <th scope="col">What is missing</th>
              <th scope="col">Due since</th>
            </tr>
          </thead>
          <tbody>
            {m.findings.map((f, i) => (
              <tr key={`${f.rule}-${f.case_id}-${i}`} data-rule={f.rule} data-case-id={f.case_id}>
                <td>{ruleLabel(f.rule)}</td>
                <th scope="row">
                  <Link href={`/patients/${f.patient_id}?case=${f.case_id}`}>{f.patient_name}</Link>
                  <span class="muted small"> · case {f.case_id}</span>
                </th>
                <td>{f.detail}</td>
                <td>{f.due_at ? <time dateTime={f.due_at}>{dateTime(f.due_at)}</time> : <span class="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
