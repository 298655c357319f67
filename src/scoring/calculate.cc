#include "scoring/calculate.h"

#include <algorithm>

#include "scoring/icd10.h"
#include "scoring/readmission.h"

namespace ck::scoring {
namespace {

Status OnlyFields(const Json& in, std::initializer_list<const char*> allowed) {
  for (auto it = in.begin(); it != in.end(); ++it) {
    bool ok =
        std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return it.key() == a; });
    if (!ok) return InvalidArgument("unknown field", it.key());
  }
  return Status::Ok();
}

Result<int> Int(const Json& in, const char* field, int min, int max) {
  if (!in.contains(field)) return InvalidArgument("is required", field);
  const Json& v = in[field];
  if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max)
    return InvalidArgument(
        "must be an integer from " + std::to_string(min) + " to " + std::to_string(max), field);
  return static_cast<int>(v.get<int64_t>());
}

Result<double> Number(const Json& in, const char* field, double min, double max) {
  if (!in.contains(field)) return InvalidArgument("is required", field);
  const Json& v = in[field];
  if (!v.is_number() || v.get<double>() < min || v.get<double>() > max) {
    Json lo(min), hi(max);
    return InvalidArgument("must be a number from " + lo.dump() + " to " + hi.dump(), field);
  }
  return v.get<double>();
}

Result<bool> Bool(const Json& in, const char* field) {
  if (!in.contains(field)) return InvalidArgument("is required", field);
  if (!in[field].is_boolean()) return InvalidArgument("must be true or false", field);
  return in[field].get<bool>();
}

Result<Json> CharlsonScore(const Json& in) {
  CK_RETURN_IF_ERROR(OnlyFields(in, {"icd10", "age", "weights"}));
  if (!in.contains("icd10")) return InvalidArgument("is required", "icd10");
  CK_ASSIGN_OR_RETURN(CharlsonWeights w, ParseCharlsonWeights(in));
  CharlsonOutcome c;
  CK_ASSIGN_OR_RETURN(c.conditions, ConditionsOfCodes(in["icd10"], "icd10", &c.codes_matched));
  c.conditions = Charlson::ApplyHierarchy(c.conditions);
  c.score = Charlson::Get().Score(c.conditions, w);
  if (in.contains("age")) {
    CK_ASSIGN_OR_RETURN(int age, Int(in, "age", 0, 150));
    c.age_adjusted_score = c.score + CharlsonAgePoints(age);
  }
  Json out = CharlsonJson(c, w);
  return Json{{"score", out["score"]},
              {"conditions", out["conditions"]},
              {"age_adjusted_score", out["age_adjusted_score"]}};
}

Result<Json> LaceScore(const Json& in) {
  CK_RETURN_IF_ERROR(OnlyFields(in, {"length_of_stay_days", "emergent_admission", "ed_visits_6mo",
                                     "charlson_index", "icd10"}));
  LaceInput x;
  CK_ASSIGN_OR_RETURN(x.length_of_stay_days, Int(in, "length_of_stay_days", 0, 36500));
  CK_ASSIGN_OR_RETURN(x.emergent_admission, Bool(in, "emergent_admission"));
  CK_ASSIGN_OR_RETURN(x.ed_visits_6mo, Int(in, "ed_visits_6mo", 0, 1000));
  bool has_index = in.contains("charlson_index"), has_codes = in.contains("icd10");
  if (has_index && has_codes)
    return InvalidArgument("give charlson_index or icd10, not both", "icd10");
  if (!has_index && !has_codes) return InvalidArgument("is required (or icd10)", "charlson_index");
  if (has_index) {
    CK_ASSIGN_OR_RETURN(x.comorbidity_points, Int(in, "charlson_index", 0, 100));
  } else {
    CK_ASSIGN_OR_RETURN(ConditionSet s, ConditionsOfCodes(in["icd10"], "icd10"));
    x.comorbidity_points = Charlson::Get().Score(s, CharlsonWeights::kLace);
  }
  LaceResult r = Lace(x);
  return Json{{"score", r.score},
              {"risk", r.risk},
              {"components", {{"L", r.l}, {"A", r.a}, {"C", r.c}, {"E", r.e}}}};
}

}  // namespace

Result<CharlsonWeights> ParseCharlsonWeights(const Json& request) {
  if (!request.contains("weights") || request["weights"] == "charlson1987")
    return CharlsonWeights::kCharlson1987;
  if (request["weights"] == "quan2011") return CharlsonWeights::kQuan2011;
  return InvalidArgument("must be charlson1987 or quan2011", "weights");
}

