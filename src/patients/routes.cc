#include "patients/routes.h"

#include <algorithm>
#include <charconv>

#include "http/json.h"
#include "patients/timeline.h"
#include "patients/validation.h"

namespace ck::patients {
namespace {

using http::Json;
using P = auth::Permission;

Json Opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

// A list or search row: who the patient is, without contact details.
Json SummaryJson(const Patient& p) {
  return {{"id", p.id},
          {"given_name", p.given_name},
          {"family_name", p.family_name},
          {"middle_name", Opt(p.middle_name)},
          {"preferred_name", Opt(p.preferred_name)},
          {"birth_date", p.birth_date},
          {"administrative_sex", p.administrative_sex},
          {"preferred_language", Opt(p.preferred_language)},
          {"version", p.version},
          {"created_at", FormatTimestamp(p.created_at)},
          {"updated_at", FormatTimestamp(p.updated_at)}};
}

Json ToJson(const Patient& p) {
  Json j = SummaryJson(p);
  j["name_suffix"] = Opt(p.name_suffix);
  j["gender_identity"] = Opt(p.gender_identity);
  j["interpreter_needed"] = p.interpreter_needed;
  j["races"] = p.races;
  j["ethnicity"] = Opt(p.ethnicity);
  j["address"] = {{"line1", Opt(p.address.line1)},
                  {"line2", Opt(p.address.line2)},
                  {"city", Opt(p.address.city)},
                  {"state", Opt(p.address.state)},
                  {"postal_code", Opt(p.address.postal_code)},
                  {"country", Opt(p.address.country)}};
  j["email"] = Opt(p.email);
  j["preferred_contact_method"] = Opt(p.preferred_contact_method);
  j["preferred_contact_times"] = Opt(p.preferred_contact_times);
  Json phones = Json::array();
  for (const Phone& ph : p.phones)
    phones.push_back({{"number", ph.number}, {"use", ph.use}, {"preferred", ph.preferred}});
  j["phones"] = phones;
  Json ids = Json::array();
  for (const Identifier& id : p.identifiers)
    ids.push_back({{"id", id.id}, {"system", id.system}, {"value", id.value}, {"kind", id.kind}});
  j["identifiers"] = ids;
  j["merged_into_id"] = p.merged_into_id ? Json(*p.merged_into_id) : Json(nullptr);
  return j;
}

Json ToJson(const Relationship& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"relationship", r.relationship},
          {"phone", Opt(r.phone)},
          {"email", Opt(r.email)},
          {"may_receive_information", r.may_receive_information},
          {"emergency_contact", r.emergency_contact},
          {"version", r.version},
          {"created_at", FormatTimestamp(r.created_at)},
          {"updated_at", FormatTimestamp(r.updated_at)}};
}

// Sets an optional text field from the body when the key is present: a string
// sets it, null clears it.
Status SetOptional(const Json& body, const char* key, size_t max, std::optional<std::string>& out) {
  if (!body.contains(key)) return Status::Ok();
  CK_ASSIGN_OR_RETURN(out, http::OptionalString(body, key, max));
  return Status::Ok();
}

Status SetRequired(const Json& body, const char* key, size_t max, bool creating, std::string& out) {
  if (!creating && !body.contains(key)) return Status::Ok();
  CK_ASSIGN_OR_RETURN(out, http::RequiredString(body, key, max));
  return Status::Ok();
}

Result<std::vector<Phone>> ParsePhones(const Json& v) {
  if (!v.is_array())
    return InvalidArgument("must be an array of {number, use, preferred}", "phones");
  std::vector<Phone> out;
  for (const Json& item : v) {
    if (!item.is_object())
      return InvalidArgument("must be an array of {number, use, preferred}", "phones");
    CK_RETURN_IF_ERROR(http::RejectUnknownFields(item, {"number", "use", "preferred"}));
    Phone ph;
    CK_ASSIGN_OR_RETURN(std::string number, http::RequiredString(item, "number", 40));
    CK_ASSIGN_OR_RETURN(ph.number, NormalizePhone(number, "phones"));
    CK_ASSIGN_OR_RETURN(auto use, http::OptionalString(item, "use", 10));
    ph.use = use.value_or("mobile");
    CK_ASSIGN_OR_RETURN(auto preferred, http::OptionalBool(item, "preferred"));
    ph.preferred = preferred.value_or(false);
    out.push_back(std::move(ph));
  }
  return out;
}

