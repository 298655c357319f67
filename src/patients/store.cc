#include "patients/store.h"

namespace ck::patients {
namespace {

constexpr const char* kColumns =
    "p.id, p.given_name, p.family_name, p.birth_date, p.administrative_sex, p.created_at, "
    "p.updated_at";

Patient FromRow(const db::Row& r) {
  return {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6)};
}

}  // namespace

Result<Patient> InsertPatient(db::Connection& c, const NewPatient& p, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO patients (given_name, family_name, birth_date, "
              "administrative_sex, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
              "RETURNING id",
              {p.given_name, p.family_name, p.birth_date, p.administrative_sex, now, now}));
  return Patient{
      rows.at(0).Int(0), p.given_name, p.family_name, p.birth_date, p.administrative_sex, now, now};
}

Result<Patient> GetPatient(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kColumns + " FROM patients p WHERE p.id = ?", {id}));
  if (rows.empty()) return NotFound("no patient with id " + std::to_string(id));
  return FromRow(rows.at(0));
}

Result<std::vector<Patient>> ListVisiblePatients(db::Connection& c, const auth::Principal& who,
                                                 Timestamp now, int64_t after_id, int limit) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM patients p WHERE p.id > ?";
  db::Params params{after_id};
  switch (who.role) {
    case auth::Role::kAuditor:
    case auth::Role::kIntegration:
      break;
    case auth::Role::kAdmin:
      return std::vector<Patient>{};
    case auth::Role::kSupervisor:
      sql +=
          " AND (EXISTS (SELECT 1 FROM care_team_members m JOIN users u ON u.id = m.user_id "
          "WHERE m.patient_id = p.id AND m.removed_at IS NULL AND (m.user_id = ? OR u.team_id = ?))"
          " OR EXISTS (SELECT 1 FROM break_glass_grants g WHERE g.patient_id = p.id AND "
          "g.user_id = ? AND g.expires_at > ?))";
      params.insert(params.end(), {who.user_id, who.team_id.value_or(-1), who.user_id, now});
      break;
    case auth::Role::kCaseManager:
      sql +=
          " AND (EXISTS (SELECT 1 FROM care_team_members m WHERE m.patient_id = p.id AND "
          "m.user_id = ? AND m.removed_at IS NULL)"
          " OR EXISTS (SELECT 1 FROM break_glass_grants g WHERE g.patient_id = p.id AND "
          "g.user_id = ? AND g.expires_at > ?))";
      params.insert(params.end(), {who.user_id, who.user_id, now});
      break;
  }
  sql += " ORDER BY p.id LIMIT ?";
  params.emplace_back(limit);
  std::vector<Patient> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(sql, params, [&](const db::Row& r) {
    out.push_back(FromRow(r));
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> InsertCareTeamMember(db::Connection& c, int64_t patient_id, int64_t user_id,
                                     const std::string& member_role, Timestamp now) {
  CK_ASSIGN_OR_RETURN(auto existing,
                      c.Query("SELECT id FROM care_team_members WHERE patient_id = ? AND "
                              "user_id = ? AND removed_at IS NULL",
                              {patient_id, user_id}));
  if (!existing.empty()) return AlreadyExists("already on this patient's care team", "user_id");
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO care_team_members (patient_id, user_id, "
                                         "member_role, added_at) VALUES (?, ?, ?, ?) RETURNING id",
                                         {patient_id, user_id, member_role, now}));
  return rows.at(0).Int(0);
}

Result<std::vector<CareTeamMember>> ListCareTeam(db::Connection& c, int64_t patient_id) {
  std::vector<CareTeamMember> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT m.id, m.patient_id, m.user_id, u.username, u.display_name, m.member_role, m.added_at "
      "FROM care_team_members m JOIN users u ON u.id = m.user_id "
      "WHERE m.patient_id = ? AND m.removed_at IS NULL ORDER BY m.id",
      {patient_id}, [&](const db::Row& r) {
        out.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6)});
        return Status::Ok();
      }));
  return out;
}

}  // namespace ck::patients
