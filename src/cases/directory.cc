#include "cases/directory.h"

#include <algorithm>

#include "audit/trail.h"
#include "patients/store.h"
#include "patients/validation.h"

namespace ck::cases {
namespace {

constexpr const char* kColumns =
    "id, kind, name, role, organisation, phone, fax, email, secure_message_address, active, "
    "version";

DirectoryEntry FromRow(const db::Row& r) {
  DirectoryEntry e;
  e.id = r.Int(0);
  e.kind = r.Text(1);
  e.name = r.Text(2);
  e.role = r.OptText(3);
  e.organisation = r.OptText(4);
  e.phone = r.OptText(5);
  e.fax = r.OptText(6);
  e.email = r.OptText(7);
  e.secure_message_address = r.OptText(8);
  e.active = r.Int(9) != 0;
  e.version = static_cast<int>(r.Int(10));
  return e;
}

Status Normalise(DirectoryEntry& e) {
  static const char* kKinds[] = {"provider", "facility", "insurer", "agency", "pharmacy", "other"};
  if (std::find_if(std::begin(kKinds), std::end(kKinds),
                   [&](const char* k) { return e.kind == k; }) == std::end(kKinds))
    return InvalidArgument("must be one of provider, facility, insurer, agency, pharmacy, other",
                           "kind");
  if (e.name.empty() || e.name.size() > 200)
    return InvalidArgument("must be 1 to 200 bytes", "name");
  if (patients::SearchKey(e.name).empty())
    return InvalidArgument("needs letters or digits", "name");
  for (auto* text : {&e.role, &e.organisation}) {
    if (*text && (*text)->size() > 200)
      return InvalidArgument("must be at most 200 bytes",
                             text == &e.role ? "role" : "organisation");
  }
  if (e.phone) {
    CK_ASSIGN_OR_RETURN(e.phone, patients::NormalizePhone(*e.phone, "phone"));
  }
  if (e.fax) {
    CK_ASSIGN_OR_RETURN(e.fax, patients::NormalizePhone(*e.fax, "fax"));
  }
  if (e.email) CK_RETURN_IF_ERROR(patients::ValidateEmail(*e.email, "email"));
  if (e.secure_message_address)
    CK_RETURN_IF_ERROR(
        patients::ValidateEmail(*e.secure_message_address, "secure_message_address"));
  return Status::Ok();
}

audit::Event DirectoryEvent(const auth::Actor& actor, Timestamp now, std::string action,
                            int64_t id) {
  return audit::EventBy(actor, now, std::move(action), "directory_entry", std::to_string(id));
}

}  // namespace

Result<DirectoryEntry> Directory::Add(const auth::Actor& actor, DirectoryEntry e) {
  CK_RETURN_IF_ERROR(Normalise(e));
  Timestamp now = clock_.Now();
  DirectoryEntry out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(
            "INSERT INTO directory_entries (kind, name, name_key, role, organisation, phone, fax, "
            "email, secure_message_address, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
            "?, ?, ?, ?, 1, ?, ?) RETURNING id",
            {e.kind, e.name, patients::SearchKey(e.name), e.role, e.organisation, e.phone, e.fax,
             e.email, e.secure_message_address, now, now}));
    e.id = rows.at(0).Int(0);
    out = e;
    return audit::Append(c, DirectoryEvent(actor, now, "directory.add", e.id));
  }));
  return out;
}

Result<DirectoryEntry> Directory::Change(const auth::Actor& actor, DirectoryEntry e,
                                         int expected_version) {
  CK_RETURN_IF_ERROR(Normalise(e));
  Timestamp now = clock_.Now();
  DirectoryEntry out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        int64_t n,
        c.Exec("UPDATE directory_entries SET kind = ?, name = ?, name_key = ?, role = ?, "
               "organisation = "
               "?, phone = ?, fax = ?, email = ?, secure_message_address = ?, active = ?, "
               "updated_at = "
               "?, version = version + 1 WHERE id = ? AND version = ?",
               {e.kind, e.name, patients::SearchKey(e.name), e.role, e.organisation, e.phone, e.fax,
                e.email, e.secure_message_address, e.active, now, e.id, expected_version}));
    if (n == 0) {
      CK_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT version FROM directory_entries WHERE id = ?", {e.id}));
      if (rows.empty()) return NotFound("no directory entry " + std::to_string(e.id));
      return Status(ErrorCode::kConflict,
                    "changed since version " + std::to_string(expected_version), "version");
    }
    CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns +
                                               " FROM directory_entries WHERE id = ?",
                                           {e.id}));
    out = FromRow(rows.at(0));
    return audit::Append(c, DirectoryEvent(actor, now, "directory.change", e.id));
  }));
  return out;
}

