#include "interop/fhir/routes.h"

#include <spdlog/spdlog.h>

#include <map>
#include <vector>

#include "audit/trail.h"
#include "http/json.h"
#include "interop/fhir/codes.h"
#include "interop/fhir/exporter.h"
#include "interop/fhir/importer.h"
#include "interop/fhir/resources.h"
#include "patients/store.h"
#include "patients/validation.h"

namespace ck::fhir {
namespace {

using http::Method;
using http::Request;
using http::Response;
using P = auth::Permission;

constexpr const char* kBase = "/fhir/R4";
constexpr int kDefaultCount = 50;
constexpr int kMaxCount = 500;

// Where a type's rows live and how its reads are authorised.
struct TypeInfo {
  const char* type;
  const char* table;                // rows; nullptr: CareTeam (one per patient)
  bool patient_scoped;              // reads and searches check access to the patient
  std::vector<const char*> search;  // search parameters besides _id, _count, _offset
};

const std::vector<TypeInfo>& Types() {
  static const std::vector<TypeInfo> types = {
      {"Patient",
       "patients",
       true,
       {"identifier", "name", "family", "given", "birthdate", "gender"}},
      {"Practitioner", "directory_entries", false, {"identifier", "name"}},
      {"Organization", "directory_entries", false, {"identifier", "name"}},
      {"Encounter",
       "encounters",
       true,
       {"patient", "subject", "identifier", "status", "class", "date"}},
      {"Condition", "conditions", true, {"patient", "subject", "code", "clinical-status"}},
      {"Observation", "observations", true, {"patient", "subject", "code", "category", "date"}},
      {"Procedure", "procedures", true, {"patient", "subject", "code", "date"}},
      {"MedicationRequest", "medications", true, {"patient", "subject", "status"}},
      {"MedicationStatement", "medications", true, {"patient", "subject", "status"}},
      {"AllergyIntolerance", "allergies", true, {"patient"}},
      {"Coverage", "coverages", true, {"patient", "beneficiary", "status"}},
      {"CarePlan", "external_care_plans", true, {"patient", "subject", "status"}},
      {"Goal", "external_goals", true, {"patient", "subject", "lifecycle-status"}},
      {"EpisodeOfCare", "cases", true, {"patient", "status"}},
      {"ServiceRequest", "cases", true, {"patient", "subject"}},
      {"Consent", "consents", true, {"patient"}},
      {"CareTeam", nullptr, true, {"patient", "subject"}},
      {"Task", "tasks", true, {"patient", "status"}},
      {"Appointment", "appointments", true, {"patient", "status", "date"}},
      {"AuditEvent", "audit_log", false, {"patient", "date"}},
  };
  return types;
}

Response FhirJson(int status, const Json& body) {
  Response r = http::JsonResponse(status, body);
  r.content_type = "application/fhir+json";
  return r;
}

// The local row id a FHIR id names: the id it was imported under, else the
// row's own number. NotFound naming the id otherwise.
Result<int64_t> LocalId(db::Connection& c, const std::string& type, const std::string& id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT local_id FROM fhir_resources WHERE resource_type "
                                         "= ? AND fhir_id = ?",
                                         {type, id}));
  if (!rows.empty()) return rows.at(0).Int(0);
  bool digits = !id.empty() && id.size() < 19 &&
                std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  if (digits) return std::stoll(id);
  return NotFound("no " + type + "/" + id, "id");
}

// "Patient/123", "123" or an absolute URL ending so.
std::string ReferenceId(const std::string& value, const std::string& type) {
  size_t slash = value.rfind('/');
  if (slash == std::string::npos) return value;
  std::string before = value.substr(0, slash);
  if (before.size() >= type.size() && before.substr(before.size() - type.size()) == type)
    return value.substr(slash + 1);
  return value;
}

