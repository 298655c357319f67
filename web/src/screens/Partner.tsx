// The community organisation's page (/partner): one referral opened by its
// secure link, without an account. The link's token is in the URL fragment
// (#token=…), which browsers never send to the server, so it stays out of
// access logs; main.tsx reads it and removes it from the address bar before
// anything renders, and it lives only in memory here. The page shows the
// minimum necessary the server sends and lets the organisation accept or
// decline, record the outcome and update its capacity. No navigation, no
// session, no storage.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type PartnerView } from '../api';
import { ApiError } from '../lib/errors';
import { dateOnly, dateTime, todayIso } from '../lib/format';
import { PARTNER_STEP_LABELS, capacityLabel, languageName, partnerLinkProblem, referralStatusLabel, domainLabel } from '../lib/social';
import { Field, fieldError } from '../components/ui';

type Phase = { kind: 'no-link' } | { kind: 'loading' } | { kind: 'refused'; message: string } | { kind: 'open'; view: PartnerView };

export function PartnerPage(props: { token: string | null; onToken: (listen: (token: string) => void) => void }) {
  // The token, in memory only (never in state that could be serialised, the URL or storage).
  const token = useRef<string | null>(props.token);
  const [phase, setPhase] = useState<Phase>(props.token ? { kind: 'loading' } : { kind: 'no-link' });
  const [done, setDone] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  const open = async () => {
    const t = token.current;
    if (!t) {
      setPhase({ kind: 'no-link' });
      return;
    }
    setPhase({ kind: 'loading' });
    try {
      setPhase({ kind: 'open', view: await api.partnerReferral(t) });
    } catch (err) {
      setPhase({ kind: 'refused', message: err instanceof ApiError ? partnerLinkProblem(err.status, err.message) : 'Something went wrong. Try again.' });
    }
  };

  useEffect(() => {
    // No names in the title: titles end up in the browser's history.
    document.title = 'Community referral — casekeeper';
    document.documentElement.lang = 'en';
    // Another link pasted into this tab changes only the fragment: no reload.
    props.onToken((t) => {
      token.current = t;
      setDone('');
      open();
    });
    open();
  }, []);
  useEffect(() => {
    if (phase.kind !== 'loading') heading.current?.focus();
  }, [phase.kind]);

  return (
    <div class="partner-page">
      <header class="partner-bar">
        <span class="brand">casekeeper</span> <span>Community referral</span>
      </header>
      <main id="main" class="partner-main">
        {phase.kind === 'loading' ? (
          <p class="loading" role="status">
            Opening the referral…
          </p>
        ) : null}
        {phase.kind === 'no-link' ? (
          <section>
            <h1 ref={heading} tabIndex={-1}>
              Open your referral link
            </h1>
            <p>This page opens a referral a case manager sent to your organisation. Open the link from the message you received.</p>
            <p class="muted">
              For privacy, the page removes the link's code from the address bar as soon as it has read it, so reloading or bookmarking this page does not work: open the link
              from the message again.
            </p>
          </section>
        ) : null}
        {phase.kind === 'refused' ? (
          <section>
            <h1 ref={heading} tabIndex={-1}>
              This link cannot be used
            </h1>
            <div class="error" role="alert">
              <p>{phase.message}</p>
            </div>
          </section>
        ) : null}
        {phase.kind === 'open' ? (
          <Referral
            view={phase.view}
            heading={heading}
            done={done}
            onAnswered={(view, message) => {
              setPhase({ kind: 'open', view });
              setDone(message);
            }}
            onRefused={(message) => setPhase({ kind: 'refused', message })}
            token={() => token.current ?? ''}
          />
        ) : null}
      </main>
    </div>
  );
}

