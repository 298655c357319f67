// Insurance through its HTTP routes: the authorization workflow with its
// regulatory clock and illegal moves refused, appeals by level with filing and
// decision deadlines, the packet PDF (its text extracted with pdftotext),
// claims one by one and from CSV, renewals, the report, and the seed scenario:
// a targeted cancer therapy requested, denied, appealed (peer-to-peer, then a
// reconsideration with a packet) and approved.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "http/json.h"
#include "insurance/routes.h"
#include "testing/api_harness.h"
#include "testing/pdf_text.h"

namespace ck::insurance {
namespace {

using http::Json;
using http::Method;

// Completed visits on days no claim covers, so each counts as a unit used.
constexpr Timestamp kVisitsFrom = 1792504800000;  // 2026-10-20T14:00:00Z

class InsuranceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterRoutes(api_.router(), insurance_);
    int64_t team = api_.AddTeam("A");
    api_.AddUser("cm.one", auth::Role::kCaseManager, team);
    api_.AddUser("cm.other", auth::Role::kCaseManager, api_.AddTeam("B"));
    api_.AddUser("sup.a", auth::Role::kSupervisor, team);
    api_.AddUser("ehr", auth::Role::kIntegration);
    ASSERT_TRUE(
        api_.db()
            .Write([&](db::Connection& c) -> Status {
              CK_ASSIGN_OR_RETURN(
                  auto p, c.Query("INSERT INTO patients (given_name, family_name, birth_date, "
                                  "administrative_sex, created_at, updated_at) VALUES ('Ines', "
                                  "'Okafor', '1958-04-12', 'female', 0, 0) RETURNING id"));
              patient_ = p.at(0).Int(0);
              CK_RETURN_IF_ERROR(c.Exec("INSERT INTO care_team_members (patient_id, user_id, "
                                        "member_role, added_at) VALUES (?, ?, "
                                        "'primary_case_manager', 0)",
                                        {patient_, api_.id("cm.one")})
                                     .status());
              CK_ASSIGN_OR_RETURN(
                  auto k, c.Query("INSERT INTO cases (patient_id, program_id, status, "
                                  "referral_source, referral_reason, urgency, referred_at, "
                                  "triage_due_at, assigned_user_id, created_at, updated_at) "
                                  "VALUES (?, 1, 'active', 'physician', 'x', 'routine', 0, 0, ?, "
                                  "0, 0) RETURNING id",
                                  {patient_, api_.id("cm.one")}));
              case_ = k.at(0).Int(0);
              for (auto [product, member] : std::vector<std::pair<const char*, const char*>>{
                       {"medicare_advantage", "MA-1001"}, {"commercial", "CM-2002"}}) {
                CK_ASSIGN_OR_RETURN(
                    auto v, c.Query("INSERT INTO coverages (patient_id, payer, product_type, "
                                    "member_id, effective_from, priority, status, created_at, "
                                    "updated_at) VALUES (?, ?, ?, ?, '2026-01-01', 'primary', "
                                    "'active', 0, 0) RETURNING id",
                                    {patient_, std::string("Acme ") + product, product, member}));
                (std::string(product) == "commercial" ? commercial_ : ma_) = v.at(0).Int(0);
              }
              CK_ASSIGN_OR_RETURN(
                  auto d, c.Query("INSERT INTO conditions (patient_id, code, description, status, "
                                  "created_at, updated_at) VALUES (?, 'C34.90', 'Non-small cell "
                                  "lung cancer', 'active', 0, 0) RETURNING id",
                                  {patient_}));
              condition_ = d.at(0).Int(0);
              CK_ASSIGN_OR_RETURN(
                  auto n, c.Query("INSERT INTO case_notes (case_id, patient_id, note_type, body, "
                                  "status, author_id, created_at, updated_at, signed_at) VALUES "
                                  "(?, ?, 'progress', 'PD-L1 expression 80 percent; oncologist "
                                  "recommends first-line pembrolizumab.', 'signed', ?, 0, 0, 0) "
                                  "RETURNING id",
                                  {case_, patient_, api_.id("cm.one")}));
              note_ = n.at(0).Int(0);
              return Status::Ok();
            })
            .ok());
  }

