// Program evaluation (/reports?view=evaluation; GET
// /api/v1/reports/program-evaluation): hospital use in the months before and
// after enrolment for the patients enrolled in a program over a period,
// against patients not enrolled around the median enrolment. Each measure:
// both cohorts' rates before and after with 95 % intervals, the after/before
// ratio with its interval, and the enrolled ratio relative to the
// comparison's, said in plain words (an interval that spans 1 is not
// evidence), with a before/after SVG chart (geometry in lib/chart.ts). CSV
// and XLSX come from the server.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { beforeAfterChart } from '../lib/chart';
import {
  COMPARISONS,
  beforeAfterSummary,
  changeWords,
  cohortLabel,
  evaluationParams,
  formatRatio,
  formatRatioInterval,
  periodCells,
  periodText,
  type EvaluatedMeasure,
  type EvaluationQuery,
  type ProgramEvaluation,
} from '../lib/evaluation';
import { dateTime } from '../lib/format';
import { addDays, programName } from '../lib/organisation';
import { useSession } from '../session';
import { formatRate, isProportion } from '../lib/outcomes';
import { Downloads } from '../components/Downloads';
import { PeriodFields, ProgramField, ReportForm, ReportStatus } from '../components/ReportFilters';
import { Field, fieldError } from '../components/ui';

const LABELS: Record<string, string> = {
  program: 'Program',
  from: 'Enrolled from',
  to: 'Enrolled to (inclusive)',
  months: 'Months before and after',
  comparison: 'Comparison',
};

// The question asked last, in this tab's memory only (never in the URL).
let lastQuery: EvaluationQuery | null = null;

