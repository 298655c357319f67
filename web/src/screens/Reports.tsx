// Reports for supervisors and auditors, for one chosen period: the 30-day
// readmission report (GET /api/v1/reports/readmissions: index discharges,
// readmissions, the rate, discharges whose window is still open) and the
// insurance report (GET /api/v1/reports/insurance: the CMS-0057-F decision
// metrics, expedited and standard apart; by payer; denials by service;
// appeals by level; open requests and appeals by age). Simple SVG bar charts
// beside the tables (each with a text description). Each report downloads as
// CSV or XLSX from the server (`?format=`), fetched with the session and
// named as the server names it.
import { useEffect, useState } from 'preact/hooks';
import { api, type ReadmissionReport } from '../api';
import { addDays } from '../lib/organisation';
import { useSession } from '../session';
import { AGE_BUCKETS, DECISION_METRICS, barWidths, formatMetric, levelName, periodBounds, type InsuranceReport } from '../lib/insurance';
import { ErrorMessage, Field, Link, Loading } from '../components/ui';
import { Downloads } from '../components/Downloads';
import { OutcomesView } from './Outcomes';
import { EvaluationView } from './Evaluation';
import { MeasurePacksView } from './MeasurePacks';

const VIEWS: { id: string; label: string; intro: string }[] = [
  {
    id: 'readmissions',
    label: 'Readmissions and insurance',
    intro: '30-day readmissions; insurance: prior authorization decisions (the CMS-0057-F public metrics), payers, denials, appeals and open work.',
  },
  { id: 'outcomes', label: 'Outcomes and equity', intro: 'What case management achieved: each outcome measure with its 95 % interval, and the equity view by patient group.' },
  {
    id: 'evaluation',
    label: 'Program evaluation',
    intro: "Hospital use before and after enrolment in a program, against patients not enrolled: each cohort's change and the enrolled change relative to the comparison's.",
  },
  { id: 'packs', label: 'Measure packs', intro: 'Accreditation measures (NCQA case management, HEDIS TRC, FMC-style follow-up, PCR) with the cases still pending and how each is read.' },
];

export function Reports(props: { view: string | null }) {
  const view = VIEWS.find((v) => v.id === props.view) ?? (VIEWS[0] as (typeof VIEWS)[number]);
  useEffect(() => {
    document.title = 'Reports — casekeeper';
  }, []);
  return (
    <section class="reports">
      <div class="screen-head">
        <h1 tabIndex={-1}>Reports</h1>
        <p class="muted">{view.intro}</p>
      </div>
      <nav class="subnav" aria-label="Reports">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.id}>
              <Link href={v.id === 'readmissions' ? '/reports' : `/reports?view=${v.id}`} aria-current={v.id === view.id ? 'page' : undefined}>
                {v.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {view.id === 'outcomes' ? <OutcomesView /> : null}
      {view.id === 'evaluation' ? <EvaluationView /> : null}
      {view.id === 'packs' ? <MeasurePacksView /> : null}
      {view.id === 'readmissions' ? <ReadmissionsAndInsurance /> : null}
    </section>
  );
}

