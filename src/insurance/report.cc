// Prior authorization and appeal figures: turnaround, timeliness, denial and
// overturn rates, open items by age, and the CMS-0057-F public metrics.
#include <algorithm>
#include <map>

#include "audit/trail.h"
#include "insurance/internal.h"
#include "insurance/service.h"

namespace ck::insurance {
namespace {

using namespace internal;

double Rate(int64_t n, int64_t d) { return d == 0 ? 0.0 : static_cast<double>(n) / d; }

Json Hours(std::vector<double> hours) {
  if (hours.empty()) return {{"average_hours", nullptr}, {"median_hours", nullptr}};
  std::sort(hours.begin(), hours.end());
  double sum = 0;
  for (double h : hours) sum += h;
  size_t n = hours.size();
  double median = n % 2 ? hours[n / 2] : (hours[n / 2 - 1] + hours[n / 2]) / 2;
  auto round1 = [](double v) {
    return static_cast<double>(static_cast<int64_t>(v * 10 + 0.5)) / 10;
  };
  return {{"average_hours", round1(sum / static_cast<double>(n))},
          {"median_hours", round1(median)}};
}

struct Tally {
  int64_t decided = 0, approved = 0, partially = 0, denied = 0, on_appeal = 0, extended = 0,
          on_time = 0, with_clock = 0;
  std::vector<double> hours;
  Json ToJson() const {
    Json j = {{"decided", decided},
              {"approved", approved},
              {"partially_approved", partially},
              {"denied", denied},
              {"approved_after_appeal", on_appeal},
              {"extended", extended},
              {"approval_rate", Rate(approved, decided)},
              {"partial_approval_rate", Rate(partially, decided)},
              {"denial_rate", Rate(denied, decided)},
              {"extended_share", Rate(extended, decided)},
              {"decided_within_time", on_time},
              {"within_time_share", Rate(on_time, with_clock)}};
    j.update(Hours(hours));
    return j;
  }
};

}  // namespace

Result<Json> Service::Report(const auth::Actor& actor, Timestamp from, Timestamp to) {
  if (to <= from) return InvalidArgument("must be after from", "to");
  Timestamp now = clock_.Now();
  Json out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    std::map<std::string, Tally> by_urgency, by_payer;
    Tally all;
    std::map<std::string, std::pair<int64_t, int64_t>> by_service;  // decided, denied
    // The first decision on each request decided in the period (an approval
    // won on appeal counts as a denial, then as approved after appeal).
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT a.id, a.urgency, a.payer, a.received_at, a.decided_at, a.decided_within_time, "
        "a.extended, a.approved_on_appeal, (SELECT e.kind FROM authorization_events e WHERE "
        "e.authorization_id = a.id AND e.kind IN ('approve', 'partially_approve', 'deny') ORDER "
        "BY e.id LIMIT 1) FROM prior_authorizations a WHERE a.decided_at >= ? AND a.decided_at "
        "< ?",
        {from, to}, [&](const db::Row& r) {
          std::string first = r.IsNull(8) ? "" : r.Text(8);
          for (Tally* t : {&all, &by_urgency[r.Text(1)], &by_payer[r.Text(2)]}) {
            ++t->decided;
            if (first == "approve") ++t->approved;
            if (first == "partially_approve") ++t->partially;
            if (first == "deny") ++t->denied;
            if (r.Int(7)) ++t->on_appeal;
            if (r.Int(6)) ++t->extended;
            if (!r.IsNull(5)) {
              ++t->with_clock;
              if (r.Int(5)) ++t->on_time;
            }
            if (!r.IsNull(3))
              t->hours.push_back(static_cast<double>(r.Int(4) - r.Int(3)) / kMillisPerHour);
          }
          return Status::Ok();
        }));
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT s.code, (SELECT e.kind FROM authorization_events e WHERE e.authorization_id = "
        "a.id AND e.kind IN ('approve', 'partially_approve', 'deny') ORDER BY e.id LIMIT 1) FROM "
        "authorization_services s JOIN prior_authorizations a ON a.id = s.authorization_id WHERE "
        "a.decided_at >= ? AND a.decided_at < ?",
        {from, to}, [&](const db::Row& r) {
          auto& [decided, denied] = by_service[r.Text(0)];
          ++decided;
          if (!r.IsNull(1) && r.Text(1) == "deny") ++denied;
          return Status::Ok();
        }));
    Json urgency = Json::object(), payers = Json::array(), services = Json::array();
    for (const char* u : {"expedited", "standard"}) urgency[u] = by_urgency[u].ToJson();
    for (const auto& [payer, t] : by_payer) {
      Json j = t.ToJson();
      j["payer"] = payer;
      payers.push_back(std::move(j));
    }
    for (const auto& [code, counts] : by_service)
      services.push_back({{"code", code},
                          {"decided", counts.first},
                          {"denied", counts.second},
                          {"denial_rate", Rate(counts.second, counts.first)}});
    // Appeals decided in the period, by level.
    // By product type and level: "first_level_internal" is a reconsideration
    // for Medicare Advantage and a plan appeal for Medicaid managed care.
    std::map<std::pair<std::string, std::string>, std::array<int64_t, 4>>
        levels;  // decided, overturned, partial, on time
    std::map<std::pair<std::string, std::string>, std::string> level_names;
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT product_type, level, outcome, decided_at, decision_due_at, level_name FROM "
        "appeals WHERE status = 'decided' AND decided_at >= ? AND decided_at < ?",
        {from, to}, [&](const db::Row& r) {
          auto key = std::make_pair(r.Text(0), r.Text(1));
          level_names[key] = r.Text(5);
          auto& l = levels[key];
          ++l[0];
          if (r.Text(2) == "overturned") ++l[1];
          if (r.Text(2) == "partially_overturned") ++l[2];
          if (!r.IsNull(4) && r.Int(3) <= r.Int(4)) ++l[3];
          return Status::Ok();
        }));
    Json appeals = Json::array();
    for (const auto& [key, l] : levels)
      appeals.push_back({{"product_type", key.first},
                         {"level", key.second},
                         {"level_name", level_names[key]},
                         {"decided", l[0]},
                         {"overturned", l[1]},
                         {"partially_overturned", l[2]},
                         {"overturn_rate", Rate(l[1] + l[2], l[0])},
                         {"decided_within_time", l[3]}});
    // What is open now, by age.
    auto buckets = [&](const std::string& sql) -> Result<Json> {
      Json b = {{"under_3_days", 0},
                {"3_to_7_days", 0},
                {"7_to_14_days", 0},
                {"over_14_days", 0},
                {"overdue", 0}};
      CK_RETURN_IF_ERROR(c.ForEachRow(sql, {}, [&](const db::Row& r) {
        double days = static_cast<double>(now - r.Int(0)) / kMillisPerDay;
        const char* k = days < 3    ? "under_3_days"
                        : days < 7  ? "3_to_7_days"
                        : days < 14 ? "7_to_14_days"
                                    : "over_14_days";
        b[k] = b[k].get<int64_t>() + 1;
        if (!r.IsNull(1) && r.Int(1) < now) b["overdue"] = b["overdue"].get<int64_t>() + 1;
        return Status::Ok();
      }));
      return b;
    };
    CK_ASSIGN_OR_RETURN(Json open_requests,
                        buckets("SELECT COALESCE(received_at, created_at), decision_due_at FROM "
                                "prior_authorizations WHERE status IN ('submitted', 'pended')"));
    CK_ASSIGN_OR_RETURN(Json open_appeals,
                        buckets("SELECT created_at, CASE WHEN status = 'draft' THEN "
                                "filing_deadline ELSE decision_due_at END FROM appeals WHERE "
                                "status IN ('draft', 'filed')"));
    out = {{"from", FormatTimestamp(from)},
           {"to", FormatTimestamp(to)},
           {"prior_authorizations", all.ToJson()},
           {"cms_0057_f", urgency},
           {"by_payer", payers},
           {"by_service", services},
           {"appeals_by_level", appeals},
           {"open_requests_by_age", open_requests},
           {"open_appeals_by_age", open_appeals}};
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, now, "report.insurance", "report", "insurance", std::nullopt)));
  return out;
}

}  // namespace ck::insurance
