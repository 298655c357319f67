#include "careplans/service.h"

#include <algorithm>

#include "audit/trail.h"
#include "core/strings.h"

namespace ck::careplans {
namespace {

Json Opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptInt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptTime(const std::optional<int64_t>& v) {
  return v ? Json(FormatTimestamp(*v)) : Json(nullptr);
}
Json OptReal(const db::Row& r, size_t i) { return r.IsNull(i) ? Json(nullptr) : Json(r.Real(i)); }

Status Text(const std::string& v, const char* field, size_t max) {
  if (v.empty()) return InvalidArgument("is required", field);
  if (v.size() > max)
    return InvalidArgument("must be at most " + std::to_string(max) + " bytes", field);
  return Status::Ok();
}

// The whole plan as one document: what reads return and what versions keep.
Result<Json> LoadPlan(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT id, case_id, patient_id, title, status, review_every_days, last_reviewed_at, "
              "next_review_due, agreed_at, agreement_method, agreement_note, created_by, "
              "created_at, updated_at, version FROM care_plans WHERE id = ?",
              {id}));
  if (rows.empty()) return NotFound("no care plan " + std::to_string(id), "plan_id");
  const db::Row& r = rows.at(0);
  Json plan = {{"id", r.Int(0)},
               {"case_id", r.Int(1)},
               {"patient_id", r.Int(2)},
               {"title", r.Text(3)},
               {"status", r.Text(4)},
               {"review_every_days", r.Int(5)},
               {"last_reviewed_at", OptTime(r.OptInt(6))},
               {"next_review_due", FormatTimestamp(r.Int(7))},
               {"agreement",
                {{"agreed_at", OptTime(r.OptInt(8))},
                 {"method", Opt(r.OptText(9))},
                 {"note", Opt(r.OptText(10))}}},
               {"created_by", OptInt(r.OptInt(11))},
               {"created_at", FormatTimestamp(r.Int(12))},
               {"updated_at", FormatTimestamp(r.Int(13))},
               {"version", r.Int(14)}};
  Json problems = Json::array();
  CK_ASSIGN_OR_RETURN(auto ps, c.Query("SELECT id, description, condition_id, status, created_at "
                                       "FROM care_plan_problems WHERE care_plan_id = ? ORDER BY id",
                                       {id}));
  for (const db::Row& p : ps)
    problems.push_back({{"id", p.Int(0)},
                        {"description", p.Text(1)},
                        {"condition_id", OptInt(p.OptInt(2))},
                        {"status", p.Text(3)},
                        {"created_at", FormatTimestamp(p.Int(4))}});
  plan["problems"] = problems;
  CK_ASSIGN_OR_RETURN(
      auto gs, c.Query("SELECT id, problem_id, description, measure, baseline_value, target_value, "
                       "direction, target_text, target_date, origin, status, status_changed_at, "
                       "version FROM care_plan_goals WHERE care_plan_id = ? ORDER BY id",
                       {id}));
  Json goals = Json::array();
  for (const db::Row& g : gs) {
    Json goal = {{"id", g.Int(0)},
                 {"problem_id", OptInt(g.OptInt(1))},
                 {"description", g.Text(2)},
                 {"measure", Opt(g.OptText(3))},
                 {"baseline_value", OptReal(g, 4)},
                 {"target_value", OptReal(g, 5)},
                 {"direction", Opt(g.OptText(6))},
                 {"target_text", Opt(g.OptText(7))},
                 {"target_date", g.Text(8)},
                 {"origin", g.Text(9)},
                 {"status", g.Text(10)},
                 {"status_changed_at", OptTime(g.OptInt(11))},
                 {"version", g.Int(12)}};
    CK_ASSIGN_OR_RETURN(auto pr, c.Query("SELECT value, value_text, note, measured_at, "
                                         "recorded_by FROM care_plan_goal_progress WHERE goal_id "
                                         "= ? ORDER BY measured_at, id",
                                         {g.Int(0)}));
    Json progress = Json::array();
    for (const db::Row& p : pr)
      progress.push_back({{"value", OptReal(p, 0)},
                          {"value_text", Opt(p.OptText(1))},
                          {"note", Opt(p.OptText(2))},
                          {"measured_at", FormatTimestamp(p.Int(3))},
                          {"recorded_by", OptInt(p.OptInt(4))}});
    goal["progress"] = progress;
    // Where the goal stands: the latest value against the target, in its direction.
    Json latest = nullptr;
    for (const Json& p : progress)
      if (!p["value"].is_null()) latest = p["value"];
    goal["latest_value"] = latest;
    bool met = false;
    if (!latest.is_null() && !g.IsNull(5) && !g.IsNull(6)) {
      double v = latest.get<double>(), target = g.Real(5);
      met = g.Text(6) == "decrease" ? v <= target : g.Text(6) == "increase" ? v >= target : false;
    }
    goal["target_met"] = met || g.Text(10) == "achieved";
    goals.push_back(std::move(goal));
  }
  plan["goals"] = goals;
  CK_ASSIGN_OR_RETURN(auto is, c.Query("SELECT id, goal_id, description, responsible, "
                                       "responsible_user_id, frequency, status FROM "
                                       "care_plan_interventions WHERE care_plan_id = ? ORDER BY id",
                                       {id}));
  Json interventions = Json::array();
  for (const db::Row& i : is)
    interventions.push_back({{"id", i.Int(0)},
                             {"goal_id", OptInt(i.OptInt(1))},
                             {"description", i.Text(2)},
                             {"responsible", i.Text(3)},
                             {"responsible_user_id", OptInt(i.OptInt(4))},
                             {"frequency", Opt(i.OptText(5))},
                             {"status", i.Text(6)}});
  plan["interventions"] = interventions;
  return plan;
}

