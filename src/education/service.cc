#include "education/service.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "audit/trail.h"
#include "cases/store.h"
#include "core/strings.h"
#include "social/domains.h"
#include "tasks/service.h"

namespace ck::education {
namespace {

using Json = nlohmann::json;

constexpr const char* kMaterialColumns =
    "m.id, m.code, m.language, m.title, m.topic, m.reading_level, m.format, m.url, m.summary, "
    "m.teach_back_points, m.active, m.created_at, m.updated_at, m.version";

Material MaterialFromRow(const db::Row& r) {
  Material m;
  m.id = r.Int(0);
  m.code = r.Text(1);
  m.language = r.Text(2);
  m.title = r.Text(3);
  m.topic = r.Text(4);
  m.reading_level = static_cast<int>(r.Int(5));
  m.format = r.Text(6);
  m.url = r.OptText(7);
  m.summary = r.OptText(8);
  Json points = Json::parse(r.Text(9), nullptr, false);
  if (points.is_array())
    for (const auto& p : points)
      if (p.is_string()) m.teach_back_points.push_back(p.get<std::string>());
  m.active = r.Int(10) != 0;
  m.created_at = r.Int(11);
  m.updated_at = r.Int(12);
  m.version = static_cast<int>(r.Int(13));
  return m;
}

// Fills each material's condition and barrier links.
Status LoadLinks(db::Connection& c, std::vector<Material>& materials) {
  if (materials.empty()) return Status::Ok();
  std::map<int64_t, Material*> by_id;
  std::string in;
  db::Params params;
  for (Material& m : materials) {
    by_id[m.id] = &m;
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(m.id);
  }
  return c.ForEachRow(
      "SELECT material_id, kind, code FROM education_material_links WHERE "
      "material_id IN (" +
          in + ") ORDER BY material_id, kind, code",
      params, [&](const db::Row& r) {
        Material* m = by_id[r.Int(0)];
        (r.Text(1) == "condition" ? m->conditions : m->barriers).push_back(r.Text(2));
        return Status::Ok();
      });
}

Result<Material> LoadMaterial(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kMaterialColumns +
                                             " FROM education_materials m WHERE m.id = ?",
                                         {id}));
  if (rows.empty()) return NotFound("no education material " + std::to_string(id), "material_id");
  std::vector<Material> one{MaterialFromRow(rows.at(0))};
  CK_RETURN_IF_ERROR(LoadLinks(c, one));
  return one.front();
}

bool IsLanguageTag(const std::string& s) {
  if (s.size() < 2 || s.size() > 3) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
}

