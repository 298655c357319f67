// Clinical alerts (a suicide-risk answer, an interpersonal-safety screen) and
// the notifications that tell people about them. An alert stays open until a
// clinician acknowledges it and then resolves it with what was done; crisis
// alerts come first wherever alerts are listed.
//
//   CK_ASSIGN_OR_RETURN(int64_t id, RaiseAlert(conn, {.patient_id = 7, .case_id = 3,
//       .kind = "suicide_risk", .severity = "crisis", .reason = "..."}, now));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "db/database.h"

namespace ck::assessments {

struct AlertRecord {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::optional<int64_t> case_id;
  std::optional<int64_t> assessment_id;
  std::string kind;
  std::string severity;  // crisis | high | routine
  std::string reason;    // no patient data
  std::string status;    // open | acknowledged | resolved
  Timestamp raised_at = 0;
  std::optional<int64_t> acknowledged_by;
  std::optional<Timestamp> acknowledged_at;
  std::optional<int64_t> resolved_by;
  std::optional<Timestamp> resolved_at;
  std::optional<std::string> resolution;
  int version = 1;
};

struct Notification {
  int64_t id = 0;
  std::string kind;
  std::string message;
  std::optional<int64_t> patient_id;
  std::optional<int64_t> alert_id;
  Timestamp created_at = 0;
  std::optional<Timestamp> read_at;
};

// Inserts an open alert and notifies the supervisors of the team responsible
// for the case (the assigned case manager's team, else `raised_by`'s team;
// failing those, the supervisors of the patient's care team's teams) and the
// assigned case manager when someone else raised it; logs a warning when nobody
// could be told. Returns the alert id.
Result<int64_t> RaiseAlert(db::Connection& c, const AlertRecord& alert, int64_t raised_by,
                           Timestamp now);

Result<int64_t> PatientOfAlert(db::Connection& c, int64_t alert_id);

class Alerts {
 public:
  Alerts(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<std::vector<AlertRecord>> ForPatient(const auth::Actor& actor, int64_t patient_id);
  // Open and acknowledged alerts on the caller's patients (care team), or for a
  // supervisor on their team's; crisis first, then oldest first. Each listed
  // patient is audited.
  Result<std::vector<AlertRecord>> Open(const auth::Principal& who, const auth::Actor& actor);
  // FailedPrecondition unless open; Conflict (field "version") if stale.
  Result<AlertRecord> Acknowledge(const auth::Principal& who, const auth::Actor& actor,
                                  int64_t alert_id, int expected_version);
  // Needs a resolution saying what was done; from open or acknowledged.
  Result<AlertRecord> Resolve(const auth::Principal& who, const auth::Actor& actor,
                              int64_t alert_id, const std::string& resolution,
                              int expected_version);

  // The caller's notifications, newest first; each naming a patient is audited.
  Result<std::vector<Notification>> Notifications(const auth::Principal& who,
                                                  const auth::Actor& actor, bool unread_only);
  // NotFound unless the notification is the caller's.
  Status MarkRead(const auth::Principal& who, int64_t notification_id);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace ck::assessments
