#include "cases/documents.h"

#include <algorithm>

#include "audit/trail.h"
#include "auth/crypto.h"

namespace ck::cases {
namespace {

constexpr const char* kInfoColumns =
    "id, patient_id, case_id, doc_type, title, document_date, source, content_type, size_bytes, "
    "sha256, "
    "uploaded_by, uploaded_at";

DocumentInfo FromRow(const db::Row& r) {
  DocumentInfo d;
  d.id = r.Int(0);
  d.patient_id = r.Int(1);
  d.case_id = r.OptInt(2);
  d.doc_type = r.Text(3);
  d.title = r.Text(4);
  d.document_date = r.OptText(5);
  d.source = r.OptText(6);
  d.content_type = r.Text(7);
  d.size_bytes = r.Int(8);
  d.sha256 = r.Text(9);
  d.uploaded_by = r.OptInt(10);
  d.uploaded_at = r.Int(11);
  return d;
}

bool ValidUtf8WithoutNul(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// Whether the bytes are what the declared type says: the magic numbers of
// PDF, PNG and JPEG, or valid UTF-8 text.
bool BytesMatch(std::string_view type, std::string_view bytes) {
  if (type == "application/pdf") return bytes.starts_with("%PDF-");
  if (type == "image/png") return bytes.starts_with(std::string_view("\x89PNG\r\n\x1a\n", 8));
  if (type == "image/jpeg") return bytes.starts_with(std::string_view("\xFF\xD8\xFF", 3));
  if (type == "text/plain") return ValidUtf8WithoutNul(bytes);
  return false;
}

}  // namespace

std::string_view ExtensionFor(std::string_view content_type) {
  if (content_type == "application/pdf") return "pdf";
  if (content_type == "image/png") return "png";
  if (content_type == "image/jpeg") return "jpg";
  return "txt";
}

Result<int64_t> PatientOfDocument(db::Connection& c, int64_t document_id) {
  CK_ASSIGN_OR_RETURN(auto rows,
                      c.Query("SELECT patient_id FROM documents WHERE id = ?", {document_id}));
  if (rows.empty()) return NotFound("no document with id " + std::to_string(document_id));
  return rows.at(0).Int(0);
}

Result<DocumentInfo> Documents::Upload(const auth::Principal& who, const auth::Actor& actor,
                                       DocumentInfo info, const std::string& content) {
  static const char* kTypes[] = {
      "discharge_summary", "letter", "authorization", "consent_form", "image",
      "lab_result",        "other"};
  if (std::find_if(std::begin(kTypes), std::end(kTypes),
                   [&](const char* t) { return info.doc_type == t; }) == std::end(kTypes))
    return InvalidArgument(
        "must be one of discharge_summary, letter, authorization, consent_form, image, lab_result, "
        "other",
        "doc_type");
  if (info.title.empty() || info.title.size() > 200)
    return InvalidArgument("must be 1 to 200 bytes", "title");
  if (info.source && info.source->size() > 200)
    return InvalidArgument("must be at most 200 bytes", "source");
  if (info.document_date)
    CK_RETURN_IF_ERROR(ParseDate(*info.document_date, "document_date").status());
  // Parameters such as "; charset=utf-8" are dropped: the stored type is exact.
  info.content_type = info.content_type.substr(0, info.content_type.find(';'));
  while (!info.content_type.empty() && info.content_type.back() == ' ')
    info.content_type.pop_back();
  for (char& c : info.content_type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (info.content_type != "application/pdf" && info.content_type != "image/png" &&
      info.content_type != "image/jpeg" && info.content_type != "text/plain")
    return InvalidArgument("must be application/pdf, image/png, image/jpeg or text/plain",
                           "content_type");
  if (content.empty()) return InvalidArgument("the document is empty", "content");
  if (static_cast<int64_t>(content.size()) > max_bytes_)
    return InvalidArgument("larger than " + std::to_string(max_bytes_) + " bytes", "content");
  if (!BytesMatch(info.content_type, content))
    return InvalidArgument("the content is not a " + info.content_type + " document",
                           "content_type");
  info.size_bytes = static_cast<int64_t>(content.size());
  info.sha256 = auth::Sha256Hex(content);
  info.uploaded_by = who.user_id;
  info.uploaded_at = clock_.Now();
  std::string encoded = auth::Base64Encode(content);
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    if (info.case_id) {
      CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT 1 FROM cases WHERE id = ? AND patient_id = ?",
                                          {*info.case_id, info.patient_id}));
      if (k.empty()) return InvalidArgument("no such case on this patient", "case_id");
    }
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(
            "INSERT INTO documents (patient_id, case_id, doc_type, title, document_date, source, "
            "content_type, size_bytes, sha256, content_base64, uploaded_by, uploaded_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {info.patient_id, info.case_id, info.doc_type, info.title, info.document_date,
             info.source, info.content_type, info.size_bytes, info.sha256, encoded,
             info.uploaded_by, info.uploaded_at}));
    info.id = rows.at(0).Int(0);
    return audit::Append(c,
                         audit::EventBy(actor, info.uploaded_at, "document.upload", "document",
                                        std::to_string(info.id), info.patient_id, info.doc_type));
  }));
  return info;
}

Result<std::vector<DocumentInfo>> Documents::List(const auth::Actor& actor, int64_t patient_id) {
  std::vector<DocumentInfo> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) {
    return c.ForEachRow(
        std::string("SELECT ") + kInfoColumns + " FROM documents WHERE patient_id = ? ORDER BY id",
        {patient_id}, [&](const db::Row& r) {
          out.push_back(FromRow(r));
          return Status::Ok();
        });
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "document.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<std::pair<DocumentInfo, std::string>> Documents::Open(const auth::Actor& actor,
                                                             int64_t document_id) {
  DocumentInfo info;
  std::string encoded;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kInfoColumns +
                                               ", content_base64 FROM documents WHERE id = ?",
                                           {document_id}));
    if (rows.empty()) return NotFound("no document with id " + std::to_string(document_id));
    info = FromRow(rows.at(0));
    encoded = rows.at(0).Text(12);
    return Status::Ok();
  }));
  auto bytes = auth::Base64Decode(encoded);
  if (!bytes.ok() || auth::Sha256Hex(*bytes) != info.sha256)
    return DataLoss("document " + std::to_string(document_id) + " does not match its checksum");
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "document.view", "document",
                                           std::to_string(document_id), info.patient_id)));
  return std::pair{info, std::move(*bytes)};
}

}  // namespace ck::cases
