#include "patients/service.h"

#include <algorithm>
#include <set>

#include "audit/trail.h"
#include "patients/clinical.h"
#include "patients/consent.h"
#include "patients/store.h"
#include "patients/validation.h"

namespace ck::patients {
namespace {

audit::Event EventFor(const auth::Actor& actor, Timestamp now, std::string action,
                      std::optional<int64_t> patient_id, std::string detail = {}) {
  return audit::EventBy(actor, now, std::move(action), "patient",
                        patient_id ? std::to_string(*patient_id) : "", patient_id,
                        std::move(detail));
}

// Among `list`, the patients `who` reaches only through a break-the-glass
// grant, so that their list and search audit records say so.
Result<std::set<int64_t>> ReachedByBreakGlass(db::Connection& c, const auth::Principal& who,
                                              const std::vector<Patient>& list, Timestamp now) {
  std::set<int64_t> out;
  if (list.empty() || (who.role != auth::Role::kCaseManager && who.role != auth::Role::kSupervisor))
    return out;
  auto in_list = [](const std::vector<int64_t>& ids, db::Params& params) {
    std::string marks;
    for (int64_t id : ids) {
      marks += marks.empty() ? "?" : ", ?";
      params.emplace_back(id);
    }
    return " IN (" + marks + ")";
  };
  std::vector<int64_t> ids;
  for (const Patient& p : list) ids.push_back(p.id);
  db::Params params{who.user_id, now};
  std::string sql =
      "SELECT DISTINCT patient_id FROM break_glass_grants WHERE user_id = ? AND expires_at > ? AND "
      "patient_id" +
      in_list(ids, params);
  std::vector<int64_t> granted;
  CK_RETURN_IF_ERROR(c.ForEachRow(sql, params, [&](const db::Row& r) {
    granted.push_back(r.Int(0));
    return Status::Ok();
  }));
  if (granted.empty()) return out;
  out.insert(granted.begin(), granted.end());
  db::Params team_params{who.user_id, who.team_id.value_or(-1),
                         who.role == auth::Role::kSupervisor ? 1 : 0};
  std::string team_sql =
      "SELECT DISTINCT m.patient_id FROM care_team_members m JOIN users u ON u.id = m.user_id "
      "WHERE "
      "m.removed_at IS NULL AND (m.user_id = ? OR (u.team_id = ? AND ? = 1)) AND m.patient_id" +
      in_list(granted, team_params);
  CK_RETURN_IF_ERROR(c.ForEachRow(team_sql, team_params, [&](const db::Row& r) {
    out.erase(r.Int(0));
    return Status::Ok();
  }));
  return out;
}

}  // namespace

Status ValidateRelationship(const Relationship& r) {
  if (r.name.empty() || r.name.size() > 200)
    return InvalidArgument("must be 1 to 200 bytes", "name");
  static const char* kKinds[] = {
      "caregiver", "guardian", "power_of_attorney", "household_member", "spouse",
      "parent",    "child",    "sibling",           "friend",           "other"};
  if (std::find(std::begin(kKinds), std::end(kKinds), r.relationship) == std::end(kKinds))
    return InvalidArgument(
        "must be one of caregiver, guardian, power_of_attorney, household_member, spouse, parent, "
        "child, sibling, friend, other",
        "relationship");
  if (r.email) CK_RETURN_IF_ERROR(ValidateEmail(*r.email, "email"));
  return Status::Ok();
}

Result<Patient> Service::Create(const auth::Principal& who, const auth::Actor& actor,
                                const NewPatient& np) {
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(ValidateDemographics(np, DateOf(now)));
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
  return Disclose(who, actor, "patient.list", [&](db::Connection& c, Timestamp now) {
    return ListVisiblePatients(c, who, now, after_id, limit);
  });
}

Result<std::vector<Patient>> Service::Disclose(
    const auth::Principal& who, const auth::Actor& actor, const char* action,
    const std::function<Result<std::vector<Patient>>(db::Connection&, Timestamp)>& fetch) {
  Timestamp now = clock_.Now();
  std::vector<Patient> out;
  std::set<int64_t> glass;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, fetch(c, now));
    CK_ASSIGN_OR_RETURN(glass, ReachedByBreakGlass(c, who, out, now));
    return Status::Ok();
  }));
  // One record per patient disclosed, so each patient's access history is complete.
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    auth::Actor flagged = actor;
    flagged.access = "break_glass";
    for (const Patient& p : out) {
      CK_RETURN_IF_ERROR(
          audit::Append(c, EventFor(glass.count(p.id) ? flagged : actor, now, action, p.id)));
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

Result<Patient> Service::Update(const auth::Actor& actor, int64_t patient_id, int expected_version,
                                const NewPatient& p) {
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(ValidateDemographics(p, DateOf(now)));
  Patient out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, UpdatePatient(c, patient_id, expected_version, p, now));
    return audit::Append(c, EventFor(actor, now, "patient.update", patient_id,
                                     "version " + std::to_string(out.version)));
  }));
  return out;
}

Result<std::vector<Patient>> Service::Search(const auth::Principal& who, const auth::Actor& actor,
                                             const SearchQuery& q) {
  if (q.limit < 1 || q.limit > 500) return InvalidArgument("must be between 1 and 500", "limit");
  if (q.system && !q.identifier) return InvalidArgument("goes with identifier", "system");
  if (!q.name && !q.birth_date && !q.identifier && !q.phone)
    return InvalidArgument("give a name, birth_date, identifier or phone to search by", "name");
  if (q.birth_date) CK_RETURN_IF_ERROR(ParseDate(*q.birth_date, "birth_date").status());
  SearchQuery normalised = q;
  if (q.phone) {
    CK_ASSIGN_OR_RETURN(normalised.phone, NormalizePhone(*q.phone, "phone"));
  }
  return Disclose(who, actor, "patient.search", [&](db::Connection& c, Timestamp now) {
    return SearchPatients(c, who, now, normalised);
  });
}

