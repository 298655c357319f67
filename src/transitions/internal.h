// Helpers shared by the transitions service's files; included by nobody else.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "db/database.h"
#include "db/sql.h"

namespace ck::transitions::internal {

struct EncounterRow {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::string encounter_class, status, facility;
  Timestamp admitted_at = 0;
  std::optional<Timestamp> discharged_at;
  std::optional<std::string> discharge_disposition;
};

// NotFound (field encounter_id) when there is no such encounter.
Result<EncounterRow> LoadEncounter(db::Connection& c, int64_t id);

// FailedPrecondition (HTTP 409) naming the field in the wrong state.
inline Status WrongState(std::string msg, std::string field) {
  return Status(ErrorCode::kFailedPrecondition, std::move(msg), std::move(field));
}

// Conflict (field version) unless `have` is `expected`.
Status CheckVersion(int have, int expected, const std::string& what);

// InvalidArgument naming `field` for empty text or text longer than `max` bytes.
Status CheckText(const std::optional<std::string>& v, const char* field, size_t max);

// A user's display name, or nullopt for none.
Result<std::optional<std::string>> UserName(db::Connection& c, std::optional<int64_t> id);

// The encounters of the acute stay from `admitted_at` to `discharged_at` (or on).
Result<std::vector<int64_t>> StayEncounterIds(db::Connection& c, int64_t patient_id,
                                              Timestamp admitted_at,
                                              std::optional<Timestamp> discharged_at);

// Marks the checklist item of the discharge plans of these encounters done
// from work recorded elsewhere (a completed reconciliation, discharge
// information), unless it is done or a person made it not applicable.
Status MarkChecklistItemDone(db::Connection& c, const std::vector<int64_t>& encounter_ids,
                             const std::string& item, const std::string& why,
                             std::optional<int64_t> by, Timestamp now);

using db::InList;

}  // namespace ck::transitions::internal