function Referral(props: {
  view: PartnerView;
  heading: { current: HTMLHeadingElement | null };
  done: string;
  token: () => string;
  onAnswered: (v: PartnerView, message: string) => void;
  onRefused: (message: string) => void;
}) {
  const v = props.view;
  const p = v.patient;
  return (
    <article aria-labelledby="partner-h">
      <h1 id="partner-h" ref={props.heading} tabIndex={-1}>
        Referral to {v.organization}
      </h1>
      <p class="partner-lead">
        {v.referred_by || 'A case manager'} referred a person to <strong>{v.service}</strong> on {dateOnly(v.sent_at)}. The need: {v.need_domain ? domainLabel(v.need_domain) : v.need}.
      </p>
      <p>
        Status: <span class={`badge rstatus-${v.status}`}>{referralStatusLabel(v.status)}</span>
        {v.status === 'sent' && v.answer_due_at ? <span> · please answer by {dateTime(v.answer_due_at)}</span> : null}
      </p>
      <p class="sr-status" role="status">
        {props.done}
      </p>

      <h2>The person referred</h2>
      <dl class="facts-list">
        <dt>Name</dt>
        <dd>{p.name}</dd>
        <dt>Phone</dt>
        <dd>{p.phone ? <a href={`tel:${p.phone.replace(/[^\d+]/g, '')}`}>{p.phone}</a> : 'Not given'}</dd>
        <dt>Preferred language</dt>
        <dd>{languageName(p.preferred_language)}</dd>
        <dt>Address</dt>
        <dd>{p.address ?? <span class="muted">Not shared</span>}</dd>
        <dt>City and ZIP code</dt>
        <dd>{p.city_zip ?? <span class="muted">Not known</span>}</dd>
      </dl>
      {v.note ? (
        <>
          <h2>Note from the case manager</h2>
          <p class="partner-note">{v.note}</p>
        </>
      ) : null}

      <AnswerForm view={v} token={props.token} onAnswered={props.onAnswered} onRefused={props.onRefused} />

      <footer class="partner-foot muted small">
        <p>
          This link is for {v.organization} only and works until {dateOnly(v.link_expires_at)}: do not forward it. The person agreed to share these details with you for this
          referral. Close this page when you are done.
        </p>
      </footer>
    </article>
  );
}