// The patient of row `local` of `info` (NotFound when there is no such row).
Result<int64_t> PatientOfRow(db::Connection& c, const TypeInfo& info, int64_t local) {
  std::string type = info.type;
  if (type == "Patient" || type == "CareTeam") {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id FROM patients WHERE id = ?", {local}));
    if (rows.empty()) return NotFound("no " + type + "/" + std::to_string(local), "id");
    return local;
  }
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT patient_id FROM ") + info.table + " WHERE id = ?", {local}));
  if (rows.empty()) return NotFound("no " + type + "/" + std::to_string(local), "id");
  return rows.at(0).Int(0);
}

// The patient a search is about: patient=, subject= or beneficiary=.
Result<int64_t> SearchPatient(db::Connection& c, const TypeInfo& info, const Request& req) {
  for (const char* name : {"patient", "subject", "beneficiary"}) {
    auto value = req.Query(name);
    if (!value) continue;
    return LocalId(c, "Patient", ReferenceId(*value, "Patient"));
  }
  return InvalidArgument(
      std::string("searching ") + info.type + " needs patient= (a Patient id or reference)",
      "patient");
}

// "ge2026-01-01" → (">=", time). Dates without a time cover their whole day.
Status AddDate(const std::string& value, const std::string& column, Filter& f,
               const std::string& param) {
  std::string op = "=", text = value;
  static const std::map<std::string, std::string> kPrefixes = {
      {"eq", "="}, {"ge", ">="}, {"le", "<="}, {"gt", ">"}, {"lt", "<"}};
  if (value.size() > 2 && kPrefixes.count(value.substr(0, 2))) {
    op = kPrefixes.at(value.substr(0, 2));
    text = value.substr(2);
  }
  CK_ASSIGN_OR_RETURN(Timestamp t, ParseFhirDateTime(text, param));
  bool day = text.size() <= 10;
  Timestamp end = day ? t + kMillisPerDay : t + 1;
  auto add = [&](const std::string& cond, Timestamp v) {
    f.where += (f.where.empty() ? "" : " AND ") + column + " " + cond + " ?";
    f.params.push_back(v);
  };
  if (op == "=") {
    add(">=", t);
    add("<", end);
  } else if (op == ">=") {
    add(">=", t);
  } else if (op == ">") {
    add(">=", end);
  } else if (op == "<=") {
    add("<", end);
  } else {
    add("<", t);
  }
  return Status::Ok();
}

void AddCondition(Filter& f, const std::string& cond, std::initializer_list<db::Value> params) {
  f.where += (f.where.empty() ? "" : " AND ") + cond;
  f.params.insert(f.params.end(), params.begin(), params.end());
}

std::pair<std::string, std::string> SplitToken(const std::string& token) {
  size_t bar = token.find('|');
  if (bar == std::string::npos) return {"", token};
  return {token.substr(0, bar), token.substr(bar + 1)};
}

// One alternative of a search parameter as SQL ("code = ?" and its values).
struct Clause {
  std::string sql;
  db::Params params;
};

Result<Clause> PrefixClause(const std::string& column, const std::string& value,
                            const std::string& param) {
  auto [lo, hi] = patients::PrefixRange(patients::SearchKey(value));
  if (lo.empty()) return InvalidArgument("needs letters or digits", param);
  if (hi.empty()) return Clause{column + " >= ?", {lo}};
  return Clause{column + " >= ? AND " + column + " < ?", {lo, hi}};
}

