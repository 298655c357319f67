// Names of the patients the user may see, for lists that carry only ids
// (the worklist). Kept in memory for the session and dropped at sign-out.
import { useEffect, useState } from 'preact/hooks';
import { api, type PatientSummary } from './api';
import { patientName } from './lib/format';

const known = new Map<number, PatientSummary>();
let caseloadLoaded: Promise<void> | null = null;

export function forgetPatients(): void {
  known.clear();
  caseloadLoaded = null;
}

export function remember(p: PatientSummary): void {
  known.set(p.id, p);
}

/** Loads the caller's caseload (up to 1,000 patients) once per session. */
export function loadCaseload(): Promise<void> {
  if (!caseloadLoaded) {
    caseloadLoaded = (async () => {
      let after: number | undefined;
      for (let page = 0; page < 5; page++) {
        const r = await api.patients(after);
        for (const p of r.items) known.set(p.id, p);
        if (r.next_after === null) break;
        after = r.next_after;
      }
    })().catch((e) => {
      caseloadLoaded = null;
      throw e;
    });
  }
  return caseloadLoaded;
}

/**
 * Ensures names for these ids from the caseload list. Ids outside it (a
 * supervisor's unassigned referrals, which the supervisor may not read yet)
 * stay unnamed rather than being read one by one.
 */
export async function ensureNames(_ids: (number | null)[]): Promise<void> {
  await loadCaseload();
}

export function nameOf(id: number | null): string {
  if (id === null) return '';
  const p = known.get(id);
  return p ? patientName(p) : `Patient #${id}`;
}

export function summaryOf(id: number | null): PatientSummary | undefined {
  return id === null ? undefined : known.get(id);
}

/** Re-renders when names for these ids have arrived. */
export function usePatientNames(ids: (number | null)[]): boolean {
  const [ready, setReady] = useState(false);
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    ensureNames(ids)
      .catch(() => undefined)
      .finally(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, [key]);
  return ready;
}
