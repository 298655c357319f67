#include "risk/routes.h"

#include <map>
#include <vector>

#include "audit/trail.h"
#include "http/json.h"
#include "risk/stratify.h"
#include "scoring/calculate.h"

namespace ck::risk {
namespace {

using P = auth::Permission;

struct Scored {
  int score = 0;
  std::string band;
  std::optional<int64_t> encounter_id;
  Json inputs, components;
};

Result<Stay> FindStay(db::Connection& c, int64_t patient_id, std::optional<int64_t> encounter_id) {
  std::string sql =
      "SELECT id, admitted_at, discharged_at, admission_type, diagnoses FROM encounters WHERE "
      "patient_id = ? AND encounter_class = 'inpatient' AND discharged_at IS NOT NULL AND status "
      "NOT IN ('cancelled', 'entered_in_error')";
  db::Params params{patient_id};
  if (encounter_id) {
    sql += " AND id = ?";
    params.emplace_back(*encounter_id);
  }
  sql += " ORDER BY discharged_at DESC, id DESC LIMIT 1";
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
  if (rows.empty())
    return encounter_id
               ? InvalidArgument("is not a finished inpatient stay of this patient", "encounter_id")
               : FailedPrecondition("the patient has no finished inpatient stay");
  const db::Row& r = rows.at(0);
  return Stay{r.Int(0), r.Int(1), r.Int(2), r.IsNull(3) ? "" : r.Text(3),
              r.IsNull(4) ? "" : r.Text(4)};
}

Result<std::vector<Timestamp>> EdVisits(db::Connection& c, int64_t patient_id) {
  std::vector<Timestamp> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT admitted_at FROM encounters WHERE patient_id = ? AND encounter_class = 'emergency' "
      "AND status NOT IN ('cancelled', 'entered_in_error')",
      {patient_id}, [&](const db::Row& r) {
        out.push_back(r.Int(0));
        return Status::Ok();
      }));
  return out;
}

Result<Json> ConditionCodes(db::Connection& c, int64_t patient_id) {
  Json codes = Json::array();
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT code FROM conditions WHERE patient_id = ? AND status <> 'entered_in_error' "
      "AND code_system = 'icd10cm' ORDER BY id",
      {patient_id}, [&](const db::Row& r) {
        codes.push_back(r.Text(0));
        return Status::Ok();
      }));
  return codes;
}

Result<Scored> Charlson(db::Connection& c, int64_t patient_id, const Json& body, Timestamp now) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"weights"}));
  CK_ASSIGN_OR_RETURN(scoring::CharlsonWeights w, scoring::ParseCharlsonWeights(body));
  CK_ASSIGN_OR_RETURN(Json codes, ConditionCodes(c, patient_id));
  CK_ASSIGN_OR_RETURN(std::optional<int> age, PatientAge(c, patient_id, now));
  scoring::CharlsonOutcome o;
  CK_ASSIGN_OR_RETURN(o.conditions,
                      scoring::ConditionsOfCodes(codes, "conditions", &o.codes_matched, 0));
  o.conditions = scoring::Charlson::ApplyHierarchy(o.conditions);
  o.score = scoring::Charlson::Get().Score(o.conditions, w);
  if (age) o.age_adjusted_score = o.score + scoring::CharlsonAgePoints(*age);
  Json out = scoring::CharlsonJson(o, w);
  Scored s;
  s.score = o.score;
  s.inputs = {
      {"icd10", codes}, {"age", age ? Json(*age) : Json(nullptr)}, {"weights", out["weights"]}};
  s.components = {{"conditions", out["components"]},
                  {"codes_matched", out["codes_matched"]},
                  {"age_adjusted_score", out["age_adjusted_score"]}};
  return s;
}

Result<std::optional<int64_t>> EncounterParam(const Json& body) {
  CK_ASSIGN_OR_RETURN(auto id, http::OptionalInt(body, "encounter_id"));
  return id;
}

