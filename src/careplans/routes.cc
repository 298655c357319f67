#include "careplans/routes.h"

#include "cases/routes.h"
#include "http/json.h"

namespace ck::careplans {
namespace {

using P = auth::Permission;

Result<std::optional<double>> OptionalNumber(const Json& body, const char* field) {
  if (!body.contains(field) || body[field].is_null()) return std::optional<double>();
  if (!body[field].is_number()) return InvalidArgument("must be a number", field);
  return std::optional<double>(body[field].get<double>());
}

using Handler = std::function<Result<Json>(http::Request&, const Json& body, int64_t plan_id)>;

// A POST or PATCH on one plan, answering with the plan.
void PlanRoute(http::Router& router, http::Method method, const std::string& suffix,
               std::initializer_list<const char*> fields, Handler handler, int status = 200) {
  std::vector<const char*> allowed(fields);
  router.Add(method, "/api/v1/care-plans/{plan_id}" + suffix,
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("care_plans", "plan_id", "care plan")},
             [handler, allowed, status](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               for (const auto& [key, _] : body.items()) {
                 bool ok = std::any_of(allowed.begin(), allowed.end(),
                                       [&](const char* a) { return key == a; });
                 if (!ok) return InvalidArgument("unknown field", key);
               }
               CK_ASSIGN_OR_RETURN(Json plan, handler(req, body, id));
               return http::JsonResponse(status, plan);
             });
}

}  // namespace

