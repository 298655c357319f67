#include "social/routes.h"

#include <cmath>

#include "http/json.h"
#include "social/domains.h"

namespace ck::social {
namespace {

using http::Json;
using P = auth::Permission;

Json HistoryJson(const std::vector<HistoryEvent>& history) {
  Json out = Json::array();
  for (const auto& e : history) {
    Json detail = e.detail ? Json::parse(*e.detail, nullptr, false) : Json(nullptr);
    if (detail.is_discarded()) detail = *e.detail;
    out.push_back({{"kind", e.kind},
                   {"detail", detail},
                   {"by_user_id", http::OrNull(e.by_user_id)},
                   {"by_partner", e.by_partner},
                   {"at", FormatTimestamp(e.at)}});
  }
  return out;
}

Json ToJson(const Resource& r) {
  return {{"id", r.id},
          {"organization", r.organization},
          {"service", r.service},
          {"domains", r.domains},
          {"description", http::OrNull(r.description)},
          {"eligibility", http::OrNull(r.eligibility)},
          {"languages", r.languages},
          {"hours", http::OrNull(r.hours)},
          {"phone", http::OrNull(r.phone)},
          {"email", http::OrNull(r.email)},
          {"website", http::OrNull(r.website)},
          {"address_line", http::OrNull(r.address_line)},
          {"city", http::OrNull(r.city)},
          {"state", http::OrNull(r.state)},
          {"postal_code", http::OrNull(r.postal_code)},
          {"latitude", http::OrNull(r.latitude)},
          {"longitude", http::OrNull(r.longitude)},
          {"capacity", r.capacity},
          {"capacity_note", http::OrNull(r.capacity_note)},
          {"capacity_updated_at", http::TimeOrNull(r.capacity_updated_at)},
          {"active", r.active},
          {"created_at", FormatTimestamp(r.created_at)},
          {"updated_at", FormatTimestamp(r.updated_at)},
          {"version", r.version}};
}

Json ToJson(const Barrier& b) {
  return {{"id", b.id},
          {"patient_id", b.patient_id},
          {"case_id", b.case_id},
          {"domain", b.domain},
          {"severity", b.severity},
          {"status", b.status},
          {"source", b.source},
          {"assessment_id", http::OrNull(b.assessment_id)},
          {"problem_id", http::OrNull(b.problem_id)},
          {"description", http::OrNull(b.description)},
          {"outcome", http::OrNull(b.outcome)},
          {"identified_by", http::OrNull(b.identified_by)},
          {"identified_at", FormatTimestamp(b.identified_at)},
          {"closed_at", http::TimeOrNull(b.closed_at)},
          {"updated_at", FormatTimestamp(b.updated_at)},
          {"version", b.version},
          {"history", HistoryJson(b.history)}};
}

Json ToJson(const Referral& f) {
  return {{"id", f.id},
          {"patient_id", f.patient_id},
          {"case_id", f.case_id},
          {"barrier_id", f.barrier_id},
          {"barrier_domain", f.barrier_domain},
          {"resource",
           {{"id", f.resource_id}, {"organization", f.organization}, {"service", f.service}}},
          {"status", f.status},
          {"note", http::OrNull(f.note)},
          {"share_address", f.share_address},
          {"decline_reason", http::OrNull(f.decline_reason)},
          {"outcome_note", http::OrNull(f.outcome_note)},
          {"service_date", http::OrNull(f.service_date)},
          {"consent_id", http::OrNull(f.consent_id)},
          {"created_by", http::OrNull(f.created_by)},
          {"created_at", FormatTimestamp(f.created_at)},
          {"sent_at", http::TimeOrNull(f.sent_at)},
          {"answer_due_at", http::TimeOrNull(f.answer_due_at)},
          {"answered_at", http::TimeOrNull(f.answered_at)},
          {"closed_at", http::TimeOrNull(f.closed_at)},
          {"link_expires_at", http::TimeOrNull(f.link_expires_at)},
          {"overdue", f.overdue},
          {"updated_at", FormatTimestamp(f.updated_at)},
          {"version", f.version},
          {"history", HistoryJson(f.history)}};
}

Json ToJson(const PartnerView& v) {
  return {{"referral_id", v.referral_id},
          {"status", v.status},
          {"organization", v.organization},
          {"service", v.service},
          {"need", v.need},
          {"need_domain", v.need_domain},
          {"patient",
           {{"name", v.patient_name},
            {"phone", v.patient_phone.empty() ? Json(nullptr) : Json(v.patient_phone)},
            {"preferred_language", v.preferred_language},
            {"address", http::OrNull(v.patient_address)},
            {"city_zip", http::OrNull(v.patient_city_zip)}}},
          {"note", http::OrNull(v.note)},
          {"referred_by", v.referred_by},
          {"sent_at", FormatTimestamp(v.sent_at)},
          {"answer_due_at", http::TimeOrNull(v.answer_due_at)},
          {"link_expires_at", FormatTimestamp(v.link_expires_at)},
          {"capacity", v.capacity},
          {"allowed", v.allowed},
          {"today", v.today}};
}

Json ImportJson(const ImportReport& r) {
  Json errors = Json::array();
  for (const auto& e : r.errors)
    errors.push_back({{"line", e.line}, {"field", e.field}, {"message", e.message}});
  return {{"created", r.created},
          {"updated", r.updated},
          {"unchanged", r.unchanged},
          {"rejected", r.errors.size()},
          {"errors", errors}};
}

Result<std::optional<double>> RealQuery(const http::Request& req, const char* name, double lo,
                                        double hi) {
  auto v = req.Query(name);
  if (!v) return std::optional<double>();
  try {
    size_t used = 0;
    double d = std::stod(*v, &used);
    if (used == v->size() && std::isfinite(d) && d >= lo && d <= hi)
      return std::optional<double>(d);
  } catch (...) {
  }
  return InvalidArgument("must be a number from " + std::to_string(static_cast<int>(lo)) + " to " +
                             std::to_string(static_cast<int>(hi)),
                         name);
}

Result<std::optional<double>> OptionalReal(const Json& body, const char* field) {
  if (!body.contains(field) || body[field].is_null()) return std::optional<double>();
  if (!body[field].is_number()) return InvalidArgument("must be a number", field);
  return std::optional<double>(body[field].get<double>());
}

// A resource from a request body; on update, absent fields keep `base`.
Result<Resource> ResourceFrom(const Json& body, Resource base, bool create) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(
      body, {"organization", "service",  "domains",       "description", "eligibility",
             "languages",    "hours",    "phone",         "email",       "website",
             "address_line", "city",     "state",         "postal_code", "latitude",
             "longitude",    "capacity", "capacity_note", "active",      "version"}));
  Resource r = std::move(base);
  for (auto [field, into] :
       {std::pair{"organization", &r.organization}, std::pair{"service", &r.service}}) {
    if (create) {
      CK_ASSIGN_OR_RETURN(*into, http::RequiredString(body, field, 200));
    } else {
      CK_ASSIGN_OR_RETURN(auto v, http::OptionalString(body, field, 200));
      if (v) *into = *v;
    }
  }
  if (create || body.contains("domains")) {
    CK_ASSIGN_OR_RETURN(r.domains, http::OptionalStringList(body, "domains", 40));
  }
  if (body.contains("languages")) {
    CK_ASSIGN_OR_RETURN(r.languages, http::OptionalStringList(body, "languages", 3));
  }
  for (auto [field, into] :
       {std::pair{"description", &r.description}, std::pair{"eligibility", &r.eligibility},
        std::pair{"hours", &r.hours}, std::pair{"phone", &r.phone}, std::pair{"email", &r.email},
        std::pair{"website", &r.website}, std::pair{"address_line", &r.address_line},
        std::pair{"city", &r.city}, std::pair{"state", &r.state},
        std::pair{"postal_code", &r.postal_code}, std::pair{"capacity_note", &r.capacity_note}}) {
    if (body.contains(field)) {
      CK_ASSIGN_OR_RETURN(*into, http::OptionalString(body, field, 2000));
    }
  }
  if (body.contains("latitude")) {
    CK_ASSIGN_OR_RETURN(r.latitude, OptionalReal(body, "latitude"));
  }
  if (body.contains("longitude")) {
    CK_ASSIGN_OR_RETURN(r.longitude, OptionalReal(body, "longitude"));
  }
  CK_ASSIGN_OR_RETURN(auto capacity, http::OptionalString(body, "capacity", 20));
  if (capacity) r.capacity = *capacity;
  CK_ASSIGN_OR_RETURN(auto active, http::OptionalBool(body, "active"));
  if (active) r.active = *active;
  return r;
}

