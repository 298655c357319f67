-- The outcome reports read a period's index discharges with their readmission
-- flag and patient: one covering index instead of a table lookup per stay.
CREATE INDEX acute_stays_index_discharges ON acute_stays (discharge_date, index_discharge,
  patient_id, readmitted_by);
