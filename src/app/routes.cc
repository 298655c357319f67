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
