// A patient and one of their cases: the header (identity, risk tier,
// alerts, allergies, coverage, care team, the case and its confidential case
// file) and the tabs. Tabs are data so new ones join as their APIs land.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/errors';
import { api, type Alert, type Allergy, type CareTeamMember, type Case, type Coverage, type Patient, type Risk, type StaffMember } from '../api';
import { ageOn, dateOnly, humanize, patientName } from '../lib/format';
import { remember } from '../patients';
import { navigate } from '../router';
import { can, useSession } from '../session';
import { LogContactDialog } from '../components/actions';
import { AssignDialog, NewReferralDialog } from '../components/intake';
import { Dialog, ErrorMessage, Field, Loading, TierBadge, fieldError, saveFile } from '../components/ui';
import { TimelineTab } from './patient/TimelineTab';
import { CarePlanTab } from './patient/CarePlanTab';
import { AssessmentsTab } from './patient/AssessmentsTab';
import { ClinicalTab } from './patient/ClinicalTab';
import { TasksTab } from './patient/TasksTab';
import { InsuranceTab } from './patient/InsuranceTab';
import { EducationTab } from './patient/EducationTab';
import { SocialTab } from './patient/SocialTab';
import { TransitionsTab } from './patient/TransitionsTab';
import { DocumentsTab } from './patient/DocumentsTab';

export interface TabProps {
  patient: Patient;
  caseRecord: Case | null;
  refreshHeader: () => void;
  /** Ids from the URL the tab opens at (insurance: an authorization, an appeal; social needs: a barrier, a referral; assessments: one). */
  focus: Focus;
}

export interface Focus {
  auth: number | null;
  appeal: number | null;
  barrier?: number | null;
  referral?: number | null;
  assessment?: number | null;
  /** Transitions: a stay by one of its encounter ids. */
  stay?: number | null;
}

interface TabDef {
  id: string;
  label: string;
  component: ComponentType<TabProps>;
  needsCase?: boolean;
}

const TABS: TabDef[] = [
  { id: 'timeline', label: 'Timeline', component: TimelineTab },
  { id: 'careplan', label: 'Care plan', component: CarePlanTab, needsCase: true },
  { id: 'assessments', label: 'Assessments', component: AssessmentsTab },
  { id: 'clinical', label: 'Medications and conditions', component: ClinicalTab },
  { id: 'tasks', label: 'Tasks and appointments', component: TasksTab },
  { id: 'insurance', label: 'Insurance', component: InsuranceTab },
  { id: 'education', label: 'Education', component: EducationTab },
  { id: 'social', label: 'Social needs', component: SocialTab, needsCase: true },
  { id: 'transitions', label: 'Transitions', component: TransitionsTab },
  { id: 'documents', label: 'Documents', component: DocumentsTab },
];

interface Header {
  patient: Patient;
  cases: Case[];
  alerts: Alert[];
  team: CareTeamMember[];
  allergies: Allergy[];
  coverages: Coverage[];
  risk: Risk | null;
  staff: StaffMember[];
}

async function loadHeader(id: number): Promise<Header> {
  const [patient, cases, alerts, team, allergies, coverages, risk, staff] = await Promise.all([
    api.patient(id),
    api.patientCases(id),
    api.alerts(id),
    api.careTeam(id),
    api.allergies(id),
    api.coverages(id),
    api.risk(id).catch(() => null),
    api.staff().catch(() => ({ items: [] as StaffMember[] })),
  ]);
  return {
    patient,
    cases: cases.items,
    alerts: alerts.items,
    team: team.items,
    allergies: allergies.items,
    coverages: coverages.items,
    risk,
    staff: staff.items,
  };
}

