import { useEffect } from 'preact/hooks';
import { api } from '../api';
import { useSession } from '../session';
import { Worklist, useWorklist } from '../components/Worklist';

export function MyDay() {
  const { user } = useSession();
  const wl = useWorklist((includeSnoozed) => api.worklist(100, includeSnoozed));
  useEffect(() => {
    document.title = 'My day — casekeeper';
  }, []);
  return (
    <section>
      <div class="screen-head">
        <h1 tabIndex={-1}>My day</h1>
        <p class="muted">Good {greeting()}, {user.display_name.split(/[ ,]/)[0]}. What needs you first, and why.</p>
      </div>
      <Worklist {...wl} />
    </section>
  );
}

function greeting(): string {
  const h = new Date().getHours();
  return h < 12 ? 'morning' : h < 18 ? 'afternoon' : 'evening';
}
