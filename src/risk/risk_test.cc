#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "assessments/service.h"
#include "cases/routes.h"
#include "patients/routes.h"
#include "patients/store.h"
#include "risk/routes.h"
#include "risk/scheduler.h"
#include "risk/stratify.h"
#include "testing/api_harness.h"

namespace ck::risk {
namespace {

using http::Method;

Timestamp At(const char* iso) { return *ParseTimestamp(iso); }

TEST(TierRules, BuiltinRulesRankAndExplain) {
  const TierRules& r = TierRules::Builtin();
  EXPECT_EQ(r.Evaluate(Json::object()).tier, 4);
  TierResult t = r.Evaluate({{"lace.score", 14},
                             {"lace.discharge_date", "2026-11-14"},
                             {"charlson.score", 3},
                             {"phq9.score", 4}});
  EXPECT_EQ(t.tier, 1);
  EXPECT_EQ(t.reasons,
            (std::vector<std::string>{"LACE 14 after discharge on 2026-11-14", "Charlson 3"}));
  t = r.Evaluate({{"phq9.suicide_risk", true}, {"phq9.date", "2026-11-20"}, {"phq9.score", 3}});
  EXPECT_EQ(t.tier, 1);
  EXPECT_EQ(t.reasons, std::vector<std::string>{"PHQ-9 item 9 positive on 2026-11-20"});
  EXPECT_EQ(r.Evaluate({{"gad7.score", 10}, {"gad7.band", "moderate"}, {"gad7.date", "x"}}).tier,
            3);
  EXPECT_EQ(r.Evaluate({{"charlson.age_adjusted", 6}}).tier, 2);
  EXPECT_EQ(r.Evaluate({{"charlson.age_adjusted", 5}}).tier, 4);
}

TEST(TierRules, CustomRulesAreCheckedByName) {
  auto bad = [](Json j) {
    auto r = TierRules::Parse(j);
    return r.ok() ? std::string("accepted") : r.status().field();
  };
  Json ok = {{"version", "org-1"},
             {"rules",
              {{{"tier", 2}, {"when", {{"fact", "age"}, {"gte", 85}}}, {"reason", "Age {age}"}}}}};
  EXPECT_EQ(bad(ok), "accepted");
  EXPECT_EQ(TierRules::Parse(ok)->Evaluate({{"age", 90}}).reasons,
            std::vector<std::string>{"Age 90"});
  Json j = ok;
  j["rules"][0]["tier"] = 5;
  EXPECT_EQ(bad(j), "rules[0].tier");
  j = ok;
  j["rules"][0]["when"] = {{"item", "age"}, {"gte", 1}};
  EXPECT_EQ(bad(j), "rules[0].when");
  j = ok;
  j.erase("version");
  EXPECT_EQ(bad(j), "version");
  j = ok;
  j["lookback_days"] = 0;
  EXPECT_EQ(bad(j), "lookback_days");
  j = ok;
  j["rules"][0]["when"] = {{"fact", "lace.scroe"}, {"gte", 10}};
  EXPECT_EQ(bad(j), "rules[0].when");
  j = ok;
  j["rules"][0]["reason"] = "Age {agee}";
  EXPECT_EQ(bad(j), "rules[0].reason");
  // The facts a patient with every source gives are exactly the known facts.
  PatientFacts f;
  f.age = 70;
  f.last_stay = Stay{1, 0, kMillisPerDay, "emergency", ""};
  f.hospital = {{5, 0}};
  f.phq9 = f.gad7 = f.ahc = f.morse = LatestAssessment{0, 3, "mild", "", ""};
  Json facts = f.ToFacts();
  std::vector<std::string> names;
  for (auto it = facts.begin(); it != facts.end(); ++it) names.push_back(it.key());
  std::vector<std::string> known = KnownFacts();
  std::sort(known.begin(), known.end());
  EXPECT_EQ(names, known);
  EXPECT_EQ(RenderReason("{a} and {b}", {{"a", "x"}}), "x and {b}");
}

TEST(Nightly, ParsesTimesAndFindsTheNextRun) {
  EXPECT_EQ(**ParseDailyTime("02:30"), 150);
  EXPECT_FALSE(ParseDailyTime("off")->has_value());
  for (const char* bad : {"2:30", "24:00", "02:60", "0230", ""})
    EXPECT_EQ(ParseDailyTime(bad).status().field(), "risk.nightly_at") << bad;
  EXPECT_EQ(NextDailyRun(At("2026-11-27T01:00:00Z"), 120), At("2026-11-27T02:00:00Z"));
  EXPECT_EQ(NextDailyRun(At("2026-11-27T02:00:00Z"), 120), At("2026-11-28T02:00:00Z"));
  EXPECT_EQ(NextDailyRun(At("2026-12-31T23:59:00Z"), 0), At("2027-01-01T00:00:00Z"));
}

class StratifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = std::move(*scoring::Catalog::Load());
    ASSERT_TRUE(assessments::SyncDefinitions(api_.db(), *catalog_, api_.clock().Now()).ok());
    patients_ = std::make_unique<patients::Service>(api_.db(), api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    patients::RegisterRoutes(api_.router(), *patients_);
    RegisterRoutes(api_.router(), api_.db(), api_.clock(), TierRules::Builtin());
    api_.AddUser("cm.one", auth::Role::kCaseManager, api_.AddTeam("A"));
    a_ = NewPatient("1954-03-01");  // 72
    b_ = NewPatient("1990-06-15");
    c_ = NewPatient("1980-01-01");
    for (const char* code : {"I50.9", "J44.9", "E11.22"}) Condition(a_, code);
    Condition(a_, "I21.0", "entered_in_error");
    // Two earlier ED visits, then the one that led to the admission.
    Encounter(a_, "emergency", "2026-07-01T10:00:00Z", "2026-07-01T14:00:00Z", "emergency");
    Encounter(a_, "emergency", "2026-09-20T10:00:00Z", "2026-09-20T15:00:00Z", "emergency");
    Encounter(a_, "emergency", "2026-11-09T22:00:00Z", "2026-11-10T02:00:00Z", "emergency");
    Encounter(a_, "emergency", "2026-03-01T10:00:00Z", "2026-03-01T12:00:00Z", "emergency");
    encounter_ = Encounter(a_, "inpatient", "2026-11-10T03:00:00Z", "2026-11-14T16:00:00Z",
                           "emergency", "N17.9");
    Encounter(a_, "inpatient", "2026-06-01T03:00:00Z", "2026-06-03T16:00:00Z", "elective");
    Exec(
        "INSERT INTO cases (patient_id, program_id, status, referral_source, referral_reason, "
        "urgency, referred_at, triage_due_at, created_at, updated_at) SELECT " +
        std::to_string(b_) +
        ", id, 'active', 'self', 'x', 'routine', 0, 0, 0, 0 FROM programs WHERE code = "
        "'complex_care'");
    Exec(
        "INSERT INTO assessments (patient_id, case_id, instrument_id, instrument_version, status, "
        "answers, score, band, flags, positive_domains, started_by, started_at, completed_by, "
        "completed_at, updated_at) SELECT " +
        std::to_string(b_) +
        ", id, 'phq9', '1', 'completed', '{}', 3, 'minimal', "
        "'suicide_risk', '', " +
        std::to_string(api_.id("cm.one")) + ", 0, " + std::to_string(api_.id("cm.one")) + ", " +
        std::to_string(At("2026-11-20T10:00:00Z")) + ", 0 FROM cases");
    for (int64_t p : {a_, b_, c_})
      Exec("INSERT INTO care_team_members (patient_id, user_id, member_role, added_at) VALUES (" +
           std::to_string(p) + ", " + std::to_string(api_.id("cm.one")) +
           ", 'primary_case_manager', 0)");
  }

