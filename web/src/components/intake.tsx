// Intake and assignment: a new patient (POST /patients), a new referral that
// opens a case (POST /patients/{id}/cases; the server computes the triage due
// time) and assigning a case to a case manager of the supervisor's team
// (POST /cases/{id}/assignment, the load of each shown beside the name).
// Server errors land on their field, as in every other form.
import { useEffect, useState } from 'preact/hooks';
import { api, type Case, type CaseDetail, type Caseload, type Patient, type StaffMember } from '../api';
import { ApiError } from '../lib/errors';
import { dateTime, humanize } from '../lib/format';
import {
  CONTACT_METHODS,
  ETHNICITIES,
  GENDER_IDENTITIES,
  IDENTIFIER_KINDS,
  PHONE_USES,
  RACES,
  REFERRAL_SOURCES,
  SEXES,
  URGENCIES,
  assignees,
  emptyPatientForm,
  emptyReferralForm,
  labelOf,
  patientBody,
  patientFieldOf,
  referralBody,
  triageClock,
  type Choice,
  type PatientForm,
  type ReferralForm,
} from '../lib/intake';
import { programChoices, programName } from '../lib/organisation';
import { useSession } from '../session';
import { Dialog, ErrorMessage, Field, Loading, fieldError } from './ui';

const PATIENT_LABELS: Record<string, string> = {
  given_name: 'Given name',
  family_name: 'Family name',
  middle_name: 'Middle name',
  preferred_name: 'Preferred name',
  birth_date: 'Date of birth',
  administrative_sex: 'Sex',
  gender_identity: 'Gender identity',
  preferred_language: 'Preferred language',
  races: 'Race',
  ethnicity: 'Ethnicity',
  phones: 'Phone',
  email: 'Email',
  preferred_contact_method: 'Preferred contact method',
  address: 'Address',
  'address.line1': 'Street address',
  'address.line2': 'Address line 2',
  'address.city': 'City',
  'address.state': 'State',
  'address.postal_code': 'ZIP code',
  identifiers: 'Identifier',
};

const REFERRAL_LABELS: Record<string, string> = {
  program: 'Program',
  referral_source: 'Referral source',
  referral_reason: 'Reason for referral',
  urgency: 'Urgency',
};

