#include "cases/routes.h"

#include <algorithm>
#include <charconv>

#include "cases/store.h"
#include "http/json.h"
#include "reports/respond.h"

namespace ck::cases {
namespace {

using http::Json;
using P = auth::Permission;

Json ToJson(const Case& k) {
  Json next = Json::array();
  for (Stage s : NextStages(k.stage)) next.push_back(std::string(StageName(s)));
  return {{"id", k.id},
          {"patient_id", k.patient_id},
          {"program", k.program},
          {"status", std::string(StageName(k.stage))},
          {"allowed_transitions", next},
          {"referral_source", k.referral_source},
          {"referral_reason", k.referral_reason},
          {"urgency", k.urgency},
          {"referred_at", FormatTimestamp(k.referred_at)},
          {"triage_due_at", FormatTimestamp(k.triage_due_at)},
          {"acuity", http::OrNull(k.acuity)},
          {"assigned_user_id", http::OrNull(k.assigned_user_id)},
          {"closure_reason", http::OrNull(k.closure_reason)},
          {"closed_at", http::TimeOrNull(k.closed_at)},
          {"consecutive_unreached_attempts", k.consecutive_unreached},
          {"risk_tier", k.risk_tier ? Json(*k.risk_tier) : Json(nullptr)},
          {"risk_reasons",
           k.risk_reasons ? Json::parse(*k.risk_reasons, nullptr, false) : Json::array()},
          {"version", k.version},
          {"created_at", FormatTimestamp(k.created_at)},
          {"updated_at", FormatTimestamp(k.updated_at)}};
}

// On the triage list: with the patient's name, for a supervisor who does not
// have the patient in a caseload yet.
Json TriageJson(const Case& k) {
  Json j = ToJson(k);
  j["patient_name"] = http::OrNull(k.patient_name);
  return j;
}

Json ToJson(const Note& n) {
  return {{"id", n.id},
          {"case_id", n.case_id},
          {"note_type", n.note_type},
          {"body", n.body},
          {"status", n.status},
          {"author_id", n.author_id},
          {"amends_note_id", http::OrNull(n.amends_note_id)},
          {"created_at", FormatTimestamp(n.created_at)},
          {"updated_at", FormatTimestamp(n.updated_at)},
          {"signed_at", http::TimeOrNull(n.signed_at)},
          {"version", n.version},
          {"attendees",
           [&] {
             Json a = Json::array();
             for (const Attendee& x : n.attendees)
               a.push_back({{"name", x.name}, {"role", x.role}});
             return a;
           }()},
          {"decisions", [&] {
             Json d = Json::array();
             for (const Decision& x : n.decisions)
               d.push_back({{"id", x.id},
                            {"decision", x.decision},
                            {"owner", http::OrNull(x.owner)},
                            {"due_date", http::OrNull(x.due_date)}});
             return d;
           }()}};
}

Result<std::vector<Attendee>> ParseAttendees(const Json& v) {
  if (!v.is_array()) return InvalidArgument("must be an array of {name, role}", "attendees");
  std::vector<Attendee> out;
  for (const Json& a : v) {
    if (!a.is_object()) return InvalidArgument("must be an array of {name, role}", "attendees");
    Status unknown = http::RejectUnknownFields(a, {"name", "role"});
    if (!unknown.ok()) return InvalidArgument("unknown field " + unknown.field(), "attendees");
    auto name = http::RequiredString(a, "name", 200);
    auto role = http::RequiredString(a, "role", 100);
    if (!name.ok() || !role.ok())
      return InvalidArgument("each needs a name and a role (strings)", "attendees");
    out.push_back({*name, *role});
  }
  return out;
}

Result<std::vector<Decision>> ParseDecisions(const Json& v) {
  if (!v.is_array())
    return InvalidArgument("must be an array of {decision, owner, due_date}", "decisions");
  std::vector<Decision> out;
  for (const Json& d : v) {
    if (!d.is_object())
      return InvalidArgument("must be an array of {decision, owner, due_date}", "decisions");
    Status unknown = http::RejectUnknownFields(d, {"decision", "owner", "due_date"});
    if (!unknown.ok()) return InvalidArgument("unknown field " + unknown.field(), "decisions");
    Decision x;
    auto decision = http::RequiredString(d, "decision", 2000);
    auto owner = http::OptionalString(d, "owner", 200);
    auto due = http::OptionalString(d, "due_date", 10);
    if (!decision.ok() || !owner.ok() || !due.ok())
      return InvalidArgument("decision, owner and due_date must be strings", "decisions");
    x.decision = *decision;
    x.owner = *owner;
    x.due_date = *due;
    out.push_back(std::move(x));
  }
  return out;
}

Json ToJson(const Contact& k) {
  return {{"id", k.id},
          {"case_id", k.case_id},
          {"contact_at", FormatTimestamp(k.contact_at)},
          {"method", k.method},
          {"direction", k.direction},
          {"party", k.party},
          {"party_name", http::OrNull(k.party_name)},
          {"outcome", k.outcome},
          {"duration_minutes", k.duration_minutes ? Json(*k.duration_minutes) : Json(nullptr)},
          {"summary", http::OrNull(k.summary)},
          {"recorded_by", k.recorded_by},
          {"created_at", FormatTimestamp(k.created_at)}};
}

Result<int> Version(const Json& body) { return http::RequiredVersion(body); }

// The patient of the note named by the path, for the router's access check.
http::RouteOptions OnNote(P permission) {
  return {.permission = permission,
          .patient_of = [](db::Connection& c, const http::Request& req) -> Result<int64_t> {
            CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("note_id"));
            return PatientOfNote(c, id);
          }};
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& service) {
  router.Add(
      http::Method::kPost, "/api/v1/patients/{patient_id}/cases",
      {.permission = P::kWritePatient, .patient_param = "patient_id"},
      [&service](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(
            body,
            {"program", "referral_source", "referral_reason", "urgency", "referred_at", "acuity"}));
        NewCase n;
        n.patient_id = *req.patient_id;
        CK_ASSIGN_OR_RETURN(n.program, http::RequiredString(body, "program", 60));
        CK_ASSIGN_OR_RETURN(n.referral_source, http::RequiredString(body, "referral_source", 40));
        CK_ASSIGN_OR_RETURN(n.referral_reason, http::RequiredString(body, "referral_reason", 2000));
        CK_ASSIGN_OR_RETURN(auto urgency, http::OptionalString(body, "urgency", 20));
        n.urgency = urgency.value_or("routine");
        CK_ASSIGN_OR_RETURN(n.referred_at, http::OptionalTime(body, "referred_at"));
        CK_ASSIGN_OR_RETURN(n.acuity, http::OptionalString(body, "acuity", 20));
        CK_ASSIGN_OR_RETURN(Case k, service.Refer(*req.principal, req.Actor(), n));
        http::Response r = http::JsonResponse(201, ToJson(k));
        r.headers.emplace_back("Location", "/api/v1/cases/" + std::to_string(k.id));
        return r;
      });

  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/cases",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto list, service.ForPatient(req.Actor(), *req.patient_id));
               Json items = Json::array();
               for (const Case& k : list) items.push_back(ToJson(k));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(
      http::Method::kGet, "/api/v1/cases", {.permission = P::kListPatients},
      [&service](http::Request& req) -> Result<http::Response> {
        auto number = [&](const char* name, int64_t fallback) -> Result<int64_t> {
          CK_ASSIGN_OR_RETURN(auto v, req.IntQuery(name, 0, INT64_MAX));
          return v.value_or(fallback);
        };
        // Referrals waiting for a case manager (supervisors' triage), soonest due first.
        if (req.Query("unassigned").value_or("false") == "true") {
          CK_ASSIGN_OR_RETURN(auto limit, req.IntQuery("limit", 1, 500));
          CK_ASSIGN_OR_RETURN(auto list, service.Unassigned(*req.principal, req.Actor(),
                                                            static_cast<int>(limit.value_or(200))));
          Json items = Json::array();
          for (const Case& k : list) items.push_back(TriageJson(k));
          return http::JsonResponse(200, {{"items", items}, {"next_after", nullptr}});
        }
        CK_ASSIGN_OR_RETURN(int64_t user, number("assigned_user_id", req.principal->user_id));
        CK_ASSIGN_OR_RETURN(int64_t after, number("after", 0));
        CK_ASSIGN_OR_RETURN(int64_t limit, number("limit", 200));
        bool closed = req.Query("include_closed").value_or("false") == "true";
        const std::string sort = req.Query("sort").value_or("id");
        if (sort != "id" && sort != "risk") return InvalidArgument("must be id or risk", "sort");
        // Ranked by risk: the whole caseload (up to 500 cases), highest
        // tier first, unstratified last, then by id; no paging.
        const bool by_risk = sort == "risk";
        if (by_risk) {
          after = 0;
          limit = 500;  // the most a caseload list returns
        }
        CK_ASSIGN_OR_RETURN(
            auto list, service.Caseload(*req.principal, req.Actor(), user, closed, after,
                                        static_cast<int>(std::clamp<int64_t>(limit, 0, 100000))));
        if (by_risk)
          std::stable_sort(list.begin(), list.end(), [](const Case& a, const Case& b) {
            return a.risk_tier.value_or(5) < b.risk_tier.value_or(5);
          });
        Json items = Json::array();
        for (const Case& k : list) items.push_back(ToJson(k));
        Json body = {{"items", items}};
        body["next_after"] = !by_risk && static_cast<int64_t>(list.size()) == limit && !list.empty()
                                 ? Json(list.back().id)
                                 : Json(nullptr);
        return http::JsonResponse(200, body);
      });