Result<Identifier> Service::AddIdentifier(const auth::Actor& actor, int64_t patient_id,
                                          const Identifier& id) {
  CK_RETURN_IF_ERROR(ValidateIdentifier(id, "identifier"));
  Timestamp now = clock_.Now();
  Identifier out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, InsertIdentifier(c, patient_id, id, now));
    return audit::Append(c, EventFor(actor, now, "patient.identifier_add", patient_id, id.system));
  }));
  return out;
}

Status Service::RemoveIdentifier(const auth::Actor& actor, int64_t patient_id,
                                 int64_t identifier_id) {
  Timestamp now = clock_.Now();
  return db_.Write([&](db::Connection& c) -> Status {
    CK_RETURN_IF_ERROR(DeleteIdentifier(c, patient_id, identifier_id));
    return audit::Append(c, EventFor(actor, now, "patient.identifier_remove", patient_id,
                                     "identifier " + std::to_string(identifier_id)));
  });
}

Result<std::vector<Relationship>> Service::Relationships(const auth::Actor& actor,
                                                         int64_t patient_id) {
  std::vector<Relationship> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, ListRelationships(c, patient_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, EventFor(actor, clock_.Now(), "patient.relationships_read", patient_id)));
  return out;
}

Result<Relationship> Service::AddRelationship(const auth::Actor& actor, const Relationship& r) {
  CK_RETURN_IF_ERROR(ValidateRelationship(r));
  if (r.may_receive_information)
    return Status(
        ErrorCode::kFailedPrecondition,
        "add the relationship, record the patient's consent to share with them, then allow it",
        "may_receive_information");
  Timestamp now = clock_.Now();
  Relationship out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, InsertRelationship(c, r, now));
    return audit::Append(
        c, EventFor(actor, now, "patient.relationship_add", r.patient_id, r.relationship));
  }));
  return out;
}

Result<Relationship> Service::ChangeRelationship(const auth::Actor& actor, const Relationship& r,
                                                 int expected_version) {
  CK_RETURN_IF_ERROR(ValidateRelationship(r));
  Timestamp now = clock_.Now();
  Relationship out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    // Turning sharing on needs consent; other edits do not re-check it.
    CK_ASSIGN_OR_RETURN(auto current,
                        c.Query("SELECT may_receive_information FROM patient_relationships WHERE "
                                "id = ? AND patient_id = ?",
                                {r.id, r.patient_id}));
    bool turning_on = r.may_receive_information && (current.empty() || current.at(0).Int(0) == 0);
    if (turning_on) {
      CK_ASSIGN_OR_RETURN(bool consented, SharingConsented(c, r.patient_id, r.id, DateOf(now)));
      if (!consented)
        return Status(ErrorCode::kFailedPrecondition,
                      "no active consent of the patient to share information with this person",
                      "may_receive_information");
    }
    CK_ASSIGN_OR_RETURN(out, UpdateRelationship(c, r, expected_version, now));
    return audit::Append(c, EventFor(actor, now, "patient.relationship_update", r.patient_id,
                                     "relationship " + std::to_string(r.id)));
  }));
  return out;
}

Status Service::RemoveRelationship(const auth::Actor& actor, int64_t patient_id,
                                   int64_t relationship_id) {
  Timestamp now = clock_.Now();
  return db_.Write([&](db::Connection& c) -> Status {
    Status deleted = DeleteRelationship(c, patient_id, relationship_id);
    if (deleted.code() == ErrorCode::kFailedPrecondition)
      return FailedPrecondition(
          "consent records name this person and are kept; revoke the consent instead");
    CK_RETURN_IF_ERROR(deleted);
    return audit::Append(c, EventFor(actor, now, "patient.relationship_remove", patient_id,
                                     "relationship " + std::to_string(relationship_id)));
  });
}

Result<Patient> Service::Merge(const auth::Principal& who, const auth::Actor& actor,
                               int64_t survivor, int64_t merged) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kMergePatients));
  Timestamp now = clock_.Now();
  Patient out;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    // Access to the duplicate too, not only to the survivor the route checked.
    auto access = authorizer_.CheckPatientAccess(c, who, merged);
    if (!access.ok()) {
      if (access.status().code() == ErrorCode::kNotFound)
        return InvalidArgument("no such patient", "merged_patient_id");
      return access.status();
    }
    CK_RETURN_IF_ERROR(MergePatients(c, survivor, merged, now));
    if (encounter_observer_)
      CK_RETURN_IF_ERROR(encounter_observer_->EncountersChanged(c, survivor, now));
    CK_RETURN_IF_ERROR(audit::Append(c, EventFor(actor, now, "patient.merge", survivor,
                                                 "absorbed patient " + std::to_string(merged))));
    CK_RETURN_IF_ERROR(
        audit::Append(c, EventFor(actor, now, "patient.merge", merged,
                                  "merged into patient " + std::to_string(survivor))));
    CK_ASSIGN_OR_RETURN(out, GetPatient(c, survivor));
    return Status::Ok();
  });
  if (st.code() == ErrorCode::kPermissionDenied) {
    audit::Event e = EventFor(actor, now, "patient.merge", merged, st.message());
    e.outcome = "denied";
    (void)audit::AppendNow(db_, e);
  }
  if (!st.ok()) return st;
  return out;
}

}  // namespace ck::patients