export function EvaluationView() {
  const { org, today } = useSession();
  const [q, setQ] = useState<EvaluationQuery>(() => lastQuery ?? { program: '', from: addDays(today(), -365), to: today(), months: '6', comparison: 'utilizers' });
  const [report, setReport] = useState<ProgramEvaluation | null>(null);
  const [asked, setAsked] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const set = <K extends keyof EvaluationQuery>(k: K, v: EvaluationQuery[K]) => setQ((old) => ({ ...old, [k]: v }));

  const run = async (query = q) => {
    setError(null);
    setBusy(true);
    const params = evaluationParams(query);
    try {
      const r = await api.programEvaluation(params);
      setReport(r);
      setAsked(params);
      lastQuery = query;
      setStatus(`Program evaluation shown: ${r.cohorts[0]?.patients ?? 0} patients enrolled in ${programName(org.programs, r.program)}.`);
    } catch (e) {
      setError(e);
      setReport(null);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (lastQuery) run(lastQuery);
  }, []);

  return (
    <div class="evaluation">
      <ReportForm class="card outcomes-form" labelledBy="eval-form-h" busy={busy} submitLabel="Show evaluation" onRun={() => run()}>
        <h2 id="eval-form-h">The question</h2>
        <div class="grid4">
          <ProgramField id="eval-program" value={q.program} onChange={(v) => set('program', v)} programs={org.programs} none="Choose…" error={error} />
          <PeriodFields
            idPrefix="eval"
            from={q.from}
            to={q.to}
            onChange={set}
            error={error}
            fromLabel={LABELS.from}
            toLabel={LABELS.to}
            fromHint="Patients referred from this local day"
          />
          <Field id="eval-months" label="Months before and after" hint="1 to 24; the window on each side of enrolment" error={fieldError(error, 'months', LABELS.months)}>
            {(a) => <input {...a} type="number" min={1} max={24} inputMode="numeric" value={q.months} onInput={(e) => set('months', e.currentTarget.value)} />}
          </Field>
        </div>
        <fieldset class={fieldError(error, 'comparison') ? 'checks invalid' : 'checks'}>
          <legend>Compared with</legend>
          <div class="options comparison-options">
            {COMPARISONS.map((c) => (
              <label key={c.value}>
                <input type="radio" name="eval-comparison" value={c.value} checked={q.comparison === c.value} onChange={() => set('comparison', c.value)} />
                <span>
                  {c.label} <span class="muted small">— {c.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      </ReportForm>
      <ReportStatus status={status} error={error} labels={LABELS} loading={busy && !report} what="the evaluation" />
      {!report && !busy && !error ? <p class="empty">Choose a program and the enrolment period, then “Show evaluation”.</p> : null}
      {report && asked ? <EvaluationResult r={report} params={asked} onDone={setStatus} /> : null}
    </div>
  );
}

function EvaluationResult(props: { r: ProgramEvaluation; params: Record<string, string>; onDone: (m: string) => void }) {
  const r = props.r;
  const enrolled = r.cohorts.find((c) => c.group === 'enrolled');
  const comparison = r.cohorts.find((c) => c.group === 'comparison');
  const { org } = useSession();
  const program = programName(org.programs, r.program);
  return (
    <section class="report-section" aria-labelledby="eval-h" data-testid="evaluation-report">
      <div class="tab-head">
        <h2 id="eval-h">{program}: before and after enrolment</h2>
        <Downloads report="program-evaluation" title="program evaluation" params={props.params} onDone={props.onDone} />
      </div>
      <p data-testid="evaluation-question">
        {enrolled?.patients ?? 0} patients enrolled from {r.from} to {r.to}, each followed {r.months} months before and {r.months} months after enrolment (
        {enrolled?.complete_follow_up ?? 0} with the full {r.months} months after so far). Compared with {comparison?.patients ?? 0}{' '}
        {r.comparison === 'all' ? 'patients not enrolled' : 'patients not enrolled who used the hospital'}
        {r.comparison_index_at ? `, counted around the median enrolment (${dateTime(r.comparison_index_at).slice(0, 10)})` : ''}. Aggregates only: no patient is named.
      </p>
      <div class="notice caveat" data-testid="evaluation-caveat">
        <p>
          <strong>How to read this.</strong> A ratio is the rate after enrolment divided by the rate before: below 1 means less hospital use after, above 1 more.{' '}
          <strong>A ratio whose 95 % interval spans 1 is not evidence of a change</strong> — the difference could be chance. The relative change divides the enrolled patients'
          ratio by the comparison's, so that what would have happened anyway (patients are often enrolled after a spell in hospital that would have passed) is taken out as
          far as the comparison allows. This is an observational comparison, not a trial.
        </p>
      </div>
      {enrolled?.measures.map((m) => (
        <MeasureSection key={m.key} m={m} r={r} />
      ))}
    </section>
  );
}

function MeasureSection(props: { m: EvaluatedMeasure; r: ProgramEvaluation }) {
  const { m, r } = props;
  const id = `ev-${m.key}`;
  const rows = r.cohorts.map((c) => ({ group: c.group, patients: c.patients, fig: c.measures.find((x) => x.key === m.key) })).filter((x) => x.fig) as {
    group: string;
    patients: number;
    fig: EvaluatedMeasure;
  }[];
  const relative = r.relative.find((x) => x.key === m.key);
  const proportion = isProportion(m.unit);
  return (
    <section class="outcome-measure evaluation-measure" aria-labelledby={`${id}-h`} data-measure={m.key}>
      <h3 id={`${id}-h`}>{m.name}</h3>
      <ul class="plain change-words">
        {rows.map((x) => (
          <li key={x.group} data-group={x.group}>
            <strong>{cohortLabel(x.group)}:</strong> {periodText(x.fig.before, m.unit)} before, {periodText(x.fig.after, m.unit)} after. After ÷ before: {changeWords(x.fig.change)}
          </li>
        ))}
        <li data-group="relative" class="relative">
          <strong>Enrolled relative to the comparison:</strong> {relative ? changeWords(relative, 'than the comparison’s change') : 'no ratio — the comparison has nothing to compare.'}
        </li>
      </ul>
      <BeforeAfterChart m={m} rows={rows} id={id} />
      <div class="table-scroll" role="region" aria-labelledby={`${id}-cap`} tabIndex={0}>
        <table class="results report-table evaluation-table" id={`${id}-table`}>
          <caption id={`${id}-cap`} class="sr-only">
            {m.name}: each cohort before and after enrolment
          </caption>
          <thead>
            <tr>
              <th scope="col">Cohort</th>
              <th scope="col">Patients</th>
              <th scope="col">Before{proportion ? '' : ' (per 1,000 patient-months)'}</th>
              <th scope="col">95 % interval</th>
              <th scope="col">After{proportion ? '' : ' (per 1,000 patient-months)'}</th>
              <th scope="col">95 % interval</th>
              <th scope="col">After ÷ before</th>
              <th scope="col">95 % interval</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((x) => {
              const [b, bi] = periodCells(x.fig.before, m.unit);
              const [a, ai] = periodCells(x.fig.after, m.unit);
              return (
                <tr key={x.group} data-group={x.group} class={x.fig.change.significant ? 'significant-row' : ''}>
                  <th scope="row">{cohortLabel(x.group)}</th>
                  <td>{x.patients}</td>
                  <td>{b}</td>
                  <td>{bi}</td>
                  <td>{a}</td>
                  <td>{ai}</td>
                  <td>{formatRatio(x.fig.change.ratio)}</td>
                  <td>{formatRatioInterval(x.fig.change)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr data-group="relative" class={relative?.significant ? 'significant-row' : ''}>
              <th scope="row" colSpan={6}>
                Relative change (enrolled ratio ÷ comparison ratio)
              </th>
              <td>{formatRatio(relative?.ratio)}</td>
              <td>{relative ? formatRatioInterval(relative) : '—'}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

const W = 720;

function BeforeAfterChart(props: { m: EvaluatedMeasure; rows: { group: string; fig: EvaluatedMeasure }[]; id: string }) {
  const { m, rows } = props;
  const proportion = isProportion(m.unit);
  const g = useMemo(
    () =>
      beforeAfterChart({
        groups: rows.map((x) => ({
          label: cohortLabel(x.group),
          before: { rate: x.fig.before.rate, low: x.fig.before.ci_low, high: x.fig.before.ci_high },
          after: { rate: x.fig.after.rate, low: x.fig.after.ci_low, high: x.fig.after.ci_high },
        })),
        proportion,
        width: W,
        labelWidth: 120,
        valueWidth: 150,
        rowHeight: 24,
      }),
    [m, rows],
  );
  const tick = (v: number) => (proportion ? `${Math.round(v * 1000) / 10} %` : String(Math.round(v * 10) / 10));
  const summary = beforeAfterSummary(m, rows.map((x) => ({ group: x.group, before: x.fig.before, after: x.fig.after })));
  return (
    <figure class="chart interval-chart before-after" aria-labelledby={`${props.id}-legend`}>
      <svg viewBox={`0 0 ${g.width} ${g.height}`} role="img" aria-label={summary} class="intervals">
        {g.ticks.map((t) => (
          <g key={t.value}>
            <line x1={t.x} x2={t.x} y1={4} y2={g.axisY} class="grid" />
            <text x={t.x} y={g.axisY + 16} class="tick" text-anchor="middle">
              {tick(t.value)}
            </text>
          </g>
        ))}
        <line x1={g.plotLeft} x2={g.plotRight} y1={g.axisY} y2={g.axisY} class="axis" />
        {g.groups.map((grp, gi) => {
          const fig = rows[gi]?.fig;
          return (
            <g key={grp.label} class="cohort">
              <text x={8} y={grp.labelY} class="group-label">
                {grp.label}
              </text>
              {grp.rows.map((row) => {
                const p = row.period === 'before' ? fig?.before : fig?.after;
                return (
                  <g key={row.period} class={`row ${row.period}`}>
                    <text x={g.plotLeft - 8} y={row.y + 4} class="bar-label" text-anchor="end">
                      {row.label}
                    </text>
                    {row.barWidth !== null ? <rect x={g.plotLeft} y={row.barY} width={row.barWidth} height={row.barHeight} class="bar" /> : null}
                    {row.whisker ? (
                      <g class="whisker">
                        <line x1={row.whisker.x1} x2={row.whisker.x2} y1={row.y} y2={row.y} />
                        <line x1={row.whisker.x1} x2={row.whisker.x1} y1={row.y - 5} y2={row.y + 5} />
                        <line x1={row.whisker.x2} x2={row.whisker.x2} y1={row.y - 5} y2={row.y + 5} />
                      </g>
                    ) : null}
                    <text x={row.textX} y={row.y + 4} class="bar-value">
                      {p && p.rate !== null ? formatRate(p.rate, m.unit) : 'no data'}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption id={`${props.id}-legend`} class="muted small">
        {m.name}: for each cohort the rate before enrolment (light) and after (dark){proportion ? '' : ' per 1,000 patient-months'}, whiskers the 95 % intervals. The table below
        has every figure.
      </figcaption>
    </figure>
  );
}
