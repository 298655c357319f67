// Quick actions shared by the worklists and the patient view: complete or
// pause a task, log a contact, snooze a worklist item. Each task action
// reloads the task first, so the version it sends is the latest; a 409 still
// explains what changed.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Case, type Task, type TaskHistory } from '../api';
import { ApiError } from '../lib/errors';
import { dateTime, humanize } from '../lib/format';
import { addDays } from '../lib/organisation';
import { SNOOZE_LABELS, SNOOZE_TIME, customUntil, snoozeBody, snoozeConflict, snoozeLimit, snoozeNote, snoozePresets, zoneDateTime, type PresetId } from '../lib/snooze';
import type { WorklistSnooze } from '../lib/worklist';
import { useSession } from '../session';
import { Dialog, ErrorMessage, Field, FormDialog, Loading, fieldError } from './ui';

/** What the other person did, from the task's history (the latest entry). */
function ChangeSince(props: { task: Task | null }) {
  const { user } = useSession();
  const h: TaskHistory | undefined = props.task?.history?.[props.task.history.length - 1];
  if (!props.task || !h) return null;
  const who = h.by_user_id === null ? 'casekeeper' : h.by_user_id === user.id ? 'you (in another window or tab)' : `user #${h.by_user_id}`;
  const what = h.from_status && h.to_status && h.from_status !== h.to_status ? `${humanize(h.from_status)} → ${humanize(h.to_status)}` : humanize(h.kind);
  return (
    <p class="conflict-detail">
      Latest change: <strong>{what}</strong>
      {h.detail ? ` (“${h.detail}”)` : ''} by {who} at {dateTime(h.at)}. The task is now <strong>{humanize(props.task.status)}</strong>.
    </p>
  );
}

function useTask(taskId: number) {
  const [task, setTask] = useState<Task | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.task(taskId).then(setTask, setError);
  }, [taskId]);
  return { task, setTask, loadError: error };
}

