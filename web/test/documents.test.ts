import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DOC_TYPES,
  addedBy,
  appealPackets,
  bareType,
  docTypeLabel,
  documentFallbackName,
  formatText,
  isDocumentType,
  newestFirst,
  sizeText,
  titleFromFileName,
  uploadContentType,
  uploadErrorText,
  uploadField,
  uploadProblem,
  uploadQuery,
  type UploadForm,
} from '../src/lib/documents.js';

const FORM: UploadForm = { docType: 'letter', title: 'Letter from the plan', documentDate: '', source: '', caseId: null };

describe('document types', () => {
  it('offers exactly the server’s doc_type values, each in words', () => {
    assert.deepEqual([...DOC_TYPES], ['discharge_summary', 'letter', 'authorization', 'consent_form', 'image', 'lab_result', 'other']);
    assert.equal(docTypeLabel('discharge_summary'), 'Discharge summary');
    assert.equal(docTypeLabel('lab_result'), 'Lab result');
    assert.equal(docTypeLabel('consent_form'), 'Consent form');
    assert.equal(docTypeLabel('care_summary'), 'Care summary', 'an unknown type stays readable');
  });
});

describe('content types', () => {
  it('keeps the browser’s type when the server keeps it, without parameters', () => {
    assert.equal(uploadContentType('a.pdf', 'application/pdf'), 'application/pdf');
    assert.equal(uploadContentType('notes', 'Text/Plain; charset=utf-8'), 'text/plain');
    assert.equal(bareType(' image/PNG ;x=1'), 'image/png');
  });
  it('falls back on the extension when the browser says nothing or something else', () => {
    assert.equal(uploadContentType('scan.JPG', ''), 'image/jpeg');
    assert.equal(uploadContentType('scan.jpeg', 'application/octet-stream'), 'image/jpeg');
    assert.equal(uploadContentType('note.txt', ''), 'text/plain');
    assert.equal(uploadContentType('letter.pdf', 'application/x-pdf'), 'application/pdf');
  });
  it('sends what it cannot map as it is, for the server to refuse on content_type', () => {
    assert.equal(uploadContentType('page.html', 'text/html'), 'text/html');
    assert.equal(uploadContentType('blob', ''), 'application/octet-stream');
  });
  it('accepts only the kept types as a download', () => {
    assert.ok(isDocumentType('application/pdf'));
    assert.ok(isDocumentType('text/plain; charset=utf-8'));
    assert.ok(!isDocumentType('application/json'));
    assert.ok(!isDocumentType(null));
  });
  it('names files as the server does when it gives no name', () => {
    assert.equal(documentFallbackName(7, 'application/pdf'), 'document-7.pdf');
    assert.equal(documentFallbackName(8, 'image/jpeg'), 'document-8.jpg');
    assert.equal(documentFallbackName(9, 'text/plain'), 'document-9.txt');
  });
  it('says the file type in words', () => {
    assert.equal(formatText('application/pdf'), 'PDF');
    assert.equal(formatText('image/png'), 'PNG image');
    assert.equal(formatText('text/plain'), 'Text');
  });
});

describe('the upload', () => {
  it('sends the required fields and only the optional ones filled, trimmed', () => {
    assert.equal(uploadQuery(FORM), 'doc_type=letter&title=Letter+from+the+plan');
    const q = new URLSearchParams(uploadQuery({ ...FORM, title: ' Denial & appeal ', documentDate: '2026-11-20', source: ' Buckeye Health Plan ', caseId: 12 }));
    assert.equal(q.get('title'), 'Denial & appeal');
    assert.equal(q.get('document_date'), '2026-11-20');
    assert.equal(q.get('source'), 'Buckeye Health Plan');
    assert.equal(q.get('case_id'), '12');
  });
  it('names what is missing before asking the server', () => {
    assert.deepEqual(uploadProblem(FORM, null), { field: 'content', message: 'choose the file to upload' });
    assert.deepEqual(uploadProblem(FORM, { size: 0 }), { field: 'content', message: 'the document is empty' });
    assert.equal(uploadProblem({ ...FORM, docType: '' }, { size: 3 })?.field, 'doc_type');
    assert.equal(uploadProblem({ ...FORM, title: '  ' }, { size: 3 })?.field, 'title');
    assert.equal(uploadProblem(FORM, { size: 3 }), null);
  });
  it('puts the body’s errors on the file and the others on their field', () => {
    assert.equal(uploadField('content'), 'file');
    assert.equal(uploadField('content_type'), 'file');
    assert.equal(uploadField('body'), 'file');
    assert.equal(uploadField('doc_type'), 'doc_type');
    assert.equal(uploadField('document_date'), 'document_date');
    assert.equal(uploadField(null), null);
  });
  it('words the server’s errors for their field, a size limit in MB', () => {
    assert.equal(uploadErrorText('body', 'request body larger than 1048576 bytes'), 'File: larger than the server accepts (1.0 MB at most).');
    assert.equal(uploadErrorText('content', 'larger than 2097152 bytes'), 'File: larger than the server accepts (2.0 MB at most).');
    assert.equal(uploadErrorText('content_type', 'the content is not a application/pdf document'), 'File: the content is not a application/pdf document.');
    assert.equal(uploadErrorText('doc_type', 'must be one of discharge_summary, letter'), 'Document type: must be one of discharge_summary, letter.');
  });
  it('takes a title from the file’s name', () => {
    assert.equal(titleFromFileName('C:\\scans\\discharge_summary_2026.pdf'), 'discharge summary 2026');
    assert.equal(titleFromFileName('letter.from.plan.txt'), 'letter.from.plan');
  });
});

describe('the list', () => {
  it('says sizes in words', () => {
    assert.equal(sizeText(1), '1 byte');
    assert.equal(sizeText(512), '512 bytes');
    assert.equal(sizeText(2458), '2.4 KB');
    assert.equal(sizeText(1048576), '1.0 MB');
  });
  it('puts the latest added first', () => {
    const docs = [
      { id: 1, uploaded_at: '2026-11-01T10:00:00Z' },
      { id: 3, uploaded_at: '2026-11-20T10:00:00Z' },
      { id: 2, uploaded_at: '2026-11-20T10:00:00Z' },
    ];
    assert.deepEqual(newestFirst(docs).map((d) => d.id), [3, 2, 1]);
    assert.deepEqual(docs.map((d) => d.id), [1, 3, 2], 'the original is left as it was');
  });
  it('names who added it from the staff list', () => {
    const staff = [{ id: 4, display_name: 'Maria Rivera, RN' }];
    assert.equal(addedBy(4, staff), 'Maria Rivera, RN');
    assert.equal(addedBy(9, staff), 'user #9');
    assert.equal(addedBy(null, staff), null);
  });
  it('lists every appeal of every authorization as a packet, newest first', () => {
    const rows = appealPackets([
      { id: 10, payer: 'Buckeye', appeals: [{ id: 3, level: 'first', level_name: 'First level', status: 'decided', outcome: 'upheld' }] },
      { id: 11, payer: 'Medicare', appeals: [] },
      { id: 12, payer: 'Aetna', appeals: [{ id: 5, level: 'p2p', level_name: '', status: 'draft', outcome: null }] },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.appealId, r.authorizationId, r.payer, r.level]),
      [
        [5, 12, 'Aetna', 'p2p'],
        [3, 10, 'Buckeye', 'First level'],
      ],
    );
  });
});