Result<Scored> Lace(db::Connection& c, int64_t patient_id, const Json& body) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"encounter_id"}));
  CK_ASSIGN_OR_RETURN(auto encounter, EncounterParam(body));
  CK_ASSIGN_OR_RETURN(Stay stay, FindStay(c, patient_id, encounter));
  CK_ASSIGN_OR_RETURN(auto ed, EdVisits(c, patient_id));
  CK_ASSIGN_OR_RETURN(Json codes, ConditionCodes(c, patient_id));
  scoring::ConditionSet conditions = 0;
  for (const Json& code : codes) conditions |= ConditionsOfStoredCode(code.get<std::string>());
  LaceFromRecord lace = ComputeLace(stay, ed, conditions);
  Scored s;
  s.score = lace.result.score;
  s.band = lace.result.risk;
  s.encounter_id = stay.encounter_id;
  s.inputs = lace.inputs;
  s.inputs["icd10"] = codes;
  s.components = {
      {"L", lace.result.l}, {"A", lace.result.a}, {"C", lace.result.c}, {"E", lace.result.e}};
  return s;
}

// The last value of one of `loinc` codes recorded for the stay (by the stay's
// encounter, or taken between admission and discharge), in `unit` after
// converting the units `factors` knows; nullopt when none.
Result<std::optional<std::pair<double, int64_t>>> LastLab(
    db::Connection& c, int64_t patient_id, const Stay& stay, const std::vector<const char*>& loinc,
    const std::map<std::string, double>& factors) {
  std::string in;
  db::Params params{patient_id};
  for (const char* code : loinc) {
    in += in.empty() ? "?" : ", ?";
    params.push_back(code);
  }
  params.insert(params.end(), {stay.encounter_id, stay.admitted_at, stay.discharged_at});
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT value_number, value_unit, id FROM observations WHERE patient_id = ? AND "
              "code_system = 'http://loinc.org' AND code IN (" +
                  in +
                  ") AND value_number IS NOT NULL AND status NOT IN ('entered-in-error', "
                  "'cancelled') AND (encounter_id = ? OR (effective_at >= ? AND effective_at <= "
                  "?)) ORDER BY effective_at DESC, id DESC",
              params));
  for (const db::Row& r : rows) {
    auto f = factors.find(r.IsNull(1) ? "" : r.Text(1));
    if (f == factors.end()) continue;  // a unit casekeeper does not convert
    return std::optional<std::pair<double, int64_t>>({r.Real(0) * f->second, r.Int(2)});
  }
  return std::optional<std::pair<double, int64_t>>();
}

Result<Scored> Hospital(db::Connection& c, int64_t patient_id, const Json& body) {
  CK_RETURN_IF_ERROR(
      http::RejectUnknownFields(body, {"encounter_id", "hemoglobin_g_dl", "sodium_mmol_l",
                                       "oncology_discharge", "procedure_during_stay"}));
  CK_ASSIGN_OR_RETURN(auto encounter, EncounterParam(body));
  CK_ASSIGN_OR_RETURN(Stay stay, FindStay(c, patient_id, encounter));
  CK_ASSIGN_OR_RETURN(
      auto prior, c.Query("SELECT COUNT(*) FROM encounters WHERE patient_id = ? AND "
                          "encounter_class = 'inpatient' AND status NOT IN ('cancelled', "
                          "'entered_in_error') AND admitted_at < ? AND admitted_at >= ?",
                          {patient_id, stay.admitted_at, stay.admitted_at - 365 * kMillisPerDay}));
  Json in = body;
  in.erase("encounter_id");
  in["urgent_admission"] = stay.admission_type == "emergency" || stay.admission_type == "urgent" ||
                           stay.admission_type == "trauma";
  in["admissions_prev_12mo"] = prior.at(0).Int(0);
  in["length_of_stay_days"] = LengthOfStayDays(stay);
  // Labs at discharge and procedures of the stay come from the record when the
  // request leaves them out (the request wins: the case manager may know better).
  Json from_record = Json::object();
  if (!in.contains("hemoglobin_g_dl")) {
    CK_ASSIGN_OR_RETURN(auto hb, LastLab(c, patient_id, stay, {"718-7", "20509-6", "30350-3"},
                                         {{"g/dL", 1.0}, {"g/dl", 1.0}, {"g/L", 0.1}}));
    if (hb) {
      in["hemoglobin_g_dl"] = hb->first;
      from_record["hemoglobin_g_dl"] = {{"observation_id", hb->second}};
    }
  }
  if (!in.contains("sodium_mmol_l")) {
    CK_ASSIGN_OR_RETURN(auto na, LastLab(c, patient_id, stay, {"2951-2", "2947-0"},
                                         {{"mmol/L", 1.0}, {"mmol/l", 1.0}, {"mEq/L", 1.0}}));
    if (na) {
      in["sodium_mmol_l"] = na->first;
      from_record["sodium_mmol_l"] = {{"observation_id", na->second}};
    }
  }
  if (!in.contains("procedure_during_stay")) {
    CK_ASSIGN_OR_RETURN(
        auto procs, c.Query("SELECT MIN(id) FROM procedures WHERE patient_id = ? AND status "
                            "NOT IN ('entered-in-error', 'not-done') AND (encounter_id = ? OR "
                            "(performed_start >= ? AND performed_start <= ?))",
                            {patient_id, stay.encounter_id, stay.admitted_at, stay.discharged_at}));
    // Only a recorded procedure answers; none recorded is not evidence of none.
    if (!procs.at(0).IsNull(0)) {
      in["procedure_during_stay"] = true;
      from_record["procedure_during_stay"] = {{"procedure_id", procs.at(0).Int(0)}};
    }
  }
  CK_ASSIGN_OR_RETURN(Json out, scoring::ScoreHospital(in));
  Scored s;
  s.score = out["score"];
  s.band = out["risk"];
  s.encounter_id = stay.encounter_id;
  s.inputs = in;
  s.inputs["encounter_id"] = stay.encounter_id;
  if (!from_record.empty()) s.inputs["from_record"] = from_record;
  s.components = out;
  return s;
}

