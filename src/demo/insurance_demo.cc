// The demo's insurance work, made through the insurance service as case
// managers would: requests waiting on payers (one overdue), denials to appeal,
// approvals ending, claims with adjustment codes, and one whole story: a
// targeted cancer therapy requested, denied, appealed (peer-to-peer, then a
// reconsideration with its packet evidence) and approved.
#include "demo/demo_data.h"
#include "insurance/service.h"

namespace ck::demo {
namespace {

using Json = nlohmann::json;

struct OpenCase {
  int64_t case_id, patient_id, user_id, coverage_id;
  std::string username;
};

Json Services(const char* code, const char* what, int units, Date from, int days) {
  Date to(std::chrono::sys_days{from} + std::chrono::days{days});
  return Json::array({{{"code", code},
                       {"description", what},
                       {"units", units},
                       {"service_from", FormatDate(from)},
                       {"service_to", FormatDate(to)}}});
}

}  // namespace

Status SeedInsurance(db::Database& db, insurance::Service& insurance, const Clock& clock) {
  std::vector<OpenCase> open;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    return c.ForEachRow(
        "SELECT k.id, k.patient_id, u.id, u.username, (SELECT MIN(v.id) FROM coverages v WHERE "
        "v.patient_id = k.patient_id AND v.status = 'active') FROM cases k JOIN users u ON u.id = "
        "k.assigned_user_id WHERE k.status IN ('assessment', 'planning', 'active', 'transition') "
        "ORDER BY k.id",
        {}, [&](const db::Row& r) {
          if (!r.IsNull(4)) open.push_back({r.Int(0), r.Int(1), r.Int(2), r.Int(4), r.Text(3)});
          return Status::Ok();
        });
  }));
  Timestamp now = clock.Now();
  Date today = DateOf(now);
  auto day = [&](int offset) {
    return Date(std::chrono::sys_days{today} + std::chrono::days{offset});
  };
  auto ago = [&](int days) { return FormatTimestamp(now - days * kMillisPerDay); };
  for (size_t i = 0; i < open.size(); ++i) {
    const OpenCase& k = open[i];
    auth::Principal who;
    who.user_id = k.user_id;
    who.username = k.username;
    who.role = auth::Role::kCaseManager;
    auth::Actor actor = auth::Actor::From(who, "demo-seed");
    auto request = [&](const char* urgency, Json services, const char* dx,
                       int received_days_ago) -> Result<Json> {
      return insurance.CreateAuthorization(
          who, actor, k.patient_id,
          {{"coverage_id", k.coverage_id},
           {"case_id", k.case_id},
           {"urgency", urgency},
           {"requesting_provider", "Dr. Synthetic, Riverside Medical Group"},
           {"servicing_provider", "Riverside General Hospital"},
           {"diagnosis_codes", {dx}},
           {"services", std::move(services)},
           {"submit", true},
           {"received_at", ago(received_days_ago)}});
    };
    auto act = [&](const Json& a, Json body) -> Result<Json> {
      body["version"] = a["version"];
      return insurance.ActOnAuthorization(who, actor, a["id"], body);
    };
    auto act_appeal = [&](const Json& p, Json body) -> Result<Json> {
      body["version"] = p["version"];
      return insurance.ActOnAppeal(who, actor, p["id"], body);
    };
    // Most coverages were verified in the last few weeks; every tenth is due again.
    if (i % 10 != 9)
      CK_RETURN_IF_ERROR(insurance
                             .RecordEligibility(who, actor, k.patient_id,
                                                {{"coverage_id", k.coverage_id},
                                                 {"result", "eligible"},
                                                 {"method", i % 3 ? "portal" : "x12_270_271"},
                                                 {"checked_at", ago(1 + static_cast<int>(i % 25))}})
                             .status());
    switch (i % 6) {
      case 0: {
        if (i != 0) break;
        // The whole story, for the first case: pembrolizumab for lung cancer.
        CK_ASSIGN_OR_RETURN(
            Json a, request("standard",
                            Services("J9271", "Pembrolizumab injection, 1 mg", 1200, day(-40), 180),
                            "C34.90", 45));
        CK_ASSIGN_OR_RETURN(
            a, act(a, {{"action", "deny"},
                       {"denial_reason",
                        "Step therapy: the plan requires documented progression on platinum "
                        "chemotherapy before first-line immunotherapy"},
                       {"denial_code", "CARC:50"},
                       {"payer_reference", "ACME-PA-2026-0001"},
                       {"decided_at", ago(40)}}));
        CK_ASSIGN_OR_RETURN(Json p2p,
                            insurance.OpenAppeal(who, actor, a["id"].get<int64_t>(), std::nullopt,
                                                 {{"level", "peer_to_peer"}}));
        CK_ASSIGN_OR_RETURN(p2p, act_appeal(p2p, {{"action", "file"}, {"filed_at", ago(39)}}));
        CK_ASSIGN_OR_RETURN(p2p, act_appeal(p2p, {{"action", "decide"},
                                                  {"outcome", "upheld"},
                                                  {"decided_at", ago(38)},
                                                  {"note",
                                                   "Medical director asks for the PD-L1 "
                                                   "report in writing"}}));
        CK_ASSIGN_OR_RETURN(
            Json recon,
            insurance.OpenAppeal(
                who, actor, a["id"].get<int64_t>(), std::nullopt,
                {{"level", "first_level_internal"},
                 {"argument",
                  "PD-L1 tumour proportion score 80%: first-line pembrolizumab monotherapy is the "
                  "guideline-preferred regimen; platinum first would not be standard of care."}}));
        CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) {
          return c
              .Exec(
                  "INSERT INTO conditions (patient_id, code, description, status, onset_date, "
                  "source, created_at, updated_at) VALUES (?, 'C34.90', 'Non-small cell lung "
                  "cancer, stage IV, PD-L1 TPS 80%', 'active', ?, 'ehr', ?, ?)",
                  {k.patient_id, FormatDate(day(-70)), now, now})
              .status();
        }));
        Json evidence = Json::array();
        CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) {
          return c.ForEachRow(
              "SELECT 'condition', id FROM conditions WHERE patient_id = ? UNION ALL SELECT "
              "'note', id FROM case_notes WHERE patient_id = ? AND status = 'signed'",
              {k.patient_id, k.patient_id}, [&](const db::Row& r) {
                evidence.push_back({{"kind", r.Text(0)}, {"id", r.Int(1)}});
                return Status::Ok();
              });
        }));
        CK_ASSIGN_OR_RETURN(recon,
                            act_appeal(recon, {{"action", "evidence"}, {"evidence", evidence}}));
        CK_ASSIGN_OR_RETURN(recon, act_appeal(recon, {{"action", "file"}, {"filed_at", ago(36)}}));
        CK_ASSIGN_OR_RETURN(recon, act_appeal(recon, {{"action", "decide"},
                                                      {"outcome", "overturned"},
                                                      {"decided_at", ago(20)}}));
        break;
      }
      case 1: {
        // Waiting on the payer: due soon, or (every other one) overdue.
        CK_ASSIGN_OR_RETURN(
            Json a, request(i % 4 == 1 ? "standard" : "expedited",
                            Services("G0299", "Home health skilled nursing visit", 12, day(1), 60),
                            "I50.9", i % 4 == 1 ? 8 : 2));
        if (i % 12 == 7)
          CK_RETURN_IF_ERROR(act(a, {{"action", "pend"},
                                     {"reason", "Payer asks for the home health plan of care"}})
                                 .status());
        break;
      }
      case 2: {
        // Denied 54 days ago: the reconsideration's deadline is ten days out.
        CK_ASSIGN_OR_RETURN(
            Json a,
            request("standard", Services("E0601", "CPAP device", 1, day(-50), 365), "G47.33", 58));
        CK_RETURN_IF_ERROR(act(a, {{"action", "deny"},
                                   {"denial_reason",
                                    "No sleep study within the last 12 months in the records sent"},
                                   {"denial_code", "CARC:252"},
                                   {"decided_at", ago(54)}})
                               .status());
        break;
      }
      case 3: {
        // Approved, ending within the renewal window.
        CK_ASSIGN_OR_RETURN(
            Json a,
            request("standard", Services("97110", "Physical therapy, exercises", 24, day(-80), 90),
                    "M17.0", 85));
        CK_ASSIGN_OR_RETURN(a, act(a, {{"action", "approve"},
                                       {"payer_reference", "ACME-PA-" + std::to_string(1000 + i)},
                                       {"approved_to", FormatDate(day(9))},
                                       {"decided_at", ago(82)}}));
        CK_RETURN_IF_ERROR(insurance
                               .RecordClaim(who, actor, k.patient_id,
                                            {{"claim_number", "CLM-" + std::to_string(70000 + i)},
                                             {"payer", "Acme Health Plan"},
                                             {"coverage_id", k.coverage_id},
                                             {"authorization_id", a["id"]},
                                             {"service_from", FormatDate(day(-60))},
                                             {"service_to", FormatDate(day(-20))},
                                             {"service_code", "97110"},
                                             {"units", 16},
                                             {"billed", "2400.00"},
                                             {"allowed", "1480.00"},
                                             {"paid", "1480.00"},
                                             {"status", "paid"},
                                             {"adjustment_codes", "CARC:45"}})
                               .status());
        break;
      }
      case 4: {
        // Denied last week, the reconsideration drafted but not filed yet.
        CK_ASSIGN_OR_RETURN(
            Json a,
            request("standard", Services("A4253", "Blood glucose test strips, 50", 6, day(-5), 180),
                    "E11.9", 12));
        CK_ASSIGN_OR_RETURN(
            a, act(a, {{"action", "partially_approve"},
                       {"denial_reason",
                        "Quantity above the plan limit of 3 boxes a month without "
                        "insulin use"},
                       {"services", {{{"id", a["services"][0]["id"]}, {"units_approved", 3}}}},
                       {"decided_at", ago(7)}}));
        CK_RETURN_IF_ERROR(insurance
                               .OpenAppeal(who, actor, a["id"].get<int64_t>(), std::nullopt,
                                           {{"level", "first_level_internal"}})
                               .status());
        break;
      }
      default: {
        // A claim denied for a missing authorization.
        CK_RETURN_IF_ERROR(insurance
                               .RecordClaim(who, actor, k.patient_id,
                                            {{"claim_number", "CLM-" + std::to_string(80000 + i)},
                                             {"payer", "Acme Health Plan"},
                                             {"coverage_id", k.coverage_id},
                                             {"service_from", FormatDate(day(-21))},
                                             {"service_code", "70553"},
                                             {"units", 1},
                                             {"billed", "3100.00"},
                                             {"allowed", "0"},
                                             {"paid", "0"},
                                             {"status", "denied"},
                                             {"adjustment_codes", "CO-197 RARC:N54"}})
                               .status());
        break;
      }
    }
  }
  return Status::Ok();
}

}  // namespace ck::demo
