// Authorizer: the one place that decides who may do what. Every HTTP route
// declares a Permission and, when it touches one patient, which path parameter
// names the patient; the router asks here before any handler runs.
//
//   CK_RETURN_IF_ERROR(Authorizer::Require(principal, Permission::kReadPatient));
//   CK_ASSIGN_OR_RETURN(Access a, authz.CheckPatientAccess(conn, principal, patient_id));
//
// Role permissions: see RoleHas(). Patient access: a case manager through
// active care-team membership; a supervisor also through any member of their
// team; auditors and integrations organisation-wide (read-only for auditors by
// permission); admins never (no clinical data). Break-the-glass grants give a
// case manager or supervisor time-limited access with a reason, and every
// access through one is flagged in the audit trail.
#pragma once

#include <string>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::auth {

// kTriage: a supervisor reading a patient whose referral waits for assignment.
// kCoverage: covering a colleague's caseload during their leave
// (caseload_coverages, docs/supervision.md).
enum class Access { kCareTeam, kTeam, kTriage, kCoverage, kBreakGlass, kOrganisation };
std::string_view AccessName(Access a);

bool RoleHas(Role role, Permission permission);

class Authorizer {
 public:
  explicit Authorizer(const Clock& clock) : clock_(clock) {}

  // PermissionDenied unless the principal's role has `permission`.
  static Status Require(const Principal& principal, Permission permission);

  // NotFound if the patient does not exist; PermissionDenied if the principal
  // has no access to them; otherwise how access was granted. Access to a record
  // merged into another follows the surviving record.
  Result<Access> CheckPatientAccess(db::Connection& conn, const Principal& principal,
                                    int64_t patient_id) const;

  // The record that stands for `patient_id`: itself, or the survivor it was
  // merged into (following merges of merges). NotFound if it does not exist.
  static Result<int64_t> EffectivePatient(db::Connection& conn, int64_t patient_id);

  // Records a break-the-glass grant (caller audits it in the same transaction).
  // InvalidArgument for a reason shorter than 10 characters or minutes out of
  // 1..max_minutes.
  Result<Timestamp> GrantBreakGlass(db::Connection& conn, const Principal& principal,
                                    int64_t patient_id, const std::string& reason, int minutes,
                                    int max_minutes) const;

 private:
  const Clock& clock_;
};

}  // namespace ck::auth
