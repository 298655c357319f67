// Social needs through the HTTP routes: a positive AHC screen opens the right
// barriers; the resource directory's CSV import keeps good rows and names bad
// ones by line; search ranks by need and distance; a referral needs consent,
// escalates on the worklist when unanswered after N business days, and is
// answered through the organisation's secure link (expiring, revocable,
// audited), its outcome carried back onto the barrier.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>

#include "assessments/alerts.h"
#include "assessments/routes.h"
#include "assessments/service.h"
#include "cases/routes.h"
#include "core/business_calendar.h"
#include "http/json.h"
#include "patients/routes.h"
#include "patients/service.h"
#include "scoring/catalog.h"
#include "social/routes.h"
#include "testing/api_harness.h"
#include "worklist/routes.h"

namespace ck::social {
namespace {

using http::Json;
using http::Method;

// A few ZIP codes around Columbus, Ohio (rounded centroids).
constexpr const char* kCentroids =
    "postal_code,latitude,longitude\n"
    "43205,39.957,-82.964\n"
    "43211,40.011,-82.972\n"
    "43213,39.972,-82.869\n"
    "43068,39.956,-82.804\n"
    "43123,39.880,-83.085\n"
    "44101,41.499,-81.694\n";

class SocialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Database& db = api_.db();
    catalog_ = std::move(*scoring::Catalog::Load());
    ASSERT_TRUE(assessments::SyncDefinitions(db, *catalog_, api_.clock().Now()).ok());
    patients_ = std::make_unique<patients::Service>(db, api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    cases_ = std::make_unique<cases::Service>(db, api_.clock(), calendar_, api_.authorizer());
    assessments_ = std::make_unique<assessments::Service>(db, api_.clock(), *catalog_);
    alerts_ = std::make_unique<assessments::Alerts>(db, api_.clock());
    patients::RegisterRoutes(api_.router(), *patients_);
    patients::RegisterConsentRoutes(api_.router(), consents_);
    cases::RegisterRoutes(api_.router(), *cases_);
    assessments::RegisterRoutes(api_.router(), *assessments_, *alerts_);
    worklist::RegisterRoutes(api_.router(), worklist_);
    RegisterRoutes(api_.router(), social_, directory_, "https://ck.example.org/partner");
    int64_t a = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, a);
    api_.AddUser("cm.other", auth::Role::kCaseManager, api_.AddTeam("B"));
    api_.AddUser("sup", auth::Role::kSupervisor, a);
    auto p = Call(Method::kPost, "/api/v1/patients", "cm.one",
                  {{"given_name", "Walter"},
                   {"family_name", "Okafor"},
                   {"birth_date", "1951-04-09"},
                   {"administrative_sex", "male"},
                   {"preferred_language", "en"},
                   {"address",
                    {{"line1", "12 Oak Street"},
                     {"city", "Columbus"},
                     {"state", "OH"},
                     {"postal_code", "43205"}}}});
    ASSERT_EQ(p.status, 201) << p.body;
    patient_ = Json::parse(p.body)["id"];
    ASSERT_TRUE(db.Write([&](db::Connection& c) {
                    return c
                        .Exec(
                            "INSERT INTO patient_phones (patient_id, number, phone_use, "
                            "preferred) VALUES (?, '614-555-0142', 'mobile', 1)",
                            {patient_})
                        .status();
                  }).ok());
    auto k =
        Call(Method::kPost, "/api/v1/patients/" + std::to_string(patient_) + "/cases", "cm.one",
             {{"program", "complex_care"},
              {"referral_source", "hospital"},
              {"referral_reason", "heart failure, missed appointments"},
              {"urgency", "routine"}});
    ASSERT_EQ(k.status, 201) << k.body;
    case_ = Json::parse(k.body)["id"];
  }