void RegisterRoutes(http::Router& router, Service& plans) {
  router.Add(
      http::Method::kPost, "/api/v1/cases/{case_id}/care-plans", cases::OnCase(P::kWritePatient),
      [&plans](http::Request& req) -> Result<http::Response> {
        CK_ASSIGN_OR_RETURN(int64_t case_id, req.IdParam("case_id"));
        CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
        CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"title", "review_every_days"}));
        CK_ASSIGN_OR_RETURN(std::string title, http::RequiredString(body, "title", 200));
        CK_ASSIGN_OR_RETURN(auto every, http::OptionalInt(body, "review_every_days"));
        if (every && (*every < 0 || *every > 100000))
          return InvalidArgument("must be 7 to 365", "review_every_days");
        CK_ASSIGN_OR_RETURN(Json plan, plans.Create(*req.principal, req.Actor(), case_id, title,
                                                    static_cast<int>(every.value_or(30))));
        return http::JsonResponse(201, plan);
      });
  router.Add(http::Method::kGet, "/api/v1/cases/{case_id}/care-plans",
             cases::OnCase(P::kReadPatient),
             [&plans](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t case_id, req.IdParam("case_id"));
               CK_ASSIGN_OR_RETURN(Json list, plans.ForCase(req.Actor(), case_id));
               return http::JsonResponse(200, {{"items", list}});
             });
  router.Add(http::Method::kGet, "/api/v1/care-plans/{plan_id}",
             {.permission = P::kReadPatient,
              .patient_of = http::PatientOfRecord("care_plans", "plan_id", "care plan")},
             [&plans](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(Json plan, plans.Get(req.Actor(), id));
               return http::JsonResponse(200, plan);
             });
  router.Add(http::Method::kGet, "/api/v1/care-plans/{plan_id}/versions",
             {.permission = P::kReadPatient,
              .patient_of = http::PatientOfRecord("care_plans", "plan_id", "care plan")},
             [&plans](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(Json list, plans.Versions(req.Actor(), id));
               return http::JsonResponse(200, {{"items", list}});
             });

  PlanRoute(
      router, http::Method::kPost, "/problems", {"description", "condition_id"},
      [&plans](http::Request& req, const Json& body, int64_t id) -> Result<Json> {
        CK_ASSIGN_OR_RETURN(std::string d, http::RequiredString(body, "description", 1000));
        CK_ASSIGN_OR_RETURN(auto condition, http::OptionalInt(body, "condition_id"));
        return plans.AddProblem(*req.principal, req.Actor(), id, d, condition);
      },
      201);
  PlanRoute(
      router, http::Method::kPost, "/goals",
      {"description", "problem_id", "measure", "baseline_value", "target_value", "direction",
       "target_text", "target_date", "origin", "status"},
      [&plans](http::Request& req, const Json& body, int64_t id) -> Result<Json> {
        GoalInput g;
        CK_ASSIGN_OR_RETURN(g.description, http::RequiredString(body, "description", 1000));
        CK_ASSIGN_OR_RETURN(g.problem_id, http::OptionalInt(body, "problem_id"));
        CK_ASSIGN_OR_RETURN(g.measure, http::OptionalString(body, "measure", 200));
        CK_ASSIGN_OR_RETURN(g.baseline_value, OptionalNumber(body, "baseline_value"));
        CK_ASSIGN_OR_RETURN(g.target_value, OptionalNumber(body, "target_value"));
        CK_ASSIGN_OR_RETURN(g.direction, http::OptionalString(body, "direction", 20));
        CK_ASSIGN_OR_RETURN(g.target_text, http::OptionalString(body, "target_text", 500));
        CK_ASSIGN_OR_RETURN(g.target_date, http::RequiredString(body, "target_date", 10));
        CK_ASSIGN_OR_RETURN(auto origin, http::OptionalString(body, "origin", 20));
        g.origin = origin.value_or("clinician_set");
        CK_ASSIGN_OR_RETURN(auto status, http::OptionalString(body, "status", 20));
        g.status = status.value_or("active");
        return plans.AddGoal(*req.principal, req.Actor(), id, g);
      },
      201);
  router.Add(http::Method::kPatch, "/api/v1/care-plans/{plan_id}/goals/{goal_id}",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("care_plans", "plan_id", "care plan")},
             [&plans](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(int64_t goal, req.IdParam("goal_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"status", "version"}));
               CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
               CK_ASSIGN_OR_RETURN(std::string to, http::RequiredString(body, "status", 20));
               CK_ASSIGN_OR_RETURN(Json plan, plans.SetGoalStatus(*req.principal, req.Actor(), id,
                                                                  goal, to, version));
               return http::JsonResponse(200, plan);
             });
  router.Add(http::Method::kPost, "/api/v1/care-plans/{plan_id}/goals/{goal_id}/progress",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("care_plans", "plan_id", "care plan")},
             [&plans](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(int64_t goal, req.IdParam("goal_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(
                   http::RejectUnknownFields(body, {"value", "value_text", "note", "measured_at"}));
               CK_ASSIGN_OR_RETURN(auto value, OptionalNumber(body, "value"));
               CK_ASSIGN_OR_RETURN(auto text, http::OptionalString(body, "value_text", 500));
               CK_ASSIGN_OR_RETURN(auto note, http::OptionalString(body, "note", 2000));
               CK_ASSIGN_OR_RETURN(auto at, http::OptionalTime(body, "measured_at"));
               CK_ASSIGN_OR_RETURN(Json plan, plans.AddProgress(*req.principal, req.Actor(), id,
                                                                goal, value, text, note, at));
               return http::JsonResponse(201, plan);
             });
  PlanRoute(
      router, http::Method::kPost, "/interventions",
      {"description", "responsible", "responsible_user_id", "frequency", "goal_id"},
      [&plans](http::Request& req, const Json& body, int64_t id) -> Result<Json> {
        InterventionInput in;
        CK_ASSIGN_OR_RETURN(in.description, http::RequiredString(body, "description", 1000));
        CK_ASSIGN_OR_RETURN(in.responsible, http::RequiredString(body, "responsible", 200));
        CK_ASSIGN_OR_RETURN(in.responsible_user_id, http::OptionalInt(body, "responsible_user_id"));
        CK_ASSIGN_OR_RETURN(in.frequency, http::OptionalString(body, "frequency", 100));
        CK_ASSIGN_OR_RETURN(in.goal_id, http::OptionalInt(body, "goal_id"));
        return plans.AddIntervention(*req.principal, req.Actor(), id, in);
      },
      201);
  router.Add(http::Method::kPatch, "/api/v1/care-plans/{plan_id}/interventions/{intervention_id}",
             {.permission = P::kWritePatient,
              .patient_of = http::PatientOfRecord("care_plans", "plan_id", "care plan")},
             [&plans](http::Request& req) -> Result<http::Response> {
               CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("plan_id"));
               CK_ASSIGN_OR_RETURN(int64_t iv, req.IdParam("intervention_id"));
               CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
               CK_RETURN_IF_ERROR(http::RejectUnknownFields(body, {"status"}));
               CK_ASSIGN_OR_RETURN(std::string to, http::RequiredString(body, "status", 20));
               CK_ASSIGN_OR_RETURN(
                   Json plan, plans.SetInterventionStatus(*req.principal, req.Actor(), id, iv, to));
               return http::JsonResponse(200, plan);
             });
  PlanRoute(router, http::Method::kPost, "/agreement", {"method", "note"},
            [&plans](http::Request& req, const Json& body, int64_t id) -> Result<Json> {
              CK_ASSIGN_OR_RETURN(std::string method, http::RequiredString(body, "method", 20));
              CK_ASSIGN_OR_RETURN(auto note, http::OptionalString(body, "note", 2000));
              return plans.Agree(*req.principal, req.Actor(), id, method, note);
            });
  PlanRoute(router, http::Method::kPost, "/reviews", {"note"},
            [&plans](http::Request& req, const Json& body, int64_t id) -> Result<Json> {
              CK_ASSIGN_OR_RETURN(auto note, http::OptionalString(body, "note", 4000));
              return plans.Review(*req.principal, req.Actor(), id, note);
            });
  PlanRoute(router, http::Method::kPatch, "", {"status", "version"},
            [&plans](http::Request& req, const Json& body, int64_t id) -> Result<Json> {
              CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
              CK_ASSIGN_OR_RETURN(std::string to, http::RequiredString(body, "status", 20));
              return plans.Close(*req.principal, req.Actor(), id, to, version);
            });
}

}  // namespace ck::careplans
