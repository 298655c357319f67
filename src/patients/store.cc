#include "patients/store.h"

#include <algorithm>

#include "db/sql.h"
#include "patients/validation.h"

namespace ck::patients {
namespace {

constexpr const char* kColumns =
    "p.id, p.given_name, p.family_name, p.birth_date, p.administrative_sex, p.middle_name, "
    "p.name_suffix, p.preferred_name, p.gender_identity, p.preferred_language, "
    "p.interpreter_needed, p.ethnicity, p.address_line1, p.address_line2, p.address_city, "
    "p.address_state, p.address_postal_code, p.address_country, p.email, "
    "p.preferred_contact_method, p.preferred_contact_times, p.merged_into_id, p.version, "
    "p.created_at, p.updated_at";

Patient FromRow(const db::Row& r) {
  Patient p;
  p.id = r.Int(0);
  p.given_name = r.Text(1);
  p.family_name = r.Text(2);
  p.birth_date = r.Text(3);
  p.administrative_sex = r.Text(4);
  p.middle_name = r.OptText(5);
  p.name_suffix = r.OptText(6);
  p.preferred_name = r.OptText(7);
  p.gender_identity = r.OptText(8);
  p.preferred_language = r.OptText(9);
  p.interpreter_needed = r.Int(10) != 0;
  p.ethnicity = r.OptText(11);
  p.address = {r.OptText(12), r.OptText(13), r.OptText(14),
               r.OptText(15), r.OptText(16), r.OptText(17)};
  p.email = r.OptText(18);
  p.preferred_contact_method = r.OptText(19);
  p.preferred_contact_times = r.OptText(20);
  p.merged_into_id = r.OptInt(21);
  p.version = static_cast<int>(r.Int(22));
  p.created_at = r.Int(23);
  p.updated_at = r.Int(24);
  return p;
}

// The demographic columns in the order of kDemographicColumns.
db::Params DemographicValues(const NewPatient& p) {
  return {p.given_name,
          p.family_name,
          p.birth_date,
          p.administrative_sex,
          p.middle_name,
          p.name_suffix,
          p.preferred_name,
          p.gender_identity,
          p.preferred_language,
          p.interpreter_needed,
          p.ethnicity,
          p.address.line1,
          p.address.line2,
          p.address.city,
          p.address.state,
          p.address.postal_code,
          p.address.country,
          p.email,
          p.preferred_contact_method,
          p.preferred_contact_times,
          SearchKey(p.family_name),
          SearchKey(p.given_name)};
}

constexpr const char* kDemographicColumns[] = {"given_name",
                                               "family_name",
                                               "birth_date",
                                               "administrative_sex",
                                               "middle_name",
                                               "name_suffix",
                                               "preferred_name",
                                               "gender_identity",
                                               "preferred_language",
                                               "interpreter_needed",
                                               "ethnicity",
                                               "address_line1",
                                               "address_line2",
                                               "address_city",
                                               "address_state",
                                               "address_postal_code",
                                               "address_country",
                                               "email",
                                               "preferred_contact_method",
                                               "preferred_contact_times",
                                               "family_key",
                                               "given_key"};

// The races as stored and read back: sorted, each once.
std::vector<std::string> DistinctRaces(const NewPatient& p) {
  std::vector<std::string> races = p.races;
  std::sort(races.begin(), races.end());
  races.erase(std::unique(races.begin(), races.end()), races.end());
  return races;
}

// With `fresh`, a record just inserted (nothing to delete first).
Status ReplaceRacesAndPhones(db::Connection& c, int64_t id, const NewPatient& p,
                             bool fresh = false) {
  if (!fresh) {
    CK_RETURN_IF_ERROR(c.Exec("DELETE FROM patient_races WHERE patient_id = ?", {id}).status());
    CK_RETURN_IF_ERROR(c.Exec("DELETE FROM patient_phones WHERE patient_id = ?", {id}).status());
  }
  // Once each: a failed duplicate insert would abort a PostgreSQL transaction.
  for (const std::string& race : DistinctRaces(p)) {
    CK_RETURN_IF_ERROR(
        c.Exec("INSERT INTO patient_races (patient_id, race) VALUES (?, ?)", {id, race}).status());
  }
  for (const Phone& ph : p.phones) {
    CK_RETURN_IF_ERROR(
        c.Exec("INSERT INTO patient_phones (patient_id, number, phone_use, preferred) "
               "VALUES (?, ?, ?, ?)",
               {id, ph.number, ph.use, ph.preferred})
            .status());
  }
  return Status::Ok();
}

// A WHERE fragment limiting patients `p` to those `who` may see (auth/authorizer.h).
// The caseloads of colleagues one covers during their leave (docs/supervision.md).
constexpr const char* kCovered =
    " UNION SELECT c.patient_id FROM caseload_coverages v JOIN care_team_members c ON c.user_id = "
    "v.absent_user_id AND c.removed_at IS NULL WHERE v.covering_user_id = ? AND v.starts_at <= ? "
    "AND v.ends_at > ? AND v.ended_at IS NULL";

std::string VisibleTo(const auth::Principal& who, Timestamp now, db::Params& params) {
  switch (who.role) {
    case auth::Role::kAuditor:
    case auth::Role::kIntegration:
      return "";
    case auth::Role::kAdmin:
      return " AND 1 = 0";
    // As IN over the caller's own memberships (index on user_id), so a caseload
    // is found without scanning every patient.
    case auth::Role::kSupervisor:
      params.insert(params.end(), {who.user_id, who.team_id.value_or(-1), who.user_id, now,
                                   who.user_id, now, now});
      return " AND p.id IN (SELECT m.patient_id FROM care_team_members m JOIN users u ON u.id = "
             "m.user_id WHERE m.removed_at IS NULL AND (m.user_id = ? OR u.team_id = ?)"
             " UNION SELECT g.patient_id FROM break_glass_grants g WHERE g.user_id = ? AND "
             "g.expires_at > ?" +
             std::string(kCovered) + ")";
    case auth::Role::kCaseManager:
      params.insert(params.end(), {who.user_id, who.user_id, now, who.user_id, now, now});
      return " AND p.id IN (SELECT m.patient_id FROM care_team_members m WHERE m.user_id = ? AND "
             "m.removed_at IS NULL"
             " UNION SELECT g.patient_id FROM break_glass_grants g WHERE g.user_id = ? AND "
             "g.expires_at > ?" +
             std::string(kCovered) + ")";
  }
  return " AND 1 = 0";
}

Result<std::vector<Patient>> QueryPatients(db::Connection& c, const std::string& sql,
                                           const db::Params& params) {
  std::vector<Patient> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(sql, params, [&](const db::Row& r) {
    out.push_back(FromRow(r));
    return Status::Ok();
  }));
  return out;
}

// `key BETWEEN` the range of `prefix`, appended to sql/params.
void AddPrefix(std::string& sql, db::Params& params, const char* column,
               const std::string& prefix) {
  auto [lo, hi] = PrefixRange(prefix);
  sql += std::string(" AND p.") + column + " >= ?";
  params.emplace_back(lo);
  if (!hi.empty()) {
    sql += std::string(" AND p.") + column + " < ?";
    params.emplace_back(hi);
  }
}

Relationship RelationshipFromRow(const db::Row& r) {
  Relationship x;
  x.id = r.Int(0);
  x.patient_id = r.Int(1);
  x.name = r.Text(2);
  x.relationship = r.Text(3);
  x.phone = r.OptText(4);
  x.email = r.OptText(5);
  x.may_receive_information = r.Int(6) != 0;
  x.emergency_contact = r.Int(7) != 0;
  x.created_at = r.Int(8);
  x.updated_at = r.Int(9);
  x.version = static_cast<int>(r.Int(10));
  return x;
}

constexpr const char* kRelationshipColumns =
    "id, patient_id, name, relationship, phone, email, may_receive_information, emergency_contact, "
    "created_at, updated_at, version";

}  // namespace

