// Table-driven checks of every instrument and score against hand-worked
// examples from the published tables (../shared/domain/REFERENCE.md).
#include <gtest/gtest.h>

#include <fstream>

#include "scoring/calculate.h"
#include "scoring/charlson.h"
#include "testing/temp_db.h"

namespace ck::scoring {
namespace {

const Catalog& Builtins() {
  static auto catalog = Catalog::Load();
  return **catalog;
}

Json Calc(std::string_view instrument, const Json& input) {
  auto r = CalculateScore(Builtins(), instrument, input);
  EXPECT_TRUE(r.ok()) << instrument << " " << input.dump() << ": " << r.status().ToString();
  return r.ok() ? *r : Json();
}

std::string ErrorField(std::string_view instrument, const Json& input) {
  auto r = CalculateScore(Builtins(), instrument, input);
  EXPECT_FALSE(r.ok()) << instrument << " " << input.dump() << " was accepted";
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  return r.status().field();
}

// n items summing to `total`, filled greedily with 3s.
Json ItemsSumming(int n, int total, int last = -1) {
  Json items = Json::array();
  int left = total - (last < 0 ? 0 : last);
  for (int i = 0; i < n; ++i) {
    if (i == n - 1 && last >= 0) {
      items.push_back(last);
      continue;
    }
    int v = std::min(3, left);
    items.push_back(v);
    left -= v;
  }
  return {{"items", items}};
}

TEST(Phq9, EveryBandBoundary) {
  struct Case {
    int total;
    const char* severity;
  } cases[] = {{0, "minimal"},
               {4, "minimal"},
               {5, "mild"},
               {9, "mild"},
               {10, "moderate"},
               {14, "moderate"},
               {15, "moderately_severe"},
               {19, "moderately_severe"},
               {20, "severe"},
               {24, "severe"}};
  for (const Case& c : cases) {
    Json out = Calc("phq9", ItemsSumming(9, c.total, 0));
    EXPECT_EQ(out["score"], c.total);
    EXPECT_EQ(out["severity"], c.severity) << c.total;
    EXPECT_EQ(out["suicide_risk"], false);
  }
  Json max = Calc("phq9", {{"items", {3, 3, 3, 3, 3, 3, 3, 3, 3}}});
  EXPECT_EQ(max, Json({{"score", 27}, {"severity", "severe"}, {"suicide_risk", true}}));
}

TEST(Phq9, ItemNineAloneRaisesSuicideRiskWhateverTheTotal) {
  Json out = Calc("phq9", {{"items", {0, 0, 0, 0, 0, 0, 0, 0, 1}}});
  EXPECT_EQ(out, Json({{"score", 1}, {"severity", "minimal"}, {"suicide_risk", true}}));
  Evaluation e = *Builtins().Current("phq9")->Evaluate({{"items", {0, 0, 0, 0, 0, 0, 0, 0, 2}}},
                                                       Instrument::Mode::kComplete);
  ASSERT_EQ(e.alerts.size(), 1u);
  EXPECT_EQ(e.alerts[0].kind, "suicide_risk");
  EXPECT_EQ(e.alerts[0].severity, "crisis");
}

TEST(Phq2, PositiveAtThree) {
  EXPECT_EQ(Calc("phq2", {{"items", {1, 1}}}), Json({{"score", 2}, {"positive", false}}));
  EXPECT_EQ(Calc("phq2", {{"items", {0, 3}}}), Json({{"score", 3}, {"positive", true}}));
  EXPECT_EQ(Calc("phq2", {{"items", {3, 3}}}), Json({{"score", 6}, {"positive", true}}));
}

TEST(Gad7, EveryBandBoundary) {
  std::pair<int, const char*> cases[] = {{0, "minimal"}, {4, "minimal"},   {5, "mild"},
                                         {9, "mild"},    {10, "moderate"}, {14, "moderate"},
                                         {15, "severe"}, {21, "severe"}};
  for (auto [total, severity] : cases) {
    Json out = Calc("gad7", ItemsSumming(7, total));
    EXPECT_EQ(out, Json({{"score", total}, {"severity", severity}}));
  }
}

TEST(Instruments, RejectIncompleteOrOutOfRangeAnswers) {
  EXPECT_EQ(ErrorField("phq9", {{"items", {0, 0, 0, 0, 0, 0, 0, 0}}}), "items");
  EXPECT_EQ(ErrorField("phq9", {{"items", {0, 0, 0, 4, 0, 0, 0, 0, 0}}}), "items[3]");
  EXPECT_EQ(ErrorField("phq9", {{"items", {0, 0, 0, -1, 0, 0, 0, 0, 0}}}), "items[3]");
  EXPECT_EQ(ErrorField("phq9", {{"items", {"1", 0, 0, 0, 0, 0, 0, 0, 0}}}), "items[0]");
  EXPECT_EQ(ErrorField("phq9", {{"items", {1.5, 0, 0, 0, 0, 0, 0, 0, 0}}}), "items[0]");
  EXPECT_EQ(ErrorField("phq9", {{"items", {0, 0, 0, 0, 0, 0, 0, 0, nullptr}}}), "items[8]");
  EXPECT_EQ(ErrorField("phq9", Json::object()), "items[0]");
  EXPECT_EQ(ErrorField("phq9", {{"items", "all zero"}}), "items");
  EXPECT_EQ(ErrorField("phq9", {{"items", {0, 0, 0, 0, 0, 0, 0, 0, 0}}, {"total", 0}}), "total");
  EXPECT_EQ(ErrorField("gad7", {{"items", {0, 0, 0, 0, 0, 0, 0, 0, 0}}}), "items");
  EXPECT_EQ(ErrorField("phq2", {{"items", {0}}}), "items");
  EXPECT_EQ(ErrorField("phq10", {{"items", {0}}}), "instrument");
  EXPECT_EQ(ErrorField("phq9", Json::array()), "body");
}

Json Morse(bool history, bool secondary, const char* aid, bool iv, const char* gait,
           const char* mental) {
  return {{"history_of_falling", history},
          {"secondary_diagnosis", secondary},
          {"ambulatory_aid", aid},
          {"iv_or_heparin_lock", iv},
          {"gait", gait},
          {"mental_status", mental}};
}

TEST(Morse, PointsAndBands) {
  struct Case {
    Json input;
    int score;
    const char* risk;
  } cases[] = {
      {Morse(false, false, "none", false, "normal", "oriented"), 0, "low"},
      {Morse(false, false, "none", true, "normal", "oriented"), 20, "low"},
      {Morse(true, false, "none", false, "normal", "oriented"), 25, "moderate"},
      {Morse(false, true, "crutches_cane_walker", false, "weak", "oriented"), 40, "moderate"},
      {Morse(true, false, "none", true, "normal", "oriented"), 45, "high"},
      {Morse(false, false, "furniture", false, "impaired", "forgets_limitations"), 65, "high"},
      {Morse(true, true, "furniture", true, "impaired", "forgets_limitations"), 125, "high"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(Calc("morse", c.input), Json({{"score", c.score}, {"risk", c.risk}}))
        << c.input.dump();
  Json bad = Morse(false, false, "none", false, "shuffling", "oriented");
  EXPECT_EQ(ErrorField("morse", bad), "gait");
  bad = Morse(false, false, "none", false, "normal", "oriented");
  bad["iv_or_heparin_lock"] = "no";
  EXPECT_EQ(ErrorField("morse", bad), "iv_or_heparin_lock");
  bad.erase("iv_or_heparin_lock");
  EXPECT_EQ(ErrorField("morse", bad), "iv_or_heparin_lock");
}

Json AhcNegative() {
  return {
      {"living_situation", "steady"},
      {"housing_problems", Json::array()},
      {"food_worry", "never"},
      {"food_ran_out", "never"},
      {"transportation_problem", false},
      {"utility_shutoff_threat", "no"},
      {"safety", {{"physically_hurt", 1}, {"insult", 1}, {"threaten", 1}, {"scream_curse", 1}}}};
}

TEST(AhcHrsn, EachDomainByItsPublishedRule) {
  EXPECT_EQ(Calc("ahc-hrsn", AhcNegative()),
            Json({{"positive_domains", Json::array()}, {"safety_score", 4}}));
  struct Case {
    const char* key;
    Json value;
    const char* domain;
  } cases[] = {
      {"living_situation", "worried", "housing_instability"},
      {"living_situation", "not_steady", "housing_instability"},
      {"housing_problems", {"mold"}, "housing_quality"},
      {"housing_problems", {"smoke_detectors", "water_leaks"}, "housing_quality"},
      {"food_worry", "sometimes", "food_insecurity"},
      {"food_ran_out", "often", "food_insecurity"},
      {"transportation_problem", true, "transportation"},
      {"utility_shutoff_threat", "yes", "utilities"},
      {"utility_shutoff_threat", "already_shut_off", "utilities"},
  };
  for (const Case& c : cases) {
    Json in = AhcNegative();
    in[c.key] = c.value;
    Json out = Calc("ahc-hrsn", in);
    EXPECT_EQ(out["positive_domains"], Json({c.domain})) << c.key << "=" << c.value.dump();
  }
}

TEST(AhcHrsn, InterpersonalSafetyAboveTen) {
  Json in = AhcNegative();
  in["safety"] = {{"physically_hurt", 1}, {"insult", 3}, {"threaten", 3}, {"scream_curse", 3}};
  EXPECT_EQ(Calc("ahc-hrsn", in),
            Json({{"positive_domains", Json::array()}, {"safety_score", 10}}));
  in["safety"]["physically_hurt"] = 2;
  EXPECT_EQ(Calc("ahc-hrsn", in),
            Json({{"positive_domains", {"interpersonal_safety"}}, {"safety_score", 11}}));
  in["safety"] = {{"physically_hurt", 5}, {"insult", 5}, {"threaten", 5}, {"scream_curse", 5}};
  EXPECT_EQ(Calc("ahc-hrsn", in)["safety_score"], 20);
}

TEST(AhcHrsn, RejectsBadAnswers) {
  Json in = AhcNegative();
  in["safety"]["insult"] = 0;
  EXPECT_EQ(ErrorField("ahc-hrsn", in), "safety.insult");
  in = AhcNegative();
  in["safety"].erase("threaten");
  EXPECT_EQ(ErrorField("ahc-hrsn", in), "safety.threaten");
  in = AhcNegative();
  in["safety"]["slapped"] = 1;
  EXPECT_EQ(ErrorField("ahc-hrsn", in), "safety.slapped");
  in = AhcNegative();
  in["housing_problems"] = {"mold", "mold"};
  EXPECT_EQ(ErrorField("ahc-hrsn", in), "housing_problems");
  in["housing_problems"] = {"termites"};
  EXPECT_EQ(ErrorField("ahc-hrsn", in), "housing_problems");
  in = AhcNegative();
  in["food_worry"] = "rarely";
  EXPECT_EQ(ErrorField("ahc-hrsn", in), "food_worry");
}

TEST(Charlson, CodingAlgorithmWeightsAndHierarchy) {
  struct Case {
    Json codes;
    const char* weights;
    int score;
    std::vector<std::string> conditions;
  } cases[] = {
      {Json::array(), "charlson1987", 0, {}},
      {{"I21.0"}, "charlson1987", 1, {"myocardial infarction"}},
      {{"I25.2"}, "charlson1987", 1, {"myocardial infarction"}},
      {{"I25.1"}, "charlson1987", 0, {}},
      {{"I42.6"}, "charlson1987", 1, {"congestive heart failure"}},
      {{"I42.4"}, "charlson1987", 0, {}},
      {{"i509", "E11.9"},
       "charlson1987",
       2,
       {"congestive heart failure", "diabetes without chronic complication"}},
      // Diabetes with complications removes diabetes without.
      {{"E11.9", "E11.22"}, "charlson1987", 2, {"diabetes with chronic complication"}},
      {{"E10"}, "charlson1987", 0, {}},
      // Severe liver disease removes mild.
      {{"K70.3", "K72.10"}, "charlson1987", 3, {"moderate or severe liver disease"}},
      {{"K70.3"}, "charlson1987", 1, {"mild liver disease"}},
      // Metastases remove the primary cancer.
      {{"C18.9", "C78.00"}, "charlson1987", 6, {"metastatic solid tumour"}},
      {{"C18.9"}, "charlson1987", 2, {"any malignancy"}},
      {{"B20"}, "charlson1987", 6, {"HIV/AIDS"}},
      {{"N03.2", "N03.1"}, "charlson1987", 2, {"renal disease"}},
      {{"G81.90"}, "charlson1987", 2, {"hemiplegia or paraplegia"}},
      {{"I21.4", "J44.9", "M05.79", "K25.9"},
       "charlson1987",
       4,
       {"myocardial infarction", "chronic pulmonary disease", "rheumatic disease",
        "peptic ulcer disease"}},
      // Quan 2011 weights.
      {{"I21.4", "I50.9", "F03.90", "B20"},
       "quan2011",
       8,
       {"myocardial infarction", "congestive heart failure", "dementia", "HIV/AIDS"}},
      {{"K72.10", "E11.22"},
       "quan2011",
       5,
       {"diabetes with chronic complication", "moderate or severe liver disease"}},
  };
  for (const Case& c : cases) {
    Json out = Calc("charlson", {{"icd10", c.codes}, {"weights", c.weights}});
    EXPECT_EQ(out["score"], c.score) << c.codes.dump();
    EXPECT_EQ(out["conditions"], Json(c.conditions)) << c.codes.dump();
    EXPECT_TRUE(out["age_adjusted_score"].is_null());
  }
}

TEST(Charlson, AgeAdjustmentOnePointPerDecadeFromFifty) {
  std::pair<int, int> ages[] = {{0, 0},  {49, 0}, {50, 1}, {59, 1}, {60, 2},
                                {69, 2}, {70, 3}, {79, 3}, {80, 4}, {104, 4}};
  for (auto [age, points] : ages) {
    Json out = Calc("charlson", {{"icd10", {"I50.9"}}, {"age", age}});
    EXPECT_EQ(out["age_adjusted_score"], 1 + points) << age;
  }
}

TEST(Charlson, RejectsMalformedInput) {
  EXPECT_EQ(ErrorField("charlson", {{"icd10", {"I50.9", "12.3"}}}), "icd10[1]");
  EXPECT_EQ(ErrorField("charlson", {{"icd10", {"I2"}}}), "icd10[0]");
  EXPECT_EQ(ErrorField("charlson", {{"icd10", {"I50..9"}}}), "icd10[0]");
  EXPECT_EQ(ErrorField("charlson", {{"icd10", {42}}}), "icd10[0]");
  EXPECT_EQ(ErrorField("charlson", {{"icd10", "I50.9"}}), "icd10");
  EXPECT_EQ(ErrorField("charlson", Json::object()), "icd10");
  EXPECT_EQ(ErrorField("charlson", {{"icd10", Json::array()}, {"age", -1}}), "age");
  EXPECT_EQ(ErrorField("charlson", {{"icd10", Json::array()}, {"age", "70"}}), "age");
  EXPECT_EQ(ErrorField("charlson", {{"icd10", Json::array()}, {"weights", "quan2005"}}), "weights");
}

Json LaceIn(int los, bool emergent, int ed, int charlson) {
  return {{"length_of_stay_days", los},
          {"emergent_admission", emergent},
          {"ed_visits_6mo", ed},
          {"charlson_index", charlson}};
}

TEST(Lace, LengthOfStayPoints) {
  std::pair<int, int> los[] = {{0, 0}, {1, 1}, {2, 2},  {3, 3},  {4, 4},
                               {6, 4}, {7, 5}, {13, 5}, {14, 7}, {60, 7}};
  for (auto [days, points] : los)
    EXPECT_EQ(Calc("lace", LaceIn(days, false, 0, 0))["components"]["L"], points) << days;
}

TEST(Lace, ComponentsCapsAndBands) {
  struct Case {
    Json in;
    int l, a, c, e, score;
    const char* risk;
  } cases[] = {
      {LaceIn(0, false, 0, 0), 0, 0, 0, 0, 0, "low"},
      {LaceIn(1, true, 0, 0), 1, 3, 0, 0, 4, "low"},
      {LaceIn(2, true, 0, 0), 2, 3, 0, 0, 5, "moderate"},
      {LaceIn(0, false, 0, 3), 0, 0, 3, 0, 3, "low"},
      {LaceIn(0, false, 0, 4), 0, 0, 5, 0, 5, "moderate"},
      {LaceIn(0, false, 3, 0), 0, 0, 0, 3, 3, "low"},
      {LaceIn(0, false, 4, 0), 0, 0, 0, 4, 4, "low"},
      {LaceIn(0, false, 12, 0), 0, 0, 0, 4, 4, "low"},
      {LaceIn(4, true, 2, 0), 4, 3, 0, 2, 9, "moderate"},
      {LaceIn(4, true, 3, 0), 4, 3, 0, 3, 10, "high"},
      {LaceIn(20, true, 9, 11), 7, 3, 5, 4, 19, "high"},
  };
  for (const Case& c : cases) {
    Json out = Calc("lace", c.in);
    EXPECT_EQ(out, Json({{"score", c.score},
                         {"risk", c.risk},
                         {"components", {{"L", c.l}, {"A", c.a}, {"C", c.c}, {"E", c.e}}}}))
        << c.in.dump();
  }
}

TEST(Lace, ComorbidityFromCodesUsesTheLaceWeights) {
  auto c_of = [](Json codes) {
    Json in = {{"length_of_stay_days", 0},
               {"emergent_admission", false},
               {"ed_visits_6mo", 0},
               {"icd10", codes}};
    return Calc("lace", in)["components"]["C"];
  };
  EXPECT_EQ(c_of(Json::array()), 0);
  EXPECT_EQ(c_of({"I21.0"}), 1);           // MI 1
  EXPECT_EQ(c_of({"I21.0", "E11.9"}), 2);  // + diabetes without complications 1
  EXPECT_EQ(c_of({"I50.9"}), 2);           // CHF 2
  EXPECT_EQ(c_of({"F03.90"}), 3);          // dementia 3
  EXPECT_EQ(c_of({"M32.9"}), 3);           // connective tissue disease 3
  EXPECT_EQ(c_of({"I21.0", "I50.9"}), 3);  // 1 + 2
  EXPECT_EQ(c_of({"K72.10"}), 5);          // severe liver 4 → capped band 5
  EXPECT_EQ(c_of({"C78.00"}), 5);          // metastatic 6 → 5
  EXPECT_EQ(c_of({"N18.4", "K25.9"}), 0);  // not weighted by LACE
  // Complications never score below uncomplicated diabetes (hierarchy + weight 2).
  EXPECT_EQ(c_of({"E11.9"}), 1);
  EXPECT_EQ(c_of({"E11.22"}), 2);
  EXPECT_EQ(c_of({"E11.9", "E11.22"}), 2);
}

TEST(Lace, RejectsBadInput) {
  Json in = LaceIn(3, true, 0, 2);
  in["icd10"] = {"I50.9"};
  EXPECT_EQ(ErrorField("lace", in), "icd10");
  in = LaceIn(3, true, 0, 2);
  in.erase("charlson_index");
  EXPECT_EQ(ErrorField("lace", in), "charlson_index");
  EXPECT_EQ(ErrorField("lace", LaceIn(-1, true, 0, 2)), "length_of_stay_days");
  EXPECT_EQ(ErrorField("lace", LaceIn(3, true, -2, 2)), "ed_visits_6mo");
  in = LaceIn(3, true, 0, 2);
  in["emergent_admission"] = 1;
  EXPECT_EQ(ErrorField("lace", in), "emergent_admission");
  in = LaceIn(3, true, 0, 2);
  in["length_of_stay_days"] = 2.5;
  EXPECT_EQ(ErrorField("lace", in), "length_of_stay_days");
}

Json HospitalIn(double hb, double na, bool onc, bool proc, bool urgent, int adm, int los) {
  return {{"hemoglobin_g_dl", hb},      {"sodium_mmol_l", na},
          {"oncology_discharge", onc},  {"procedure_during_stay", proc},
          {"urgent_admission", urgent}, {"admissions_prev_12mo", adm},
          {"length_of_stay_days", los}};
}

TEST(Hospital, StrictThresholdsPointsAndBands) {
  struct Case {
    Json in;
    int score;
    const char* risk;
  } cases[] = {
      {HospitalIn(12.0, 135, false, false, false, 0, 4), 0, "low"},
      {HospitalIn(11.9, 135, false, false, false, 0, 4), 1, "low"},
      {HospitalIn(12.0, 134.9, false, false, false, 0, 4), 1, "low"},
      {HospitalIn(12.0, 135, true, false, false, 1, 0), 2, "low"},
      {HospitalIn(12.0, 135, false, false, false, 2, 4), 2, "low"},
      {HospitalIn(12.0, 135, false, false, false, 5, 4), 2, "low"},
      {HospitalIn(12.0, 135, false, false, false, 6, 4), 5, "intermediate"},
      {HospitalIn(12.0, 135, false, true, true, 2, 4), 4, "low"},
      {HospitalIn(12.0, 135, false, true, true, 2, 5), 6, "intermediate"},
      {HospitalIn(11.0, 135, false, true, true, 2, 5), 7, "high"},
      {HospitalIn(9.5, 128, true, true, true, 8, 12), 13, "high"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(Calc("hospital", c.in), Json({{"score", c.score}, {"risk", c.risk}})) << c.in.dump();
  Json bad = HospitalIn(12, 135, false, false, false, 0, 1);
  bad["hemoglobin_g_dl"] = "12";
  EXPECT_EQ(ErrorField("hospital", bad), "hemoglobin_g_dl");
  bad = HospitalIn(12, 135, false, false, false, 0, 1);
  bad.erase("sodium_mmol_l");
  EXPECT_EQ(ErrorField("hospital", bad), "sodium_mmol_l");
  EXPECT_EQ(ErrorField("hospital", HospitalIn(12, 135, false, false, false, -1, 1)),
            "admissions_prev_12mo");
}

const char* kIntake = R"({
  "id": "org-intake", "version": "1", "title": "Organisation intake",
  "domains": [{"id": "tobacco", "label": "Tobacco use"}],
  "sections": [
    {"id": "tobacco", "items": [
      {"id": "smoker", "label": "Smokes", "type": "boolean",
       "options": [{"value": true, "points": 2}, {"value": false, "points": 0}]},
      {"id": "per_day", "label": "Cigarettes a day", "type": "integer", "min": 1, "max": 100,
       "when": {"item": "smoker", "eq": true}}]},
    {"id": "notes", "items": [
      {"id": "goals", "label": "Patient's goals", "type": "text", "max_length": 50}]}],
  "scores": [{"id": "score", "sum": ["smoker"]}],
  "flags": [{"id": "heavy", "when": {"item": "per_day", "gte": 20},
             "alert": {"kind": "heavy_smoker", "severity": "routine", "reason": "20+ a day"}}],
  "positive_domains": [{"domain": "tobacco", "when": {"item": "smoker", "eq": true}}],
  "output": ["score", "heavy", "positive_domains"]
})";

TEST(Instrument, BranchingDraftsAndCustomDefinitions) {
  auto in = Instrument::Parse(Json::parse(kIntake));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  using M = Instrument::Mode;
  auto e = in->Evaluate({{"smoker", true}, {"per_day", 25}, {"goals", "walk daily"}}, M::kComplete);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->output, Json({{"score", 2}, {"heavy", true}, {"positive_domains", {"tobacco"}}}));
  EXPECT_EQ(e->alerts.size(), 1u);
  e = in->Evaluate({{"smoker", false}, {"goals", "walk daily"}}, M::kComplete);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->output, Json({{"score", 0}, {"heavy", false}, {"positive_domains", Json::array()}}));
  // A branch not taken must stay unanswered; a branch taken must be answered.
  e = in->Evaluate({{"smoker", false}, {"per_day", 3}, {"goals", "x"}}, M::kComplete);
  EXPECT_EQ(e.status().field(), "per_day");
  e = in->Evaluate({{"smoker", true}, {"goals", "x"}}, M::kComplete);
  EXPECT_EQ(e.status().field(), "per_day");
  e = in->Evaluate({{"smoker", true}, {"goals", std::string(51, 'x')}, {"per_day", 1}},
                   M::kComplete);
  EXPECT_EQ(e.status().field(), "goals");
  // Drafts take partial answers and say which sections are complete.
  e = in->Evaluate({{"smoker", false}}, M::kDraft);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->complete);
  EXPECT_EQ(e->complete_sections, std::vector<std::string>{"tobacco"});
  e = in->Evaluate({{"smoker", "yes"}}, M::kDraft);
  EXPECT_EQ(e.status().field(), "smoker");
}

TEST(Instrument, DefinitionErrorsNameThePartAtFault) {
  auto field_of = [](auto mutate) {
    Json def = Json::parse(kIntake);
    mutate(def);
    auto r = Instrument::Parse(def);
    return r.ok() ? std::string("accepted") : r.status().field();
  };
  EXPECT_EQ(field_of([](Json& d) { d["colour"] = "red"; }), "definition.colour");
  EXPECT_EQ(field_of([](Json& d) { d.erase("version"); }), "definition.version");
  EXPECT_EQ(field_of([](Json& d) {
              d["sections"][0]["items"][1]["when"] = {{"item", "goals"}, {"eq", 1}};
            }),
            "definition.sections[0].items[1].when");
  EXPECT_EQ(field_of([](Json& d) { d["sections"][1]["items"][0]["path"] = "/smoker"; }),
            "definition.items.goals.path");
  EXPECT_EQ(field_of([](Json& d) { d["sections"][0]["items"][0]["type"] = "date"; }),
            "definition.sections[0].items[0].type");
  EXPECT_EQ(field_of([](Json& d) { d["scores"][0]["sum"] = {"goals"}; }),
            "definition.scores[0].sum");
  EXPECT_EQ(field_of([](Json& d) {
              d["bands"] = {{{"id", "b"},
                             {"score", "score"},
                             {"ranges",
                              {{{"min", 0}, {"max", 2}, {"label", "low"}},
                               {{"min", 2}, {"label", "high"}}}}}};
            }),
            "definition.bands[0].ranges[1].min");
  EXPECT_EQ(field_of([](Json& d) {
              d["flags"][0]["when"] = {{"item", "per_day"}, {"over", 1}};
            }),
            "definition.flags[0].when");
  EXPECT_EQ(field_of([](Json& d) { d["output"] = {"smoker"}; }), "definition.output");
  EXPECT_EQ(field_of([](Json& d) { d["sections"][0]["items"][1]["scored"] = "yes"; }),
            "definition.sections[0].items[1].scored");
  EXPECT_EQ(field_of([](Json& d) {
              d["bands"] = {{{"id", "b"},
                             {"score", "score"},
                             {"ranges", {{{"min", 0}, {"max", "two"}, {"label", "low"}}}}}};
            }),
            "definition.bands[0].ranges[0].max");
  EXPECT_EQ(field_of([](Json&) {}), "accepted");
}

TEST(Catalog, CustomDirectoryAddsAndReplacesByVersion) {
  testing::TempDir dir;
  Json morse = Builtins().Current("morse")->definition();
  morse["version"] = "2-stricter";
  morse["bands"][0]["ranges"] = {{{"min", 0}, {"max", 14}, {"label", "low"}},
                                 {{"min", 15}, {"max", 34}, {"label", "moderate"}},
                                 {{"min", 35}, {"label", "high"}}};
  std::ofstream(dir.path() + "/morse.json") << morse.dump();
  std::ofstream(dir.path() + "/intake.json") << kIntake;
  auto catalog = Catalog::Load(dir.path());
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ((*catalog)->Current("morse")->version(), "2-stricter");
  EXPECT_NE((*catalog)->Find("morse", "1"), nullptr);
  EXPECT_NE((*catalog)->Current("org-intake"), nullptr);
  auto out =
      CalculateScore(**catalog, "morse", Morse(false, true, "none", false, "normal", "oriented"));
  EXPECT_EQ((*out)["risk"], "moderate");

  morse["version"] = "1";  // a changed definition under an existing version
  std::ofstream(dir.path() + "/morse.json") << morse.dump();
  auto refused = Catalog::Load(dir.path());
  EXPECT_FALSE(refused.ok());
  std::ofstream(dir.path() + "/broken.json") << "{";
  EXPECT_FALSE(Catalog::Load(dir.path()).ok());
  EXPECT_FALSE(Catalog::Load(dir.path() + "/missing").ok());
}

}  // namespace
}  // namespace ck::scoring
