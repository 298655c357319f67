#include "app/routes.h"

#include "assessments/routes.h"
#include "audit/routes.h"
#include "auth/routes.h"
#include "careplans/routes.h"
#include "cases/routes.h"
#include "education/routes.h"
#include "http/json.h"
#include "http/openapi.h"
#include "insurance/routes.h"
#include "interop/fhir/routes.h"
#include "outcomes/routes.h"
#include "patients/routes.h"
#include "reports/routes.h"
#include "risk/routes.h"
#include "scheduling/routes.h"
#include "social/routes.h"
#include "supervision/routes.h"
#include "tasks/routes.h"
#include "transitions/routes.h"
#include "worklist/routes.h"

namespace ck::app {

void MountRoutes(http::Router& router, Services& s) {
  router.Add(http::Method::kGet, "/healthz", {.on_io_thread = true},
             [](http::Request&) -> Result<http::Response> {
               http::Response r;
               r.body = R"({"status":"ok"})";
               return r;
             });
  router.Add(http::Method::kGet, "/metrics", {.on_io_thread = true},
             [&s](http::Request&) -> Result<http::Response> {
               http::Response r;
               r.content_type = "text/plain; version=0.0.4";
               r.body = s.metrics.Render();
               return r;
             });
  // What every screen needs to know of the organisation: its time zone and
  // today there (dates are the organisation's days), its programs and the
  // payers on record (report filters), and how far ahead a worklist item may
  // be snoozed.
  router.Add(
      http::Method::kGet, "/api/v1/organisation", {.permission = auth::Permission::kViewOwnAccount},
      [&s](http::Request&) -> Result<http::Response> {
        http::Json programs = http::Json::array(), payers = http::Json::array();
        CK_RETURN_IF_ERROR(s.db.Read([&](db::Connection& c) -> Status {
          programs = http::Json::array();
          payers = http::Json::array();
          CK_RETURN_IF_ERROR(c.ForEachRow(
              "SELECT code, name FROM programs ORDER BY name", {}, [&](const db::Row& r) {
                programs.push_back({{"code", r.Text(0)}, {"name", r.Text(1)}});
                return Status::Ok();
              }));
          return c.ForEachRow("SELECT DISTINCT payer FROM coverages ORDER BY payer LIMIT 500", {},
                              [&](const db::Row& r) {
                                payers.push_back(r.Text(0));
                                return Status::Ok();
                              });
        }));
        return http::JsonResponse(200, {{"time_zone", s.time_zone.name()},
                                        {"today", FormatDate(s.time_zone.LocalDate(s.clock.Now()))},
                                        {"programs", programs},
                                        {"payers", payers},
                                        {"snooze_max_days", s.worklist.rules().snooze_max_days}});
      });
  auth::RegisterRoutes(router, s.authenticator, s.accounts);
  patients::RegisterRoutes(router, s.patients);
  patients::RegisterClinicalRoutes(router, s.clinical);
  patients::RegisterTimelineRoute(router, s.db, s.clock);
  patients::RegisterConsentRoutes(router, s.consents);
  cases::RegisterRoutes(router, s.cases);
  cases::RegisterDirectoryRoutes(router, s.directory);
  cases::RegisterDocumentRoutes(router, s.documents);
  assessments::RegisterRoutes(router, s.assessments, s.alerts);
  risk::RegisterRoutes(router, s.db, s.clock, s.tier_rules);
  tasks::RegisterRoutes(router, s.tasks);
  careplans::RegisterRoutes(router, s.care_plans);
  worklist::RegisterRoutes(router, s.worklist);
  scheduling::RegisterRoutes(router, s.appointments);
  education::RegisterRoutes(router, s.education);
  insurance::RegisterRoutes(router, s.insurance);
  social::RegisterRoutes(router, s.social, s.resources, s.partner_url);
  reports::RegisterRoutes(router, s.db, s.clock);
  outcomes::RegisterRoutes(router, s.outcomes);
  supervision::RegisterRoutes(router, s.supervision, s.cases, s.clock, s.time_zone);
  transitions::RegisterRoutes(router, s.transitions);
  audit::RegisterRoutes(router, s.db, s.clock);
  fhir::RegisterRoutes(router, s.db, s.clock, s.encounter_observer);
  // Last, so that it describes every route above.
  router.Add(http::Method::kGet, "/api/v1/openapi.json", {},
             [&router](http::Request&) -> Result<http::Response> {
               http::Response r;
               r.body = http::OpenApiDocument(router, CK_VERSION);
               return r;
             });
}

}  // namespace ck::app