// "es-MX", "ES" → "es"; empty when it is not a BCP 47 language.
std::string PrimaryLanguage(std::string_view tag) {
  std::string out;
  for (char ch : tag) {
    if (ch == '-' || ch == '_') break;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return IsLanguageTag(out) ? out : std::string();
}

bool IsIcd10Prefix(const std::string& s) {
  if (s.size() < 3 || s.size() > 8) return false;
  if (!std::isupper(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    char ch = s[i];
    bool ok = std::isdigit(static_cast<unsigned char>(ch)) ||
              std::isupper(static_cast<unsigned char>(ch)) || (ch == '.' && i == 3);
    if (!ok) return false;
  }
  return std::isdigit(static_cast<unsigned char>(s[1]));
}

Status Validate(Material& m) {
  auto text = [](const std::string& v, const char* field, size_t max) -> Status {
    if (v.empty() || v.size() > max)
      return InvalidArgument("is required (at most " + std::to_string(max) + " bytes)", field);
    return Status::Ok();
  };
  CK_RETURN_IF_ERROR(text(m.code, "code", 80));
  for (char ch : m.code)
    if (!(std::islower(static_cast<unsigned char>(ch)) ||
          std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'))
      return InvalidArgument("lower-case letters, digits, '-' and '_' only", "code");
  std::string lang = PrimaryLanguage(m.language);
  if (lang.empty() || lang.size() != m.language.size())
    return InvalidArgument("must be a BCP 47 language code such as en, es, vi", "language");
  CK_RETURN_IF_ERROR(text(m.title, "title", 200));
  CK_RETURN_IF_ERROR(text(m.topic, "topic", 200));
  if (m.reading_level < 1 || m.reading_level > 16)
    return InvalidArgument("must be a school grade from 1 to 16", "reading_level");
  if (!OneOf(m.format, {"handout", "video", "interactive", "audio", "class"}))
    return InvalidArgument("must be handout, video, interactive, audio or class", "format");
  if (m.url && (m.url->rfind("https://", 0) != 0 || m.url->size() > 500))
    return InvalidArgument("must be an https:// link of at most 500 bytes", "url");
  if (m.summary && m.summary->size() > 2000)
    return InvalidArgument("must be at most 2000 bytes", "summary");
  if (m.teach_back_points.size() > 20)
    return InvalidArgument("at most 20 points", "teach_back_points");
  for (const auto& p : m.teach_back_points)
    if (p.empty() || p.size() > 300)
      return InvalidArgument("each point is 1 to 300 bytes", "teach_back_points");
  if (m.conditions.size() > 50) return InvalidArgument("at most 50 codes", "conditions");
  for (const auto& code : m.conditions)
    if (!IsIcd10Prefix(code))
      return InvalidArgument("'" + code + "' is not an ICD-10-CM code or prefix (I50, E11.6)",
                             "conditions");
  for (const auto& b : m.barriers)
    if (!social::IsBarrierDomain(b))
      return InvalidArgument("'" + b + "' is not a barrier domain", "barriers");
  std::sort(m.conditions.begin(), m.conditions.end());
  m.conditions.erase(std::unique(m.conditions.begin(), m.conditions.end()), m.conditions.end());
  std::sort(m.barriers.begin(), m.barriers.end());
  m.barriers.erase(std::unique(m.barriers.begin(), m.barriers.end()), m.barriers.end());
  return Status::Ok();
}

Status SaveLinks(db::Connection& c, const Material& m) {
  CK_RETURN_IF_ERROR(
      c.Exec("DELETE FROM education_material_links WHERE material_id = ?", {m.id}).status());
  for (const auto& code : m.conditions)
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO education_material_links (material_id, kind, code) "
                              "VALUES (?, 'condition', ?)",
                              {m.id, code})
                           .status());
  for (const auto& b : m.barriers)
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO education_material_links (material_id, kind, code) "
                              "VALUES (?, 'barrier', ?)",
                              {m.id, b})
                           .status());
  return Status::Ok();
}

std::string PointsJson(const Material& m) { return Json(m.teach_back_points).dump(); }

constexpr const char* kAssignmentColumns =
    "a.id, a.patient_id, a.case_id, a.material_id, m.code, m.title, m.language, a.status, "
    "a.reason, a.task_id, a.assigned_by, a.assigned_at, a.delivered_at, a.delivery_method, "
    "a.delivered_to, a.recipient_name, a.interpreter_used, a.teach_back_at, "
    "a.teach_back_result, a.teach_back_attempts, a.updated_at, a.version";

Assignment AssignmentFromRow(const db::Row& r) {
  Assignment a;
  a.id = r.Int(0);
  a.patient_id = r.Int(1);
  a.case_id = r.OptInt(2);
  a.material_id = r.Int(3);
  a.material_code = r.Text(4);
  a.material_title = r.Text(5);
  a.material_language = r.Text(6);
  a.status = r.Text(7);
  a.reason = r.OptText(8);
  a.task_id = r.OptInt(9);
  a.assigned_by = r.OptInt(10);
  a.assigned_at = r.Int(11);
  a.delivered_at = r.OptInt(12);
  a.delivery_method = r.OptText(13);
  a.delivered_to = r.OptText(14);
  a.recipient_name = r.OptText(15);
  a.interpreter_used = r.Int(16) != 0;
  a.teach_back_at = r.OptInt(17);
  a.teach_back_result = r.OptText(18);
  a.teach_back_attempts = static_cast<int>(r.Int(19));
  a.updated_at = r.Int(20);
  a.version = static_cast<int>(r.Int(21));
  return a;
}

Status LoadHistory(db::Connection& c, std::vector<Assignment>& list) {
  if (list.empty()) return Status::Ok();
  std::map<int64_t, Assignment*> by_id;
  std::string in;
  db::Params params;
  for (Assignment& a : list) {
    by_id[a.id] = &a;
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(a.id);
  }
  return c.ForEachRow(
      "SELECT assignment_id, kind, detail, by_user_id, at FROM education_events WHERE "
      "assignment_id IN (" +
          in + ") ORDER BY id",
      params, [&](const db::Row& r) {
        by_id[r.Int(0)]->history.push_back({r.Text(1), r.OptText(2), r.OptInt(3), r.Int(4)});
        return Status::Ok();
      });
}

