#include "patients/service.h"

#include "audit/trail.h"
#include "patients/store.h"

namespace ck::patients {
namespace {

audit::Event EventFor(const auth::Actor& actor, Timestamp now, std::string action,
                      std::optional<int64_t> patient_id, std::string detail = {}) {
  return audit::EventBy(actor, now, std::move(action), "patient",
                        patient_id ? std::to_string(*patient_id) : "", patient_id,
                        std::move(detail));
}

Status ValidateName(const std::string& s, const char* field) {
  if (s.empty()) return InvalidArgument("is required", field);
  if (s.size() > 100) return InvalidArgument("must be at most 100 bytes", field);
  return Status::Ok();
}

}  // namespace

Status ValidateNewPatient(const NewPatient& p, Date today) {
  CK_RETURN_IF_ERROR(ValidateName(p.given_name, "given_name"));
  CK_RETURN_IF_ERROR(ValidateName(p.family_name, "family_name"));
  CK_ASSIGN_OR_RETURN(Date birth, ParseDate(p.birth_date, "birth_date"));
  if (std::chrono::sys_days{birth} > std::chrono::sys_days{today})
    return InvalidArgument("must not be in the future", "birth_date");
  if (static_cast<int>(birth.year()) < 1900)
    return InvalidArgument("must be after 1900", "birth_date");
  const std::string& s = p.administrative_sex;
  if (s != "female" && s != "male" && s != "other" && s != "unknown")
    return InvalidArgument("must be one of female, male, other, unknown", "administrative_sex");
  return Status::Ok();
}

Result<Patient> Service::Create(const auth::Principal& who, const auth::Actor& actor,
                                const NewPatient& np) {
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(ValidateNewPatient(np, DateOf(now)));
  Patient out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, InsertPatient(c, np, now));
    if (who.role == auth::Role::kCaseManager || who.role == auth::Role::kSupervisor) {
      std::string role =
          who.role == auth::Role::kCaseManager ? "primary_case_manager" : "supervisor";
      CK_RETURN_IF_ERROR(InsertCareTeamMember(c, out.id, who.user_id, role, now).status());
    }
    return audit::Append(c, EventFor(actor, now, "patient.create", out.id));
  }));
  return out;
}

Result<Patient> Service::Get(const auth::Actor& actor, int64_t patient_id) {
  Patient out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, GetPatient(c, patient_id));
    return Status::Ok();
  }));
  // The read is returned only once its audit record is committed.
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, EventFor(actor, clock_.Now(), "patient.read", patient_id)));
  return out;
}

Result<std::vector<Patient>> Service::List(const auth::Principal& who, const auth::Actor& actor,
                                           int64_t after_id, int limit) {
  if (limit < 1 || limit > 500) return InvalidArgument("must be between 1 and 500", "limit");
  if (after_id < 0) return InvalidArgument("must not be negative", "after");
  std::vector<Patient> out;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, ListVisiblePatients(c, who, now, after_id, limit));
    return Status::Ok();
  }));
  // One record per patient disclosed, so each patient's access history is complete.
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    for (const Patient& p : out) {
      CK_RETURN_IF_ERROR(audit::Append(c, EventFor(actor, now, "patient.list", p.id)));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<CareTeamMember>> Service::CareTeam(const auth::Actor& actor,
                                                      int64_t patient_id) {
  std::vector<CareTeamMember> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, ListCareTeam(c, patient_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, EventFor(actor, clock_.Now(), "care_team.read", patient_id)));
  return out;
}

Result<CareTeamMember> Service::AddCareTeamMember(const auth::Principal& who,
                                                  const auth::Actor& actor, int64_t patient_id,
                                                  int64_t user_id, const std::string& member_role) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kManageCareTeam));
  if (member_role != "primary_case_manager" && member_role != "case_manager" &&
      member_role != "supervisor" && member_role != "social_worker" && member_role != "nurse")
    return InvalidArgument(
        "must be one of primary_case_manager, case_manager, supervisor, social_worker, nurse",
        "member_role");
  CareTeamMember out;
  Timestamp now = clock_.Now();
  Status st = db_.Write([&](db::Connection& c) -> Status {
    CK_RETURN_IF_ERROR(GetPatient(c, patient_id).status());
    CK_ASSIGN_OR_RETURN(auto u, c.Query("SELECT username, display_name, role, team_id, active "
                                        "FROM users WHERE id = ?",
                                        {user_id}));
    if (u.empty()) return InvalidArgument("no such user", "user_id");
    const db::Row& r = u.at(0);
    if (r.Int(4) == 0) return InvalidArgument("user is inactive", "user_id");
    if (r.Text(2) != "case_manager" && r.Text(2) != "supervisor")
      return InvalidArgument("only case managers and supervisors join care teams", "user_id");
    if (!who.team_id || r.IsNull(3) || r.Int(3) != *who.team_id)
      return PermissionDenied("supervisors assign members of their own team only");
    // A supervisor assigns within their team's caseload, or takes on a patient
    // nobody looks after yet (a new referral); never another team's patient.
    auto access = authorizer_.CheckPatientAccess(c, who, patient_id);
    bool on_caseload =
        access.ok() && (*access == auth::Access::kCareTeam || *access == auth::Access::kTeam);
    if (!on_caseload) {
      CK_ASSIGN_OR_RETURN(auto members,
                          c.Query("SELECT 1 FROM care_team_members WHERE patient_id = ? "
                                  "AND removed_at IS NULL LIMIT 1",
                                  {patient_id}));
      if (!members.empty()) return PermissionDenied("this patient is on another team's caseload");
    }
    CK_ASSIGN_OR_RETURN(int64_t id, InsertCareTeamMember(c, patient_id, user_id, member_role, now));
    out = {id, patient_id, user_id, r.Text(0), r.Text(1), member_role, now};
    return audit::Append(c, EventFor(actor, now, "care_team.add", patient_id,
                                     "user=" + std::to_string(user_id) + " as " + member_role));
  });
  if (st.code() == ErrorCode::kPermissionDenied) {
    audit::Event e = EventFor(actor, now, "care_team.add", patient_id, st.message());
    e.outcome = "denied";
    (void)audit::AppendNow(db_, e);
  }
  if (!st.ok()) return st;
  return out;
}

Result<Timestamp> Service::BreakGlass(const auth::Principal& who, const auth::Actor& actor,
                                      int64_t patient_id, const std::string& reason, int minutes) {
  Timestamp expires = 0;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(expires, authorizer_.GrantBreakGlass(c, who, patient_id, reason, minutes,
                                                             options_.break_glass_max_minutes));
    auth::Actor flagged = actor;
    flagged.access = "break_glass";
    return audit::Append(c, EventFor(flagged, clock_.Now(), "patient.break_glass", patient_id,
                                     "until " + FormatTimestamp(expires) + "; reason: " + reason));
  }));
  return expires;
}

}  // namespace ck::patients
