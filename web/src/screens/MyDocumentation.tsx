// A case manager's own documentation (/documentation): the checklist as the
// supervisor sees it for them, with each finding linking to the patient at
// the case, and the coverages they are part of (away, or covering someone).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { dateTime } from '../lib/format';
import { coverageState, type CoverageRecord } from '../lib/supervision';
import { useSession } from '../session';
import { ComplianceChecklist } from '../components/Compliance';
import { ErrorMessage } from '../components/ui';

function coverageSentence(v: CoverageRecord, me: number): string {
  const later = v.state === 'scheduled';
  if (v.absent_user_id === me) return later ? `You will be away; ${v.covering_name} will cover your caseload` : `You are away; ${v.covering_name} covers your caseload`;
  return later ? `You will cover ${v.absent_name}'s caseload` : `You cover ${v.absent_name}'s caseload`;
}

export function MyDocumentation() {
  const { user } = useSession();
  const [coverages, setCoverages] = useState<CoverageRecord[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    document.title = 'My documentation — casekeeper';
    api.caseloadCoverages().then((r) => setCoverages(r.items), setError);
  }, []);
  return (
    <section>
      <div class="screen-head">
        <h1 tabIndex={-1}>My documentation</h1>
        <p class="muted">The documentation checklist your supervisor reviews: what is met on your cases, and what still needs doing.</p>
      </div>
      <ComplianceChecklist />
      <section aria-labelledby="my-cov-h">
        <h2 id="my-cov-h">Cover during leave</h2>
        <ErrorMessage error={error} />
        {coverages && coverages.length === 0 ? <p class="empty">No coverage involves you now or is booked.</p> : null}
        {coverages && coverages.length ? (
          <ul class="plain my-coverages">
            {coverages.map((v) => (
              <li key={v.id}>
                <span class={v.state === 'in_force' ? 'badge warn' : 'badge ok'}>{coverageState(v.state)}</span>{' '}
                {coverageSentence(v, user.id)} from {dateTime(v.starts_at)} until{' '}
                {dateTime(v.ends_at)} ({v.reason}).
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </section>
  );
}