function Select(props: { attrs: Record<string, unknown>; value: string; onChange: (v: string) => void; choices: Choice[]; empty?: string }) {
  return (
    <select {...props.attrs} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
      {props.empty !== undefined ? <option value="">{props.empty}</option> : null}
      {props.choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/**
 * A new patient: the required identity (names, date of birth, sex) and what
 * intake usually knows (language, contact, address, an identifier). On
 * success `onCreated` gets the patient (the caller offers the referral next).
 */
export function NewPatientDialog(props: { onClose: () => void; onCreated: (p: Patient) => void }) {
  const [f, setF] = useState<PatientForm>(emptyPatientForm);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof PatientForm>(k: K, v: PatientForm[K]) => setF((old) => ({ ...old, [k]: v }));
  const errorFor = (k: keyof PatientForm, label: string): string | null =>
    error instanceof ApiError && error.status < 500 && patientFieldOf(error.field) === k ? `${label}: ${error.message}` : null;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await api.createPatient(patientBody(f)));
    } catch (err) {
      setError(err);
      // Move to the field the server named, so it is read with its error.
      if (err instanceof ApiError) {
        const k = patientFieldOf(err.field);
        if (k) requestAnimationFrame(() => document.getElementById(`np-${k}`)?.focus());
      }
    } finally {
      setBusy(false);
    }
  };

  const text = (k: keyof PatientForm, label: string, opts: { hint?: string; type?: string; autoComplete?: string } = {}) => (
    <Field id={`np-${k}`} label={label} hint={opts.hint} error={errorFor(k, label)}>
      {(a) => (
        <input {...a} type={opts.type ?? 'text'} autoComplete={opts.autoComplete ?? 'off'} value={f[k] as string} onInput={(e) => set(k, e.currentTarget.value as never)} />
      )}
    </Field>
  );
  const select = (k: keyof PatientForm, label: string, choices: Choice[], empty?: string, hint?: string) => (
    <Field id={`np-${k}`} label={label} hint={hint} error={errorFor(k, label)}>
      {(a) => <Select attrs={a} value={f[k] as string} onChange={(v) => set(k, v as never)} choices={choices} empty={empty} />}
    </Field>
  );

  return (
    <Dialog title="New patient" onClose={props.onClose} wide>
      <form onSubmit={submit} noValidate class="intake-form">
        <p class="small muted">Fields marked “required” must be filled; everything else can be added later. Search first: a patient already known must not be entered twice.</p>
        <ErrorMessage error={error} labels={PATIENT_LABELS} />
        <fieldset>
          <legend>Identity</legend>
          <div class="grid2">
            {text('given_name', 'Given name', { hint: 'Required' })}
            {text('family_name', 'Family name', { hint: 'Required' })}
            {text('middle_name', 'Middle name')}
            {text('preferred_name', 'Preferred name', { hint: 'What the patient likes to be called' })}
            {text('birth_date', 'Date of birth', { hint: 'Required', type: 'date' })}
            {select('administrative_sex', 'Sex', SEXES, 'Choose…', 'Required: administrative sex')}
            {select('gender_identity', 'Gender identity', GENDER_IDENTITIES, 'Not recorded')}
            {select('ethnicity', 'Ethnicity', ETHNICITIES, 'Not recorded')}
          </div>
          <fieldset class="checks" aria-describedby={errorFor('races', 'Race') ? 'np-races-error' : undefined}>
            <legend>Race (any that apply)</legend>
            <div class="options">
              {RACES.map((r) => (
                <label key={r.value}>
                  <input
                    type="checkbox"
                    checked={f.races.includes(r.value)}
                    onChange={(e) => set('races', e.currentTarget.checked ? [...f.races, r.value] : f.races.filter((x) => x !== r.value))}
                  />
                  {r.label}
                </label>
              ))}
            </div>
            {errorFor('races', 'Race') ? (
              <span class="field-error" id="np-races-error">
                {errorFor('races', 'Race')}
              </span>
            ) : null}
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>Language and contact</legend>
          <div class="grid2">
            {text('preferred_language', 'Preferred language', { hint: 'A language tag: en, es, vi, zh-Hant' })}
            <div class="field">
              <label class="check">
                <input type="checkbox" checked={f.interpreter_needed} onChange={(e) => set('interpreter_needed', e.currentTarget.checked)} /> Needs an interpreter
              </label>
            </div>
            {text('phone', 'Phone', { hint: 'Any format; ten digits are a US number', type: 'tel' })}
            {select('phone_use', 'Phone type', PHONE_USES)}
            {text('email', 'Email', { type: 'email' })}
            {select('preferred_contact_method', 'Preferred contact method', CONTACT_METHODS, 'Not recorded')}
          </div>
        </fieldset>
        <fieldset>
          <legend>Home address</legend>
          <div class="grid2">
            {text('line1', 'Street address')}
            {text('line2', 'Address line 2')}
            {text('city', 'City')}
            {text('state', 'State', { hint: 'Two letters, such as OH' })}
            {text('postal_code', 'ZIP code')}
          </div>
        </fieldset>
        <fieldset>
          <legend>Identifier</legend>
          <div class="grid2">
            {select('identifier_kind', 'Identifier type', IDENTIFIER_KINDS)}
            {text('identifier_system', 'Issuer (system)', { hint: 'For example urn:mrn:riverside' })}
            {text('identifier_value', 'Identifier', { hint: 'The MRN or member id' })}
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Create patient'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * A new referral for a patient: program, source, reason and urgency; the
 * server opens the case in `referred` and computes when triage is due.
 * `created` says the patient was just created (the dialog says so and offers
 * to open the patient without a referral).
 */
export function NewReferralDialog(props: { patient: { id: number; name: string }; created?: boolean; onClose: () => void; onCreated: (c: Case) => void; onSkip?: () => void }) {
  const [f, setF] = useState<ReferralForm>(emptyReferralForm);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof ReferralForm>(k: K, v: ReferralForm[K]) => setF((old) => ({ ...old, [k]: v }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await api.createCase(props.patient.id, referralBody(f)));
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.field && err.field in REFERRAL_LABELS) requestAnimationFrame(() => document.getElementById(`nr-${err.field}`)?.focus());
    } finally {
      setBusy(false);
    }
  };
  const err = (k: keyof ReferralForm) => fieldError(error, k, REFERRAL_LABELS[k]);
  const { org } = useSession();
  const urgency = URGENCIES.find((u) => u.value === f.urgency);
  return (
    <Dialog title="New referral" onClose={props.onClose}>
      <p class="dialog-subject">{props.patient.name}</p>
      {props.created ? (
        <p class="sr-status" role="status">
          Patient created. Add the referral that brings them to case management.
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} labels={REFERRAL_LABELS} />
        <Field id="nr-program" label="Program" hint="Required" error={err('program')}>
          {(a) => <Select attrs={a} value={f.program} onChange={(v) => set('program', v)} choices={programChoices(org.programs)} empty="Choose…" />}
        </Field>
        <Field id="nr-referral_source" label="Referral source" hint="Required: who referred the patient" error={err('referral_source')}>
          {(a) => <Select attrs={a} value={f.referral_source} onChange={(v) => set('referral_source', v)} choices={REFERRAL_SOURCES} empty="Choose…" />}
        </Field>
        <Field id="nr-referral_reason" label="Reason for referral" hint="Required: what the referrer asks for" error={err('referral_reason')}>
          {(a) => <textarea {...a} rows={3} value={f.referral_reason} onInput={(e) => set('referral_reason', e.currentTarget.value)} />}
        </Field>
        <fieldset class="radios" aria-describedby="nr-urgency-hint">
          <legend>Urgency</legend>
          <div class="options">
            {URGENCIES.map((u) => (
              <label key={u.value}>
                <input type="radio" name="nr-urgency" value={u.value} checked={f.urgency === u.value} onChange={() => set('urgency', u.value)} />
                {u.label}
              </label>
            ))}
          </div>
          <span class="hint" id="nr-urgency-hint">
            {urgency ? `${urgency.label}: ${urgency.triage} (the server computes the due time, skipping weekends and holidays).` : ''}
          </span>
          {err('urgency') ? <span class="field-error">{err('urgency')}</span> : null}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Create referral'}
          </button>
          {props.onSkip ? (
            <button type="button" onClick={props.onSkip}>
              Open the patient without a referral
            </button>
          ) : (
            <button type="button" onClick={props.onClose}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}

/**
 * Assign (or reassign) a case to a case manager of the supervisor's team.
 * The case is read first (program, urgency, triage due, who has it); the
 * team's case managers come from the caseloads with their open cases and
 * acuity-weighted load, the lightest first. The reason is kept with the
 * assignment.
 */
export function AssignDialog(props: { caseId: number; subject: string; onClose: () => void; onDone: (c: Case, name: string) => void }) {
  const [k, setK] = useState<CaseDetail | null>(null);
  const [loads, setLoads] = useState<Caseload[] | null>(null);
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [userId, setUserId] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { org } = useSession();
  // The case as read (its version goes with the assignment) and the team's loads.
  const read = () =>
    Promise.all([api.caseDetail(props.caseId), api.caseloads()]).then(([c, l]) => {
      setK(c);
      setLoads(l.items);
      // A choice that has meanwhile become who has the case is no choice.
      setUserId((u) => (u !== null && u === c.assigned_user_id ? null : u));
    }, setLoadError);
  useEffect(() => {
    read();
    api.staff().then((r) => setStaff(r.items), () => undefined);
  }, [props.caseId]);

  const choices = loads ? assignees(loads, k?.assigned_user_id ?? null) : [];
  const currentName = k?.assigned_user_id ? (staff.find((s) => s.id === k.assigned_user_id)?.display_name ?? choices.find((c) => c.current)?.name ?? `User #${k.assigned_user_id}`) : null;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (userId === null) {
      setError(new ApiError(400, { error: 'choose the case manager', field: 'user_id' }));
      return;
    }
    if (!reason.trim()) {
      // The server keeps the reason but does not ask for one; supervision does.
      setError(new ApiError(400, { error: 'say why this case manager takes the case', field: 'reason' }));
      return;
    }
    setBusy(true);
    try {
      const c = await api.assignCase(props.caseId, { user_id: userId, reason: reason.trim(), ...(k ? { version: k.version } : {}) });
      props.onDone(c, choices.find((x) => x.user_id === userId)?.name ?? `User #${userId}`);
    } catch (err) {
      // Someone changed the case since it was read: the latest first (so the
      // alert and the case it describes arrive together), and assigning again works.
      if (err instanceof ApiError && err.isStale) {
        await read();
        setError(err);
        requestAnimationFrame(() => document.getElementById('as-error')?.focus());
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };
  const clock = triageClock(k?.triage_due_at);
  const userError = fieldError(error, 'user_id', 'Case manager');
  return (
    <Dialog title={k?.assigned_user_id ? 'Reassign case' : 'Assign case'} onClose={props.onClose}>
      <p class="dialog-subject">
        {props.subject} · case #{props.caseId}
      </p>
      <ErrorMessage error={loadError} />
      {!k && !loadError ? <Loading what="the case" /> : null}
      {k && loads ? (
        <form onSubmit={submit} noValidate>
          <dl class="facts-list">
            <dt>Program</dt>
            <dd>{programName(org.programs, k.program)}</dd>
            <dt>Referral</dt>
            <dd>
              {humanize(k.urgency)}, {k.referral_source ? `${labelOf(REFERRAL_SOURCES, k.referral_source).toLowerCase()}, ` : ''}
              {dateTime(k.referred_at)}: {k.referral_reason}
            </dd>
            {k.status === 'referred' && clock ? (
              <>
                <dt>Triage</dt>
                <dd class={clock.overdue ? 'deadline overdue' : clock.soon ? 'deadline soon' : 'deadline'}>
                  {clock.text} <span class="muted">({dateTime(k.triage_due_at)})</span>
                </dd>
              </>
            ) : null}
            <dt>Case manager</dt>
            <dd>{currentName ?? 'Not assigned yet'}</dd>
          </dl>
          <div id="as-error" tabIndex={-1}>
            <ErrorMessage error={error} what="case" labels={{ user_id: 'Case manager', reason: 'Reason' }} />
          </div>
          <fieldset class={userError ? 'radios assignees invalid' : 'radios assignees'} aria-describedby={userError ? 'as-user-error' : 'as-user-hint'}>
            <legend>Case manager</legend>
            <span class="hint" id="as-user-hint">
              Your team's case managers, the lightest acuity-weighted load first (weights: low 1, moderate 2, high 3, very high 4; unassessed 2).
            </span>
            {choices.length === 0 ? <p class="empty">Your team has no case managers.</p> : null}
            <ul class="plain">
              {choices.map((c) => (
                <li key={c.user_id}>
                  <label>
                    <input type="radio" name="as-user" value={c.user_id} checked={userId === c.user_id} disabled={c.current} onChange={() => setUserId(c.user_id)} />
                    <span>
                      <strong>{c.name}</strong> <span class="muted">— {c.load}</span>
                      {c.current ? <span class="badge">Has this case</span> : null}
                      {c.lightest && !c.current ? <span class="badge ok">Lightest load</span> : null}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            {userError ? (
              <span class="field-error" id="as-user-error">
                {userError}
              </span>
            ) : null}
          </fieldset>
          <Field id="as-reason" label="Reason" hint="Required, kept with the assignment: for example language, skills, load or continuity" error={fieldError(error, 'reason', 'Reason')}>
            {(a) => <textarea {...a} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
          </Field>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Assigning…' : k.assigned_user_id ? 'Reassign' : 'Assign'}
            </button>
            <button type="button" onClick={props.onClose}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}