function AnswerForm(props: { view: PartnerView; token: () => string; onAnswered: (v: PartnerView, message: string) => void; onRefused: (message: string) => void }) {
  const v = props.view;
  const [f, setF] = useState({ status: '', reason: '', service_date: v.today || todayIso(), outcome_note: '', capacity: '', capacity_note: '', responder: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setF((x) => ({ ...x, status: '', reason: '', outcome_note: '' })), [v.status]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!f.status && !f.capacity) {
      setError(new ApiError(400, { error: 'choose an answer or a capacity', field: v.allowed.length ? 'status' : 'capacity' }));
      return;
    }
    const body: Record<string, unknown> & { token: string } = { token: props.token() };
    if (f.status) body.status = f.status;
    if (f.status === 'declined' && f.reason.trim()) body.reason = f.reason.trim();
    if (f.status === 'service_delivered' && f.service_date) body.service_date = f.service_date;
    if (f.status && f.status !== 'declined' && f.outcome_note.trim()) body.outcome_note = f.outcome_note.trim();
    if (f.capacity) body.capacity = f.capacity;
    if (f.capacity && f.capacity_note.trim()) body.capacity_note = f.capacity_note.trim();
    if (f.responder.trim()) body.responder = f.responder.trim();
    setBusy(true);
    try {
      const out = await api.partnerUpdate(body);
      const parts = [f.status ? `the referral is now ${referralStatusLabel(out.status).toLowerCase()}` : '', f.capacity ? `your capacity is ${capacityLabel(out.capacity).toLowerCase()}` : '']
        .filter(Boolean)
        .join('; ');
      props.onAnswered(out, `Thank you: your answer was recorded (${parts}). The case manager sees it now.`);
      setF((x) => ({ ...x, capacity: '', capacity_note: '' }));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || (err.status === 409 && /expired|closed/i.test(err.message)))) {
        props.onRefused(partnerLinkProblem(err.status, err.message));
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };
  const top = error instanceof ApiError ? (error.field ? null : partnerLinkProblem(error.status, error.message)) : error ? 'Something went wrong. Try again.' : null;
  const fieldMsg = (field: string, label: string) => fieldError(error, field, label);
  return (
    <form class="card partner-form" onSubmit={submit} noValidate aria-labelledby="answer-h">
      <h2 id="answer-h">{v.allowed.length ? 'Your answer' : 'Your capacity'}</h2>
      {top ? (
        <div class="error" role="alert">
          <p>{top}</p>
        </div>
      ) : error ? (
        <div class="error" role="alert">
          <p>Check the form: {(error as ApiError).message}.</p>
        </div>
      ) : null}
      {v.allowed.length ? (
        <fieldset class={`radios${fieldMsg('status', 'Answer') ? ' invalid' : ''}`} aria-describedby={fieldMsg('status', 'Answer') ? 'partner-status-error' : undefined}>
          <legend>What happened</legend>
          <div class="options">
            {v.allowed.map((a) => (
              <label key={a}>
                <input type="radio" name="partner-status" checked={f.status === a} onChange={() => setF({ ...f, status: a })} /> {PARTNER_STEP_LABELS[a] ?? a}
              </label>
            ))}
          </div>
          {fieldMsg('status', 'Answer') ? (
            <span class="field-error" id="partner-status-error">
              {fieldMsg('status', 'Answer')}
            </span>
          ) : null}
        </fieldset>
      ) : (
        <p>Nothing more is needed on this referral{v.status === 'service_delivered' ? ': the service was recorded as delivered' : ''}. You can still tell us your capacity.</p>
      )}
      {f.status === 'declined' ? (
        <Field id="partner-reason" label="Why you cannot take this referral" hint="Required" error={fieldMsg('reason', 'Why you cannot take this referral')}>
          {(x) => <textarea {...x} rows={2} value={f.reason} onInput={(e) => setF({ ...f, reason: e.currentTarget.value })} />}
        </Field>
      ) : null}
      {f.status === 'service_delivered' ? (
        <Field id="partner-date" label="Date of the service" error={fieldMsg('service_date', 'Date of the service')}>
          {(x) => <input {...x} type="date" max={v.today || undefined} value={f.service_date} onInput={(e) => setF({ ...f, service_date: e.currentTarget.value })} />}
        </Field>
      ) : null}
      {f.status && f.status !== 'declined' ? (
        <Field id="partner-note" label="Note for the case manager" hint="Optional: what was provided, next steps" error={fieldMsg('outcome_note', 'Note')}>
          {(x) => <textarea {...x} rows={2} value={f.outcome_note} onInput={(e) => setF({ ...f, outcome_note: e.currentTarget.value })} />}
        </Field>
      ) : null}
      <div class="grid2">
        <Field id="partner-capacity" label="Your capacity now" hint={`Listed as: ${capacityLabel(v.capacity).toLowerCase()}`} error={fieldMsg('capacity', 'Capacity')}>
          {(x) => (
            <select {...x} value={f.capacity} onChange={(e) => setF({ ...f, capacity: e.currentTarget.value })}>
              <option value="">No change</option>
              <option value="open">Taking new clients</option>
              <option value="waitlist">Waitlist</option>
              <option value="full">Full</option>
            </select>
          )}
        </Field>
        {f.capacity ? (
          <Field id="partner-capacity-note" label="Capacity note" hint="Optional, e.g. how long the wait is" error={fieldMsg('capacity_note', 'Capacity note')}>
            {(x) => <input {...x} value={f.capacity_note} onInput={(e) => setF({ ...f, capacity_note: e.currentTarget.value })} />}
          </Field>
        ) : null}
      </div>
      <Field id="partner-responder" label="Your name" hint="Optional, for the record" error={fieldMsg('responder', 'Your name')}>
        {(x) => <input {...x} autoComplete="name" value={f.responder} onInput={(e) => setF({ ...f, responder: e.currentTarget.value })} />}
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send answer'}
        </button>
      </div>
    </form>
  );
}