  std::string P(const std::string& rest) {
    return "/api/v1/patients/" + std::to_string(patient_) + rest;
  }
  Json Post(const std::string& path, const Json& body, int want,
            const std::string& user = "cm.one") {
    auto r = api_.Call(Method::kPost, path, user, body);
    EXPECT_EQ(r.status, want) << path << " " << body.dump() << " → " << r.body;
    return Json::parse(r.body, nullptr, false);
  }
  Json Act(const Json& a, Json body, int want = 200) {
    body["version"] = a["version"];
    return Post("/api/v1/authorizations/" + std::to_string(a["id"].get<int64_t>()) + "/actions",
                body, want);
  }
  Json ActAppeal(const Json& p, Json body, int want = 200) {
    body["version"] = p["version"];
    return Post("/api/v1/appeals/" + std::to_string(p["id"].get<int64_t>()) + "/actions", body,
                want);
  }
  Json Request(int64_t coverage, const char* urgency, bool submit = true) {
    return Post(P("/authorizations"),
                {{"coverage_id", coverage},
                 {"case_id", case_},
                 {"urgency", urgency},
                 {"requesting_provider", "Dr. Synthetic Oncologist"},
                 {"servicing_provider", "Riverside Infusion Center"},
                 {"diagnosis_codes", {"C34.90"}},
                 {"services",
                  {{{"code", "J9271"},
                    {"description", "Pembrolizumab 1 mg"},
                    {"units", 400},
                    {"service_from", "2026-11-01"},
                    {"service_to", "2027-04-30"}},
                   {{"code", "96413"},
                    {"description", "Chemotherapy infusion, first hour"},
                    {"units", 8},
                    {"service_from", "2026-11-01"},
                    {"service_to", "2027-04-30"}}}},
                 {"clinical_summary", "Stage IV NSCLC, PD-L1 80%."},
                 {"submit", submit}},
                201);
  }

  // Monday 2 November 2026, 14:00 UTC (09:00 in New York, EST since Sunday).
  testing::ApiHarness api_{*ParseTimestamp("2026-11-02T14:00:00Z")};
  BusinessCalendar calendar_{{.holidays = UsFederalHolidays(2026)}};
  TimeZone tz_ = *TimeZone::Load("EST5EDT,M3.2.0,M11.1.0");
  Deadlines deadlines_{tz_, calendar_};
  Service insurance_{api_.db(), api_.clock(), deadlines_, PayerRules::Builtin(), {}};
  int64_t patient_ = 0, case_ = 0, ma_ = 0, commercial_ = 0, condition_ = 0, note_ = 0;
};

TEST_F(InsuranceTest, RequestsAreValidatedAndCarryTheirDecisionClock) {
  Json base = {{"coverage_id", ma_},
               {"urgency", "standard"},
               {"requesting_provider", "Dr. X"},
               {"diagnosis_codes", {"C34.90"}},
               {"services",
                {{{"code", "J9271"},
                  {"units", 10},
                  {"service_from", "2026-11-01"},
                  {"service_to", "2026-12-01"}}}}};
  struct Bad {
    Json patch;
    const char* field;
  };
  for (const Bad& b : std::vector<Bad>{
           {{{"urgency", "whenever"}}, "urgency"},
           {{{"diagnosis_codes", {"lung cancer"}}}, "diagnosis_codes"},
           {{{"services",
              {{{"code", "9921"},
                {"units", 1},
                {"service_from", "2026-11-01"},
                {"service_to", "2026-11-01"}}}}},
            "services[0].code"},
           {{{"services",
              {{{"code", "W1234"},
                {"units", 1},
                {"service_from", "2026-11-01"},
                {"service_to", "2026-11-01"}}}}},
            "services[0].code"},
           {{{"services",
              {{{"code", "99213"},
                {"code_system", "hcpcs"},
                {"units", 1},
                {"service_from", "2026-11-01"},
                {"service_to", "2026-11-01"}}}}},
            "services[0].code_system"},
           {{{"services",
              {{{"code", "99213"},
                {"units", 0},
                {"service_from", "2026-11-01"},
                {"service_to", "2026-11-01"}}}}},
            "services[0].units"},
           {{{"services",
              {{{"code", "0001F"},
                {"units", 1},
                {"service_from", "2026-11-02"},
                {"service_to", "2026-11-01"}}}}},
            "services[0].service_to"},
           {{{"coverage_id", 9999}}, "coverage_id"},
       }) {
    Json body = base;
    body.update(b.patch);
    auto r = api_.Call(Method::kPost, P("/authorizations"), "cm.one", body);
    EXPECT_EQ(r.status, 400) << body.dump() << " " << r.body;
    EXPECT_EQ(Json::parse(r.body)["field"], b.field) << r.body;
  }
  // Received by the payer last Friday afternoon (EDT): 7 calendar days end
  // on Friday 6 November at local midnight (EST by then).
  base["submit"] = true;
  base["received_at"] = "2026-10-30T20:00:00Z";
  Json a = Post(P("/authorizations"), base, 201);
  EXPECT_EQ(a["status"], "submitted");
  EXPECT_EQ(a["decision_due_at"], "2026-11-07T04:59:59.999Z");
  EXPECT_EQ(a["decision_due_rule"], "7 calendar days from receipt (Medicare Advantage, standard)");
  EXPECT_EQ(a["services"][0]["code_system"], "hcpcs");
  // Expedited commercial: 72 real hours from now.
  Json fast = Request(commercial_, "expedited");
  EXPECT_EQ(fast["decision_due_at"], "2026-11-05T14:00:00.000Z");
  // Another team's case manager cannot see or act on it.
  EXPECT_EQ(
      api_.Call(Method::kGet, "/api/v1/authorizations/" + std::to_string(a["id"].get<int64_t>()),
                "cm.other")
          .status,
      403);
}