Status Snapshot(db::Connection& c, const Json& plan, const std::string& reason,
                std::optional<int64_t> by, Timestamp now) {
  return c
      .Exec(
          "INSERT INTO care_plan_versions (care_plan_id, patient_id, version, reason, snapshot, "
          "by_user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {plan["id"].get<int64_t>(), plan["patient_id"].get<int64_t>(),
           plan["version"].get<int64_t>(), reason, plan.dump(), by, now})
      .status();
}

Status ValidateGoal(const GoalInput& g) {
  CK_RETURN_IF_ERROR(Text(g.description, "description", 1000));
  CK_RETURN_IF_ERROR(ParseDate(g.target_date, "target_date").status());
  if (!OneOf(g.origin, {"patient_stated", "clinician_set"}))
    return InvalidArgument("must be patient_stated or clinician_set", "origin");
  if (!OneOf(g.status, {"proposed", "active"}))
    return InvalidArgument("must be proposed or active", "status");
  if (g.direction && !OneOf(*g.direction, {"decrease", "increase", "achieve"}))
    return InvalidArgument("must be decrease, increase or achieve", "direction");
  // Measurable: a target value with its direction, or a target state.
  bool numeric = g.target_value.has_value();
  if (numeric && (!g.direction || *g.direction == "achieve"))
    return InvalidArgument("a target value needs a direction: decrease or increase", "direction");
  if (!numeric && !g.target_text)
    return InvalidArgument("give a target_value (with a measure) or a target_text", "target_value");
  if (numeric && !g.measure) return InvalidArgument("is required with a target value", "measure");
  return Status::Ok();
}

Result<int64_t> InsertGoal(db::Connection& c, int64_t plan_id, int64_t patient_id,
                           const GoalInput& g, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO care_plan_goals (care_plan_id, patient_id, problem_id, description, "
              "measure, baseline_value, target_value, direction, target_text, target_date, "
              "origin, status, status_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
              "?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {plan_id, patient_id, g.problem_id, g.description, g.measure, g.baseline_value,
               g.target_value, g.direction, g.target_text, g.target_date, g.origin, g.status, now,
               now, now}));
  return rows.at(0).Int(0);
}

}  // namespace