Result<std::unordered_map<int64_t, std::string>> ScreenNames(db::Connection& c,
                                                             const std::vector<int64_t>& ids) {
  std::unordered_map<int64_t, std::string> names;
  for (size_t start = 0; start < ids.size(); start += 500) {
    size_t n = std::min<size_t>(500, ids.size() - start);
    db::Params p(ids.begin() + static_cast<long>(start),
                 ids.begin() + static_cast<long>(start + n));
    CK_RETURN_IF_ERROR(
        c.ForEachRow("SELECT id, COALESCE(preferred_name, given_name), family_name FROM patients "
                     "WHERE id IN " +
                         db::InList(n),
                     p, [&](const db::Row& r) {
                       names[r.Int(0)] = r.Text(1) + " " + r.Text(2);
                       return Status::Ok();
                     }));
  }
  return names;
}

std::string VisiblePatients(const auth::Principal& who, Timestamp now, const char* column,
                            db::Params& params) {
  std::string clause = VisibleTo(who, now, params);
  // VisibleTo speaks of "p.id"; name the caller's column instead.
  for (size_t pos = clause.find("p.id IN"); pos != std::string::npos;
       pos = clause.find("p.id IN", pos + 1))
    clause.replace(pos, 4, column);
  return clause;
}

std::pair<std::string, std::string> PrefixRange(const std::string& prefix) {
  std::string hi = prefix;
  // Increment the last character within [0-9a-z], carrying past 'z', so the
  // bound is itself a key and compares the same under any collation.
  while (!hi.empty()) {
    char& last = hi.back();
    if (last == 'z') {
      hi.pop_back();
      continue;
    }
    last = last == '9' ? 'a' : static_cast<char>(last + 1);
    break;
  }
  return {prefix, hi};
}

