import { useEffect, useState } from 'preact/hooks';
import { api, type Condition, type Encounter, type Medication } from '../../api';
import { dateOnly, dateTime, humanize } from '../../lib/format';
import { readmissionText } from '../../lib/transitions';
import { ErrorMessage, Link, Loading } from '../../components/ui';
import type { TabProps } from '../PatientView';

const STAY_CLASSES = new Set(['inpatient', 'observation', 'emergency']);

export function ClinicalTab(props: TabProps) {
  const [data, setData] = useState<{ meds: Medication[]; conds: Condition[]; encs: Encounter[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [showAll, setShowAll] = useState(false);
  useEffect(() => {
    const id = props.patient.id;
    Promise.all([api.medications(id), api.conditions(id), api.encounters(id)]).then(
      ([m, c, e]) => setData({ meds: m.items, conds: c.items, encs: e.items }),
      setError,
    );
  }, [props.patient.id]);
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="medications and conditions" />;
  const stayHref = (encounterId: number) =>
    `/patients/${props.patient.id}?${props.caseRecord ? `case=${props.caseRecord.id}&` : ''}tab=transitions&stay=${encounterId}`;
  const meds = showAll ? data.meds : data.meds.filter((m) => m.status === 'active' || m.status === 'on_hold');
  const conds = showAll ? data.conds : data.conds.filter((c) => !['resolved', 'inactive', 'entered_in_error'].includes(c.status));
  return (
    <div>
      <div class="tab-head">
        <h2>Medications</h2>
        <label class="check">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} /> Include stopped and resolved
        </label>
      </div>
      {meds.length === 0 ? <p class="empty">None recorded.</p> : (
        <table class="results">
          <thead>
            <tr>
              <th scope="col">Medication</th>
              <th scope="col">Dose</th>
              <th scope="col">Route</th>
              <th scope="col">Frequency</th>
              <th scope="col">Since</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {meds.map((m) => (
              <tr key={m.id}>
                <th scope="row">{m.name}</th>
                <td>{m.dose ?? ''}</td>
                <td>{humanize(m.route)}</td>
                <td>{m.frequency ?? ''}</td>
                <td>{m.start_date ?? ''}</td>
                <td>{humanize(m.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Conditions</h2>
      {conds.length === 0 ? <p class="empty">None recorded.</p> : (
        <table class="results">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Condition</th>
              <th scope="col">Onset</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {conds.map((c) => (
              <tr key={c.id}>
                <td>{c.code}</td>
                <th scope="row">{c.description ?? ''}</th>
                <td>{c.onset_date ?? ''}</td>
                <td>{humanize(c.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Hospital stays and visits</h2>
      {data.encs.length === 0 ? <p class="empty">None recorded.</p> : (
        <table class="results">
          <thead>
            <tr>
              <th scope="col">Admitted</th>
              <th scope="col">Discharged</th>
              <th scope="col">Class</th>
              <th scope="col">Facility</th>
              <th scope="col">Disposition</th>
              <th scope="col">Transitions</th>
            </tr>
          </thead>
          <tbody>
            {data.encs.map((e) => (
              <tr key={e.id}>
                <td>{dateTime(e.admitted_at)}</td>
                <td>{e.discharged_at ? dateOnly(e.discharged_at) : humanize(e.status)}</td>
                <td>{humanize(e.encounter_class)}</td>
                <td>{e.facility}</td>
                <td>{humanize(e.discharge_disposition)}</td>
                <td>
                  {e.readmission && e.readmission_days !== null && e.readmission_days !== undefined ? (
                    <span class={`badge readmission${e.readmission === 'counted' ? ' warn' : ''}`}>
                      {readmissionText({ of_stay: e.readmission_of ?? 0, days_after_discharge: e.readmission_days, counted: e.readmission === 'counted', planned: e.readmission === 'planned', planned_basis: null })}
                    </span>
                  ) : null}{' '}
                  {STAY_CLASSES.has(e.encounter_class) && e.status !== 'cancelled' && e.status !== 'entered_in_error' ? (
                    <Link href={stayHref(e.id)}>
                      Discharge plan and TRC<span class="sr-only"> of the stay from {dateOnly(e.admitted_at)}</span>
                    </Link>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