  router.Add(http::Method::kGet, "/api/v1/cases/{case_id}", OnCase(P::kReadPatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(Case k, service.Get(req.Actor(), id));
               CK_ASSIGN_OR_RETURN(auto history, service.History(id));
               CK_ASSIGN_OR_RETURN(auto assignments, service.Assignments(id));
               Json j = ToJson(k);
               Json h = Json::array();
               for (const StatusChange& s : history)
                 h.push_back({{"from", http::OrNull(s.from)},
                              {"to", s.to},
                              {"reason", http::OrNull(s.reason)},
                              {"changed_by", http::OrNull(s.changed_by)},
                              {"changed_at", FormatTimestamp(s.changed_at)}});
               j["status_history"] = h;
               Json a = Json::array();
               for (const Assignment& x : assignments)
                 a.push_back({{"user_id", x.user_id},
                              {"assigned_by", http::OrNull(x.assigned_by)},
                              {"assigned_at", FormatTimestamp(x.assigned_at)},
                              {"ended_at", http::TimeOrNull(x.ended_at)},
                              {"reason", http::OrNull(x.reason)}});
               j["assignments"] = a;
               return http::JsonResponse(200, j);
             });

  router.Add(http::Method::kPost, "/api/v1/cases/{case_id}/transitions", OnCase(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(
                   http::RejectUnknownFields(body, {"to", "reason", "closure_reason", "version"}));
               CK_ASSIGN_OR_RETURN(std::string to_name, http::RequiredString(body, "to", 20));
               CK_ASSIGN_OR_RETURN(Stage to, ParseStage(to_name));
               CK_ASSIGN_OR_RETURN(auto reason, http::OptionalString(body, "reason", 2000));
               CK_ASSIGN_OR_RETURN(auto closure, http::OptionalString(body, "closure_reason", 40));
               CK_ASSIGN_OR_RETURN(int version, Version(body));
               CK_ASSIGN_OR_RETURN(Case k, service.Move(*req.principal, req.Actor(), id, to, reason,
                                                        closure, version));
               return http::JsonResponse(200, ToJson(k));
             });

