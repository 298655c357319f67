// Social needs on the case (src/social): barriers to care by need, with
// severity, status, where they came from (a screening or by hand), the care
// plan problem they belong to and their outcome; the community resource
// directory searched from the patient's home for one barrier; referrals to
// an organisation, sent with the patient's consent and a secure link shown
// once; and the referrals' answers, countdowns and staff steps. The URL
// carries only ids: ?tab=social&barrier=ID&referral=ID.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  type Barrier,
  type CarePlan,
  type Consent,
  type Patient,
  type ResourceHit,
  type ResourceReferral,
  type ResourceSearchAnswer,
  type ReferralWithLink,
  type SocialEvent,
} from '../../api';
import { ApiError } from '../../lib/errors';
import { dateOnly, dateTime } from '../../lib/format';
import {
  BARRIER_MOVE_LABELS,
  BARRIER_STATUS_LABELS,
  DOMAIN_LABELS,
  SEVERITIES,
  absoluteLink,
  answerClock,
  barrierMoves,
  barrierPatch,
  capacityLabel,
  domainLabel,
  eventText,
  isBarrierOpen,
  languageName,
  milesText,
  outcomeRequired,
  referralOutcomeText,
  referralStatusLabel,
  resourceQuery,
  sharingConsent,
  staffSteps,
  stepLabel,
  stepNeeds,
  suggestedOutcome,
  type ReferralStepKind,
} from '../../lib/social';
import { navigate } from '../../router';
import { can, useSession } from '../../session';
import { Dialog, ErrorMessage, Field, Link, Loading, fieldError } from '../../components/ui';
import type { TabProps } from '../PatientView';

interface Data {
  domains: string[];
  barriers: Barrier[];
  referrals: ResourceReferral[];
  consents: Consent[];
  problems: CarePlan['problems'];
}

type DialogState =
  | { kind: 'add' }
  | { kind: 'update'; barrierId: number }
  | { kind: 'refer'; barrierId: number; resource: ResourceHit }
  | { kind: 'step'; referralId: number; step: ReferralStepKind }
  | null;

const OPEN_REFERRAL = new Set(['draft', 'sent', 'accepted']);
const SEVERITY_LABELS: Record<string, string> = { low: 'Low', moderate: 'Moderate', high: 'High', urgent: 'Urgent' };

