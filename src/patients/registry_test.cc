// The patient registry through its HTTP routes: search, identifiers, merge,
// relationships and optimistic concurrency, with care-team access.
#include <gtest/gtest.h>

#include <thread>

#include "auth/accounts.h"
#include "http/json.h"
#include "http/router.h"
#include "patients/routes.h"
#include "patients/store.h"
#include "testing/api_harness.h"

namespace ck::patients {
namespace {

using http::Json;
using http::Method;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ =
        std::make_unique<Service>(api_.db(), api_.clock(), api_.authorizer(), Service::Options{});
    RegisterRoutes(api_.router(), *service_);
    consents_ = std::make_unique<Consents>(api_.db(), api_.clock());
    RegisterConsentRoutes(api_.router(), *consents_);
    int64_t team = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team);
    api_.AddUser("cm.two", auth::Role::kCaseManager, team);
    api_.AddUser("sup", auth::Role::kSupervisor, team);
  }

  http::Response Call(Method m, const std::string& path, const std::string& who,
                      const Json& body = nullptr,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    return api_.Call(m, path, who, body, std::move(headers));
  }

  int64_t Create(const std::string& who, Json body) {
    http::Response r = Call(Method::kPost, "/api/v1/patients", who, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json::parse(r.body)["id"].get<int64_t>() : 0;
  }

  std::vector<int64_t> Ids(const http::Response& r) {
    std::vector<int64_t> out;
    Json body = Json::parse(r.body);  // named: a range-for over a temporary's member dangles
    for (const auto& p : body["items"]) out.push_back(p["id"]);
    return out;
  }

  testing::ApiHarness api_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Consents> consents_;
};

Json Person(const std::string& given, const std::string& family,
            const std::string& birth = "1950-02-03") {
  return {{"given_name", given},
          {"family_name", family},
          {"birth_date", birth},
          {"administrative_sex", "female"}};
}

TEST_F(RegistryTest, FullRecordRoundTrips) {
  Json body = Person("María José", "García-López");
  body["middle_name"] = "Inés";
  body["preferred_name"] = "Majo";
  body["gender_identity"] = "female";
  body["preferred_language"] = "es";
  body["interpreter_needed"] = true;
  body["races"] = {"white", "other"};
  body["ethnicity"] = "hispanic_or_latino";
  body["address"] = {
      {"line1", "12 Elm St"}, {"city", "Columbus"}, {"state", "OH"}, {"postal_code", "43210"}};
  body["email"] = "majo@example.org";
  body["preferred_contact_method"] = "sms";
  body["preferred_contact_times"] = "weekdays after 4pm";
  body["phones"] = {{{"number", "(614) 555-0142"}, {"use", "mobile"}, {"preferred", true}}};
  body["identifiers"] = {{{"system", "urn:mrn:riverside"}, {"value", "R-1001"}, {"kind", "MR"}},
                         {{"system", "urn:member:acme"}, {"value", "ACM123456"}, {"kind", "MB"}}};
  int64_t id = Create("cm.one", body);
  http::Response r = Call(Method::kGet, "/api/v1/patients/" + std::to_string(id), "cm.one");
  ASSERT_EQ(r.status, 200);
  Json p = Json::parse(r.body);
  EXPECT_EQ(p["phones"][0]["number"], "+16145550142");
  EXPECT_EQ(p["identifiers"].size(), 2u);
  EXPECT_EQ(p["races"], Json({"other", "white"}));
  EXPECT_EQ(p["address"]["state"], "OH");
  EXPECT_EQ(p["interpreter_needed"], true);
  EXPECT_EQ(p["version"], 1);
  EXPECT_EQ(r.headers.back(), (std::pair<std::string, std::string>{"ETag", "\"1\""}));
  // What creating answered is what reading answers (the insert does not read it back).
  http::Response created = Call(Method::kPost, "/api/v1/patients", "cm.one", [&] {
    Json b = body;
    b["identifiers"][0]["value"] = "R-1002";
    b["identifiers"][1]["value"] = "ACM123457";
    b["races"] = {"white", "other", "white"};
    return b;
  }());
  ASSERT_EQ(created.status, 201) << created.body;
  Json made = Json::parse(created.body);
  http::Response read =
      Call(Method::kGet, "/api/v1/patients/" + std::to_string(made["id"].get<int64_t>()), "cm.one");
  EXPECT_EQ(made, Json::parse(read.body));
}