  http::Response Call(Method m, const std::string& path, const std::string& who,
                      const Json& body = nullptr) {
    return api_.Call(m, path, who, body);
  }
  http::Response Csv(const std::string& path, const std::string& csv,
                     const std::string& who = "sup") {
    http::Request req;
    req.method = Method::kPost;
    req.path = path;
    req.body = csv;
    req.headers = {{"content-type", "text/csv"}};
    return api_.Send(req, who);
  }
  Json Ok(const http::Response& r, int want = 200) {
    EXPECT_EQ(r.status, want) << r.body;
    return Json::parse(r.body);
  }

  std::string PatientPath(const std::string& rest) {
    return "/api/v1/patients/" + std::to_string(patient_) + rest;
  }

  Json Barriers() { return Ok(Call(Method::kGet, PatientPath("/barriers"), "cm.one"))["items"]; }

  Json Identify(const Json& body, int want = 201, const std::string& who = "cm.one") {
    return Ok(
        Call(Method::kPost, "/api/v1/cases/" + std::to_string(case_) + "/barriers", who, body),
        want);
  }

  int64_t AddResource(const Json& body) {
    return Ok(Call(Method::kPost, "/api/v1/resources", "sup", body), 201)["id"];
  }

  Json Refer(int64_t barrier, const Json& body, int want = 201) {
    return Ok(Call(Method::kPost, "/api/v1/barriers/" + std::to_string(barrier) + "/referrals",
                   "cm.one", body),
              want);
  }

  Json Step(const Json& referral, Json body, int want = 200) {
    body["version"] = referral["version"];
    return Ok(Call(Method::kPost,
                   "/api/v1/resource-referrals/" + std::to_string(referral["id"].get<int64_t>()) +
                       "/status",
                   "cm.one", body),
              want);
  }

  static std::string TokenOf(const Json& referral) {
    std::string url = referral["link"]["url"];
    return url.substr(url.find("#token=") + 7);
  }

  http::Response Partner(const std::string& what, Json body) {
    return Call(Method::kPost, "/api/v1/partner/referral" + what, "", body);
  }

  int64_t Count(const std::string& sql, const db::Params& p = {}) {
    int64_t n = 0;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, p));
                      n = rows.at(0).Int(0);
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  std::vector<std::string> WorklistKinds() {
    std::vector<std::string> out;
    Json items = Ok(Call(Method::kGet, "/api/v1/worklist", "cm.one"))["items"];
    for (const auto& it : items) out.push_back(it["kind"]);
    return out;
  }

  testing::ApiHarness api_;
  BusinessCalendar calendar_{BusinessCalendar::Options{}};
  std::unique_ptr<scoring::Catalog> catalog_;
  std::unique_ptr<patients::Service> patients_;
  patients::Consents consents_{api_.db(), api_.clock()};
  std::unique_ptr<cases::Service> cases_;
  std::unique_ptr<assessments::Service> assessments_;
  std::unique_ptr<assessments::Alerts> alerts_;
  worklist::Worklist worklist_{api_.db(), api_.clock()};
  const TimeZone tz_ = TimeZone::Load("America/New_York").value();
  Service social_{
      api_.db(), api_.clock(), calendar_, {.answer_business_days = 3, .time_zone = &tz_}};
  Directory directory_{api_.db(), api_.clock()};
  int64_t patient_ = 0, case_ = 0;
};