Result<Json> ScoreHospital(const Json& in) {
  CK_RETURN_IF_ERROR(OnlyFields(
      in, {"hemoglobin_g_dl", "sodium_mmol_l", "oncology_discharge", "procedure_during_stay",
           "urgent_admission", "admissions_prev_12mo", "length_of_stay_days"}));
  HospitalInput x;
  CK_ASSIGN_OR_RETURN(x.hemoglobin_g_dl, Number(in, "hemoglobin_g_dl", 1, 25));
  CK_ASSIGN_OR_RETURN(x.sodium_mmol_l, Number(in, "sodium_mmol_l", 90, 200));
  CK_ASSIGN_OR_RETURN(x.oncology_discharge, Bool(in, "oncology_discharge"));
  CK_ASSIGN_OR_RETURN(x.procedure_during_stay, Bool(in, "procedure_during_stay"));
  CK_ASSIGN_OR_RETURN(x.urgent_admission, Bool(in, "urgent_admission"));
  CK_ASSIGN_OR_RETURN(x.admissions_prev_12mo, Int(in, "admissions_prev_12mo", 0, 366));
  CK_ASSIGN_OR_RETURN(x.length_of_stay_days, Int(in, "length_of_stay_days", 0, 36500));
  HospitalResult r = Hospital(x);
  return Json{{"score", r.score}, {"risk", r.risk}};
}

Result<ConditionSet> ConditionsOfCodes(const Json& codes, const char* field,
                                       std::vector<std::string>* matched, size_t max_codes) {
  if (!codes.is_array()) return InvalidArgument("must be a list of ICD-10 codes", field);
  if (max_codes > 0 && codes.size() > max_codes)
    return InvalidArgument("lists more than " + std::to_string(max_codes) + " codes", field);
  ConditionSet s = 0;
  for (size_t i = 0; i < codes.size(); ++i) {
    std::string name = std::string(field) + "[" + std::to_string(i) + "]";
    if (!codes[i].is_string())
      return InvalidArgument("must be an ICD-10-CM code such as E11.9", name);
    CK_ASSIGN_OR_RETURN(std::string compact, CompactIcd10(codes[i].get<std::string>(), name));
    ConditionSet c = Charlson::Get().ConditionsOf(compact);
    if (c && matched) matched->push_back(DottedIcd10(compact));
    s |= c;
  }
  return s;
}

Json CharlsonJson(const CharlsonOutcome& c, CharlsonWeights w) {
  Json names = Json::array(), components = Json::array();
  const auto& table = Charlson::Get().conditions();
  for (size_t i = 0; i < table.size(); ++i) {
    if (!(c.conditions & (ConditionSet{1} << i))) continue;
    names.push_back(table[i].name);
    int weight = w == CharlsonWeights::kCharlson1987 ? table[i].weight_1987
                 : w == CharlsonWeights::kQuan2011   ? table[i].weight_quan2011
                                                     : table[i].weight_lace;
    components.push_back({{"key", table[i].key}, {"name", table[i].name}, {"weight", weight}});
  }
  return {
      {"score", c.score},
      {"conditions", names},
      {"components", components},
      {"codes_matched", c.codes_matched},
      {"weights", w == CharlsonWeights::kQuan2011 ? "quan2011" : "charlson1987"},
      {"age_adjusted_score", c.age_adjusted_score ? Json(*c.age_adjusted_score) : Json(nullptr)}};
}

Result<Json> CalculateScore(const Catalog& catalog, std::string_view instrument,
                            const Json& input) {
  if (!input.is_object()) return InvalidArgument("must be one JSON object", "body");
  if (instrument == "charlson") return CharlsonScore(input);
  if (instrument == "lace") return LaceScore(input);
  if (instrument == "hospital") return ScoreHospital(input);
  const Instrument* in = catalog.Current(instrument);
  if (!in) {
    std::string known = "charlson, lace, hospital";
    for (const Instrument* x : catalog.CurrentAll()) known += ", " + x->id();
    return InvalidArgument("unknown instrument; known: " + known, "instrument");
  }
  CK_ASSIGN_OR_RETURN(Evaluation e, in->Evaluate(input, Instrument::Mode::kComplete));
  return e.output;
}

}  // namespace ck::scoring
