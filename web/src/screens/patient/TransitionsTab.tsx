// Transitions of care (src/transitions, docs/transitions.md): the patient's
// hospital stays with their readmission flags; for one stay the discharge
// plan with its readiness at a glance and the eight checklist items, the
// medication reconciliation (before admission against the discharge list,
// each discrepancy resolved with whom, completed with or without updating the
// medication list), the four HEDIS TRC components with records by hand; and
// the patient's medication adherence checks. The URL carries only ids:
// ?tab=transitions&stay=ENCOUNTER_ID.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  type AdherenceCheck,
  type ChecklistItem,
  type DischargePlan,
  type Discrepancy,
  type Encounter,
  type Medication,
  type Reconciliation,
  type StaffMember,
  type StayOverview,
  type TransitionsOfCare,
  type TrcComponent,
} from '../../api';
import { ApiError } from '../../lib/errors';
import { dateOnly, dateTime, humanize } from '../../lib/format';
import { zoneLocalToIso, zoneNowLocal } from '../../lib/organisation';
import {
  ADHERENCE_METHODS,
  ADHERENCE_RESULTS,
  DISPOSITION_LABELS,
  ITEM_STATUSES,
  ITEM_STATUS_LABELS,
  PLAN_DISPOSITIONS,
  REC_SOURCES,
  REC_SOURCE_LABELS,
  RESOLUTIONS,
  RESOLUTION_LABELS,
  TRC_COMPONENT_LABELS,
  TRC_STATUS_LABELS,
  TRC_WINDOWS,
  adherenceNoteRequired,
  canRecordByHand,
  discrepancyLabel,
  dispositionLabel,
  dueWords,
  emptyMedRow,
  isStay,
  itemForm,
  itemLabel,
  itemPatch,
  medFieldLabel,
  medicationLines,
  plannedBasisText,
  readinessText,
  readmissionText,
  resolutionEffect,
  responsibleText,
  stayEntries,
  trcSourceLabel,
  trcStateText,
  type ItemForm,
  type MedRow,
} from '../../lib/transitions';
import { can, useSession } from '../../session';
import { Dialog, ErrorMessage, Field, FormDialog, Link, Loading, fieldError } from '../../components/ui';
import type { TabProps } from '../PatientView';

interface Data {
  stays: StayOverview[];
  encounters: Encounter[];
  staff: StaffMember[];
  adherence: AdherenceCheck[];
  meds: Medication[];
}

type Entry = ReturnType<typeof stayEntries<StayOverview['stay'], Encounter>>[number];

const CLASS_LABELS: Record<string, string> = { acute: 'Inpatient stay', observation: 'Observation stay', emergency: 'Emergency visit' };