Result<Json> Service::Create(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                             const std::string& title, int review_every_days) {
  CK_RETURN_IF_ERROR(Text(title, "title", 200));
  if (review_every_days < 7 || review_every_days > 365)
    return InvalidArgument("must be 7 to 365", "review_every_days");
  Timestamp now = clock_.Now();
  Json out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto k,
                        c.Query("SELECT patient_id, status FROM cases WHERE id = ?", {case_id}));
    if (k.empty()) return NotFound("no case " + std::to_string(case_id), "case_id");
    if (k.at(0).Text(1) == "closed") return FailedPrecondition("the case is closed");
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO care_plans (case_id, patient_id, title, status, review_every_days, "
                "next_review_due, created_by, created_at, updated_at) VALUES (?, ?, ?, 'draft', "
                "?, ?, ?, ?, ?) RETURNING id",
                {case_id, k.at(0).Int(0), title, review_every_days,
                 now + static_cast<Timestamp>(review_every_days) * kMillisPerDay, who.user_id, now,
                 now}));
    CK_ASSIGN_OR_RETURN(out, LoadPlan(c, rows.at(0).Int(0)));
    CK_RETURN_IF_ERROR(Snapshot(c, out, "created", who.user_id, now));
    return audit::Append(c,
                         audit::EventBy(actor, now, "care_plan.create", "care_plan",
                                        std::to_string(out["id"].get<int64_t>()), k.at(0).Int(0)));
  }));
  return out;
}

Result<Json> Service::Get(const auth::Actor& actor, int64_t plan_id) {
  Json out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadPlan(c, plan_id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, clock_.Now(), "care_plan.read", "care_plan",
                          std::to_string(plan_id), out["patient_id"].get<int64_t>())));
  return out;
}

Result<Json> Service::ForCase(const auth::Actor& actor, int64_t case_id) {
  Json out = Json::array();
  std::optional<int64_t> patient;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out = Json::array();
    CK_ASSIGN_OR_RETURN(auto ids, c.Query("SELECT id, patient_id FROM care_plans WHERE case_id = "
                                          "? ORDER BY id",
                                          {case_id}));
    for (const db::Row& r : ids) {
      patient = r.Int(1);
      CK_ASSIGN_OR_RETURN(Json plan, LoadPlan(c, r.Int(0)));
      out.push_back(std::move(plan));
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "care_plan.list", "case",
                                           std::to_string(case_id), patient)));
  return out;
}

Result<Json> Service::Versions(const auth::Actor& actor, int64_t plan_id) {
  Json out = Json::array();
  int64_t patient = 0;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out = Json::array();
    return c.ForEachRow(
        "SELECT version, reason, by_user_id, at, snapshot, patient_id FROM care_plan_versions "
        "WHERE care_plan_id = ? ORDER BY version",
        {plan_id}, [&](const db::Row& r) {
          patient = r.Int(5);
          out.push_back({{"version", r.Int(0)},
                         {"reason", r.Text(1)},
                         {"by_user_id", OptInt(r.OptInt(2))},
                         {"at", FormatTimestamp(r.Int(3))},
                         {"plan", Json::parse(r.Text(4), nullptr, false)}});
          return Status::Ok();
        });
  }));
  if (out.empty()) return NotFound("no care plan " + std::to_string(plan_id), "plan_id");
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "care_plan.versions", "care_plan",
                                           std::to_string(plan_id), patient)));
  return out;
}

Result<Json> Service::Change(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                             const std::string& reason,
                             const std::function<Status(db::Connection&, const Json&)>& change,
                             bool allow_closed) {
  Timestamp now = clock_.Now();
  Json out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Json plan, LoadPlan(c, plan_id));
    std::string status = plan["status"];
    if (!allow_closed && status != "draft" && status != "active")
      return FailedPrecondition("the care plan is " + status);
    CK_RETURN_IF_ERROR(change(c, plan));
    CK_RETURN_IF_ERROR(c.Exec("UPDATE care_plans SET version = version + 1, updated_at = ? WHERE "
                              "id = ?",
                              {now, plan_id})
                           .status());
    CK_ASSIGN_OR_RETURN(out, LoadPlan(c, plan_id));
    CK_RETURN_IF_ERROR(Snapshot(c, out, reason, who.user_id, now));
    std::string action = "care_plan." + reason.substr(0, reason.find_first_of(" :"));
    return audit::Append(c, audit::EventBy(actor, now, action, "care_plan", std::to_string(plan_id),
                                           out["patient_id"].get<int64_t>(), reason));
  }));
  return out;
}