Result<ResourceQuery> QueryFrom(const http::Request& req) {
  ResourceQuery q;
  q.domain = req.Query("domain");
  q.text = req.Query("q");
  q.language = req.Query("language");
  q.postal_code = req.Query("postal_code");
  CK_ASSIGN_OR_RETURN(q.latitude, RealQuery(req, "latitude", -90, 90));
  CK_ASSIGN_OR_RETURN(q.longitude, RealQuery(req, "longitude", -180, 180));
  CK_ASSIGN_OR_RETURN(q.within_miles, RealQuery(req, "within_miles", 0, 500));
  q.include_full = req.Query("include_full") != "false";
  q.include_inactive = req.Query("include_inactive") == "true";
  CK_ASSIGN_OR_RETURN(auto limit, req.IntQuery("limit", 1, 500));
  q.limit = static_cast<int>(limit.value_or(50));
  return q;
}

http::Response SearchResponse(const SearchResult& s) {
  Json items = Json::array();
  for (const ResourceHit& h : s.items) {
    Json j = ToJson(h.resource);
    j["distance_miles"] =
        h.distance_miles ? Json(std::round(*h.distance_miles * 10) / 10) : Json(nullptr);
    items.push_back(std::move(j));
  }
  return http::JsonResponse(200, {{"items", items}, {"origin", http::OrNull(s.origin)}});
}

