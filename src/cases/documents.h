// Documents attached to a patient or a case: discharge summaries, letters,
// faxed authorizations, signed consents, images. Uploads are checked for size
// and for a content type that matches the bytes (PDF, PNG, JPEG, plain UTF-8
// text only); downloads go out as attachments in a sandbox, never as anything
// a browser would run. Every upload and every view is audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::cases {

struct DocumentInfo {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::optional<int64_t> case_id;
  std::string doc_type;  // discharge_summary | letter | authorization | consent_form | image |
                         // lab_result | other
  std::string title;
  std::optional<std::string> document_date;  // YYYY-MM-DD
  std::optional<std::string> source;         // "Riverside General fax"
  std::string content_type;
  int64_t size_bytes = 0;
  std::string sha256;
  std::optional<int64_t> uploaded_by;
  Timestamp uploaded_at = 0;
};

// The file name extension for an accepted content type ("pdf", "png", ...).
std::string_view ExtensionFor(std::string_view content_type);

class Documents {
 public:
  Documents(db::Database& db, const Clock& clock, int64_t max_bytes)
      : db_(db), clock_(clock), max_bytes_(max_bytes) {}

  // InvalidArgument naming the field: an unknown type, a title missing, a
  // case of another patient, a content type not accepted or not matching the
  // bytes ("content_type"), empty or oversized content ("content").
  Result<DocumentInfo> Upload(const auth::Principal& who, const auth::Actor& actor,
                              DocumentInfo info, const std::string& content);
  Result<std::vector<DocumentInfo>> List(const auth::Actor& actor, int64_t patient_id);
  // The document and its bytes; audited as a view.
  Result<std::pair<DocumentInfo, std::string>> Open(const auth::Actor& actor, int64_t document_id);

 private:
  db::Database& db_;
  const Clock& clock_;
  const int64_t max_bytes_;
};

// The patient a document belongs to (NotFound when none), for access checks.
Result<int64_t> PatientOfDocument(db::Connection& c, int64_t document_id);

}  // namespace ck::cases
