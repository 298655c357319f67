// A report's CSV and XLSX downloads, from the server (`?format=`).
import { useState } from 'preact/hooks';
import { api } from '../api';
import { fallbackFilename, reportPath, type ReportFormat } from '../lib/download';
import { ErrorMessage, saveFile } from './ui';

/**
 * CSV and XLSX of one report, from the server (`?format=`): fetched with the
 * session as every call, saved under the name from Content-Disposition. An
 * error (or an answer that is not the file asked for) is said beside the
 * buttons; nothing is built in the browser. `table` picks the report's table
 * for the CSV (the XLSX has every table).
 */
export function Downloads(props: { report: string; title: string; params: Record<string, string>; table?: string; onDone: (message: string) => void }) {
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const [error, setError] = useState<unknown>(null);
  const get = async (format: ReportFormat) => {
    setError(null);
    setBusy(format);
    try {
      const file = await api.downloadReport(reportPath(props.report, props.params, format, props.table), format, fallbackFilename(props.report, format, props.table));
      saveFile(file);
      props.onDone(`${file.filename} downloaded.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="downloads">
      <div class="actions" role="group" aria-label={`Download the ${props.title}`}>
        <button type="button" disabled={busy !== null} onClick={() => get('csv')} aria-label={`Download CSV: ${props.title}`}>
          Download CSV
        </button>
        <button type="button" disabled={busy !== null} onClick={() => get('xlsx')} aria-label={`Download XLSX: ${props.title}`}>
          Download XLSX
        </button>
      </div>
      <ErrorMessage error={error} />
    </div>
  );
}