  router.Add(http::Method::kPatch, "/api/v1/cases/{case_id}", OnCase(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"acuity", "version"}));
               if (!body.contains("acuity")) return InvalidArgument("nothing to change", "acuity");
               CK_ASSIGN_OR_RETURN(auto acuity, http::OptionalString(body, "acuity", 20));
               CK_ASSIGN_OR_RETURN(int version, Version(body));
               CK_ASSIGN_OR_RETURN(Case k, service.SetAcuity(req.Actor(), id, acuity, version));
               return http::JsonResponse(200, ToJson(k));
             });

  // Supervisors assign within their team's caseload or take on unassigned
  // referrals: the service checks access, not the router.
  router.Add(
      http::Method::kPost, "/api/v1/cases/{case_id}/assignment", {.permission = P::kManageCareTeam},
      [&service](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"user_id", "reason", "version"}));
        CK_ASSIGN_OR_RETURN(auto user, http::OptionalInt(body, "user_id"));
        if (!user) return InvalidArgument("is required", "user_id");
        CK_ASSIGN_OR_RETURN(auto reason, http::OptionalString(body, "reason", 1000));
        std::optional<int> version;
        if (body.contains("version")) {
          CK_ASSIGN_OR_RETURN(version, Version(body));
        }
        CK_ASSIGN_OR_RETURN(
            Case k, service.Assign(*req.principal, req.Actor(), id, *user, reason, version));
        return http::JsonResponse(200, ToJson(k));
      });

  router.Add(http::Method::kGet, "/api/v1/cases/{case_id}/notes", OnCase(P::kReadPatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(auto notes, service.Notes(req.Actor(), id));
               Json items = Json::array();
               for (const Note& n : notes) items.push_back(ToJson(n));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kPost, "/api/v1/cases/{case_id}/notes", OnCase(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"note_type", "body", "attendees", "decisions"}));
               CK_ASSIGN_OR_RETURN(std::string type, http::RequiredString(body, "note_type", 40));
               CK_ASSIGN_OR_RETURN(std::string text, http::RequiredString(body, "body", 50000));
               std::vector<Attendee> attendees;
               std::vector<Decision> decisions;
               if (body.contains("attendees")) {
                 CK_ASSIGN_OR_RETURN(attendees, ParseAttendees(body["attendees"]));
               }
               if (body.contains("decisions")) {
                 CK_ASSIGN_OR_RETURN(decisions, ParseDecisions(body["decisions"]));
               }
               CK_ASSIGN_OR_RETURN(Note n, service.AddNote(*req.principal, req.Actor(), id, type,
                                                           text, attendees, decisions));
               return http::JsonResponse(201, ToJson(n));
             });

  router.Add(http::Method::kPatch, "/api/v1/notes/{note_id}", OnNote(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("note_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(
                   http::RejectUnknownFields(body, {"body", "version", "attendees", "decisions"}));
               CK_ASSIGN_OR_RETURN(std::string text, http::RequiredString(body, "body", 50000));
               CK_ASSIGN_OR_RETURN(int version, Version(body));
               std::optional<std::vector<Attendee>> attendees;
               std::optional<std::vector<Decision>> decisions;
               if (body.contains("attendees")) {
                 CK_ASSIGN_OR_RETURN(attendees, ParseAttendees(body["attendees"]));
               }
               if (body.contains("decisions")) {
                 CK_ASSIGN_OR_RETURN(decisions, ParseDecisions(body["decisions"]));
               }
               CK_ASSIGN_OR_RETURN(Note n, service.EditNote(*req.principal, req.Actor(), id, text,
                                                            version, attendees, decisions));
               return http::JsonResponse(200, ToJson(n));
             });

  router.Add(http::Method::kPost, "/api/v1/notes/{note_id}/sign", OnNote(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("note_id"));
               CK_ASSIGN_OR_RETURN(Note n, service.SignNote(*req.principal, req.Actor(), id));
               return http::JsonResponse(200, ToJson(n));
             });

  router.Add(http::Method::kPost, "/api/v1/notes/{note_id}/addenda", OnNote(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("note_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"body"}));
               CK_ASSIGN_OR_RETURN(std::string text, http::RequiredString(body, "body", 50000));
               CK_ASSIGN_OR_RETURN(Note n,
                                   service.AddAddendum(*req.principal, req.Actor(), id, text));
               return http::JsonResponse(201, ToJson(n));
             });

  router.Add(http::Method::kGet, "/api/v1/cases/{case_id}/contacts", OnCase(P::kReadPatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(auto list, service.Contacts(req.Actor(), id));
               Json items = Json::array();
               for (const Contact& k : list) items.push_back(ToJson(k));
               return http::JsonResponse(200, {{"items", items}});
             });

  router.Add(http::Method::kPost, "/api/v1/cases/{case_id}/contacts", OnCase(P::kWritePatient),
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(
                   body, {"contact_at", "method", "direction", "party", "party_name", "outcome",
                          "duration_minutes", "summary"}));
               Contact k;
               CK_ASSIGN_OR_RETURN(auto at, http::OptionalTime(body, "contact_at"));
               k.contact_at = at.value_or(0);
               CK_ASSIGN_OR_RETURN(k.method, http::RequiredString(body, "method", 20));
               CK_ASSIGN_OR_RETURN(k.direction, http::RequiredString(body, "direction", 20));
               CK_ASSIGN_OR_RETURN(k.party, http::RequiredString(body, "party", 20));
               CK_ASSIGN_OR_RETURN(k.party_name, http::OptionalString(body, "party_name", 200));
               CK_ASSIGN_OR_RETURN(k.outcome, http::RequiredString(body, "outcome", 20));
               CK_ASSIGN_OR_RETURN(auto minutes, http::OptionalInt(body, "duration_minutes"));
               if (minutes)
                 k.duration_minutes = static_cast<int>(std::clamp<int64_t>(*minutes, -1, 100000));
               CK_ASSIGN_OR_RETURN(k.summary, http::OptionalString(body, "summary", 10000));
               CK_ASSIGN_OR_RETURN(Contact out,
                                   service.LogContact(*req.principal, req.Actor(), id, k));
               return http::JsonResponse(201, ToJson(out));
             });

  router.Add(http::Method::kGet, "/api/v1/caseloads", {.permission = P::kManageCareTeam},
             [&service](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto lines, service.Caseloads(*req.principal));
               Json items = Json::array();
               for (const CaseloadLine& l : lines)
                 items.push_back({{"user_id", l.user_id},
                                  {"username", l.username},
                                  {"display_name", l.display_name},
                                  {"open_cases", l.open_cases},
                                  {"acuity_weighted_load", l.weighted_load}});
               return reports::Respond(req, {{"items", items}}, "caseloads");
             });
}

