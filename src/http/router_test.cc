// Authorization: every role against every kind of protected route, patient
// access through care teams, team supervision and break-the-glass.
#include "http/router.h"

#include <gtest/gtest.h>

#include "audit/trail.h"
#include "auth/accounts.h"
#include "http/json.h"
#include "patients/routes.h"
#include "patients/store.h"
#include "testing/api_harness.h"

namespace ck::http {
namespace {

using auth::Permission;
using auth::Role;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    patients_ = std::make_unique<patients::Service>(api_.db(), api_.clock(), api_.authorizer(),
                                                    patients::Service::Options{});
    int64_t team_a = api_.AddTeam("A"), team_b = api_.AddTeam("B");
    api_.AddUser("cm.one", Role::kCaseManager, team_a);
    api_.AddUser("cm.two", Role::kCaseManager, team_a);
    api_.AddUser("cm.other", Role::kCaseManager, team_b);
    api_.AddUser("sup.a", Role::kSupervisor, team_a);
    api_.AddUser("sup.b", Role::kSupervisor, team_b);
    api_.AddUser("auditor", Role::kAuditor);
    api_.AddUser("admin", Role::kAdmin);
    api_.AddUser("ehr", Role::kIntegration);

    // Patient 1 is cm.one's; patient 2 has nobody yet.
    ASSERT_TRUE(
        api_.db()
            .Write([&](db::Connection& c) -> Status {
              CK_ASSIGN_OR_RETURN(
                  auto p1, patients::InsertPatient(c, {"Ana", "Lima", "1950-01-02", "female"}, 0));
              CK_ASSIGN_OR_RETURN(
                  auto p2, patients::InsertPatient(c, {"Bo", "Park", "1960-03-04", "male"}, 0));
              (void)p2;
              return patients::InsertCareTeamMember(c, p1.id, api_.id("cm.one"),
                                                    "primary_case_manager", 0)
                  .status();
            })
            .ok());

    // One probe route per permission.
    for (Permission p :
         {Permission::kReadAudit, Permission::kManageUsers, Permission::kListPatients,
          Permission::kWritePatient, Permission::kViewOwnAccount, Permission::kManageCareTeam,
          Permission::kBreakGlass, Permission::kCalculateScores, Permission::kRunStratification,
          Permission::kImportData, Permission::kManageLibrary, Permission::kReadReports,
          Permission::kWorkWorklist}) {
      api_.router().Add(Method::kGet, "/probe/" + std::string(auth::PermissionName(p)),
                        {.permission = p}, [](Request&) -> Result<Response> {
                          return JsonResponse(200, {{"ok", true}});
                        });
    }
    api_.router().Add(Method::kGet, "/probe/patient/{patient_id}",
                      {.permission = Permission::kReadPatient, .patient_param = "patient_id"},
                      [](Request& req) -> Result<Response> {
                        return JsonResponse(200, {{"access", req.access}});
                      });
    patients::RegisterRoutes(api_.router(), *patients_);
  }

  Response Call(Method m, const std::string& path, const std::string& who, std::string body = {}) {
    Request req;
    req.method = m;
    size_t q = path.find('?');
    req.path = path.substr(0, q);
    if (q != std::string::npos) req.query_string = path.substr(q + 1);
    req.body = std::move(body);
    return api_.Send(std::move(req), who);
  }

