// The outcomes report (GET /api/v1/reports/outcomes, docs/outcomes.md) on
// /reports?view=outcomes: the question (period, population, program, payer,
// stratification, measures), each measure as numerator, denominator, rate and
// 95 % interval, and — stratified — each group's rate, its gap to the overall
// rate and whether it differs significantly, with an SVG interval chart (no
// chart library; geometry in lib/chart.ts) whose figures are also in its
// accessible name and in the table beside it. CSV (one row per measure and
// group) and XLSX come from the server.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { intervalChart } from '../lib/chart';
import { addDays, type Program } from '../lib/organisation';
import { useSession } from '../session';
import {
  DIMENSIONS,
  MEASURES,
  POPULATIONS,
  dimensionLabel,
  formatGap,
  formatInterval,
  formatRate,
  formatValue,
  groupLabel,
  payerChoices,
  intervalWords,
  isProportion,
  outcomesParams,
  rateHeading,
  significanceText,
  stratifiedSummary,
  type OutcomeMeasure,
  type OutcomesQuery,
  type OutcomesReport,
} from '../lib/outcomes';
import { Downloads } from '../components/Downloads';
import { PeriodFields, ProgramField, ReportForm, ReportStatus } from '../components/ReportFilters';
import { Field, fieldError } from '../components/ui';

const LABELS: Record<string, string> = {
  from: 'From',
  to: 'To (inclusive)',
  population: 'Population',
  program: 'Program',
  payer: 'Payer',
  by: 'Stratify by',
  measures: 'Measures',
  team_id: 'Team',
  user_id: 'Case manager',
};

// The question asked last, kept in this tab's memory (never in the URL) so
// coming back shows it again; dropped with the page.
let lastQuery: OutcomesQuery | null = null;