Result<Identifier> ParseIdentifier(const Json& item, const char* field) {
  if (!item.is_object()) return InvalidArgument("must be {system, value, kind}", field);
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(item, {"system", "value", "kind"}));
  Identifier id;
  CK_ASSIGN_OR_RETURN(id.system, http::RequiredString(item, "system", 200));
  CK_ASSIGN_OR_RETURN(id.value, http::RequiredString(item, "value", 100));
  CK_ASSIGN_OR_RETURN(auto kind, http::OptionalString(item, "kind", 10));
  id.kind = kind.value_or("MR");
  return id;
}

// Applies a JSON body to `p`: every field present replaces the stored one
// (null clears an optional field); `creating` requires the four core fields.
Status ApplyPatientJson(const Json& body, bool creating, NewPatient& p) {
  std::vector<const char*> allowed = {"given_name",
                                      "family_name",
                                      "birth_date",
                                      "administrative_sex",
                                      "middle_name",
                                      "name_suffix",
                                      "preferred_name",
                                      "gender_identity",
                                      "preferred_language",
                                      "interpreter_needed",
                                      "races",
                                      "ethnicity",
                                      "address",
                                      "email",
                                      "preferred_contact_method",
                                      "preferred_contact_times",
                                      "phones"};
  if (creating) {
    allowed.push_back("identifiers");
  } else {
    allowed.push_back("version");
  }
  for (const auto& [key, _] : body.items()) {
    if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }) ==
        allowed.end()) {
      if (key == "identifiers")
        return InvalidArgument("change identifiers through /identifiers", "identifiers");
      return InvalidArgument("unknown field", key);
    }
  }
  CK_RETURN_IF_ERROR(SetRequired(body, "given_name", 100, creating, p.given_name));
  CK_RETURN_IF_ERROR(SetRequired(body, "family_name", 100, creating, p.family_name));
  CK_RETURN_IF_ERROR(SetRequired(body, "birth_date", 10, creating, p.birth_date));
  CK_RETURN_IF_ERROR(SetRequired(body, "administrative_sex", 16, creating, p.administrative_sex));
  CK_RETURN_IF_ERROR(SetOptional(body, "middle_name", 100, p.middle_name));
  CK_RETURN_IF_ERROR(SetOptional(body, "name_suffix", 20, p.name_suffix));
  CK_RETURN_IF_ERROR(SetOptional(body, "preferred_name", 100, p.preferred_name));
  CK_RETURN_IF_ERROR(SetOptional(body, "gender_identity", 40, p.gender_identity));
  CK_RETURN_IF_ERROR(SetOptional(body, "preferred_language", 35, p.preferred_language));
  CK_RETURN_IF_ERROR(SetOptional(body, "ethnicity", 40, p.ethnicity));
  CK_RETURN_IF_ERROR(SetOptional(body, "email", 254, p.email));
  CK_RETURN_IF_ERROR(SetOptional(body, "preferred_contact_method", 20, p.preferred_contact_method));
  CK_RETURN_IF_ERROR(SetOptional(body, "preferred_contact_times", 200, p.preferred_contact_times));
  if (body.contains("interpreter_needed")) {
    CK_ASSIGN_OR_RETURN(auto v, http::OptionalBool(body, "interpreter_needed"));
    p.interpreter_needed = v.value_or(false);
  }
  if (body.contains("races")) {
    const Json& v = body["races"];
    p.races.clear();
    if (!v.is_null()) {
      if (!v.is_array()) return InvalidArgument("must be an array of race codes", "races");
      for (const Json& r : v) {
        if (!r.is_string()) return InvalidArgument("must be an array of race codes", "races");
        p.races.push_back(r.get<std::string>());
      }
    }
  }
  if (body.contains("address")) {
    const Json& a = body["address"];
    p.address = {};
    if (!a.is_null()) {
      if (!a.is_object()) return InvalidArgument("must be an object", "address");
      CK_RETURN_IF_ERROR(http::RejectUnknownFields(
          a, {"line1", "line2", "city", "state", "postal_code", "country"}));
      auto field = [&](const char* key, size_t max, std::optional<std::string>& out) -> Status {
        auto v = http::OptionalString(a, key, max);
        if (!v.ok()) return InvalidArgument(v.status().message(), std::string("address.") + key);
        out = *v;
        return Status::Ok();
      };
      CK_RETURN_IF_ERROR(field("line1", 200, p.address.line1));
      CK_RETURN_IF_ERROR(field("line2", 200, p.address.line2));
      CK_RETURN_IF_ERROR(field("city", 100, p.address.city));
      CK_RETURN_IF_ERROR(field("state", 50, p.address.state));
      CK_RETURN_IF_ERROR(field("postal_code", 20, p.address.postal_code));
      CK_RETURN_IF_ERROR(field("country", 2, p.address.country));
    }
  }
  if (body.contains("phones")) {
    p.phones.clear();
    if (!body["phones"].is_null()) {
      CK_ASSIGN_OR_RETURN(p.phones, ParsePhones(body["phones"]));
    }
  }
  if (creating && body.contains("identifiers") && !body["identifiers"].is_null()) {
    const Json& ids = body["identifiers"];
    if (!ids.is_array())
      return InvalidArgument("must be an array of {system, value, kind}", "identifiers");
    for (const Json& item : ids) {
      CK_ASSIGN_OR_RETURN(Identifier id, ParseIdentifier(item, "identifiers"));
      p.identifiers.push_back(std::move(id));
    }
  }
  return Status::Ok();
}