Json LinkJson(const std::string& partner_url, const SentLink& l) {
  return {{"url", partner_url + "#token=" + l.token},
          {"expires_at", FormatTimestamp(l.expires_at)}};
}

Result<ReferralStep> StepFrom(const Json& body) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(
      body, {"version", "status", "reason", "outcome_note", "service_date", "consent_method"}));
  ReferralStep s;
  CK_ASSIGN_OR_RETURN(s.to, http::RequiredString(body, "status", 30));
  CK_ASSIGN_OR_RETURN(s.reason, http::OptionalString(body, "reason", 1000));
  CK_ASSIGN_OR_RETURN(s.outcome_note, http::OptionalString(body, "outcome_note", 2000));
  CK_ASSIGN_OR_RETURN(s.service_date, http::OptionalString(body, "service_date", 10));
  CK_ASSIGN_OR_RETURN(s.consent_method, http::OptionalString(body, "consent_method", 20));
  return s;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& social, Directory& directory,
                    std::string partner_url) {
  router.Add(http::Method::kGet, "/api/v1/social/domains", {.permission = P::kViewOwnAccount},
             [](http::Request&) -> Result<http::Response> {
               Json items = Json::array();
               for (std::string_view d : kBarrierDomains) items.push_back(d);
               return http::JsonResponse(200, {{"items", items}});
             });

  // The directory.
  router.Add(http::Method::kGet, "/api/v1/resources", {.permission = P::kListPatients},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(ResourceQuery q, QueryFrom(req));
               CK_ASSIGN_OR_RETURN(SearchResult s, directory.Search(q));
               return SearchResponse(s);
             });
  // From the patient's home: their ZIP code is read with their access checked.
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/resources",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(ResourceQuery q, QueryFrom(req));
               if (!q.latitude && !q.postal_code) q.patient_id = *req.patient_id;
               CK_ASSIGN_OR_RETURN(SearchResult s, directory.Search(q));
               return SearchResponse(s);
             });
  router.Add(http::Method::kPost, "/api/v1/resources", {.permission = P::kManageLibrary},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(Resource r, ResourceFrom(body, {}, true));
               CK_ASSIGN_OR_RETURN(Resource made, directory.Create(req.Actor(), r));
               return http::JsonResponse(201, ToJson(made));
             });
  router.Add(http::Method::kPost, "/api/v1/resources/import", {.permission = P::kManageLibrary},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(ImportReport r, directory.ImportCsv(req.Actor(), req.body));
               return http::JsonResponse(200, ImportJson(r));
             });
  router.Add(http::Method::kPost, "/api/v1/zip-centroids/import", {.permission = P::kManageLibrary},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(ImportReport r,
                                   directory.ImportZipCentroids(req.Actor(), req.body));
               return http::JsonResponse(200, ImportJson(r));
             });
  router.Add(http::Method::kGet, "/api/v1/resources/{resource_id}",
             {.permission = P::kListPatients},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("resource_id"));
               CK_ASSIGN_OR_RETURN(Resource r, directory.Get(id));
               return http::JsonResponse(200, ToJson(r));
             });
  router.Add(http::Method::kPatch, "/api/v1/resources/{resource_id}",
             {.permission = P::kManageLibrary},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("resource_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(Resource current, directory.Get(id));
               CK_ASSIGN_OR_RETURN(Resource r, ResourceFrom(body, current, false));
               CK_ASSIGN_OR_RETURN(Resource out, directory.Update(req.Actor(), id, r, version));
               return http::JsonResponse(200, ToJson(out));
             });

  // Barriers.
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/barriers",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&social](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto case_id, req.IntQuery("case_id", 1, INT64_MAX));
               CK_ASSIGN_OR_RETURN(auto list,
                                   social.ForPatient(req.Actor(), *req.patient_id, case_id));
               Json items = Json::array();
               for (const Barrier& b : list) items.push_back(ToJson(b));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(
      http::Method::kPost, "/api/v1/cases/{case_id}/barriers",
      {.permission = P::kWritePatient,
       .patient_of = http::PatientOfRecord("cases", "case_id", "case")},
      [&social](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t case_id, req.IdParam("case_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(
            http::RejectUnknownFields(body, {"domain", "severity", "description", "problem_id"}));
        NewBarrier n;
        CK_ASSIGN_OR_RETURN(n.domain, http::RequiredString(body, "domain", 40));
        CK_ASSIGN_OR_RETURN(auto severity, http::OptionalString(body, "severity", 20));
        n.severity = severity.value_or("moderate");
        CK_ASSIGN_OR_RETURN(n.description, http::OptionalString(body, "description", 2000));
        CK_ASSIGN_OR_RETURN(n.problem_id, http::OptionalInt(body, "problem_id"));
        CK_ASSIGN_OR_RETURN(Barrier b, social.Identify(*req.principal, req.Actor(), case_id, n));
        return http::JsonResponse(201, ToJson(b));
      });
  router.Add(http::Method::kGet, "/api/v1/barriers/{barrier_id}",
             {.permission = P::kReadPatient,
              .patient_of = http::PatientOfRecord("barriers", "barrier_id", "barrier")},
             [&social](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("barrier_id"));
               CK_ASSIGN_OR_RETURN(Barrier b, social.GetBarrier(req.Actor(), id));
               return http::JsonResponse(200, ToJson(b));
             });
  router.Add(
      http::Method::kPatch, "/api/v1/barriers/{barrier_id}",
      {.permission = P::kWritePatient,
       .patient_of = http::PatientOfRecord("barriers", "barrier_id", "barrier")},
      [&social](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("barrier_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"version", "severity", "description", "problem_id", "status", "outcome"}));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        BarrierChange ch;
        CK_ASSIGN_OR_RETURN(ch.severity, http::OptionalString(body, "severity", 20));
        CK_ASSIGN_OR_RETURN(ch.description, http::OptionalString(body, "description", 2000));
        if (body.contains("problem_id") && body["problem_id"].is_null()) {
          ch.unlink_problem = true;
        } else {
          CK_ASSIGN_OR_RETURN(ch.problem_id, http::OptionalInt(body, "problem_id"));
        }
        CK_ASSIGN_OR_RETURN(ch.status, http::OptionalString(body, "status", 30));
        CK_ASSIGN_OR_RETURN(ch.outcome, http::OptionalString(body, "outcome", 2000));
        CK_ASSIGN_OR_RETURN(Barrier b,
                            social.ChangeBarrier(*req.principal, req.Actor(), id, ch, version));
        return http::JsonResponse(200, ToJson(b));
      });

  // Referrals.
  router.Add(
      http::Method::kPost, "/api/v1/barriers/{barrier_id}/referrals",
      {.permission = P::kWritePatient,
       .patient_of = http::PatientOfRecord("barriers", "barrier_id", "barrier")},
      [&social, partner_url](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("barrier_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"resource_id", "note", "share_address", "send", "consent_method"}));
        NewReferral n;
        CK_ASSIGN_OR_RETURN(auto resource, http::OptionalInt(body, "resource_id"));
        if (!resource) return InvalidArgument("is required", "resource_id");
        n.resource_id = *resource;
        CK_ASSIGN_OR_RETURN(n.note, http::OptionalString(body, "note", 2000));
        CK_ASSIGN_OR_RETURN(auto share, http::OptionalBool(body, "share_address"));
        n.share_address = share.value_or(false);
        CK_ASSIGN_OR_RETURN(auto send, http::OptionalBool(body, "send"));
        n.send = send.value_or(false);
        CK_ASSIGN_OR_RETURN(n.consent_method, http::OptionalString(body, "consent_method", 20));
        SentLink link;
        CK_ASSIGN_OR_RETURN(Referral f, social.Refer(*req.principal, req.Actor(), id, n, &link));
        Json out = ToJson(f);
        out["link"] = link.token.empty() ? Json(nullptr) : LinkJson(partner_url, link);
        return http::JsonResponse(201, out);
      });
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/resource-referrals",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&social](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto list,
                                   social.ReferralsForPatient(req.Actor(), *req.patient_id));
               Json items = Json::array();
               for (const Referral& f : list) items.push_back(ToJson(f));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(http::Method::kGet, "/api/v1/resource-referrals/{referral_id}",
             {.permission = P::kReadPatient,
              .patient_of = http::PatientOfRecord("resource_referrals", "referral_id", "referral")},
             [&social](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("referral_id"));
               CK_ASSIGN_OR_RETURN(Referral f, social.GetReferral(req.Actor(), id));
               return http::JsonResponse(200, ToJson(f));
             });
  router.Add(http::Method::kPost, "/api/v1/resource-referrals/{referral_id}/status",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("resource_referrals", "referral_id", "referral")},
             [&social, partner_url](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("referral_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(ReferralStep step, StepFrom(body));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               SentLink link;
               CK_ASSIGN_OR_RETURN(
                   Referral f, social.Step(*req.principal, req.Actor(), id, step, version, &link));
               Json out = ToJson(f);
               out["link"] = link.token.empty() ? Json(nullptr) : LinkJson(partner_url, link);
               return http::JsonResponse(200, out);
             });

  // The organisation's link: public routes, the token in the body.
  router.Add(http::Method::kPost, "/api/v1/partner/referral", {},
             [&social](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"token"}));
               CK_ASSIGN_OR_RETURN(std::string token, http::RequiredString(body, "token", 200));
               CK_ASSIGN_OR_RETURN(PartnerView v, social.PartnerOpen(token, req.request_id));
               return http::JsonResponse(200, ToJson(v));
             });
  router.Add(
      http::Method::kPost, "/api/v1/partner/referral/update", {},
      [&social](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body, {"token", "status", "reason", "outcome_note", "service_date", "capacity",
                   "capacity_note", "responder"}));
        CK_ASSIGN_OR_RETURN(std::string token, http::RequiredString(body, "token", 200));
        PartnerStep s;
        CK_ASSIGN_OR_RETURN(s.to, http::OptionalString(body, "status", 30));
        CK_ASSIGN_OR_RETURN(s.reason, http::OptionalString(body, "reason", 1000));
        CK_ASSIGN_OR_RETURN(s.outcome_note, http::OptionalString(body, "outcome_note", 2000));
        CK_ASSIGN_OR_RETURN(s.service_date, http::OptionalString(body, "service_date", 10));
        CK_ASSIGN_OR_RETURN(s.capacity, http::OptionalString(body, "capacity", 20));
        CK_ASSIGN_OR_RETURN(s.capacity_note, http::OptionalString(body, "capacity_note", 500));
        CK_ASSIGN_OR_RETURN(s.responder, http::OptionalString(body, "responder", 200));
        CK_ASSIGN_OR_RETURN(PartnerView v, social.PartnerAct(token, s, req.request_id));
        return http::JsonResponse(200, ToJson(v));
      });
}

}  // namespace ck::social