Result<Assignment> LoadAssignment(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kAssignmentColumns +
                                             " FROM education_assignments a JOIN "
                                             "education_materials m ON m.id = a.material_id "
                                             "WHERE a.id = ?",
                                         {id}));
  if (rows.empty())
    return NotFound("no education assignment " + std::to_string(id), "assignment_id");
  std::vector<Assignment> one{AssignmentFromRow(rows.at(0))};
  CK_RETURN_IF_ERROR(LoadHistory(c, one));
  return one.front();
}

Status AddEvent(db::Connection& c, const Assignment& a, const std::string& kind,
                const std::optional<std::string>& detail, std::optional<int64_t> by,
                Timestamp now) {
  return c
      .Exec(
          "INSERT INTO education_events (assignment_id, patient_id, kind, detail, by_user_id, "
          "at) VALUES (?, ?, ?, ?, ?, ?)",
          {a.id, a.patient_id, kind, detail, by, now})
      .status();
}

Status CheckVersion(const Assignment& a, int expected) {
  if (a.version == expected) return Status::Ok();
  return Status(ErrorCode::kConflict,
                "the assignment changed since version " + std::to_string(expected) + "; reload",
                "version");
}

// The case's owner for a task: its case manager, else the case managers' queue.
Result<tasks::Task> EducationTask(db::Connection& c, int64_t case_id, int64_t patient_id,
                                  std::string title, Timestamp due, std::string rule,
                                  std::optional<int64_t> by, Timestamp now) {
  CK_ASSIGN_OR_RETURN(auto k,
                      c.Query("SELECT assigned_user_id FROM cases WHERE id = ?", {case_id}));
  tasks::Task t;
  t.case_id = case_id;
  t.patient_id = patient_id;
  t.title = std::move(title);
  t.task_type = "education";
  t.due_at = due;
  t.due_rule = std::move(rule);
  t.source = "system";
  t.created_by = by;
  if (!k.empty() && !k.at(0).IsNull(0))
    t.owner_user_id = k.at(0).Int(0);
  else
    t.queue_role = "case_manager";
  return tasks::InsertTask(c, t, now);
}

// The patient's preferred language ("es"), empty when unknown.
Result<std::string> PreferredLanguage(db::Connection& c, int64_t patient_id) {
  CK_ASSIGN_OR_RETURN(
      auto rows, c.Query("SELECT preferred_language FROM patients WHERE id = ?", {patient_id}));
  if (rows.empty()) return NotFound("no patient " + std::to_string(patient_id), "patient_id");
  return rows.at(0).IsNull(0) ? std::string() : PrimaryLanguage(rows.at(0).Text(0));
}

// Lower rank first: the patient's language, then English, then the rest.
int LanguageRank(const std::string& language, const std::string& preferred) {
  if (!preferred.empty() && language == preferred) return 0;
  return language == "en" ? 1 : 2;
}

// The version of material `code` for the patient: their preferred language,
// else English, else any; nullopt when the library has no active such material.
Result<std::optional<int64_t>> VersionFor(db::Connection& c, int64_t patient_id,
                                          const std::string& code) {
  CK_ASSIGN_OR_RETURN(std::string preferred, PreferredLanguage(c, patient_id));
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, language FROM education_materials WHERE code "
                                         "= ? AND active = 1 ORDER BY id",
                                         {code}));
  std::optional<int64_t> best;
  int best_rank = 99;
  for (const db::Row& r : rows) {
    int rank = LanguageRank(r.Text(1), preferred);
    if (rank < best_rank) {
      best_rank = rank;
      best = r.Int(0);
    }
  }
  return best;
}

