#include "transitions/internal.h"

namespace ck::transitions::internal {

Result<EncounterRow> LoadEncounter(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(auto rows,
                      c.Query("SELECT id, patient_id, encounter_class, status, facility, "
                              "admitted_at, discharged_at, discharge_disposition FROM encounters "
                              "WHERE id = ?",
                              {id}));
  if (rows.empty()) return NotFound("no encounter " + std::to_string(id), "encounter_id");
  const db::Row& r = rows.at(0);
  EncounterRow e;
  e.id = r.Int(0);
  e.patient_id = r.Int(1);
  e.encounter_class = r.Text(2);
  e.status = r.Text(3);
  e.facility = r.Text(4);
  e.admitted_at = r.Int(5);
  e.discharged_at = r.OptInt(6);
  e.discharge_disposition = r.OptText(7);
  return e;
}

Status CheckVersion(int have, int expected, const std::string& what) {
  if (have == expected) return Status::Ok();
  return Status(ErrorCode::kConflict,
                "the " + what + " changed since version " + std::to_string(expected) + " (now " +
                    std::to_string(have) + "); reload",
                "version");
}

Status CheckText(const std::optional<std::string>& v, const char* field, size_t max) {
  if (!v) return Status::Ok();
  if (v->empty() || v->size() > max)
    return InvalidArgument("must be 1 to " + std::to_string(max) + " bytes", field);
  return Status::Ok();
}

Result<std::optional<std::string>> UserName(db::Connection& c, std::optional<int64_t> id) {
  if (!id) return std::optional<std::string>();
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT display_name FROM users WHERE id = ?", {*id}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows.at(0).Text(0));
}

Result<std::vector<int64_t>> StayEncounterIds(db::Connection& c, int64_t patient_id,
                                              Timestamp admitted_at,
                                              std::optional<Timestamp> discharged_at) {
  std::vector<int64_t> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT id FROM encounters WHERE patient_id = ? AND encounter_class = 'inpatient' AND "
      "status IN ('in_progress', 'finished') AND admitted_at >= ? AND admitted_at <= ? ORDER BY "
      "admitted_at, id",
      {patient_id, admitted_at, discharged_at.value_or(INT64_MAX)}, [&](const db::Row& r) {
        out.push_back(r.Int(0));
        return Status::Ok();
      }));
  return out;
}

}  // namespace ck::transitions::internal
