// The patient's documents (docs/api.md, "Documents"): document types in
// words, the upload's query string and Content-Type, the server's error
// fields mapped to the upload form's, sizes in words, the list's order and
// the appeal packets the record can produce. No DOM: unit-tested in Node.

/** The server's `doc_type` values (src/cases/documents.cc), in the order the form offers them. */
export const DOC_TYPES = ['discharge_summary', 'letter', 'authorization', 'consent_form', 'image', 'lab_result', 'other'] as const;
export type DocType = (typeof DOC_TYPES)[number];

const DOC_TYPE_LABELS: Record<DocType, string> = {
  discharge_summary: 'Discharge summary',
  letter: 'Letter',
  authorization: 'Authorization',
  consent_form: 'Consent form',
  image: 'Image',
  lab_result: 'Lab result',
  other: 'Other',
};

/** A document type in words; one the screen does not know yet reads as its code in words. */
export function docTypeLabel(code: string): string {
  const known = (DOC_TYPE_LABELS as Record<string, string>)[code];
  if (known) return known;
  const words = code.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The content types the server keeps (anything else it refuses, naming `content_type`). */
export const ACCEPTED_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'] as const;

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain',
  text: 'text/plain',
};

/** A content type without parameters, lower-cased ("Text/Plain; charset=utf-8" → "text/plain"). */
export function bareType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether the answer to a document's content is one of the kept types (anything else is not saved). */
export function isDocumentType(contentType: string | null | undefined): boolean {
  return (ACCEPTED_TYPES as readonly string[]).includes(bareType(contentType));
}

/**
 * The Content-Type to upload a picked file with: the browser's type when it
 * is one the server keeps, else the one its extension says (browsers leave
 * the type empty for some files), else the browser's own (or
 * `application/octet-stream`), which the server refuses on `content_type`.
 * The server checks the bytes against the type either way.
 */
export function uploadContentType(fileName: string, browserType: string): string {
  const given = bareType(browserType);
  if (isDocumentType(given)) return given;
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  const byName = ext ? BY_EXTENSION[ext] : undefined;
  if (byName) return byName;
  return given || 'application/octet-stream';
}

/** A title from a file's name when none is typed: "discharge_letter-2026.pdf" → "discharge letter-2026". */
export function titleFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.[a-z0-9]{1,5}$/i, '');
  return stem.replace(/_+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

export interface UploadForm {
  docType: string;
  title: string;
  documentDate: string;
  source: string;
  /** The case the document belongs to, or null for the patient's record only. */
  caseId: number | null;
}

/** The upload's query string (`doc_type`, `title`, and the optional fields only when filled). */
export function uploadQuery(f: UploadForm): string {
  const q = new URLSearchParams();
  q.set('doc_type', f.docType);
  q.set('title', f.title.trim());
  if (f.documentDate.trim()) q.set('document_date', f.documentDate.trim());
  if (f.source.trim()) q.set('source', f.source.trim());
  if (f.caseId !== null) q.set('case_id', String(f.caseId));
  return q.toString();
}

/** What the form checks before asking the server: a field and its message, or null. */
export function uploadProblem(f: UploadForm, file: { size: number } | null): { field: string; message: string } | null {
  if (!file) return { field: 'content', message: 'choose the file to upload' };
  if (file.size === 0) return { field: 'content', message: 'the document is empty' };
  if (!f.docType) return { field: 'doc_type', message: 'choose what kind of document it is' };
  if (!f.title.trim()) return { field: 'title', message: 'is required' };
  return null;
}

/**
 * The upload form's field for a server error's field: the file for the
 * body's problems (`content`: empty or over the size limit; `content_type`:
 * a type not kept or bytes that are not what the type says; `body`: over the
 * HTTP body limit, 413), else the field itself.
 */
export function uploadField(serverField: string | null): string | null {
  if (serverField === 'content' || serverField === 'content_type' || serverField === 'body') return 'file';
  return serverField;
}

/**
 * The message under the form's field for a server error: the field's name
 * first; a size limit in words ("request body larger than 1048576 bytes" →
 * "File: larger than the server accepts (1.0 MB at most)").
 */
export function uploadErrorText(serverField: string | null, message: string): string {
  const label = UPLOAD_LABELS[serverField ?? ''] ?? serverField ?? 'Request';
  const limit = /larger than (\d+) bytes/.exec(message);
  if (limit && uploadField(serverField) === 'file') return `${label}: larger than the server accepts (${sizeText(Number(limit[1]))} at most).`;
  return `${label}: ${message.replace(/\.$/, '')}.`;
}

/** The form's fields as it names them, for the error sentence. */
export const UPLOAD_LABELS: Record<string, string> = {
  content: 'File',
  content_type: 'File',
  body: 'File',
  doc_type: 'Document type',
  title: 'Title',
  document_date: 'Date of the document',
  source: 'Source',
  case_id: 'Case',
};

/** A size in words: "512 bytes", "2.4 KB", "1.0 MB" (1 KB = 1,024 bytes). */
export function sizeText(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes === 1) return '1 byte';
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The file type in words for the list: "PDF", "PNG image", "JPEG image", "Text". */
export function formatText(contentType: string): string {
  switch (bareType(contentType)) {
    case 'application/pdf':
      return 'PDF';
    case 'image/png':
      return 'PNG image';
    case 'image/jpeg':
      return 'JPEG image';
    case 'text/plain':
      return 'Text';
    default:
      return bareType(contentType) || 'Unknown type';
  }
}

/** The name to save a document under when the server gives none: `document-{id}.{ext}` as the server names it. */
export function documentFallbackName(id: number, contentType: string): string {
  const exts: Record<string, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' };
  const ext = exts[bareType(contentType)] ?? 'txt';
  return `document-${id}.${ext}`;
}

interface Listed {
  id: number;
  uploaded_at: string;
}

/** The list's order: the latest added first (the server lists by id, oldest first). */
export function newestFirst<T extends Listed>(docs: readonly T[]): T[] {
  return [...docs].sort((a, b) => (a.uploaded_at < b.uploaded_at ? 1 : a.uploaded_at > b.uploaded_at ? -1 : b.id - a.id));
}

/** Who added a document, by name from the staff list; "user #id" when not in it; null when no user did (an integration). */
export function addedBy(userId: number | null | undefined, staff: readonly { id: number; display_name: string }[]): string | null {
  if (userId === null || userId === undefined) return null;
  return staff.find((s) => s.id === userId)?.display_name ?? `user #${userId}`;
}

export interface PacketRow {
  appealId: number;
  authorizationId: number;
  payer: string;
  level: string;
  status: string;
  outcome: string | null;
}

interface AuthWithAppeals {
  id: number;
  payer: string;
  appeals: readonly { id: number; level: string; level_name: string; status: string; outcome: string | null }[];
}

/** Every appeal of the patient's authorizations, each with an appeal packet: the newest appeal first. */
export function appealPackets(auths: readonly AuthWithAppeals[]): PacketRow[] {
  const rows: PacketRow[] = [];
  for (const a of auths) {
    for (const ap of a.appeals) {
      rows.push({ appealId: ap.id, authorizationId: a.id, payer: a.payer, level: ap.level_name || ap.level, status: ap.status, outcome: ap.outcome });
    }
  }
  return rows.sort((x, y) => y.appealId - x.appealId);
}
