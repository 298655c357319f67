// Patient search. The search terms live in this screen's memory only: they
// never go into the page URL, the history or browser storage (the API call
// carries them, as it must).
import { useEffect, useState } from 'preact/hooks';
import { api, type PatientSummary } from '../api';
import { ageOn, humanize, patientName } from '../lib/format';
import { remember } from '../patients';
import { ErrorMessage, Field, Link, Loading, fieldError } from '../components/ui';

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
      <div class="screen-head">
        <h1 tabIndex={-1}>Patients</h1>
        <p class="muted">Search among the patients you may see. Every patient found is recorded in the audit trail.</p>
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
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </section>
  );
}
