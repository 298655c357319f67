#include "reports/routes.h"

#include "reports/case_file.h"

namespace ck::reports {

void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock) {
  router.Add(
      http::Method::kGet, "/api/v1/cases/{case_id}/file.pdf",
      {.permission = auth::Permission::kReadPatient,
       .patient_of = http::PatientOfRecord("cases", "case_id", "case")},
      [&db, &clock](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
        auto reason = req.Query("reason");
        if (!reason || reason->empty())
          return InvalidArgument("say why the case file is produced", "reason");
        CK_ASSIGN_OR_RETURN(std::string pdf, CaseFilePdf(db, clock, req.Actor(), id, *reason));
        http::Response r;
        r.content_type = "application/pdf";
        r.body = std::move(pdf);
        r.headers.emplace_back("Content-Disposition",
                               "attachment; filename=\"case-" + std::to_string(id) + "-file.pdf\"");
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
      });
}

}  // namespace ck::reports