TEST_F(SocialTest, APositiveAhcScreenOpensTheRightBarriers) {
  Json ahc = {
      {"living_situation", "worried"},  // housing instability
      {"housing_problems", Json::array()},
      {"food_worry", "never"},
      {"food_ran_out", "sometimes"},  // food insecurity
      {"transportation_problem", true},
      {"utility_shutoff_threat", "no"},
      {"safety", {{"physically_hurt", 1}, {"insult", 2}, {"threaten", 1}, {"scream_curse", 2}}}};
  auto r = Call(Method::kPost, "/api/v1/cases/" + std::to_string(case_) + "/assessments", "cm.one",
                {{"instrument", "ahc-hrsn"}, {"answers", ahc}, {"complete", true}});
  Json a = Ok(r, 201);
  Json b = Barriers();
  ASSERT_EQ(b.size(), 3u) << b.dump();
  std::map<std::string, std::string> severity;
  for (const auto& x : b) {
    severity[x["domain"]] = x["severity"];
    EXPECT_EQ(x["source"], "screening");
    EXPECT_EQ(x["status"], "identified");
    EXPECT_EQ(x["assessment_id"], a["id"]);
    EXPECT_EQ(x["case_id"], case_);
    EXPECT_EQ(x["history"][0]["kind"], "identified");
  }
  EXPECT_EQ(severity, (std::map<std::string, std::string>{{"food_insecurity", "high"},
                                                          {"housing_instability", "high"},
                                                          {"transportation", "moderate"}}));

  // Screened again a month later: the open barriers are not doubled; a new
  // positive domain (utilities shut off, safety over 10) opens its own.
  api_.clock().Advance(30 * kMillisPerDay);
  api_.SignInAgain("cm.one");
  ahc["utility_shutoff_threat"] = "already_shut_off";
  ahc["safety"] = {{"physically_hurt", 3}, {"insult", 3}, {"threaten", 3}, {"scream_curse", 2}};
  Ok(Call(Method::kPost, "/api/v1/cases/" + std::to_string(case_) + "/assessments", "cm.one",
          {{"instrument", "ahc-hrsn"}, {"answers", ahc}, {"complete", true}}),
     201);
  b = Barriers();
  ASSERT_EQ(b.size(), 5u) << b.dump();
  EXPECT_EQ(b[0]["domain"], "interpersonal_safety");  // urgent first
  EXPECT_EQ(b[0]["severity"], "urgent");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM barriers WHERE domain = 'transportation'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM barrier_events WHERE kind = 'screened_again'"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'barrier.identify'"), 5);

  // A negative screen opens nothing.
  Json negative = {
      {"living_situation", "steady"},
      {"housing_problems", Json::array()},
      {"food_worry", "never"},
      {"food_ran_out", "never"},
      {"transportation_problem", false},
      {"utility_shutoff_threat", "no"},
      {"safety", {{"physically_hurt", 1}, {"insult", 1}, {"threaten", 1}, {"scream_curse", 1}}}};
  Ok(Call(Method::kPost, "/api/v1/cases/" + std::to_string(case_) + "/assessments", "cm.one",
          {{"instrument", "ahc-hrsn"}, {"answers", negative}, {"complete", true}}),
     201);
  EXPECT_EQ(Barriers().size(), 5u);
}