// An open assignment of any language version of `code`.
Result<std::optional<int64_t>> OpenAssignment(db::Connection& c, int64_t patient_id,
                                              const std::string& code) {
  CK_ASSIGN_OR_RETURN(auto open, c.Query("SELECT a.id FROM education_assignments a JOIN "
                                         "education_materials m ON m.id = a.material_id WHERE "
                                         "a.patient_id = ? AND m.code = ? AND a.status IN "
                                         "('assigned', 'delivered', 'needs_reinforcement') "
                                         "ORDER BY a.id LIMIT 1",
                                         {patient_id, code}));
  if (open.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(open.at(0).Int(0));
}

Result<int64_t> InsertAssignment(db::Connection& c, int64_t patient_id,
                                 std::optional<int64_t> case_id, int64_t material_id,
                                 std::optional<int64_t> task_id, std::optional<int64_t> by,
                                 const std::string& detail, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto made,
      c.Query("INSERT INTO education_assignments (patient_id, case_id, material_id, status, "
              "task_id, assigned_by, assigned_at, updated_at) VALUES (?, ?, ?, 'assigned', ?, ?, "
              "?, ?) RETURNING id",
              {patient_id, case_id, material_id, task_id, by, now, now}));
  int64_t id = made.at(0).Int(0);
  CK_RETURN_IF_ERROR(c.Exec("INSERT INTO education_events (assignment_id, patient_id, kind, "
                            "detail, by_user_id, at) VALUES (?, ?, 'assigned', ?, ?, ?)",
                            {id, patient_id, detail, by, now})
                         .status());
  return id;
}

}  // namespace

Result<Material> Service::CreateMaterial(const auth::Actor& actor, Material m) {
  CK_RETURN_IF_ERROR(Validate(m));
  Timestamp now = clock_.Now();
  Material out;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO education_materials (code, language, title, topic, reading_level, "
                "format, url, summary, teach_back_points, active, created_at, updated_at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {m.code, m.language, m.title, m.topic, m.reading_level, m.format, m.url, m.summary,
                 PointsJson(m), m.active, now, now}));
    m.id = rows.at(0).Int(0);
    CK_RETURN_IF_ERROR(SaveLinks(c, m));
    CK_ASSIGN_OR_RETURN(out, LoadMaterial(c, m.id));
    return audit::Append(
        c, audit::EventBy(actor, now, "education_material.create", "education_material",
                          std::to_string(m.id), std::nullopt, m.code + "/" + m.language));
  });
  if (st.code() == ErrorCode::kAlreadyExists)
    return Status(ErrorCode::kConflict,
                  "the library has " + m.code + " in " + m.language + " already", "code");
  CK_RETURN_IF_ERROR(st);
  return out;
}

Result<Material> Service::UpdateMaterial(const auth::Actor& actor, int64_t id, Material m,
                                         int expected_version) {
  CK_RETURN_IF_ERROR(Validate(m));
  Timestamp now = clock_.Now();
  Material out;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        int64_t n,
        c.Exec("UPDATE education_materials SET code = ?, language = ?, title = ?, topic = ?, "
               "reading_level = ?, format = ?, url = ?, summary = ?, teach_back_points = ?, "
               "active = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
               {m.code, m.language, m.title, m.topic, m.reading_level, m.format, m.url, m.summary,
                PointsJson(m), m.active, now, id, expected_version}));
    if (n == 0) {
      CK_RETURN_IF_ERROR(LoadMaterial(c, id).status());
      return Status(
          ErrorCode::kConflict,
          "the material changed since version " + std::to_string(expected_version) + "; reload",
          "version");
    }
    m.id = id;
    CK_RETURN_IF_ERROR(SaveLinks(c, m));
    CK_ASSIGN_OR_RETURN(out, LoadMaterial(c, id));
    return audit::Append(
        c, audit::EventBy(actor, now, "education_material.update", "education_material",
                          std::to_string(id), std::nullopt, m.active ? "" : "withdrawn"));
  });
  if (st.code() == ErrorCode::kAlreadyExists)
    return Status(ErrorCode::kConflict,
                  "the library has " + m.code + " in " + m.language + " already", "code");
  CK_RETURN_IF_ERROR(st);
  return out;
}

