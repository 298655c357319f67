#include "supervision/routes.h"

#include <set>

#include "http/json.h"
#include "reports/respond.h"

namespace ck::supervision {
namespace {

using http::Json;
using P = auth::Permission;

std::optional<double> Rate(int met, int checked) {
  if (checked == 0) return std::nullopt;
  return static_cast<double>(met) / checked;
}

Json ToJson(const Coverage& v) {
  return {{"id", v.id},
          {"absent_user_id", v.absent_user_id},
          {"absent_name", v.absent_name},
          {"covering_user_id", v.covering_user_id},
          {"covering_name", v.covering_name},
          {"starts_at", FormatTimestamp(v.starts_at)},
          {"ends_at", FormatTimestamp(v.ends_at)},
          {"reason", v.reason},
          {"created_by", v.created_by},
          {"created_at", FormatTimestamp(v.created_at)},
          {"ended_at", http::TimeOrNull(v.ended_at)},
          {"ended_by", http::OrNull(v.ended_by)},
          {"end_reason", http::OrNull(v.end_reason)},
          {"state", v.state}};
}

Result<std::vector<int64_t>> IdList(const Json& body, const char* field) {
  std::vector<int64_t> out;
  if (!body.contains(field) || body[field].is_null()) return out;
  const Json& list = body[field];
  if (!list.is_array()) return InvalidArgument("must be a list of ids", field);
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_number_integer() || list[i].get<int64_t>() < 1)
      return InvalidArgument("must be a positive integer",
                             std::string(field) + "[" + std::to_string(i) + "]");
    out.push_back(list[i].get<int64_t>());
  }
  return out;
}

}  // namespace