TEST_F(RegistryTest, IdentifiersAreUniquePerIssuer) {
  Json a = Person("Ana", "Lima");
  a["identifiers"] = {{{"system", "urn:mrn:riverside"}, {"value", "R-1"}}};
  int64_t id = Create("cm.one", a);
  Json b = Person("Bea", "Lima");
  b["identifiers"] = {{{"system", "urn:mrn:riverside"}, {"value", "R-1"}}};
  http::Response dup = Call(Method::kPost, "/api/v1/patients", "cm.one", b);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(Json::parse(dup.body)["field"], "identifiers");
  // Nothing of the refused patient was stored.
  EXPECT_EQ(Ids(Call(Method::kGet, "/api/v1/patients?name=bea", "cm.one")).size(), 0u);
  // The same value from another issuer is another identifier.
  b["identifiers"] = {{{"system", "urn:mrn:mercy"}, {"value", "R-1"}}};
  int64_t other = Create("cm.one", b);
  EXPECT_EQ(Call(Method::kPost, "/api/v1/patients/" + std::to_string(other) + "/identifiers",
                 "cm.one", {{"system", "urn:mrn:riverside"}, {"value", "R-1"}})
                .status,
            409);
  http::Response added =
      Call(Method::kPost, "/api/v1/patients/" + std::to_string(id) + "/identifiers", "cm.one",
           {{"system", "urn:member:acme"}, {"value", "M-9"}, {"kind", "MB"}});
  ASSERT_EQ(added.status, 201);
  int64_t ident = Json::parse(added.body)["id"];
  EXPECT_EQ(
      Call(Method::kDelete,
           "/api/v1/patients/" + std::to_string(other) + "/identifiers/" + std::to_string(ident),
           "cm.one")
          .status,
      404)
      << "an identifier is removed only through its own patient";
  EXPECT_EQ(Call(Method::kDelete,
                 "/api/v1/patients/" + std::to_string(id) + "/identifiers/" + std::to_string(ident),
                 "cm.one")
                .status,
            200);
}

TEST_F(RegistryTest, SearchIsAccentAndCaseInsensitivePrefix) {
  int64_t garcia = Create("cm.one", Person("José", "García", "1961-04-05"));
  int64_t garner = Create("cm.one", Person("Maria", "Garner", "1970-01-01"));
  int64_t obrien = Create("cm.one", Person("Seán", "O'Brien", "1980-07-08"));
  Json phoned = Person("Tom", "Phone");
  phoned["phones"] = {{{"number", "614-555-0199"}}};
  phoned["identifiers"] = {{{"system", "urn:member:acme"}, {"value", "ACM-77"}, {"kind", "MB"}}};
  int64_t tom = Create("cm.one", phoned);
  struct Case {
    std::string query;
    std::vector<int64_t> want;
  } cases[] = {
      {"name=GAR", {garcia, garner}},
      {"name=garc%C3%ADa", {garcia}},
      {"name=garcia%2C%20jo", {garcia}},
      {"name=jos%C3%A9%20gar", {garcia}},
      {"name=maria", {garner}},
      {"name=obri", {obrien}},
      {"name=o%27brien", {obrien}},
      {"name=zzz", {}},
      {"birth_date=1961-04-05", {garcia}},
      {"name=gar&birth_date=1970-01-01", {garner}},
      {"identifier=ACM-77", {tom}},
      {"identifier=ACM-77&system=urn:member:acme", {tom}},
      {"identifier=ACM-77&system=urn:mrn:other", {}},
      {"phone=(614)%20555%200199", {tom}},
  };
  for (const Case& c : cases) {
    http::Response r = Call(Method::kGet, "/api/v1/patients?" + c.query, "cm.one");
    ASSERT_EQ(r.status, 200) << c.query << r.body;
    EXPECT_EQ(Ids(r), c.want) << c.query;
  }
  // Paging walks the results in id order.
  http::Response page = Call(Method::kGet, "/api/v1/patients?name=gar&limit=1", "cm.one");
  EXPECT_EQ(Ids(page), std::vector<int64_t>{garcia});
  int64_t next = Json::parse(page.body)["next_after"];
  EXPECT_EQ(Ids(Call(Method::kGet,
                     "/api/v1/patients?name=gar&limit=1&after=" + std::to_string(next), "cm.one")),
            std::vector<int64_t>{garner});
  // Bad search input names the parameter.
  for (auto [query, field] :
       {std::pair{"name=%20%21", "name"}, std::pair{"birth_date=1961-13-01", "birth_date"},
        std::pair{"phone=abc", "phone"}, std::pair{"system=urn:x", "system"}}) {
    http::Response r = Call(Method::kGet, std::string("/api/v1/patients?") + query, "cm.one");
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(Json::parse(r.body)["field"], field) << query;
  }
}

