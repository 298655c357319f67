// A ranked worklist (the caller's or the team's): the server's order, each
// item's reasons as the server wrote them, filters, quick actions (snooze
// among them, with what snoozes hide and *Wake now*) and the j/k/Enter
// keyboard shortcuts.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type WorklistAnswer } from '../api';
import { ApiError } from '../lib/errors';
import { dateTime, relativeTime } from '../lib/format';
import { WAKE_CONFLICT, backNote, canSnooze, canWake, isSnoozed, reasonsShown, snoozeNote, snoozedCount, snoozedMessage } from '../lib/snooze';
import {
  CATEGORY_LABELS,
  type Category,
  countByCategory,
  emptyFilter,
  filterItems,
  itemHref,
  itemKey,
  kindLabel,
  moveSelection,
  urgencyOf,
  type WorklistItem,
} from '../lib/worklist';
import { nameOf, usePatientNames } from '../patients';
import { navigate } from '../router';
import { can, useSession } from '../session';
import { CompleteTaskDialog, LogContactDialog, PauseTaskDialog, SnoozeDialog } from './actions';
import { ErrorMessage, Link, Loading } from './ui';

type Action = { kind: 'complete' | 'pause' | 'contact' | 'snooze'; item: WorklistItem } | null;

export interface WorklistProps {
  items: WorklistItem[] | null;
  error: unknown;
  reload: () => void;
  owners?: Map<number, string>; // team view: user id → name
  /** How many items active snoozes hide (the answer's `snoozed`). */
  snoozed?: number;
  /** Whether the snoozed items are listed too (include_snoozed=true), and the toggle's handler. */
  showSnoozed?: boolean;
  onShowSnoozed?: (show: boolean) => void;
}

/**
 * A worklist screen's list: `fetch` reads it (with the snoozed items or
 * not), again whenever *Show snoozed* is toggled or `reload` is called; an
 * answer overtaken by a later request is dropped.
 */
export function useWorklist(fetch: (includeSnoozed: boolean) => Promise<WorklistAnswer>) {
  const [answer, setAnswer] = useState<WorklistAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [showSnoozed, setShowSnoozed] = useState(false);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const seq = useRef(0);
  const reload = useCallback(() => {
    const n = ++seq.current;
    fetchRef.current(showSnoozed).then(
      (r) => {
        if (n !== seq.current) return;
        setAnswer(r);
        setError(null);
      },
      (e) => {
        if (n === seq.current) setError(e);
      },
    );
  }, [showSnoozed]);
  useEffect(reload, [reload]);
  return { items: answer?.items ?? null, snoozed: answer?.snoozed ?? 0, error, showSnoozed, onShowSnoozed: setShowSnoozed, reload };
}

const patientHref = itemHref;

const isTyping = (el: Element | null) =>
  !!el && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el as HTMLElement).isContentEditable);