export function CompleteTaskDialog(props: { taskId: number; title: string; onDone: (t: Task) => void; onClose: () => void }) {
  const { task, setTask, loadError } = useTask(props.taskId);
  const [outcome, setOutcome] = useState('');
  const [minutes, setMinutes] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!task) return;
    setBusy(true);
    setError(null);
    try {
      const body: { version: number; to: string; reason: string; minutes?: number } = { version: task.version, to: 'done', reason: outcome.trim() };
      if (minutes.trim()) body.minutes = Number(minutes);
      props.onDone(await api.taskStatus(task.id, body));
    } catch (err) {
      // The latest task first, so the alert says its latest change at once.
      if (err instanceof ApiError && err.isStale) setTask(await api.task(task.id).catch(() => task));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Complete task" onClose={props.onClose}>
      <p class="dialog-subject">{props.title}</p>
      <ErrorMessage error={loadError} what="task" />
      {!task && !loadError ? <Loading what="the task" /> : null}
      {task ? (
        <form onSubmit={submit} noValidate>
          <ErrorMessage error={error} what="task" labels={{ reason: 'Outcome' }}>
            {error instanceof ApiError && error.isStale ? <ChangeSince task={task} /> : null}
          </ErrorMessage>
          <Field id="task-outcome" label="Outcome" hint="What was done (required)" error={fieldError(error, 'reason', 'Outcome')}>
            {(a) => <textarea {...a} rows={3} value={outcome} onInput={(e) => setOutcome(e.currentTarget.value)} required />}
          </Field>
          <Field id="task-minutes" label="Minutes spent" hint="Counts toward care management time" error={fieldError(error, 'minutes')}>
            {(a) => <input {...a} type="number" min={0} max={600} inputMode="numeric" value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />}
          </Field>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy || task.status === 'done' || task.status === 'cancelled'}>
              Complete task
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

/**
 * Pausing a task (its status, docs/tasks.md) with a reason takes it off every
 * worklist until it is resumed from the patient's tasks. Not a snooze: a
 * snooze (SnoozeDialog) hides a worklist item until a time and the item
 * comes back by itself; the task's status does not change.
 */
export function PauseTaskDialog(props: { taskId: number; title: string; onDone: (t: Task) => void; onClose: () => void }) {
  const { task, setTask, loadError } = useTask(props.taskId);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!task) return;
    setBusy(true);
    setError(null);
    try {
      props.onDone(await api.taskStatus(task.id, { version: task.version, to: 'paused', reason: reason.trim() }));
    } catch (err) {
      // The latest task first, so the alert says its latest change at once.
      if (err instanceof ApiError && err.isStale) setTask(await api.task(task.id).catch(() => task));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Pause task" onClose={props.onClose}>
      <p class="dialog-subject">{props.title}</p>
      <p class="muted">A paused task leaves the worklist until it is resumed from the patient's tasks.</p>
      <ErrorMessage error={loadError} what="task" />
      {task ? (
        <form onSubmit={submit} noValidate>
          <ErrorMessage error={error} what="task">
            {error instanceof ApiError && error.isStale ? <ChangeSince task={task} /> : null}
          </ErrorMessage>
          <Field id="pause-reason" label="Reason" hint="Why it waits, e.g. “waiting for the pharmacy” (required)" error={fieldError(error, 'reason')}>
            {(a) => <input {...a} value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />}
          </Field>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              Pause task
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

const METHODS = ['phone', 'video', 'in_person', 'portal_message', 'sms', 'email', 'letter', 'fax'];
const PARTIES = ['patient', 'caregiver', 'provider', 'insurer', 'agency', 'other'];
const OUTCOMES = ['reached', 'voicemail', 'no_answer', 'wrong_number', 'declined', 'sent'];

/**
 * Contacts are logged on a case. Worklist items about a patient rather than a
 * case (no recent contact) pass the patient: their open cases are offered.
 */
export function LogContactDialog(props: { caseId: number | null; patientId?: number | null; subject: string; onDone: () => void; onClose: () => void }) {
  const [caseId, setCaseId] = useState<number | null>(props.caseId);
  const [cases, setCases] = useState<Case[] | null>(null);
  const [method, setMethod] = useState('phone');
  const [direction, setDirection] = useState('outbound');
  const [party, setParty] = useState('patient');
  const [partyName, setPartyName] = useState('');
  const [outcome, setOutcome] = useState('reached');
  const [minutes, setMinutes] = useState('');
  const [summary, setSummary] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (props.caseId !== null || !props.patientId) return;
    api.patientCases(props.patientId).then((r) => {
      const open = r.items.filter((c) => c.status !== 'closed');
      setCases(open);
      if (open[0]) setCaseId(open[0].id);
    }, setError);
  }, [props.caseId, props.patientId]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (caseId === null) return;
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { method, direction, party, outcome };
    if (partyName.trim()) body.party_name = partyName.trim();
    if (minutes.trim()) body.duration_minutes = Number(minutes);
    if (summary.trim()) body.summary = summary.trim();
    try {
      await api.logContact(caseId, body);
      props.onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const select = (id: string, label: string, value: string, set: (v: string) => void, options: string[]) => (
    <Field id={id} label={label} error={fieldError(error, id.replace('contact-', ''))}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => set(e.currentTarget.value)}>
          {options.map((o) => (
            <option key={o} value={o}>
              {humanize(o)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  return (
    <Dialog title="Log a contact" onClose={props.onClose}>
      <p class="dialog-subject">{props.subject}</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        {cases && cases.length === 0 ? <p class="error">This patient has no open case to log the contact on.</p> : null}
        {cases && cases.length > 1 ? (
          <Field id="contact-case" label="Case">
            {(a) => (
              <select {...a} value={caseId ?? ''} onChange={(e) => setCaseId(Number(e.currentTarget.value))}>
                {cases.map((c) => (
                  <option key={c.id} value={c.id}>
                    #{c.id} {humanize(c.program)} · {humanize(c.status)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <div class="grid2">
          {select('contact-method', 'Method', method, setMethod, METHODS)}
          {select('contact-direction', 'Direction', direction, setDirection, ['outbound', 'inbound'])}
          {select('contact-party', 'With', party, setParty, PARTIES)}
          {select('contact-outcome', 'Outcome', outcome, setOutcome, OUTCOMES)}
        </div>
        <Field id="contact-party_name" label="Name of the person contacted" hint="Optional, for anyone but the patient" error={fieldError(error, 'party_name')}>
          {(a) => <input {...a} value={partyName} onInput={(e) => setPartyName(e.currentTarget.value)} />}
        </Field>
        <Field id="contact-duration" label="Duration (minutes)" error={fieldError(error, 'duration_minutes')}>
          {(a) => <input {...a} type="number" min={0} inputMode="numeric" value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />}
        </Field>
        <Field id="contact-summary" label="Summary" error={fieldError(error, 'summary')}>
          {(a) => <textarea {...a} rows={3} value={summary} onInput={(e) => setSummary(e.currentTarget.value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || caseId === null}>
            Save contact
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
 * Snooze a worklist item: until a preset (tomorrow, next Monday, in 3 days,
 * each 9:00) or a date and time, all on the organisation's clock (its zone
 * from GET /organisation, its today), and why (required by the server). An
 * item snoozed now (`current` active) is snoozed again by naming that snooze
 * (`replaces`). The server's errors land on their field: `item` under the
 * item, `until` on the choice of time, `reason` on the reason; a 409 (someone
 * snoozed it meanwhile, the snooze to replace ended, the item changed) is one
 * sentence, and `onStale` reads the list again once the dialog is closed.
 */
export function SnoozeDialog(props: {
  itemKey: string;
  subject: string;
  current: WorklistSnooze | null;
  onDone: (s: WorklistSnooze) => void;
  onClose: () => void;
  onStale: () => void;
}) {
  const { org, today } = useSession();
  const zone = org.time_zone;
  const maxDays = org.snooze_max_days;
  const day = today();
  const presets = useMemo(() => snoozePresets(zone, Date.now(), day), [zone, day]);
  const [choice, setChoice] = useState<PresetId | 'custom'>(presets[0]?.id ?? 'custom');
  const [date, setDate] = useState(addDays(day, 1));
  const [time, setTime] = useState(SNOOZE_TIME);
  const [reason, setReason] = useState('');
  const stale = useRef(false);
  const conflict = (e: unknown) => snoozeConflict(e, zone);

  const submit = async () => {
    const until = choice === 'custom' ? customUntil(date, time, zone) : (presets.find((p) => p.id === choice)?.until ?? null);
    if (!until) throw new ApiError(400, { error: 'choose a date and a time', field: 'until' });
    try {
      props.onDone(await api.snooze(snoozeBody(props.itemKey, until, reason, props.current)));
    } catch (e) {
      if (conflict(e)) stale.current = true;
      throw e;
    }
  };
  const close = () => {
    props.onClose();
    if (stale.current) props.onStale();
  };

  return (
    <FormDialog title="Snooze" subject={props.subject} submitLabel="Snooze" labels={SNOOZE_LABELS} describe={conflict} onClose={close} onSubmit={submit}>
      {(error) => {
        // A conflict is said once, in the sentence above the form.
        const itemError = conflict(error) ? null : fieldError(error, 'item', SNOOZE_LABELS.item);
        const untilError = fieldError(error, 'until', SNOOZE_LABELS.until);
        const untilDescribed = ['snooze-until-hint', untilError ? 'snooze-until-error' : ''].filter(Boolean).join(' ');
        return (
          <>
            {itemError ? (
              <p class="field-error" id="snooze-item-error">
                {itemError}
              </p>
            ) : null}
            <p class="muted small">
              The item leaves every worklist that shows it (yours, a covering colleague's, the team's) until then, and comes back by itself if it still needs action, or at once if it changes.
              {props.current?.active ? ` It is snoozed now (${snoozeNote(props.current, zone)}); a new snooze replaces that one.` : ''}
            </p>
            <fieldset class={untilError ? 'radios snooze-until invalid' : 'radios snooze-until'} aria-describedby={untilDescribed}>
              <legend>Snooze until</legend>
              <span class="hint" id="snooze-until-hint">
                On the organisation's clock ({zone}); {snoozeLimit(day, maxDays)} at the latest.
              </span>
              <div class="options">
                {presets.map((p) => (
                  <label key={p.id}>
                    <input type="radio" name="snooze-until" value={p.id} checked={choice === p.id} onChange={() => setChoice(p.id)} />
                    {p.label}
                    <span class="muted">— {zoneDateTime(p.until, zone)}</span>
                  </label>
                ))}
                <label>
                  <input type="radio" name="snooze-until" value="custom" checked={choice === 'custom'} onChange={() => setChoice('custom')} />
                  Another date and time
                </label>
              </div>
              {choice === 'custom' ? (
                <div class="grid2">
                  <div class="field">
                    <label for="snooze-date">Date</label>
                    <input
                      id="snooze-date"
                      type="date"
                      min={day}
                      max={addDays(day, maxDays)}
                      value={date}
                      aria-invalid={!!untilError}
                      aria-describedby={untilDescribed}
                      onInput={(e) => setDate(e.currentTarget.value)}
                    />
                  </div>
                  <div class="field">
                    <label for="snooze-time">Time</label>
                    <input id="snooze-time" type="time" value={time} aria-invalid={!!untilError} aria-describedby={untilDescribed} onInput={(e) => setTime(e.currentTarget.value)} />
                  </div>
                </div>
              ) : null}
              {untilError ? (
                <span class="field-error" id="snooze-until-error">
                  {untilError}
                </span>
              ) : null}
            </fieldset>
            <Field id="snooze-reason" label="Reason" hint="Why it can wait, e.g. “waiting for the cardiology letter” (required, up to 500 characters)" error={fieldError(error, 'reason', SNOOZE_LABELS.reason)}>
              {(a) => <textarea {...a} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />}
            </Field>
          </>
        );
      }}
    </FormDialog>
  );
}