Result<Patient> InsertPatient(db::Connection& c, const NewPatient& p, Timestamp now) {
  std::string cols, marks;
  for (const char* col : kDemographicColumns) {
    cols += std::string(cols.empty() ? "" : ", ") + col;
    marks += marks.empty() ? "?" : ", ?";
  }
  db::Params params = DemographicValues(p);
  params.insert(params.end(), {now, now});
  CK_ASSIGN_OR_RETURN(
      auto rows, c.Query("INSERT INTO patients (" + cols + ", created_at, updated_at) VALUES (" +
                             marks + ", ?, ?) RETURNING id",
                         params));
  // The record as GetPatient() would read it back, without reading it back.
  Patient out;
  static_cast<NewPatient&>(out) = p;
  out.id = rows.at(0).Int(0);
  out.created_at = out.updated_at = now;
  out.races = DistinctRaces(p);
  CK_RETURN_IF_ERROR(ReplaceRacesAndPhones(c, out.id, p, /*fresh=*/true));
  out.identifiers.clear();
  for (const Identifier& ident : p.identifiers) {
    CK_ASSIGN_OR_RETURN(Identifier made, InsertIdentifier(c, out.id, ident, now));
    out.identifiers.push_back(std::move(made));
  }
  return out;
}

Result<Patient> GetPatient(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kColumns + " FROM patients p WHERE p.id = ?", {id}));
  if (rows.empty()) return NotFound("no patient with id " + std::to_string(id));
  Patient p = FromRow(rows.at(0));
  CK_RETURN_IF_ERROR(
      c.ForEachRow("SELECT race FROM patient_races WHERE patient_id = ? ORDER BY race", {id},
                   [&](const db::Row& r) {
                     p.races.push_back(r.Text(0));
                     return Status::Ok();
                   }));
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT number, phone_use, preferred FROM patient_phones WHERE patient_id = ? ORDER BY id",
      {id}, [&](const db::Row& r) {
        p.phones.push_back({r.Text(0), r.Text(1), r.Int(2) != 0});
        return Status::Ok();
      }));
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT id, system, value, kind FROM patient_identifiers WHERE patient_id = ? ORDER BY id",
      {id}, [&](const db::Row& r) {
        p.identifiers.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3)});
        return Status::Ok();
      }));
  return p;
}