Result<Material> Service::GetMaterial(int64_t id) {
  Material out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadMaterial(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Material>> Service::Search(const MaterialQuery& q) {
  std::string sql =
      std::string("SELECT ") + kMaterialColumns + " FROM education_materials m WHERE 1 = 1";
  db::Params params;
  if (!q.include_inactive) sql += " AND m.active = 1";
  if (q.language) {
    std::string lang = PrimaryLanguage(*q.language);
    if (lang.empty()) return InvalidArgument("must be a language code such as en", "language");
    sql += " AND m.language = ?";
    params.emplace_back(lang);
  }
  if (q.format) {
    sql += " AND m.format = ?";
    params.emplace_back(*q.format);
  }
  if (q.max_reading_level) {
    sql += " AND m.reading_level <= ?";
    params.emplace_back(*q.max_reading_level);
  }
  if (q.condition) {
    sql +=
        " AND EXISTS (SELECT 1 FROM education_material_links l WHERE l.material_id = m.id AND "
        "l.kind = 'condition' AND ? LIKE l.code || '%')";
    params.emplace_back(*q.condition);
  }
  if (q.barrier) {
    sql +=
        " AND EXISTS (SELECT 1 FROM education_material_links l WHERE l.material_id = m.id AND "
        "l.kind = 'barrier' AND l.code = ?)";
    params.emplace_back(*q.barrier);
  }
  if (q.text) {
    std::string like = "%";
    for (char ch : *q.text) {
      if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
      like += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    like += "%";
    sql +=
        " AND (LOWER(m.title) LIKE ? ESCAPE '\\' OR LOWER(m.topic) LIKE ? ESCAPE '\\' OR "
        "LOWER(COALESCE(m.summary, '')) LIKE ? ESCAPE '\\')";
    params.insert(params.end(), {like, like, like});
  }
  sql += " ORDER BY m.topic, m.code, m.language LIMIT ?";
  params.emplace_back(std::clamp(q.limit, 1, 500));
  std::vector<Material> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    CK_RETURN_IF_ERROR(c.ForEachRow(sql, params, [&](const db::Row& r) {
      out.push_back(MaterialFromRow(r));
      return Status::Ok();
    }));
    return LoadLinks(c, out);
  }));
  return out;
}

