// Downloads from the API (reports as CSV or XLSX, the case file PDF): the
// request's path, the file's name from Content-Disposition, and whether the
// answer is the kind of file asked for. No DOM: unit-tested in Node.

export type ReportFormat = 'csv' | 'xlsx';

export const FORMAT_TYPES: Record<ReportFormat | 'pdf', string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/**
 * A report's download path: its own parameters, then `format` (and `table`
 * for CSV). `report` is a report's name under /reports (`insurance`,
 * `measure-packs/hedis_trc`) or an API path of its own (`/supervision/compliance`).
 */
export function reportPath(report: string, params: Record<string, string>, format: ReportFormat, table?: string): string {
  const q = new URLSearchParams(params);
  q.set('format', format);
  if (table && format === 'csv') q.set('table', table);
  return `${report.startsWith('/') ? report : `/reports/${report}`}?${q.toString()}`;
}

/** The name to save a report under when the server gives none: its last path segment and the format. */
export function fallbackFilename(report: string, format: ReportFormat, table?: string): string {
  const base = report.split('/').filter(Boolean).pop() || 'report';
  return `${base}${table && format === 'csv' ? `-${table}` : ''}.${format}`;
}

/**
 * The file name a Content-Disposition header gives (`filename*=UTF-8''…`
 * first, then `filename="…"` or a bare token), reduced to its last path
 * segment and safe characters; `fallback` when there is none.
 */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  let name: string | null = null;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star && star[2]) {
    try {
      name = decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''));
    } catch {
      name = null;
    }
  }
  if (!name) {
    const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
    if (quoted && quoted[1] !== undefined) name = quoted[1].replace(/\\(.)/g, '$1');
  }
  if (!name) {
    const bare = /filename\s*=\s*([^;\s]+)/i.exec(header);
    if (bare && bare[1]) name = bare[1];
  }
  if (!name) return fallback;
  const base = name.split(/[\\/]/).pop() ?? '';
  const safe = base.replace(/[\u0000-\u001f"<>:|?*]/g, '_').replace(/^\.+/, '').trim();
  return safe || fallback;
}

/** Whether an answer's Content-Type is the file asked for (a report asked as CSV must not come as JSON). */
export function isExpectedType(contentType: string | null | undefined, format: ReportFormat | 'pdf'): boolean {
  if (!contentType) return false;
  return contentType.split(';')[0]?.trim().toLowerCase() === FORMAT_TYPES[format];
}

/** What to say when the server sent something else than the file asked for. */
export function unexpectedTypeMessage(contentType: string | null | undefined, format: ReportFormat | 'pdf'): string {
  const got = (contentType ?? '').split(';')[0]?.trim() || 'no content type';
  const what = format === 'pdf' ? 'a PDF' : format === 'csv' ? 'a CSV file' : 'an XLSX workbook';
  const sent = got === 'application/json' ? 'the report as JSON' : got;
  return `the server sent ${sent} instead of ${what}, so nothing was saved. This is a fault of the server: report it`;
}
