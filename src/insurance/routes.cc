#include "insurance/routes.h"

#include "http/json.h"
#include "insurance/claims_csv.h"
#include "insurance/packet.h"
#include "reports/respond.h"

namespace ck::insurance {
namespace {

using P = auth::Permission;

http::Response Items(const Json& items) { return http::JsonResponse(200, {{"items", items}}); }

}  // namespace

void RegisterRoutes(http::Router& router, Service& insurance) {
  const http::RouteOptions read{.permission = P::kReadPatient, .patient_param = "patient_id"};
  const http::RouteOptions write{.permission = P::kWritePatient, .patient_param = "patient_id"};

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/coverages/eligibility", read,
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json list, insurance.Coverages(req.Actor(), *req.patient_id));
               return Items(list);
             });
  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/eligibility-checks", write,
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(
                   Json check,
                   insurance.RecordEligibility(*req.principal, req.Actor(), *req.patient_id, body));
               return http::JsonResponse(201, check);
             });

  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/authorizations", write,
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(Json a, insurance.CreateAuthorization(
                                               *req.principal, req.Actor(), *req.patient_id, body));
               return http::JsonResponse(201, a);
             });
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/authorizations", read,
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json list,
                                   insurance.AuthorizationsOf(req.Actor(), *req.patient_id));
               return Items(list);
             });
  router.Add(http::Method::kGet, "/api/v1/authorizations/{authorization_id}",
             {.permission = P::kReadPatient,
              .patient_of = http::PatientOfRecord("prior_authorizations", "authorization_id",
                                                  "authorization")},
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("authorization_id"));
               CK_ASSIGN_OR_RETURN(Json a, insurance.GetAuthorization(req.Actor(), id));
               return http::JsonResponse(200, a);
             });
  router.Add(http::Method::kPost, "/api/v1/authorizations/{authorization_id}/actions",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("prior_authorizations", "authorization_id",
                                                  "authorization")},
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("authorization_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(
                   Json a, insurance.ActOnAuthorization(*req.principal, req.Actor(), id, body));
               return http::JsonResponse(200, a);
             });
  router.Add(http::Method::kPost, "/api/v1/authorizations/{authorization_id}/appeals",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("prior_authorizations", "authorization_id",
                                                  "authorization")},
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("authorization_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(Json p, insurance.OpenAppeal(*req.principal, req.Actor(), id,
                                                                std::nullopt, body));
               return http::JsonResponse(201, p);
             });
  router.Add(http::Method::kPost, "/api/v1/claims/{claim_id}/appeals",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("claims", "claim_id", "claim")},
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("claim_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(Json p, insurance.OpenAppeal(*req.principal, req.Actor(),
                                                                std::nullopt, id, body));
               return http::JsonResponse(201, p);
             });
  router.Add(http::Method::kGet, "/api/v1/appeals/{appeal_id}",
             {.permission = P::kReadPatient,
              .patient_of = http::PatientOfRecord("appeals", "appeal_id", "appeal")},
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("appeal_id"));
               CK_ASSIGN_OR_RETURN(Json p, insurance.GetAppeal(req.Actor(), id));
               return http::JsonResponse(200, p);
             });
  router.Add(http::Method::kPost, "/api/v1/appeals/{appeal_id}/actions",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("appeals", "appeal_id", "appeal")},
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("appeal_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(Json p,
                                   insurance.ActOnAppeal(*req.principal, req.Actor(), id, body));
               return http::JsonResponse(200, p);
             });
  router.Add(http::Method::kGet, "/api/v1/appeals/{appeal_id}/packet.pdf",
             {.permission = P::kReadPatient,
              .patient_of = http::PatientOfRecord("appeals", "appeal_id", "appeal")},
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("appeal_id"));
               CK_ASSIGN_OR_RETURN(Json content, insurance.PacketContent(req.Actor(), id));
               CK_ASSIGN_OR_RETURN(std::string pdf, RenderPacketPdf(content));
               http::Response r;
               r.content_type = "application/pdf";
               r.body = std::move(pdf);
               r.headers.emplace_back(
                   "Content-Disposition",
                   "attachment; filename=\"appeal-" + std::to_string(id) + "-packet.pdf\"");
               return r;
             });

  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/claims", write,
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(Json k, insurance.RecordClaim(*req.principal, req.Actor(),
                                                                 *req.patient_id, body));
               return http::JsonResponse(201, k);
             });
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/claims", read,
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json list, insurance.ClaimsOf(req.Actor(), *req.patient_id));
               return Items(list);
             });
  // A payer's claim extract (text/csv body); any patient's claims, so bulk
  // import rights are needed.
  router.Add(http::Method::kPost, "/api/v1/claims/import", {.permission = P::kImportData},
             [&insurance](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(ClaimImport report,
                                   insurance.ImportClaims(req.Actor(), req.body));
               Json errors = Json::array();
               for (const auto& e : report.errors)
                 errors.push_back({{"line", e.line}, {"field", e.field}, {"message", e.message}});
               return http::JsonResponse(200, {{"imported", report.imported},
                                               {"rejected", report.errors.size()},
                                               {"errors", errors}});
             });

  // The payer rules in force, for screens that offer appeal levels and show clocks.
  router.Add(http::Method::kGet, "/api/v1/insurance/rules", {.permission = P::kViewOwnAccount},
             [&insurance](http::Request&) -> Result<http::Response> {
               auto span = [](const std::optional<Span>& s) {
                 return s ? Json(s->Describe()) : Json(nullptr);
               };
               Json products = Json::array();
               for (const auto& [type, p] : insurance.rules().all()) {
                 Json levels = Json::array();
                 for (const AppealLevel& l : p.appeals)
                   levels.push_back({{"level", l.level},
                                     {"name", l.name},
                                     {"filing", span(l.filing)},
                                     {"filing_from", l.filing_from},
                                     {"presumed_receipt_days", l.presumed_receipt_days},
                                     {"expedited", span(l.expedited)},
                                     {"standard", span(l.standard)},
                                     {"post_service", span(l.post_service)},
                                     {"part_b_drug", span(l.part_b_drug)}});
                 products.push_back({{"product_type", type},
                                     {"name", p.name},
                                     {"prior_auth", p.prior_auth},
                                     {"expedited_decision", span(p.expedited_decision)},
                                     {"standard_decision", span(p.standard_decision)},
                                     {"extension", span(p.extension)},
                                     {"appeals", levels}});
               }
               return http::JsonResponse(
                   200, {{"version", insurance.rules().version()}, {"product_types", products}});
             });
  router.Add(
      http::Method::kGet, "/api/v1/reports/insurance", {.permission = P::kReadReports},
      [&insurance](http::Request& req) -> Result<http::Response> {
        // A time, or a date (its UTC midnight): to=2026-12-01 ends the period
        // before the 1st.
        auto bound = [&](const char* name) -> Result<Timestamp> {
          auto v = req.Query(name);
          if (!v) return InvalidArgument("is required (a date or an ISO-8601 time)", name);
          if (v->size() == 10) {
            CK_ASSIGN_OR_RETURN(Date d, ParseDate(*v, name));
            return static_cast<Timestamp>(std::chrono::sys_days{d}.time_since_epoch().count()) *
                   kMillisPerDay;
          }
          return ParseTimestamp(*v, name);
        };
        CK_ASSIGN_OR_RETURN(Timestamp from, bound("from"));
        CK_ASSIGN_OR_RETURN(Timestamp to, bound("to"));
        CK_ASSIGN_OR_RETURN(Json report, insurance.Report(req.Actor(), from, to));
        return reports::Respond(req, report, "insurance");
      });
}

}  // namespace ck::insurance
