// Patient search and intake. The search terms live in this screen's memory
// only: they never go into the page URL, the history or browser storage (the
// API call carries them, as it must). Case managers and supervisors add a new
// patient (then the referral) or a new referral for a patient found; once the
// referral is made the patient opens at the new case (ids only in the URL).
import { useEffect, useState } from 'preact/hooks';
import { api, type PatientSummary } from '../api';
import { ageOn, humanize, patientName } from '../lib/format';
import { remember } from '../patients';
import { navigate } from '../router';
import { can, useSession } from '../session';
import { ErrorMessage, Field, Link, Loading, fieldError } from '../components/ui';
import { NewPatientDialog, NewReferralDialog } from '../components/intake';

type Intake = { kind: 'patient' } | { kind: 'referral'; patient: PatientSummary; created: boolean } | null;

// Kept across visits in this tab's memory so "back" shows the last results.
let last: { q: Query; results: PatientSummary[] | null } = { q: { name: '', birth_date: '', identifier: '', phone: '' }, results: null };

interface Query {
  name: string;
  birth_date: string;
  identifier: string;
  phone: string;
}

export function forgetSearch(): void {
  last = { q: { name: '', birth_date: '', identifier: '', phone: '' }, results: null };
}

export function PatientSearch() {
  const { user } = useSession();
  const writable = can.write(user.role);
  const [intake, setIntake] = useState<Intake>(null);
  const [q, setQ] = useState<Query>(last.q);
  const [results, setResults] = useState<PatientSummary[] | null>(last.results);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Patients — casekeeper';
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const empty = !q.name.trim() && !q.birth_date.trim() && !q.identifier.trim() && !q.phone.trim();
      const r = empty ? await api.patients() : await api.searchPatients(q);
      r.items.forEach(remember);
      setResults(r.items);
      last = { q, results: r.items };
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const input = (key: keyof Query, label: string, hint: string, type = 'text') => (
    <Field id={`ps-${key}`} label={label} hint={hint} error={fieldError(error, key)}>
      {(a) => <input {...a} type={type} autoComplete="off" value={q[key]} onInput={(e) => setQ({ ...q, [key]: e.currentTarget.value })} />}
    </Field>
  );

  return (
    <section>
      <div class="screen-head with-actions">
        <div>
          <h1 tabIndex={-1}>Patients</h1>
          <p class="muted">Search among the patients you may see. Every patient found is recorded in the audit trail.</p>
        </div>
        {writable ? (
          <button type="button" class="primary" aria-haspopup="dialog" onClick={() => setIntake({ kind: 'patient' })}>
            New patient
          </button>
        ) : null}
      </div>
      <form class="card search-form" role="search" onSubmit={submit} noValidate>
        <div class="grid4">
          {input('name', 'Name', 'Family or given name, or the start of it')}
          {input('birth_date', 'Date of birth', 'YYYY-MM-DD', 'date')}
          {input('identifier', 'Identifier', 'MRN or member id, exact')}
          {input('phone', 'Phone', 'Any format', 'tel')}
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Search
          </button>
          <span class="muted small">Search with no terms lists your patients.</span>
        </div>
      </form>
      <ErrorMessage error={error} />
      {busy ? <Loading what="patients" /> : null}
      {results !== null && !busy ? (
        results.length === 0 ? (
          <p class="empty" role="status">
            No patient matches.
          </p>
        ) : (
          <table class="results">
            <caption class="sr-only">{results.length} patients found</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Date of birth</th>
                <th scope="col">Sex</th>
                <th scope="col">Language</th>
                {writable ? <th scope="col">Intake</th> : null}
              </tr>
            </thead>
            <tbody>
              {results.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Link href={`/patients/${p.id}`}>{patientName(p)}</Link>
                  </th>
                  <td>
                    {p.birth_date} <span class="muted">({ageOn(p.birth_date)} y)</span>
                  </td>
                  <td>{humanize(p.administrative_sex)}</td>
                  <td>{p.preferred_language ?? ''}</td>
                  {writable ? (
                    <td>
                      <button type="button" aria-haspopup="dialog" aria-label={`New referral for ${patientName(p)}`} onClick={() => setIntake({ kind: 'referral', patient: p, created: false })}>
                        New referral
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {intake?.kind === 'patient' ? (
        <NewPatientDialog
          onClose={() => setIntake(null)}
          onCreated={(p) => {
            remember(p);
            setIntake({ kind: 'referral', patient: p, created: true });
          }}
        />
      ) : null}
      {intake?.kind === 'referral' ? (
        <NewReferralDialog
          key={intake.patient.id}
          patient={{ id: intake.patient.id, name: patientName(intake.patient) }}
          created={intake.created}
          onClose={() => setIntake(null)}
          onSkip={intake.created ? () => navigate(`/patients/${intake.patient.id}`) : undefined}
          onCreated={(c) => navigate(`/patients/${intake.patient.id}?case=${c.id}`)}
        />
      ) : null}
    </section>
  );
}
