#include "audit/routes.h"

#include <charconv>

#include "audit/trail.h"
#include "http/json.h"

namespace ck::audit {
namespace {

using http::Json;

Result<std::optional<int64_t>> QueryInt(const http::Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v) return std::optional<int64_t>();
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size())
    return InvalidArgument("must be an integer", name);
  return std::optional<int64_t>(out);
}

Result<std::optional<Timestamp>> QueryTime(const http::Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v) return std::optional<Timestamp>();
  CK_ASSIGN_OR_RETURN(Timestamp t, ParseTimestamp(*v, name));
  return std::optional<Timestamp>(t);
}

Json ToJson(const Record& r) {
  return {{"id", r.id},
          {"at", FormatTimestamp(r.at)},
          {"user_id", r.user_id ? Json(*r.user_id) : Json(nullptr)},
          {"username", r.username},
          {"role", r.role},
          {"action", r.action},
          {"entity_type", r.entity_type},
          {"entity_id", r.entity_id},
          {"patient_id", r.patient_id ? Json(*r.patient_id) : Json(nullptr)},
          {"outcome", r.outcome},
          {"request_id", r.request_id},
          {"detail", r.detail},
          {"prev_hash", r.prev_hash},
          {"hash", r.hash}};
}

Event ReadEvent(const http::Request& req, const Clock& clock, std::string action,
                std::string detail) {
  return EventBy(req.Actor(), clock.Now(), std::move(action), "audit_log", "", std::nullopt,
                 std::move(detail));
}

}  // namespace

void RegisterRoutes(http::Router& router, db::Database& db, const Clock& clock) {
  router.Add(
      http::Method::kGet, "/api/v1/audit", {.permission = auth::Permission::kReadAudit},
      [&db, &clock](http::Request& req) -> Result<http::Response> {
        Query q;
        CK_ASSIGN_OR_RETURN(q.patient_id, QueryInt(req, "patient_id"));
        CK_ASSIGN_OR_RETURN(q.user_id, QueryInt(req, "user_id"));
        CK_ASSIGN_OR_RETURN(q.from, QueryTime(req, "from"));
        CK_ASSIGN_OR_RETURN(q.to, QueryTime(req, "to"));
        CK_ASSIGN_OR_RETURN(auto after, QueryInt(req, "after"));
        CK_ASSIGN_OR_RETURN(auto limit, QueryInt(req, "limit"));
        q.after_id = after.value_or(0);
        q.limit = static_cast<int>(limit.value_or(100));
        if (q.limit < 1 || q.limit > 1000)
          return InvalidArgument("must be between 1 and 1000", "limit");
        std::vector<Record> records;
        CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
          CK_ASSIGN_OR_RETURN(records, List(c, q));
          return Status::Ok();
        }));
        Event e = ReadEvent(req, clock, "audit.read", "records=" + std::to_string(records.size()));
        e.patient_id = q.patient_id;
        CK_RETURN_IF_ERROR(AppendNow(db, e));
        Json items = Json::array();
        for (const Record& r : records) items.push_back(ToJson(r));
        Json body = {{"items", items}};
        body["next_after"] =
            static_cast<int>(records.size()) == q.limit ? Json(records.back().id) : Json(nullptr);
        return http::JsonResponse(200, body);
      });

  router.Add(
      http::Method::kGet, "/api/v1/audit/verify", {.permission = auth::Permission::kReadAudit},
      [&db, &clock](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(VerifyReport rep, Verify(db));
        CK_RETURN_IF_ERROR(
            AppendNow(db, ReadEvent(req, clock, "audit.verify", rep.intact ? "intact" : "broken")));
        return http::JsonResponse(
            200,
            {{"intact", rep.intact},
             {"records", rep.records},
             {"first_broken_id", rep.first_broken_id ? Json(*rep.first_broken_id) : Json(nullptr)},
             {"problem", rep.problem},
             {"head_hash", rep.head_hash}});
      });
}

}  // namespace ck::audit