// The version an update was based on: If-Match ("3" or W/"3") or "version" in the body.
Result<int> ExpectedVersion(const http::Request& req, const Json& body) {
  std::string_view match = req.Header("if-match");
  if (!match.empty()) {
    if (match.starts_with("W/")) match.remove_prefix(2);
    if (match.size() >= 2 && match.front() == '"' && match.back() == '"')
      match = match.substr(1, match.size() - 2);
    int v = 0;
    auto [ptr, ec] = std::from_chars(match.data(), match.data() + match.size(), v);
    if (ec != std::errc() || ptr != match.data() + match.size() || v < 1)
      return InvalidArgument("must be the ETag of the version read, such as \"3\"", "If-Match");
    return v;
  }
  if (!body.contains("version"))
    return InvalidArgument("send the version you read (or an If-Match header)", "version");
  return http::RequiredVersion(body);
}

http::Response PatientResponse(int status, const Patient& p) {
  http::Response r = http::JsonResponse(status, ToJson(p));
  r.headers.emplace_back("ETag", "\"" + std::to_string(p.version) + "\"");
  return r;
}

Result<Relationship> ParseRelationship(const Json& body, Relationship r, bool creating) {
  CK_RETURN_IF_ERROR(
      http::RejectUnknownFields(body, {"name", "relationship", "phone", "email",
                                       "may_receive_information", "emergency_contact", "version"}));
  if (creating || body.contains("name")) {
    CK_ASSIGN_OR_RETURN(r.name, http::RequiredString(body, "name", 200));
  }
  if (creating || body.contains("relationship")) {
    CK_ASSIGN_OR_RETURN(r.relationship, http::RequiredString(body, "relationship", 40));
  }
  if (body.contains("phone")) {
    CK_ASSIGN_OR_RETURN(auto phone, http::OptionalString(body, "phone", 40));
    r.phone.reset();
    if (phone) {
      CK_ASSIGN_OR_RETURN(r.phone, NormalizePhone(*phone, "phone"));
    }
  }
  CK_RETURN_IF_ERROR(SetOptional(body, "email", 254, r.email));
  if (body.contains("may_receive_information")) {
    CK_ASSIGN_OR_RETURN(auto v, http::OptionalBool(body, "may_receive_information"));
    r.may_receive_information = v.value_or(false);
  }
  if (body.contains("emergency_contact")) {
    CK_ASSIGN_OR_RETURN(auto v, http::OptionalBool(body, "emergency_contact"));
    r.emergency_contact = v.value_or(false);
  }
  return r;
}

Json ToJson(const CareTeamMember& m) {
  return {{"id", m.id},
          {"user_id", m.user_id},
          {"username", m.username},
          {"display_name", m.display_name},
          {"member_role", m.member_role},
          {"added_at", FormatTimestamp(m.added_at)}};
}

