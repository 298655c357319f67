// Patient education: a library of materials (topic, language, reading level,
// format, the points a patient explains back, linked to the conditions and
// barrier domains they address), assigned to a patient, delivered (how, to
// whom, with an interpreter or not) and confirmed by teach-back. Materials in
// the patient's preferred language are offered first. A delivery on a case is
// a contact of the case (its minutes count towards care-management time); a
// teach-back that is not understood makes a reinforcement task; one that is
// completes the assignment's open task (docs/education.md).
//
//   education::Service education(db, clock, calendar, {});
//   CK_ASSIGN_OR_RETURN(auto offers, education.Suggestions(actor, patient_id, {}));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/business_calendar.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::education {

struct Material {
  int64_t id = 0;
  std::string code;      // the material in every language: "hf-daily-weights"
  std::string language;  // BCP 47 primary tag: en, es, vi, zh, ...
  std::string title;
  std::string topic;
  int reading_level = 6;           // US school grade, 1-16
  std::string format = "handout";  // handout | video | interactive | audio | class
  std::optional<std::string> url;  // https only
  std::optional<std::string> summary;
  std::vector<std::string> teach_back_points;
  std::vector<std::string> conditions;  // ICD-10-CM prefixes, dotted: "I50", "E11.6"
  std::vector<std::string> barriers;    // barrier domains: health_literacy, food, ...
  bool active = true;
  Timestamp created_at = 0, updated_at = 0;
  int version = 1;
};

struct MaterialQuery {
  std::optional<std::string> text;  // in title, topic or summary
  std::optional<std::string> language;
  std::optional<std::string> condition;  // an ICD-10 code: materials whose prefix it starts with
  std::optional<std::string> barrier;
  std::optional<std::string> format;
  std::optional<int> max_reading_level;
  bool include_inactive = false;
  int limit = 50;
};

// A material offered for a patient and why.
struct Suggestion {
  Material material;
  bool preferred_language = false;   // in the patient's preferred language
  std::vector<std::string> reasons;  // "condition I50.9", "care plan problem: ..."
};

struct Assignment {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::optional<int64_t> case_id;
  int64_t material_id = 0;
  std::string material_code, material_title, material_language;
  std::string status = "assigned";    // assigned | delivered | understood | needs_reinforcement |
                                      // declined | cancelled
  std::optional<std::string> reason;  // why declined or cancelled
  std::optional<int64_t> task_id;
  std::optional<int64_t> assigned_by;
  Timestamp assigned_at = 0;
  std::optional<Timestamp> delivered_at;
  std::optional<std::string> delivery_method, delivered_to, recipient_name;
  bool interpreter_used = false;
  std::optional<Timestamp> teach_back_at;
  std::optional<std::string> teach_back_result;  // understood | partial | not_understood
  int teach_back_attempts = 0;
  Timestamp updated_at = 0;
  int version = 1;

  struct Event {
    std::string kind;  // assigned | delivered | teach_back | declined | cancelled
    std::optional<std::string> detail;
    std::optional<int64_t> by_user_id;
    Timestamp at = 0;
  };
  std::vector<Event> history;
};

struct NewAssignment {
  std::optional<int64_t> material_id;
  std::optional<std::string> code;  // instead of an id: the version in the patient's language
  std::optional<int64_t> case_id;
  bool create_task = true;       // an education task for the case's case manager
  int due_in_business_days = 5;  // the task's due time
};

struct Delivery {
  std::string method;  // in_person | phone | video | portal_message | letter | email
  std::string delivered_to = "patient";  // patient | caregiver | patient_and_caregiver
  std::optional<std::string> recipient_name;
  bool interpreter_used = false;
  int minutes = 0;
  std::optional<std::string> note;
};

struct TeachBack {
  std::string result;  // understood | partial | not_understood
  std::optional<std::string> note;
  int minutes = 0;
  int reinforce_in_business_days = 2;  // the reinforcement task's due time
};

class Service {
 public:
  struct Options {
    int unable_to_reach_attempts = 3;  // passed on to the contact log's outreach check
  };
  Service(db::Database& db, const Clock& clock, const BusinessCalendar& calendar, Options options)
      : db_(db), clock_(clock), calendar_(calendar), options_(options) {}

  // The library. InvalidArgument naming the field; Conflict on a duplicate
  // (code, language) or a stale version.
  Result<Material> CreateMaterial(const auth::Actor& actor, Material m);
  Result<Material> UpdateMaterial(const auth::Actor& actor, int64_t id, Material m,
                                  int expected_version);
  Result<Material> GetMaterial(int64_t id);
  Result<std::vector<Material>> Search(const MaterialQuery& q);

  // Materials for the patient's active conditions and care-plan problems not
  // already assigned (unless cancelled); one version per material, the
  // patient's preferred language first, then English, then others.
  Result<std::vector<Suggestion>> Suggestions(const auth::Actor& actor, int64_t patient_id,
                                              std::optional<int> max_reading_level);

  Result<Assignment> Assign(const auth::Principal& who, const auth::Actor& actor,
                            int64_t patient_id, const NewAssignment& n);
  Result<std::vector<Assignment>> ForPatient(const auth::Actor& actor, int64_t patient_id);
  Result<Assignment> Deliver(const auth::Principal& who, const auth::Actor& actor,
                             int64_t assignment_id, const Delivery& d, int expected_version);
  Result<Assignment> RecordTeachBack(const auth::Principal& who, const auth::Actor& actor,
                                     int64_t assignment_id, const TeachBack& t,
                                     int expected_version);
  // to: declined | cancelled, with a reason.
  Result<Assignment> Close(const auth::Principal& who, const auth::Actor& actor,
                           int64_t assignment_id, const std::string& to, const std::string& reason,
                           int expected_version);

 private:
  db::Database& db_;
  const Clock& clock_;
  const BusinessCalendar& calendar_;
  Options options_;
};

// Assigns the version of material `code` in the patient's preferred language
// (else English, else any) in the caller's transaction, unless the patient has
// it assigned already (and not cancelled); for programs. Returns the
// assignment id, or nullopt when the library has no such active material or it
// is assigned already.
Result<std::optional<int64_t>> AssignByCode(db::Connection& c, int64_t patient_id,
                                            std::optional<int64_t> case_id, const std::string& code,
                                            std::optional<int64_t> task_id, Timestamp now);

}  // namespace ck::education