Result<Patient> UpdatePatient(db::Connection& c, int64_t id, int expected_version,
                              const NewPatient& p, Timestamp now) {
  std::string sets;
  for (const char* col : kDemographicColumns)
    sets += std::string(sets.empty() ? "" : ", ") + col + " = ?";
  db::Params params = DemographicValues(p);
  params.insert(params.end(), {now, id, expected_version});
  CK_ASSIGN_OR_RETURN(
      int64_t changed,
      c.Exec("UPDATE patients SET " + sets +
                 ", updated_at = ?, version = version + 1 WHERE id = ? AND version = ? "
                 "AND merged_into_id IS NULL",
             params));
  if (changed == 0) {
    CK_ASSIGN_OR_RETURN(Patient current, GetPatient(c, id));
    if (current.merged_into_id)
      return FailedPrecondition("this record was merged into patient " +
                                std::to_string(*current.merged_into_id) + "; update that one");
    return Status(ErrorCode::kConflict,
                  "the record changed since version " + std::to_string(expected_version) +
                      " (now " + std::to_string(current.version) + "); reload and apply again",
                  "version");
  }
  CK_RETURN_IF_ERROR(ReplaceRacesAndPhones(c, id, p));
  return GetPatient(c, id);
}

Result<std::vector<Patient>> ListVisiblePatients(db::Connection& c, const auth::Principal& who,
                                                 Timestamp now, int64_t after_id, int limit) {
  db::Params params{after_id};
  std::string sql = std::string("SELECT ") + kColumns +
                    " FROM patients p WHERE p.id > ? AND p.merged_into_id IS NULL";
  sql += VisibleTo(who, now, params);
  sql += " ORDER BY p.id LIMIT ?";
  params.emplace_back(limit);
  return QueryPatients(c, sql, params);
}

Result<std::vector<Patient>> SearchPatients(db::Connection& c, const auth::Principal& who,
                                            Timestamp now, const SearchQuery& q) {
  db::Params params{q.after_id};
  std::string sql = std::string("SELECT ") + kColumns +
                    " FROM patients p WHERE p.id > ? AND p.merged_into_id IS NULL";
  if (q.name) {
    // "family, given" / "given family" / one word matching either name.
    std::string text = *q.name;
    size_t comma = text.find(',');
    std::vector<std::string> words;
    if (comma != std::string::npos) {
      words = {SearchKey(text.substr(0, comma)), SearchKey(text.substr(comma + 1))};
      if (words[1].empty()) words.pop_back();
    } else {
      size_t start = 0;
      while (start < text.size()) {
        size_t space = text.find(' ', start);
        if (space == std::string::npos) space = text.size();
        std::string w = SearchKey(text.substr(start, space - start));
        if (!w.empty()) words.push_back(w);
        start = space + 1;
      }
    }
    if (words.empty() || words[0].empty())
      return InvalidArgument("needs letters or digits", "name");
    if (comma != std::string::npos) {
      AddPrefix(sql, params, "family_key", words[0]);
      if (words.size() > 1) AddPrefix(sql, params, "given_key", words[1]);
    } else if (words.size() == 1) {
      auto [lo, hi] = PrefixRange(words[0]);
      sql += hi.empty() ? " AND (p.family_key >= ? OR p.given_key >= ?)"
                        : " AND ((p.family_key >= ? AND p.family_key < ?) OR "
                          "(p.given_key >= ? AND p.given_key < ?))";
      params.emplace_back(lo);
      if (!hi.empty()) params.emplace_back(hi);
      params.emplace_back(lo);
      if (!hi.empty()) params.emplace_back(hi);
    } else {
      // "maria garcia": the last word is the family name, the first the given name.
      AddPrefix(sql, params, "family_key", words.back());
      AddPrefix(sql, params, "given_key", words.front());
    }
  }
  if (q.birth_date) {
    sql += " AND p.birth_date = ?";
    params.emplace_back(*q.birth_date);
  }
  if (q.identifier) {
    sql += " AND p.id IN (SELECT i.patient_id FROM patient_identifiers i WHERE i.value = ?";
    params.emplace_back(*q.identifier);
    if (q.system) {
      sql += " AND i.system = ?";
      params.emplace_back(*q.system);
    }
    sql += ")";
  }
  if (q.phone) {
    sql += " AND p.id IN (SELECT ph.patient_id FROM patient_phones ph WHERE ph.number = ?)";
    params.emplace_back(*q.phone);
  }
  sql += VisibleTo(who, now, params);
  sql += " ORDER BY p.id LIMIT ?";
  params.emplace_back(q.limit);
  return QueryPatients(c, sql, params);
}