Result<int64_t> QueryInt(const http::Request& req, const char* name, int64_t fallback) {
  auto v = req.Query(name);
  if (!v) return fallback;
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size())
    return InvalidArgument("must be an integer", name);
  return out;
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service) {
  router.Add(http::Method::kPost, "/api/v1/patients", {.permission = P::kWritePatient},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               NewPatient np;
               CK_RETURN_IF_ERROR(ApplyPatientJson(body, /*creating=*/true, np));
               CK_ASSIGN_OR_RETURN(Patient p, service.Create(*req.principal, req.Actor(), np));
               http::Response r = PatientResponse(201, p);
               r.headers.emplace_back("Location", "/api/v1/patients/" + std::to_string(p.id));
               return r;
             });

  // Without search parameters: the caller's visible patients by id. With any of
  // name, birth_date, identifier (and system) or phone: a search among them.
  router.Add(
      http::Method::kGet, "/api/v1/patients", {.permission = P::kListPatients},
      [&service](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 50));
        CK_ASSIGN_OR_RETURN(int64_t after, QueryInt(req, "after", 0));
        if (limit < 1 || limit > 500) return InvalidArgument("must be between 1 and 500", "limit");
        SearchQuery q;
        q.name = req.Query("name");
        q.birth_date = req.Query("birth_date");
        q.identifier = req.Query("identifier");
        q.system = req.Query("system");
        q.phone = req.Query("phone");
        q.after_id = after;
        q.limit = static_cast<int>(limit);
        bool searching = q.name || q.birth_date || q.identifier || q.system || q.phone;
        std::vector<Patient> list;
        if (searching) {
          CK_ASSIGN_OR_RETURN(list, service.Search(*req.principal, req.Actor(), q));
        } else {
          CK_ASSIGN_OR_RETURN(list, service.List(*req.principal, req.Actor(), after, q.limit));
        }
        Json items = Json::array();
        for (const Patient& p : list) items.push_back(SummaryJson(p));
        Json body = {{"items", items}};
        body["next_after"] =
            static_cast<int64_t>(list.size()) == limit ? Json(list.back().id) : Json(nullptr);
        return http::JsonResponse(200, body);
      });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
               CK_ASSIGN_OR_RETURN(Patient p, service.Get(req.Actor(), id));
               return PatientResponse(200, p);
             });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/care-team",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
               CK_ASSIGN_OR_RETURN(auto team, service.CareTeam(req.Actor(), id));
               Json items = Json::array();
               for (const auto& m : team) items.push_back(ToJson(m));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/care-team",
             {.permission = P::kManageCareTeam},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"user_id", "member_role"}));
               CK_ASSIGN_OR_RETURN(auto user_id, http::OptionalInt(body, "user_id"));
               if (!user_id) return InvalidArgument("is required", "user_id");
               CK_ASSIGN_OR_RETURN(auto role, http::OptionalString(body, "member_role", 40));
               CK_ASSIGN_OR_RETURN(
                   auto m, service.AddCareTeamMember(*req.principal, req.Actor(), id, *user_id,
                                                     role.value_or("case_manager")));
               return http::JsonResponse(201, ToJson(m));
             });

  router.Add(
      http::Method::kPost, "/api/v1/patients/{patient_id}/break-glass",
      {.permission = P::kBreakGlass}, [&service](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"reason", "minutes"}));
        CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 1000));
        CK_ASSIGN_OR_RETURN(auto minutes, http::OptionalInt(body, "minutes"));
        int64_t m = minutes.value_or(60);
        if (m < 1 || m > 24 * 60) return InvalidArgument("must be between 1 and 1440", "minutes");
        CK_ASSIGN_OR_RETURN(Timestamp until, service.BreakGlass(*req.principal, req.Actor(), id,
                                                                reason, static_cast<int>(m)));
        return http::JsonResponse(201,
                                  {{"patient_id", id}, {"expires_at", FormatTimestamp(until)}});
      });

  router.Add(http::Method::kPatch, "/api/v1/patients/{patient_id}",
             {.permission = P::kWritePatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("patient_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(int expected, ExpectedVersion(req, body));
               CK_ASSIGN_OR_RETURN(Patient current, service.Get(req.Actor(), id));
               NewPatient changed = current;
               CK_RETURN_IF_ERROR(ApplyPatientJson(body, /*creating=*/false, changed));
               CK_ASSIGN_OR_RETURN(Patient p, service.Update(req.Actor(), id, expected, changed));
               return PatientResponse(200, p);
             });

  router.Add(
      http::Method::kPost, "/api/v1/patients/{patient_id}/identifiers",
      {.permission = P::kWritePatient, .patient_param = "patient_id"},
      [&service](http::Request& req) -> Result<http::Response> {
        int64_t id = *req.patient_id;  // a merged record's survivor
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_ASSIGN_OR_RETURN(Identifier ident, ParseIdentifier(body, "body"));
        CK_ASSIGN_OR_RETURN(Identifier out, service.AddIdentifier(req.Actor(), id, ident));
        return http::JsonResponse(
            201,
            {{"id", out.id}, {"system", out.system}, {"value", out.value}, {"kind", out.kind}});
      });

  router.Add(http::Method::kDelete, "/api/v1/patients/{patient_id}/identifiers/{identifier_id}",
             {.permission = P::kWritePatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               int64_t id = *req.patient_id;  // a merged record's survivor
               CK_ASSIGN_OR_RETURN(int64_t identifier, req.IdParam("identifier_id"));
               CK_RETURN_IF_ERROR(service.RemoveIdentifier(req.Actor(), id, identifier));
               return http::JsonResponse(200, {{"deleted", identifier}});
             });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/relationships",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               int64_t id = *req.patient_id;  // a merged record's survivor
               CK_ASSIGN_OR_RETURN(auto list, service.Relationships(req.Actor(), id));
               Json items = Json::array();
               for (const Relationship& r : list) items.push_back(ToJson(r));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/relationships",
             {.permission = P::kWritePatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               int64_t id = *req.patient_id;  // a merged record's survivor
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               Relationship r;
               r.patient_id = id;
               CK_ASSIGN_OR_RETURN(r, ParseRelationship(body, r, /*creating=*/true));
               CK_ASSIGN_OR_RETURN(Relationship out, service.AddRelationship(req.Actor(), r));
               return http::JsonResponse(201, ToJson(out));
             });

  router.Add(
      http::Method::kPatch, "/api/v1/patients/{patient_id}/relationships/{relationship_id}",
      {.permission = P::kWritePatient, .patient_param = "patient_id"},
      [&service](http::Request& req) -> Result<http::Response> {
        int64_t id = *req.patient_id;  // a merged record's survivor
        CK_ASSIGN_OR_RETURN(int64_t rel_id, req.IdParam("relationship_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_ASSIGN_OR_RETURN(auto list, service.Relationships(req.Actor(), id));
        auto it = std::find_if(list.begin(), list.end(),
                               [&](const Relationship& r) { return r.id == rel_id; });
        if (it == list.end())
          return NotFound("no relationship " + std::to_string(rel_id) + " on this patient");
        CK_ASSIGN_OR_RETURN(Relationship r, ParseRelationship(body, *it, /*creating=*/false));
        CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
        CK_ASSIGN_OR_RETURN(Relationship out, service.ChangeRelationship(req.Actor(), r, version));
        return http::JsonResponse(200, ToJson(out));
      });

  router.Add(http::Method::kDelete, "/api/v1/patients/{patient_id}/relationships/{relationship_id}",
             {.permission = P::kWritePatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               int64_t id = *req.patient_id;  // a merged record's survivor
               CK_ASSIGN_OR_RETURN(int64_t rel_id, req.IdParam("relationship_id"));
               CK_RETURN_IF_ERROR(service.RemoveRelationship(req.Actor(), id, rel_id));
               return http::JsonResponse(200, {{"deleted", rel_id}});
             });

  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/merge",
             {.permission = P::kMergePatients, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               int64_t id = *req.patient_id;  // a merged record's survivor
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"merged_patient_id"}));
               CK_ASSIGN_OR_RETURN(auto merged, http::OptionalInt(body, "merged_patient_id"));
               if (!merged || *merged <= 0)
                 return InvalidArgument("is required", "merged_patient_id");
               CK_ASSIGN_OR_RETURN(Patient p,
                                   service.Merge(*req.principal, req.Actor(), id, *merged));
               return PatientResponse(200, p);
             });
}