export function Worklist(props: WorklistProps) {
  const { user, org } = useSession();
  const [filter, setFilter] = useState(emptyFilter);
  const [selected, setSelected] = useState(-1);
  const [action, setAction] = useState<Action>(null);
  const [status, setStatus] = useState('');
  const [claimError, setClaimError] = useState<unknown>(null);
  const [wakeError, setWakeError] = useState<unknown>(null);
  const [showHelp, setShowHelp] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  const items = props.items ?? [];
  const namesReady = usePatientNames(items.map((i) => i.patient_id));
  const visible = useMemo(() => filterItems(items, filter, nameOf), [items, filter, namesReady]);
  const counts = useMemo(() => countByCategory(items), [items]);
  const writable = can.write(user.role);
  const zone = org.time_zone;
  const snoozed = props.snoozed ?? 0;
  const snoozedListed = useMemo(() => items.filter(isSnoozed).length, [items]);

  // The selection as of the last key press (state updates render later).
  const selectedRef = useRef(-1);
  const select = (i: number) => {
    selectedRef.current = i;
    setSelected(i);
  };
  const focusRow = (i: number) => {
    select(i);
    const a = listRef.current?.querySelectorAll<HTMLElement>('li.wl-item .wl-open')[i];
    a?.focus();
  };

  // After a snooze or a wake the list is read again and the item (or its
  // button) may leave it: the focus then goes to that item again, else to the
  // one now in its place, rather than being lost.
  const refocus = useRef<{ key: string; index: number } | null>(null);
  useEffect(() => {
    const r = refocus.current;
    if (!r || props.items === null) return;
    refocus.current = null;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    const rows = [...(listRef.current?.querySelectorAll<HTMLElement>('li.wl-item') ?? [])];
    const same = rows.findIndex((li) => li.dataset.key === r.key);
    const i = same >= 0 ? same : Math.min(r.index, rows.length - 1);
    if (i >= 0) focusRow(i);
    else document.querySelector<HTMLElement>('h1')?.focus();
  }, [props.items]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || action || document.querySelector('dialog[open]')) return;
      if (isTyping(document.activeElement)) return;
      const cur = selectedRef.current;
      const it = visible[cur];
      switch (e.key) {
        case 'j':
          e.preventDefault();
          focusRow(moveSelection(cur, 1, visible.length));
          break;
        case 'k':
          e.preventDefault();
          focusRow(moveSelection(cur, -1, visible.length));
          break;
        case 'Enter':
          // Enter on a focused link or button does its own thing.
          if (it && document.activeElement === document.body) {
            e.preventDefault();
            navigate(patientHref(it));
          }
          break;
        case 'c':
          if (it?.task_id && writable) setAction({ kind: 'complete', item: it });
          break;
        case 'p':
          if (it?.task_id && writable) setAction({ kind: 'pause', item: it });
          break;
        case 'l':
          if (it?.patient_id && writable) setAction({ kind: 'contact', item: it });
          break;
        case 'z':
          if (it && canSnooze(it, user)) setAction({ kind: 'snooze', item: it });
          break;
        case '/': {
          e.preventDefault();
          document.getElementById('wl-text')?.focus();
          break;
        }
        case '?':
          setShowHelp((s) => !s);
          break;
        default:
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [visible, action, writable, user]);

  const toggleCategory = (c: Category) => {
    const next = new Set(filter.categories);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    setFilter({ ...filter, categories: next });
    select(-1);
  };

  const done = (message: string) => {
    setAction(null);
    setStatus(message);
    props.reload();
  };

  const snoozeDone = (it: WorklistItem, until: string) => {
    refocus.current = { key: it.key ?? '', index: Math.max(0, visible.indexOf(it)) };
    done(`${snoozedMessage(until, zone)} — “${it.title}”.`);
  };

  // A snooze refused with a 409 (snoozed by someone meanwhile, changed): the
  // list as it is now, once the dialog is closed, the focus kept as above.
  const snoozeStale = (it: WorklistItem) => {
    refocus.current = { key: it.key ?? '', index: Math.max(0, visible.indexOf(it)) };
    props.reload();
  };

  const wake = async (it: WorklistItem) => {
    if (!it.snooze) return;
    setWakeError(null);
    refocus.current = { key: it.key ?? '', index: Math.max(0, visible.indexOf(it)) };
    try {
      await api.wakeSnooze(it.snooze.id);
      setStatus(`Woken: “${it.title}” is back on the list.`);
    } catch (e) {
      setWakeError(e);
    }
    // Woken or not (a 409: it had already ended), the list as it is now.
    props.reload();
  };

  const claim = async (it: WorklistItem) => {
    setClaimError(null);
    try {
      const t = await api.task(it.task_id as number);
      await api.claimTask(t.id, t.version);
      setStatus(`Claimed “${it.title}”.`);
      props.reload();
    } catch (e) {
      setClaimError(e);
    }
  };

  const categories = (Object.keys(CATEGORY_LABELS) as Category[]).filter((c) => counts.has(c));

  return (
    <div class="worklist">
      <div class="filters" role="group" aria-label="Filter the worklist">
        <div class="chips">
          {categories.map((c) => (
            <button type="button" key={c} class="chip" aria-pressed={filter.categories.has(c)} onClick={() => toggleCategory(c)}>
              {CATEGORY_LABELS[c]} <span class="count">{counts.get(c)}</span>
            </button>
          ))}
        </div>
        <div class="filter-inputs">
          <label for="wl-text">Find in list</label>
          <input id="wl-text" type="search" value={filter.text} onInput={(e) => setFilter({ ...filter, text: e.currentTarget.value })} />
          {props.owners ? (
            <>
              <label for="wl-owner">Owner</label>
              <select
                id="wl-owner"
                value={filter.ownerUserId ?? ''}
                onChange={(e) => setFilter({ ...filter, ownerUserId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
              >
                <option value="">Everyone</option>
                {[...props.owners].map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <button type="button" class="link" aria-expanded={showHelp} aria-controls="wl-help" onClick={() => setShowHelp(!showHelp)}>
            Keyboard shortcuts
          </button>
        </div>
        {showHelp ? (
          <dl class="shortcuts" id="wl-help">
            <dt>j / k</dt>
            <dd>next / previous item</dd>
            <dt>Enter</dt>
            <dd>open the patient</dd>
            <dt>c</dt>
            <dd>complete the task</dd>
            <dt>p</dt>
            <dd>pause the task, with a reason</dd>
            <dt>l</dt>
            <dd>log a contact</dd>
            <dt>z</dt>
            <dd>snooze the item until a time, with a reason</dd>
            <dt>/</dt>
            <dd>find in the list</dd>
          </dl>
        ) : null}
      </div>

      <p class="sr-status" role="status" aria-live="polite">
        {status}
      </p>
      <ErrorMessage error={props.error} />
      <ErrorMessage error={claimError} what="task" />
      {wakeError instanceof ApiError && wakeError.isConflict ? (
        <div class="error" role="alert">
          <p>{WAKE_CONFLICT}</p>
        </div>
      ) : (
        <ErrorMessage error={wakeError} />
      )}
      {props.items === null && !props.error ? <Loading what="the worklist" /> : null}
      {props.items !== null ? (
        <div class="wl-summary">
          <p class="muted small" id="wl-count">
            {visible.length === items.length ? `${items.length} items` : `${visible.length} of ${items.length} items shown`}
            {snoozedListed ? ` (${snoozedListed} snoozed)` : ''}
            {visible.length === items.length ? ', most important first' : ''}
          </p>
          {props.onShowSnoozed && (snoozed > 0 || props.showSnoozed) ? (
            <p class="wl-snoozed small">
              <span id="wl-snoozed-count">{snoozedCount(snoozed)}</span>
              <button type="button" class="chip" aria-pressed={!!props.showSnoozed} onClick={() => props.onShowSnoozed?.(!props.showSnoozed)}>
                Show snoozed
              </button>
            </p>
          ) : null}
        </div>
      ) : null}
      {props.items !== null && visible.length === 0 ? <p class="empty">Nothing here{items.length ? ' with these filters' : ' — a quiet day'}.</p> : null}

      <ol class="wl-list" ref={listRef} aria-describedby="wl-count">
        {visible.map((it, i) => {
          const u = urgencyOf(it);
          const queued = it.task_id !== null && it.owner_user_id === null;
          const asleep = isSnoozed(it);
          return (
            <li
              key={itemKey(it)}
              class={`wl-item urgency-${u}${asleep ? ' snoozed' : ''}${i === selected ? ' selected' : ''}`}
              data-kind={it.kind}
              data-task-id={it.task_id ?? undefined}
              data-key={it.key ?? undefined}
            >
              <div class="wl-main">
                <span class={`kind kind-${u}`}>{kindLabel(it.kind)}</span>
                <Link href={patientHref(it)} class="wl-open" onFocus={() => select(i)}>
                  <span class="wl-patient">{nameOf(it.patient_id)}</span>
                  <span class="wl-title">{it.title}</span>
                </Link>
                <ul class="reasons" aria-label="Why">
                  {reasonsShown(it).map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
                {it.snooze && asleep ? <p class="snooze-note">{snoozeNote(it.snooze, zone)}</p> : null}
                {it.snooze && !asleep ? <p class="back-note">{backNote(it.snooze)}</p> : null}
              </div>
              <div class="wl-meta">
                {it.at ? (
                  <time dateTime={it.at} title={dateTime(it.at)}>
                    {relativeTime(it.at)}
                  </time>
                ) : null}
                {props.owners ? <span class="owner">{it.owner_user_id ? (props.owners.get(it.owner_user_id) ?? `User #${it.owner_user_id}`) : queued ? 'In a queue' : 'Unassigned'}</span> : null}
              </div>
              {writable ? (
                <div class="wl-actions">
                  {it.task_id && queued ? (
                    <button type="button" onClick={() => claim(it)}>
                      Claim
                    </button>
                  ) : null}
                  {it.task_id && !queued ? (
                    <>
                      <button type="button" onClick={() => setAction({ kind: 'complete', item: it })} aria-label={`Complete task: ${it.title}`}>
                        Complete
                      </button>
                      <button type="button" onClick={() => setAction({ kind: 'pause', item: it })} aria-label={`Pause task: ${it.title}`}>
                        Pause
                      </button>
                    </>
                  ) : null}
                  {it.patient_id ? (
                    <button type="button" onClick={() => setAction({ kind: 'contact', item: it })} aria-label={`Log contact for ${nameOf(it.patient_id)}`}>
                      Log contact
                    </button>
                  ) : null}
                  {canSnooze(it, user) ? (
                    <button type="button" aria-haspopup="dialog" onClick={() => setAction({ kind: 'snooze', item: it })} aria-label={`Snooze: ${it.title}`}>
                      Snooze
                    </button>
                  ) : null}
                  {it.snooze && asleep && canWake(user) ? (
                    <button type="button" onClick={() => wake(it)} aria-label={`Wake now: ${it.title}`}>
                      Wake now
                    </button>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>

      {action?.kind === 'complete' && action.item.task_id ? (
        <CompleteTaskDialog taskId={action.item.task_id} title={action.item.title} onClose={() => setAction(null)} onDone={() => done(`Completed “${action.item.title}”.`)} />
      ) : null}
      {action?.kind === 'pause' && action.item.task_id ? (
        <PauseTaskDialog taskId={action.item.task_id} title={action.item.title} onClose={() => setAction(null)} onDone={() => done(`Paused “${action.item.title}”.`)} />
      ) : null}
      {action?.kind === 'snooze' && action.item.key ? (
        <SnoozeDialog
          itemKey={action.item.key}
          subject={`${nameOf(action.item.patient_id)}: ${action.item.title}`}
          current={action.item.snooze ?? null}
          onClose={() => setAction(null)}
          onStale={() => snoozeStale(action.item)}
          onDone={(s) => snoozeDone(action.item, s.until)}
        />
      ) : null}
      {action?.kind === 'contact' ? (
        <LogContactDialog
          caseId={action.item.case_id}
          patientId={action.item.patient_id}
          subject={nameOf(action.item.patient_id)}
          onClose={() => setAction(null)}
          onDone={() => done(`Contact logged for ${nameOf(action.item.patient_id)}.`)}
        />
      ) : null}
    </div>
  );
}
