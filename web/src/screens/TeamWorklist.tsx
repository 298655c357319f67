import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Caseload } from '../api';
import type { WorklistItem } from '../lib/worklist';
import { ErrorMessage } from '../components/ui';
import { Worklist } from '../components/Worklist';

export function TeamWorklist() {
  const [items, setItems] = useState<WorklistItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [caseloads, setCaseloads] = useState<Caseload[]>([]);
  const [caseloadError, setCaseloadError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.teamWorklist(200).then(
      (r) => {
        setItems(r.items);
        setError(null);
      },
      setError,
    );
  }, []);
  useEffect(() => {
    document.title = 'Team worklist — casekeeper';
    load();
    api.caseloads().then((r) => setCaseloads(r.items), setCaseloadError);
  }, []);
  const owners = useMemo(() => new Map(caseloads.map((c) => [c.user_id, c.display_name])), [caseloads]);
  const openByOwner = useMemo(() => {
    const m = new Map<number, number>();
    for (const it of items ?? []) if (it.owner_user_id) m.set(it.owner_user_id, (m.get(it.owner_user_id) ?? 0) + 1);
    return m;
  }, [items]);

  return (
    <section>
      <div class="screen-head">
        <h1 tabIndex={-1}>Team worklist</h1>
        <p class="muted">Everything the team has to do, ranked, with unassigned referrals awaiting triage.</p>
      </div>
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
      <Worklist items={items} error={error} reload={load} owners={owners} />
    </section>
  );
}
