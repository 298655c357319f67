// One time-ordered timeline per patient: every event of every module (case
// state changes, assignments, notes, contacts, encounters, conditions), newest
// first, filterable by type and time, so nobody opens six lists to know what
// happened. Modules add their events to the query in timeline.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::patients {

struct TimelineEvent {
  Timestamp at = 0;
  std::string
      type;  // case_status | assignment | note | contact | admission | discharge | condition
  std::string summary;
  std::optional<int64_t> case_id;
  std::string ref_kind;  // what `ref_id` names: case, note, contact, encounter, condition
  int64_t ref_id = 0;
  int64_t seq = 0;  // the event's own row id: orders events of one type and time
};

struct TimelineQuery {
  std::vector<std::string> types;     // empty: all
  std::optional<Timestamp> from;      // inclusive
  std::optional<Timestamp> before;    // exclusive
  std::optional<std::string> cursor;  // from the previous page (CursorOf its last event)
  int limit = 100;
};

const std::vector<std::string>& TimelineTypes();

// An opaque position after `e` in timeline order (newest first, then type, then id).
std::string CursorOf(const TimelineEvent& e);

// InvalidArgument (field "types") for an unknown type.
Result<std::vector<TimelineEvent>> ReadTimeline(db::Database& db, const Clock& clock,
                                                const auth::Actor& actor, int64_t patient_id,
                                                const TimelineQuery& q);

}  // namespace ck::patients