namespace {

Json ToJson(const DirectoryEntry& e) {
  return {{"id", e.id},
          {"kind", e.kind},
          {"name", e.name},
          {"role", http::OrNull(e.role)},
          {"organisation", http::OrNull(e.organisation)},
          {"phone", http::OrNull(e.phone)},
          {"fax", http::OrNull(e.fax)},
          {"email", http::OrNull(e.email)},
          {"secure_message_address", http::OrNull(e.secure_message_address)},
          {"active", e.active},
          {"version", e.version}};
}

Json ToJson(const TeamMember& m) {
  return {{"id", http::OrNull(m.id)},
          {"kind", m.kind},
          {"name", m.name},
          {"role", m.role},
          {"user_id", http::OrNull(m.user_id)},
          {"directory_entry_id", http::OrNull(m.directory_entry_id)},
          {"relationship_id", http::OrNull(m.relationship_id)},
          {"phone", http::OrNull(m.phone)}};
}

// Applies the fields present in `body` to `e` (null clears an optional one).
Status ApplyEntry(const Json& body, DirectoryEntry& e, bool creating) {
  CK_RETURN_IF_ERROR(
      http::RejectUnknownFields(body, {"kind", "name", "role", "organisation", "phone", "fax",
                                       "email", "secure_message_address", "active", "version"}));
  if (creating || body.contains("kind")) {
    CK_ASSIGN_OR_RETURN(e.kind, http::RequiredString(body, "kind", 20));
  }
  if (creating || body.contains("name")) {
    CK_ASSIGN_OR_RETURN(e.name, http::RequiredString(body, "name", 200));
  }
  for (auto [key, field] :
       {std::pair{"role", &e.role}, std::pair{"organisation", &e.organisation},
        std::pair{"phone", &e.phone}, std::pair{"fax", &e.fax}, std::pair{"email", &e.email},
        std::pair{"secure_message_address", &e.secure_message_address}}) {
    if (!body.contains(key)) continue;
    CK_ASSIGN_OR_RETURN(*field, http::OptionalString(body, key, 254));
  }
  if (body.contains("active")) {
    CK_ASSIGN_OR_RETURN(auto active, http::OptionalBool(body, "active"));
    e.active = active.value_or(true);
  }
  return Status::Ok();
}

}  // namespace

