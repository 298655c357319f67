// Scheduling: appointments, diagnostic tests and therapy sessions for a case's
// patient with a provider and a place or a telehealth link. Statuses move
// proposed → booked → confirmed → arrived → completed, or to no_show or
// cancelled (with a reason). A patient's overlapping appointments are refused
// (naming the other one). Booking makes the reminder task (a business day
// before) and, when transport is needed and not arranged, the transport task;
// a no-show makes the follow-up task (docs/scheduling.md).
//
//   scheduling::Service appointments(db, clock, calendar);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/business_calendar.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::scheduling {

struct NewAppointment {
  int64_t case_id = 0;
  std::string kind = "appointment";  // appointment | diagnostic_test | therapy_session
  std::string reason;                // "Cardiology follow-up", "Echocardiogram"
  std::optional<std::string> provider;
  std::optional<int64_t> directory_entry_id;
  std::optional<std::string> location;
  std::optional<std::string> telehealth_url;  // https only
  Timestamp starts_at = 0;
  Timestamp ends_at = 0;
  std::string status = "booked";  // proposed | booked
  bool transport_needed = false;
  bool transport_arranged = false;
  // The prior authorization it uses: a completed visit counts as a unit used.
  std::optional<int64_t> authorization_id;
};

struct Appointment : NewAppointment {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::optional<std::string> cancellation_reason;
  std::optional<int64_t> created_by;
  Timestamp created_at = 0, updated_at = 0;
  int version = 1;
};

// What may change: a status move, a new time, transport.
struct AppointmentChange {
  std::optional<std::string>
      status;  // booked | confirmed | arrived | completed | no_show | cancelled
  std::optional<std::string> reason;  // required to cancel
  std::optional<Timestamp> starts_at, ends_at;
  std::optional<bool> transport_arranged;
};

class Service {
 public:
  Service(db::Database& db, const Clock& clock, const BusinessCalendar& calendar)
      : db_(db), clock_(clock), calendar_(calendar) {}

  // InvalidArgument naming the field; Conflict (field "starts_at") when it
  // overlaps another of the patient's appointments; FailedPrecondition on a closed case.
  Result<Appointment> Create(const auth::Principal& who, const auth::Actor& actor,
                             NewAppointment a);
  Result<std::vector<Appointment>> ForPatient(const auth::Actor& actor, int64_t patient_id);
  Result<Appointment> Change(const auth::Principal& who, const auth::Actor& actor,
                             int64_t appointment_id, const AppointmentChange& change,
                             int expected_version);

 private:
  db::Database& db_;
  const Clock& clock_;
  const BusinessCalendar& calendar_;
};

}  // namespace ck::scheduling