TEST_F(SocialTest, BarriersByHandFollowTheirLifecycleAndRefuseBadInput) {
  Json b = Identify({{"domain", "health_literacy"},
                     {"severity", "low"},
                     {"description", "Reads little English; needs pictures"}});
  EXPECT_EQ(b["source"], "manual");
  EXPECT_EQ(b["identified_by"], api_.id("cm.one"));

  EXPECT_EQ(Identify({{"domain", "bad_luck"}}, 400)["field"], "domain");
  EXPECT_EQ(Identify({{"domain", "language"}, {"severity", "dire"}}, 400)["field"], "severity");
  EXPECT_EQ(Identify({{"domain", "health_literacy"}}, 409)["field"], "domain");  // one open each
  EXPECT_EQ(Identify({{"domain", "language"}}, 403, "cm.other").is_object(), true);
  EXPECT_EQ(Identify({{"domain", "language"}, {"problem_id", 999}}, 400)["field"], "problem_id");

  std::string path = "/api/v1/barriers/" + std::to_string(b["id"].get<int64_t>());
  auto patch = [&](Json body, int want) {
    body["version"] = b["version"];
    Json out = Ok(Call(Method::kPatch, path, "cm.one", body), want);
    if (want == 200) b = out;
    return out;
  };
  EXPECT_EQ(patch({{"status", "resolved"}}, 400)["field"], "outcome");
  patch({{"severity", "moderate"}}, 200);
  EXPECT_EQ(b["severity"], "moderate");
  patch({{"status", "in_progress"}}, 200);
  patch({{"status", "resolved"}, {"outcome", "Teach-back with pictures works"}}, 200);
  EXPECT_EQ(b["status"], "resolved");
  EXPECT_FALSE(b["closed_at"].is_null());
  EXPECT_EQ(patch({{"severity", "high"}}, 409)["code"], "FailedPrecondition");
  EXPECT_EQ(patch({{"status", "identified"}}, 400)["field"], "outcome");
  patch({{"status", "identified"}, {"outcome", "Struggling again with new medicines"}}, 200);
  EXPECT_TRUE(b["closed_at"].is_null());
  // A stale version is refused.
  auto stale = Call(Method::kPatch, path, "cm.one", {{"version", 1}, {"severity", "high"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Json::parse(stale.body)["field"], "version");
  EXPECT_EQ(Call(Method::kGet, path, "cm.other").status, 403);
}

TEST_F(SocialTest, CsvImportKeepsGoodRowsAndNamesBadOnesByLine) {
  std::string csv =
      "organization,service,domains,languages,phone,postal_code,capacity,eligibility\n"
      "Eastside Rides,Medical rides,transportation,en;es,614-555-0100,43205,open,\"Seniors, "
      "disabled adults\"\n"
      "Mid-Ohio Pantry,Groceries,food_insecurity,en,614-555-0101,43211,open,\n"
      "Nowhere Org,Hope,bad_luck,en,614-555-0102,43205,open,\n"
      "Phone Troubles,Rides,transportation,en,call us,43205,open,\n"
      "Short Row,Rides\n"
      "\"Quoted, Inc.\",Utility help,utilities;financial_strain,en,614-555-0103,43213-1234,"
      "waitlist,Income under 200% FPL\n";
  Json r = Ok(Csv("/api/v1/resources/import", csv));
  EXPECT_EQ(r["created"], 3);
  EXPECT_EQ(r["rejected"], 3);
  ASSERT_EQ(r["errors"].size(), 3u);
  EXPECT_EQ(r["errors"][0],
            Json({{"line", 4},
                  {"field", "domains"},
                  {"message", "unknown need bad_luck (see docs/social_needs.md)"}}));
  EXPECT_EQ(r["errors"][1]["line"], 5);
  EXPECT_EQ(r["errors"][1]["field"], "phone");
  EXPECT_EQ(r["errors"][2]["line"], 6);
  EXPECT_EQ(r["errors"][2]["field"], "row");

  // Imported again: nothing changes; a changed row updates its resource.
  r = Ok(Csv("/api/v1/resources/import", csv));
  EXPECT_EQ(r["created"], 0);
  EXPECT_EQ(r["unchanged"], 3);
  r = Ok(Csv("/api/v1/resources/import",
             "organization,service,domains,capacity\nMid-Ohio Pantry,Groceries,food_insecurity,"
             "full\n"));
  EXPECT_EQ(r["updated"], 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM community_resources WHERE capacity = 'full'"), 1);
  Json hits = Ok(Call(Method::kGet, "/api/v1/resources?q=quoted", "cm.one"))["items"];
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["domains"], Json({"financial_strain", "utilities"}));
  EXPECT_EQ(hits[0]["eligibility"], "Income under 200% FPL");

  // A header that cannot be read is refused whole; only library managers import.
  EXPECT_EQ(Csv("/api/v1/resources/import", "organisation,service,domains\nx,y,food\n").status,
            400);
  EXPECT_EQ(Csv("/api/v1/resources/import", csv, "cm.one").status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM community_resources"), 3);
}

TEST_F(SocialTest, SearchRanksByNeedAndDistanceFromThePatientsHome) {
  Ok(Csv("/api/v1/zip-centroids/import", kCentroids));
  // Transportation services at different distances from ZIP 43205.
  int64_t near = AddResource({{"organization", "Eastside Rides"},
                              {"service", "Medical rides"},
                              {"domains", {"transportation"}},
                              {"postal_code", "43205"},
                              {"capacity", "open"}});
  int64_t mid = AddResource({{"organization", "Whitehall Wheels"},
                             {"service", "Door to door"},
                             {"domains", {"transportation"}},
                             {"languages", {"en", "so"}},
                             {"postal_code", "43213"},
                             {"capacity", "waitlist"}});
  int64_t far = AddResource({{"organization", "Grove City Van"},
                             {"service", "Dialysis rides"},
                             {"domains", {"transportation"}},
                             {"latitude", 39.881},
                             {"longitude", -83.093},
                             {"capacity", "open"}});
  int64_t full = AddResource({{"organization", "Corner Cab Co-op"},
                              {"service", "Free cab rides"},
                              {"domains", {"transportation"}},
                              {"postal_code", "43205"},
                              {"capacity", "full"}});
  int64_t nowhere = AddResource({{"organization", "Statewide Transit Line"},
                                 {"service", "Phone booking"},
                                 {"domains", {"transportation"}}});
  int64_t cleveland = AddResource({{"organization", "Lakeside Rides"},
                                   {"service", "Rides"},
                                   {"domains", {"transportation"}},
                                   {"postal_code", "44101"}});
  AddResource({{"organization", "Mid-Ohio Pantry"},
               {"service", "Groceries"},
               {"domains", {"food_insecurity"}},
               {"postal_code", "43205"}});

  Json s = Ok(Call(Method::kGet, PatientPath("/resources?domain=transportation"), "cm.one"));
  EXPECT_EQ(s["origin"], "the patient's home ZIP 43205");
  std::vector<int64_t> order;
  for (const auto& h : s["items"]) order.push_back(h["id"]);
  // Nearest first; unknown places after known ones; services at capacity last.
  EXPECT_EQ(order, (std::vector<int64_t>{near, mid, far, cleveland, nowhere, full}));
  EXPECT_EQ(s["items"][0]["distance_miles"], 0.0);
  EXPECT_NEAR(s["items"][1]["distance_miles"].get<double>(), 5.1, 0.3);
  EXPECT_NEAR(s["items"][2]["distance_miles"].get<double>(), 8.6, 0.2);
  EXPECT_GT(s["items"][3]["distance_miles"].get<double>(), 100);
  EXPECT_TRUE(s["items"][4]["distance_miles"].is_null());

  s = Ok(Call(Method::kGet, PatientPath("/resources?domain=transportation&within_miles=10"),
              "cm.one"));
  EXPECT_EQ(s["items"].size(), 4u);  // near, mid, far, full
  s = Ok(Call(Method::kGet,
              PatientPath("/resources?domain=transportation&within_miles=10&include_full=false"),
              "cm.one"));
  EXPECT_EQ(s["items"].size(), 3u);
  s = Ok(Call(Method::kGet, "/api/v1/resources?domain=transportation&language=so", "cm.one"));
  ASSERT_EQ(s["items"].size(), 1u);
  EXPECT_EQ(s["items"][0]["id"], mid);
  EXPECT_TRUE(s["origin"].is_null());
  s = Ok(Call(Method::kGet, "/api/v1/resources?q=DIALYSIS&postal_code=43123", "cm.one"));
  ASSERT_EQ(s["items"].size(), 1u);
  EXPECT_LT(s["items"][0]["distance_miles"].get<double>(), 1.0);

  // Errors name their parameter.
  auto bad = [&](const std::string& q, const std::string& field) {
    auto r = Call(Method::kGet, "/api/v1/resources?" + q, "cm.one");
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(Json::parse(r.body)["field"], field) << q;
  };
  bad("domain=luck", "domain");
  auto empty = Call(Method::kPost, "/api/v1/resources", "sup",
                    {{"organization", "X"}, {"service", "Y"}, {"domains", {""}}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(Json::parse(empty.body)["field"], "domains");
  bad("postal_code=99999", "postal_code");
  bad("postal_code=4320", "postal_code");
  bad("within_miles=5", "within_miles");
  bad("latitude=95&longitude=0", "latitude");
  bad("latitude=40", "latitude");
  EXPECT_EQ(Call(Method::kGet, PatientPath("/resources"), "cm.other").status, 403);
}

TEST_F(SocialTest, AReferralNeedsConsentAndEscalatesWhenUnansweredAfterNBusinessDays) {
  int64_t rides = AddResource({{"organization", "Eastside Rides"},
                               {"service", "Medical rides"},
                               {"domains", {"transportation"}},
                               {"postal_code", "43205"},
                               {"capacity", "open"}});
  Json b = Identify({{"domain", "transportation"}, {"severity", "high"}});
  int64_t barrier = b["id"];
  // A draft first; sending it needs the patient's agreement to share.
  Json f = Refer(barrier, {{"resource_id", rides}, {"note", "Cardiology visits, Tuesdays"}});
  EXPECT_EQ(f["status"], "draft");
  EXPECT_TRUE(f["link"].is_null());
  Json refused = Step(f, {{"status", "sent"}}, 409);
  EXPECT_EQ(refused["field"], "consent_method");
  EXPECT_NE(refused["error"].get<std::string>().find("Eastside Rides"), std::string::npos);
  EXPECT_EQ(Step(f, {{"status", "sent"}, {"consent_method", "nod"}}, 400)["field"],
            "consent_method");
  // Friday 09:00 (2026-11-27): three business days → Wednesday 09:00.
  f = Step(f, {{"status", "sent"}, {"consent_method", "verbal"}});
  EXPECT_EQ(f["status"], "sent");
  EXPECT_EQ(f["answer_due_at"], "2026-12-02T09:00:00.000Z");
  EXPECT_FALSE(f["consent_id"].is_null());
  EXPECT_EQ(f["link"]["url"].get<std::string>().rfind("https://ck.example.org/partner#token=", 0),
            0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM consents WHERE kind = 'information_sharing' AND "
                  "party_name = 'Eastside Rides'"),
            1);
  // The barrier is being worked on now.
  EXPECT_EQ(Barriers()[0]["status"], "in_progress");

  auto kinds = WorklistKinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "referral_unanswered"), 0);
  api_.clock().Set(*ParseTimestamp("2026-12-02T08:59:00Z"));
  api_.SignInAgain("cm.one");
  kinds = WorklistKinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "referral_unanswered"), 0);
  api_.clock().Set(*ParseTimestamp("2026-12-02T09:01:00Z"));
  api_.SignInAgain("cm.one");
  Json items = Ok(Call(Method::kGet, "/api/v1/worklist", "cm.one"))["items"];
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["kind"], "referral_unanswered");
  EXPECT_EQ(items[0]["referral_id"], f["id"]);
  EXPECT_EQ(items[0]["case_id"], case_);
  EXPECT_EQ(items[0]["title"], "No answer from Eastside Rides (Medical rides)");
  f = Ok(Call(Method::kGet, "/api/v1/resource-referrals/" + std::to_string(f["id"].get<int64_t>()),
              "cm.one"));
  EXPECT_TRUE(f["overdue"]);

  // The organisation phones back: the case manager records the answer, and the item goes.
  f = Step(f, {{"status", "accepted"}});
  EXPECT_FALSE(f["answered_at"].is_null());
  kinds = WorklistKinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "referral_unanswered"), 0);
  // Illegal moves are refused.
  EXPECT_EQ(Step(f, {{"status", "declined"}, {"reason", "x"}}, 409)["code"], "FailedPrecondition");
  EXPECT_EQ(Step(f, {{"status", "service_delivered"}}, 400)["field"], "service_date");
  // A second open referral to the same service is refused.
  EXPECT_EQ(Refer(barrier, {{"resource_id", rides}}, 409)["field"], "resource_id");
  // The barrier cannot be resolved while its referral is open.
  auto r = Call(Method::kPatch, "/api/v1/barriers/" + std::to_string(barrier), "cm.one",
                {{"version", Barriers()[0]["version"]},
                 {"status", "resolved"},
                 {"outcome", "rides arranged"}});
  EXPECT_EQ(r.status, 409) << r.body;
}