void RegisterDirectoryRoutes(http::Router& router, Directory& directory) {
  router.Add(http::Method::kGet, "/api/v1/directory", {.permission = P::kListPatients},
             [&directory](http::Request& req) -> Result<http::Response> {
               int limit = 50;
               if (auto l = req.Query("limit")) {
                 auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
                 if (ec != std::errc() || end != l->data() + l->size())
                   return InvalidArgument("must be an integer", "limit");
               }
               CK_ASSIGN_OR_RETURN(auto list,
                                   directory.Search(req.Query("name"), req.Query("kind"), limit));
               Json items = Json::array();
               for (const DirectoryEntry& e : list) items.push_back(ToJson(e));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(http::Method::kPost, "/api/v1/directory", {.permission = P::kWritePatient},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               DirectoryEntry e;
               CK_RETURN_IF_ERROR(ApplyEntry(body, e, true));
               CK_ASSIGN_OR_RETURN(DirectoryEntry out, directory.Add(req.Actor(), e));
               return http::JsonResponse(201, ToJson(out));
             });
  router.Add(http::Method::kGet, "/api/v1/directory/{entry_id}", {.permission = P::kListPatients},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("entry_id"));
               CK_ASSIGN_OR_RETURN(DirectoryEntry e, directory.Get(id));
               return http::JsonResponse(200, ToJson(e));
             });
  router.Add(http::Method::kPatch, "/api/v1/directory/{entry_id}", {.permission = P::kWritePatient},
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("entry_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_ASSIGN_OR_RETURN(int version, Version(body));
               CK_ASSIGN_OR_RETURN(DirectoryEntry e, directory.Get(id));
               CK_RETURN_IF_ERROR(ApplyEntry(body, e, false));
               CK_ASSIGN_OR_RETURN(DirectoryEntry out, directory.Change(req.Actor(), e, version));
               return http::JsonResponse(200, ToJson(out));
             });
  router.Add(http::Method::kGet, "/api/v1/cases/{case_id}/team", OnCase(P::kReadPatient),
             [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(auto team, directory.Team(req.Actor(), id));
               Json items = Json::array();
               for (const TeamMember& m : team) items.push_back(ToJson(m));
               return http::JsonResponse(200, {{"items", items}});
             });
  router.Add(
      http::Method::kPost, "/api/v1/cases/{case_id}/team", OnCase(P::kWritePatient),
      [&directory](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(
            http::RejectUnknownFields(body, {"directory_entry_id", "relationship_id", "role"}));
        TeamAddition add;
        CK_ASSIGN_OR_RETURN(add.directory_entry_id, http::OptionalInt(body, "directory_entry_id"));
        CK_ASSIGN_OR_RETURN(add.relationship_id, http::OptionalInt(body, "relationship_id"));
        CK_ASSIGN_OR_RETURN(std::string role, http::RequiredString(body, "role", 100));
        CK_ASSIGN_OR_RETURN(TeamMember m,
                            directory.AddToCase(*req.principal, req.Actor(), id, add, role));
        return http::JsonResponse(201, ToJson(m));
      });
  router.Add(http::Method::kDelete, "/api/v1/cases/{case_id}/team/{member_id}",
             OnCase(P::kWritePatient), [&directory](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(int64_t member, req.IdParam("member_id"));
               CK_RETURN_IF_ERROR(directory.RemoveFromCase(req.Actor(), id, member));
               return http::JsonResponse(200, {{"removed", member}});
             });
}

