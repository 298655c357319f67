#include "outcomes/routes.h"

#include <cmath>

#include "http/json.h"
#include "reports/respond.h"

namespace ck::outcomes {
namespace {

using http::Json;

Json ToJson(const Figure& f) {
  return {{"group", f.group},
          {"numerator", f.numerator},
          {"denominator", f.denominator},
          {"rate", http::OrNull(f.rate)},
          {"ci_low", http::OrNull(f.ci_low)},
          {"ci_high", http::OrNull(f.ci_high)},
          {"value", http::OrNull(f.value)},
          {"exposure", http::OrNull(f.exposure)},
          {"gap", http::OrNull(f.gap)},
          {"p_value", http::OrNull(f.p_value)},
          {"significant", f.significant}};
}

Json ToJson(const Period& p, bool proportion) {
  Json j = {{"events", p.events},
            {"rate", http::OrNull(p.rate)},
            {"ci_low", http::OrNull(p.ci_low)},
            {"ci_high", http::OrNull(p.ci_high)}};
  if (proportion)
    j["denominator"] = p.denominator;
  else
    j["patient_months"] = std::round(p.patient_months * 10) / 10;
  return j;
}

Json ToJson(const Change& c) {
  return {{"ratio", http::OrNull(c.ratio)},
          {"ci_low", http::OrNull(c.ci_low)},
          {"ci_high", http::OrNull(c.ci_high)},
          {"significant", c.ci_low && c.ci_high && (*c.ci_high < 1 || *c.ci_low > 1)}};
}

Json ToJson(const EvaluatedCohort& c) {
  Json measures = Json::array();
  for (const EvaluatedMeasure& m : c.measures) {
    const bool proportion = m.unit == "rate";
    measures.push_back({{"key", m.key},
                        {"name", m.name},
                        {"unit", m.unit},
                        {"before", ToJson(m.before, proportion)},
                        {"after", ToJson(m.after, proportion)},
                        {"change", ToJson(m.change)}});
  }
  return {{"group", c.group},
          {"patients", c.patients},
          {"complete_follow_up", c.complete_follow_up},
          {"measures", measures}};
}

}  // namespace

void RegisterRoutes(http::Router& router, Outcomes& outcomes) {
  router.Add(http::Method::kGet, "/api/v1/reports/measure-packs",
             {.permission = auth::Permission::kReadReports},
             [](http::Request&) -> Result<http::Response> {
               Json items = Json::array();
               for (const auto& [key, title] : Packs())
                 items.push_back({{"pack", key}, {"title", title}});
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kGet, "/api/v1/reports/measure-packs/{pack}",
             {.permission = auth::Permission::kReadReports},
             [&outcomes](http::Request& req) -> Result<http::Response> {
               const std::string pack = req.params.at("pack");
               CK_ASSIGN_OR_RETURN(Date from, http::RequiredDateQuery(req, "from"));
               CK_ASSIGN_OR_RETURN(Date to, http::RequiredDateQuery(req, "to"));
               CK_ASSIGN_OR_RETURN(PackReport r,
                                   outcomes.Pack(*req.principal, req.Actor(), pack, from, to));
               Json measures = Json::array(), notes = Json::array();
               for (const PackMeasure& m : r.measures)
                 measures.push_back({{"key", m.key},
                                     {"name", m.name},
                                     {"definition", m.definition},
                                     {"numerator", m.numerator},
                                     {"denominator", m.denominator},
                                     {"pending", m.pending},
                                     {"rate", http::OrNull(m.rate)},
                                     {"ci_low", http::OrNull(m.ci_low)},
                                     {"ci_high", http::OrNull(m.ci_high)}});
               for (const std::string& n : r.notes) notes.push_back(n);
               Json out = {{"pack", r.pack},           {"title", r.title},
                           {"from", FormatDate(from)}, {"to", FormatDate(to)},
                           {"measures", measures},     {"notes", notes}};
               if (req.Query("format").value_or("json") != "json") {
                 // The measures alone: the CSV's one table.
                 return reports::Respond(req, {{"measures", measures}}, "measure-pack-" + pack);
               }
               return http::JsonResponse(200, out);
             });

  router.Add(
      http::Method::kGet, "/api/v1/reports/program-evaluation",
      {.permission = auth::Permission::kReadReports},
      [&outcomes](http::Request& req) -> Result<http::Response> {
        EvaluationRequest r;
        auto program = req.Query("program");
        if (!program || program->empty()) return InvalidArgument("is required", "program");
        r.program = *program;
        CK_ASSIGN_OR_RETURN(r.from, http::RequiredDateQuery(req, "from"));
        CK_ASSIGN_OR_RETURN(r.to, http::RequiredDateQuery(req, "to"));
        CK_ASSIGN_OR_RETURN(auto months, req.IntQuery("months", 1, 24));
        r.months = static_cast<int>(months.value_or(6));
        r.comparison = req.Query("comparison").value_or("utilizers");
        CK_ASSIGN_OR_RETURN(Evaluation e, outcomes.Evaluate(*req.principal, req.Actor(), r));
        Json relative = Json::array();
        for (const auto& [key, change] : e.relative) {
          Json j = ToJson(change);
          j["key"] = key;
          relative.push_back(j);
        }
        Json out = {{"program", r.program},
                    {"from", FormatDate(r.from)},
                    {"to", FormatDate(r.to)},
                    {"months", r.months},
                    {"comparison", r.comparison},
                    {"comparison_index_at", http::TimeOrNull(e.comparison_index)},
                    {"cohorts", {ToJson(e.enrolled), ToJson(e.comparison)}},
                    {"relative", relative}};
        if (req.Query("format").value_or("json") != "json") {
          Json rows = Json::array();
          for (const EvaluatedCohort* c : {&e.enrolled, &e.comparison})
            for (const EvaluatedMeasure& m : c->measures) {
              const bool proportion = m.unit == "rate";
              rows.push_back({{"group", c->group},
                              {"patients", c->patients},
                              {"measure", m.name},
                              {"before_events", m.before.events},
                              {"before_rate", http::OrNull(m.before.rate)},
                              {"before_ci_low", http::OrNull(m.before.ci_low)},
                              {"before_ci_high", http::OrNull(m.before.ci_high)},
                              {"after_events", m.after.events},
                              {"after_rate", http::OrNull(m.after.rate)},
                              {"after_ci_low", http::OrNull(m.after.ci_low)},
                              {"after_ci_high", http::OrNull(m.after.ci_high)},
                              {"ratio", http::OrNull(m.change.ratio)},
                              {"ratio_ci_low", http::OrNull(m.change.ci_low)},
                              {"ratio_ci_high", http::OrNull(m.change.ci_high)},
                              {"unit", proportion ? "proportion" : "per 1,000 patient-months"}});
            }
          return reports::Respond(req, {{"measures", rows}}, "program-evaluation-" + r.program);
        }
        return http::JsonResponse(200, out);
      });

  router.Add(http::Method::kGet, "/api/v1/reports/outcomes",
             {.permission = auth::Permission::kListPatients},
             [&outcomes](http::Request& req) -> Result<http::Response> {
               Filter f;
               CK_ASSIGN_OR_RETURN(f.from, http::RequiredDateQuery(req, "from"));
               CK_ASSIGN_OR_RETURN(f.to, http::RequiredDateQuery(req, "to"));
               f.population = req.Query("population").value_or("case_managed");
               f.program = req.Query("program");
               CK_ASSIGN_OR_RETURN(f.team_id, req.IntQuery("team_id", 1, INT64_MAX));
               CK_ASSIGN_OR_RETURN(f.user_id, req.IntQuery("user_id", 1, INT64_MAX));
               f.payer = req.Query("payer");
               f.age_band = req.Query("age_band");
               f.sex = req.Query("sex");
               f.race = req.Query("race");
               f.ethnicity = req.Query("ethnicity");
               f.language = req.Query("language");
               f.postal_code = req.Query("postal_code");
               std::string by = req.Query("by").value_or("");
               std::vector<std::string> keys;
               if (auto list = req.Query("measures")) {
                 std::string cur;
                 for (char ch : *list + ",") {
                   if (ch == ',') {
                     if (!cur.empty()) keys.push_back(cur);
                     cur.clear();
                   } else {
                     cur += ch;
                   }
                 }
               }
               CK_ASSIGN_OR_RETURN(auto measures,
                                   outcomes.Compute(*req.principal, req.Actor(), f, by, keys));
               Json filters = Json::object();
               for (const char* name : {"program", "team_id", "user_id", "payer", "age_band", "sex",
                                        "race", "ethnicity", "language", "postal_code"})
                 if (auto v = req.Query(name)) filters[name] = *v;
               Json head = {{"from", FormatDate(f.from)},
                            {"to", FormatDate(f.to)},
                            {"population", f.population},
                            {"by", by.empty() ? Json(nullptr) : Json(by)},
                            {"filters", filters}};
               if (req.Query("format").value_or("json") != "json") {
                 // One flat table of figures for the spreadsheet.
                 Json rows = Json::array();
                 for (const Measure& m : measures) {
                   std::vector<const Figure*> figs{&m.overall};
                   for (const Figure& g : m.groups) figs.push_back(&g);
                   for (const Figure* fig : figs) {
                     Json r = ToJson(*fig);
                     r["measure"] = m.name;
                     r["unit"] = m.unit;
                     rows.push_back(std::move(r));
                   }
                 }
                 Json flat = head;
                 flat.erase("filters");
                 flat.erase("by");
                 flat["stratified_by"] = by.empty() ? "none" : by;
                 flat["figures"] = rows;
                 return reports::Respond(req, flat, "outcomes");
               }
               Json items = Json::array();
               for (const Measure& m : measures) {
                 Json groups = Json::array();
                 for (const Figure& g : m.groups) groups.push_back(ToJson(g));
                 items.push_back({{"key", m.key},
                                  {"name", m.name},
                                  {"unit", m.unit},
                                  {"definition", m.definition},
                                  {"overall", ToJson(m.overall)},
                                  {"groups", groups}});
               }
               head["measures"] = items;
               return http::JsonResponse(200, head);
             });
}

}  // namespace ck::outcomes