Result<Identifier> InsertIdentifier(db::Connection& c, int64_t patient_id, const Identifier& id,
                                    Timestamp now) {
  auto rows = c.Query(
      "INSERT INTO patient_identifiers (patient_id, system, value, kind, created_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {patient_id, id.system, id.value, id.kind, now});
  if (!rows.ok()) {
    if (rows.status().code() == ErrorCode::kAlreadyExists)
      return AlreadyExists(
          "identifier " + id.system + " " + id.value + " belongs to another patient",
          "identifiers");
    return rows.status();
  }
  Identifier out = id;
  out.id = rows->at(0).Int(0);
  return out;
}

Status DeleteIdentifier(db::Connection& c, int64_t patient_id, int64_t identifier_id) {
  CK_ASSIGN_OR_RETURN(int64_t n,
                      c.Exec("DELETE FROM patient_identifiers WHERE id = ? AND patient_id = ?",
                             {identifier_id, patient_id}));
  if (n == 0)
    return NotFound("no identifier " + std::to_string(identifier_id) + " on this patient");
  return Status::Ok();
}

Result<Relationship> InsertRelationship(db::Connection& c, const Relationship& r, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO patient_relationships (patient_id, name, relationship, phone, "
              "email, may_receive_information, emergency_contact, created_at, "
              "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {r.patient_id, r.name, r.relationship, r.phone, r.email, r.may_receive_information,
               r.emergency_contact, now, now}));
  Relationship out = r;
  out.id = rows.at(0).Int(0);
  out.created_at = out.updated_at = now;
  return out;
}

Result<std::vector<Relationship>> ListRelationships(db::Connection& c, int64_t patient_id) {
  std::vector<Relationship> out;
  CK_RETURN_IF_ERROR(
      c.ForEachRow(std::string("SELECT ") + kRelationshipColumns +
                       " FROM patient_relationships WHERE patient_id = ? ORDER BY id",
                   {patient_id}, [&](const db::Row& r) {
                     out.push_back(RelationshipFromRow(r));
                     return Status::Ok();
                   }));
  return out;
}

Result<Relationship> UpdateRelationship(db::Connection& c, const Relationship& r,
                                        int expected_version, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      int64_t n,
      c.Exec(
          "UPDATE patient_relationships SET name = ?, relationship = ?, phone = ?, "
          "email = ?, may_receive_information = ?, emergency_contact = ?, "
          "updated_at = ?, version = version + 1 WHERE id = ? AND patient_id = ? AND version = ?",
          {r.name, r.relationship, r.phone, r.email, r.may_receive_information, r.emergency_contact,
           now, r.id, r.patient_id, expected_version}));
  if (n == 0) {
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("SELECT version FROM patient_relationships WHERE id = ? AND patient_id = ?",
                {r.id, r.patient_id}));
    if (rows.empty())
      return NotFound("no relationship " + std::to_string(r.id) + " on this patient");
    return Status(ErrorCode::kConflict,
                  "changed since version " + std::to_string(expected_version) + " (now " +
                      std::to_string(rows.at(0).Int(0)) + "); reload and apply again",
                  "version");
  }
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kRelationshipColumns +
                                             " FROM patient_relationships WHERE id = ?",
                                         {r.id}));
  return RelationshipFromRow(rows.at(0));
}

Status DeleteRelationship(db::Connection& c, int64_t patient_id, int64_t relationship_id) {
  CK_ASSIGN_OR_RETURN(int64_t n,
                      c.Exec("DELETE FROM patient_relationships WHERE id = ? AND patient_id = ?",
                             {relationship_id, patient_id}));
  if (n == 0)
    return NotFound("no relationship " + std::to_string(relationship_id) + " on this patient");
  return Status::Ok();
}