Result<std::vector<Suggestion>> Service::Suggestions(const auth::Actor& actor, int64_t patient_id,
                                                     std::optional<int> max_reading_level) {
  std::vector<Suggestion> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    CK_ASSIGN_OR_RETURN(std::string preferred, PreferredLanguage(c, patient_id));
    // What the patient has: ICD-10 conditions (recorded, or behind a care-plan problem).
    std::vector<std::pair<std::string, std::string>> codes;  // code, why
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT code, description FROM conditions WHERE patient_id = ? AND code_system = 'icd10cm' "
        "AND status NOT IN ('entered_in_error', 'resolved', 'inactive') ORDER BY id",
        {patient_id}, [&](const db::Row& r) {
          codes.emplace_back(
              r.Text(0), "condition " + r.Text(0) + (r.IsNull(1) ? "" : " (" + r.Text(1) + ")"));
          return Status::Ok();
        }));
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT p.description, d.code FROM care_plan_problems p JOIN care_plans k ON k.id = "
        "p.care_plan_id JOIN conditions d ON d.id = p.condition_id WHERE p.patient_id = ? AND "
        "p.status = 'active' AND k.status IN ('draft', 'active') ORDER BY p.id",
        {patient_id}, [&](const db::Row& r) {
          codes.emplace_back(r.Text(1), "care plan problem: " + r.Text(0));
          return Status::Ok();
        }));
    std::set<std::string> taken;  // material codes assigned and not cancelled
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT DISTINCT m.code FROM education_assignments a JOIN education_materials m ON m.id "
        "= a.material_id WHERE a.patient_id = ? AND a.status <> 'cancelled'",
        {patient_id}, [&](const db::Row& r) {
          taken.insert(r.Text(0));
          return Status::Ok();
        }));
    std::vector<Material> library;
    CK_RETURN_IF_ERROR(c.ForEachRow(std::string("SELECT ") + kMaterialColumns +
                                        " FROM education_materials m WHERE m.active = 1 AND "
                                        "EXISTS (SELECT 1 FROM education_material_links l WHERE "
                                        "l.material_id = m.id AND l.kind = 'condition')",
                                    {}, [&](const db::Row& r) {
                                      library.push_back(MaterialFromRow(r));
                                      return Status::Ok();
                                    }));
    CK_RETURN_IF_ERROR(LoadLinks(c, library));
    // One version per material code: the best-ranked language.
    std::map<std::string, Suggestion> best;
    for (const Material& m : library) {
      if (taken.count(m.code)) continue;
      if (max_reading_level && m.reading_level > *max_reading_level) continue;
      std::vector<std::string> reasons;
      for (const auto& [code, why] : codes) {
        bool match = std::any_of(m.conditions.begin(), m.conditions.end(),
                                 [&](const std::string& p) { return code.rfind(p, 0) == 0; });
        if (match && std::find(reasons.begin(), reasons.end(), why) == reasons.end())
          reasons.push_back(why);
      }
      if (reasons.empty()) continue;
      auto it = best.find(m.code);
      if (it != best.end() && LanguageRank(it->second.material.language, preferred) <=
                                  LanguageRank(m.language, preferred))
        continue;
      best[m.code] = Suggestion{m, !preferred.empty() && m.language == preferred, reasons};
    }
    for (auto& [code, s] : best) out.push_back(std::move(s));
    std::stable_sort(out.begin(), out.end(), [&](const Suggestion& a, const Suggestion& b) {
      int ra = LanguageRank(a.material.language, preferred);
      int rb = LanguageRank(b.material.language, preferred);
      if (ra != rb) return ra < rb;
      if (a.reasons.size() != b.reasons.size()) return a.reasons.size() > b.reasons.size();
      return a.material.reading_level < b.material.reading_level;
    });
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "education.suggest", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<Assignment> Service::Assign(const auth::Principal& who, const auth::Actor& actor,
                                   int64_t patient_id, const NewAssignment& n) {
  if (n.material_id.has_value() == n.code.has_value())
    return InvalidArgument("give a material_id or a code", "material_id");
  if (n.due_in_business_days < 0 || n.due_in_business_days > 60)
    return InvalidArgument("must be 0 to 60", "due_in_business_days");
  Timestamp now = clock_.Now();
  Assignment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    if (n.case_id) {
      CK_ASSIGN_OR_RETURN(
          auto k, c.Query("SELECT patient_id, status FROM cases WHERE id = ?", {*n.case_id}));
      if (k.empty() || k.at(0).Int(0) != patient_id)
        return InvalidArgument("is not a case of this patient", "case_id");
      if (k.at(0).Text(1) == "closed") return FailedPrecondition("the case is closed");
    }
    int64_t material_id = 0;
    std::string code;
    if (n.material_id) {
      CK_ASSIGN_OR_RETURN(Material m, LoadMaterial(c, *n.material_id));
      if (!m.active) return FailedPrecondition("the material is withdrawn from the library");
      material_id = m.id;
      code = m.code;
    } else {
      auto version = VersionFor(c, patient_id, *n.code);
      if (!version.ok()) return version.status();
      if (!*version) return NotFound("no active material with this code", "code");
      material_id = **version;
      code = *n.code;
    }
    auto open = OpenAssignment(c, patient_id, code);
    if (!open.ok()) return open.status();
    if (*open)
      return Status(ErrorCode::kConflict,
                    "already assigned (assignment " + std::to_string(**open) + ")", "material_id");
    CK_ASSIGN_OR_RETURN(int64_t id, InsertAssignment(c, patient_id, n.case_id, material_id,
                                                     std::nullopt, who.user_id, code, now));
    CK_ASSIGN_OR_RETURN(Assignment a, LoadAssignment(c, id));
    if (n.case_id && n.create_task) {
      CK_ASSIGN_OR_RETURN(
          tasks::Task t,
          EducationTask(c, *n.case_id, patient_id, "Teach with teach-back: " + a.material_title,
                        calendar_.AddBusinessDays(now, n.due_in_business_days),
                        std::to_string(n.due_in_business_days) + " business days after assignment",
                        who.user_id, now));
      CK_RETURN_IF_ERROR(
          c.Exec("UPDATE education_assignments SET task_id = ? WHERE id = ?", {t.id, id}).status());
    }
    CK_ASSIGN_OR_RETURN(out, LoadAssignment(c, id));
    return audit::Append(c, audit::EventBy(actor, now, "education.assign", "education_assignment",
                                           std::to_string(id), patient_id, a.material_code));
  }));
  return out;
}