Result<Json> Service::AddProblem(const auth::Principal& who, const auth::Actor& actor,
                                 int64_t plan_id, const std::string& description,
                                 std::optional<int64_t> condition_id) {
  CK_RETURN_IF_ERROR(Text(description, "description", 1000));
  return Change(who, actor, plan_id, "problem added", [&](db::Connection& c, const Json& plan) {
    int64_t patient = plan["patient_id"];
    if (condition_id) {
      CK_ASSIGN_OR_RETURN(auto found, c.Query("SELECT 1 FROM conditions WHERE id = ? AND "
                                              "patient_id = ?",
                                              {*condition_id, patient}));
      if (found.empty())
        return InvalidArgument("is not a condition of this patient", "condition_id");
    }
    return c
        .Exec(
            "INSERT INTO care_plan_problems (care_plan_id, patient_id, description, condition_id, "
            "status, created_at) VALUES (?, ?, ?, ?, 'active', ?)",
            {plan_id, patient, description, condition_id, clock_.Now()})
        .status();
  });
}

Result<Json> Service::AddGoal(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                              const GoalInput& g) {
  CK_RETURN_IF_ERROR(ValidateGoal(g));
  return Change(who, actor, plan_id, "goal added", [&](db::Connection& c, const Json& plan) {
    if (g.problem_id) {
      CK_ASSIGN_OR_RETURN(auto found, c.Query("SELECT 1 FROM care_plan_problems WHERE id = ? AND "
                                              "care_plan_id = ?",
                                              {*g.problem_id, plan_id}));
      if (found.empty()) return InvalidArgument("is not a problem of this plan", "problem_id");
    }
    return InsertGoal(c, plan_id, plan["patient_id"].get<int64_t>(), g, clock_.Now()).status();
  });
}

Result<Json> Service::SetGoalStatus(const auth::Principal& who, const auth::Actor& actor,
                                    int64_t plan_id, int64_t goal_id, const std::string& to,
                                    int expected_version) {
  if (!OneOf(to, {"active", "achieved", "not_achieved", "cancelled"}))
    return InvalidArgument("must be one of active, achieved, not_achieved, cancelled", "status");
  return Change(who, actor, plan_id, "goal " + to, [&](db::Connection& c, const Json&) -> Status {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT status, version FROM care_plan_goals WHERE id "
                                           "= ? AND care_plan_id = ?",
                                           {goal_id, plan_id}));
    if (rows.empty()) return NotFound("no goal " + std::to_string(goal_id) + " on this plan");
    std::string from = rows.at(0).Text(0);
    bool final = from == "achieved" || from == "not_achieved" || from == "cancelled";
    if (final || from == to)
      return FailedPrecondition("a goal that is " + from + " cannot become " + to);
    Timestamp now = clock_.Now();
    CK_ASSIGN_OR_RETURN(int64_t n,
                        c.Exec("UPDATE care_plan_goals SET status = ?, status_changed_at = ?, "
                               "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                               {to, now, now, goal_id, expected_version}));
    if (n == 0)
      return Status(ErrorCode::kConflict, "the goal changed meanwhile; reload", "version");
    return Status::Ok();
  });
}