Json ScoreRowJson(const db::Row& r) {
  return {{"id", r.Int(0)},
          {"kind", r.Text(1)},
          {"encounter_id", r.IsNull(2) ? Json(nullptr) : Json(r.Int(2))},
          {"score", r.Int(3)},
          {"band", r.IsNull(4) ? Json(nullptr) : Json(r.Text(4))},
          {"inputs", Json::parse(r.Text(5), nullptr, false)},
          {"components", Json::parse(r.Text(6), nullptr, false)},
          {"computed_by", r.IsNull(7) ? Json(nullptr) : Json(r.Int(7))},
          {"computed_at", FormatTimestamp(r.Int(8))}};
}

constexpr const char* kScoreColumns =
    "id, kind, encounter_id, score, band, inputs, components, computed_by, computed_at";

}  // namespace

void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock,
                    const TierRules& rules) {
  router.Add(
      http::Method::kPost, "/api/v1/patients/{patient_id}/scores/{kind}",
      {.permission = P::kWritePatient, .patient_param = "patient_id"},
      [&db, &clock](http::Request& req) -> Result<http::Response> {
        const std::string kind = req.params.at("kind");
        if (kind != "charlson" && kind != "lace" && kind != "hospital")
          return NotFound("scores from the record are charlson, lace and hospital");
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        int64_t patient = *req.patient_id;
        Timestamp now = clock.Now();
        Json out;
        CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
          Scored s;
          if (kind == "charlson") {
            CK_ASSIGN_OR_RETURN(s, Charlson(c, patient, body, now));
          } else if (kind == "lace") {
            CK_ASSIGN_OR_RETURN(s, Lace(c, patient, body));
          } else {
            CK_ASSIGN_OR_RETURN(s, Hospital(c, patient, body));
          }
          CK_ASSIGN_OR_RETURN(
              auto rows,
              c.Query(std::string("INSERT INTO risk_scores (patient_id, kind, encounter_id, score, "
                                  "band, inputs, components, computed_by, computed_at) VALUES (?, "
                                  "?, ?, ?, ?, ?, ?, ?, ?) RETURNING ") +
                          kScoreColumns,
                      {patient, kind, s.encounter_id, s.score,
                       s.band.empty() ? db::Value() : db::Value(s.band), s.inputs.dump(),
                       s.components.dump(), req.principal->user_id, now}));
          out = ScoreRowJson(rows.at(0));
          return audit::Append(
              c, audit::EventBy(req.Actor(), now, "score.compute", "risk_score",
                                std::to_string(out["id"].get<int64_t>()), patient, kind));
        }));
        return http::JsonResponse(201, out);
      });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/scores",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&db, &clock](http::Request& req) -> Result<http::Response> {
               int64_t patient = *req.patient_id;
               Json items = Json::array();
               CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
                 return c.ForEachRow(std::string("SELECT ") + kScoreColumns +
                                         " FROM risk_scores WHERE patient_id = ? ORDER BY "
                                         "computed_at DESC, id DESC LIMIT 200",
                                     {patient}, [&](const db::Row& r) {
                                       items.push_back(ScoreRowJson(r));
                                       return Status::Ok();
                                     });
               }));
               CK_RETURN_IF_ERROR(audit::AppendNow(
                   db, audit::EventBy(req.Actor(), clock.Now(), "score.list", "patient",
                                      std::to_string(patient), patient)));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(
      http::Method::kGet, "/api/v1/patients/{patient_id}/risk",
      {.permission = P::kReadPatient, .patient_param = "patient_id"},
      [&db, &clock, &rules](http::Request& req) -> Result<http::Response> {
        int64_t patient = *req.patient_id;
        Timestamp now = clock.Now();
        Json out = {{"patient_id", patient}, {"stratified", nullptr}};
        CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
          CK_ASSIGN_OR_RETURN(
              auto rows,
              c.Query("SELECT tier, reasons, scores, computed_at, tier_since, previous_tier, "
                      "rules_version FROM patient_risk WHERE patient_id = ?",
                      {patient}));
          if (!rows.empty()) {
            const db::Row& r = rows.at(0);
            out["stratified"] = {{"tier", r.Int(0)},
                                 {"reasons", Json::parse(r.Text(1), nullptr, false)},
                                 {"facts", Json::parse(r.Text(2), nullptr, false)},
                                 {"computed_at", FormatTimestamp(r.Int(3))},
                                 {"tier_since", FormatTimestamp(r.Int(4))},
                                 {"previous_tier", r.IsNull(5) ? Json(nullptr) : Json(r.Int(5))},
                                 {"rules_version", r.Text(6)}};
          }
          CK_ASSIGN_OR_RETURN(PatientFacts f, FactsForPatient(c, patient, now, rules));
          Json facts = f.ToFacts();
          TierResult t = rules.Evaluate(facts);
          out["current"] = {{"tier", t.tier},
                            {"reasons", t.reasons},
                            {"facts", facts},
                            {"rules_version", rules.version()}};
          return Status::Ok();
        }));
        CK_RETURN_IF_ERROR(
            audit::AppendNow(db, audit::EventBy(req.Actor(), now, "risk.read", "patient",
                                                std::to_string(patient), patient)));
        return http::JsonResponse(200, out);
      });

  // Runs now, on this worker (seconds at a million patients); 409 while another run is going.
  router.Add(http::Method::kPost, "/api/v1/stratification/runs",
             {.permission = P::kRunStratification},
             [&db, &clock, &rules](http::Request& req) -> Result<http::Response> {
               CK_RETURN_IF_ERROR(audit::AppendNow(
                   db, audit::EventBy(req.Actor(), clock.Now(), "risk.stratify.request",
                                      "stratification_run", "", std::nullopt)));
               CK_ASSIGN_OR_RETURN(RunSummary run, Stratify(db, clock, rules, {.trigger = "api"}));
               return http::JsonResponse(201, {{"id", run.run_id},
                                               {"patients", run.patients},
                                               {"changed", run.changed},
                                               {"tier_counts",
                                                {{"1", run.tier_counts[1]},
                                                 {"2", run.tier_counts[2]},
                                                 {"3", run.tier_counts[3]},
                                                 {"4", run.tier_counts[4]}}},
                                               {"started_at", FormatTimestamp(run.started_at)},
                                               {"finished_at", FormatTimestamp(run.finished_at)}});
             });

  router.Add(
      http::Method::kGet, "/api/v1/stratification/runs", {.permission = P::kRunStratification},
      [&db](http::Request&) -> Result<http::Response> {
        Json items = Json::array();
        CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
          return c.ForEachRow(
              "SELECT id, trigger_kind, rules_version, started_at, finished_at, patients, "
              "changed, tier_counts FROM stratification_runs ORDER BY id DESC LIMIT 100",
              {}, [&](const db::Row& r) {
                items.push_back(
                    {{"id", r.Int(0)},
                     {"trigger", r.Text(1)},
                     {"rules_version", r.Text(2)},
                     {"started_at", FormatTimestamp(r.Int(3))},
                     {"finished_at", r.IsNull(4) ? Json(nullptr) : Json(FormatTimestamp(r.Int(4)))},
                     {"patients", r.Int(5)},
                     {"changed", r.Int(6)},
                     {"tier_counts", Json::parse(r.Text(7), nullptr, false)}});
                return Status::Ok();
              });
        }));
        return http::JsonResponse(200, {{"items", items}});
      });
}

}  // namespace ck::risk