TEST_F(SocialTest, TheOrganisationAnswersThroughItsSecureLinkAndEveryUseIsAudited) {
  int64_t rides = AddResource({{"organization", "Eastside Rides"},
                               {"service", "Medical rides"},
                               {"domains", {"transportation"}},
                               {"capacity", "open"}});
  // An information-sharing consent already on file names the organisation.
  Ok(Call(Method::kPost, PatientPath("/consents"), "cm.one",
          {{"kind", "information_sharing"},
           {"party_name", "eastside rides"},
           {"scope", "rides"},
           {"method", "written"},
           {"granted_on", "2026-11-01"}}),
     201);
  int64_t barrier = Identify({{"domain", "transportation"}})["id"];
  Json f =
      Refer(barrier, {{"resource_id", rides}, {"send", true}, {"note", "Needs a wheelchair van"}});
  ASSERT_EQ(f["status"], "sent");
  std::string token = TokenOf(f);
  EXPECT_GE(token.size(), 40u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM resource_referrals WHERE link_token_hash = ?", {token}),
            0);  // only the hash is kept

  // What the organisation sees: the minimum necessary, no date of birth, no
  // diagnoses, no street address unless the case manager chose to share it.
  Json v = Ok(Partner("", {{"token", token}}));
  EXPECT_EQ(v["patient"]["name"], "Walter Okafor");
  EXPECT_EQ(v["patient"]["phone"], "614-555-0142");
  EXPECT_TRUE(v["patient"]["address"].is_null());
  EXPECT_EQ(v["patient"]["city_zip"], "Columbus, OH 43205");
  EXPECT_EQ(v["need"], "Transportation");
  EXPECT_EQ(v["need_domain"], "transportation");
  EXPECT_EQ(v["note"], "Needs a wheelchair van");
  EXPECT_EQ(v["allowed"], Json({"accepted", "declined"}));
  EXPECT_EQ(v["today"], "2026-11-27");  // the organisation's (04:00 in New York)
  // At 03:00 UTC on the 28th it is still the 27th in New York: the
  // organisation's today, not the UTC date, bounds the service date.
  api_.clock().Set(1795748400000 + 24 * kMillisPerHour);  // 2026-11-28T03:00:00Z
  api_.SignInAgain("cm.one");
  EXPECT_EQ(Ok(Partner("", {{"token", token}}))["today"], "2026-11-27");
  EXPECT_EQ(v.dump().find("1951"), std::string::npos);

  // Accept, then the outcome with a capacity update.
  auto early =
      Partner("/update",
              {{"token", token}, {"status", "service_delivered"}, {"service_date", "2026-12-01"}});
  EXPECT_EQ(early.status, 409);  // not accepted yet: the move is refused, not the link
  EXPECT_EQ(Json::parse(early.body)["field"], "status");
  v = Ok(Partner("/update", {{"token", token}, {"status", "accepted"}, {"responder", "Dee"}}));
  EXPECT_EQ(v["status"], "accepted");
  EXPECT_EQ(Partner("/update", {{"token", token}, {"status", "service_delivered"}}).status, 400);
  // A service date is a day from the sending to the organisation's today.
  for (const char* day : {"2026-11-28", "2026-11-26"}) {
    auto bad = Partner("/update",
                       {{"token", token}, {"status", "service_delivered"}, {"service_date", day}});
    EXPECT_EQ(bad.status, 400) << day;
    EXPECT_EQ(Json::parse(bad.body)["field"], "service_date") << bad.body;
  }
  v = Ok(Partner("/update", {{"token", token},
                             {"status", "service_delivered"},
                             {"service_date", "2026-11-27"},
                             {"outcome_note", "Rides booked for every Tuesday"},
                             {"capacity", "waitlist"},
                             {"capacity_note", "Two-week wait for new riders"}}));
  EXPECT_EQ(v["status"], "service_delivered");
  EXPECT_EQ(v["capacity"], "waitlist");
  Json resource = Ok(Call(Method::kGet, "/api/v1/resources/" + std::to_string(rides), "cm.one"));
  EXPECT_EQ(resource["capacity_note"], "Two-week wait for new riders");

  // The outcome is on the barrier's record; the case manager resolves it.
  Json b = Barriers()[0];
  std::vector<std::string> kinds;
  for (const auto& e : b["history"]) kinds.push_back(e["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"identified", "referral_created", "status",
                                             "referral_accepted", "referral_service_delivered"}));
  EXPECT_EQ(b["history"][4]["detail"]["service_date"], "2026-11-27");
  EXPECT_TRUE(b["history"][4]["by_partner"]);
  EXPECT_EQ(b["history"][3]["detail"]["responder"], "Dee");
  EXPECT_FALSE(b["history"][3]["detail"].contains("outcome_note"));  // the name is not an outcome
  f = Ok(Call(Method::kGet, "/api/v1/resource-referrals/" + std::to_string(f["id"].get<int64_t>()),
              "cm.one"));
  EXPECT_TRUE(f["history"][2]["by_partner"]);
  // Service delivered is an outcome: the barrier can be resolved, the referral closed.
  b = Ok(Call(Method::kPatch, "/api/v1/barriers/" + std::to_string(barrier), "cm.one",
              {{"version", b["version"]},
               {"status", "resolved"},
               {"outcome", "Weekly rides to cardiology arranged"}}));
  EXPECT_EQ(b["status"], "resolved");
  f = Step(f, {{"status", "closed"}, {"reason", "service delivered"}});
  EXPECT_FALSE(f["closed_at"].is_null());

  // A closed referral's link is revoked; unknown tokens are refused; all audited.
  EXPECT_EQ(Partner("", {{"token", token}}).status, 404);
  EXPECT_EQ(Partner("", {{"token", std::string(43, 'A')}}).status, 404);
  EXPECT_EQ(Partner("", {}).status, 400);
  // Opened twice, accepted, delivered.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE role = 'partner' AND outcome = 'success'"),
            4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'referral.partner%' AND "
                  "outcome = 'denied'"),
            3);
}

