import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { WorklistItem } from '../lib/worklist';
import { useSession } from '../session';
import { Worklist } from '../components/Worklist';

export function MyDay() {
  const { user } = useSession();
  const [items, setItems] = useState<WorklistItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.worklist(100).then(
      (r) => {
        setItems(r.items);
        setError(null);
      },
      (e) => setError(e),
    );
  }, []);
  useEffect(() => {
    document.title = 'My day — casekeeper';
    load();
  }, []);
  return (
    <section>
      <div class="screen-head">
        <h1 tabIndex={-1}>My day</h1>
        <p class="muted">Good {greeting()}, {user.display_name.split(/[ ,]/)[0]}. What needs you first, and why.</p>
      </div>
      <Worklist items={items} error={error} reload={load} />
    </section>
  );
}

function greeting(): string {
  const h = new Date().getHours();
  return h < 12 ? 'morning' : h < 18 ? 'afternoon' : 'evening';
}