TEST_F(InsuranceTest, IllegalMovesAreRefusedAndDecisionsNeedTheirFacts) {
  Json a = Request(ma_, "standard", false);
  EXPECT_EQ(a["status"], "draft");
  EXPECT_TRUE(a["decision_due_at"].is_null());
  Act(a, {{"action", "approve"}}, 409);  // a draft is not decided
  Act(a, {{"action", "expire"}}, 409);
  Act(a, {{"action", "teleport"}}, 400);
  a = Act(a, {{"action", "submit"}});
  EXPECT_EQ(a["decision_due_at"], "2026-11-10T04:59:59.999Z");
  Act(a, {{"action", "pend"}}, 400);  // say what the payer asked for
  a = Act(a, {{"action", "pend"}, {"reason", "Payer asks for the PD-L1 pathology report"}});
  a = Act(a, {{"action", "extend"}, {"reason", "Payer needs the pathology report"}});
  EXPECT_EQ(a["decision_due_at"], "2026-11-24T04:59:59.999Z");  // + 14 calendar days
  // A tolled clock: paused for 30 hours, then the due time moves by as much.
  Act(a, {{"action", "resume_clock"}}, 409);
  a = Act(a, {{"action", "pause_clock"}, {"reason", "Waiting for the member's records"}});
  api_.clock().Advance(30 * kMillisPerHour);
  api_.SignInAgain("cm.one");
  a = Act(a, {{"action", "resume_clock"}, {"reason", "Records received"}});
  EXPECT_EQ(a["decision_due_at"], "2026-11-25T10:59:59.999Z");
  EXPECT_TRUE(a["clock_paused_at"].is_null());
  // A supporting document travels with the request (and into the packet).
  int64_t doc = 0;
  ASSERT_TRUE(api_.db()
                  .Write([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(
                        auto rows,
                        c.Query("INSERT INTO documents (patient_id, doc_type, title, content_type, "
                                "size_bytes, sha256, content_base64, uploaded_at) VALUES (?, "
                                "'lab_report', 'PD-L1 pathology report', 'text/plain', 2, 'ab', "
                                "'aGk=', 0) RETURNING id",
                                {patient_}));
                    doc = rows.at(0).Int(0);
                    return Status::Ok();
                  })
                  .ok());
  a = Act(a, {{"action", "attach_document"}, {"document_id", doc}});
  EXPECT_EQ(a["documents"][0]["title"], "PD-L1 pathology report");
  Act(a, {{"action", "attach_document"}, {"document_id", doc}}, 409);
  Act(a, {{"action", "extend"}, {"reason", "again"}}, 409);               // once
  Act(a, {{"action", "deny"}, {"denial_reason", "Not necessary"}}, 400);  // not specific
  Json stale = a;
  a = Act(a, {{"action", "deny"},
              {"denial_reason",
               "Step therapy: the plan requires documented failure of platinum chemotherapy "
               "first"},
              {"denial_code", "CARC:50"},
              {"payer_reference", "ACME-PA-77812"}});
  EXPECT_EQ(a["status"], "denied");
  EXPECT_EQ(a["decided_within_time"], true);
  EXPECT_EQ(a["services"][0]["units_approved"], 0);
  // Reconsideration deadline: 60 days from receipt presumed 5 days after the
  // notice of 3 November (decided today): 7 January 2027.
  EXPECT_EQ(a["appeal_deadline"], "2027-01-08T04:59:59.999Z");
  Act(stale, {{"action", "withdraw"}, {"reason", "x"}}, 409);  // stale version
  Act(a, {{"action", "approve"}}, 409);                        // decided already
  Act(a, {{"action", "withdraw"}, {"reason", "x"}}, 409);

  // Approvals: every unit is "approve", fewer is "partially_approve".
  Json b = Request(commercial_, "standard");
  int64_t first = b["services"][0]["id"], second = b["services"][1]["id"];
  Act(b, {{"action", "approve"}, {"services", {{{"id", first}, {"units_approved", 100}}}}}, 400);
  Act(b, {{"action", "partially_approve"}, {"denial_reason", "Fewer infusions than asked for"}},
      400);  // services not given: none approved, which is a denial
  b = Act(b, {{"action", "partially_approve"},
              {"denial_reason", "Approved for three months; renewal with a response scan"},
              {"services",
               {{{"id", first}, {"units_approved", 200}}, {{"id", second}, {"units_approved", 4}}}},
              {"approved_to", "2027-01-31"}});
  EXPECT_EQ(b["status"], "partially_approved");
  EXPECT_EQ(b["units_approved"], 204);
  EXPECT_EQ(b["approved_from"], "2026-11-01");
  EXPECT_EQ(b["approved_to"], "2027-01-31");
  std::vector<std::string> moves;
  for (const auto& e : b["history"]) moves.push_back(e["kind"]);
  EXPECT_EQ(moves, (std::vector<std::string>{"created", "partially_approve"}));
}