Result<Clause> TokenClause(const std::string& type, const std::string& name,
                           const std::string& value) {
  auto [system, code] = SplitToken(value);
  if (type == "Patient") {
    if (name == "identifier") {
      if (system.empty())
        return Clause{"id IN (SELECT patient_id FROM patient_identifiers WHERE value = ?)", {code}};
      return Clause{
          "id IN (SELECT patient_id FROM patient_identifiers WHERE system = ? AND value = ?)",
          {system, code}};
    }
    if (name == "family") return PrefixClause("family_key", value, name);
    if (name == "given") return PrefixClause("given_key", value, name);
    if (name == "name") {
      CK_ASSIGN_OR_RETURN(Clause fam, PrefixClause("family_key", value, name));
      CK_ASSIGN_OR_RETURN(Clause giv, PrefixClause("given_key", value, name));
      Clause both{"((" + fam.sql + ") OR (" + giv.sql + "))", fam.params};
      both.params.insert(both.params.end(), giv.params.begin(), giv.params.end());
      return both;
    }
    if (name == "gender") return Clause{"administrative_sex = ?", {value}};
  }
  if (type == "Practitioner" || type == "Organization") {
    if (name == "name") return PrefixClause("name_key", value, name);
    if (system.empty())
      return Clause{
          "id IN (SELECT local_id FROM fhir_identifiers WHERE resource_type = ? AND "
          "value = ?)",
          {type, code}};
    return Clause{
        "id IN (SELECT local_id FROM fhir_identifiers WHERE resource_type = ? AND "
        "system = ? AND value = ?)",
        {type, system, code}};
  }
  if (name == "identifier") return Clause{"visit_number = ?", {code}};
  if (name == "status" && type == "Task") {
    static const std::map<std::string, std::string> kTask = {{"ready", "open"},
                                                             {"in-progress", "in_progress"},
                                                             {"on-hold", "paused"},
                                                             {"completed", "done"},
                                                             {"cancelled", "cancelled"}};
    auto it = kTask.find(value);
    return Clause{"status = ?", {it == kTask.end() ? std::string("none") : it->second}};
  }
  if (name == "status" && type == "Appointment") {
    if (value == "booked") return Clause{"status IN ('booked', 'confirmed')", {}};
    static const std::map<std::string, std::string> kAppt = {{"fulfilled", "completed"},
                                                             {"noshow", "no_show"},
                                                             {"proposed", "proposed"},
                                                             {"arrived", "arrived"},
                                                             {"cancelled", "cancelled"}};
    auto it = kAppt.find(value);
    return Clause{"status = ?", {it == kAppt.end() ? std::string("none") : it->second}};
  }
  if (name == "status" && type == "Encounter")
    return Clause{"status = ?", {EncounterStatusFromFhir(value, true)}};
  if (name == "status" && type == "EpisodeOfCare") {
    if (value == "planned") return Clause{"status IN ('referred', 'screening')", {}};
    if (value == "finished") return Clause{"status = 'closed'", {}};
    if (value == "active")
      return Clause{"status IN ('assessment', 'planning', 'active', 'transition')", {}};
    return Clause{"1 = 0", {}};
  }
  if (name == "status" && (type == "MedicationRequest" || type == "MedicationStatement"))
    return Clause{"status = ?", {MedicationStatusFromFhir(value)}};
  if (name == "status" || name == "lifecycle-status" || name == "clinical-status")
    return Clause{std::string(name == "lifecycle-status" ? "lifecycle_status" : "status") + " = ?",
                  {value == "entered-in-error" ? "entered_in_error" : value}};
  if (name == "class")
    return Clause{"encounter_class = ?", {EncounterClassFromActCode(value).value_or("unknown")}};
  if (name == "category") return Clause{"category = ?", {code}};
  if (name == "code") {
    if (type == "Condition") {
      if (system == kSnomed) return Clause{"snomed_code = ?", {code}};
      if (system.empty()) return Clause{"(code = ? OR snomed_code = ?)", {code, code}};
      return Clause{"(code = ? AND code_system = 'icd10cm')", {code}};
    }
    if (system.empty()) return Clause{"code = ?", {code}};
    return Clause{"(code = ? AND code_system = ?)", {code, system}};
  }
  return InvalidArgument("is not supported here", name);
}