void RegisterRoutes(http::Router& router, Supervision& supervision, cases::Service& cases,
                    const Clock& clock, const TimeZone& tz) {
  router.Add(
      http::Method::kGet, "/api/v1/supervision/team", {.permission = P::kManageCareTeam},
      [&supervision, &clock, &tz](http::Request& req) -> Result<http::Response> {
        const Date today = tz.LocalDate(clock.Now());
        Date to = today, from = Date(std::chrono::sys_days(today) - std::chrono::days(29));
        if (auto v = req.Query("to")) {
          CK_ASSIGN_OR_RETURN(to, ParseDate(*v, "to"));
        }
        if (auto v = req.Query("from")) {
          CK_ASSIGN_OR_RETURN(from, ParseDate(*v, "from"));
        }
        CK_ASSIGN_OR_RETURN(auto lines, supervision.Team(*req.principal, req.Actor(), from, to));
        Json items = Json::array();
        for (const MemberLine& m : lines) {
          Json covering = Json::array();
          for (const std::string& name : m.covering_for) covering.push_back(name);
          items.push_back(
              {{"user_id", m.user_id},
               {"username", m.username},
               {"display_name", m.display_name},
               {"open_cases", m.open_cases},
               {"acuity_weighted_load", m.weighted_load},
               {"overdue_tasks", m.overdue_tasks},
               {"contacts", m.contacts},
               {"contacts_per_case_month", http::OrNull(m.contacts_per_case_month)},
               {"compliance_checked", m.compliance_checked},
               {"compliance_met", m.compliance_met},
               {"compliance_rate", http::OrNull(Rate(m.compliance_met, m.compliance_checked))},
               {"covered_by", http::OrNull(m.covered_by)},
               {"covering_for", covering}});
        }
        return reports::Respond(
            req, {{"from", FormatDate(from)}, {"to", FormatDate(to)}, {"items", items}}, "team");
      });

  router.Add(http::Method::kGet, "/api/v1/supervision/compliance", {.permission = P::kListPatients},
             [&supervision, &clock, &tz](http::Request& req) -> Result<http::Response> {
               Timestamp as_of = clock.Now();
               if (auto v = req.Query("as_of")) {
                 CK_ASSIGN_OR_RETURN(Date d, ParseDate(*v, "as_of"));
                 as_of = std::min(as_of, tz.EndOfLocalDay(d));
               }
               CK_ASSIGN_OR_RETURN(auto user, req.IntQuery("user_id", 1, INT64_MAX));
               CK_ASSIGN_OR_RETURN(
                   auto report, supervision.Compliance(*req.principal, req.Actor(), as_of, user));
               const ComplianceRules& R = supervision.rules();
               Json rules = Json::array();
               for (const auto& [key, description] : ComplianceRuleCatalog())
                 rules.push_back({{"rule", key}, {"description", description}});
               Json assessments = Json::array();
               for (const auto& [id, days] : R.assessments)
                 assessments.push_back({{"instrument", id}, {"days", days}});
               Json members = Json::array(), findings = Json::array();
               int checked = 0, met = 0;
               for (const MemberCompliance& m : report.members) {
                 Json tallies = Json::array();
                 for (const RuleTally& t : m.rules)
                   tallies.push_back({{"rule", t.rule},
                                      {"checked", t.checked},
                                      {"met", t.met},
                                      {"rate", http::OrNull(Rate(t.met, t.checked))}});
                 Json mine = Json::array();
                 for (const Finding& f : m.findings) {
                   Json j = {{"user_id", m.user_id},
                             {"case_manager", m.display_name},
                             {"rule", f.rule},
                             {"case_id", f.case_id},
                             {"patient_id", f.patient_id},
                             {"patient_name", f.patient_name},
                             {"detail", f.detail},
                             {"due_at", http::TimeOrNull(f.due_at)}};
                   mine.push_back(j);
                   findings.push_back(j);
                 }
                 checked += m.checked();
                 met += m.met();
                 members.push_back({{"user_id", m.user_id},
                                    {"display_name", m.display_name},
                                    {"checked", m.checked()},
                                    {"met", m.met()},
                                    {"rate", http::OrNull(Rate(m.met(), m.checked()))},
                                    {"rules", tallies},
                                    {"findings", mine}});
               }
               Json out = {{"as_of", FormatTimestamp(report.as_of)},
                           {"checklist",
                            {{"rules", rules},
                             {"note_sign_hours", R.note_sign_hours},
                             {"lookback_days", R.lookback_days},
                             {"assessments", assessments},
                             {"assessment_grace_days", R.assessment_grace_days}}},
                           {"checked", checked},
                           {"met", met},
                           {"rate", http::OrNull(Rate(met, checked))}};
               if (req.Query("format").value_or("json") != "json") {
                 // The spreadsheet: one row per finding (or per member with &table=members).
                 Json flat = {{"as_of", out["as_of"]}, {"findings", findings}};
                 Json rows = Json::array();
                 for (const Json& m : members) {
                   Json r = m;
                   r.erase("rules");
                   r.erase("findings");
                   rows.push_back(r);
                 }
                 flat["members"] = rows;
                 return reports::Respond(req, flat, "compliance");
               }
               out["members"] = members;
               return http::JsonResponse(200, out);
             });

  router.Add(http::Method::kPost, "/api/v1/supervision/reassignment-proposal",
             {.permission = P::kManageCareTeam},
             [&supervision](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"from_user_id", "case_ids", "exclude_user_ids", "max_weighted_load"}));
               ProposalRequest r;
               CK_ASSIGN_OR_RETURN(r.from_user_id, http::OptionalInt(body, "from_user_id"));
               CK_ASSIGN_OR_RETURN(r.case_ids, IdList(body, "case_ids"));
               CK_ASSIGN_OR_RETURN(r.exclude_user_ids, IdList(body, "exclude_user_ids"));
               CK_ASSIGN_OR_RETURN(auto max, http::OptionalInt(body, "max_weighted_load"));
               if (max) {
                 if (*max < 1 || *max > 100000)
                   return InvalidArgument("must be between 1 and 100000", "max_weighted_load");
                 r.max_weighted_load = static_cast<int>(*max);
               }
               CK_ASSIGN_OR_RETURN(Proposal p, supervision.Propose(*req.principal, req.Actor(), r));
               Json moves = Json::array(), unplaced = Json::array(), loads = Json::array();
               for (const ProposedMove& m : p.moves)
                 moves.push_back({{"case_id", m.case_id},
                                  {"patient_id", m.patient_id},
                                  {"acuity", http::OrNull(m.acuity)},
                                  {"weight", m.weight},
                                  {"from_user_id", http::OrNull(m.from_user_id)},
                                  {"to_user_id", m.to_user_id},
                                  {"to_name", m.to_name},
                                  {"why", m.why}});
               for (const ProposedMove& m : p.unplaced)
                 unplaced.push_back({{"case_id", m.case_id},
                                     {"patient_id", m.patient_id},
                                     {"acuity", http::OrNull(m.acuity)},
                                     {"weight", m.weight},
                                     {"from_user_id", http::OrNull(m.from_user_id)},
                                     {"why", m.why}});
               for (const LoadChange& l : p.loads)
                 loads.push_back({{"user_id", l.user_id},
                                  {"display_name", l.display_name},
                                  {"open_before", l.open_before},
                                  {"open_after", l.open_after},
                                  {"load_before", l.load_before},
                                  {"load_after", l.load_after}});
               return http::JsonResponse(
                   200, {{"moves", moves}, {"unplaced", unplaced}, {"loads", loads}});
             });

  router.Add(
      http::Method::kPost, "/api/v1/supervision/reassignments", {.permission = P::kManageCareTeam},
      [&cases](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"assignments", "reason"}));
        CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 1000));
        if (!body.contains("assignments") || !body["assignments"].is_array() ||
            body["assignments"].empty())
          return InvalidArgument("give a list of {case_id, user_id}", "assignments");
        const Json& list = body["assignments"];
        if (list.size() > 2000) return InvalidArgument("at most 2000 at once", "assignments");
        std::vector<cases::CaseMove> moves;
        std::set<int64_t> seen;
        for (size_t i = 0; i < list.size(); ++i) {
          const std::string at = "assignments[" + std::to_string(i) + "]";
          if (!list[i].is_object()) return InvalidArgument("must be an object", at);
          cases::CaseMove m;
          for (const char* f : {"case_id", "user_id"}) {
            if (!list[i].contains(f) || !list[i][f].is_number_integer() ||
                list[i][f].get<int64_t>() < 1)
              return InvalidArgument("must be a positive integer", at + "." + f);
          }
          for (const auto& [key, value] : list[i].items())
            if (key != "case_id" && key != "user_id" && key != "version")
              return InvalidArgument("unknown field", at + "." + key);
          m.case_id = list[i]["case_id"].get<int64_t>();
          if (!seen.insert(m.case_id).second)
            return InvalidArgument("case " + std::to_string(m.case_id) + " is listed twice",
                                   at + ".case_id");
          m.user_id = list[i]["user_id"].get<int64_t>();
          // The version the supervisor read: a case changed since is a 409, not a silent move.
          if (list[i].contains("version")) {
            if (!list[i]["version"].is_number_integer() || list[i]["version"].get<int64_t>() < 1 ||
                list[i]["version"].get<int64_t>() > INT32_MAX)
              return InvalidArgument("must be a positive integer", at + ".version");
            m.expected_version = static_cast<int>(list[i]["version"].get<int64_t>());
          }
          moves.push_back(m);
        }
        CK_ASSIGN_OR_RETURN(auto moved, cases.AssignMany(*req.principal, req.Actor(), moves, reason,
                                                         "assignments"));
        Json items = Json::array();
        for (const cases::Case& k : moved)
          items.push_back({{"case_id", k.id},
                           {"patient_id", k.patient_id},
                           {"assigned_user_id", http::OrNull(k.assigned_user_id)},
                           {"version", k.version}});
        return http::JsonResponse(200, {{"moved", moved.size()}, {"items", items}});
      });

  router.Add(http::Method::kGet, "/api/v1/supervision/coverages", {.permission = P::kListPatients},
             [&supervision](http::Request& req) -> Result<http::Response> {
               const bool all = req.Query("include_ended").value_or("false") == "true";
               CK_ASSIGN_OR_RETURN(auto list, supervision.Coverages(*req.principal, all));
               Json items = Json::array();
               for (const Coverage& v : list) items.push_back(ToJson(v));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(
      http::Method::kPost, "/api/v1/supervision/coverages", {.permission = P::kManageCareTeam},
      [&supervision](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"absent_user_id", "covering_user_id", "starts_at", "ends_at", "reason"}));
        NewCoverage n;
        CK_ASSIGN_OR_RETURN(auto absent, http::OptionalInt(body, "absent_user_id"));
        if (!absent) return InvalidArgument("is required", "absent_user_id");
        CK_ASSIGN_OR_RETURN(auto covering, http::OptionalInt(body, "covering_user_id"));
        if (!covering) return InvalidArgument("is required", "covering_user_id");
        n.absent_user_id = *absent;
        n.covering_user_id = *covering;
        CK_ASSIGN_OR_RETURN(auto starts, http::OptionalTime(body, "starts_at"));
        n.starts_at = starts.value_or(0);
        CK_ASSIGN_OR_RETURN(auto ends, http::OptionalTime(body, "ends_at"));
        if (!ends) return InvalidArgument("is required", "ends_at");
        n.ends_at = *ends;
        CK_ASSIGN_OR_RETURN(n.reason, http::RequiredString(body, "reason", 500));
        CK_ASSIGN_OR_RETURN(Coverage v, supervision.StartCoverage(*req.principal, req.Actor(), n));
        return http::JsonResponse(201, ToJson(v));
      });

  router.Add(http::Method::kPost, "/api/v1/supervision/coverages/{coverage_id}/end",
             {.permission = P::kManageCareTeam},
             [&supervision](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("coverage_id"));
               std::optional<std::string> reason;
               if (!req.body.empty()) {
                 CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
                 CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"reason"}));
                 CK_ASSIGN_OR_RETURN(reason, http::OptionalString(body, "reason", 500));
               }
               CK_ASSIGN_OR_RETURN(
                   Coverage v, supervision.EndCoverage(*req.principal, req.Actor(), id, reason));
               return http::JsonResponse(200, ToJson(v));
             });
}

}  // namespace ck::supervision