TEST_F(InsuranceTest, AppealLevelsDeadlinesAndThePacket) {
  Json a = Request(ma_, "standard");
  a = Act(a, {{"action", "deny"},
              {"denial_reason",
               "Step therapy: the plan requires documented failure of platinum chemotherapy"},
              {"payer_reference", "ACME-PA-77812"}});
  // Levels follow the product: Medicare Advantage has no state fair hearing.
  std::string appeals =
      "/api/v1/authorizations/" + std::to_string(a["id"].get<int64_t>()) + "/appeals";
  Json bad = Post(appeals, {{"level", "state_fair_hearing"}}, 400);
  EXPECT_EQ(bad["field"], "level");
  // Peer-to-peer first: 14 days from the notice; decided in 2 business days.
  Json p2p = Post(appeals, {{"level", "peer_to_peer"}}, 201);
  EXPECT_EQ(p2p["filing_deadline"], "2026-11-17T04:59:59.999Z");
  Post(appeals, {{"level", "first_level_internal"}}, 409);  // one open appeal at a time
  p2p = ActAppeal(p2p, {{"action", "file"}});
  EXPECT_EQ(p2p["decision_due_at"], "2026-11-05T04:59:59.999Z");
  api_.clock().Advance(8 * kMillisPerDay);  // Tuesday 10 November
  api_.SignInAgain("cm.one");
  p2p = ActAppeal(p2p, {{"action", "decide"},
                        {"outcome", "upheld"},
                        {"note", "Medical director unmoved without the pathology report"}});
  EXPECT_EQ(p2p["status"], "decided");

  // Reconsideration with a packet: notice received on 9 November (later than
  // presumed): 60 days from then.
  Json recon = Post(appeals,
                    {{"level", "first_level_internal"},
                     {"notice_received_on", "2026-11-09"},
                     {"argument", "NCCN category 1: pembrolizumab first line for PD-L1 >= 50%."}},
                    201);
  EXPECT_EQ(recon["filing_deadline"], "2027-01-09T04:59:59.999Z");
  EXPECT_EQ(recon["filing_deadline_rule"],
            "60 calendar days from receipt on 2026-11-09 (Reconsideration)");
  ActAppeal(recon, {{"action", "evidence"}, {"evidence", {{{"kind", "note"}, {"id", 999}}}}}, 400);
  ASSERT_TRUE(api_.db()
                  .Write([&](db::Connection& c) {
                    return c
                        .Exec(
                            "INSERT INTO case_notes (case_id, patient_id, note_type, body, status, "
                            "author_id, created_at, updated_at, signed_at) VALUES (?, ?, "
                            "'progress', 'Unselected: transport arranged', 'signed', ?, 0, 0, 0)",
                            {case_, patient_, api_.id("cm.one")})
                        .status();
                  })
                  .ok());
  recon = ActAppeal(
      recon, {{"action", "evidence"},
              {"evidence",
               {{{"kind", "condition"}, {"id", condition_}}, {{"kind", "note"}, {"id", note_}}}}});
  recon = ActAppeal(recon, {{"action", "file"}});
  EXPECT_EQ(recon["decision_due_at"], "2026-12-11T04:59:59.999Z");  // 30 days, end of day

  auto pdf = api_.Call(
      Method::kGet, "/api/v1/appeals/" + std::to_string(recon["id"].get<int64_t>()) + "/packet.pdf",
      "cm.one");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.content_type, "application/pdf");
  ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  auto extracted = testing::PdfText(pdf.body);
  ASSERT_TRUE(extracted.ok()) << extracted.status().ToString();
  const std::string& text = *extracted;
  for (const char* want :
       {"CONFIDENTIAL", "Reconsideration", "Ines Okafor", "1958-04-12", "Acme medicare_advantage",
        "MA-1001", "J9271", "Pembrolizumab 1 mg", "ACME-PA-77812", "Step therapy",
        "Peer-to-peer review decide", "Condition C34.90", "Non-small cell lung cancer",
        "PD-L1 expression 80 percent", "NCCN category 1", "Page 1 of"})
    EXPECT_NE(text.find(want), std::string::npos) << "missing from the packet: " << want << "\n"
                                                  << text;
  // Evidence not selected stays out: the second signed note is the patient's too.
  EXPECT_EQ(text.find("Unselected: transport arranged"), std::string::npos) << text;

  // Overturned: the request is approved after appeal.
  recon = ActAppeal(recon, {{"action", "decide"}, {"outcome", "overturned"}});
  auto now = api_.Call(
      Method::kGet, "/api/v1/authorizations/" + std::to_string(a["id"].get<int64_t>()), "cm.one");
  Json after = Json::parse(now.body);
  EXPECT_EQ(after["status"], "approved");
  EXPECT_EQ(after["approved_on_appeal"], true);
  EXPECT_EQ(after["units_approved"], 408);
  // A later level is not opened below a decided one.
  Post(appeals, {{"level", "peer_to_peer"}}, 409);

  // The report counts the story: one request, denied first, approved after
  // appeal; the peer-to-peer upheld, the reconsideration overturned.
  api_.SignInAgain("sup.a");
  auto r = api_.Call(Method::kGet,
                     "/api/v1/reports/insurance?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z",
                     "sup.a");
  ASSERT_EQ(r.status, 200) << r.body;
  Json report = Json::parse(r.body);
  EXPECT_EQ(report["prior_authorizations"]["decided"], 1);
  EXPECT_EQ(report["prior_authorizations"]["denied"], 1);
  EXPECT_EQ(report["prior_authorizations"]["approved_after_appeal"], 1);
  EXPECT_EQ(report["appeals_by_level"],
            Json::parse(R"([{"decided":1,"decided_within_time":1,"level":"first_level_internal",
                             "level_name":"Reconsideration","product_type":"medicare_advantage",
                             "overturn_rate":1.0,"overturned":1,"partially_overturned":0},
                            {"decided":1,"decided_within_time":0,"level":"peer_to_peer",
                             "level_name":"Peer-to-peer review",
                             "product_type":"medicare_advantage",
                             "overturn_rate":0.0,"overturned":0,"partially_overturned":0}])"));
  // Plain dates are whole days; the rules in force are public to staff.
  auto by_date =
      api_.Call(Method::kGet, "/api/v1/reports/insurance?from=2026-11-01&to=2026-12-01", "sup.a");
  ASSERT_EQ(by_date.status, 200) << by_date.body;
  EXPECT_EQ(Json::parse(by_date.body)["prior_authorizations"]["decided"], 1);
  auto rules = api_.Call(Method::kGet, "/api/v1/insurance/rules", "cm.one");
  ASSERT_EQ(rules.status, 200);
  Json ma;
  Json all_rules = Json::parse(rules.body);
  for (const auto& p : all_rules["product_types"])
    if (p["product_type"] == "medicare_advantage") ma = p;
  EXPECT_EQ(ma["standard_decision"], "7 calendar days");
  EXPECT_EQ(ma["appeals"][1]["name"], "Reconsideration");
}