// Adds the request's search parameters to `f`: a repeated parameter must hold
// each time (AND), a comma-separated value any of its alternatives (OR).
// InvalidArgument naming an unknown parameter.
Status AddSearch(const TypeInfo& info, const Request& req, const auth::Principal& who,
                 Timestamp now, Filter& f) {
  const std::string type = info.type;
  const std::string& query = req.query_string;
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name_opt = http::PercentDecode(pair.substr(0, eq), true);
    auto value_opt = http::PercentDecode(eq == std::string::npos ? "" : pair.substr(eq + 1), true);
    if (!name_opt || !value_opt) return InvalidArgument("is not properly percent-encoded", "query");
    const std::string& name = *name_opt;
    const std::string& value = *value_opt;
    if (name == "_count" || name == "_offset" || name == "_format" || name == "_pretty" ||
        name == "_id" || name == "patient" || name == "subject" || name == "beneficiary")
      continue;  // paging, presentation, the id and the patient (the caller's)
    bool known = std::any_of(info.search.begin(), info.search.end(),
                             [&](const char* s) { return name == s; });
    if (!known)
      return InvalidArgument(
          "is not a search parameter of " + type + " here (see /fhir/R4/metadata)", name);
    if (value.empty()) return InvalidArgument("needs a value", name);
    if (name == "date") {
      std::string column = type == "Encounter"     ? "admitted_at"
                           : type == "Observation" ? "effective_at"
                           : type == "Procedure"   ? "performed_start"
                           : type == "Appointment" ? "starts_at"
                                                   : "at";
      CK_RETURN_IF_ERROR(AddDate(value, column, f, name));
      continue;
    }
    if (name == "birthdate") {
      static const std::map<std::string, std::string> kOps = {
          {"eq", "="}, {"ge", ">="}, {"le", "<="}, {"gt", ">"}, {"lt", "<"}};
      std::string op = "=", date = value;
      if (value.size() > 2 && kOps.count(value.substr(0, 2))) {
        op = kOps.at(value.substr(0, 2));
        date = value.substr(2);
      }
      CK_RETURN_IF_ERROR(ParseDate(date, name).status());
      AddCondition(f, "birth_date " + op + " ?", {date});
      continue;
    }
    std::string ors;
    db::Params params;
    size_t from = 0;
    while (from <= value.size()) {
      size_t comma = value.find(',', from);
      if (comma == std::string::npos) comma = value.size();
      std::string alternative = value.substr(from, comma - from);
      from = comma + 1;
      if (alternative.empty()) continue;
      CK_ASSIGN_OR_RETURN(Clause c, TokenClause(type, name, alternative));
      ors += (ors.empty() ? "(" : " OR (") + c.sql + ")";
      params.insert(params.end(), c.params.begin(), c.params.end());
    }
    if (ors.empty()) return InvalidArgument("needs a value", name);
    f.where += (f.where.empty() ? "(" : " AND (") + ors + ")";
    f.params.insert(f.params.end(), params.begin(), params.end());
  }
  if (type == "Patient") {
    std::string visible = patients::VisiblePatients(who, now, "id", f.params);
    if (!visible.empty()) f.where += (f.where.empty() ? "" : " AND ") + visible.substr(5);
  }
  return Status::Ok();
}

}  // namespace

