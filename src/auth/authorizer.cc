#include "auth/authorizer.h"

namespace ck::auth {

std::string_view AccessName(Access a) {
  switch (a) {
    case Access::kCareTeam:
      return "care_team";
    case Access::kTeam:
      return "team";
    case Access::kTriage:
      return "triage";
    case Access::kCoverage:
      return "coverage";
    case Access::kBreakGlass:
      return "break_glass";
    case Access::kOrganisation:
      return "organisation";
  }
  return "unknown";
}

bool RoleHas(Role role, Permission p) {
  using P = Permission;
  switch (role) {
    case Role::kCaseManager:
      return p == P::kReadPatient || p == P::kWritePatient || p == P::kListPatients ||
             p == P::kBreakGlass || p == P::kViewOwnAccount || p == P::kCalculateScores ||
             p == P::kWorkWorklist;
    case Role::kSupervisor:
      return p == P::kReadPatient || p == P::kWritePatient || p == P::kListPatients ||
             p == P::kBreakGlass || p == P::kManageCareTeam || p == P::kMergePatients ||
             p == P::kViewOwnAccount || p == P::kCalculateScores || p == P::kRunStratification ||
             p == P::kManageLibrary || p == P::kReadReports || p == P::kWorkWorklist;
    case Role::kAuditor:
      return p == P::kReadPatient || p == P::kListPatients || p == P::kReadAudit ||
             p == P::kViewOwnAccount || p == P::kReadReports;
    case Role::kAdmin:
      return p == P::kManageUsers || p == P::kViewOwnAccount || p == P::kRunStratification ||
             p == P::kManageLibrary;
    case Role::kIntegration:
      return p == P::kReadPatient || p == P::kWritePatient || p == P::kListPatients ||
             p == P::kMergePatients || p == P::kCalculateScores || p == P::kImportData;
  }
  return false;
}

Status Authorizer::Require(const Principal& principal, Permission permission) {
  if (RoleHas(principal.role, permission)) return Status::Ok();
  return PermissionDenied("the " + std::string(RoleName(principal.role)) + " role may not " +
                          std::string(PermissionName(permission)));
}

Result<Access> Authorizer::CheckPatientAccess(db::Connection& conn, const Principal& principal,
                                              int64_t patient_id) const {
  // A record merged into another is reached through the one that absorbed it,
  // which now holds its care team.
  auto effective = EffectivePatient(conn, patient_id);
  if (effective.ok()) patient_id = *effective;
  const Status denied = PermissionDenied(
      "not on this patient's care team; request break-the-glass access with a reason if this is "
      "an emergency");
  switch (principal.role) {
    case Role::kAdmin:
      return PermissionDenied("administrators have no access to clinical data");
    case Role::kAuditor:
    case Role::kIntegration: {
      CK_ASSIGN_OR_RETURN(auto exists,
                          conn.Query("SELECT 1 FROM patients WHERE id = ?", {patient_id}));
      if (exists.empty()) return NotFound("no patient with id " + std::to_string(patient_id));
      return Access::kOrganisation;
    }
    case Role::kCaseManager:
    case Role::kSupervisor:
      break;
  }
  // Roles limited to a caseload learn nothing about patients outside it, not
  // even whether an id exists: both answers are the same denial.
  CK_ASSIGN_OR_RETURN(auto member,
                      conn.Query("SELECT 1 FROM care_team_members WHERE patient_id = ? AND "
                                 "user_id = ? AND removed_at IS NULL",
                                 {patient_id, principal.user_id}));
  if (!member.empty()) return Access::kCareTeam;
  if (principal.role == Role::kSupervisor && principal.team_id) {
    CK_ASSIGN_OR_RETURN(auto team,
                        conn.Query("SELECT 1 FROM care_team_members m JOIN users u ON u.id = "
                                   "m.user_id WHERE m.patient_id = ? AND m.removed_at IS NULL "
                                   "AND u.team_id = ? LIMIT 1",
                                   {patient_id, *principal.team_id}));
    if (!team.empty()) return Access::kTeam;
  }
  // Supervisors triage the referrals nobody owns yet (the team worklist lists
  // them): they may read those patients until the case is assigned.
  if (principal.role == Role::kSupervisor) {
    CK_ASSIGN_OR_RETURN(auto triage,
                        conn.Query("SELECT 1 FROM cases WHERE patient_id = ? AND status = "
                                   "'referred' AND assigned_user_id IS NULL LIMIT 1",
                                   {patient_id}));
    if (!triage.empty()) return Access::kTriage;
  }
  // Covering a colleague's caseload while they are away: their patients, for
  // the coverage's time only.
  const Timestamp now = clock_.Now();
  CK_ASSIGN_OR_RETURN(auto covering,
                      conn.Query("SELECT 1 FROM caseload_coverages v JOIN care_team_members m ON "
                                 "m.user_id = v.absent_user_id AND m.removed_at IS NULL WHERE "
                                 "v.covering_user_id = ? AND m.patient_id = ? AND v.starts_at <= "
                                 "? AND v.ends_at > ? AND v.ended_at IS NULL LIMIT 1",
                                 {principal.user_id, patient_id, now, now}));
  if (!covering.empty()) return Access::kCoverage;
  CK_ASSIGN_OR_RETURN(auto glass,
                      conn.Query("SELECT 1 FROM break_glass_grants WHERE user_id = ? AND "
                                 "patient_id = ? AND expires_at > ? LIMIT 1",
                                 {principal.user_id, patient_id, now}));
  if (!glass.empty()) return Access::kBreakGlass;
  return denied;
}

Result<int64_t> Authorizer::EffectivePatient(db::Connection& conn, int64_t patient_id) {
  for (int hops = 0; hops < 16; ++hops) {
    CK_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT merged_into_id FROM patients WHERE id = ?", {patient_id}));
    if (rows.empty()) return NotFound("no patient with id " + std::to_string(patient_id));
    if (rows.at(0).IsNull(0)) return patient_id;
    patient_id = rows.at(0).Int(0);
  }
  return DataLoss("patient merges form a chain too long to follow");
}

Result<Timestamp> Authorizer::GrantBreakGlass(db::Connection& conn, const Principal& principal,
                                              int64_t patient_id, const std::string& reason,
                                              int minutes, int max_minutes) const {
  CK_RETURN_IF_ERROR(Require(principal, Permission::kBreakGlass));
  if (reason.size() < 10)
    return InvalidArgument("give a reason of at least 10 characters", "reason");
  if (reason.size() > 1000) return InvalidArgument("must be at most 1000 characters", "reason");
  if (minutes < 1 || minutes > max_minutes)
    return InvalidArgument("must be between 1 and " + std::to_string(max_minutes), "minutes");
  // A grant on a merged record is a grant on the record that absorbed it.
  CK_ASSIGN_OR_RETURN(patient_id, EffectivePatient(conn, patient_id));
  Timestamp now = clock_.Now();
  Timestamp expires = now + minutes * kMillisPerMinute;
  CK_RETURN_IF_ERROR(conn.Exec("INSERT INTO break_glass_grants (user_id, patient_id, reason, "
                               "granted_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                               {principal.user_id, patient_id, reason, now, expires})
                         .status());
  return expires;
}

}  // namespace ck::auth