TEST_F(InsuranceTest, AnUpheldReconsiderationGoesToIndependentReview) {
  Json a = Request(ma_, "expedited");
  a = Act(a, {{"action", "deny"},
              {"denial_reason", "Not covered: investigational use outside the label"}});
  Json recon = Post("/api/v1/authorizations/" + std::to_string(a["id"].get<int64_t>()) + "/appeals",
                    {{"level", "first_level_internal"}, {"urgency", "expedited"}}, 201);
  recon = ActAppeal(recon, {{"action", "file"}});
  EXPECT_EQ(recon["decision_due_at"], "2026-11-05T14:00:00.000Z");  // 72 hours
  ActAppeal(recon, {{"action", "decide"}, {"outcome", "upheld"}});
  auto r = api_.Call(Method::kGet,
                     "/api/v1/authorizations/" + std::to_string(a["id"].get<int64_t>()), "cm.one");
  Json after = Json::parse(r.body);
  ASSERT_EQ(after["appeals"].size(), 2u);
  EXPECT_EQ(after["appeals"][1]["level"], "external_review");
  EXPECT_EQ(after["appeals"][1]["status"], "filed");
  EXPECT_TRUE(after["appeals"][1]["filing_deadline"].is_null());
  EXPECT_EQ(after["appeals"][1]["decision_due_at"], "2026-11-05T14:00:00.000Z");
}

