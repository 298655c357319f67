// The patient's documents (issue #10; docs/api.md "Documents"): the list
// with each document's type, title, date, source, size and who added it when,
// each downloaded with the session (never a token in a URL) and saved under
// the server's name; *Upload a document* (the file as the body, typed by its
// Content-Type, the description in the query string; the server's errors on
// their fields); and what the record can produce: the case file (the header's
// dialog, with its required reason) and each appeal's packet (the Insurance
// tab's link).
import { useEffect, useState } from 'preact/hooks';
import { api, type Authorization, type DocumentInfo, type StaffMember } from '../../api';
import { ApiError } from '../../lib/errors';
import { dateTime, humanize, patientName } from '../../lib/format';
import {
  DOC_TYPES,
  UPLOAD_LABELS,
  addedBy,
  appealPackets,
  docTypeLabel,
  documentFallbackName,
  formatText,
  newestFirst,
  sizeText,
  titleFromFileName,
  uploadContentType,
  uploadErrorText,
  uploadField,
  uploadProblem,
  uploadQuery,
  type PacketRow,
} from '../../lib/documents';
import { can, useSession } from '../../session';
import { ErrorMessage, Field, FormDialog, Loading, saveFile } from '../../components/ui';
import { CaseFileDialog, type TabProps } from '../PatientView';

interface Data {
  docs: DocumentInfo[];
  staff: StaffMember[];
  /** The appeals with a packet; null when the authorizations could not be read (said in their section). */
  packets: PacketRow[] | null;
  packetsError: unknown;
}

