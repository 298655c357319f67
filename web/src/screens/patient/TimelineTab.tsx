import { useEffect, useState } from 'preact/hooks';
import { api, type TimelineEvent } from '../../api';
import { dateOnly, dateTime, humanize } from '../../lib/format';
import { ErrorMessage, Loading } from '../../components/ui';
import type { TabProps } from '../PatientView';

const TYPES = ['contact', 'note', 'assessment', 'alert', 'admission', 'discharge', 'condition', 'case_status', 'assignment'];

export function TimelineTab(props: TabProps) {
  const [events, setEvents] = useState<TimelineEvent[] | null>(null);
  const [type, setType] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setEvents(null);
    api.timeline(props.patient.id, type).then((r) => setEvents(r.items), setError);
  }, [props.patient.id, type]);

  const days: [string, TimelineEvent[]][] = [];
  for (const e of events ?? []) {
    const d = dateOnly(e.at);
    const last = days[days.length - 1];
    if (last && last[0] === d) last[1].push(e);
    else days.push([d, [e]]);
  }

  return (
    <div>
      <div class="tab-head">
        <h2>Timeline</h2>
        <div class="field inline">
          <label for="tl-type">Show</label>
          <select id="tl-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">Everything</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={error} />
      {events === null && !error ? <Loading what="the timeline" /> : null}
      {events && events.length === 0 ? <p class="empty">Nothing recorded{type ? ' of this kind' : ''}.</p> : null}
      {days.map(([day, list]) => (
        <section key={day} class="tl-day" aria-label={day}>
          <h3>{day}</h3>
          <ul class="timeline">
            {list.map((e, i) => (
              <li key={`${e.ref.kind}-${e.ref.id}-${i}`} class={`tl-${e.type}`}>
                <time dateTime={e.at}>{dateTime(e.at).slice(11)}</time>
                <span class="tl-type">{humanize(e.type)}</span>
                <span class="tl-summary">{e.summary}</span>
                {e.case_id && props.caseRecord && e.case_id !== props.caseRecord.id ? <span class="muted small"> · case #{e.case_id}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