void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock,
                    patients::EncounterObserver* encounter_observer) {
  // Resources carry this installation's meta.source from the first read on.
  Status made = db.Write([](db::Connection& c) { return InstallationSource(c).status(); });
  if (!made.ok()) spdlog::warn("FHIR meta.source not set up: {}", made.ToString());

  // The CapabilityStatement, built once.
  Json resources = Json::array();
  for (const TypeInfo& t : Types()) {
    Json params = Json::array({{{"name", "_id"}, {"type", "token"}}});
    for (const char* s : t.search) {
      std::string name = s;
      std::string kind = name == "date" || name == "birthdate" ? "date"
                         : name == "patient" || name == "subject" || name == "beneficiary"
                             ? "reference"
                         : name == "name" || name == "family" || name == "given" ? "string"
                                                                                 : "token";
      params.push_back({{"name", name}, {"type", kind}});
    }
    resources.push_back(
        {{"type", t.type},
         {"interaction", Json::array({{{"code", "read"}}, {{"code", "search-type"}}})},
         {"searchParam", params}});
  }
  auto capability = std::make_shared<std::string>(Json{
      {"resourceType", "CapabilityStatement"},
      {"status", "active"},
      {"date", "2026-11-27"},
      {"kind", "instance"},
      {"software", {{"name", "casekeeper"}, {"version", CK_VERSION}}},
      {"implementation", {{"description", "casekeeper FHIR R4 API"}}},
      {"fhirVersion", "4.0.1"},
      {"format", Json::array({"application/fhir+json", "json"})},
      {"rest",
       Json::array(
           {{{"mode", "server"},
             {"security",
              {{"description",
                "Bearer API tokens or a casekeeper session; every read is authorised by role "
                "and care-team membership and audited. Bundle import needs data.import."}}},
             {"resource", resources},
             {"interaction", Json::array({{{"code", "transaction"}}, {{"code", "batch"}}})}}})}}
                                                      .dump());

  router.Add(Method::kGet, std::string(kBase) + "/metadata", {.on_io_thread = true},
             [capability](Request&) -> Result<Response> {
               Response r;
               r.content_type = "application/fhir+json";
               r.body = *capability;
               return r;
             });

  router.Add(Method::kPost, kBase, {.permission = P::kImportData},
             [&db, &clock, encounter_observer](Request& req) -> Result<Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               Importer::Options options;
               options.actor = req.Actor();
               options.encounter_observer = encounter_observer;
               Importer importer(db, clock, options);
               CK_ASSIGN_OR_RETURN(Json response, importer.ImportBundle(body));
               return FhirJson(200, response);
             });

  for (const TypeInfo& info : Types()) {
    const TypeInfo* t = &info;
    std::string type = info.type;
    bool audit_type = type == "AuditEvent";
    http::RouteOptions read_opts;
    read_opts.permission = audit_type ? P::kReadAudit : P::kReadPatient;
    if (info.patient_scoped) {
      read_opts.patient_of = [t](db::Connection& c, const Request& req) -> Result<int64_t> {
        std::string lookup_type = std::string(t->type) == "CareTeam" ? "Patient" : t->type;
        CK_ASSIGN_OR_RETURN(int64_t local, LocalId(c, lookup_type, req.params.at("id")));
        return PatientOfRow(c, *t, local);
      };
    }
    router.Add(Method::kGet, std::string(kBase) + "/" + type + "/{id}", read_opts,
               [&db, &clock, t](Request& req) -> Result<Response> {
                 std::string type = t->type;
                 const std::string& id = req.params.at("id");
                 Timestamp now = clock.Now();
                 std::vector<Json> found;
                 CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
                   found.clear();
                   std::string lookup_type = type == "CareTeam" ? "Patient" : type;
                   CK_ASSIGN_OR_RETURN(int64_t local, LocalId(c, lookup_type, id));
                   if (req.patient_id && type == "Patient") local = *req.patient_id;  // merges
                   Filter f;
                   if (type == "CareTeam")
                     f.where = "patient_id = ?";
                   else
                     f.where = "id = ?";
                   f.params = {local};
                   CK_ASSIGN_OR_RETURN(std::string source, InstallationSourceIfAny(c));
                   return RenderResources(c, type, f, source, now,
                                          [&](const Json& r) { found.push_back(r); });
                 }));
                 if (found.empty()) return NotFound("no " + type + "/" + id, "id");
                 CK_RETURN_IF_ERROR(audit::AppendNow(
                     db, audit::EventBy(req.Actor(), now, "fhir.read", type, id, req.patient_id)));
                 return FhirJson(200, found.front());
               });

    http::RouteOptions search_opts;
    search_opts.permission = audit_type          ? P::kReadAudit
                             : type == "Patient" ? P::kListPatients
                                                 : P::kReadPatient;
    if (info.patient_scoped && type != "Patient") {
      search_opts.patient_of = [t](db::Connection& c, const Request& req) -> Result<int64_t> {
        return SearchPatient(c, *t, req);
      };
    }
    router.Add(
        Method::kGet, std::string(kBase) + "/" + type, search_opts,
        [&db, &clock, t](Request& req) -> Result<Response> {
          std::string type = t->type;
          Timestamp now = clock.Now();
          CK_ASSIGN_OR_RETURN(auto count_q, req.IntQuery("_count", 0, kMaxCount));
          CK_ASSIGN_OR_RETURN(auto offset_q, req.IntQuery("_offset", 0, 100000000));
          const int count = static_cast<int>(count_q.value_or(kDefaultCount));
          const int offset = static_cast<int>(offset_q.value_or(0));
          Filter f;
          if (req.patient_id) AddCondition(f, "patient_id = ?", {*req.patient_id});
          CK_RETURN_IF_ERROR(AddSearch(*t, req, *req.principal, now, f));
          std::vector<Json> found;
          std::optional<int64_t> audit_patient = req.patient_id;
          CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
            found.clear();
            Filter page = f;
            if (auto id = req.Query("_id")) {
              std::string lookup_type = type == "CareTeam" ? "Patient" : type;
              auto local = LocalId(c, lookup_type, *id);
              if (!local.ok()) return Status::Ok();  // no match
              AddCondition(page, type == "CareTeam" ? "patient_id = ?" : "id = ?", {*local});
            }
            if (auto p = req.Query("patient"); p && type == "AuditEvent") {
              auto local = LocalId(c, "Patient", ReferenceId(*p, "Patient"));
              if (!local.ok()) return Status::Ok();  // no match
              AddCondition(page, "patient_id = ?", {*local});
              audit_patient = *local;
            }
            if (count == 0) return Status::Ok();  // _count=0: no entries, no next page
            page.limit = count + 1;
            page.offset = offset;
            CK_ASSIGN_OR_RETURN(std::string source, InstallationSourceIfAny(c));
            return RenderResources(c, type, page, source, now,
                                   [&](const Json& r) { found.push_back(r); });
          }));
          bool more = count > 0 && static_cast<int>(found.size()) > count;
          if (more) found.resize(static_cast<size_t>(count));
          std::string host(req.Header("host"));
          std::string base = std::string(req.secure ? "https://" : "http://") +
                             (host.empty() ? "localhost" : host) + kBase;
          Json entries = Json::array();
          for (Json& r : found) {
            std::string url = base + "/" + type + "/" + r["id"].get<std::string>();
            entries.push_back(
                {{"fullUrl", url}, {"resource", std::move(r)}, {"search", {{"mode", "match"}}}});
          }
          std::string self =
              base + "/" + type + (req.query_string.empty() ? "" : "?") + req.query_string;
          Json links = Json::array({{{"relation", "self"}, {"url", self}}});
          if (more) {
            std::string next_query;
            for (const auto& part : {std::string("_count=") + std::to_string(count),
                                     std::string("_offset=") + std::to_string(offset + count)})
              next_query += (next_query.empty() ? "" : "&") + part;
            std::string rest = req.query_string;
            // Keep the search, replace paging.
            std::string kept;
            size_t start = 0;
            while (start < rest.size()) {
              size_t amp = rest.find('&', start);
              if (amp == std::string::npos) amp = rest.size();
              std::string pair = rest.substr(start, amp - start);
              start = amp + 1;
              if (pair.rfind("_count=", 0) == 0 || pair.rfind("_offset=", 0) == 0 || pair.empty())
                continue;
              kept += (kept.empty() ? "" : "&") + pair;
            }
            links.push_back(
                {{"relation", "next"},
                 {"url", base + "/" + type + "?" + (kept.empty() ? "" : kept + "&") + next_query}});
          }
          CK_RETURN_IF_ERROR(audit::AppendNow(
              db, audit::EventBy(req.Actor(), now, "fhir.search", type, "", audit_patient,
                                 std::to_string(entries.size()) + " results")));
          return FhirJson(200, {{"resourceType", "Bundle"},
                                {"type", "searchset"},
                                {"link", links},
                                {"entry", entries}});
        });
  }
}

}  // namespace ck::fhir
