// Measure packs (/reports?view=packs; GET /api/v1/reports/measure-packs and
// .../{pack}): accreditation measures (NCQA case management timeliness,
// HEDIS TRC, FMC-style follow-up, observed PCR) for a period — numerator,
// denominator, the cases still pending (not failures), rate and 95 %
// interval — with the server's notes on how the specification is read. CSV
// and XLSX come from the server.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { PACKS, type PackReport } from '../lib/evaluation';
import { addDays } from '../lib/organisation';
import { useSession } from '../session';
import { formatInterval, formatRate } from '../lib/outcomes';
import { Downloads } from '../components/Downloads';
import { PeriodFields, ReportForm, ReportStatus } from '../components/ReportFilters';
import { Field, fieldError } from '../components/ui';

const LABELS: Record<string, string> = { pack: 'Measure pack', from: 'From', to: 'To (inclusive)' };

let lastQuery: { pack: string; from: string; to: string } | null = null;

export function MeasurePacksView() {
  const { today } = useSession();
  const [packs, setPacks] = useState(PACKS);
  const [q, setQ] = useState(() => lastQuery ?? { pack: PACKS[0]?.pack ?? '', from: addDays(today(), -90), to: today() });
  const [report, setReport] = useState<PackReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');

  const run = async (query = q) => {
    setError(null);
    setBusy(true);
    try {
      const r = await api.measurePack(query.pack, query.from.trim(), query.to.trim());
      setReport(r);
      lastQuery = query;
      setStatus(`${r.title} shown: ${r.measures.length} measure${r.measures.length === 1 ? '' : 's'}.`);
    } catch (e) {
      setError(e);
      setReport(null);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    api.measurePacks().then(
      (r) => r.items.length && setPacks(r.items),
      () => undefined,
    );
    run();
  }, []);

  return (
    <div class="packs">
      <ReportForm class="card report-form" label="Which pack, which period" busy={busy} submitLabel="Show measures" onRun={() => run()}>
        <Field id="pack-pack" label="Measure pack" error={fieldError(error, 'pack', LABELS.pack)}>
          {(a) => (
            <select {...a} value={q.pack} onChange={(e) => setQ({ ...q, pack: e.currentTarget.value })}>
              {packs.map((p) => (
                <option key={p.pack} value={p.pack}>
                  {p.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <PeriodFields idPrefix="pack" from={q.from} to={q.to} onChange={(k, v) => setQ({ ...q, [k]: v })} error={error} />
      </ReportForm>
      <ReportStatus status={status} error={error} labels={LABELS} loading={busy && !report} what="the measures" />
      {report ? <PackResult r={report} onDone={setStatus} /> : null}
    </div>
  );
}

function PackResult(props: { r: PackReport; onDone: (m: string) => void }) {
  const r = props.r;
  return (
    <section class="report-section" aria-labelledby="pack-h" data-testid="pack-report" data-pack={r.pack}>
      <div class="tab-head">
        <h2 id="pack-h">{r.title}</h2>
        <Downloads report={`measure-packs/${r.pack}`} title={r.title} params={{ from: r.from, to: r.to }} onDone={props.onDone} />
      </div>
      <p>
        From {r.from} to {r.to}. <em>Pending</em> cases are those whose window has not closed yet: they are in neither the numerator nor the denominator until it does.
        Aggregates only: no patient is named.
      </p>
      <div class="table-scroll" role="region" aria-labelledby="pack-cap" tabIndex={0}>
        <table class="results report-table pack-table" id="pack-table">
          <caption id="pack-cap" class="sr-only">
            {r.title}: each measure
          </caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Numerator</th>
              <th scope="col">Denominator</th>
              <th scope="col">Pending</th>
              <th scope="col">Rate</th>
              <th scope="col">95 % interval</th>
            </tr>
          </thead>
          <tbody>
            {r.measures.map((m) => (
              <tr key={m.key} data-measure={m.key}>
                <th scope="row">{m.name}</th>
                <td>{m.numerator}</td>
                <td>{m.denominator}</td>
                <td>{m.pending}</td>
                <td>{m.denominator === 0 ? <span class="muted">— nothing to count</span> : formatRate(m.rate, 'rate')}</td>
                <td>{formatInterval(m.ci_low, m.ci_high, 'rate')}</td>
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
      </details>
      {r.notes.length ? (
        <section aria-labelledby="pack-notes-h">
          <h3 id="pack-notes-h">Notes</h3>
          <ul class="pack-notes" data-testid="pack-notes">
            {r.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}