TEST_F(RegistryTest, SearchFindsOnlyPatientsTheCallerMaySee) {
  Create("cm.one", Person("Ana", "Visible"));
  EXPECT_EQ(Ids(Call(Method::kGet, "/api/v1/patients?name=visible", "cm.two")).size(), 0u);
  EXPECT_EQ(Ids(Call(Method::kGet, "/api/v1/patients?name=visible", "sup")).size(), 1u)
      << "same team";
}

TEST_F(RegistryTest, StaleUpdatesAreRefusedAndLoseNothing) {
  int64_t id = Create("cm.one", Person("Ana", "Lima"));
  std::string path = "/api/v1/patients/" + std::to_string(id);
  http::Response first =
      Call(Method::kPatch, path, "cm.one", {{"version", 1}, {"email", "ana@example.org"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Json::parse(first.body)["version"], 2);
  // A second editor who read version 1 is refused, by body or by If-Match.
  http::Response stale =
      Call(Method::kPatch, path, "cm.one", {{"version", 1}, {"preferred_name", "Annie"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Json::parse(stale.body)["field"], "version");
  http::Response stale_etag =
      Call(Method::kPatch, path, "cm.one", {{"preferred_name", "Annie"}}, {{"if-match", "\"1\""}});
  EXPECT_EQ(stale_etag.status, 409);
  Json now = Json::parse(Call(Method::kGet, path, "cm.one").body);
  EXPECT_EQ(now["email"], "ana@example.org");
  EXPECT_TRUE(now["preferred_name"].is_null());
  // With the current version the change goes through; null clears a field.
  http::Response ok =
      Call(Method::kPatch, path, "cm.one", {{"preferred_name", "Annie"}, {"email", nullptr}},
           {{"if-match", "W/\"2\""}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  Json after = Json::parse(ok.body);
  EXPECT_EQ(after["preferred_name"], "Annie");
  EXPECT_TRUE(after["email"].is_null());
  EXPECT_EQ(Call(Method::kPatch, path, "cm.one", {{"email", "x@example.org"}}).status, 400)
      << "no version";
  EXPECT_EQ(
      Call(Method::kPatch, path, "cm.one", {{"version", 3}, {"identifiers", Json::array()}}).status,
      400);
  EXPECT_EQ(
      Call(Method::kPatch, path, "cm.two", {{"version", 3}, {"email", "x@example.org"}}).status,
      403);
}

TEST_F(RegistryTest, MergeMovesEverythingToTheSurvivor) {
  Json a = Person("Ana", "Lima");
  a["identifiers"] = {{{"system", "urn:mrn:riverside"}, {"value", "R-1"}}};
  a["races"] = {"white"};
  int64_t survivor = Create("cm.one", a);
  Json b = Person("Ana", "Lima");
  b["identifiers"] = {{{"system", "urn:mrn:mercy"}, {"value", "M-1"}}};
  b["phones"] = {{{"number", "6145550111"}}};
  b["races"] = {"white", "asian"};
  int64_t duplicate = Create("cm.one", b);
  ASSERT_EQ(Call(Method::kPost, "/api/v1/patients/" + std::to_string(duplicate) + "/relationships",
                 "cm.one", {{"name", "Rui Lima"}, {"relationship", "spouse"}})
                .status,
            201);
  std::string merge = "/api/v1/patients/" + std::to_string(survivor) + "/merge";
  EXPECT_EQ(Call(Method::kPost, merge, "cm.one", {{"merged_patient_id", duplicate}}).status, 403)
      << "case managers do not merge";
  EXPECT_EQ(Call(Method::kPost, merge, "sup", {{"merged_patient_id", survivor}}).status, 400);
  http::Response r = Call(Method::kPost, merge, "sup", {{"merged_patient_id", duplicate}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json s = Json::parse(r.body);
  EXPECT_EQ(s["identifiers"].size(), 2u);
  EXPECT_EQ(s["phones"].size(), 1u);
  EXPECT_EQ(s["races"], Json({"asian", "white"}));
  Json rel =
      Json::parse(Call(Method::kGet,
                       "/api/v1/patients/" + std::to_string(survivor) + "/relationships", "cm.one")
                      .body);
  EXPECT_EQ(rel["items"].size(), 1u);
  Json gone =
      Json::parse(Call(Method::kGet, "/api/v1/patients/" + std::to_string(duplicate), "sup").body);
  EXPECT_EQ(gone["merged_into_id"], survivor);
  EXPECT_EQ(Ids(Call(Method::kGet, "/api/v1/patients?name=lima", "cm.one")),
            std::vector<int64_t>{survivor});
  EXPECT_EQ(Ids(Call(Method::kGet, "/api/v1/patients?identifier=M-1", "cm.one")),
            std::vector<int64_t>{survivor});
  EXPECT_EQ(Call(Method::kPost, merge, "sup", {{"merged_patient_id", duplicate}}).status, 409)
      << "twice";
  EXPECT_EQ(Call(Method::kPatch, "/api/v1/patients/" + std::to_string(duplicate), "sup",
                 {{"version", gone["version"]}, {"email", "a@example.org"}})
                .status,
            409)
      << "a merged record is not edited";
}

TEST_F(RegistryTest, RelationshipsLifecycle) {
  int64_t id = Create("cm.one", Person("Ana", "Lima"));
  std::string base = "/api/v1/patients/" + std::to_string(id) + "/relationships";
  http::Response bad =
      Call(Method::kPost, base, "cm.one", {{"name", "Rui"}, {"relationship", "uncle"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json::parse(bad.body)["field"], "relationship");
  http::Response made =
      Call(Method::kPost, base, "cm.one",
           {{"name", "Rui Lima"}, {"relationship", "guardian"}, {"phone", "614 555 0123"}});
  ASSERT_EQ(made.status, 201) << made.body;
  Json rel = Json::parse(made.body);
  EXPECT_EQ(rel["phone"], "+16145550123");
  EXPECT_EQ(rel["may_receive_information"], false);
  int64_t rel_id = rel["id"];
  std::string one = base + "/" + std::to_string(rel_id);
  // Sharing with them needs the patient's consent first.
  http::Response refused =
      Call(Method::kPatch, one, "cm.one", {{"may_receive_information", true}, {"version", 1}});
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(Json::parse(refused.body)["field"], "may_receive_information");
  EXPECT_EQ(Call(Method::kPost, base, "cm.one",
                 {{"name", "X"}, {"relationship", "friend"}, {"may_receive_information", true}})
                .status,
            409);
  std::string consents = "/api/v1/patients/" + std::to_string(id) + "/consents";
  http::Response consent = Call(Method::kPost, consents, "cm.one",
                                {{"kind", "information_sharing"},
                                 {"relationship_id", rel_id},
                                 {"method", "verbal"},
                                 {"granted_on", "2026-11-27"},
                                 {"scope", "care plan"}});
  ASSERT_EQ(consent.status, 201) << consent.body;
  EXPECT_TRUE(Json::parse(consent.body)["active"].get<bool>());
  EXPECT_EQ(Call(Method::kPatch, one, "cm.one", {{"may_receive_information", true}}).status, 400)
      << "no version";
  http::Response changed =
      Call(Method::kPatch, one, "cm.one", {{"may_receive_information", true}, {"version", 1}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Json::parse(changed.body)["may_receive_information"], true);
  EXPECT_EQ(Json::parse(changed.body)["name"], "Rui Lima");
  EXPECT_EQ(Json::parse(changed.body)["version"], 2);
  EXPECT_EQ(
      Call(Method::kPatch, one, "cm.one", {{"emergency_contact", true}, {"version", 1}}).status,
      409)
      << "stale";
  // Revoking the consent stops the sharing at once.
  int64_t consent_id = Json::parse(consent.body)["id"];
  http::Response revoked =
      Call(Method::kPost, consents + "/" + std::to_string(consent_id) + "/revoke", "cm.one",
           {{"reason", "patient asked"}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(Json::parse(revoked.body)["active"].get<bool>());
  Json after = Json::parse(Call(Method::kGet, base, "cm.one").body);
  EXPECT_EQ(after["items"][0]["may_receive_information"], false);
  EXPECT_EQ(Call(Method::kPost, consents + "/" + std::to_string(consent_id) + "/revoke", "cm.one",
                 {{"reason", "again"}})
                .status,
            409);
  // Consent input is checked.
  for (auto [body, field] :
       {std::pair{Json{{"kind", "information_sharing"}, {"granted_on", "2026-11-27"}},
                  "relationship_id"},
        std::pair{Json{{"kind", "gossip"}, {"granted_on", "2026-11-27"}}, "kind"},
        std::pair{Json{{"kind", "case_management"}, {"granted_on", "2027-01-01"}}, "granted_on"},
        std::pair{Json{{"kind", "case_management"},
                       {"granted_on", "2026-11-01"},
                       {"expires_on", "2026-10-01"}},
                  "expires_on"}}) {
    http::Response r = Call(Method::kPost, consents, "cm.one", body);
    EXPECT_EQ(r.status, 400) << body.dump();
    EXPECT_EQ(Json::parse(r.body)["field"], field) << body.dump();
  }
  EXPECT_EQ(Call(Method::kGet, base, "cm.two").status, 403);
  http::Response kept = Call(Method::kDelete, one, "cm.one");
  EXPECT_EQ(kept.status, 409) << "consent records name them, and stay";
  Json other = Json::parse(
      Call(Method::kPost, base, "cm.one", {{"name", "Neighbour"}, {"relationship", "friend"}})
          .body);
  std::string two = base + "/" + std::to_string(other["id"].get<int64_t>());
  EXPECT_EQ(Call(Method::kDelete, two, "cm.one").status, 200);
  EXPECT_EQ(Call(Method::kDelete, two, "cm.one").status, 404);
}

TEST_F(RegistryTest, ConcurrentEditorsOfOneVersionGetOneWinner) {
  int64_t id = Create("cm.one", Person("Ana", "Lima"));
  std::string path = "/api/v1/patients/" + std::to_string(id);
  constexpr int kEditors = 8;
  std::vector<int> statuses(kEditors);
  std::vector<std::thread> editors;
  for (int e = 0; e < kEditors; ++e) {
    editors.emplace_back([&, e] {
      statuses[e] = Call(Method::kPatch, path, "cm.one",
                         {{"version", 1}, {"preferred_name", "Editor " + std::to_string(e)}})
                        .status;
    });
  }
  for (auto& t : editors) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kEditors - 1);
  Json now = Json::parse(Call(Method::kGet, path, "cm.one").body);
  EXPECT_EQ(now["version"], 2);
  EXPECT_TRUE(now["preferred_name"].get<std::string>().starts_with("Editor "));
}

// Every table that holds a patient's rows follows a merge: a new table with a
// patient_id column must join TablesMovedByMerge() or be one of the exceptions.
TEST_F(RegistryTest, MergeCoversEveryTableWithAPatientColumn) {
  std::vector<std::string> tables;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    const char* sql =
                        c.backend() == db::Backend::kSqlite
                            ? "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
                              "WHERE m.type = 'table' AND p.name = 'patient_id' ORDER BY 1"
                            : "SELECT table_name FROM information_schema.columns WHERE "
                              "column_name = 'patient_id' AND table_schema = current_schema() "
                              "ORDER BY 1";
                    return c.ForEachRow(sql, {}, [&](const db::Row& r) {
                      tables.push_back(r.Text(0));
                      return Status::Ok();
                    });
                  })
                  .ok());
  ASSERT_GT(tables.size(), 30u);
  const auto& moved = TablesMovedByMerge();
  for (const std::string& t : tables) {
    bool excepted =
        t == "audit_log" || t == "care_team_members" || t == "patient_races" || t == "patient_risk";
    EXPECT_TRUE(excepted || std::find(moved.begin(), moved.end(), t) != moved.end())
        << t << " has a patient_id column but a merge leaves its rows behind";
  }
}

}  // namespace
}  // namespace ck::patients