export function DocumentsTab(props: TabProps) {
  const { user } = useSession();
  const pid = props.patient.id;
  const writable = can.write(user.role) && !props.patient.merged_into_id;
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [uploadOpen, setUploadOpen] = useState(false);
  const [caseFileOpen, setCaseFileOpen] = useState(false);
  const [downloadError, setDownloadError] = useState<{ id: number; error: unknown } | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const load = () =>
    Promise.all([
      api.documents(pid),
      api.staff().catch(() => ({ items: [] as StaffMember[] })),
      api.authorizations(pid).then(
        (r) => ({ auths: r.items as Authorization[], error: null as unknown }),
        (e: unknown) => ({ auths: null, error: e }),
      ),
    ]).then(
      ([d, s, a]) => {
        setData({ docs: newestFirst(d.items), staff: s.items, packets: a.auths ? appealPackets(a.auths) : null, packetsError: a.error });
        setError(null);
      },
      setError,
    );
  useEffect(() => {
    load();
  }, [pid]);

  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="the patient's documents" />;

  const download = async (d: DocumentInfo) => {
    setDownloadError(null);
    setBusy(d.id);
    try {
      const file = await api.documentContent(d.id, documentFallbackName(d.id, d.content_type));
      saveFile(file);
      setStatus(`Downloaded ${d.title ?? docTypeLabel(d.doc_type)} as ${file.filename}.`);
    } catch (err) {
      setDownloadError({ id: d.id, error: err });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="documents">
      <p class="sr-status" role="status">
        {status}
      </p>
      <div class="tab-head">
        <h2 id="docs-h">Documents</h2>
        {writable ? (
          <button type="button" class="primary" aria-haspopup="dialog" onClick={() => setUploadOpen(true)}>
            Upload a document
          </button>
        ) : null}
      </div>
      <p class="small muted">
        Letters, discharge summaries, consent forms, results and images kept with the record (PDF, PNG, JPEG or plain text). Every download is recorded in the audit trail.
      </p>
      {downloadError ? <ErrorMessage error={downloadError.error} /> : null}
      {data.docs.length === 0 ? (
        <p class="empty">No documents yet.</p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby="docs-h" tabIndex={0}>
          <table class="results documents-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Type</th>
                <th scope="col">Date</th>
                <th scope="col">Source</th>
                <th scope="col">File</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="sr-only">Download</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.docs.map((d) => {
                const by = addedBy(d.uploaded_by, data.staff);
                const title = d.title ?? docTypeLabel(d.doc_type);
                return (
                  <tr key={d.id} data-document-id={d.id}>
                    <th scope="row">
                      {title}
                      {d.case_id ? <span class="muted small block">Case #{d.case_id}</span> : null}
                    </th>
                    <td>{docTypeLabel(d.doc_type)}</td>
                    <td>{d.document_date ?? <span class="muted">Not given</span>}</td>
                    <td>{d.source ?? ''}</td>
                    <td>
                      {formatText(d.content_type)}, {sizeText(d.size_bytes)}
                    </td>
                    <td>
                      {dateTime(d.uploaded_at)}
                      {by ? <span class="muted small block">by {by}</span> : null}
                    </td>
                    <td>
                      <button type="button" onClick={() => download(d)} disabled={busy === d.id}>
                        {busy === d.id ? 'Downloading…' : 'Download'}
                        <span class="sr-only"> {title}</span>
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <h2>What the record can produce</h2>
      <section aria-labelledby="produce-case-file" class="produce">
        <h3 id="produce-case-file">Case file (PDF)</h3>
        {props.caseRecord ? (
          <>
            <p class="small">
              The complete record of case #{props.caseRecord.id} ({humanize(props.caseRecord.program)}) as one confidential PDF. Producing it is audited and needs a reason.
            </p>
            <button type="button" aria-haspopup="dialog" onClick={() => setCaseFileOpen(true)}>
              Case file (PDF)
            </button>
          </>
        ) : (
          <p class="muted small">The patient has no case yet, so there is no case file.</p>
        )}
      </section>
      <section aria-labelledby="produce-packets" class="produce">
        <h3 id="produce-packets">Appeal packets (PDF)</h3>
        {data.packets === null ? <ErrorMessage error={data.packetsError} /> : null}
        {data.packets && data.packets.length === 0 ? <p class="muted small">No appeals: a packet is made for each appeal of a prior authorization (Insurance tab).</p> : null}
        {data.packets && data.packets.length ? (
          <ul class="plain packets">
            {data.packets.map((r) => (
              <li key={r.appealId}>
                <a class="button-link" href={api.packetUrl(r.appealId)} download={`appeal-${r.appealId}-packet.pdf`}>
                  Appeal packet (PDF)<span class="sr-only"> of appeal #{r.appealId}</span>
                </a>{' '}
                <span>
                  Appeal #{r.appealId}, {r.level} · {humanize(r.status)}
                  {r.outcome ? `, ${humanize(r.outcome)}` : ''}
                </span>{' '}
                <span class="muted small">
                  authorization #{r.authorizationId} · {r.payer}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      {uploadOpen ? (
        <UploadDialog
          patientId={pid}
          patientName={patientName(props.patient)}
          caseRecord={props.caseRecord}
          onClose={() => setUploadOpen(false)}
          onDone={(d) => {
            setUploadOpen(false);
            setStatus(`Uploaded ${d.title ?? docTypeLabel(d.doc_type)} (${sizeText(d.size_bytes)}).`);
            load();
          }}
        />
      ) : null}
      {caseFileOpen && props.caseRecord ? (
        <CaseFileDialog
          caseId={props.caseRecord.id}
          onClose={() => setCaseFileOpen(false)}
          onDone={(name) => {
            setCaseFileOpen(false);
            setStatus(`Case file downloaded: ${name}.`);
          }}
        />
      ) : null}
    </div>
  );
}

function UploadDialog(props: { patientId: number; patientName: string; caseRecord: TabProps['caseRecord']; onClose: () => void; onDone: (d: DocumentInfo) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [docType, setDocType] = useState('');
  const [title, setTitle] = useState('');
  const [titleTouched, setTitleTouched] = useState(false);
  const [documentDate, setDocumentDate] = useState('');
  const [source, setSource] = useState('');
  const [onCase, setOnCase] = useState(!!props.caseRecord);

  const submit = async () => {
    const form = { docType, title, documentDate, source, caseId: onCase && props.caseRecord ? props.caseRecord.id : null };
    const problem = uploadProblem(form, file);
    // Said before asking the server, which would refuse it too.
    if (problem || !file) throw new ApiError(400, { error: problem?.message ?? 'choose the file to upload', field: problem?.field ?? 'content' });
    const d = await api.uploadDocument(props.patientId, uploadQuery(form), file, uploadContentType(file.name, file.type));
    props.onDone(d);
  };
  const err = (error: unknown, field: string) =>
    error instanceof ApiError && uploadField(error.field) === field ? uploadErrorText(error.field, error.message) : null;

  return (
    <FormDialog title="Upload a document" subject={`To the documents of ${props.patientName}`} submitLabel="Upload" onClose={props.onClose} onSubmit={submit} labels={UPLOAD_LABELS}>
      {(error) => (
        <>
          <Field id="doc-file" label="File" hint="PDF, PNG, JPEG or plain text; 1 MB at most unless the server allows more" error={err(error, 'file')}>
            {(x) => (
              <input
                {...x}
                type="file"
                accept="application/pdf,image/png,image/jpeg,text/plain,.pdf,.png,.jpg,.jpeg,.txt"
                onChange={(e) => {
                  const f = e.currentTarget.files?.[0] ?? null;
                  setFile(f);
                  if (f && (!titleTouched || !title.trim())) setTitle(titleFromFileName(f.name));
                }}
              />
            )}
          </Field>
          <Field id="doc-type" label="Document type" error={err(error, 'doc_type')}>
            {(x) => (
              <select {...x} value={docType} onChange={(e) => setDocType(e.currentTarget.value)}>
                <option value="">Choose…</option>
                {DOC_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {docTypeLabel(t)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="doc-title" label="Title" hint="Filled from the file's name; change it to say what it is" error={err(error, 'title')}>
            {(x) => (
              <input
                {...x}
                type="text"
                maxLength={200}
                value={title}
                onInput={(e) => {
                  setTitle(e.currentTarget.value);
                  setTitleTouched(true);
                }}
              />
            )}
          </Field>
          <div class="grid2">
            <Field id="doc-date" label="Date of the document" hint="Optional: when it was written or taken" error={err(error, 'document_date')}>
              {(x) => <input {...x} type="date" value={documentDate} onInput={(e) => setDocumentDate(e.currentTarget.value)} />}
            </Field>
            <Field id="doc-source" label="Source" hint="Optional: who sent it, e.g. a hospital or the payer" error={err(error, 'source')}>
              {(x) => <input {...x} type="text" maxLength={200} value={source} onInput={(e) => setSource(e.currentTarget.value)} />}
            </Field>
          </div>
          {props.caseRecord ? (
            <label class="check">
              <input type="checkbox" checked={onCase} onChange={(e) => setOnCase(e.currentTarget.checked)} /> Belongs to case #{props.caseRecord.id} (
              {humanize(props.caseRecord.program)})
            </label>
          ) : null}
          {err(error, 'case_id') ? <p class="field-error">{err(error, 'case_id')}</p> : null}
        </>
      )}
    </FormDialog>
  );
}
