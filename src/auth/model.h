// Roles, permissions and the authenticated principal.
//
// Roles follow ../shared/DESIGN.md: case_manager (their caseload, by care-team
// membership), supervisor (their team's caseloads), auditor (read-only,
// including the audit trail), admin (users and configuration, no clinical data),
// integration (API tokens for EHR and insurer systems).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace ck::auth {

enum class Role { kCaseManager, kSupervisor, kAuditor, kAdmin, kIntegration };

std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view name);

// What a route or service needs. Patient-level access is checked separately
// (Authorizer::CheckPatientAccess) for the permissions marked "patient".
enum class Permission {
  kReadPatient,        // patient: demographics and clinical record
  kWritePatient,       // patient: create and change clinical records
  kListPatients,       // the patients one may see (filtered by access)
  kBreakGlass,         // request emergency access outside one's care team
  kManageCareTeam,     // assign case managers to patients
  kMergePatients,      // merge duplicate patient records
  kReadAudit,          // the audit trail and its verification
  kManageUsers,        // users, roles, API tokens
  kViewOwnAccount,     // one's own profile and sign-out
  kCalculateScores,    // score instruments without storing anything (no patient data)
  kRunStratification,  // run population risk stratification on demand
  kImportData,         // load records from other systems in bulk (FHIR Bundles)
  kManageLibrary,      // shared reference content: the patient education library
  kReadReports,        // aggregate reports (no patient-level data)
  kWorkWorklist,       // caseload work on worklist items: snooze and wake them
};

std::string_view PermissionName(Permission p);

// How a request was authenticated.
enum class Credential { kSession, kApiToken, kCli };

struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kCaseManager;
  std::optional<int64_t> team_id;
  Credential credential = Credential::kSession;
  Timestamp expires_at = 0;  // when the session or token stops working
};

// Who performs an action, for the audit trail. The CLI acts as "system".
struct Actor {
  std::optional<int64_t> user_id;
  std::string username = "system";
  std::string role = "system";
  std::string request_id = "cli";
  // How access to the patient in question was granted ("care_team", "team",
  // "break_glass", "organisation"); recorded in audit details.
  std::string access;
  static Actor From(const Principal& p, std::string request_id) {
    return {p.user_id, p.username, std::string(RoleName(p.role)), std::move(request_id), {}};
  }
};

}  // namespace ck::auth