export function PatientView(props: { patientId: number; caseId: number | null; tab: string; focus?: Focus }) {
  const { user } = useSession();
  const [h, setH] = useState<Header | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [contactOpen, setContactOpen] = useState(false);
  const [caseFileOpen, setCaseFileOpen] = useState(false);
  const [assignOpen, setAssignOpen] = useState(false);
  const [referralOpen, setReferralOpen] = useState(false);
  const [status, setStatus] = useState('');
  const [version, setVersion] = useState(0);
  const [contacts, setContacts] = useState(0);

  useEffect(() => {
    // No name in the title: titles end up in the browser's history.
    document.title = `Patient #${props.patientId} — casekeeper`;
    let live = true;
    loadHeader(props.patientId).then(
      (r) => {
        if (!live) return;
        remember(r.patient);
        setH(r);
        setError(null);
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [props.patientId, version]);

  if (error) {
    return (
      <section>
        <h1 tabIndex={-1}>Patient</h1>
        <ErrorMessage error={error} />
      </section>
    );
  }
  if (!h) return <Loading what="the patient" />;

  const p = h.patient;
  const openCases = h.cases.filter((c) => c.status !== 'closed');
  const caseRecord = h.cases.find((c) => c.id === props.caseId) ?? openCases[0] ?? h.cases[0] ?? null;
  const tab = TABS.find((t) => t.id === props.tab) ?? (TABS[0] as TabDef);
  const liveAlerts = h.alerts.filter((a) => a.status === 'open' || a.status === 'acknowledged');
  const activeAllergies = h.allergies.filter((a) => a.status === 'active');
  const activeCoverages = h.coverages.filter((c) => c.status === 'active');
  const mrn = p.identifiers.find((i) => i.kind === 'MR');
  const tier = h.risk?.stratified?.tier ?? caseRecord?.risk_tier ?? null;
  const riskReasons = h.risk?.stratified?.reasons ?? caseRecord?.risk_reasons ?? [];
  const go = (q: { case?: number | null; tab?: string }) => {
    const params = new URLSearchParams();
    const c = q.case !== undefined ? q.case : caseRecord?.id;
    if (c) params.set('case', String(c));
    params.set('tab', q.tab ?? tab.id);
    navigate(`/patients/${p.id}?${params.toString()}`);
  };

  return (
    <section class="patient">
      <header class="patient-head card">
        <div class="identity">
          <h1 tabIndex={-1}>{patientName(p)}</h1>
          <p class="facts">
            <span>
              Born {p.birth_date} ({ageOn(p.birth_date)} y)
            </span>
            <span>{humanize(p.administrative_sex)}</span>
            {mrn ? <span>MRN {mrn.value}</span> : null}
            {p.preferred_language ? (
              <span>
                Language {p.preferred_language}
                {p.interpreter_needed ? ' · interpreter needed' : ''}
              </span>
            ) : null}
            {p.preferred_contact_method ? <span>Prefers {humanize(p.preferred_contact_method)}</span> : null}
          </p>
          <div class="risk">
            <TierBadge tier={tier} />
            {riskReasons.length ? (
              <ul class="reasons" aria-label="Risk reasons">
                {riskReasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
        <div class="head-panels">
          <div class="panel" aria-labelledby="hd-alerts">
            <h2 id="hd-alerts">Alerts</h2>
            {liveAlerts.length === 0 && activeAllergies.length === 0 ? <p class="muted">No open alerts, no known allergies.</p> : null}
            <ul class="alerts">
              {liveAlerts.map((a) => (
                <li key={a.id} class={`alert-${a.severity}`}>
                  <strong>{humanize(a.severity)}:</strong> {a.reason} <span class="muted">({a.status})</span>
                </li>
              ))}
              {activeAllergies.map((a) => (
                <li key={`al${a.id}`} class="alert-allergy">
                  <strong>Allergy:</strong> {a.substance}
                  {a.reaction ? ` — ${a.reaction}` : ''}
                  {a.severity ? ` (${a.severity})` : ''}
                </li>
              ))}
            </ul>
          </div>
          <div class="panel" aria-labelledby="hd-team">
            <h2 id="hd-team">Care team</h2>
            {h.team.length === 0 ? <p class="muted">Nobody yet.</p> : null}
            <ul class="plain">
              {h.team.map((m) => (
                <li key={m.id}>
                  {m.display_name} <span class="muted">· {humanize(m.member_role)}</span>
                </li>
              ))}
            </ul>
          </div>
          <div class="panel" aria-labelledby="hd-coverage">
            <h2 id="hd-coverage">Coverage</h2>
            {activeCoverages.length === 0 ? <p class="muted">None recorded.</p> : null}
            <ul class="plain">
              {activeCoverages.map((c) => (
                <li key={c.id}>
                  {c.payer}
                  {c.plan ? ` ${c.plan}` : ''} <span class="muted">· {humanize(c.priority)}, {humanize(c.product_type)}</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
        <div class="case-bar">
          {h.cases.length ? (
            <div class="field inline">
              <label for="case-select">Case</label>
              <select id="case-select" value={caseRecord?.id ?? ''} onChange={(e) => go({ case: Number(e.currentTarget.value) })}>
                {h.cases.map((c) => (
                  <option key={c.id} value={c.id}>
                    #{c.id} {humanize(c.program)} · {humanize(c.status)} · since {dateOnly(c.referred_at)}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <p class="muted">No case yet.</p>
          )}
          {caseRecord ? (
            <span class="muted small">
              {humanize(caseRecord.urgency)} referral: {caseRecord.referral_reason}
              {caseRecord.acuity ? ` · acuity ${humanize(caseRecord.acuity)}` : ''}
            </span>
          ) : null}
          {caseRecord ? (
            <span class="small case-manager" data-testid="case-manager">
              {caseRecord.assigned_user_id
                ? `Case manager: ${h.staff.find((s) => s.id === caseRecord.assigned_user_id)?.display_name ?? `user #${caseRecord.assigned_user_id}`}`
                : 'No case manager yet'}
            </span>
          ) : null}
          {caseRecord && can.assign(user.role) && caseRecord.status !== 'closed' ? (
            <button type="button" aria-haspopup="dialog" onClick={() => setAssignOpen(true)}>
              {caseRecord.assigned_user_id ? 'Reassign case' : 'Assign case'}
            </button>
          ) : null}
          {can.write(user.role) && !p.merged_into_id ? (
            <button type="button" aria-haspopup="dialog" onClick={() => setReferralOpen(true)}>
              New referral
            </button>
          ) : null}
          {caseRecord && can.write(user.role) && caseRecord.status !== 'closed' ? (
            <button type="button" onClick={() => setContactOpen(true)}>
              Log contact
            </button>
          ) : null}
          {caseRecord ? (
            <button type="button" onClick={() => setCaseFileOpen(true)} aria-haspopup="dialog">
              Case file (PDF)
            </button>
          ) : null}
        </div>
        <p class="sr-status" role="status">
          {status}
        </p>
      </header>

      <div class="tabs" role="tablist" aria-label="Patient record" onKeyDown={(e) => tabKeys(e, tab.id, (id) => go({ tab: id }))}>
        {TABS.map((t) => (
          <button
            type="button"
            role="tab"
            key={t.id}
            id={`tab-${t.id}`}
            aria-selected={t.id === tab.id}
            aria-controls="tabpanel"
            tabIndex={t.id === tab.id ? 0 : -1}
            onClick={() => go({ tab: t.id })}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div class="tabpanel" id="tabpanel" role="tabpanel" aria-labelledby={`tab-${tab.id}`}>
        {tab.needsCase && !caseRecord ? (
          <p class="empty">This patient has no case yet.</p>
        ) : (
          <tab.component
            key={`${tab.id}-${caseRecord?.id}-${contacts}`}
            patient={p}
            caseRecord={caseRecord}
            refreshHeader={() => setVersion((v) => v + 1)}
            focus={props.focus ?? { auth: null, appeal: null }}
          />
        )}
      </div>

      {caseFileOpen && caseRecord ? (
        <CaseFileDialog
          caseId={caseRecord.id}
          onClose={() => setCaseFileOpen(false)}
          onDone={(name) => {
            setCaseFileOpen(false);
            setStatus(`Case file downloaded: ${name}.`);
          }}
        />
      ) : null}
      {assignOpen && caseRecord ? (
        <AssignDialog
          caseId={caseRecord.id}
          subject={patientName(p)}
          onClose={() => setAssignOpen(false)}
          onDone={(_c, name) => {
            setAssignOpen(false);
            setStatus(`Case #${caseRecord.id} assigned to ${name}.`);
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
      {referralOpen ? (
        <NewReferralDialog
          patient={{ id: p.id, name: patientName(p) }}
          onClose={() => setReferralOpen(false)}
          onCreated={(c) => {
            setReferralOpen(false);
            setStatus(`Referral created: case #${c.id}.`);
            setVersion((v) => v + 1);
            go({ case: c.id });
          }}
        />
      ) : null}
      {contactOpen && caseRecord ? (
        <LogContactDialog
          caseId={caseRecord.id}
          subject={patientName(p)}
          onClose={() => setContactOpen(false)}
          onDone={() => {
            setContactOpen(false);
            setStatus('Contact logged.');
            setContacts((n) => n + 1);
          }}
        />
      ) : null}
    </section>
  );
}

/**
 * The confidential case file (GET /cases/{id}/file.pdf): the whole record of
 * the case as one PDF, for an audit, a complaint or a legal request. The
 * reason is required and kept in the audit record of its production; the
 * file comes through fetch with the session and is handed to the browser as
 * a download (nothing is kept by the app). Also offered by the Documents tab.
 */
export function CaseFileDialog(props: { caseId: number; onClose: () => void; onDone: (filename: string) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const why = reason.trim();
    if (!why) {
      // The server refuses it too (400 on reason); say it before asking.
      setError(new ApiError(400, { error: 'say why the case file is produced', field: 'reason' }));
      return;
    }
    setBusy(true);
    try {
      const file = await api.caseFile(props.caseId, why);
      saveFile(file);
      props.onDone(file.filename);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Case file (PDF)" onClose={props.onClose}>
      <p class="dialog-subject">Case #{props.caseId}</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} labels={{ reason: 'Reason' }} />
        <p class="small">
          The complete record of this case — identity, coverage, team, conditions and medications, assessments, care plans, notes, contacts, tasks, insurance, social needs,
          education, consents and the access log — as one confidential PDF.
        </p>
        <p class="small notice">
          <strong>Producing it is audited:</strong> your name, the time and the reason you give are recorded, and the access log of the next case file shows who took this one. Keep
          the file where protected health information belongs.
        </p>
        <Field id="case-file-reason" label="Reason" hint="Required: for example an audit, a complaint or a legal request" error={fieldError(error, 'reason', 'Reason')}>
          {(x) => <textarea {...x} rows={2} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Preparing…' : 'Download case file'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern). */
function tabKeys(e: KeyboardEvent, current: string, select: (id: string) => void) {
  const i = TABS.findIndex((t) => t.id === current);
  let next = -1;
  if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
  else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = TABS.length - 1;
  if (next < 0) return;
  e.preventDefault();
  const id = (TABS[next] as TabDef).id;
  select(id);
  requestAnimationFrame(() => document.getElementById(`tab-${id}`)?.focus());
}