  int Denials() {
    int n = 0;
    EXPECT_TRUE(api_.db()
                    .Read([&](db::Connection& c) -> Status {
                      CK_ASSIGN_OR_RETURN(
                          auto rows,
                          c.Query("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied'"));
                      n = static_cast<int>(rows.at(0).Int(0));
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  testing::ApiHarness api_;
  std::unique_ptr<patients::Service> patients_;
};

TEST_F(RouterTest, EveryRoleAgainstEveryPermission) {
  // Expected status per (role's user, permission route).
  std::map<std::string, std::map<std::string, int>> want = {
      {"cm.one",
       {{"audit.read", 403},
        {"users.manage", 403},
        {"patient.list", 200},
        {"patient.write", 200},
        {"account.view", 200},
        {"care_team.manage", 403},
        {"patient.break_glass", 200},
        {"scores.calculate", 200},
        {"risk.stratify", 403},
        {"data.import", 403},
        {"library.manage", 403},
        {"reports.read", 403},
        {"worklist.work", 200}}},
      {"sup.a",
       {{"audit.read", 403},
        {"users.manage", 403},
        {"patient.list", 200},
        {"patient.write", 200},
        {"account.view", 200},
        {"care_team.manage", 200},
        {"patient.break_glass", 200},
        {"scores.calculate", 200},
        {"risk.stratify", 200},
        {"data.import", 403},
        {"library.manage", 200},
        {"reports.read", 200},
        {"worklist.work", 200}}},
      {"auditor",
       {{"audit.read", 200},
        {"users.manage", 403},
        {"patient.list", 200},
        {"patient.write", 403},
        {"account.view", 200},
        {"care_team.manage", 403},
        {"patient.break_glass", 403},
        {"scores.calculate", 403},
        {"risk.stratify", 403},
        {"data.import", 403},
        {"library.manage", 403},
        {"reports.read", 200},
        {"worklist.work", 403}}},
      {"admin",
       {{"audit.read", 403},
        {"users.manage", 200},
        {"patient.list", 403},
        {"patient.write", 403},
        {"account.view", 200},
        {"care_team.manage", 403},
        {"patient.break_glass", 403},
        {"scores.calculate", 403},
        {"risk.stratify", 200},
        {"data.import", 403},
        {"library.manage", 200},
        {"reports.read", 403},
        {"worklist.work", 403}}},
      {"ehr",
       {{"audit.read", 403},
        {"users.manage", 403},
        {"patient.list", 200},
        {"patient.write", 200},
        {"account.view", 403},
        {"care_team.manage", 403},
        {"patient.break_glass", 403},
        {"scores.calculate", 200},
        {"risk.stratify", 403},
        {"data.import", 200},
        {"library.manage", 403},
        {"reports.read", 403},
        {"worklist.work", 403}}},
  };
  for (const auto& [user, routes] : want) {
    for (const auto& [perm, status] : routes) {
      EXPECT_EQ(Call(Method::kGet, "/probe/" + perm, user).status, status) << user << " " << perm;
      EXPECT_EQ(Call(Method::kGet, "/probe/" + perm, "").status, 401) << perm;
    }
  }
}

TEST_F(RouterTest, DenialsAreAudited) {
  int before = Denials();
  EXPECT_EQ(Call(Method::kGet, "/probe/audit.read", "cm.one").status, 403);
  EXPECT_EQ(Denials(), before + 1);
}

TEST_F(RouterTest, PatientAccessFollowsTheCareTeam) {
  struct Case {
    const char* user;
    int patient;
    int status;
    const char* access;
  } cases[] = {
      {"cm.one", 1, 200, "care_team"}, {"cm.two", 1, 403, ""},
      {"cm.other", 1, 403, ""},        {"sup.a", 1, 200, "team"},
      {"sup.b", 1, 403, ""},           {"auditor", 1, 200, "organisation"},
      {"ehr", 1, 200, "organisation"}, {"admin", 1, 403, ""},
      {"cm.one", 2, 403, ""},          {"cm.one", 99, 403, ""},
      {"auditor", 99, 404, ""},        {"admin", 99, 403, ""},
  };
  for (const Case& c : cases) {
    Response r = Call(Method::kGet, "/probe/patient/" + std::to_string(c.patient), c.user);
    EXPECT_EQ(r.status, c.status) << c.user << " patient " << c.patient << ": " << r.body;
    if (c.status == 200) {
      EXPECT_EQ(Json::parse(r.body)["access"], c.access) << c.user;
    }
  }
  EXPECT_EQ(Call(Method::kGet, "/probe/patient/abc", "cm.one").status, 400);
  EXPECT_EQ(Call(Method::kGet, "/probe/patient/-1", "cm.one").status, 400);
}

TEST_F(RouterTest, SupervisorsReadPatientsWhoseReferralAwaitsTriage) {
  // Patient 2 has nobody; a referral nobody owns lets supervisors (any team's:
  // the team worklist lists it) read the record, but not case managers.
  EXPECT_EQ(Call(Method::kGet, "/probe/patient/2", "sup.a").status, 403);
  int64_t referral = 0;
  ASSERT_TRUE(api_.db()
                  .Write([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(
                        auto rows,
                        c.Query("INSERT INTO cases (patient_id, program_id, status, "
                                "referral_source, referral_reason, urgency, referred_at, "
                                "triage_due_at, created_at, updated_at) VALUES (2, 1, 'referred', "
                                "'physician', 'x', 'routine', 0, 0, 0, 0) RETURNING id"));
                    referral = rows.at(0).Int(0);
                    return Status::Ok();
                  })
                  .ok());
  Response r = Call(Method::kGet, "/probe/patient/2", "sup.b");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["access"], "triage");
  EXPECT_EQ(Call(Method::kGet, "/probe/patient/2", "cm.two").status, 403);
  // Once assigned, the referral is the new case manager's, not every supervisor's.
  ASSERT_TRUE(api_.db()
                  .Write([&](db::Connection& c) {
                    return c
                        .Exec("UPDATE cases SET assigned_user_id = ? WHERE id = ?",
                              {api_.id("cm.other"), referral})
                        .status();
                  })
                  .ok());
  EXPECT_EQ(Call(Method::kGet, "/probe/patient/2", "sup.a").status, 403);
}

TEST_F(RouterTest, BreakTheGlassGivesTimeLimitedFlaggedAccess) {
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients/1", "cm.two").status, 403);
  Response no_reason =
      Call(Method::kPost, "/api/v1/patients/1/break-glass", "cm.two", R"({"reason":"x"})");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(Json::parse(no_reason.body)["field"], "reason");
  Response granted = Call(Method::kPost, "/api/v1/patients/1/break-glass", "cm.two",
                          R"({"reason":"covering for cm.one during ED visit","minutes":30})");
  ASSERT_EQ(granted.status, 201) << granted.body;
  Response read = Call(Method::kGet, "/api/v1/patients/1", "cm.two");
  EXPECT_EQ(read.status, 200);
  // The read is flagged in the audit trail.
  bool flagged = false;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto rows,
                                        c.Query("SELECT detail FROM audit_log WHERE action = "
                                                "'patient.read' AND user_id = ?",
                                                {api_.id("cm.two")}));
                    flagged = !rows.empty() && rows.at(0).Text(0).find("access=break_glass") == 0;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(flagged);
  // Listing reports the break-the-glass basis per patient too.
  ASSERT_EQ(Call(Method::kGet, "/api/v1/patients", "cm.two").status, 200);
  bool listed_flagged = false;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto rows,
                                        c.Query("SELECT detail FROM audit_log WHERE action = "
                                                "'patient.list' AND user_id = ? AND patient_id = 1",
                                                {api_.id("cm.two")}));
                    listed_flagged =
                        !rows.empty() && rows.at(0).Text(0).starts_with("access=break_glass");
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(listed_flagged);
  api_.clock().Advance(31 * kMillisPerMinute);
  // Sessions idle out after 15 minutes; sign in again to test the grant's expiry alone.
  api_.SignInAgain("cm.two");
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients/1", "cm.two").status, 403) << "the grant expired";
}

TEST_F(RouterTest, AdminsCannotBreakTheGlass) {
  EXPECT_EQ(Call(Method::kPost, "/api/v1/patients/1/break-glass", "admin",
                 R"({"reason":"curious about this patient"})")
                .status,
            403);
}

TEST_F(RouterTest, CaseManagersSeeOnlyTheirCaseloadInLists) {
  Response r = Call(Method::kGet, "/api/v1/patients", "cm.one");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["items"].size(), 1u);
  Response other = Call(Method::kGet, "/api/v1/patients", "cm.other");
  EXPECT_EQ(Json::parse(other.body)["items"].size(), 0u);
  Response all = Call(Method::kGet, "/api/v1/patients", "auditor");
  EXPECT_EQ(Json::parse(all.body)["items"].size(), 2u);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients?limit=0", "auditor").status, 400);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients?limit=x", "auditor").status, 400);
}