Result<std::vector<Assignment>> Service::ForPatient(const auth::Actor& actor, int64_t patient_id) {
  std::vector<Assignment> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    CK_RETURN_IF_ERROR(c.ForEachRow(std::string("SELECT ") + kAssignmentColumns +
                                        " FROM education_assignments a JOIN education_materials "
                                        "m ON m.id = a.material_id WHERE a.patient_id = ? ORDER "
                                        "BY a.assigned_at DESC, a.id DESC",
                                    {patient_id}, [&](const db::Row& r) {
                                      out.push_back(AssignmentFromRow(r));
                                      return Status::Ok();
                                    }));
    return LoadHistory(c, out);
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "education.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<Assignment> Service::Deliver(const auth::Principal& who, const auth::Actor& actor,
                                    int64_t assignment_id, const Delivery& d,
                                    int expected_version) {
  if (!OneOf(d.method, {"in_person", "phone", "video", "portal_message", "letter", "email"}))
    return InvalidArgument("must be in_person, phone, video, portal_message, letter or email",
                           "method");
  if (!OneOf(d.delivered_to, {"patient", "caregiver", "patient_and_caregiver"}))
    return InvalidArgument("must be patient, caregiver or patient_and_caregiver", "delivered_to");
  if (d.delivered_to != "patient" && (!d.recipient_name || d.recipient_name->empty()))
    return InvalidArgument("name the caregiver who received it", "recipient_name");
  if (d.recipient_name && d.recipient_name->size() > 200)
    return InvalidArgument("must be at most 200 bytes", "recipient_name");
  if (d.minutes < 0 || d.minutes > 600) return InvalidArgument("must be 0 to 600", "minutes");
  if (d.note && d.note->size() > 2000) return InvalidArgument("must be at most 2000 bytes", "note");
  Timestamp now = clock_.Now();
  Assignment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Assignment a, LoadAssignment(c, assignment_id));
    CK_RETURN_IF_ERROR(CheckVersion(a, expected_version));
    // Delivered again: reinforcement after a teach-back that was not understood.
    if (!OneOf(a.status, {"assigned", "delivered", "needs_reinforcement"}))
      return FailedPrecondition("an assignment that is " + a.status + " cannot be delivered");
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE education_assignments SET status = 'delivered', delivered_at = ?, "
               "delivery_method = ?, delivered_to = ?, recipient_name = ?, interpreter_used = ?, "
               "updated_at = ?, version = version + 1 WHERE id = ?",
               {now, d.method, d.delivered_to, d.recipient_name, d.interpreter_used, now, a.id})
            .status());
    Json detail = {{"method", d.method}, {"to", d.delivered_to}, {"minutes", d.minutes}};
    if (d.interpreter_used) detail["interpreter"] = true;
    CK_RETURN_IF_ERROR(AddEvent(c, a, "delivered", detail.dump(), who.user_id, now));
    // On a case, the delivery is a contact: its minutes count, and reaching the
    // patient ends a failed-outreach streak.
    if (a.case_id) {
      cases::Contact k;
      k.case_id = *a.case_id;
      k.patient_id = a.patient_id;
      k.contact_at = now;
      k.method = d.method;
      k.direction = "outbound";
      k.party = d.delivered_to == "caregiver" ? "caregiver" : "patient";
      k.party_name = d.recipient_name;
      bool interactive = OneOf(d.method, {"in_person", "phone", "video"});
      k.outcome = interactive ? "reached" : "sent";
      if (d.minutes > 0) k.duration_minutes = d.minutes;
      k.summary = "Education delivered: " + a.material_title + (d.note ? " — " + *d.note : "");
      k.recorded_by = who.user_id;
      CK_RETURN_IF_ERROR(cases::InsertContact(c, k, now).status());
      CK_RETURN_IF_ERROR(
          tasks::CheckOutreach(c, *a.case_id, now, options_.unable_to_reach_attempts));
    }
    CK_ASSIGN_OR_RETURN(out, LoadAssignment(c, a.id));
    return audit::Append(c, audit::EventBy(actor, now, "education.deliver", "education_assignment",
                                           std::to_string(a.id), a.patient_id, d.method));
  }));
  return out;
}