TEST_F(InsuranceTest, ClaimsOneByOneAndFromCsv) {
  Json a = Request(ma_, "standard");
  a = Act(a, {{"action", "approve"}, {"payer_reference", "ACME-PA-1"}});
  // One claim against the authorization: units count as used.
  Json k = Post(P("/claims"),
                {{"claim_number", "CLM-1"},
                 {"payer", "Acme medicare_advantage"},
                 {"coverage_id", ma_},
                 {"authorization_id", a["id"]},
                 {"service_from", "2026-11-03"},
                 {"service_code", "J9271"},
                 {"units", 200},
                 {"billed", "12,500.00"},
                 {"allowed", 9800.5},
                 {"paid", "9800.50"},
                 {"status", "paid"}},
                201);
  EXPECT_EQ(k["billed"], 12500.0);
  EXPECT_EQ(k["paid"], 9800.5);
  Post(P("/claims"),
       {{"claim_number", "CLM-2"},
        {"payer", "x"},
        {"service_from", "2026-11-03"},
        {"billed", 10},
        {"status", "denied"}},
       400);  // a denial carries its code
  // Completed visits the authorization covers count too, unless a claim covers their day.
  ASSERT_TRUE(api_.db()
                  .Write([&](db::Connection& c) -> Status {
                    for (const char* day : {"2026-11-03T15:00:00Z", "2026-11-10T15:00:00Z"})
                      CK_RETURN_IF_ERROR(
                          c.Exec("INSERT INTO appointments (case_id, patient_id, kind, reason, "
                                 "location, starts_at, ends_at, status, created_at, updated_at, "
                                 "authorization_id) VALUES (?, ?, 'therapy_session', 'Infusion', "
                                 "'Riverside', ?, ?, 'completed', 0, 0, ?)",
                                 {case_, patient_, *ParseTimestamp(day),
                                  *ParseTimestamp(day) + kMillisPerHour, a["id"].get<int64_t>()})
                              .status());
                    return Status::Ok();
                  })
                  .ok());
  auto got = api_.Call(
      Method::kGet, "/api/v1/authorizations/" + std::to_string(a["id"].get<int64_t>()), "cm.one");
  EXPECT_EQ(Json::parse(got.body)["units_used"], 201);

  std::string csv =
      "claim_number,payer,member_id,service_from,service_to,service_code,units,billed,allowed,"
      "paid,status,adjustment_codes\n"
      "CLM-10,Acme commercial,CM-2002,2026-10-01,2026-10-01,99213,1,180.00,95.00,95.00,paid,\n"
      "CLM-11,Acme commercial,CM-2002,2026-10-05,,J9271,100,\"6,000.00\",0,0,denied,\"CO-197 "
      "RARC:N54\"\n"
      "CLM-12,Acme commercial,NOBODY,2026-10-05,,99213,1,10,,,paid,\n"
      "CLM-13,Acme commercial,CM-2002,2026-10-05,,99213,1,10,20,,paid,\n"
      "CLM-14,Acme commercial,CM-2002,2026-13-05,,99213,1,10,,,paid,\n"
      "CLM-15,Acme commercial,CM-2002,2026-10-06,,99213,1,10,,,denied,CARC:X!\n"
      "CLM-16,Acme commercial,CM-2002,2026-10-07,,99213\n";
  http::Request req;
  req.method = Method::kPost;
  req.path = "/api/v1/claims/import";
  req.body = csv;
  req.headers.emplace_back("content-type", "text/csv");
  auto imported = api_.Send(req, "ehr");
  ASSERT_EQ(imported.status, 200) << imported.body;
  Json report = Json::parse(imported.body);
  EXPECT_EQ(report["imported"], 2);
  std::vector<std::string> errors;
  for (const auto& e : report["errors"])
    errors.push_back(std::to_string(e["line"].get<int>()) + " " + e["field"].get<std::string>());
  EXPECT_EQ(errors, (std::vector<std::string>{"4 member_id", "5 allowed", "6 service_from",
                                              "7 adjustment_codes", "8 row"}));
  auto list = api_.Call(Method::kGet, P("/claims"), "cm.one");
  Json claims = Json::parse(list.body)["items"];
  ASSERT_EQ(claims.size(), 3u);
  Json denied;
  for (const auto& c : claims)
    if (c["claim_number"] == "CLM-11") denied = c;
  EXPECT_EQ(denied["adjustment_codes"][0]["code"], "CARC:197");
  EXPECT_EQ(denied["adjustment_codes"][0]["description"],
            "Precertification, authorization or notification absent");
  EXPECT_EQ(denied["adjustment_codes"][1]["code"], "RARC:N54");
  // Case managers do not bulk-import; a denied claim opens an appeal.
  EXPECT_EQ(api_.Send(req, "cm.one").status, 403);
  Json appeal = Post("/api/v1/claims/" + std::to_string(denied["id"].get<int64_t>()) + "/appeals",
                     {{"level", "first_level_internal"}}, 201);
  EXPECT_EQ(appeal["kind"], "post_service");
  // Commercial internal appeal: 180 days from the notice (the claim's
  // decision, today): 1 May 2027, EDT.
  EXPECT_EQ(appeal["filing_deadline"], "2027-05-02T03:59:59.999Z");
}

