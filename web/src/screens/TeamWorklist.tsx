// The supervisor's team worklist: new referrals waiting for a case manager
// (GET /cases?unassigned=true: program, urgency, source and triage due) with
// their triage countdowns and *Assign*, the caseloads, and the team's ranked
// items.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Case, type Caseload } from '../api';
import { isSnoozed } from '../lib/snooze';
import { dateTime } from '../lib/format';
import { REFERRAL_SOURCES, labelOf, triageClock, urgencyLabel, waitingReferrals } from '../lib/intake';
import { programName } from '../lib/organisation';
import { nameOf } from '../patients';
import { useSession } from '../session';
import { ErrorMessage, Link } from '../components/ui';
import { AssignDialog } from '../components/intake';
import { Worklist, useWorklist } from '../components/Worklist';

/** How many waiting referrals to ask for (the server's most). */
const REFERRAL_LIMIT = 200;

export function TeamWorklist() {
  const wl = useWorklist((includeSnoozed) => api.teamWorklist(200, includeSnoozed));
  const items = wl.items;
  const [caseloads, setCaseloads] = useState<Caseload[]>([]);
  const [caseloadError, setCaseloadError] = useState<unknown>(null);
  const [referrals, setReferrals] = useState<Case[] | null>(null);
  const [referralsError, setReferralsError] = useState<unknown>(null);
  const [assigning, setAssigning] = useState<Case | null>(null);
  const [status, setStatus] = useState('');
  const [allReferrals, setAllReferrals] = useState(false);
  const { org } = useSession();
  const loadReferrals = useCallback(() => {
    api.unassignedCases(REFERRAL_LIMIT).then(
      (r) => {
        setReferrals(r.items);
        setReferralsError(null);
      },
      setReferralsError,
    );
  }, []);
  const loadCaseloads = useCallback(() => {
    api.caseloads().then((r) => setCaseloads(r.items), setCaseloadError);
  }, []);
  useEffect(() => {
    document.title = 'Team worklist — casekeeper';
    loadReferrals();
    loadCaseloads();
  }, []);
  const owners = useMemo(() => new Map(caseloads.map((c) => [c.user_id, c.display_name])), [caseloads]);
  const openByOwner = useMemo(() => {
    const m = new Map<number, number>();
    // Items a snooze hides are not on anyone's list (they are listed when *Show snoozed* is on).
    for (const it of items ?? []) if (it.owner_user_id && !isSnoozed(it)) m.set(it.owner_user_id, (m.get(it.owner_user_id) ?? 0) + 1);
    return m;
  }, [items]);
  const waiting = useMemo(() => waitingReferrals(referrals ?? []), [referrals]);
  // The soonest first; a long list shows its first ten until asked for all.
  const FIRST = 10;
  const shown = allReferrals ? waiting : waiting.slice(0, FIRST);
  // The triage list names its patients (nobody on the team may have them yet).
  const nameFor = (c: Case) => c.patient_name ?? nameOf(c.patient_id);

  return (
    <section>
      <div class="screen-head">
        <h1 tabIndex={-1}>Team worklist</h1>
        <p class="muted">Everything the team has to do, ranked, with unassigned referrals awaiting triage.</p>
      </div>
      <p class="sr-status" role="status">
        {status}
      </p>
      <section class="card triage" aria-labelledby="triage-h">
        <h2 id="triage-h" tabIndex={-1}>Referrals waiting for a case manager</h2>
        <ErrorMessage error={referralsError} />
        {referrals === null && !referralsError ? <p class="loading">Loading the referrals…</p> : null}
        {referrals !== null && waiting.length === 0 ? <p class="empty">No referral is waiting for assignment.</p> : null}
        {waiting.length ? (
          <div class="table-scroll" role="region" aria-labelledby="triage-h" tabIndex={0}>
            <table class="results triage-table">
              <caption class="sr-only">
                {waiting.length}
                {referrals && referrals.length >= REFERRAL_LIMIT ? ' or more' : ''} unassigned referrals, the soonest triage due first
                {shown.length < waiting.length ? `; the first ${shown.length} shown` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Referral</th>
                  <th scope="col">Urgency</th>
                  <th scope="col">Triage</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((c) => {
                  const clock = triageClock(c.triage_due_at);
                  return (
                    <tr key={c.id} data-case-id={c.id} class={clock?.overdue ? 'overdue-row' : ''}>
                      <th scope="row">
                        <Link href={`/patients/${c.patient_id}?case=${c.id}`}>{nameFor(c)}</Link>
                      </th>
                      <td>
                        <span class="block">
                          <strong>{programName(org.programs, c.program)}</strong>
                          {c.referral_source ? <span class="muted small"> · from {labelOf(REFERRAL_SOURCES, c.referral_source).toLowerCase()}</span> : null}
                        </span>
                        <span class="small">{c.referral_reason}</span>
                      </td>
                      <td>
                        <span class={c.urgency === 'routine' ? 'badge' : 'badge warn'}>{urgencyLabel(c.urgency)}</span>
                      </td>
                      <td>
                        {clock ? (
                          <span class={clock.overdue ? 'deadline overdue' : clock.soon ? 'deadline soon' : 'deadline'}>
                            <time dateTime={c.triage_due_at}>{clock.text}</time>
                            <span class="muted small rule">{dateTime(c.triage_due_at)}</span>
                          </span>
                        ) : null}
                      </td>
                      <td class="row-actions">
                        <button type="button" aria-haspopup="dialog" aria-label={`Assign ${nameFor(c)}`} onClick={() => setAssigning(c)}>
                          Assign
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
        {waiting.length > FIRST ? (
          <div class="actions">
            <button type="button" aria-expanded={allReferrals} onClick={() => setAllReferrals(!allReferrals)}>
              {allReferrals ? `Show the first ${FIRST} only` : `Show all ${waiting.length} referrals`}
            </button>
          </div>
        ) : null}
      </section>
      <ErrorMessage error={caseloadError} />
      {caseloads.length ? (
        <table class="caseloads">
          <caption>Caseloads</caption>
          <thead>
            <tr>
              <th scope="col">Case manager</th>
              <th scope="col">Open cases</th>
              <th scope="col">Acuity-weighted load</th>
              <th scope="col">Worklist items</th>
            </tr>
          </thead>
          <tbody>
            {caseloads.map((c) => (
              <tr key={c.user_id}>
                <th scope="row">{c.display_name}</th>
                <td>{c.open_cases}</td>
                <td>{c.acuity_weighted_load}</td>
                <td>{openByOwner.get(c.user_id) ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Worklist {...wl} owners={owners} />
      {assigning ? (
        <AssignDialog
          caseId={assigning.id}
          subject={nameFor(assigning)}
          onClose={() => setAssigning(null)}
          onDone={(_c, name) => {
            setStatus(`${nameFor(assigning)} assigned to ${name}.`);
            setAssigning(null);
            loadReferrals();
            wl.reload();
            loadCaseloads();
            // The row (and its button) leaves the list: keep the focus in the section.
            requestAnimationFrame(() => document.getElementById('triage-h')?.focus());
          }}
        />
      ) : null}
    </section>
  );
}