void RegisterTimelineRoute(http::Router& router, db::Database& db, const Clock& clock) {
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/timeline",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&db, &clock](http::Request& req) -> Result<http::Response> {
               TimelineQuery q;
               if (auto types = req.Query("types")) {
                 for (size_t start = 0; start <= types->size();) {
                   size_t comma = types->find(',', start);
                   if (comma == std::string::npos) comma = types->size();
                   if (comma > start) q.types.push_back(types->substr(start, comma - start));
                   start = comma + 1;
                 }
               }
               if (auto from = req.Query("from")) {
                 CK_ASSIGN_OR_RETURN(q.from, ParseTimestamp(*from, "from"));
               }
               if (auto before = req.Query("before")) {
                 CK_ASSIGN_OR_RETURN(q.before, ParseTimestamp(*before, "before"));
               }
               q.cursor = req.Query("cursor");
               CK_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 100));
               q.limit = static_cast<int>(std::clamp<int64_t>(limit, -1, 100000));
               CK_ASSIGN_OR_RETURN(auto events,
                                   ReadTimeline(db, clock, req.Actor(), *req.patient_id, q));
               Json items = Json::array();
               for (const TimelineEvent& e : events) {
                 items.push_back({{"at", FormatTimestamp(e.at)},
                                  {"type", e.type},
                                  {"summary", e.summary},
                                  {"case_id", e.case_id ? Json(*e.case_id) : Json(nullptr)},
                                  {"ref", {{"kind", e.ref_kind}, {"id", e.ref_id}}}});
               }
               Json body = {{"items", items}};
               body["next_cursor"] = static_cast<int>(events.size()) == q.limit && !events.empty()
                                         ? Json(CursorOf(events.back()))
                                         : Json(nullptr);
               return http::JsonResponse(200, body);
             });
}