Result<Assignment> Service::RecordTeachBack(const auth::Principal& who, const auth::Actor& actor,
                                            int64_t assignment_id, const TeachBack& t,
                                            int expected_version) {
  if (!OneOf(t.result, {"understood", "partial", "not_understood"}))
    return InvalidArgument("must be understood, partial or not_understood", "result");
  if (t.result != "understood" && (!t.note || t.note->empty()))
    return InvalidArgument("say what was not understood", "note");
  if (t.note && t.note->size() > 2000) return InvalidArgument("must be at most 2000 bytes", "note");
  if (t.minutes < 0 || t.minutes > 600) return InvalidArgument("must be 0 to 600", "minutes");
  if (t.reinforce_in_business_days < 0 || t.reinforce_in_business_days > 30)
    return InvalidArgument("must be 0 to 30", "reinforce_in_business_days");
  Timestamp now = clock_.Now();
  Assignment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Assignment a, LoadAssignment(c, assignment_id));
    CK_RETURN_IF_ERROR(CheckVersion(a, expected_version));
    if (a.status != "delivered")
      return FailedPrecondition("teach-back follows a delivery; the assignment is " + a.status);
    std::string status = t.result == "understood" ? "understood" : "needs_reinforcement";
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE education_assignments SET status = ?, teach_back_at = ?, "
               "teach_back_result = ?, teach_back_attempts = teach_back_attempts + 1, "
               "updated_at = ?, version = version + 1 WHERE id = ?",
               {status, now, t.result, now, a.id})
            .status());
    Json detail = {{"result", t.result}, {"attempt", a.teach_back_attempts + 1}};
    if (t.note) detail["note"] = *t.note;
    CK_RETURN_IF_ERROR(AddEvent(c, a, "teach_back", detail.dump(), who.user_id, now));
    // The teaching task is done either way: reinforcement is a task of its own.
    if (a.task_id) {
      std::string outcome = "Teach-back: " + t.result + (t.note ? " — " + *t.note : "");
      CK_RETURN_IF_ERROR(
          tasks::CloseByWork(c, *a.task_id, "done", outcome, t.minutes, who.user_id, now).status());
    }
    if (status == "needs_reinforcement" && a.case_id) {
      CK_ASSIGN_OR_RETURN(
          tasks::Task next,
          EducationTask(c, *a.case_id, a.patient_id,
                        "Reinforce and repeat teach-back: " + a.material_title,
                        calendar_.AddBusinessDays(now, t.reinforce_in_business_days),
                        std::to_string(t.reinforce_in_business_days) +
                            " business days after a teach-back not understood",
                        who.user_id, now));
      CK_RETURN_IF_ERROR(
          c.Exec("UPDATE education_assignments SET task_id = ? WHERE id = ?", {next.id, a.id})
              .status());
    }
    CK_ASSIGN_OR_RETURN(out, LoadAssignment(c, a.id));
    return audit::Append(c,
                         audit::EventBy(actor, now, "education.teach_back", "education_assignment",
                                        std::to_string(a.id), a.patient_id, t.result));
  }));
  return out;
}

Result<Assignment> Service::Close(const auth::Principal& who, const auth::Actor& actor,
                                  int64_t assignment_id, const std::string& to,
                                  const std::string& reason, int expected_version) {
  if (!OneOf(to, {"declined", "cancelled"}))
    return InvalidArgument("must be declined or cancelled", "status");
  if (reason.empty() || reason.size() > 500)
    return InvalidArgument("is required (at most 500 bytes)", "reason");
  Timestamp now = clock_.Now();
  Assignment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Assignment a, LoadAssignment(c, assignment_id));
    CK_RETURN_IF_ERROR(CheckVersion(a, expected_version));
    if (!OneOf(a.status, {"assigned", "delivered", "needs_reinforcement"}))
      return FailedPrecondition("the assignment is " + a.status + " already");
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE education_assignments SET status = ?, reason = ?, updated_at = ?, "
               "version = version + 1 WHERE id = ?",
               {to, reason, now, a.id})
            .status());
    CK_RETURN_IF_ERROR(AddEvent(c, a, to, reason, who.user_id, now));
    if (a.task_id) {
      // Its open teaching task goes with it.
      CK_RETURN_IF_ERROR(tasks::CloseByWork(c, *a.task_id, "cancelled",
                                            "Education " + to + ": " + reason, 0, who.user_id, now)
                             .status());
    }
    CK_ASSIGN_OR_RETURN(out, LoadAssignment(c, a.id));
    return audit::Append(c, audit::EventBy(actor, now, "education." + to, "education_assignment",
                                           std::to_string(a.id), a.patient_id));
  }));
  return out;
}

Result<std::optional<int64_t>> AssignByCode(db::Connection& c, int64_t patient_id,
                                            std::optional<int64_t> case_id, const std::string& code,
                                            std::optional<int64_t> task_id, Timestamp now) {
  auto version = VersionFor(c, patient_id, code);
  if (!version.ok()) return version.status();
  if (!*version) return std::optional<int64_t>();
  auto open = OpenAssignment(c, patient_id, code);
  if (!open.ok()) return open.status();
  if (*open) return std::optional<int64_t>();
  CK_ASSIGN_OR_RETURN(int64_t id, InsertAssignment(c, patient_id, case_id, **version, task_id,
                                                   std::nullopt, code + " (program)", now));
  return std::optional<int64_t>(id);
}

}  // namespace ck::education