Result<DirectoryEntry> Directory::Get(int64_t id) {
  DirectoryEntry out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT ") + kColumns + " FROM directory_entries WHERE id = ?", {id}));
    if (rows.empty()) return NotFound("no directory entry " + std::to_string(id));
    out = FromRow(rows.at(0));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<DirectoryEntry>> Directory::Search(const std::optional<std::string>& name,
                                                      const std::optional<std::string>& kind,
                                                      int limit) {
  if (limit < 1 || limit > 200) return InvalidArgument("must be between 1 and 200", "limit");
  std::string sql = std::string("SELECT ") + kColumns + " FROM directory_entries WHERE active = 1";
  db::Params params;
  if (name) {
    std::string key = patients::SearchKey(*name);
    if (key.empty()) return InvalidArgument("needs letters or digits", "name");
    auto [lo, hi] = patients::PrefixRange(key);
    sql += " AND name_key >= ?";
    params.emplace_back(lo);
    if (!hi.empty()) {
      sql += " AND name_key < ?";
      params.emplace_back(hi);
    }
  }
  if (kind) {
    static const char* kKinds[] = {"provider", "facility", "insurer",
                                   "agency",   "pharmacy", "other"};
    if (std::find_if(std::begin(kKinds), std::end(kKinds),
                     [&](const char* k) { return *kind == k; }) == std::end(kKinds))
      return InvalidArgument("must be one of provider, facility, insurer, agency, pharmacy, other",
                             "kind");
    sql += " AND kind = ?";
    params.emplace_back(*kind);
  }
  sql += " ORDER BY name_key, id LIMIT ?";
  params.emplace_back(limit);
  std::vector<DirectoryEntry> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) {
    return c.ForEachRow(sql, params, [&](const db::Row& r) {
      out.push_back(FromRow(r));
      return Status::Ok();
    });
  }));
  return out;
}

Result<std::vector<TeamMember>> Directory::Team(const auth::Actor& actor, int64_t case_id) {
  std::vector<TeamMember> out;
  int64_t patient = 0;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT patient_id FROM cases WHERE id = ?", {case_id}));
    if (k.empty()) return NotFound("no case with id " + std::to_string(case_id));
    patient = k.at(0).Int(0);
    CK_ASSIGN_OR_RETURN(auto staff, patients::ListCareTeam(c, patient));
    for (const auto& m : staff) {
      out.push_back({std::nullopt, "staff", m.display_name, m.member_role, m.user_id, std::nullopt,
                     std::nullopt, std::nullopt});
    }
    return c.ForEachRow(
        "SELECT t.id, t.role, t.directory_entry_id, t.relationship_id, d.name, d.phone, r.name, "
        "r.phone "
        "FROM case_team_members t LEFT JOIN directory_entries d ON d.id = t.directory_entry_id "
        "LEFT JOIN patient_relationships r ON r.id = t.relationship_id "
        "WHERE t.case_id = ? AND t.removed_at IS NULL ORDER BY t.id",
        {case_id}, [&](const db::Row& r) {
          bool directory = !r.IsNull(2);
          out.push_back({r.Int(0), directory ? "directory" : "relationship",
                         directory ? r.Text(4) : r.Text(6), r.Text(1), std::nullopt, r.OptInt(2),
                         r.OptInt(3), directory ? r.OptText(5) : r.OptText(7)});
          return Status::Ok();
        });
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "case.team_read", "case",
                                           std::to_string(case_id), patient)));
  return out;
}

Result<TeamMember> Directory::AddToCase(const auth::Principal& who, const auth::Actor& actor,
                                        int64_t case_id, const TeamAddition& joins,
                                        const std::string& role) {
  if (joins.directory_entry_id.has_value() == joins.relationship_id.has_value())
    return InvalidArgument("name exactly one of directory_entry_id and relationship_id",
                           "directory_entry_id");
  if (role.empty() || role.size() > 100) return InvalidArgument("must be 1 to 100 bytes", "role");
  Timestamp now = clock_.Now();
  TeamMember out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto k,
                        c.Query("SELECT patient_id, status FROM cases WHERE id = ?", {case_id}));
    if (k.empty()) return NotFound("no case with id " + std::to_string(case_id));
    int64_t patient = k.at(0).Int(0);
    if (k.at(0).Text(1) == "closed") return FailedPrecondition("the case is closed");
    if (joins.directory_entry_id) {
      CK_ASSIGN_OR_RETURN(
          auto d, c.Query("SELECT name, phone FROM directory_entries WHERE id = ? AND active = 1",
                          {*joins.directory_entry_id}));
      if (d.empty())
        return InvalidArgument("no active directory entry with this id", "directory_entry_id");
      out = {std::nullopt, "directory",       d.at(0).Text(0),
             role,         std::nullopt,      joins.directory_entry_id,
             std::nullopt, d.at(0).OptText(1)};
    } else {
      CK_ASSIGN_OR_RETURN(
          auto r,
          c.Query("SELECT name, phone FROM patient_relationships WHERE id = ? AND patient_id = ?",
                  {*joins.relationship_id, patient}));
      if (r.empty())
        return InvalidArgument("no such relationship on this patient", "relationship_id");
      out = {std::nullopt, "relationship", r.at(0).Text(0),       role,
             std::nullopt, std::nullopt,   joins.relationship_id, r.at(0).OptText(1)};
    }
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO case_team_members (case_id, patient_id, directory_entry_id, "
                "relationship_id, role, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                {case_id, patient, joins.directory_entry_id, joins.relationship_id, role,
                 who.user_id, now}));
    out.id = rows.at(0).Int(0);
    return audit::Append(
        c, audit::EventBy(actor, now, "case.team_add", "case", std::to_string(case_id), patient,
                          out.kind + " as " + role));
  }));
  return out;
}

Status Directory::RemoveFromCase(const auth::Actor& actor, int64_t case_id, int64_t member_id) {
  Timestamp now = clock_.Now();
  return db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("UPDATE case_team_members SET removed_at = ? WHERE id = ? AND case_id = ? "
                "AND removed_at IS NULL RETURNING patient_id",
                {now, member_id, case_id}));
    if (rows.empty())
      return NotFound("no team member " + std::to_string(member_id) + " on this case");
    return audit::Append(
        c, audit::EventBy(actor, now, "case.team_remove", "case", std::to_string(case_id),
                          rows.at(0).Int(0), "member " + std::to_string(member_id)));
  });
}

}  // namespace ck::cases