export function TransitionsTab(props: TabProps) {
  const { user } = useSession();
  const pid = props.patient.id;
  const caseId = props.caseRecord?.id ?? null;
  const writable = can.write(user.role);
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [adding, setAdding] = useState(false);

  const load = () =>
    Promise.all([
      api.stays(pid),
      api.encounters(pid),
      // Names of responsible people and the medication list only help; the tab works without them.
      api.staff().catch(() => ({ items: [] as StaffMember[] })),
      api.adherenceChecks(pid),
      api.medications(pid).catch(() => ({ items: [] as Medication[] })),
    ]).then(
      ([s, e, st, a, m]) => {
        setData({ stays: s.items, encounters: e.items, staff: st.items, adherence: a.items, meds: m.items });
        setError(null);
      },
      setError,
    );
  useEffect(() => {
    load();
  }, [pid]);

  const href = (stay: number | null) => {
    const q = new URLSearchParams();
    if (caseId) q.set('case', String(caseId));
    q.set('tab', 'transitions');
    if (stay) q.set('stay', String(stay));
    return `/patients/${pid}?${q.toString()}`;
  };

  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="hospital stays" />;

  const entries = stayEntries(
    data.stays.map((s) => s.stay),
    data.encounters,
  );
  const focus = props.focus.stay ?? null;
  const selected = focus ? (entries.find((e) => isStay(e, focus)) ?? null) : (entries[0] ?? null);
  const overviewOf = (entry: Entry) => (entry.kind === 'acute' ? (data.stays.find((s) => s.stay.first_encounter_id === entry.id) ?? null) : null);
  const nameOf = (id: number) => data.staff.find((s) => s.id === id)?.display_name ?? null;
  // Announce once the screen shows the change (the stay's own reload too, when it sends one).
  const changed = (message: string, more?: Promise<unknown>) => {
    Promise.all([load(), more]).then(() => setStatus(message));
  };

  return (
    <div class="transitions">
      <p class="sr-status" role="status">
        {status}
      </p>
      <h2>Hospital stays</h2>
      <p class="muted small">
        Acute inpatient stays (transfers merged) with their 30-day readmission flags, newest first; observation stays and emergency visits are listed too for their discharge plans and
        medication reconciliations.
      </p>
      {entries.length === 0 ? <p class="empty">No hospital stays recorded.</p> : null}
      <ul class="stays plain">
        {entries.map((e) => (
          <li key={`${e.kind}-${e.id}`}>
            <StayCard entry={e} overview={overviewOf(e)} selected={e === selected} href={href(e.id)} />
          </li>
        ))}
      </ul>
      {focus && !selected ? <p class="error">Stay #{focus} is not one of this patient's hospital stays.</p> : null}
      {selected ? (
        <StayDetail
          key={`${selected.kind}-${selected.id}`}
          entry={selected}
          overview={overviewOf(selected)}
          patientId={pid}
          caseId={caseId}
          meds={data.meds}
          staff={data.staff}
          nameOf={nameOf}
          writable={writable}
          scrollTo={!!focus}
          onChanged={changed}
        />
      ) : null}

      <section class="adherence" aria-labelledby="adh-h">
        <div class="tab-head">
          <h2 id="adh-h">Medication adherence checks</h2>
          {writable ? (
            <button type="button" onClick={() => setAdding(true)}>
              Add adherence check
            </button>
          ) : null}
        </div>
        {data.adherence.length === 0 ? (
          <p class="empty">No adherence checks yet.</p>
        ) : (
          <table class="results adherence-checks">
            <thead>
              <tr>
                <th scope="col">Checked on</th>
                <th scope="col">How</th>
                <th scope="col">Result</th>
                <th scope="col">Medication</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {data.adherence.map((a) => (
                <tr key={a.id}>
                  <th scope="row">{a.checked_on}</th>
                  <td>{ADHERENCE_METHODS[a.method] ?? humanize(a.method)}</td>
                  <td>
                    <span class={`badge adh-${a.result}${a.result === 'adherent' ? ' ok' : ''}`}>{ADHERENCE_RESULTS[a.result] ?? humanize(a.result)}</span>
                  </td>
                  <td>{a.medication ?? <span class="muted">All medications</span>}</td>
                  <td>{a.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {adding ? (
        <AdherenceDialog
          patientId={pid}
          meds={data.meds}
          onClose={() => setAdding(false)}
          onDone={(a) => {
            setAdding(false);
            changed(`Adherence check recorded: ${ADHERENCE_RESULTS[a.result] ?? a.result}.`);
          }}
        />
      ) : null}
    </div>
  );
}

function entryFacts(entry: Entry) {
  if (entry.kind === 'acute') {
    const s = entry.stay;
    return { facility: s.facility, admitted: s.admitted_at, discharged: s.discharged_at, disposition: s.discharge_disposition };
  }
  const e = entry.encounter;
  return { facility: e.facility, admitted: e.admitted_at, discharged: e.discharged_at, disposition: e.discharge_disposition };
}

function ReadmissionBadges(props: { entry: Entry }) {
  if (props.entry.kind !== 'acute') return null;
  const s = props.entry.stay;
  const text = readmissionText(s.readmission);
  return (
    <>
      {text ? <span class={`badge readmission${s.readmission?.counted ? ' warn' : ''}`}>{text}</span> : null}
      {s.readmitted_by ? <span class="badge">Readmitted within 30 days</span> : null}
    </>
  );
}

function StayCard(props: { entry: Entry; overview: StayOverview | null; selected: boolean; href: string }) {
  const f = entryFacts(props.entry);
  const o = props.overview;
  const title = `${f.facility}, ${CLASS_LABELS[props.entry.kind]?.toLowerCase()} from ${dateOnly(f.admitted)}`;
  return (
    <article class={`card stay${props.selected ? ' focused' : ''}`} data-stay-id={props.entry.id} aria-labelledby={`stay-${props.entry.id}-h`}>
      <div class="tab-head">
        <h3 id={`stay-${props.entry.id}-h`}>
          {f.facility} · {CLASS_LABELS[props.entry.kind]}
        </h3>
        <span class="badges">
          <ReadmissionBadges entry={props.entry} />
        </span>
      </div>
      <p class="small">
        Admitted {dateTime(f.admitted)} · {f.discharged ? `discharged ${dateTime(f.discharged)}` : 'still in hospital'}
        {f.disposition ? ` · ${dispositionLabel(f.disposition)}` : ''}
        {props.entry.kind === 'acute' && props.entry.stay.encounter_count > 1 ? ` · ${props.entry.stay.encounter_count} encounters (transfer)` : ''}
      </p>
      <p class="small stay-summary">
        {o?.readiness ? <span>Discharge plan: {readinessText(o.readiness).short}</span> : null}
        {o ? <span>Transitions of care: {TRC_STATUS_LABELS[o.status] ?? o.status}</span> : null}
      </p>
      <Link href={props.href} class="button-link" aria-current={props.selected ? 'true' : undefined}>
        {props.selected ? 'Shown below' : 'Open'}
        <span class="sr-only">: {title}</span>
      </Link>
    </article>
  );
}

interface Detail {
  plan: DischargePlan | null;
  recs: Reconciliation[];
  trc: TransitionsOfCare | null;
}

type DialogState =
  | { kind: 'create-plan' }
  | { kind: 'change-plan' }
  | { kind: 'item'; item: string }
  | { kind: 'start-rec' }
  | { kind: 'edit-rec'; recId: number }
  | { kind: 'resolve'; recId: number; discrepancyId: number }
  | { kind: 'complete'; recId: number }
  | { kind: 'cancel-rec'; recId: number }
  | { kind: 'trc'; component: string }
  | { kind: 'retract'; component: string; documentationId: number }
  | { kind: 'planned' }
  | null;

function StayDetail(props: {
  entry: Entry;
  overview: StayOverview | null;
  patientId: number;
  caseId: number | null;
  meds: Medication[];
  staff: StaffMember[];
  nameOf: (id: number) => string | null;
  writable: boolean;
  scrollTo: boolean;
  onChanged: (message: string, reloaded?: Promise<unknown>) => void;
}) {
  const entry = props.entry;
  const acute = entry.kind === 'acute';
  // Plans and reconciliations live on encounters: the stay's last one (the current
  // one of a transfer) for new ones; both ends of a merged stay are read.
  const lastId = entry.kind === 'acute' ? entry.stay.last_encounter_id : entry.id;
  const encounterIds = entry.kind === 'acute' ? [...new Set([entry.stay.first_encounter_id, entry.stay.last_encounter_id])] : [entry.id];
  const planId = props.overview?.discharge_plan_id ?? null;
  const [d, setD] = useState<Detail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dialog, setDialog] = useState<DialogState>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = async () => {
    try {
      const plan = planId
        ? await api.dischargePlan(planId)
        : await Promise.all(encounterIds.map((id) => api.encounterDischargePlan(id).catch((e) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))))).then(
            (ps) => ps.find((p) => p) ?? null,
          );
      const recs = (await Promise.all(encounterIds.map((id) => api.reconciliations(id)))).flatMap((r) => r.items).sort((a, b) => b.id - a.id);
      const trc = acute ? await api.transitionsOfCare(entry.id) : null;
      setD({ plan, recs, trc });
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    load();
  }, []);
  // Opened at this stay (from the worklist or a link): bring it into view once shown.
  useEffect(() => {
    if (d && props.scrollTo) heading.current?.scrollIntoView({ block: 'start' });
  }, [!!d]);

  if (error) return <ErrorMessage error={error} />;
  if (!d) return <Loading what="the stay" />;

  const f = entryFacts(entry);
  const encounter = entry.kind === 'acute' ? null : entry.encounter;
  const stillIn = !f.discharged;
  const planAllowed = entry.kind === 'acute' || entry.kind === 'observation';
  const open = d.recs.find((r) => r.status === 'in_progress') ?? null;
  const done = (message: string) => {
    setDialog(null);
    props.onChanged(message, load());
  };
  const stale = () => {
    load();
  };
  const dialogRec = dialog && 'recId' in dialog ? d.recs.find((r) => r.id === dialog.recId) : undefined;
  const dialogItem = dialog?.kind === 'item' && d.plan ? d.plan.items.find((i) => i.item === dialog.item) : undefined;
  const stay = entry.kind === 'acute' ? entry.stay : null;

  return (
    <section class="card stay-detail" aria-labelledby="stay-detail-h" data-stay-id={entry.id}>
      <div class="tab-head">
        <h2 id="stay-detail-h" ref={heading} tabIndex={-1}>
          {f.facility}: {CLASS_LABELS[entry.kind]?.toLowerCase()} from {dateOnly(f.admitted)}
        </h2>
        <span class="badges">
          <ReadmissionBadges entry={entry} />
        </span>
      </div>
      <dl class="facts-list">
        <dt>Admitted</dt>
        <dd>{dateTime(f.admitted)}</dd>
        <dt>Discharged</dt>
        <dd>{f.discharged ? `${dateTime(f.discharged)}${f.disposition ? ` · ${dispositionLabel(f.disposition)}` : ''}` : 'Still in hospital'}</dd>
        {stay ? (
          <>
            <dt>Planned admission</dt>
            <dd>
              {stay.planned ? `Yes (${plannedBasisText(stay.planned_basis)})` : 'No'}
              {props.writable ? (
                <>
                  {' '}
                  <button type="button" class="link" onClick={() => setDialog({ kind: 'planned' })}>
                    {stay.planned ? 'Say it was not planned' : 'Mark as planned'}
                  </button>
                </>
              ) : null}
            </dd>
            {stay.readmission ? (
              <>
                <dt>Readmission of</dt>
                <dd>the stay admitted through encounter #{stay.readmission.of_stay}</dd>
              </>
            ) : null}
          </>
        ) : null}
        {encounter ? (
          <>
            <dt>Status</dt>
            <dd>{humanize(encounter.status)}</dd>
          </>
        ) : null}
      </dl>

      <h3>Discharge plan</h3>
      {d.plan ? (
        <PlanView plan={d.plan} nameOf={props.nameOf} writable={props.writable} onItem={(item) => setDialog({ kind: 'item', item })} onChange={() => setDialog({ kind: 'change-plan' })} onDone={done} onStale={stale} />
      ) : planAllowed && stillIn ? (
        <div>
          <p class="empty">No discharge plan yet.</p>
          {props.writable ? (
            <button type="button" class="primary" onClick={() => setDialog({ kind: 'create-plan' })}>
              Create discharge plan
            </button>
          ) : null}
        </div>
      ) : (
        <p class="empty">{planAllowed ? 'No discharge plan was made for this stay.' : 'Emergency visits have no discharge plan.'}</p>
      )}

      <h3>Medication reconciliation</h3>
      {d.recs.length === 0 ? <p class="empty">No medication reconciliation for this stay yet.</p> : null}
      {d.recs.map((r) => (
        <RecView
          key={r.id}
          rec={r}
          writable={props.writable}
          onResolve={(discrepancyId) => setDialog({ kind: 'resolve', recId: r.id, discrepancyId })}
          onEdit={() => setDialog({ kind: 'edit-rec', recId: r.id })}
          onComplete={() => setDialog({ kind: 'complete', recId: r.id })}
          onCancel={() => setDialog({ kind: 'cancel-rec', recId: r.id })}
        />
      ))}
      {props.writable && !open ? (
        <button type="button" class={d.recs.length ? '' : 'primary'} onClick={() => setDialog({ kind: 'start-rec' })}>
          Start medication reconciliation
        </button>
      ) : null}

      {d.trc ? (
        <TrcView
          trc={d.trc}
          writable={props.writable}
          onRecord={(component) => setDialog({ kind: 'trc', component })}
          onRetract={(component, documentationId) => setDialog({ kind: 'retract', component, documentationId })}
        />
      ) : null}

      {dialog?.kind === 'create-plan' ? (
        <PlanDialog encounterId={lastId} caseId={props.caseId} admitted={f.admitted} plan={null} onClose={() => setDialog(null)} onDone={done} onStale={stale} />
      ) : null}
      {dialog?.kind === 'change-plan' && d.plan ? (
        <PlanDialog encounterId={lastId} caseId={props.caseId} admitted={f.admitted} plan={d.plan} onClose={() => setDialog(null)} onDone={done} onStale={stale} />
      ) : null}
      {dialog?.kind === 'item' && d.plan && dialogItem ? (
        <ItemDialog plan={d.plan} item={dialogItem} staff={props.staff} onClose={() => setDialog(null)} onDone={done} onStale={stale} />
      ) : null}
      {dialog?.kind === 'start-rec' ? <MedListDialog encounterId={lastId} rec={null} meds={props.meds} onClose={() => setDialog(null)} onDone={done} onStale={stale} /> : null}
      {dialog?.kind === 'edit-rec' && dialogRec ? <MedListDialog encounterId={lastId} rec={dialogRec} meds={props.meds} onClose={() => setDialog(null)} onDone={done} onStale={stale} /> : null}
      {dialog?.kind === 'resolve' && dialogRec ? (
        <ResolveDialog rec={dialogRec} discrepancy={dialogRec.discrepancies.find((x) => x.id === dialog.discrepancyId) ?? null} onClose={() => setDialog(null)} onDone={done} onStale={stale} />
      ) : null}
      {dialog?.kind === 'complete' && dialogRec ? <CompleteDialog rec={dialogRec} onClose={() => setDialog(null)} onDone={done} onStale={stale} /> : null}
      {dialog?.kind === 'cancel-rec' && dialogRec ? <CancelRecDialog rec={dialogRec} onClose={() => setDialog(null)} onDone={done} onStale={stale} /> : null}
      {dialog?.kind === 'trc' ? <TrcDialog encounterId={entry.id} component={dialog.component} onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog?.kind === 'retract' ? (
        <RetractDialog component={dialog.component} documentationId={dialog.documentationId} onClose={() => setDialog(null)} onDone={done} />
      ) : null}
      {dialog?.kind === 'planned' && stay ? <PlannedDialog encounterId={stay.first_encounter_id} planned={stay.planned} onClose={() => setDialog(null)} onDone={done} /> : null}
    </section>
  );
}

function PlanView(props: {
  plan: DischargePlan;
  nameOf: (id: number) => string | null;
  writable: boolean;
  onItem: (item: string) => void;
  onChange: () => void;
  onDone: (message: string) => void;
  onStale: () => void;
}) {
  const p = props.plan;
  const r = p.readiness;
  const words = readinessText(r);
  const today = useSession().today();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const markDone = async (i: ChecklistItem) => {
    setError(null);
    setBusy(i.item);
    try {
      const out = await api.changeChecklistItem(p.id, i.item, { version: p.version, status: 'done' });
      props.onDone(`${itemLabel(i.item)}: done. Discharge plan ${readinessText(out.readiness).short}.`);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.isStale) props.onStale();
    } finally {
      setBusy(null);
    }
  };
  const discharged = !!p.encounter.discharged_at;
  return (
    <div class="discharge-plan" data-plan-id={p.id}>
      <dl class="facts-list">
        <dt>Expected discharge</dt>
        <dd>
          {p.expected_discharge_date ? (
            <>
              {p.expected_discharge_date}
              {!discharged ? <span class="muted small"> ({dueWords(p.expected_discharge_date, today).replace(/^due /, '').replace(/^was due /, '')})</span> : null}
            </>
          ) : (
            <span class="muted">Not set</span>
          )}
        </dd>
        <dt>Going to</dt>
        <dd>{dispositionLabel(p.disposition)}</dd>
        {p.note ? (
          <>
            <dt>Note</dt>
            <dd>{p.note}</dd>
          </>
        ) : null}
      </dl>
      <div class={`readiness${r.ready ? ' ready' : ''}`}>
        <label for={`readiness-${p.id}`} class="readiness-label">
          Readiness: <strong class="readiness-count">{words.short}</strong>
        </label>
        <meter id={`readiness-${p.id}`} min={0} max={r.total} value={r.done + r.not_applicable} aria-describedby={`readiness-${p.id}-missing`}>
          {r.complete}
        </meter>
        <p id={`readiness-${p.id}-missing`} class={r.ready ? 'ready-text' : 'missing-text'}>
          {r.ready ? '✓ ' : ''}
          {words.missing}
        </p>
      </div>
      {props.writable ? (
        <div class="actions">
          <button type="button" onClick={props.onChange}>
            Change plan
          </button>
        </div>
      ) : null}
      <ErrorMessage error={error} what="discharge plan" />
      <table class="results checklist">
        <caption class="sr-only">Discharge checklist</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Status</th>
            <th scope="col">Responsible</th>
            <th scope="col">Note</th>
            {props.writable ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {p.items.map((i) => {
            const who = responsibleText(i.responsible, props.nameOf);
            const label = itemLabel(i.item);
            return (
              <tr key={i.item} data-item={i.item} class={`item-${i.status}`}>
                <th scope="row">{label}</th>
                <td>
                  <span class={`badge istatus-${i.status}${i.status === 'done' ? ' ok' : ''}`}>{ITEM_STATUS_LABELS[i.status] ?? i.status}</span>
                  {i.status === 'not_applicable' && i.not_applicable_reason ? (
                    <span class="small na-reason">
                      {' '}
                      {i.not_applicable_reason}
                      {i.defaulted ? ' (by default for this disposition)' : ''}
                    </span>
                  ) : null}
                  {i.status === 'done' && i.completed_at ? <span class="muted small"> {dateOnly(i.completed_at)}</span> : null}
                </td>
                <td>{who ?? <span class="muted">Nobody yet</span>}</td>
                <td>{i.note ?? ''}</td>
                {props.writable ? (
                  <td class="row-actions">
                    {i.status !== 'done' && i.status !== 'not_applicable' ? (
                      <button type="button" disabled={busy === i.item} onClick={() => markDone(i)} aria-label={`Mark done: ${label}`}>
                        Mark done
                      </button>
                    ) : null}
                    <button type="button" onClick={() => props.onItem(i.item)} aria-label={`Change: ${label}`}>
                      Change
                    </button>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      <details>
        <summary>History ({p.history.length})</summary>
        <ol class="history" aria-label="History of the discharge plan">
          {p.history.map((h, n) => (
            <li key={n}>
              <time dateTime={h.at}>{dateTime(h.at)}</time> {h.item ? `${itemLabel(h.item)}: ` : ''}
              {HISTORY_KINDS[h.kind] ?? (h.kind === 'item' ? '' : humanize(h.kind))} {historyDetail(h.detail, props.nameOf)}
              {h.by_user_id ? <span class="muted"> · {props.nameOf(h.by_user_id) ?? `user #${h.by_user_id}`}</span> : null}
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}

const HISTORY_KINDS: Record<string, string> = { created: 'Plan created', updated: 'Plan changed' };

/** A history entry's detail in words: "status not started → done; responsible Pat Lee". */
function historyDetail(detail: unknown, nameOf: (id: number) => string | null): string {
  if (!detail || typeof detail !== 'object') return typeof detail === 'string' ? detail : '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(detail as Record<string, unknown>)) {
    if (Array.isArray(v) && v.length === 2) parts.push(`${humanize(k).toLowerCase()} ${wordOf(v[0])} → ${wordOf(v[1])}`);
    else if (v && typeof v === 'object') {
      const r = v as Record<string, unknown>;
      if ('name' in r || 'user_id' in r)
        parts.push(`responsible ${r.name ? String(r.name) : typeof r.user_id === 'number' ? (nameOf(r.user_id) ?? `user #${r.user_id}`) : 'nobody'}`);
    } else if (v !== null && v !== undefined) parts.push(`${humanize(k).toLowerCase()} ${wordOf(v)}`);
  }
  return parts.join('; ');
}

function wordOf(v: unknown): string {
  if (v === null || v === undefined) return '—';
  const s = String(v);
  return ITEM_STATUS_LABELS[s]?.toLowerCase() ?? DISPOSITION_LABELS[s]?.toLowerCase() ?? s;
}

function MedTable(props: { title: string; lines: Reconciliation['before_admission']; id: string }) {
  return (
    <div class="med-list">
      <h4 id={props.id}>{props.title}</h4>
      {props.lines.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <table class="results" aria-labelledby={props.id}>
          <thead>
            <tr>
              <th scope="col">Medication</th>
              <th scope="col">Dose</th>
              <th scope="col">Route</th>
              <th scope="col">How often</th>
            </tr>
          </thead>
          <tbody>
            {props.lines.map((l) => (
              <tr key={l.position}>
                <th scope="row">
                  {l.name}
                  {l.code ? <span class="muted small"> RxNorm {l.code}</span> : null}
                </th>
                <td>{l.dose ?? ''}</td>
                <td>{l.route ?? ''}</td>
                <td>{l.frequency ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RecView(props: { rec: Reconciliation; writable: boolean; onResolve: (id: number) => void; onEdit: () => void; onComplete: () => void; onCancel: () => void }) {
  const r = props.rec;
  const inProgress = r.status === 'in_progress';
  return (
    <article class={`reconciliation${inProgress ? ' open' : ''}`} data-rec-id={r.id} aria-labelledby={`rec-${r.id}-h`}>
      <div class="tab-head">
        <h4 id={`rec-${r.id}-h`}>
          Reconciliation #{r.id} · from the {(REC_SOURCE_LABELS[r.source] ?? humanize(r.source)).toLowerCase()}
        </h4>
        <span class={`badge rec-${r.status}${r.status === 'completed' ? ' ok' : ''}`}>{inProgress ? 'In progress' : r.status === 'cancelled' ? 'Cancelled' : 'Completed'}</span>
      </div>
      <p class="small">
        Started {dateTime(r.created_at)}
        {r.completed_at ? ` · completed ${dateTime(r.completed_at)}` : ''}
        {r.completed_at ? (r.medication_list_updated ? ' · the medication list was updated' : ' · the medication list was left as it was') : ''}
        {r.cancelled_at ? ` · cancelled ${dateTime(r.cancelled_at)}${r.cancel_reason ? `: ${r.cancel_reason}` : ''}` : ''}
      </p>
      {r.note ? <p>{r.note}</p> : null}
      <div class="grid2 med-lists">
        <MedTable id={`rec-${r.id}-before`} title="Before admission" lines={r.before_admission} />
        <MedTable id={`rec-${r.id}-after`} title="Discharge list" lines={r.discharge_medications} />
      </div>
      <h4>
        Discrepancies {r.discrepancies.length ? <span class="muted small">({r.unresolved} of {r.discrepancies.length} not resolved)</span> : null}
      </h4>
      {r.discrepancies.length === 0 ? <p class="empty">None: the lists agree.</p> : null}
      <ul class="discrepancies plain">
        {r.discrepancies.map((x) => (
          <li key={x.id} class={`discrepancy${x.resolution ? ' resolved' : ''}`} data-discrepancy-id={x.id} data-kind={x.kind}>
            <div>
              <strong>{x.medication}</strong> — <span class="dkind">{discrepancyLabel(x.kind)}</span>
              <span class="muted small"> ({x.detail})</span>
            </div>
            {x.resolution ? (
              <p class="small resolution">
                <span class="badge ok">{RESOLUTION_LABELS[x.resolution] ?? humanize(x.resolution)}</span> with {x.resolved_with}
                {x.resolution_note ? `: ${x.resolution_note}` : ''}
                {x.resolved_at ? <span class="muted"> · {dateTime(x.resolved_at)}</span> : null}
              </p>
            ) : (
              <p class="small unresolved">Not resolved yet.</p>
            )}
            {props.writable && inProgress ? (
              <button type="button" onClick={() => props.onResolve(x.id)} aria-label={`${x.resolution ? 'Change resolution' : 'Resolve'}: ${x.medication}, ${discrepancyLabel(x.kind)}`}>
                {x.resolution ? 'Change resolution' : 'Resolve'}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {props.writable && inProgress ? (
        <div class="actions">
          <button type="button" onClick={props.onEdit}>
            Edit discharge list
          </button>
          <button type="button" class="primary" onClick={props.onComplete}>
            Complete reconciliation
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel reconciliation
          </button>
        </div>
      ) : null}
    </article>
  );
}

function TrcView(props: { trc: TransitionsOfCare; writable: boolean; onRecord: (c: string) => void; onRetract: (c: string, id: number) => void }) {
  const t = props.trc;
  const today = useSession().today();
  return (
    <section class="trc" aria-labelledby="trc-h">
      <div class="tab-head">
        <h3 id="trc-h">Transitions of care (HEDIS TRC)</h3>
        <span class={`badge trc-${t.status}${t.status === 'met' ? ' ok' : t.status === 'not_met' ? ' status-denied' : ''}`}>Overall: {TRC_STATUS_LABELS[t.status] ?? t.status}</span>
      </div>
      {t.superseded_by ? (
        <p class="small notice">Another stay followed within 30 days (encounter #{t.superseded_by}): HEDIS counts only the last discharge.</p>
      ) : null}
      <table class="results trc-components">
        <caption class="sr-only">The four TRC components of this stay</caption>
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Status</th>
            <th scope="col">Window</th>
            <th scope="col">Date</th>
            <th scope="col">Source</th>
            <th scope="col">Who</th>
            {props.writable ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {t.components.map((c) => (
            <TrcRow key={c.component} c={c} today={today} writable={props.writable} onRecord={props.onRecord} onRetract={props.onRetract} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TrcRow(props: { c: TrcComponent; today: string; writable: boolean; onRecord: (c: string) => void; onRetract: (c: string, id: number) => void }) {
  const c = props.c;
  const label = TRC_COMPONENT_LABELS[c.component] ?? humanize(c.component);
  const state = trcStateText(c, props.today, dateOnly);
  return (
    <tr data-component={c.component} class={`trc-${c.status}`}>
      <th scope="row">{label}</th>
      <td>
        <span class={`badge trc-${c.status}${c.status === 'met' ? ' ok' : c.status === 'not_met' ? ' status-denied' : ''}`}>{TRC_STATUS_LABELS[c.status] ?? c.status}</span>
        <span class="small trc-state"> {state.replace(/^(Met|Not met|Pending)(: )?/, '')}</span>
        {c.outside_window_at ? <span class="small muted"> Evidence of {dateOnly(c.outside_window_at)} fell outside the window.</span> : null}
      </td>
      <td class="small">
        {c.window_from && c.due ? (
          <>
            {c.window_from} to {c.due}
          </>
        ) : (
          <span class="muted">Opens at discharge</span>
        )}
        <span class="muted"> ({TRC_WINDOWS[c.component] ?? ''})</span>
      </td>
      <td>{c.at ? dateTime(c.at) : ''}</td>
      <td>{trcSourceLabel(c.source)}</td>
      <td>{c.by ?? ''}</td>
      {props.writable ? (
        <td class="row-actions">
          {canRecordByHand(c, props.today) ? (
            <button type="button" onClick={() => props.onRecord(c.component)} aria-label={`Record by hand: ${label}`}>
              Record by hand
            </button>
          ) : null}
          {c.source === 'documented' && c.ref_id ? (
            <button type="button" onClick={() => props.onRetract(c.component, c.ref_id as number)} aria-label={`Retract the record by hand: ${label}`}>
              Retract
            </button>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

// ---- dialogs ----

function PlanDialog(props: {
  encounterId: number;
  caseId: number | null;
  admitted: string;
  plan: DischargePlan | null;
  onClose: () => void;
  onDone: (message: string) => void;
  onStale: () => void;
}) {
  const p = props.plan;
  const [f, setF] = useState({ expected: p?.expected_discharge_date ?? '', disposition: p?.disposition ?? 'home', note: p?.note ?? '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (!p) {
        const body: Record<string, unknown> = { disposition: f.disposition };
        if (f.expected) body.expected_discharge_date = f.expected;
        if (props.caseId) body.case_id = props.caseId;
        if (f.note.trim()) body.note = f.note.trim();
        const out = await api.createDischargePlan(props.encounterId, body);
        props.onDone(`Discharge plan created: ${readinessText(out.readiness).short}.`);
      } else {
        const body: Record<string, unknown> = { version: p.version };
        if (f.disposition !== p.disposition) body.disposition = f.disposition;
        if (f.expected !== (p.expected_discharge_date ?? '')) body.expected_discharge_date = f.expected || null;
        if (f.note.trim() !== (p.note ?? '')) body.note = f.note.trim() || null;
        if (Object.keys(body).length === 1) {
          setError(new ApiError(400, { error: 'Nothing has changed' }));
          return;
        }
        const out = await api.changeDischargePlan(p.id, body);
        props.onDone(`Discharge plan saved: ${dispositionLabel(out.disposition)}, ${readinessText(out.readiness).short}.`);
      }
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={p ? 'Change the discharge plan' : 'Create a discharge plan'} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="discharge plan" />
        <div class="grid2">
          <Field id="plan-expected" label="Expected discharge date" hint={`Not before the admission (${dateOnly(props.admitted)})`} error={fieldError(error, 'expected_discharge_date')}>
            {(x) => <input {...x} type="date" min={dateOnly(props.admitted)} value={f.expected} onInput={(e) => setF({ ...f, expected: e.currentTarget.value })} />}
          </Field>
          <Field id="plan-disposition" label="Going to (disposition)" error={fieldError(error, 'disposition', 'Disposition aimed for')}>
            {(x) => (
              <select {...x} value={f.disposition} onChange={(e) => setF({ ...f, disposition: e.currentTarget.value })}>
                {PLAN_DISPOSITIONS.map((d) => (
                  <option key={d} value={d}>
                    {dispositionLabel(d)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <p class="small muted">
          Items that do not apply to the disposition are marked so by default (a skilled nursing facility provides equipment, transport and follow-up); a change of disposition moves
          the defaults, never what a person decided.
        </p>
        <Field id="plan-note" label="Note" error={fieldError(error, 'note')}>
          {(x) => <textarea {...x} rows={2} value={f.note} onInput={(e) => setF({ ...f, note: e.currentTarget.value })} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {p ? 'Save plan' : 'Create plan'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ItemDialog(props: { plan: DischargePlan; item: ChecklistItem; staff: StaffMember[]; onClose: () => void; onDone: (m: string) => void; onStale: () => void }) {
  const i = props.item;
  const label = itemLabel(i.item);
  const [f, setF] = useState<ItemForm>(itemForm(i));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body = itemPatch(i, f);
    if (!body) {
      setError(new ApiError(400, { error: 'Nothing has changed' }));
      return;
    }
    setBusy(true);
    try {
      const out = await api.changeChecklistItem(props.plan.id, i.item, { ...body, version: props.plan.version });
      const now = out.items.find((x) => x.item === i.item);
      props.onDone(`${label}: ${(ITEM_STATUS_LABELS[now?.status ?? ''] ?? '').toLowerCase()}. Discharge plan ${readinessText(out.readiness).short}.`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    } finally {
      setBusy(false);
    }
  };
  const staff = props.staff.filter((s) => s.role === 'case_manager' || s.role === 'supervisor');
  return (
    <Dialog title={`Checklist: ${label}`} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="discharge plan" />
        <fieldset class="radios">
          <legend>Status</legend>
          <div class="options">
            {ITEM_STATUSES.map((s) => (
              <label key={s}>
                <input type="radio" name="item-status" checked={f.status === s} onChange={() => setF({ ...f, status: s })} /> {ITEM_STATUS_LABELS[s]}
              </label>
            ))}
          </div>
        </fieldset>
        {f.status === 'not_applicable' ? (
          <Field id="item-na" label="Why it does not apply" hint="Required" error={fieldError(error, 'not_applicable_reason')}>
            {(x) => <textarea {...x} rows={2} value={f.not_applicable_reason} onInput={(e) => setF({ ...f, not_applicable_reason: e.currentTarget.value })} />}
          </Field>
        ) : null}
        <fieldset class="radios">
          <legend>Responsible</legend>
          <div class="options">
            <label>
              <input type="radio" name="item-who" checked={f.who === 'none'} onChange={() => setF({ ...f, who: 'none' })} /> Nobody named
            </label>
            <label>
              <input type="radio" name="item-who" checked={f.who === 'user'} onChange={() => setF({ ...f, who: 'user' })} /> A member of the team
            </label>
            <label>
              <input type="radio" name="item-who" checked={f.who === 'outside'} onChange={() => setF({ ...f, who: 'outside' })} /> Someone outside (hospital, family, agency)
            </label>
          </div>
        </fieldset>
        {f.who === 'user' ? (
          <Field id="item-user" label="Team member" error={fieldError(error, 'responsible_user_id')}>
            {(x) => (
              <select {...x} value={f.user_id} onChange={(e) => setF({ ...f, user_id: e.currentTarget.value })}>
                <option value="">Choose…</option>
                {staff.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.display_name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {f.who === 'outside' ? (
          <div class="grid2">
            <Field id="item-name" label="Name" error={fieldError(error, 'responsible_name')}>
              {(x) => <input {...x} value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} />}
            </Field>
            <Field id="item-role" label="Role" hint="e.g. hospital discharge planner" error={fieldError(error, 'responsible_role')}>
              {(x) => <input {...x} value={f.role} onInput={(e) => setF({ ...f, role: e.currentTarget.value })} />}
            </Field>
          </div>
        ) : null}
        <Field id="item-note" label="Note" error={fieldError(error, 'note')}>
          {(x) => <textarea {...x} rows={2} value={f.note} onInput={(e) => setF({ ...f, note: e.currentTarget.value })} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Save item
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function rowsOf(lines: { name: string; dose: string | null; route: string | null; frequency: string | null; code?: string | null }[]): MedRow[] {
  return lines.map((l) => ({ name: l.name, dose: l.dose ?? '', route: l.route ?? '', frequency: l.frequency ?? '', code: l.code ?? '' }));
}

function MedListDialog(props: { encounterId: number; rec: Reconciliation | null; meds: Medication[]; onClose: () => void; onDone: (m: string) => void; onStale: () => void }) {
  const r = props.rec;
  const [rows, setRows] = useState<MedRow[]>(r ? rowsOf(r.discharge_medications) : [emptyMedRow()]);
  const [source, setSource] = useState(r?.source ?? 'discharge_summary');
  const [note, setNote] = useState(r?.note ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const active = props.meds.filter((m) => m.status === 'active' || m.status === 'on_hold');
  const set = (n: number, k: keyof MedRow, v: string) => setRows(rows.map((row, i) => (i === n ? { ...row, [k]: v } : row)));
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const lines = medicationLines(rows);
      if (!r) {
        const body: Record<string, unknown> = { discharge_medications: lines, source };
        if (note.trim()) body.note = note.trim();
        const out = await api.startReconciliation(props.encounterId, body);
        props.onDone(`Medication reconciliation started: ${out.discrepancies.length} discrepanc${out.discrepancies.length === 1 ? 'y' : 'ies'} to resolve.`);
      } else {
        const body: Record<string, unknown> = { version: r.version, discharge_medications: lines };
        if (source !== r.source) body.source = source;
        if (note.trim() !== (r.note ?? '')) body.note = note.trim() || null;
        const out = await api.changeReconciliation(r.id, body);
        props.onDone(`Discharge list saved: ${out.unresolved} discrepanc${out.unresolved === 1 ? 'y' : 'ies'} not resolved.`);
      }
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    } finally {
      setBusy(false);
    }
  };
  const rowError = (n: number, k: string) => (error instanceof ApiError && error.field === `discharge_medications[${n}].${k}` ? `${medFieldLabel(error.field)}: ${error.message}` : null);
  const listError = error instanceof ApiError && error.field === 'discharge_medications' ? `Discharge medications: ${error.message}` : null;
  return (
    <Dialog title={r ? 'Edit the discharge list' : 'Start medication reconciliation'} onClose={props.onClose} wide>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="medication reconciliation" />
        <p class="small">
          The medications taken before admission are copied from the patient's list by the server. Enter the discharge list as the {r ? 'source' : 'hospital'} gives it; the
          discrepancies are found when you save.
        </p>
        <Field id="rec-source" label="Source of the discharge list" error={fieldError(error, 'source')}>
          {(x) => (
            <select {...x} value={source} onChange={(e) => setSource(e.currentTarget.value)}>
              {REC_SOURCES.map((s) => (
                <option key={s} value={s}>
                  {REC_SOURCE_LABELS[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {!r && active.length ? (
          <p class="small">
            <button type="button" class="link" onClick={() => setRows(rowsOf(active.map((m) => ({ ...m, code: null }))))}>
              Start from the current medication list
            </button>{' '}
            ({active.length} active), then change what the discharge list changes.
          </p>
        ) : null}
        {listError ? (
          <p class="field-error" role="alert">
            {listError}
          </p>
        ) : null}
        {rows.map((row, n) => (
          <fieldset key={n} class="med-row" aria-label={`Discharge medication ${n + 1}`}>
            <legend>Discharge medication {n + 1}</legend>
            <div class="grid4">
              <Field id={`med-${n}-name`} label="Name" error={rowError(n, 'name')}>
                {(x) => <input {...x} value={row.name} onInput={(e) => set(n, 'name', e.currentTarget.value)} />}
              </Field>
              <Field id={`med-${n}-dose`} label="Dose" error={rowError(n, 'dose')}>
                {(x) => <input {...x} value={row.dose} onInput={(e) => set(n, 'dose', e.currentTarget.value)} />}
              </Field>
              <Field id={`med-${n}-route`} label="Route" error={rowError(n, 'route')}>
                {(x) => <input {...x} value={row.route} onInput={(e) => set(n, 'route', e.currentTarget.value)} />}
              </Field>
              <Field id={`med-${n}-frequency`} label="How often" error={rowError(n, 'frequency')}>
                {(x) => <input {...x} value={row.frequency} onInput={(e) => set(n, 'frequency', e.currentTarget.value)} />}
              </Field>
            </div>
            <div class="med-row-foot">
              <Field id={`med-${n}-code`} label="RxNorm code (optional)" error={rowError(n, 'code')}>
                {(x) => <input {...x} inputMode="numeric" value={row.code} onInput={(e) => set(n, 'code', e.currentTarget.value)} />}
              </Field>
              <button type="button" onClick={() => setRows(rows.filter((_, i) => i !== n))} aria-label={`Remove discharge medication ${n + 1}${row.name ? ` (${row.name})` : ''}`}>
                Remove
              </button>
            </div>
          </fieldset>
        ))}
        <button type="button" onClick={() => setRows([...rows, emptyMedRow()])}>
          Add a medication
        </button>
        <Field id="rec-note" label="Note" error={fieldError(error, 'note')}>
          {(x) => <textarea {...x} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {r ? 'Save discharge list' : 'Start reconciliation'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ResolveDialog(props: { rec: Reconciliation; discrepancy: Discrepancy | null; onClose: () => void; onDone: (m: string) => void; onStale: () => void }) {
  const x = props.discrepancy;
  const [f, setF] = useState({ resolution: x?.resolution ?? '', with: x?.resolved_with ?? '', note: x?.resolution_note ?? '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!x) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const body: Record<string, unknown> = { version: props.rec.version };
    if (f.resolution) body.resolution = f.resolution;
    if (f.with.trim()) body.resolved_with = f.with.trim();
    if (f.note.trim()) body.note = f.note.trim();
    try {
      const out = await api.resolveDiscrepancy(props.rec.id, x.id, body);
      props.onDone(`${x.medication}: ${(RESOLUTION_LABELS[f.resolution] ?? f.resolution).toLowerCase()}. ${out.unresolved} discrepanc${out.unresolved === 1 ? 'y' : 'ies'} left.`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    } finally {
      setBusy(false);
    }
  };
  const resErr = fieldError(error, 'resolution');
  return (
    <Dialog title="Resolve a discrepancy" onClose={props.onClose}>
      <p class="dialog-subject">
        {x.medication} — {discrepancyLabel(x.kind)} ({x.detail})
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="medication reconciliation" labels={{ resolved_with: 'Resolved with whom' }} />
        <fieldset class={`radios${resErr ? ' invalid' : ''}`} aria-describedby={resErr ? 'res-error' : undefined}>
          <legend>Resolution</legend>
          <div class="options">
            {RESOLUTIONS.map((r) => (
              <label key={r}>
                <input type="radio" name="resolution" checked={f.resolution === r} onChange={() => setF({ ...f, resolution: r })} /> {RESOLUTION_LABELS[r]}
              </label>
            ))}
          </div>
          {resErr ? (
            <span class="field-error" id="res-error">
              {resErr}
            </span>
          ) : null}
        </fieldset>
        {f.resolution ? <p class="small effect">If the medication list is updated: {resolutionEffect(x.kind, f.resolution)}</p> : null}
        <Field id="res-with" label="Resolved with whom" hint="The prescriber, pharmacist, patient or caregiver you confirmed it with" error={fieldError(error, 'resolved_with', 'Resolved with whom')}>
          {(a) => <input {...a} value={f.with} onInput={(e) => setF({ ...f, with: e.currentTarget.value })} />}
        </Field>
        <Field id="res-note" label="Note" error={fieldError(error, 'note')}>
          {(a) => <textarea {...a} rows={2} value={f.note} onInput={(e) => setF({ ...f, note: e.currentTarget.value })} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Save resolution
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function CompleteDialog(props: { rec: Reconciliation; onClose: () => void; onDone: (m: string) => void; onStale: () => void }) {
  const r = props.rec;
  const [update, setUpdate] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const out = await api.completeReconciliation(r.id, { version: r.version, update_medication_list: update });
      props.onDone(`Reconciliation #${out.id} completed${out.medication_list_updated ? '; the medication list is the reconciled one' : ''}.`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Complete the reconciliation" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="medication reconciliation" labels={{ discrepancies: 'Discrepancies' }} />
        {r.unresolved ? (
          <p class="notice">
            {r.unresolved} discrepanc{r.unresolved === 1 ? 'y is' : 'ies are'} not resolved yet: the server refuses to complete until each is.
          </p>
        ) : null}
        <p class="small">Completing dates the TRC medication reconciliation, ticks off the checklist item and closes the patient's open reconciliation tasks of this stay.</p>
        <label class="check">
          <input type="checkbox" checked={update} onChange={(e) => setUpdate(e.currentTarget.checked)} /> Update the medication list (the patient's list becomes the reconciled one)
        </label>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Complete
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Cancel a reconciliation in progress, for a reason: its lists stay on record and a new one may start. */
function CancelRecDialog(props: { rec: Reconciliation; onClose: () => void; onDone: (m: string) => void; onStale: () => void }) {
  const r = props.rec;
  const [reason, setReason] = useState('');
  return (
    <FormDialog
      title="Cancel the reconciliation"
      subject={`Reconciliation #${r.id}`}
      submitLabel="Cancel reconciliation"
      what="medication reconciliation"
      onClose={props.onClose}
      onSubmit={async () => {
        try {
          const out = await api.cancelReconciliation(r.id, { version: r.version, reason: reason.trim() });
          props.onDone(`Reconciliation #${out.id} cancelled; a new one may be started.`);
        } catch (err) {
          if (err instanceof ApiError && err.isStale) props.onStale();
          throw err;
        }
      }}
    >
      {(error) => (
        <>
          <p class="small">Its lists and resolutions stay on record; the medication list, the checklist item and the reconciliation tasks are left as they are.</p>
          <Field id="rec-cancel-reason" label="Why" hint="e.g. started on the wrong stay, or the discharge summary has arrived" error={fieldError(error, 'reason')}>
            {(a) => <textarea {...a} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />}
          </Field>
        </>
      )}
    </FormDialog>
  );
}

function TrcDialog(props: { encounterId: number; component: string; onClose: () => void; onDone: (m: string) => void }) {
  const label = TRC_COMPONENT_LABELS[props.component] ?? props.component;
  // When, on the organisation's clock (never the browser's zone): now there by default.
  const zone = useSession().org.time_zone;
  const [f, setF] = useState(() => ({ at: zoneNowLocal(zone, Date.now()) ?? '', by: '', note: '' }));
  const submit = async () => {
    const body: Record<string, unknown> = { component: props.component };
    if (f.at.trim()) {
      const at = zoneLocalToIso(f.at, zone);
      if (!at) throw new ApiError(400, { error: 'is not a date and time', field: 'occurred_at' });
      body.occurred_at = at;
    }
    if (f.by.trim()) body.performed_by = f.by.trim();
    if (f.note.trim()) body.note = f.note.trim();
    const out = await api.recordTrc(props.encounterId, body);
    const now = out.components.find((c) => c.component === props.component);
    props.onDone(`${label}: recorded by hand; ${(TRC_STATUS_LABELS[now?.status ?? ''] ?? '').toLowerCase()}.`);
  };
  return (
    <FormDialog title="Record by hand" subject={label} submitLabel="Record" onClose={props.onClose} onSubmit={submit}>
      {(error) => (
        <>
          <p class="small">For what casekeeper cannot see: a call from the hospital, a summary by fax, a visit to the primary care provider. It counts when it falls in the window.</p>
          <Field id="trc-at" label="When" hint={`On the organisation's clock (${zone})`} error={fieldError(error, 'occurred_at')}>
            {(x) => <input {...x} type="datetime-local" max={zoneNowLocal(zone, Date.now()) ?? undefined} value={f.at} onInput={(e) => setF({ ...f, at: e.currentTarget.value })} />}
          </Field>
          <Field id="trc-by" label="Who did it" hint="Leave empty when it was you" error={fieldError(error, 'performed_by')}>
            {(x) => <input {...x} value={f.by} onInput={(e) => setF({ ...f, by: e.currentTarget.value })} />}
          </Field>
          <Field id="trc-note" label="Note" error={fieldError(error, 'note')}>
            {(x) => <textarea {...x} rows={2} value={f.note} onInput={(e) => setF({ ...f, note: e.currentTarget.value })} />}
          </Field>
        </>
      )}
    </FormDialog>
  );
}

function RetractDialog(props: { component: string; documentationId: number; onClose: () => void; onDone: (m: string) => void }) {
  const label = TRC_COMPONENT_LABELS[props.component] ?? props.component;
  const [reason, setReason] = useState('');
  const submit = async () => {
    await api.retractTrc(props.documentationId, reason.trim());
    props.onDone(`${label}: the record by hand is retracted.`);
  };
  return (
    <FormDialog title="Retract a record by hand" subject={label} submitLabel="Retract" labels={{ reason: 'Why it is retracted' }} onClose={props.onClose} onSubmit={submit}>
      {(error) => (
        <>
          <p class="small">A wrong record is retracted with a reason, never deleted.</p>
          <Field id="retract-reason" label="Why it is retracted" error={fieldError(error, 'reason', 'Why it is retracted')}>
            {(x) => <textarea {...x} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
          </Field>
        </>
      )}
    </FormDialog>
  );
}

function PlannedDialog(props: { encounterId: number; planned: boolean; onClose: () => void; onDone: (m: string) => void }) {
  const [planned, setPlanned] = useState(!props.planned);
  const [reason, setReason] = useState('');
  const submit = async () => {
    const s = await api.setPlannedAdmission(props.encounterId, { planned, reason: reason.trim() });
    props.onDone(`The admission is ${s.planned ? 'planned' : 'not planned'}${readmissionText(s.readmission) ? `: ${readmissionText(s.readmission)}` : ''}.`);
  };
  return (
    <FormDialog title="Planned admission" submitLabel="Save" labels={{ reason: 'Why' }} onClose={props.onClose} onSubmit={submit}>
      {(error) => (
        <>
          <p class="small">A planned readmission is flagged but not counted in the 30-day readmission rate. Elective admissions are planned unless a person says otherwise.</p>
          <fieldset class="radios">
            <legend>Was this admission planned?</legend>
            <div class="options">
              <label>
                <input type="radio" name="planned" checked={planned} onChange={() => setPlanned(true)} /> Planned
              </label>
              <label>
                <input type="radio" name="planned" checked={!planned} onChange={() => setPlanned(false)} /> Not planned
              </label>
            </div>
          </fieldset>
          <Field id="planned-reason" label="Why" error={fieldError(error, 'reason', 'Why')}>
            {(x) => <textarea {...x} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
          </Field>
        </>
      )}
    </FormDialog>
  );
}

function AdherenceDialog(props: { patientId: number; meds: Medication[]; onClose: () => void; onDone: (a: AdherenceCheck) => void }) {
  const { today } = useSession();
  const [f, setF] = useState(() => ({ method: 'patient_reported', checked_on: today(), result: 'adherent', medication: '', note: '' }));
  const [error, setError] = useState<unknown>(null);
  const needNote = adherenceNoteRequired(f.result);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { method: f.method, checked_on: f.checked_on, result: f.result };
    if (f.medication) body.medication = f.medication;
    if (f.note.trim()) body.note = f.note.trim();
    try {
      props.onDone(await api.addAdherenceCheck(props.patientId, body));
    } catch (err) {
      setError(err);
    }
  };
  const active = props.meds.filter((m) => m.status === 'active' || m.status === 'on_hold');
  return (
    <Dialog title="Add an adherence check" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <div class="grid2">
          <Field id="adh-method" label="How it was checked" error={fieldError(error, 'method')}>
            {(x) => (
              <select {...x} value={f.method} onChange={(e) => setF({ ...f, method: e.currentTarget.value })}>
                {Object.entries(ADHERENCE_METHODS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="adh-date" label="Checked on" error={fieldError(error, 'checked_on')}>
            {(x) => <input {...x} type="date" max={today()} value={f.checked_on} onInput={(e) => setF({ ...f, checked_on: e.currentTarget.value })} />}
          </Field>
        </div>
        <fieldset class="radios">
          <legend>Result</legend>
          <div class="options">
            {Object.entries(ADHERENCE_RESULTS).map(([k, v]) => (
              <label key={k}>
                <input type="radio" name="adh-result" checked={f.result === k} onChange={() => setF({ ...f, result: k })} /> {v}
              </label>
            ))}
          </div>
        </fieldset>
        <Field id="adh-med" label="Medication" hint="Leave as all medications for a check of the whole list" error={fieldError(error, 'medication')}>
          {(x) => (
            <select {...x} value={f.medication} onChange={(e) => setF({ ...f, medication: e.currentTarget.value })}>
              <option value="">All medications</option>
              {active.map((m) => (
                <option key={m.id} value={m.name}>
                  {m.name}
                  {m.dose ? ` ${m.dose}` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="adh-note" label="Note" hint={needNote ? 'Required: what is missed and why' : undefined} error={fieldError(error, 'note')}>
          {(x) => <textarea {...x} rows={2} value={f.note} onInput={(e) => setF({ ...f, note: e.currentTarget.value })} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            Save check
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
