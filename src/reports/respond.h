// A report's HTTP answer in the format asked for: ?format=json (default),
// csv (one table: &table=NAME, default the first) or xlsx (every table a
// sheet), as a download named after the report.
//
//   CK_ASSIGN_OR_RETURN(Json report, insurance.Report(...));
//   return reports::Respond(req, report, "insurance");
#pragma once

#include <string>

#include "http/json.h"

namespace ck::reports {

// InvalidArgument naming `format` or `table` for an unknown one.
Result<http::Response> Respond(const http::Request& req, const http::Json& report,
                               const std::string& name);

}  // namespace ck::reports