  int64_t NewPatient(const char* birth) {
    int64_t id = 0;
    EXPECT_TRUE(api_.db()
                    .Write([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(auto p, patients::InsertPatient(
                                                      c, {"Syn", "Thetic", birth, "female"}, 0));
                      id = p.id;
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }

  void Exec(const std::string& sql, const db::Params& params = {}) {
    Status st = api_.db().Write([&](db::Connection& c) { return c.Exec(sql, params).status(); });
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }

  void Condition(int64_t p, const char* code, const char* status = "active") {
    Exec(
        "INSERT INTO conditions (patient_id, code, status, created_at, updated_at) VALUES (?, ?, "
        "?, "
        "0, 0)",
        {p, code, status});
  }

  int64_t Encounter(int64_t p, const char* klass, const char* in, const char* out, const char* type,
                    const char* dx = nullptr) {
    int64_t id = 0;
    EXPECT_TRUE(
        api_.db()
            .Write([&](db::Connection& c) -> Status {
              CK_ASSIGN_OR_RETURN(
                  auto rows,
                  c.Query("INSERT INTO encounters (patient_id, encounter_class, facility, "
                          "admitted_at, discharged_at, admission_type, diagnoses, status, "
                          "created_at, updated_at) VALUES (?, ?, 'General', ?, ?, ?, ?, "
                          "'finished', 0, 0) RETURNING id",
                          {p, klass, At(in), At(out), type, dx ? db::Value(dx) : db::Value()}));
              id = rows.at(0).Int(0);
              return Status::Ok();
            })
            .ok());
    return id;
  }

  http::Response Call(Method m, const std::string& path, const Json& body = nullptr) {
    return api_.Call(m, path, "cm.one", body);
  }

  Json RiskRow(int64_t p) {
    Json out;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(auto rows,
                                          c.Query("SELECT tier, reasons, previous_tier FROM "
                                                  "patient_risk WHERE patient_id = ?",
                                                  {p}));
                      if (rows.empty()) return Status::Ok();
                      out = {{"tier", rows.at(0).Int(0)},
                             {"reasons", Json::parse(rows.at(0).Text(1))},
                             {"previous_tier",
                              rows.at(0).OptInt(2) ? Json(*rows.at(0).OptInt(2)) : Json(nullptr)}};
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  testing::ApiHarness api_{*ParseTimestamp("2026-11-27T09:00:00Z")};
  BusinessCalendar calendar_{BusinessCalendar::Options{}};
  std::unique_ptr<scoring::Catalog> catalog_;
  std::unique_ptr<patients::Service> patients_;
  int64_t a_ = 0, b_ = 0, c_ = 0, encounter_ = 0;
};

TEST_F(StratifyTest, TiersCarryTheirReasonsAndOnlyChangesAreWritten) {
  std::vector<std::string> phases;
  StratifyOptions options;
  options.progress = [&](const char* phase, int64_t, int64_t) {
    if (phases.empty() || phases.back() != phase) phases.emplace_back(phase);
  };
  auto run = Stratify(api_.db(), api_.clock(), TierRules::Builtin(), options);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->patients, 3);
  EXPECT_EQ(run->changed, 3);
  EXPECT_EQ(run->tier_counts[1], 2);
  EXPECT_EQ(run->tier_counts[4], 1);
  EXPECT_EQ(phases.front(), "patients");
  EXPECT_EQ(phases.back(), "writing");

  // LOS 4 days → 4, emergent → 3, CHF 2 + COPD 2 (+ complicated diabetes 0) → 5, two ED
  // visits in six months (not the one that led to the admission, not March's) → 2.
  Json a = RiskRow(a_);
  EXPECT_EQ(a["tier"], 1);
  EXPECT_EQ(a["reasons"], Json({"LACE 14 after discharge on 2026-11-14", "Age-adjusted Charlson 7",
                                "Charlson 4"}));
  EXPECT_EQ(RiskRow(b_)["reasons"], Json({"PHQ-9 item 9 positive on 2026-11-20"}));
  EXPECT_EQ(RiskRow(c_)["tier"], 4);
  EXPECT_EQ(RiskRow(c_)["reasons"], Json::array());

  auto again = Stratify(api_.db(), api_.clock(), TierRules::Builtin(), {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->changed, 0);

  Condition(c_, "C78.00");
  again = Stratify(api_.db(), api_.clock(), TierRules::Builtin(), {});
  EXPECT_EQ(again->changed, 1);
  EXPECT_EQ(RiskRow(c_)["tier"], 2);
  EXPECT_EQ(RiskRow(c_)["previous_tier"], 4);

  // Becoming riskier is an event for programs: both tier-1 patients on the
  // first run (tier 4 is not), then the move from 4 to 2; nothing for reruns.
  std::vector<std::string> events;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) {
                    return c.ForEachRow(
                        "SELECT patient_id, payload FROM domain_events WHERE kind = "
                        "'risk.tier_changed' ORDER BY id",
                        {}, [&](const db::Row& r) {
                          events.push_back(std::to_string(r.Int(0)) + " " + r.Text(1));
                          return Status::Ok();
                        });
                  })
                  .ok());
  std::vector<std::string> want = {std::to_string(a_) + " {\"tier\":1}",
                                   std::to_string(b_) + " {\"tier\":1}",
                                   std::to_string(c_) + " {\"previous_tier\":4,\"tier\":2}"};
  EXPECT_EQ(events, want);

  // One patient's live view agrees with the population run.
  auto live = Call(Method::kGet, "/api/v1/patients/" + std::to_string(a_) + "/risk");
  ASSERT_EQ(live.status, 200) << live.body;
  Json body = Json::parse(live.body);
  EXPECT_EQ(body["current"]["tier"], 1);
  EXPECT_EQ(body["current"]["reasons"], a["reasons"]);
  EXPECT_EQ(body["stratified"]["reasons"], a["reasons"]);
}

TEST_F(StratifyTest, ScoresFromTheRecordKeepInputsAndComponents) {
  auto r = Call(Method::kPost, "/api/v1/patients/" + std::to_string(a_) + "/scores/lace",
                Json::object());
  ASSERT_EQ(r.status, 201) << r.body;
  Json lace = Json::parse(r.body);
  EXPECT_EQ(lace["score"], 14);
  EXPECT_EQ(lace["band"], "high");
  EXPECT_EQ(lace["encounter_id"], encounter_);
  EXPECT_EQ(lace["components"], Json({{"L", 4}, {"A", 3}, {"C", 5}, {"E", 2}}));
  EXPECT_EQ(lace["inputs"]["admitted_via_ed"], true);
  EXPECT_EQ(lace["inputs"]["length_of_stay_days"], 4);

  r = Call(Method::kPost, "/api/v1/patients/" + std::to_string(a_) + "/scores/charlson",
           {{"weights", "quan2011"}});
  ASSERT_EQ(r.status, 201) << r.body;
  Json cci = Json::parse(r.body);
  EXPECT_EQ(cci["score"], 4);  // CHF 2 + COPD 1 + complicated diabetes 1
  EXPECT_EQ(cci["inputs"]["age"], 72);
  EXPECT_EQ(cci["components"]["age_adjusted_score"], 7);

  r = Call(Method::kPost, "/api/v1/patients/" + std::to_string(a_) + "/scores/hospital",
           {{"hemoglobin_g_dl", 11.2},
            {"sodium_mmol_l", 136},
            {"oncology_discharge", false},
            {"procedure_during_stay", false}});
  ASSERT_EQ(r.status, 201) << r.body;
  Json hosp = Json::parse(r.body);
  // Hb 1 + urgent 1 + one prior admission 0 + LOS 4 days 0.
  EXPECT_EQ(hosp["score"], 2);
  EXPECT_EQ(hosp["inputs"]["admissions_prev_12mo"], 1);

  // Labs and procedures recorded for the stay (FHIR Observations, Procedures) fill
  // what the request leaves out; an earlier stay's values do not count.
  ASSERT_TRUE(api_.db()
                  .Write([&](db::Connection& c) -> Status {
                    auto obs = [&](const char* code, double v, const char* unit, const char* at,
                                   std::optional<int64_t> encounter) {
                      return c
                          .Exec(
                              "INSERT INTO observations (patient_id, encounter_id, code_system, "
                              "code, status, effective_at, value_number, value_unit, "
                              "created_at, updated_at) VALUES (?, ?, 'http://loinc.org', ?, "
                              "'final', ?, ?, ?, 0, 0)",
                              {a_, encounter, code, *ParseTimestamp(at), v, unit})
                          .status();
                    };
                    CK_RETURN_IF_ERROR(obs("718-7", 13.5, "g/dL", "2026-11-11T06:00:00Z", {}));
                    CK_RETURN_IF_ERROR(obs("718-7", 105, "g/L", "2026-11-14T06:00:00Z", {}));
                    CK_RETURN_IF_ERROR(
                        obs("2951-2", 131, "mmol/L", "2026-11-13T06:00:00Z", encounter_));
                    CK_RETURN_IF_ERROR(obs("2951-2", 120, "mmol/L", "2026-06-02T06:00:00Z", {}));
                    return c
                        .Exec(
                            "INSERT INTO procedures (patient_id, encounter_id, code_system, "
                            "code, status, performed_start, created_at, updated_at) VALUES (?, "
                            "?, 'http://snomed.info/sct', '232717009', 'completed', ?, 0, 0)",
                            {a_, encounter_, *ParseTimestamp("2026-11-12T09:00:00Z")})
                        .status();
                  })
                  .ok());
  r = Call(Method::kPost, "/api/v1/patients/" + std::to_string(a_) + "/scores/hospital",
           {{"oncology_discharge", false}});
  ASSERT_EQ(r.status, 201) << r.body;
  hosp = Json::parse(r.body);
  EXPECT_DOUBLE_EQ(hosp["inputs"]["hemoglobin_g_dl"].get<double>(), 10.5);  // the last, in g/dL
  EXPECT_EQ(hosp["inputs"]["sodium_mmol_l"], 131);
  EXPECT_EQ(hosp["inputs"]["procedure_during_stay"], true);
  EXPECT_TRUE(hosp["inputs"]["from_record"].contains("hemoglobin_g_dl"));
  // Hb 1 + procedure 1 + urgent 1 + sodium 1 + prior admission 0 + LOS 0.
  EXPECT_EQ(hosp["score"], 4);

  r = Call(Method::kPost, "/api/v1/patients/" + std::to_string(a_) + "/scores/hospital",
           {{"hemoglobin_g_dl", "low"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["field"], "hemoglobin_g_dl");
  r = Call(Method::kPost, "/api/v1/patients/" + std::to_string(c_) + "/scores/lace",
           Json::object());
  EXPECT_EQ(r.status, 409);
  r = Call(Method::kPost, "/api/v1/patients/" + std::to_string(a_) + "/scores/lace",
           {{"encounter_id", 999999}});
  EXPECT_EQ(Json::parse(r.body)["field"], "encounter_id");
  Json list =
      Json::parse(Call(Method::kGet, "/api/v1/patients/" + std::to_string(a_) + "/scores").body);
  EXPECT_EQ(list["items"].size(), 4u);  // LACE, Charlson and two HOSPITAL
}

TEST_F(StratifyTest, TheNightlyRunStartsAtItsTimeAndStopsWhenAsked) {
  auto nightly_runs = [&] {
    int64_t n = 0;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(auto rows,
                                          c.Query("SELECT COUNT(*) FROM stratification_runs "
                                                  "WHERE trigger_kind = 'nightly'"));
                      n = rows.at(0).Int(0);
                      return Status::Ok();
                    })
                    .ok());
    return n;
  };
  api_.clock().Set(At("2026-11-28T01:59:59.900Z"));
  {
    NightlyStratification nightly(api_.db(), api_.clock(), TierRules::Builtin(), 120);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(nightly_runs(), 0);
    api_.clock().Advance(200);
    for (int i = 0; i < 400 && nightly_runs() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    EXPECT_EQ(nightly_runs(), 1);
  }  // the destructor wakes the sleeping thread; a hang here fails the test by its timeout
  EXPECT_EQ(nightly_runs(), 1);
}

TEST_F(StratifyTest, SupervisorsRunItOnDemand) {
  api_.AddUser("sup.one", auth::Role::kSupervisor, api_.AddTeam("B"));
  EXPECT_EQ(Call(Method::kPost, "/api/v1/stratification/runs").status, 403);
  auto r = api_.Call(Method::kPost, "/api/v1/stratification/runs", "sup.one", Json::object());
  ASSERT_EQ(r.status, 201) << r.body;
  Json run = Json::parse(r.body);
  EXPECT_EQ(run["patients"], 3);
  EXPECT_EQ(run["tier_counts"]["1"], 2);
  Json runs = Json::parse(api_.Call(Method::kGet, "/api/v1/stratification/runs", "sup.one").body);
  ASSERT_EQ(runs["items"].size(), 1u);
  EXPECT_EQ(runs["items"][0]["trigger"], "api");
  EXPECT_EQ(RiskRow(a_)["tier"], 1);
}

TEST_F(StratifyTest, CaseloadsRankByRiskTier) {
  cases::Service cases(api_.db(), api_.clock(), calendar_, api_.authorizer());
  cases::RegisterRoutes(api_.router(), cases);
  // A case for each patient, assigned to cm.one (b_ already has one, unassigned).
  Exec("UPDATE cases SET assigned_user_id = " + std::to_string(api_.id("cm.one")));
  for (int64_t p : {c_, a_})
    Exec(
        "INSERT INTO cases (patient_id, program_id, status, referral_source, referral_reason, "
        "urgency, referred_at, triage_due_at, assigned_user_id, created_at, updated_at) SELECT " +
        std::to_string(p) + ", id, 'active', 'self', 'x', 'routine', 0, 0, " +
        std::to_string(api_.id("cm.one")) + ", 0, 0 FROM programs WHERE code = 'complex_care'");
  ASSERT_TRUE(Stratify(api_.db(), api_.clock(), TierRules::Builtin(), {}).ok());
  auto r = Call(Method::kGet, "/api/v1/cases?sort=risk");
  ASSERT_EQ(r.status, 200) << r.body;
  Json items = Json::parse(r.body)["items"];
  ASSERT_EQ(items.size(), 3u);
  std::vector<int64_t> tiers;
  for (const Json& k : items) tiers.push_back(k["risk_tier"].get<int64_t>());
  EXPECT_EQ(tiers, (std::vector<int64_t>{1, 1, 4}));
  EXPECT_EQ(items[2]["patient_id"], c_);
  EXPECT_EQ(items[0]["risk_reasons"].size() + items[1]["risk_reasons"].size(), 4u);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/cases?sort=urgency").status, 400);
}

}  // namespace
}  // namespace ck::risk