TEST_F(RouterTest, SupervisorsAssignOnlyTheirOwnTeam) {
  EXPECT_EQ(Call(Method::kPost, "/api/v1/patients/2/care-team", "sup.a",
                 R"({"user_id":)" + std::to_string(api_.id("cm.two")) + "}")
                .status,
            201);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients/2", "cm.two").status, 200);
  EXPECT_EQ(Call(Method::kPost, "/api/v1/patients/2/care-team", "sup.a",
                 R"({"user_id":)" + std::to_string(api_.id("cm.other")) + "}")
                .status,
            403);
  EXPECT_EQ(Call(Method::kPost, "/api/v1/patients/2/care-team", "sup.a",
                 R"({"user_id":)" + std::to_string(api_.id("cm.two")) + "}")
                .status,
            409);
}

TEST_F(RouterTest, SupervisorsCannotTakeAnotherTeamsPatient) {
  // Patient 1 is on team A's caseload: team B's supervisor may not join or assign.
  for (const char* who : {"sup.b", "cm.other"}) {
    EXPECT_EQ(Call(Method::kPost, "/api/v1/patients/1/care-team", "sup.b",
                   R"({"user_id":)" + std::to_string(api_.id(who)) + "}")
                  .status,
              403)
        << who;
  }
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients/1", "sup.b").status, 403);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/patients/1", "cm.other").status, 403);
  // Team A's supervisor may add a team member to it.
  EXPECT_EQ(Call(Method::kPost, "/api/v1/patients/1/care-team", "sup.a",
                 R"({"user_id":)" + std::to_string(api_.id("cm.two")) + "}")
                .status,
            201);
}