Result<Json> Service::AddProgress(const auth::Principal& who, const auth::Actor& actor,
                                  int64_t plan_id, int64_t goal_id, std::optional<double> value,
                                  const std::optional<std::string>& value_text,
                                  const std::optional<std::string>& note,
                                  std::optional<Timestamp> measured_at) {
  if (!value && !value_text) return InvalidArgument("give a value or a value_text", "value");
  if (value_text && value_text->size() > 500)
    return InvalidArgument("must be at most 500 bytes", "value_text");
  if (note && note->size() > 2000) return InvalidArgument("must be at most 2000 bytes", "note");
  Timestamp now = clock_.Now();
  Timestamp at = measured_at.value_or(now);
  if (at > now + 5 * kMillisPerMinute)
    return InvalidArgument("must not be in the future", "measured_at");
  return Change(who, actor, plan_id, "progress recorded",
                [&](db::Connection& c, const Json& plan) -> Status {
                  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT status FROM care_plan_goals "
                                                         "WHERE id = ? AND care_plan_id = ?",
                                                         {goal_id, plan_id}));
                  if (rows.empty())
                    return NotFound("no goal " + std::to_string(goal_id) + " on this plan");
                  if (rows.at(0).Text(0) == "cancelled")
                    return FailedPrecondition("the goal is cancelled");
                  return c
                      .Exec(
                          "INSERT INTO care_plan_goal_progress (goal_id, patient_id, value, "
                          "value_text, note, measured_at, recorded_by, created_at) VALUES (?, "
                          "?, ?, ?, ?, ?, ?, ?)",
                          {goal_id, plan["patient_id"].get<int64_t>(), value, value_text, note, at,
                           who.user_id, now})
                      .status();
                });
}

Result<Json> Service::AddIntervention(const auth::Principal& who, const auth::Actor& actor,
                                      int64_t plan_id, const InterventionInput& in) {
  CK_RETURN_IF_ERROR(Text(in.description, "description", 1000));
  CK_RETURN_IF_ERROR(Text(in.responsible, "responsible", 200));
  if (in.frequency && in.frequency->size() > 100)
    return InvalidArgument("must be at most 100 bytes", "frequency");
  return Change(who, actor, plan_id, "intervention added",
                [&](db::Connection& c, const Json& plan) -> Status {
                  if (in.goal_id) {
                    CK_ASSIGN_OR_RETURN(auto found,
                                        c.Query("SELECT 1 FROM care_plan_goals WHERE id = ? AND "
                                                "care_plan_id = ?",
                                                {*in.goal_id, plan_id}));
                    if (found.empty())
                      return InvalidArgument("is not a goal of this plan", "goal_id");
                  }
                  Timestamp now = clock_.Now();
                  return c
                      .Exec(
                          "INSERT INTO care_plan_interventions (care_plan_id, patient_id, "
                          "goal_id, description, responsible, responsible_user_id, frequency, "
                          "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                          "'active', ?, ?)",
                          {plan_id, plan["patient_id"].get<int64_t>(), in.goal_id, in.description,
                           in.responsible, in.responsible_user_id, in.frequency, now, now})
                      .status();
                });
}

Result<Json> Service::SetInterventionStatus(const auth::Principal& who, const auth::Actor& actor,
                                            int64_t plan_id, int64_t intervention_id,
                                            const std::string& to) {
  if (!OneOf(to, {"active", "completed", "stopped"}))
    return InvalidArgument("must be one of active, completed, stopped", "status");
  return Change(
      who, actor, plan_id, "intervention " + to, [&](db::Connection& c, const Json&) -> Status {
        CK_ASSIGN_OR_RETURN(
            int64_t n, c.Exec("UPDATE care_plan_interventions SET status = ?, updated_at = ? WHERE "
                              "id = ? AND care_plan_id = ?",
                              {to, clock_.Now(), intervention_id, plan_id}));
        if (n == 0)
          return NotFound("no intervention " + std::to_string(intervention_id) + " on this plan");
        return Status::Ok();
      });
}

Result<Json> Service::Agree(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                            const std::string& method, const std::optional<std::string>& note) {
  if (!OneOf(method, {"verbal", "written", "electronic", "declined"}))
    return InvalidArgument("must be one of verbal, written, electronic, declined", "method");
  if (note && note->size() > 2000) return InvalidArgument("must be at most 2000 bytes", "note");
  if (method == "declined" && (!note || note->empty()))
    return InvalidArgument("say what the patient disagreed with", "note");
  return Change(
      who, actor, plan_id, method == "declined" ? "agreement declined" : "agreed",
      [&](db::Connection& c, const Json& plan) -> Status {
        bool agreed = method != "declined";
        std::string status = plan["status"];
        if (agreed && status == "draft") status = "active";
        return c
            .Exec(
                "UPDATE care_plans SET agreed_at = ?, agreement_method = ?, "
                "agreement_note = ?, status = ? WHERE id = ?",
                {agreed ? db::Value(clock_.Now()) : db::Value(), method, note, status, plan_id})
            .status();
      });
}