TEST_F(InsuranceTest, RenewalsEligibilityAndTheReport) {
  // Eligibility: recorded, and coverages report whether they need it again.
  Post(P("/eligibility-checks"),
       {{"coverage_id", ma_},
        {"result", "eligible"},
        {"method", "portal"},
        {"reference", "270-REF-1"}},
       201);
  Post(P("/eligibility-checks"), {{"coverage_id", ma_}, {"result", "maybe"}, {"method", "portal"}},
       400);
  auto covs = api_.Call(Method::kGet, P("/coverages/eligibility"), "cm.one");
  Json items = Json::parse(covs.body)["items"];
  ASSERT_EQ(items.size(), 2u);
  for (const auto& v : items) EXPECT_EQ(v["needs_verification"], v["id"] != ma_) << v.dump();
  for (const auto& v : items)
    if (v["id"] == ma_) {
      EXPECT_EQ(v["latest_eligibility"]["reference"], "270-REF-1");
    }

  Json a = Request(ma_, "standard");
  a = Act(a, {{"action", "approve"}, {"approved_to", "2026-11-20"}});
  Json b = Request(commercial_, "standard");
  api_.clock().Advance(20 * kMillisPerDay);  // 22 November: commercial decision overdue
  api_.SignInAgain("cm.one");
  b = Act(b,
          {{"action", "deny"}, {"denial_reason", "Out of network without an exception request"}});
  EXPECT_EQ(b["decided_within_time"], false);

  Json c = Request(ma_, "standard");
  c = Act(c, {{"action", "approve"}, {"approved_to", "2026-12-01"}});

  // The first approval ended on the 20th: it expires. The second ends within
  // 14 days: a renewal task. The commercial coverage was never verified: a
  // task (the Medicare Advantage check is 20 days old, within 30).
  auto made = insurance_.CheckRenewals();
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(*made, 2);
  auto again = insurance_.CheckRenewals();
  EXPECT_EQ(*again, 0);  // once
  std::vector<std::string> titles;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& conn) {
                    return conn.ForEachRow("SELECT title FROM tasks ORDER BY id", {},
                                           [&](const db::Row& r) {
                                             titles.push_back(r.Text(0));
                                             return Status::Ok();
                                           });
                  })
                  .ok());
  EXPECT_EQ(titles,
            (std::vector<std::string>{
                "Renew authorization 3: approval ends 2026-12-01",
                "Verify eligibility: Acme commercial eligibility not verified in 30 days"}));
  auto got = api_.Call(
      Method::kGet, "/api/v1/authorizations/" + std::to_string(a["id"].get<int64_t>()), "cm.one");
  EXPECT_EQ(Json::parse(got.body)["status"], "expired");

  api_.SignInAgain("sup.a");
  auto r = api_.Call(Method::kGet,
                     "/api/v1/reports/insurance?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z",
                     "sup.a");
  ASSERT_EQ(r.status, 200) << r.body;
  Json report = Json::parse(r.body);
  EXPECT_EQ(report["prior_authorizations"]["decided"], 3);
  EXPECT_EQ(report["prior_authorizations"]["approved"], 2);
  EXPECT_EQ(report["prior_authorizations"]["approval_rate"], 2.0 / 3);
  EXPECT_EQ(report["prior_authorizations"]["denied"], 1);
  EXPECT_EQ(report["prior_authorizations"]["decided_within_time"], 2);
  EXPECT_EQ(report["cms_0057_f"]["standard"]["decided"], 3);
  EXPECT_EQ(report["cms_0057_f"]["expedited"]["decided"], 0);
  // The same report downloads as CSV (one table) and XLSX (every table a sheet).
  const std::string period = "/api/v1/reports/insurance?from=2026-11-01&to=2026-12-01";
  auto csv = api_.Call(Method::kGet, period + "&format=csv", "sup.a");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.substr(0, 14), "Measure,Value\r");
  EXPECT_NE(csv.body.find("Prior authorizations approval rate,66.7 %"), std::string::npos);
  auto urgency = api_.Call(Method::kGet, period + "&format=csv&table=cms_0057_f", "sup.a");
  ASSERT_EQ(urgency.status, 200) << urgency.body;
  EXPECT_NE(urgency.body.find("\r\nstandard,"), std::string::npos) << urgency.body;
  auto xlsx = api_.Call(Method::kGet, period + "&format=xlsx", "sup.a");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(Json::parse(api_.Call(Method::kGet, period + "&format=pdf", "sup.a").body)["field"],
            "format");
  EXPECT_EQ(Json::parse(
                api_.Call(Method::kGet, period + "&format=csv&table=nope", "sup.a").body)["field"],
            "table");
  EXPECT_EQ(api_.Call(Method::kGet, "/api/v1/reports/insurance?from=x&to=y", "sup.a").status, 400);
  EXPECT_EQ(api_.Call(Method::kGet,
                      "/api/v1/reports/insurance?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z",
                      "cm.one")
                .status,
            403);
}