TEST_F(SocialTest, ALinkExpiresAndSendingAgainReplacesIt) {
  int64_t pantry = AddResource({{"organization", "Mid-Ohio Pantry"},
                                {"service", "Groceries"},
                                {"domains", {"food_insecurity"}}});
  int64_t barrier = Identify({{"domain", "food_insecurity"}})["id"];
  Json f = Refer(barrier, {{"resource_id", pantry},
                           {"send", true},
                           {"consent_method", "verbal"},
                           {"share_address", true}});
  std::string first = TokenOf(f);
  EXPECT_EQ(Ok(Partner("", {{"token", first}}))["patient"]["address"], "12 Oak Street");

  // Sending again issues a new link; the old one stops working.
  f = Step(f, {{"status", "sent"}});
  std::string second = TokenOf(f);
  EXPECT_NE(first, second);
  EXPECT_EQ(Partner("", {{"token", first}}).status, 404);
  Ok(Partner("", {{"token", second}}));

  // 30 days later the link has expired.
  api_.clock().Advance(30 * kMillisPerDay + kMillisPerMinute);
  auto r = Partner("/update", {{"token", second}, {"status", "declined"}, {"reason", "full"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(Json::parse(r.body)["error"].get<std::string>().find("expired"), std::string::npos);
  EXPECT_EQ(Json::parse(r.body)["field"], "token");
  // The case manager records the decline by hand instead.
  api_.SignInAgain("cm.one");
  f = Ok(Call(Method::kGet, "/api/v1/resource-referrals/" + std::to_string(f["id"].get<int64_t>()),
              "cm.one"));
  f = Step(f, {{"status", "declined"}, {"reason", "No capacity until January"}});
  EXPECT_EQ(f["decline_reason"], "No capacity until January");
  api_.SignInAgain("cm.other");
  EXPECT_EQ(Call(Method::kGet, PatientPath("/resource-referrals"), "cm.other").status, 403);
}

}  // namespace
}  // namespace ck::social