function ReadmissionsAndInsurance() {
  const { org, today } = useSession();
  const [from, setFrom] = useState(() => addDays(today(), -30));
  const [to, setTo] = useState(() => today());
  const [report, setReport] = useState<InsuranceReport | null>(null);
  const [readmissions, setReadmissions] = useState<ReadmissionReport | null>(null);
  const [period, setPeriod] = useState<{ from: string; to: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');

  const run = async (f = from, t = to) => {
    setError(null);
    const b = periodBounds(f, t, org.time_zone);
    if (!b) {
      setError(new Error('choose a period whose end is not before its start'));
      return;
    }
    setBusy(true);
    try {
      const [ins, rea] = await Promise.all([api.insuranceReport(b.from, b.to), api.readmissionReport(f, t)]);
      setReport(ins);
      setReadmissions(rea);
      setPeriod({ from: f, to: t });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    run();
  }, []);

  return (
    <>
      <form
        class="card report-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
        noValidate
      >
        <Field id="rep-from" label="From">
          {(a) => <input {...a} type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
        </Field>
        <Field id="rep-to" label="To (inclusive)">
          {(a) => <input {...a} type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Show report
          </button>
        </div>
      </form>
      <p class="sr-status" role="status">
        {status}
      </p>
      <ErrorMessage error={error} labels={{ from: 'From', to: 'To' }} />
      {busy && !report ? <Loading what="the report" /> : null}
      {readmissions && period ? (
        <section class="report-section" aria-labelledby="rep-readm-h">
          <div class="tab-head">
            <h2 id="rep-readm-h">Readmissions within 30 days</h2>
            <Downloads report="readmissions" title="readmission report" params={{ from: period.from, to: period.to }} onDone={setStatus} />
          </div>
          <ReadmissionView r={readmissions} />
        </section>
      ) : null}
      {report && period ? (
        <section class="report-section" aria-labelledby="rep-ins-h">
          <div class="tab-head">
            <h2 id="rep-ins-h">Insurance</h2>
            <Downloads report="insurance" title="insurance report" params={periodBounds(period.from, period.to, org.time_zone) ?? {}} onDone={setStatus} />
          </div>
          <ReportView r={report} period={period} />
        </section>
      ) : null}
    </>
  );
}

function ReadmissionView(props: { r: ReadmissionReport }) {
  const r = props.r;
  const rate = r.rate === null || r.rate === undefined ? '—' : formatMetric(r.rate, 'share');
  return (
    <div class="report" data-testid="readmission-report">
      <p>
        Index discharges from {r.from} to {r.to} (local days, {r.time_zone}): <strong data-testid="index-discharges">{r.index_discharges}</strong>, of which{' '}
        <strong data-testid="readmissions">{r.readmissions}</strong> followed by an unplanned readmission within 30 days: <strong data-testid="readmission-rate">{rate}</strong>.
      </p>
      <table class="results report-table" id="rep-readmissions">
        <caption class="sr-only">30-day readmission measure</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          <tr data-measure="index_discharges">
            <th scope="row">Index discharges (denominator)</th>
            <td>{r.index_discharges}</td>
          </tr>
          <tr data-measure="readmissions">
            <th scope="row">Followed by a readmission within 30 days (numerator)</th>
            <td>{r.readmissions}</td>
          </tr>
          <tr data-measure="rate">
            <th scope="row">Readmission rate</th>
            <td>{rate}</td>
          </tr>
          <tr data-measure="planned_readmissions_excluded">
            <th scope="row">Followed only by a planned readmission (not counted)</th>
            <td>{r.planned_readmissions_excluded}</td>
          </tr>
          <tr data-measure="window_open" class={r.window_open ? 'overdue-row' : ''}>
            <th scope="row">30-day window still open</th>
            <td>{r.window_open}</td>
          </tr>
        </tbody>
      </table>
      {r.window_open ? (
        <p class="notice small">
          {r.window_open} of these discharges are less than 30 days ago: their window is still open, so the readmissions and the rate may still grow.
        </p>
      ) : null}
      <BarChart
        id="chart-readmissions"
        title="Index discharges and readmissions"
        bars={[
          { label: 'Index discharges', value: r.index_discharges, text: String(r.index_discharges) },
          { label: 'Readmissions', value: r.readmissions, text: `${r.readmissions} (${rate})` },
          { label: 'Window still open', value: r.window_open, text: String(r.window_open) },
        ]}
      />
      <p class="muted small">Definition: {r.definition}.</p>
    </div>
  );
}

interface Bar {
  label: string;
  value: number;
  text: string;
}

/** A horizontal SVG bar chart: role="img" with the numbers in its name, a caption below. */
function BarChart(props: { title: string; bars: Bar[]; id: string }) {
  const W = 560;
  const LABEL = 190;
  const ROW = 26;
  const H = props.bars.length * ROW + 8;
  const widths = barWidths(
    props.bars.map((b) => b.value),
    W - LABEL - 110,
  );
  const desc = `${props.title}: ${props.bars.map((b) => `${b.label} ${b.text}`).join('; ')}.`;
  return (
    <figure class="chart bar-chart" aria-labelledby={`${props.id}-cap`}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={desc} class="bars">
        {props.bars.map((b, i) => (
          <g key={b.label}>
            <text x={LABEL - 8} y={i * ROW + 19} class="bar-label" text-anchor="end">
              {b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}
            </text>
            <rect x={LABEL} y={i * ROW + 6} width={widths[i] ?? 0} height={ROW - 10} class="bar" />
            <text x={LABEL + (widths[i] ?? 0) + 6} y={i * ROW + 19} class="bar-value">
              {b.text}
            </text>
          </g>
        ))}
      </svg>
      <figcaption id={`${props.id}-cap`} class="muted small">
        {desc}
      </figcaption>
    </figure>
  );
}

function ReportView(props: { r: InsuranceReport; period: { from: string; to: string } }) {
  const r = props.r;
  const cms = r.cms_0057_f;
  return (
    <div class="report" data-testid="insurance-report">
      <p>
        Requests decided from {props.period.from} to {props.period.to}: <strong data-testid="decided-total">{r.prior_authorizations.decided}</strong>.
      </p>

      <h2>Prior authorization decisions (CMS-0057-F)</h2>
      <table class="results report-table" id="rep-cms">
        <caption class="sr-only">Decision metrics, expedited and standard requests apart</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Expedited</th>
            <th scope="col">Standard</th>
            <th scope="col">All</th>
          </tr>
        </thead>
        <tbody>
          {DECISION_METRICS.map((m) => (
            <tr key={m.id} data-metric={m.id}>
              <th scope="row">{m.label}</th>
              <td>{formatMetric(cms.expedited[m.id] as number | null, m.kind)}</td>
              <td>{formatMetric(cms.standard[m.id] as number | null, m.kind)}</td>
              <td>{formatMetric(r.prior_authorizations[m.id] as number | null, m.kind)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <BarChart
        id="chart-within"
        title="Decided within the regulatory time"
        bars={[
          { label: 'Expedited', value: cms.expedited.within_time_share, text: `${formatMetric(cms.expedited.within_time_share, 'share')} of ${cms.expedited.decided}` },
          { label: 'Standard', value: cms.standard.within_time_share, text: `${formatMetric(cms.standard.within_time_share, 'share')} of ${cms.standard.decided}` },
        ]}
      />

      <h2>By payer</h2>
      {r.by_payer.length === 0 ? (
        <p class="empty">No decisions in this period.</p>
      ) : (
        <>
          <table class="results report-table" id="rep-payer">
            <thead>
              <tr>
                <th scope="col">Payer</th>
                <th scope="col">Decided</th>
                <th scope="col">Approved</th>
                <th scope="col">Denied</th>
                <th scope="col">Approved after appeal</th>
                <th scope="col">Denial rate</th>
                <th scope="col">Within time</th>
                <th scope="col">Median hours</th>
              </tr>
            </thead>
            <tbody>
              {r.by_payer.map((p) => (
                <tr key={p.payer}>
                  <th scope="row">{p.payer}</th>
                  <td>{p.decided}</td>
                  <td>{p.approved}</td>
                  <td>{p.denied}</td>
                  <td>{p.approved_after_appeal}</td>
                  <td>{formatMetric(p.denial_rate, 'share')}</td>
                  <td>{formatMetric(p.within_time_share, 'share')}</td>
                  <td>{formatMetric(p.median_hours, 'hours')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <BarChart id="chart-payer" title="Denial rate by payer" bars={r.by_payer.map((p) => ({ label: p.payer, value: p.denial_rate, text: formatMetric(p.denial_rate, 'share') }))} />
        </>
      )}

      <h2>Denials by service code</h2>
      {r.by_service.length === 0 ? (
        <p class="empty">No decisions in this period.</p>
      ) : (
        <table class="results report-table" id="rep-service">
          <thead>
            <tr>
              <th scope="col">Service code</th>
              <th scope="col">Decided</th>
              <th scope="col">Denied</th>
              <th scope="col">Denial rate</th>
            </tr>
          </thead>
          <tbody>
            {r.by_service.map((s) => (
              <tr key={s.code}>
                <th scope="row">{s.code}</th>
                <td>{s.decided}</td>
                <td>{s.denied}</td>
                <td>{formatMetric(s.denial_rate, 'share')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Appeals decided by level</h2>
      {r.appeals_by_level.length === 0 ? (
        <p class="empty">No appeals decided in this period.</p>
      ) : (
        <>
          <table class="results report-table" id="rep-appeals">
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col">Decided</th>
                <th scope="col">Overturned</th>
                <th scope="col">Partially overturned</th>
                <th scope="col">Overturn rate</th>
                <th scope="col">Decided within time</th>
              </tr>
            </thead>
            <tbody>
              {r.appeals_by_level.map((a) => (
                <tr key={a.level} data-level={a.level}>
                  <th scope="row">{levelName(a.level)}</th>
                  <td>{a.decided}</td>
                  <td>{a.overturned}</td>
                  <td>{a.partially_overturned}</td>
                  <td>{formatMetric(a.overturn_rate, 'share')}</td>
                  <td>{a.decided_within_time}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <BarChart
            id="chart-appeals"
            title="Overturn rate by appeal level"
            bars={r.appeals_by_level.map((a) => ({ label: levelName(a.level), value: a.overturn_rate, text: `${formatMetric(a.overturn_rate, 'share')} of ${a.decided}` }))}
          />
        </>
      )}

      <h2>Open items by age</h2>
      <table class="results report-table" id="rep-open">
        <caption class="sr-only">Open requests and appeals by age, and overdue</caption>
        <thead>
          <tr>
            <th scope="col">Age</th>
            <th scope="col">Open requests</th>
            <th scope="col">Open appeals</th>
          </tr>
        </thead>
        <tbody>
          {AGE_BUCKETS.map((b) => (
            <tr key={b.id} class={b.id === 'overdue' ? 'overdue-row' : ''}>
              <th scope="row">{b.label}</th>
              <td>{r.open_requests_by_age[b.id]}</td>
              <td>{r.open_appeals_by_age[b.id]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <BarChart
        id="chart-open"
        title="Open requests by age"
        bars={AGE_BUCKETS.map((b) => ({ label: b.label, value: r.open_requests_by_age[b.id], text: String(r.open_requests_by_age[b.id]) }))}
      />
    </div>
  );
}