const std::vector<std::string>& TablesMovedByMerge() {
  static const std::vector<std::string> kTables = {
      "patient_identifiers",
      "patient_phones",
      "patient_relationships",
      "break_glass_grants",
      "cases",
      "case_status_changes",
      "case_assignments",
      "case_notes",
      "case_contacts",
      "conditions",
      "medications",
      "allergies",
      "encounters",
      "coverages",
      "consents",
      "documents",
      "case_team_members",
      "assessments",
      "alerts",
      "notifications",
      "risk_scores",
      "hl7_messages",
      "domain_events",
      "observations",
      "procedures",
      "external_care_plans",
      "external_goals",
      "tasks",
      "task_events",
      "care_plans",
      "care_plan_versions",
      "care_plan_problems",
      "care_plan_goals",
      "care_plan_goal_progress",
      "care_plan_interventions",
      "appointments",
      "education_assignments",
      "education_events",
      "eligibility_checks",
      "prior_authorizations",
      "authorization_services",
      "authorization_events",
      "claims",
      "appeals",
      "appeal_events",
      "barriers",
      "resource_referrals",
      "acute_stays",
      "admission_planning",
      "discharge_plans",
      "discharge_plan_events",
      "medication_reconciliations",
      "adherence_checks",
      "trc_documentation",
      "worklist_snoozes",
  };
  return kTables;
}

Status MergePatients(db::Connection& c, int64_t survivor, int64_t merged, Timestamp now) {
  if (survivor == merged)
    return InvalidArgument("a patient cannot be merged into itself", "merged_patient_id");
  CK_ASSIGN_OR_RETURN(Patient s, GetPatient(c, survivor));
  auto m = GetPatient(c, merged);
  if (!m.ok()) {
    if (m.status().code() == ErrorCode::kNotFound)
      return InvalidArgument("no such patient", "merged_patient_id");
    return m.status();
  }
  if (s.merged_into_id) return FailedPrecondition("the surviving record was itself merged away");
  if (m->merged_into_id) return FailedPrecondition("that record was already merged");
  // Everything that belongs to the merged record moves to the survivor. Tables
  // added by later modules join this list.
  for (const std::string& table : TablesMovedByMerge()) {
    CK_RETURN_IF_ERROR(
        c.Exec(std::string("UPDATE ") + table + " SET patient_id = ? WHERE patient_id = ?",
               {survivor, merged})
            .status());
  }
  CK_RETURN_IF_ERROR(c.Exec("INSERT INTO patient_races (patient_id, race) SELECT ?, race FROM "
                            "patient_races r WHERE r.patient_id = ? AND NOT EXISTS (SELECT 1 FROM "
                            "patient_races x WHERE x.patient_id = ? AND x.race = r.race)",
                            {survivor, merged, survivor})
                         .status());
  CK_RETURN_IF_ERROR(c.Exec("DELETE FROM patient_races WHERE patient_id = ?", {merged}).status());
  // The survivor's tier is recomputed by the next stratification.
  CK_RETURN_IF_ERROR(c.Exec("DELETE FROM patient_risk WHERE patient_id = ?", {merged}).status());
  // Care team: members of both stay once; the rest follow the patient.
  CK_RETURN_IF_ERROR(
      c.Exec("UPDATE care_team_members SET removed_at = ? WHERE patient_id = ? AND "
             "removed_at IS NULL AND user_id IN (SELECT user_id FROM care_team_members "
             "WHERE patient_id = ? AND removed_at IS NULL)",
             {now, merged, survivor})
          .status());
  CK_RETURN_IF_ERROR(
      c.Exec("UPDATE care_team_members SET patient_id = ? WHERE patient_id = ?", {survivor, merged})
          .status());
  // Records merged into the duplicate earlier now point at the survivor too.
  CK_RETURN_IF_ERROR(
      c.Exec("UPDATE patients SET merged_into_id = ? WHERE merged_into_id = ?", {survivor, merged})
          .status());
  CK_RETURN_IF_ERROR(
      c.Exec("UPDATE patients SET merged_into_id = ?, version = version + 1, updated_at = ? "
             "WHERE id = ?",
             {survivor, now, merged})
          .status());
  return c
      .Exec("UPDATE patients SET version = version + 1, updated_at = ? WHERE id = ?",
            {now, survivor})
      .status();
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
