import { useEffect, useState } from 'preact/hooks';
import { api, type Appointment, type Task } from '../../api';
import { dateTime, humanize, relativeTime } from '../../lib/format';
import { can, useSession } from '../../session';
import { CompleteTaskDialog, PauseTaskDialog } from '../../components/actions';
import { ErrorMessage, Loading } from '../../components/ui';
import type { TabProps } from '../PatientView';

export function TasksTab(props: TabProps) {
  const { user } = useSession();
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [appointments, setAppointments] = useState<Appointment[] | null>(null);
  const [includeClosed, setIncludeClosed] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [action, setAction] = useState<{ kind: 'complete' | 'pause'; task: Task } | null>(null);
  const [status, setStatus] = useState('');
  const caseId = props.caseRecord?.id ?? null;
  const writable = can.write(user.role);

  const loadTasks = () => {
    if (caseId === null) return setTasks([]);
    api.caseTasks(caseId, includeClosed).then((r) => setTasks(r.items), setError);
  };
  useEffect(loadTasks, [caseId, includeClosed]);
  useEffect(() => {
    api.appointments(props.patient.id).then((r) => setAppointments(r.items), setError);
  }, [props.patient.id]);

  const done = (m: string) => {
    setAction(null);
    setStatus(m);
    loadTasks();
  };

  return (
    <div>
      <p class="sr-status" role="status">
        {status}
      </p>
      <ErrorMessage error={error} />
      <div class="tab-head">
        <h2>Tasks{caseId ? ` of case #${caseId}` : ''}</h2>
        <label class="check">
          <input type="checkbox" checked={includeClosed} onChange={(e) => setIncludeClosed(e.currentTarget.checked)} /> Include done and cancelled
        </label>
      </div>
      {tasks === null ? <Loading what="tasks" /> : null}
      {tasks && tasks.length === 0 ? <p class="empty">No open tasks.</p> : null}
      {tasks && tasks.length ? (
        <table class="results tasks">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Due</th>
              <th scope="col">Priority</th>
              <th scope="col">Status</th>
              <th scope="col">Owner</th>
              {writable ? <th scope="col"><span class="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => {
              const open = t.status === 'open' || t.status === 'in_progress' || t.status === 'paused';
              const overdue = open && t.due_at && Date.parse(t.due_at) < Date.now();
              return (
                <tr key={t.id} class={overdue ? 'overdue' : ''}>
                  <th scope="row">
                    {t.title}
                    <span class="muted small"> · {humanize(t.task_type)}</span>
                  </th>
                  <td>
                    {t.due_at ? (
                      <time dateTime={t.due_at} title={dateTime(t.due_at)}>
                        {overdue ? 'overdue, ' : ''}
                        {relativeTime(t.due_at)}
                      </time>
                    ) : ''}
                  </td>
                  <td>{humanize(t.priority)}</td>
                  <td>
                    {humanize(t.status)}
                    {t.pause_reason && t.status === 'paused' ? <span class="muted small"> ({t.pause_reason})</span> : null}
                    {t.outcome ? <span class="muted small"> ({t.outcome})</span> : null}
                  </td>
                  <td>{t.owner_user_id === user.id ? 'You' : t.owner_user_id ? `User #${t.owner_user_id}` : humanize(t.queue_role ?? 'team queue')}</td>
                  {writable ? (
                    <td class="row-actions">
                      {open && t.owner_user_id ? (
                        <>
                          <button type="button" onClick={() => setAction({ kind: 'complete', task: t })} aria-label={`Complete task: ${t.title}`}>
                            Complete
                          </button>
                          {t.status !== 'paused' ? (
                            <button type="button" onClick={() => setAction({ kind: 'pause', task: t })} aria-label={`Pause task: ${t.title}`}>
                              Pause
                            </button>
                          ) : null}
                        </>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}

      <h2>Appointments</h2>
      {appointments === null ? <Loading what="appointments" /> : null}
      {appointments && appointments.length === 0 ? <p class="empty">No appointments.</p> : null}
      {appointments && appointments.length ? (
        <table class="results">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">With</th>
              <th scope="col">Where</th>
              <th scope="col">Status</th>
              <th scope="col">Transport</th>
            </tr>
          </thead>
          <tbody>
            {appointments.map((a) => (
              <tr key={a.id}>
                <td>{dateTime(a.starts_at)}</td>
                <th scope="row">
                  {a.reason} <span class="muted small">· {humanize(a.kind)}</span>
                </th>
                <td>{a.provider ?? ''}</td>
                <td>{a.location ?? (a.telehealth_url ? 'Telehealth' : '')}</td>
                <td>{humanize(a.status)}</td>
                <td>{a.transport_needed ? (a.transport_arranged ? 'Arranged' : 'Needed, not arranged') : 'Not needed'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      {action?.kind === 'complete' ? (
        <CompleteTaskDialog taskId={action.task.id} title={action.task.title} onClose={() => setAction(null)} onDone={() => done(`Completed “${action.task.title}”.`)} />
      ) : null}
      {action?.kind === 'pause' ? (
        <PauseTaskDialog taskId={action.task.id} title={action.task.title} onClose={() => setAction(null)} onDone={() => done(`Paused “${action.task.title}”.`)} />
      ) : null}
    </div>
  );
}