Result<Json> Service::Review(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                             const std::optional<std::string>& note) {
  if (note && note->size() > 4000) return InvalidArgument("must be at most 4000 bytes", "note");
  return Change(who, actor, plan_id, note ? "reviewed: " + note->substr(0, 200) : "reviewed",
                [&](db::Connection& c, const Json& plan) -> Status {
                  Timestamp now = clock_.Now();
                  int64_t every = plan["review_every_days"];
                  return c
                      .Exec(
                          "UPDATE care_plans SET last_reviewed_at = ?, next_review_due = ? "
                          "WHERE id = ?",
                          {now, now + every * kMillisPerDay, plan_id})
                      .status();
                });
}

Result<Json> Service::Close(const auth::Principal& who, const auth::Actor& actor, int64_t plan_id,
                            const std::string& to, int expected_version) {
  if (!OneOf(to, {"completed", "revoked"}))
    return InvalidArgument("must be completed or revoked", "status");
  return Change(who, actor, plan_id, to, [&](db::Connection& c, const Json& plan) -> Status {
    if (plan["version"].get<int>() != expected_version)
      return Status(
          ErrorCode::kConflict,
          "the plan changed since version " + std::to_string(expected_version) + "; reload",
          "version");
    return c.Exec("UPDATE care_plans SET status = ? WHERE id = ?", {to, plan_id}).status();
  });
}

Result<int64_t> ProposeGoal(db::Connection& c, int64_t case_id, const std::string& plan_title,
                            GoalInput g, const std::string& reason, Timestamp now) {
  g.status = "proposed";
  CK_RETURN_IF_ERROR(ValidateGoal(g));
  CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT patient_id FROM cases WHERE id = ?", {case_id}));
  if (k.empty()) return NotFound("no case " + std::to_string(case_id), "case_id");
  int64_t patient = k.at(0).Int(0);
  CK_ASSIGN_OR_RETURN(auto plans, c.Query("SELECT id FROM care_plans WHERE case_id = ? AND status "
                                          "IN ('draft', 'active') ORDER BY id DESC LIMIT 1",
                                          {case_id}));
  int64_t plan_id = 0;
  if (plans.empty()) {
    constexpr int kReviewDays = 30;
    CK_ASSIGN_OR_RETURN(
        auto made,
        c.Query("INSERT INTO care_plans (case_id, patient_id, title, status, review_every_days, "
                "next_review_due, created_at, updated_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?) "
                "RETURNING id",
                {case_id, patient, plan_title, kReviewDays,
                 now + static_cast<Timestamp>(kReviewDays) * kMillisPerDay, now, now}));
    plan_id = made.at(0).Int(0);
    CK_ASSIGN_OR_RETURN(Json created, LoadPlan(c, plan_id));
    CK_RETURN_IF_ERROR(Snapshot(c, created, "created: " + reason, std::nullopt, now));
  } else {
    plan_id = plans.at(0).Int(0);
  }
  CK_ASSIGN_OR_RETURN(int64_t goal_id, InsertGoal(c, plan_id, patient, g, now));
  CK_RETURN_IF_ERROR(c.Exec("UPDATE care_plans SET version = version + 1, updated_at = ? WHERE "
                            "id = ?",
                            {now, plan_id})
                         .status());
  CK_ASSIGN_OR_RETURN(Json plan, LoadPlan(c, plan_id));
  CK_RETURN_IF_ERROR(Snapshot(c, plan, "goal proposed: " + reason, std::nullopt, now));
  return goal_id;
}

}  // namespace ck::careplans