export function SocialTab(props: TabProps) {
  const { user } = useSession();
  const pid = props.patient.id;
  const caseRecord = props.caseRecord;
  const caseId = caseRecord?.id ?? null;
  const writable = can.write(user.role) && !!caseRecord && caseRecord.status !== 'closed';
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [dialog, setDialog] = useState<DialogState>(null);

  const load = () =>
    Promise.all([
      api.socialDomains().catch(() => ({ items: Object.keys(DOMAIN_LABELS) })),
      api.barriers(pid, caseId),
      api.resourceReferrals(pid),
      // Consents and the care plan only help the forms; the tab works without them.
      api.consents(pid).catch(() => ({ items: [] as Consent[] })),
      caseId ? api.carePlans(caseId).catch(() => ({ items: [] as CarePlan[] })) : Promise.resolve({ items: [] as CarePlan[] }),
    ]).then(
      ([d, b, r, c, plans]) => {
        setData({
          domains: d.items,
          barriers: b.items,
          referrals: r.items.filter((x) => x.case_id === caseId),
          consents: c.items,
          problems: plans.items.flatMap((p) => p.problems),
        });
        setError(null);
      },
      setError,
    );
  useEffect(() => {
    load();
  }, [pid, caseId]);

  const href = (barrier: number | null, referral: number | null = null) => {
    const q = new URLSearchParams();
    if (caseId) q.set('case', String(caseId));
    q.set('tab', 'social');
    if (barrier) q.set('barrier', String(barrier));
    if (referral) q.set('referral', String(referral));
    return `/patients/${pid}?${q.toString()}`;
  };

  if (error) return <ErrorMessage error={error} what="barrier" />;
  if (!data) return <Loading what="social needs" />;

  const focusReferral = props.focus.referral ? (data.referrals.find((r) => r.id === props.focus.referral) ?? null) : null;
  const selected = props.focus.barrier ? (data.barriers.find((b) => b.id === props.focus.barrier) ?? null) : null;
  const problemText = (id: number | null) => (id ? (data.problems.find((p) => p.id === id)?.description ?? `Problem #${id}`) : null);
  const done = (message: string) => {
    setDialog(null);
    // Announce once the screen shows the change.
    load().then(() => setStatus(message));
  };
  const dialogBarrier = dialog && (dialog.kind === 'update' || dialog.kind === 'refer') ? data.barriers.find((b) => b.id === dialog.barrierId) : undefined;
  const dialogReferral = dialog?.kind === 'step' ? data.referrals.find((r) => r.id === dialog.referralId) : undefined;

  return (
    <div class="social">
      <p class="sr-status" role="status">
        {status}
      </p>
      <div class="tab-head">
        <h2>Barriers to care</h2>
        {writable ? (
          <button type="button" class="primary" onClick={() => setDialog({ kind: 'add' })}>
            Add a barrier
          </button>
        ) : null}
      </div>
      <p class="muted small">Needs found by a social needs screening open here by themselves; others are added by hand. Open ones come first, the most severe first.</p>
      {data.barriers.length === 0 ? <p class="empty">No barriers recorded on this case.</p> : null}
      <ul class="barriers plain">
        {data.barriers.map((b) => (
          <li key={b.id}>
            <BarrierCard
              b={b}
              selected={b.id === selected?.id}
              referrals={data.referrals.filter((r) => r.barrier_id === b.id)}
              problem={problemText(b.problem_id)}
              patientId={pid}
              caseId={caseId}
              writable={writable}
              href={href}
              onUpdate={() => setDialog({ kind: 'update', barrierId: b.id })}
            />
          </li>
        ))}
      </ul>

      {props.focus.barrier && !selected ? <p class="error">Barrier #{props.focus.barrier} is not one of this case's.</p> : null}
      {selected ? (
        <ResourceFinder
          key={selected.id}
          barrier={selected}
          patient={props.patient}
          domains={data.domains}
          referrals={data.referrals.filter((r) => r.barrier_id === selected.id)}
          writable={writable && isBarrierOpen(selected.status)}
          closeHref={href(null)}
          onRefer={(resource) => setDialog({ kind: 'refer', barrierId: selected.id, resource })}
        />
      ) : null}

      <h2>Referrals to community organisations</h2>
      {data.referrals.length === 0 ? <p class="empty">No referrals on this case yet. Open a barrier's resources to refer.</p> : null}
      {props.focus.referral && !focusReferral ? <p class="error">Referral #{props.focus.referral} is not one of this case's.</p> : null}
      <ul class="referrals plain">
        {data.referrals.map((r) => (
          <li key={r.id}>
            <ReferralCard r={r} focused={r.id === focusReferral?.id} writable={writable} onStep={(step) => setDialog({ kind: 'step', referralId: r.id, step })} />
          </li>
        ))}
      </ul>

      {dialog?.kind === 'add' && caseId ? (
        <AddBarrierDialog
          caseId={caseId}
          domains={data.domains}
          open={new Set(data.barriers.filter((b) => isBarrierOpen(b.status)).map((b) => b.domain))}
          problems={data.problems}
          onClose={() => setDialog(null)}
          onDone={(b) => {
            done(`Barrier added: ${domainLabel(b.domain)}.`);
            navigate(href(b.id));
          }}
        />
      ) : null}
      {dialog?.kind === 'update' && dialogBarrier ? (
        <BarrierDialog
          barrier={dialogBarrier}
          problems={data.problems}
          referrals={data.referrals.filter((r) => r.barrier_id === dialogBarrier.id)}
          onStale={load}
          onClose={() => setDialog(null)}
          onDone={done}
        />
      ) : null}
      {dialog?.kind === 'refer' && dialogBarrier ? (
        <ReferDialog
          barrier={dialogBarrier}
          resource={dialog.resource}
          consents={data.consents}
          onSaved={load}
          onClose={() => setDialog(null)}
          onDone={done}
        />
      ) : null}
      {dialog?.kind === 'step' && dialogReferral ? (
        <StepDialog referral={dialogReferral} step={dialog.step} consents={data.consents} onSaved={load} onClose={() => setDialog(null)} onDone={done} />
      ) : null}
    </div>
  );
}

function SeverityBadge(props: { severity: string }) {
  return <span class={`badge sev-${props.severity}`}>{SEVERITY_LABELS[props.severity] ?? props.severity} severity</span>;
}

function BarrierCard(props: {
  b: Barrier;
  selected: boolean;
  referrals: ResourceReferral[];
  problem: string | null;
  patientId: number;
  caseId: number | null;
  writable: boolean;
  href: (barrier: number | null) => string;
  onUpdate: () => void;
}) {
  const b = props.b;
  const open = isBarrierOpen(b.status);
  const label = domainLabel(b.domain);
  const assessmentHref = `/patients/${props.patientId}?${props.caseId ? `case=${props.caseId}&` : ''}tab=assessments&assessment=${b.assessment_id}`;
  return (
    <article class={`card barrier${props.selected ? ' focused' : ''}${open ? '' : ' closed'}`} data-barrier-id={b.id} aria-labelledby={`barrier-${b.id}-h`}>
      <div class="tab-head">
        <h3 id={`barrier-${b.id}-h`}>{label}</h3>
        <span class="badges">
          <SeverityBadge severity={b.severity} />{' '}
          <span class={`badge bstatus-${b.status}`}>{BARRIER_STATUS_LABELS[b.status] ?? b.status}</span>
        </span>
      </div>
      <p class="small">
        {b.source === 'screening' ? (
          <>
            From screening on{' '}
            {b.assessment_id ? (
              <Link href={assessmentHref} aria-label={`From screening on ${dateOnly(b.identified_at)}: open the assessment`}>
                {dateOnly(b.identified_at)}
              </Link>
            ) : (
              dateOnly(b.identified_at)
            )}
          </>
        ) : (
          <>Added by hand on {dateOnly(b.identified_at)}</>
        )}
        {b.closed_at ? ` · closed ${dateOnly(b.closed_at)}` : ''}
      </p>
      {b.description ? <p>{b.description}</p> : null}
      <dl class="facts-list">
        <dt>Care plan problem</dt>
        <dd>{props.problem ?? <span class="muted">Not linked</span>}</dd>
        {props.referrals.length ? (
          <>
            <dt>Referrals</dt>
            <dd>
              <ul class="plain referral-outcomes">
                {props.referrals.map((r) => (
                  <li key={r.id}>
                    {referralOutcomeText(r)}
                    <AnswerClock r={r} />
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {b.outcome ? (
          <>
            <dt>Outcome</dt>
            <dd class="barrier-outcome">{b.outcome}</dd>
          </>
        ) : null}
      </dl>
      <div class="actions">
        {open ? (
          <Link href={props.href(b.id)} class="button-link" aria-current={props.selected ? 'true' : undefined} aria-label={`Find resources for ${label}`}>
            Find resources
          </Link>
        ) : null}
        {props.writable ? (
          <button type="button" onClick={props.onUpdate} aria-label={`${open ? 'Update' : 'Reopen'} ${label}`}>
            {open ? 'Update' : 'Reopen'}
          </button>
        ) : null}
      </div>
      <details>
        <summary>History ({b.history.length})</summary>
        <EventList items={b.history} label={`History of ${label}`} />
      </details>
    </article>
  );
}

function EventList(props: { items: SocialEvent[]; label: string }) {
  return (
    <ol class="history" aria-label={props.label}>
      {props.items.map((h, i) => (
        <li key={i} class={h.by_partner ? 'by-partner' : undefined}>
          <time dateTime={h.at}>{dateTime(h.at)}</time> {eventText(h)}
        </li>
      ))}
    </ol>
  );
}

/** The organisation's answer countdown, in words (colour only repeats it). */
function AnswerClock(props: { r: ResourceReferral }) {
  const c = answerClock(props.r);
  if (!c || !props.r.answer_due_at) return null;
  return (
    <span class={`deadline answer-clock${c.overdue ? ' overdue' : c.soon ? ' soon' : ''}`}>
      {c.overdue ? <strong>⚠ </strong> : null}
      <time dateTime={props.r.answer_due_at} title={dateTime(props.r.answer_due_at)}>
        {c.text}
      </time>
      <span class="muted small"> (due {dateTime(props.r.answer_due_at)})</span>
    </span>
  );
}

function ReferralCard(props: { r: ResourceReferral; focused: boolean; writable: boolean; onStep: (s: ReferralStepKind) => void }) {
  const r = props.r;
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (props.focused) ref.current?.scrollIntoView({ block: 'center' });
  }, [props.focused]);
  const steps = props.writable ? staffSteps(r.status) : [];
  const ok = r.status === 'accepted' || r.status === 'service_delivered';
  return (
    <article ref={ref} class={`card referral${props.focused ? ' focused' : ''}`} data-referral-id={r.id} aria-labelledby={`referral-${r.id}-h`}>
      <div class="tab-head">
        <h3 id={`referral-${r.id}-h`}>
          {r.resource.organization}: {r.resource.service}
        </h3>
        <span class={`badge rstatus-${r.status}${ok ? ' ok' : ''}`}>{referralStatusLabel(r.status)}</span>
      </div>
      <p class="small">
        For: {domainLabel(r.barrier_domain)} · referral #{r.id}
      </p>
      <AnswerClock r={r} />
      <dl class="facts-list">
        {r.sent_at ? (
          <>
            <dt>Sent</dt>
            <dd>
              {dateTime(r.sent_at)}
              {r.link_expires_at && r.status !== 'closed' ? <span class="muted small"> · the organisation's link expires {dateOnly(r.link_expires_at)}</span> : null}
            </dd>
          </>
        ) : (
          <>
            <dt>Created</dt>
            <dd>{dateTime(r.created_at)} · not sent yet</dd>
          </>
        )}
        {r.answered_at ? (
          <>
            <dt>Answered</dt>
            <dd>{dateTime(r.answered_at)}</dd>
          </>
        ) : null}
        {r.note ? (
          <>
            <dt>Note for the organisation</dt>
            <dd>{r.note}</dd>
          </>
        ) : null}
        <dt>Address shared</dt>
        <dd>{r.share_address ? 'Yes, the street address' : 'No, city and ZIP code only'}</dd>
        {r.decline_reason ? (
          <>
            <dt>Why declined</dt>
            <dd>{r.decline_reason}</dd>
          </>
        ) : null}
        {r.service_date ? (
          <>
            <dt>Service date</dt>
            <dd>{r.service_date}</dd>
          </>
        ) : null}
        {r.outcome_note ? (
          <>
            <dt>Outcome</dt>
            <dd>{r.outcome_note}</dd>
          </>
        ) : null}
      </dl>
      {steps.length ? (
        <div class="actions" role="group" aria-label={`Record a step on referral #${r.id}`}>
          {steps.map((s) => (
            <button type="button" key={s} onClick={() => props.onStep(s)} class={s === 'sent' && r.status === 'draft' ? 'primary' : ''}>
              {stepLabel(s, r.status)}
            </button>
          ))}
        </div>
      ) : null}
      <details>
        <summary>History ({r.history.length})</summary>
        <EventList items={r.history} label={`History of referral #${r.id}`} />
      </details>
    </article>
  );
}

const DISTANCES = ['2', '5', '10', '25'];

function ResourceFinder(props: {
  barrier: Barrier;
  patient: Patient;
  domains: string[];
  referrals: ResourceReferral[];
  writable: boolean;
  closeHref: string;
  onRefer: (r: ResourceHit) => void;
}) {
  const lang = props.patient.preferred_language;
  const [f, setF] = useState({ domain: props.barrier.domain, text: '', onlyLanguage: !!lang, within: '', hideFull: true });
  const [answer, setAnswer] = useState<ResourceSearchAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const search = async (e?: Event) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // The search terms travel in the request only, never in the page's address.
      const query = resourceQuery({ domain: f.domain, text: f.text, language: f.onlyLanguage && lang ? lang : '', withinMiles: f.within, hideFull: f.hideFull });
      setAnswer(await api.patientResources(props.patient.id, query));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    search();
  }, []);
  const label = domainLabel(props.barrier.domain);
  const referred = (resourceId: number) => props.referrals.find((r) => r.resource.id === resourceId && OPEN_REFERRAL.has(r.status));
  const patientLang = (l: string) => !!lang && l.toLowerCase().split('-')[0] === lang.toLowerCase().split('-')[0];
  return (
    <section class="card finder" aria-labelledby="finder-h">
      <div class="tab-head">
        <h2 id="finder-h" ref={heading} tabIndex={-1}>
          Find resources: {label}
        </h2>
        <Link href={props.closeHref} class="small">
          Close
        </Link>
      </div>
      <form class="finder-form" onSubmit={search} noValidate role="search" aria-label="Community resources">
        <div class="grid4">
          <Field id="rs-domain" label="Need" error={fieldError(error, 'domain')}>
            {(x) => (
              <select {...x} value={f.domain} onChange={(e) => setF({ ...f, domain: e.currentTarget.value })}>
                {props.domains.map((d) => (
                  <option key={d} value={d}>
                    {domainLabel(d)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="rs-text" label="Words" hint="In the name, service, description or eligibility" error={fieldError(error, 'q')}>
            {(x) => <input {...x} type="search" value={f.text} onInput={(e) => setF({ ...f, text: e.currentTarget.value })} />}
          </Field>
          <Field id="rs-within" label="Distance from home" error={fieldError(error, 'within_miles')}>
            {(x) => (
              <select {...x} value={f.within} onChange={(e) => setF({ ...f, within: e.currentTarget.value })}>
                <option value="">Any distance</option>
                {DISTANCES.map((d) => (
                  <option key={d} value={d}>
                    Within {d} miles
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div class="finder-checks">
          {lang ? (
            <label class="check">
              <input type="checkbox" checked={f.onlyLanguage} onChange={(e) => setF({ ...f, onlyLanguage: e.currentTarget.checked })} /> Only services in {languageName(lang)} (the
              patient's language)
            </label>
          ) : null}
          <label class="check">
            <input type="checkbox" checked={f.hideFull} onChange={(e) => setF({ ...f, hideFull: e.currentTarget.checked })} /> Hide services that are full
          </label>
          <button type="submit" class="primary" disabled={busy}>
            Search
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {answer ? (
        <>
          <p class="small" role="status">
            {answer.items.length === 0 ? 'No service matches.' : `${answer.items.length} service${answer.items.length === 1 ? '' : 's'}, nearest first.`}{' '}
            {answer.origin ? `Distances from ${answer.origin}.` : 'The patient has no home ZIP code on record: distances are not known.'}
          </p>
          <ul class="resources plain">
            {answer.items.map((r) => {
              const open = referred(r.id);
              return (
                <li key={r.id} class="card resource" data-resource-id={r.id} aria-labelledby={`res-${r.id}-h`}>
                  <div class="tab-head">
                    <h3 id={`res-${r.id}-h`}>
                      {r.organization}: {r.service}
                    </h3>
                    <span class="distance">{milesText(r.distance_miles)}</span>
                  </div>
                  <p>
                    <span class={`badge cap-${r.capacity}`}>{capacityLabel(r.capacity)}</span>
                    {r.capacity_note ? <span class="small"> {r.capacity_note}</span> : null}
                  </p>
                  {r.description ? <p>{r.description}</p> : null}
                  <dl class="facts-list">
                    <dt>Languages</dt>
                    <dd>
                      {r.languages.map((l, i) => (
                        <span key={l}>
                          {i ? ', ' : ''}
                          {patientLang(l) ? <strong>{languageName(l)} (the patient's language)</strong> : languageName(l)}
                        </span>
                      ))}
                    </dd>
                    {r.hours ? (
                      <>
                        <dt>Hours</dt>
                        <dd>{r.hours}</dd>
                      </>
                    ) : null}
                    {r.phone ? (
                      <>
                        <dt>Phone</dt>
                        <dd>
                          <a href={`tel:${r.phone.replace(/[^\d+]/g, '')}`}>{r.phone}</a>
                        </dd>
                      </>
                    ) : null}
                    {r.address_line || r.city ? (
                      <>
                        <dt>Address</dt>
                        <dd>{[r.address_line, r.city, [r.state, r.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ')}</dd>
                      </>
                    ) : null}
                    {r.eligibility ? (
                      <>
                        <dt>Eligibility</dt>
                        <dd>{r.eligibility}</dd>
                      </>
                    ) : null}
                    <dt>Meets</dt>
                    <dd>{r.domains.map(domainLabel).join('; ')}</dd>
                  </dl>
                  {open ? (
                    <p class="small">
                      <strong>Already referred</strong> (referral #{open.id}: {referralStatusLabel(open.status).toLowerCase()}).
                    </p>
                  ) : props.writable ? (
                    <div class="actions">
                      <button type="button" class="primary" onClick={() => props.onRefer(r)} aria-label={`Refer to ${r.organization}: ${r.service}`}>
                        Refer
                      </button>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </>
      ) : error ? null : (
        <Loading what="resources" />
      )}
    </section>
  );
}

const CONSENT_METHODS: [string, string][] = [
  ['', 'Not asked yet'],
  ['verbal', 'Agreed verbally'],
  ['written', 'Agreed in writing'],
  ['electronic', 'Agreed electronically'],
];

/** A 409 refusing to send without the patient's consent (the server names no field). */
function consentProblem(error: unknown, org: string): string | null {
  if (error instanceof ApiError) {
    // The server names the field since the social needs API's fixes; the sentence names the organisation.
    if (error.field === 'consent_method') return `Patient's consent to share with ${org}: ${error.message}.`;
    if (error.status === 409 && !error.field && /agreed to share|consent/i.test(error.message)) return `Patient's consent to share with ${org}: ${error.message}.`;
  }
  return null;
}

/** The patient's consent to share with the organisation: shown as given, or asked for. */
function ConsentChoice(props: { organization: string; consents: Consent[]; value: string; onChange: (v: string) => void; problem: string | null }) {
  const existing = sharingConsent(props.consents, props.organization, useSession().today());
  if (existing) {
    return (
      <p class="notice small">
        The patient agreed to share with {props.organization} on {existing.granted_on} ({existing.method}).
      </p>
    );
  }
  return (
    <fieldset class={`radios consent${props.problem ? ' invalid' : ''}`} aria-describedby={`consent-hint${props.problem ? ' consent-error' : ''}`} aria-invalid={!!props.problem}>
      <legend>The patient's consent to share with {props.organization}</legend>
      <p class="hint" id="consent-hint">
        Sending shares the patient's name, phone, language, the need and your note (and the street address if chosen). Ask the patient first; their answer is recorded as an
        information-sharing consent naming this organisation.
      </p>
      <div class="options">
        {CONSENT_METHODS.map(([v, l]) => (
          <label key={v}>
            <input type="radio" name="consent-method" checked={props.value === v} onChange={() => props.onChange(v)} /> {l}
          </label>
        ))}
      </div>
      {props.problem ? (
        <span class="field-error" id="consent-error">
          {props.problem}
        </span>
      ) : null}
    </fieldset>
  );
}

/** The organisation's link, once: copy it now, it is not shown again. */
function LinkOnce(props: { referral: ReferralWithLink; onDone: () => void }) {
  const link = props.referral.link;
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  if (!link) return null;
  const url = absoluteLink(link.url, window.location.origin);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied. Paste it into your message to the organisation.');
    } catch {
      input.current?.focus();
      input.current?.select();
      setCopied('Copying was not allowed here: the link is selected, press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  };
  return (
    <div class="link-once">
      <p>
        <strong>
          Referral sent to {props.referral.resource.organization}.
        </strong>{' '}
        Give them this secure link: it opens the referral without an account, and lets them accept it and record the outcome. It expires on {dateOnly(link.expires_at)}.
      </p>
      <p class="warning-text">
        <strong>This link will not be shown again.</strong> casekeeper keeps only a fingerprint of it. Copy it now and send it by a channel you trust. If it is lost, use
        “Send again” for a new link; the old one then stops working.
      </p>
      <div class="field">
        <label for="partner-link">Link for {props.referral.resource.organization}</label>
        <input id="partner-link" ref={input} class="link-field" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      </div>
      <div class="actions">
        <button type="button" class="primary" onClick={copy}>
          Copy link
        </button>
        <button type="button" onClick={props.onDone}>
          Done
        </button>
      </div>
      <p class="small" role="status">
        {copied}
      </p>
    </div>
  );
}

function ReferDialog(props: {
  barrier: Barrier;
  resource: ResourceHit;
  consents: Consent[];
  onSaved: () => void;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const r = props.resource;
  const { today } = useSession();
  const [f, setF] = useState({ note: '', share: false, consent: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<ReferralWithLink | null>(null);
  const consentMsg = consentProblem(error, r.organization);
  const send = async (now: boolean) => {
    setError(null);
    setBusy(true);
    const body: Record<string, unknown> = { resource_id: r.id, share_address: f.share, send: now };
    if (f.note.trim()) body.note = f.note.trim();
    if (now && f.consent && !sharingConsent(props.consents, r.organization, today())) body.consent_method = f.consent;
    try {
      const made = await api.refer(props.barrier.id, body);
      props.onSaved();
      if (made.link) setSent(made);
      else props.onDone(now ? `Referral #${made.id} sent to ${r.organization}.` : `Referral #${made.id} to ${r.organization} saved as a draft.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const finish = () => props.onDone(`Referral #${sent?.id} sent to ${r.organization}; answer due ${dateTime(sent?.answer_due_at)}.`);
  return (
    <Dialog title={sent ? 'Referral sent' : 'Refer to a community organisation'} onClose={sent ? finish : props.onClose} wide>
      <p class="dialog-subject">
        {r.organization}: {r.service} · for {domainLabel(props.barrier.domain)}
      </p>
      {sent ? (
        <LinkOnce referral={sent} onDone={finish} />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send(true);
          }}
          noValidate
        >
          {consentMsg ? (
            <div class="error" role="alert">
              <p>{consentMsg}</p>
            </div>
          ) : (
            <ErrorMessage error={error} what="referral" />
          )}
          <Field id="refer-note" label="Note for the organisation" hint="What the patient needs and how best to reach them; the organisation reads this" error={fieldError(error, 'note')}>
            {(x) => <textarea {...x} rows={3} value={f.note} onInput={(e) => setF({ ...f, note: e.currentTarget.value })} />}
          </Field>
          <label class="check">
            <input type="checkbox" checked={f.share} onChange={(e) => setF({ ...f, share: e.currentTarget.checked })} /> Share the patient's street address (otherwise only the city and
            ZIP code)
          </label>
          <ConsentChoice organization={r.organization} consents={props.consents} value={f.consent} onChange={(v) => setF({ ...f, consent: v })} problem={consentMsg} />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              Send now
            </button>
            <button type="button" disabled={busy} onClick={() => send(false)}>
              Save as draft
            </button>
            <button type="button" onClick={props.onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function StepDialog(props: {
  referral: ResourceReferral;
  step: ReferralStepKind;
  consents: Consent[];
  onSaved: () => void;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const r = props.referral;
  const step = props.step;
  const needs = stepNeeds(step);
  const { today } = useSession();
  const [f, setF] = useState(() => ({ reason: '', service_date: today(), outcome_note: '', consent: '' }));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<ReferralWithLink | null>(null);
  const org = r.resource.organization;
  const consentMsg = step === 'sent' ? consentProblem(error, org) : null;
  const reasonLabel = step === 'declined' ? 'Why the organisation declined' : 'Why it is closed';
  const title = stepLabel(step, r.status);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const body: Record<string, unknown> = { version: r.version, status: step };
    if (needs.reason && f.reason.trim()) body.reason = f.reason.trim();
    if (needs.serviceDate && f.service_date) body.service_date = f.service_date;
    if (needs.outcomeNote && f.outcome_note.trim()) body.outcome_note = f.outcome_note.trim();
    if (step === 'sent' && f.consent && !sharingConsent(props.consents, org, today())) body.consent_method = f.consent;
    try {
      const out = await api.referralStep(r.id, body);
      if (out.link) {
        props.onSaved();
        setSent(out);
      } else {
        props.onDone(`Referral #${out.id} to ${org}: ${referralStatusLabel(out.status).toLowerCase()}.`);
      }
    } catch (err) {
      setError(err);
      // A stale version: the latest referral is loaded, so applying again works.
      if (err instanceof ApiError && err.isStale) props.onSaved();
    } finally {
      setBusy(false);
    }
  };
  const finish = () => props.onDone(`Referral #${r.id} sent to ${org} with a new link.`);
  return (
    <Dialog title={sent ? 'Referral sent' : title} onClose={sent ? finish : props.onClose}>
      <p class="dialog-subject">
        {org}: {r.resource.service} · referral #{r.id}, {referralStatusLabel(r.status).toLowerCase()}
      </p>
      {sent ? (
        <LinkOnce referral={sent} onDone={finish} />
      ) : (
        <form onSubmit={submit} noValidate>
          {consentMsg ? (
            <div class="error" role="alert">
              <p>{consentMsg}</p>
            </div>
          ) : (
            <ErrorMessage error={error} what="referral" labels={{ reason: reasonLabel }} />
          )}
          {step !== 'sent' && step !== 'closed' ? <p class="small">Record what {org} told you, by phone for example. Their own steps through the link appear here by themselves.</p> : null}
          {step === 'sent' && r.status === 'sent' ? <p class="small">A new link is made; the one sent before stops working.</p> : null}
          {needs.reason ? (
            <Field id="step-reason" label={reasonLabel} error={fieldError(error, 'reason', reasonLabel)}>
              {(x) => <textarea {...x} rows={2} value={f.reason} onInput={(e) => setF({ ...f, reason: e.currentTarget.value })} />}
            </Field>
          ) : null}
          {needs.serviceDate ? (
            <Field id="step-date" label="Date of the service" error={fieldError(error, 'service_date')}>
              {(x) => <input {...x} type="date" max={today()} value={f.service_date} onInput={(e) => setF({ ...f, service_date: e.currentTarget.value })} />}
            </Field>
          ) : null}
          {needs.outcomeNote ? (
            <Field id="step-note" label="Outcome note" hint="What the organisation said" error={fieldError(error, 'outcome_note')}>
              {(x) => <textarea {...x} rows={2} value={f.outcome_note} onInput={(e) => setF({ ...f, outcome_note: e.currentTarget.value })} />}
            </Field>
          ) : null}
          {step === 'sent' ? <ConsentChoice organization={org} consents={props.consents} value={f.consent} onChange={(v) => setF({ ...f, consent: v })} problem={consentMsg} /> : null}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {title}
            </button>
            <button type="button" onClick={props.onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function ProblemSelect(props: { problems: CarePlan['problems']; value: string; onChange: (v: string) => void; error: string | null }) {
  return (
    <Field id="barrier-problem" label="Care plan problem" hint={props.problems.length ? undefined : "The case's care plan has no problems yet"} error={props.error}>
      {(x) => (
        <select {...x} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
          <option value="">Not linked</option>
          {props.problems.map((p) => (
            <option key={p.id} value={p.id}>
              {p.description}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function AddBarrierDialog(props: {
  caseId: number;
  domains: string[];
  open: Set<string>;
  problems: CarePlan['problems'];
  onClose: () => void;
  onDone: (b: Barrier) => void;
}) {
  const free = props.domains.filter((d) => !props.open.has(d));
  const [f, setF] = useState({ domain: free[0] ?? props.domains[0] ?? '', severity: 'moderate', description: '', problem_id: '' });
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { domain: f.domain, severity: f.severity };
    if (f.description.trim()) body.description = f.description.trim();
    if (f.problem_id) body.problem_id = Number(f.problem_id);
    try {
      props.onDone(await api.addBarrier(props.caseId, body));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title="Add a barrier" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="barrier" />
        <div class="grid2">
          <Field id="barrier-domain" label="Need" hint="Needs already open on this case are marked" error={fieldError(error, 'domain')}>
            {(x) => (
              <select {...x} value={f.domain} onChange={(e) => setF({ ...f, domain: e.currentTarget.value })}>
                {props.domains.map((d) => (
                  <option key={d} value={d}>
                    {domainLabel(d)}
                    {props.open.has(d) ? ' (already open)' : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="barrier-severity" label="Severity" error={fieldError(error, 'severity')}>
            {(x) => (
              <select {...x} value={f.severity} onChange={(e) => setF({ ...f, severity: e.currentTarget.value })}>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {SEVERITY_LABELS[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field id="barrier-description" label="Description" hint="What stands in the way of care, in the patient's words if possible" error={fieldError(error, 'description')}>
          {(x) => <textarea {...x} rows={3} value={f.description} onInput={(e) => setF({ ...f, description: e.currentTarget.value })} />}
        </Field>
        <ProblemSelect problems={props.problems} value={f.problem_id} onChange={(v) => setF({ ...f, problem_id: v })} error={fieldError(error, 'problem_id')} />
        <div class="actions">
          <button type="submit" class="primary">
            Add barrier
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function outcomeLabel(to: string): string {
  if (to === 'resolved') return 'How it was resolved';
  if (to === 'unable_to_resolve') return 'Why it could not be resolved';
  if (to === 'identified') return 'Why it is reopened';
  return 'Outcome';
}

function BarrierDialog(props: {
  barrier: Barrier;
  problems: CarePlan['problems'];
  referrals: ResourceReferral[];
  onStale: () => void;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const b = props.barrier;
  const open = isBarrierOpen(b.status);
  const moves = barrierMoves(b.status);
  const [f, setF] = useState({
    severity: b.severity as string,
    description: b.description ?? '',
    problem_id: b.problem_id ? String(b.problem_id) : '',
    status: open ? (b.status as string) : (moves[0] ?? b.status),
    outcome: '',
  });
  const [error, setError] = useState<unknown>(null);
  const label = domainLabel(b.domain);
  const needOutcome = f.status !== b.status && outcomeRequired(f.status);
  const oLabel = outcomeLabel(f.status);
  const suggestion = f.status === 'resolved' ? suggestedOutcome(props.referrals) : '';
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body = barrierPatch(b, f);
    if (!body) {
      setError(new ApiError(400, { error: 'Nothing has changed' }));
      return;
    }
    try {
      const out = await api.changeBarrier(b.id, body);
      props.onDone(`${label}: ${BARRIER_STATUS_LABELS[out.status] ?? out.status}, ${SEVERITY_LABELS[out.severity]?.toLowerCase() ?? out.severity} severity.`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.isStale) props.onStale();
    }
  };
  return (
    <Dialog title={open ? 'Update the barrier' : 'Reopen the barrier'} onClose={props.onClose}>
      <p class="dialog-subject">
        {label} · {BARRIER_STATUS_LABELS[b.status]}
      </p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} what="barrier" labels={{ outcome: oLabel }} />
        {open ? (
          <>
            <Field id="barrier-severity" label="Severity" error={fieldError(error, 'severity')}>
              {(x) => (
                <select {...x} value={f.severity} onChange={(e) => setF({ ...f, severity: e.currentTarget.value })}>
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {SEVERITY_LABELS[s]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <fieldset class="radios">
              <legend>Status</legend>
              <div class="options">
                <label>
                  <input type="radio" name="barrier-status" checked={f.status === b.status} onChange={() => setF({ ...f, status: b.status })} /> Keep:{' '}
                  {BARRIER_STATUS_LABELS[b.status]}
                </label>
                {moves.map((m) => (
                  <label key={m}>
                    <input type="radio" name="barrier-status" checked={f.status === m} onChange={() => setF({ ...f, status: m })} /> {BARRIER_MOVE_LABELS[m]}
                  </label>
                ))}
              </div>
            </fieldset>
          </>
        ) : (
          <p>
            Closed as “{BARRIER_STATUS_LABELS[b.status]}”{b.outcome ? `: ${b.outcome}` : ''}. Reopening makes it identified again.
          </p>
        )}
        {needOutcome || !open ? (
          <Field id="barrier-outcome" label={oLabel} hint="Required" error={fieldError(error, 'outcome', oLabel)}>
            {(x) => <textarea {...x} rows={2} value={f.outcome} onInput={(e) => setF({ ...f, outcome: e.currentTarget.value })} />}
          </Field>
        ) : null}
        {suggestion && needOutcome && f.outcome !== suggestion ? (
          <p class="small">
            From the referrals: {suggestion}{' '}
            <button type="button" class="link" onClick={() => setF({ ...f, outcome: suggestion })}>
              Use this
            </button>
          </p>
        ) : null}
        {open ? (
          <>
            <ProblemSelect problems={props.problems} value={f.problem_id} onChange={(v) => setF({ ...f, problem_id: v })} error={fieldError(error, 'problem_id')} />
            <Field id="barrier-description" label="Description" error={fieldError(error, 'description')}>
              {(x) => <textarea {...x} rows={2} value={f.description} onInput={(e) => setF({ ...f, description: e.currentTarget.value })} />}
            </Field>
          </>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary">
            {open ? 'Save' : 'Reopen'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
