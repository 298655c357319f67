// Cases (episodes of care): a patient's enrolment in a program, moving through
// the CMSA case management process, with its referral, assignment, notes and
// contact log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace ck::cases {

// referred → screening → assessment → planning → active ⇄ transition → closed;
// active may go back to planning (the plan is revised); any open state may close.
enum class Stage { kReferred, kScreening, kAssessment, kPlanning, kActive, kTransition, kClosed };
std::string_view StageName(Stage s);
Result<Stage> ParseStage(std::string_view name);
// Whether `from` → `to` is an allowed step of the lifecycle.
bool TransitionAllowed(Stage from, Stage to);
std::vector<Stage> NextStages(Stage from);

struct Case {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::string program;  // program code
  Stage stage = Stage::kReferred;
  std::string referral_source;  // hospital | physician | insurer | self | community_agency | other
  std::string referral_reason;
  std::string urgency;  // routine | urgent | emergent
  Timestamp referred_at = 0;
  Timestamp triage_due_at = 0;        // from urgency and the business calendar
  std::optional<std::string> acuity;  // low | moderate | high | very_high
  std::optional<int64_t> assigned_user_id;
  std::optional<std::string> closure_reason;
  std::optional<Timestamp> closed_at;
  int consecutive_unreached = 0;            // outbound attempts since the patient was last reached
  std::optional<int> risk_tier;             // the patient's tier from the last stratification
  std::optional<std::string> risk_reasons;  // JSON list of reasons
  std::optional<std::string> patient_name;  // on the triage list: whom the referral is about
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  int version = 1;
};

struct NewCase {
  int64_t patient_id = 0;
  std::string program;
  std::string referral_source;
  std::string referral_reason;
  std::string urgency = "routine";
  std::optional<Timestamp> referred_at;  // default: now
  std::optional<std::string> acuity;
};

struct StatusChange {
  int64_t id = 0;
  std::optional<std::string> from;
  std::string to;
  std::optional<std::string> reason;
  std::optional<int64_t> changed_by;
  Timestamp changed_at = 0;
};

struct Assignment {
  int64_t id = 0;
  int64_t user_id = 0;
  std::optional<int64_t> assigned_by;
  Timestamp assigned_at = 0;
  std::optional<Timestamp> ended_at;
  std::optional<std::string> reason;
};

// Who took part in a case conference (the interdisciplinary team).
struct Attendee {
  std::string name;
  std::string role;  // "cardiologist", "pharmacist", "patient", "daughter"
};

// What a case conference decided; each can become a task (the tasks module).
struct Decision {
  int64_t id = 0;
  std::string decision;
  std::optional<std::string> owner;
  std::optional<std::string> due_date;  // YYYY-MM-DD
};

struct Note {
  int64_t id = 0;
  int64_t case_id = 0;
  int64_t patient_id = 0;
  std::string note_type;  // assessment | progress | case_conference | crisis | discharge |
                          // supervisory | addendum
  std::string body;
  std::string status = "draft";  // draft | signed
  int64_t author_id = 0;
  std::optional<int64_t> amends_note_id;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  std::optional<Timestamp> signed_at;
  int version = 1;
  std::vector<Attendee> attendees;  // case conferences
  std::vector<Decision> decisions;  // case conferences
};

struct Contact {
  int64_t id = 0;
  int64_t case_id = 0;
  int64_t patient_id = 0;
  Timestamp contact_at = 0;
  std::string method;     // phone | video | in_person | portal_message | letter | fax | sms | email
  std::string direction;  // outbound | inbound
  std::string party;      // patient | caregiver | provider | insurer | agency | other
  std::optional<std::string> party_name;
  std::string outcome;  // reached | voicemail | no_answer | wrong_number | declined | sent
  std::optional<int> duration_minutes;
  std::optional<std::string> summary;
  int64_t recorded_by = 0;
  Timestamp created_at = 0;
};

// Assign case `case_id` to case manager `user_id`.
struct CaseMove {
  int64_t case_id = 0;
  int64_t user_id = 0;
  std::optional<int> expected_version;  // Conflict when the case has changed
};

// One case manager's open cases and their acuity-weighted load
// (low 1, moderate 2, high 3, very high 4; not yet assessed 2).
struct CaseloadLine {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  int open_cases = 0;
  int weighted_load = 0;
};

}  // namespace ck::cases
