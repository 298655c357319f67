#include "outcomes/routes.h"

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

}  // namespace

void RegisterRoutes(http::Router& router, Outcomes& outcomes) {
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
