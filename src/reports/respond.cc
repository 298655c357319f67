#include "reports/respond.h"

#include "reports/export.h"

namespace ck::reports {

Result<http::Response> Respond(const http::Request& req, const http::Json& report,
                               const std::string& name) {
  std::string format = req.Query("format").value_or("json");
  if (format == "json") return http::JsonResponse(200, report);
  if (format != "csv" && format != "xlsx")
    return InvalidArgument("must be json, csv or xlsx", "format");
  std::vector<Table> tables = TablesOf(report, name);
  http::Response r;
  if (format == "csv") {
    const Table* pick = tables.empty() ? nullptr : &tables.front();
    std::string suffix;
    if (auto which = req.Query("table")) {
      pick = nullptr;
      std::string names;
      for (const Table& t : tables) {
        if (t.name == *which) pick = &t;
        names += (names.empty() ? "" : ", ") + t.name;
      }
      if (!pick) return InvalidArgument("must be one of the report's tables: " + names, "table");
      if (*which != name) suffix = "-" + *which;
    }
    r.content_type = "text/csv; charset=utf-8";
    r.body = pick ? ToCsv(*pick) : std::string();
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"" + name + suffix + ".csv\"");
    return r;
  }
  CK_ASSIGN_OR_RETURN(r.body, ToXlsx(tables));
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".xlsx\"");
  return r;
}

}  // namespace ck::reports