void RegisterDocumentRoutes(http::Router& router, Documents& documents) {
  auto info_json = [](const DocumentInfo& d) {
    return Json{{"id", d.id},
                {"case_id", http::OrNull(d.case_id)},
                {"doc_type", d.doc_type},
                {"title", d.title},
                {"document_date", http::OrNull(d.document_date)},
                {"source", http::OrNull(d.source)},
                {"content_type", d.content_type},
                {"size_bytes", d.size_bytes},
                {"sha256", d.sha256},
                {"uploaded_by", http::OrNull(d.uploaded_by)},
                {"uploaded_at", FormatTimestamp(d.uploaded_at)},
                {"content_url", "/api/v1/documents/" + std::to_string(d.id) + "/content"}};
  };
  router.Add(http::Method::kGet, "/api/v1/patients/{patient_id}/documents",
             {.permission = P::kReadPatient, .patient_param = "patient_id"},
             [&documents, info_json](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(auto list, documents.List(req.Actor(), *req.patient_id));
               Json items = Json::array();
               for (const DocumentInfo& d : list) items.push_back(info_json(d));
               return http::JsonResponse(200, {{"items", items}});
             });
  // The body is the document itself, typed by Content-Type; its description
  // comes in the query string.
  router.Add(http::Method::kPost, "/api/v1/patients/{patient_id}/documents",
             {.permission = P::kWritePatient, .patient_param = "patient_id"},
             [&documents, info_json](http::Request& req) -> Result<http::Response> {
               DocumentInfo d;
               d.patient_id = *req.patient_id;
               d.doc_type = req.Query("doc_type").value_or("");
               d.title = req.Query("title").value_or("");
               d.document_date = req.Query("document_date");
               d.source = req.Query("source");
               if (auto k = req.Query("case_id")) {
                 int64_t value = 0;
                 auto [end, ec] = std::from_chars(k->data(), k->data() + k->size(), value);
                 if (ec != std::errc() || end != k->data() + k->size() || value < 1)
                   return InvalidArgument("must be a case id", "case_id");
                 d.case_id = value;
               }
               d.content_type = std::string(req.Header("content-type"));
               CK_ASSIGN_OR_RETURN(DocumentInfo out,
                                   documents.Upload(*req.principal, req.Actor(), d, req.body));
               return http::JsonResponse(201, info_json(out));
             });
  router.Add(http::Method::kGet, "/api/v1/documents/{document_id}/content",
             {.permission = P::kReadPatient,
              .patient_of = [](db::Connection& c, const http::Request& req) -> Result<int64_t> {
                CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("document_id"));
                return PatientOfDocument(c, id);
              }},
             [&documents](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("document_id"));
               CK_ASSIGN_OR_RETURN(auto doc, documents.Open(req.Actor(), id));
               http::Response r;
               r.content_type = doc.first.content_type;
               r.body = std::move(doc.second);
               // Always a download, never rendered in the app's origin.
               r.headers.emplace_back("Content-Disposition",
                                      "attachment; filename=\"document-" + std::to_string(id) +
                                          "." + std::string(ExtensionFor(doc.first.content_type)) +
                                          "\"");
               r.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'");
               return r;
             });
}

http::RouteOptions OnCase(auth::Permission permission) {
  return {.permission = permission,
          .patient_of = [](db::Connection& c, const http::Request& req) -> Result<int64_t> {
            CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("case_id"));
            return PatientOfCase(c, id);
          }};
}

}  // namespace ck::cases
