#include "auth/model.h"

namespace ck::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kCaseManager:
      return "case_manager";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kAuditor:
      return "auditor";
    case Role::kAdmin:
      return "admin";
    case Role::kIntegration:
      return "integration";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r :
       {Role::kCaseManager, Role::kSupervisor, Role::kAuditor, Role::kAdmin, Role::kIntegration}) {
    if (RoleName(r) == name) return r;
  }
  return InvalidArgument("must be one of case_manager, supervisor, auditor, admin, integration",
                         "role");
}

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kReadPatient:
      return "patient.read";
    case Permission::kWritePatient:
      return "patient.write";
    case Permission::kListPatients:
      return "patient.list";
    case Permission::kBreakGlass:
      return "patient.break_glass";
    case Permission::kManageCareTeam:
      return "care_team.manage";
    case Permission::kMergePatients:
      return "patient.merge";
    case Permission::kReadAudit:
      return "audit.read";
    case Permission::kManageUsers:
      return "users.manage";
    case Permission::kViewOwnAccount:
      return "account.view";
    case Permission::kCalculateScores:
      return "scores.calculate";
    case Permission::kRunStratification:
      return "risk.stratify";
    case Permission::kImportData:
      return "data.import";
    case Permission::kManageLibrary:
      return "library.manage";
    case Permission::kReadReports:
      return "reports.read";
    case Permission::kWorkWorklist:
      return "worklist.work";
  }
  return "unknown";
}

}  // namespace ck::auth