TEST_F(RouterTest, ListingPatientsAuditsEachPatientDisclosed) {
  ASSERT_EQ(Call(Method::kGet, "/api/v1/patients", "auditor").status, 200);
  int records = 0;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto rows,
                                        c.Query("SELECT COUNT(DISTINCT patient_id) FROM audit_log "
                                                "WHERE action = 'patient.list'"));
                    records = static_cast<int>(rows.at(0).Int(0));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(records, 2);
}

TEST_F(RouterTest, CreatingAPatientValidatesEveryField) {
  struct Case {
    const char* body;
    int status;
    const char* field;
  } cases[] = {
      {R"({"given_name":"A","family_name":"B","birth_date":"1990-01-01","administrative_sex":"female"})",
       201, ""},
      {R"({"family_name":"B","birth_date":"1990-01-01","administrative_sex":"female"})", 400,
       "given_name"},
      {R"({"given_name":"A","family_name":"B","birth_date":"1990-13-01","administrative_sex":"female"})",
       400, "birth_date"},
      {R"({"given_name":"A","family_name":"B","birth_date":"2990-01-01","administrative_sex":"female"})",
       400, "birth_date"},
      {R"({"given_name":"A","family_name":"B","birth_date":"1990-01-01","administrative_sex":"f"})",
       400, "administrative_sex"},
      {R"({"given_name":"A","family_name":"B","birth_date":"1990-01-01","administrative_sex":"female","ssn":"1"})",
       400, "ssn"},
      {R"({"given_name":"   ","family_name":"B","birth_date":"1990-01-01","administrative_sex":"female"})",
       400, "given_name"},
      {R"({"given_name":["A"],"family_name":"B","birth_date":"1990-01-01","administrative_sex":"female"})",
       400, "given_name"},
      {R"([1,2,3])", 400, "body"},
      {R"({"given_name":)", 400, "body"},
      {"", 400, "body"},
      {"{\"given_name\":\"\xff\xfe\"}", 400, "body"},
  };
  for (const Case& c : cases) {
    Response r = Call(Method::kPost, "/api/v1/patients", "cm.one", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " → " << r.body;
    if (c.status == 400) {
      EXPECT_EQ(Json::parse(r.body)["field"], c.field) << c.body;
    }
  }
}

TEST_F(RouterTest, DeeplyNestedJsonIsRejectedNotRecursedInto) {
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  Response r = Call(Method::kPost, "/api/v1/patients", "cm.one", deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["field"], "body");
}

TEST_F(RouterTest, UnknownPathsAndMethods) {
  EXPECT_EQ(Call(Method::kGet, "/api/v1/nothing-here", "cm.one").status, 404);
  EXPECT_EQ(Call(Method::kDelete, "/api/v1/patients", "cm.one").status, 405);
}

TEST_F(RouterTest, CookieAuthenticationWorks) {
  Request req;
  req.method = Method::kGet;
  req.path = "/probe/account.view";
  req.headers.emplace_back("cookie", "theme=dark; ck_session=" + api_.token("cm.one") + "; x=1");
  EXPECT_EQ(api_.router().Execute(req).status, 200);
}

TEST_F(RouterTest, CookieChangesFromAnotherOriginAreRefused) {
  api_.router().Add(Method::kPost, "/probe/write", {.permission = Permission::kWritePatient},
                    [](Request&) -> Result<Response> {
                      return JsonResponse(200, {{"ok", 1}});
                    });
  auto post = [&](const char* origin, bool bearer) {
    Request req;
    req.method = Method::kPost;
    req.path = "/probe/write";
    req.headers.emplace_back("host", "casekeeper.example.org:8443");
    if (origin) req.headers.emplace_back("origin", origin);
    if (bearer)
      req.headers.emplace_back("authorization", "Bearer " + api_.token("cm.one"));
    else
      req.headers.emplace_back("cookie", "ck_session=" + api_.token("cm.one"));
    return api_.router().Execute(req).status;
  };
  EXPECT_EQ(post("https://casekeeper.example.org:8443", false), 200);
  EXPECT_EQ(post(nullptr, false), 200);  // not a browser's cross-site request
  EXPECT_EQ(post("https://evil.example.com", false), 403);
  EXPECT_EQ(post("null", false), 403);
  EXPECT_EQ(post("https://evil.example.com", true), 200);  // a bearer token is not ambient
}

}  // namespace
}  // namespace ck::http