void RegisterConsentRoutes(http::Router& router, Consents& consents) {
  auto to_json = [](const Consent& k) {
    return Json{{"id", k.id},
                {"kind", k.kind},
                {"relationship_id", k.relationship_id ? Json(*k.relationship_id) : Json(nullptr)},
                {"party_name", Opt(k.party_name)},
                {"scope", Opt(k.scope)},
                {"method", k.method},
                {"granted_on", k.granted_on},
                {"expires_on", Opt(k.expires_on)},
                {"revoked_at", k.revoked_at ? Json(FormatTimestamp(*k.revoked_at)) : Json(nullptr)},
                {"revocation_reason", Opt(k.revocation_reason)},
                {"active", k.active},
                {"created_at", FormatTimestamp(k.created_at)}};
  };
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/consents",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&consents, to_json](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto list, consents.List(req.Actor(), *req.patient_id));
               Json items = Json::array();
               for (const Consent& k : list) items.push_back(to_json(k));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/consents",
             {.permission = P::kWritePatient, .patient_param = "patient_id"},
             [&consents, to_json](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"kind", "relationship_id", "party_name", "scope", "method", "granted_on",
                          "expires_on"}));
               Consent k;
               k.patient_id = *req.patient_id;
               CK_ASSIGN_OR_RETURN(k.kind, http::RequiredString(body, "kind", 40));
               CK_ASSIGN_OR_RETURN(k.relationship_id, http::OptionalInt(body, "relationship_id"));
               CK_ASSIGN_OR_RETURN(k.party_name, http::OptionalString(body, "party_name", 200));
               CK_ASSIGN_OR_RETURN(k.scope, http::OptionalString(body, "scope", 1000));
               CK_ASSIGN_OR_RETURN(auto method, http::OptionalString(body, "method", 20));
               k.method = method.value_or("verbal");
               CK_ASSIGN_OR_RETURN(k.granted_on, http::RequiredString(body, "granted_on", 10));
               CK_ASSIGN_OR_RETURN(k.expires_on, http::OptionalString(body, "expires_on", 10));
               CK_ASSIGN_OR_RETURN(Consent out, consents.Record(*req.principal, req.Actor(), k));
               return http::JsonResponse(201, to_json(out));
             });
  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/consents/{consent_id}/revoke",
             {.permission = P::kWritePatient, .patient_param = "patient_id"},
             [&consents, to_json](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("consent_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"reason"}));
               CK_ASSIGN_OR_RETURN(std::string reason, http::RequiredString(body, "reason", 1000));
               CK_ASSIGN_OR_RETURN(Consent out,
                                   consents.Revoke(req.Actor(), *req.patient_id, id, reason));
               return http::JsonResponse(200, to_json(out));
             });
}

}  // namespace ck::patients