export function OutcomesView() {
  const { org, today } = useSession();
  const [q, setQ] = useState<OutcomesQuery>(
    () => lastQuery ?? { from: addDays(today(), -365), to: today(), population: 'case_managed', program: '', payer: '', by: '', measures: MEASURES.map((m) => m.key) },
  );
  const [report, setReport] = useState<OutcomesReport | null>(null);
  const [asked, setAsked] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const set = <K extends keyof OutcomesQuery>(k: K, v: OutcomesQuery[K]) => setQ((old) => ({ ...old, [k]: v }));

  const run = async (query = q) => {
    setError(null);
    setBusy(true);
    const params = outcomesParams(query);
    try {
      const r = await api.outcomesReport(params);
      setReport(r);
      setAsked(params);
      lastQuery = query;
      setStatus(`Outcomes report shown: ${r.measures.length} measure${r.measures.length === 1 ? '' : 's'}${r.by ? `, by ${dimensionLabel(r.by).toLowerCase()}` : ''}.`);
    } catch (e) {
      setError(e);
      setReport(null);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    run();
    // Case managers by name for the case_manager groups (the report names them by username).
    api.caseloads().then(
      (r) => setNames(new Map(r.items.map((c) => [c.username, c.display_name]))),
      () => undefined,
    );
  }, []);

  const allChosen = q.measures.length === MEASURES.length;
  return (
    <div class="outcomes">
      <ReportForm class="card outcomes-form" labelledBy="out-form-h" busy={busy} submitLabel="Show outcomes" onRun={() => run()}>
        <h2 id="out-form-h">The question</h2>
        <div class="grid4">
          <PeriodFields idPrefix="out" from={q.from} to={q.to} onChange={set} error={error} />
          <Field id="out-population" label="Population" hint={POPULATIONS.find((p) => p.value === q.population)?.hint} error={fieldError(error, 'population', LABELS.population)}>
            {(a) => (
              <select {...a} value={q.population} onChange={(e) => set('population', e.currentTarget.value)}>
                {POPULATIONS.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="out-by" label="Stratify by" hint="Each group's rate, gap and significance" error={fieldError(error, 'by', LABELS.by)}>
            {(a) => (
              <select {...a} value={q.by} onChange={(e) => set('by', e.currentTarget.value)}>
                <option value="">No stratification</option>
                {DIMENSIONS.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <ProgramField id="out-program" value={q.program} onChange={(v) => set('program', v)} programs={org.programs} none="Every program" hint="Cases of one program" error={error} />
          <Field id="out-payer" label="Payer" hint="Patients covered by one payer on record" error={fieldError(error, 'payer', LABELS.payer)}>
            {(a) => (
              <select {...a} value={q.payer} onChange={(e) => set('payer', e.currentTarget.value)}>
                <option value="">Every payer</option>
                {payerChoices(org.payers, q.payer).map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <fieldset class={fieldError(error, 'measures') ? 'checks measures invalid' : 'checks measures'} aria-describedby={fieldError(error, 'measures') ? 'out-measures-error' : 'out-measures-hint'}>
          <legend>Measures</legend>
          <span class="hint" id="out-measures-hint">
            {allChosen ? 'All measures.' : q.measures.length === 0 ? 'None chosen: the report shows all of them.' : `${q.measures.length} of ${MEASURES.length} measures.`}{' '}
            <button type="button" class="link" onClick={() => set('measures', allChosen ? [] : MEASURES.map((m) => m.key))}>
              {allChosen ? 'Clear all' : 'Choose all'}
            </button>
          </span>
          <div class="options">
            {MEASURES.map((m) => (
              <label key={m.key}>
                <input
                  type="checkbox"
                  name="out-measure"
                  value={m.key}
                  checked={q.measures.includes(m.key)}
                  onChange={(e) => set('measures', e.currentTarget.checked ? [...q.measures, m.key] : q.measures.filter((k) => k !== m.key))}
                />
                {m.name}
              </label>
            ))}
          </div>
          {fieldError(error, 'measures') ? (
            <span class="field-error" id="out-measures-error">
              {fieldError(error, 'measures', LABELS.measures)}
            </span>
          ) : null}
        </fieldset>
      </ReportForm>
      <ReportStatus status={status} error={error} labels={LABELS} loading={busy && !report} what="the outcomes report" />
      {report && asked ? <OutcomesResult r={report} params={asked} names={names} programs={org.programs} onDone={setStatus} /> : null}
    </div>
  );
}

function OutcomesResult(props: { r: OutcomesReport; params: Record<string, string>; names: Map<string, string>; programs: Program[]; onDone: (m: string) => void }) {
  const r = props.r;
  const population = POPULATIONS.find((p) => p.value === r.population)?.label ?? r.population;
  const filters = Object.entries(r.filters ?? {}).map(([k, v]) => `${(LABELS[k] ?? k).toLowerCase()} ${k === 'program' ? groupLabel('program', v, undefined, props.programs) : v}`);
  const stratified = r.by ? r.measures.filter((m) => m.groups.length > 0) : [];
  return (
    <section class="report-section" aria-labelledby="out-h" data-testid="outcomes-report">
      <div class="tab-head">
        <h2 id="out-h">Outcome measures</h2>
        <Downloads report="outcomes" title="outcomes report" params={props.params} table="figures" onDone={props.onDone} />
      </div>
      <p data-testid="outcomes-question">
        {population}, {r.from} to {r.to}
        {filters.length ? `; ${filters.join(', ')}` : ''}
        {r.by ? `; stratified by ${dimensionLabel(r.by).toLowerCase()}` : ''}. Aggregates only: no patient is named.
      </p>
      <div class="table-scroll" role="region" aria-labelledby="out-measures-cap" tabIndex={0}>
        <table class="results report-table outcomes-table" id="out-measures">
          <caption id="out-measures-cap">Each measure over the whole population asked about, with its 95 % interval</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Numerator</th>
              <th scope="col">Denominator</th>
              <th scope="col">Rate</th>
              <th scope="col">95 % interval</th>
              <th scope="col">Also</th>
            </tr>
          </thead>
          <tbody>
            {r.measures.map((m) => (
              <tr key={m.key} data-measure={m.key}>
                <th scope="row">{m.name}</th>
                <td>{m.overall.numerator}</td>
                <td>{m.overall.denominator}</td>
                <td>
                  {formatRate(m.overall.rate, m.unit)}
                  {!isProportion(m.unit) ? <span class="muted small"> per 1,000 patient-months</span> : null}
                </td>
                <td>{formatInterval(m.overall.ci_low, m.overall.ci_high, m.unit)}</td>
                <td>{m.overall.denominator === 0 ? <span class="muted">nothing to count in this period</span> : formatValue(m, m.overall)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details class="definitions">
        <summary>How each measure is counted</summary>
        <dl>
          {r.measures.map((m) => (
            <div key={m.key}>
              <dt>{m.name}</dt>
              <dd>{m.definition}</dd>
            </div>
          ))}
        </dl>
        <p class="small">
          Intervals: Wilson score (rates), Byar's approximation (per patient-month). A group is flagged <em>significant</em> when it differs from all the others with p &lt; 0.05
          and both have at least 10 in the denominator; no correction for testing many groups is applied — a flag is a question to look into, not a finding.
        </p>
      </details>
      {r.by && stratified.length === 0 ? <p class="empty">No group to show: nothing was counted in this period.</p> : null}
      {stratified.map((m) => (
        <MeasureByGroup key={m.key} m={m} by={r.by} names={props.names} programs={props.programs} />
      ))}
    </section>
  );
}

function MeasureByGroup(props: { m: OutcomeMeasure; by: string | null; names: Map<string, string>; programs: Program[] }) {
  const { m, by, names, programs } = props;
  const id = `om-${m.key}`;
  const dim = dimensionLabel(by).toLowerCase();
  const flagged = m.groups.filter((g) => g.significant);
  return (
    <section class="outcome-measure" aria-labelledby={`${id}-h`} data-measure={m.key}>
      <h3 id={`${id}-h`}>
        {m.name} by {dim}
      </h3>
      <p class="small">
        Overall {formatRate(m.overall.rate, m.unit)} ({intervalWords(m.overall.ci_low, m.overall.ci_high, m.unit)}).{' '}
        {flagged.length
          ? `Significantly different from the rest: ${flagged.map((g) => groupLabel(by, g.group, names, programs)).join(', ')}.`
          : 'No group differs significantly from the rest.'}
      </p>
      <IntervalChart m={m} by={by} names={names} programs={programs} id={id} />
      <div class="table-scroll" role="region" aria-labelledby={`${id}-cap`} tabIndex={0}>
        <table class="results report-table outcomes-table" id={`${id}-table`}>
          <caption id={`${id}-cap`} class="sr-only">
            {m.name} by {dim}: each group's figures
          </caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Numerator</th>
              <th scope="col">Denominator</th>
              <th scope="col">{rateHeading(m.unit)}</th>
              <th scope="col">95 % interval</th>
              <th scope="col">Gap to overall</th>
              <th scope="col">Significant</th>
            </tr>
          </thead>
          <tbody>
            {m.groups.map((g) => (
              <tr key={g.group} data-group={g.group} class={g.significant ? 'significant-row' : ''}>
                <th scope="row">{groupLabel(by, g.group, names, programs)}</th>
                <td>{g.numerator}</td>
                <td>{g.denominator}</td>
                <td>{formatRate(g.rate, m.unit)}</td>
                <td>{formatInterval(g.ci_low, g.ci_high, m.unit)}</td>
                <td>{formatGap(g.gap, m.unit)}</td>
                <td>{g.significant ? <strong class="badge warn">{significanceText(g)}</strong> : significanceText(g)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Overall</th>
              <td>{m.overall.numerator}</td>
              <td>{m.overall.denominator}</td>
              <td>{formatRate(m.overall.rate, m.unit)}</td>
              <td>{formatInterval(m.overall.ci_low, m.overall.ci_high, m.unit)}</td>
              <td>—</td>
              <td>—</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

const W = 720;
const LABEL_W = 205;
const VALUE_W = 200;
const ROW_H = 28;

/**
 * Horizontal bars per group (the rate), the 95 % interval as a whisker and
 * the overall rate as a dashed reference line. role="img" with every figure
 * in its accessible name; the legend below, the table after it.
 */
function IntervalChart(props: { m: OutcomeMeasure; by: string | null; names: Map<string, string>; programs: Program[]; id: string }) {
  const { m, by, names, programs } = props;
  const proportion = isProportion(m.unit);
  const g = useMemo(
    () =>
      intervalChart({
        rows: m.groups.map((x) => ({ label: groupLabel(by, x.group, names, programs), rate: x.rate, low: x.ci_low, high: x.ci_high })),
        overall: m.overall.rate,
        proportion,
        width: W,
        labelWidth: LABEL_W,
        valueWidth: VALUE_W,
        rowHeight: ROW_H,
      }),
    [m, by, names, programs],
  );
  const tick = (v: number) => (proportion ? `${Math.round(v * 1000) / 10} %` : String(Math.round(v * 10) / 10));
  const overallText = `Overall ${formatRate(m.overall.rate, m.unit)}`;
  const overallAnchor = g.overallX === null ? 'middle' : g.overallX > g.plotRight - 50 ? 'end' : g.overallX < g.plotLeft + 50 ? 'start' : 'middle';
  return (
    <figure class="chart interval-chart" aria-labelledby={`${props.id}-legend`}>
      <svg viewBox={`0 0 ${g.width} ${g.height}`} role="img" aria-label={stratifiedSummary(m, by, names, programs)} class="intervals">
        {g.ticks.map((t) => (
          <g key={t.value}>
            <line x1={t.x} x2={t.x} y1={14} y2={g.axisY} class="grid" />
            <text x={t.x} y={g.axisY + 16} class="tick" text-anchor="middle">
              {tick(t.value)}
            </text>
          </g>
        ))}
        <line x1={g.plotLeft} x2={g.plotRight} y1={g.axisY} y2={g.axisY} class="axis" />
        {g.rows.map((row, i) => {
          const f = m.groups[i];
          if (!f) return null;
          const label = row.label.length > 25 ? `${row.label.slice(0, 24)}…` : row.label;
          return (
            <g key={f.group} class={f.significant ? 'row significant' : 'row'}>
              <text x={g.plotLeft - 8} y={row.y + 4} class="bar-label" text-anchor="end">
                {label}
              </text>
              {row.barWidth !== null ? <rect x={g.plotLeft} y={row.barY} width={row.barWidth} height={row.barHeight} class="bar" /> : null}
              {row.whisker ? (
                <g class="whisker">
                  <line x1={row.whisker.x1} x2={row.whisker.x2} y1={row.y} y2={row.y} />
                  <line x1={row.whisker.x1} x2={row.whisker.x1} y1={row.y - 6} y2={row.y + 6} />
                  <line x1={row.whisker.x2} x2={row.whisker.x2} y1={row.y - 6} y2={row.y + 6} />
                </g>
              ) : null}
              <text x={row.textX} y={row.y + 4} class="bar-value">
                {f.rate === null ? 'no data' : `${formatRate(f.rate, m.unit)}${f.significant ? ' — significant' : ''}`}
              </text>
            </g>
          );
        })}
        {g.overallX !== null ? (
          <g class="overall">
            <line x1={g.overallX} x2={g.overallX} y1={16} y2={g.axisY} class="reference" />
            <text x={g.overallX} y={11} class="reference-label" text-anchor={overallAnchor}>
              {overallText}
            </text>
          </g>
        ) : null}
      </svg>
      <figcaption id={`${props.id}-legend`} class="muted small">
        {m.name} by {dimensionLabel(by).toLowerCase()}: bars are each group's {proportion ? 'rate' : 'rate per 1,000 patient-months'}, whiskers its 95 % interval, the dashed line the
        overall {formatRate(m.overall.rate, m.unit)}; groups that differ significantly say so. The table below has every figure.
      </figcaption>
    </figure>
  );
}