TEST_F(InsuranceTest, RenewalsForUnitsNearlyUsedAndCoverageEnding) {
  Json a = Request(commercial_, "standard");
  a = Act(a, {{"action", "approve"}, {"approved_to", "2027-04-30"}});  // far off
  // 320 units billed (78 %) and 10 visits no claim covers: 330 of 408 (81 %).
  Post(P("/claims"),
       {{"claim_number", "CLM-90"},
        {"payer", "Acme commercial"},
        {"authorization_id", a["id"]},
        {"service_from", "2026-11-02"},
        {"units", 320},
        {"billed", 100},
        {"status", "paid"}},
       201);
  ASSERT_TRUE(
      api_.db()
          .Write([&](db::Connection& c) -> Status {
            for (int d = 0; d < 10; ++d)
              CK_RETURN_IF_ERROR(
                  c.Exec("INSERT INTO appointments (case_id, patient_id, kind, reason, "
                         "location, starts_at, ends_at, status, created_at, updated_at, "
                         "authorization_id) VALUES (?, ?, 'therapy_session', 'Infusion', "
                         "'Riverside', ?, ?, 'completed', 0, 0, ?)",
                         {case_, patient_, kVisitsFrom + d * kMillisPerDay,
                          kVisitsFrom + d * kMillisPerDay + kMillisPerHour, a["id"].get<int64_t>()})
                      .status());
            // The Medicare Advantage coverage ends in 20 days; both were verified.
            CK_RETURN_IF_ERROR(
                c.Exec("UPDATE coverages SET effective_to = '2026-11-22' WHERE id = ?", {ma_})
                    .status());
            return c
                .Exec(
                    "INSERT INTO eligibility_checks (coverage_id, patient_id, "
                    "checked_at, result, method, created_at) SELECT id, patient_id, ?, "
                    "'eligible', 'portal', 0 FROM coverages",
                    {*ParseTimestamp("2026-11-01T12:00:00Z")})
                .status();
          })
          .ok());
  ASSERT_EQ(*insurance_.CheckRenewals(), 2);
  std::vector<std::string> titles;
  ASSERT_TRUE(api_.db()
                  .Read([&](db::Connection& c) {
                    return c.ForEachRow("SELECT title FROM tasks ORDER BY id", {},
                                        [&](const db::Row& r) {
                                          titles.push_back(r.Text(0));
                                          return Status::Ok();
                                        });
                  })
                  .ok());
  EXPECT_EQ(titles, (std::vector<std::string>{
                        "Renew authorization 1: 330 of 408 approved units used",
                        "Coverage ending: Acme medicare_advantage coverage ends 2026-11-22"}));
}

}  // namespace
}  // namespace ck::insurance
