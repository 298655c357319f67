#include "programs/engine.h"

#include <algorithm>

#include "audit/trail.h"
#include "careplans/service.h"
#include "cases/store.h"
#include "education/service.h"
#include "tasks/service.h"

namespace ck::programs {
namespace {

constexpr const char* kConsumer = "programs";

// What an event says about the patient, for conditions.
struct Facts {
  std::string kind;
  int64_t event_id = 0;
  int64_t patient_id = 0;
  Timestamp occurred = 0;
  std::optional<int64_t> entity_id;
  std::optional<std::string> encounter_class, disposition, instrument;
  std::vector<std::string> diagnoses;
  std::optional<double> score;
  std::optional<int> tier;
};

bool Holds(const Condition& c, const Facts& f) {
  auto in = [](const std::vector<std::string>& list, const std::optional<std::string>& v) {
    return list.empty() || (v && std::find(list.begin(), list.end(), *v) != list.end());
  };
  if (!in(c.encounter_classes, f.encounter_class)) return false;
  if (!in(c.dispositions, f.disposition)) return false;
  if (!c.diagnosis_prefixes.empty()) {
    bool any = std::any_of(f.diagnoses.begin(), f.diagnoses.end(), [&](const std::string& d) {
      return std::any_of(c.diagnosis_prefixes.begin(), c.diagnosis_prefixes.end(),
                         [&](const std::string& p) { return d.rfind(p, 0) == 0; });
    });
    if (!any) return false;
  }
  if (c.instrument && f.instrument != c.instrument) return false;
  if (c.score_at_least && (!f.score || *f.score < *c.score_at_least)) return false;
  if (c.risk_tier_at_most && (!f.tier || *f.tier > *c.risk_tier_at_most)) return false;
  return true;
}

Status LoadFacts(db::Connection& c, Facts& f) {
  if (f.kind.rfind("encounter.", 0) == 0 && f.entity_id) {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT encounter_class, discharge_disposition, "
                                           "diagnoses FROM encounters WHERE id = ?",
                                           {*f.entity_id}));
    if (!rows.empty()) {
      f.encounter_class = rows.at(0).OptText(0);
      f.disposition = rows.at(0).OptText(1);
      std::string all = rows.at(0).IsNull(2) ? "" : rows.at(0).Text(2);
      for (size_t start = 0; start < all.size();) {
        size_t comma = all.find(',', start);
        if (comma == std::string::npos) comma = all.size();
        f.diagnoses.push_back(all.substr(start, comma - start));
        start = comma + 1;
      }
    }
    // The patient's recorded conditions count too (a stay coded only with its reason).
    CK_ASSIGN_OR_RETURN(auto conds, c.Query("SELECT code FROM conditions WHERE patient_id = ? AND "
                                            "code_system = 'icd10cm' AND status NOT IN "
                                            "('entered_in_error', 'resolved')",
                                            {f.patient_id}));
    for (const db::Row& r : conds) f.diagnoses.push_back(r.Text(0));
  }
  if (f.kind == "assessment.completed" && f.entity_id) {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT instrument_id, score FROM assessments WHERE id "
                                           "= ? AND status = 'completed'",
                                           {*f.entity_id}));
    if (!rows.empty()) {
      f.instrument = rows.at(0).Text(0);
      if (!rows.at(0).IsNull(1)) f.score = rows.at(0).Real(1);
    }
  }
  CK_ASSIGN_OR_RETURN(
      auto tier, c.Query("SELECT tier FROM patient_risk WHERE patient_id = ?", {f.patient_id}));
  if (!tier.empty()) f.tier = static_cast<int>(tier.at(0).Int(0));
  return Status::Ok();
}

struct OpenCase {
  int64_t id = 0;
  std::string program;
  std::optional<int64_t> assigned;
};

}  // namespace

Result<int> Engine::ProcessPending(int max_events) {
  Timestamp now = clock_.Now();
  int made = 0;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    made = 0;
    CK_ASSIGN_OR_RETURN(auto cursor, c.Query("SELECT last_event_id FROM event_cursors WHERE "
                                             "consumer = ?",
                                             {kConsumer}));
    int64_t last = cursor.empty() ? 0 : cursor.at(0).Int(0);
    if (cursor.empty())
      CK_RETURN_IF_ERROR(
          c.Exec("INSERT INTO event_cursors (consumer, last_event_id) VALUES (?, 0)", {kConsumer})
              .status());
    CK_ASSIGN_OR_RETURN(
        auto events,
        c.Query("SELECT id, kind, patient_id, entity_id, occurred_at FROM domain_events WHERE id > "
                "? ORDER BY id LIMIT ?",
                {last, max_events}));
    audit::Batch audit;
    auth::Actor system;
    system.username = "programs";
    for (const db::Row& e : events) {
      last = e.Int(0);
      Facts f;
      f.event_id = e.Int(0);
      f.kind = e.Text(1);
      if (e.IsNull(2)) continue;
      f.patient_id = e.Int(2);
      f.entity_id = e.OptInt(3);
      f.occurred = e.Int(4);
      bool referral = f.kind == "case.referred";
      bool relevant = referral || f.kind == "encounter.discharged" ||
                      f.kind == "encounter.admitted" || f.kind == "assessment.completed" ||
                      f.kind == "risk.tier_changed";
      if (!relevant) continue;
      CK_RETURN_IF_ERROR(LoadFacts(c, f));

      std::vector<OpenCase> cases;
      std::vector<int64_t> enrolled_now;  // cases whose "enrolled" steps run with this event
      auto open_cases = [&]() -> Status {
        cases.clear();
        std::string sql =
            "SELECT k.id, p.code, k.assigned_user_id FROM cases k JOIN programs p ON p.id = "
            "k.program_id WHERE k.patient_id = ? AND k.status <> 'closed'";
        db::Params params{f.patient_id};
        if (referral) {
          sql += " AND k.id = ?";
          params.push_back(*f.entity_id);
        }
        CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql + " ORDER BY k.id", params));
        for (const db::Row& r : rows) cases.push_back({r.Int(0), r.Text(1), r.OptInt(2)});
        return Status::Ok();
      };
      CK_RETURN_IF_ERROR(open_cases());
      if (referral && f.entity_id) enrolled_now.push_back(*f.entity_id);

      // Rules that enrol the patient: a referral awaiting triage, once per program.
      if (!referral) {
        for (const auto& [code, program] : catalog_.all()) {
          for (const EnrolRule& rule : program.enrol_when) {
            if (rule.event != f.kind || !Holds(rule.when, f)) continue;
            bool has = std::any_of(cases.begin(), cases.end(),
                                   [&](const OpenCase& k) { return k.program == code; });
            if (has) break;
            const char* source = f.kind == "risk.tier_changed" ? "risk_stratification" : "hospital";
            cases::NewCase n{f.patient_id, code, source,
                             rule.reason + " (" + program.name + " rule)", rule.urgency};
            Timestamp due = rule.urgency == "emergent" ? now + 4 * kMillisPerHour
                            : rule.urgency == "urgent" ? calendar_.AddBusinessDays(now, 1)
                                                       : calendar_.AddBusinessDays(now, 3);
            CK_ASSIGN_OR_RETURN(cases::Case k,
                                cases::InsertCase(c, n, now, due, std::nullopt, now));
            CK_RETURN_IF_ERROR(cases::InsertStatusChange(
                c, k, std::nullopt, cases::Stage::kReferred, n.referral_reason, std::nullopt, now));
            CK_RETURN_IF_ERROR(
                audit.Add(audit::EventBy(system, now, "case.refer", "case", std::to_string(k.id),
                                         f.patient_id, code + " rule on " + f.kind)));
            cases.push_back({k.id, code, std::nullopt});
            enrolled_now.push_back(k.id);
            break;
          }
        }
      }

      for (const OpenCase& k : cases) {
        const Program* program = catalog_.Find(k.program);
        if (!program) continue;
        bool enrolled =
            std::find(enrolled_now.begin(), enrolled_now.end(), k.id) != enrolled_now.end();
        for (const Trigger& trigger : program->triggers) {
          bool fires = trigger.event == f.kind || (trigger.event == "enrolled" && enrolled);
          if (!fires) continue;
          for (const TaskTemplate& t : trigger.tasks) {
            if (!Holds(t.when, f)) continue;
            std::string step = program->code + "/" + trigger.event + "/" + t.key;
            CK_ASSIGN_OR_RETURN(auto done, c.Query("SELECT 1 FROM program_actions WHERE event_id "
                                                   "= ? AND case_id = ? AND step = ?",
                                                   {f.event_id, k.id, step}));
            if (!done.empty()) continue;
            tasks::Task task;
            task.case_id = k.id;
            task.patient_id = f.patient_id;
            task.title = t.title;
            task.task_type = t.task_type;
            task.priority = t.priority;
            if (k.assigned && !t.queue_role)
              task.owner_user_id = k.assigned;
            else
              task.queue_role = t.queue_role.value_or("case_manager");
            std::string after =
                " after " + FormatDate(DateOf(f.occurred)) + " (" + program->name + ")";
            if (t.due_business_days) {
              task.due_at = calendar_.AddBusinessDays(f.occurred, *t.due_business_days);
              task.due_rule = std::to_string(*t.due_business_days) + " business day" +
                              (*t.due_business_days == 1 ? "" : "s") + after;
            } else if (t.due_days) {
              task.due_at = f.occurred + static_cast<Timestamp>(*t.due_days) * kMillisPerDay;
              task.due_rule =
                  std::to_string(*t.due_days) + " day" + (*t.due_days == 1 ? "" : "s") + after;
            }
            task.recur_every_days = t.recur_every_days;
            task.recur_times = t.recur_times;
            if (t.recur_for_days)
              task.recur_until = FormatDate(
                  DateOf(f.occurred + static_cast<Timestamp>(*t.recur_for_days) * kMillisPerDay));
            task.source = "program:" + program->code;
            CK_ASSIGN_OR_RETURN(tasks::Task made_task, tasks::InsertTask(c, task, now));
            CK_RETURN_IF_ERROR(c.Exec("INSERT INTO program_actions (event_id, case_id, step, "
                                      "task_id, created_at) VALUES (?, ?, ?, ?, ?)",
                                      {f.event_id, k.id, step, made_task.id, now})
                                   .status());
            CK_RETURN_IF_ERROR(
                audit.Add(audit::EventBy(system, now, "task.create", "task",
                                         std::to_string(made_task.id), f.patient_id, step)));
            if (t.education) {
              CK_ASSIGN_OR_RETURN(
                  auto assigned,
                  education::AssignByCode(c, f.patient_id, k.id, *t.education, made_task.id, now));
              if (assigned)
                CK_RETURN_IF_ERROR(audit.Add(
                    audit::EventBy(system, now, "education.assign", "education_assignment",
                                   std::to_string(*assigned), f.patient_id, step)));
            }
            ++made;
          }
          for (const GoalTemplate& g : trigger.goals) {
            if (!Holds(g.when, f)) continue;
            std::string step = program->code + "/" + trigger.event + "/goal:" + g.key;
            CK_ASSIGN_OR_RETURN(auto done, c.Query("SELECT 1 FROM program_actions WHERE event_id "
                                                   "= ? AND case_id = ? AND step = ?",
                                                   {f.event_id, k.id, step}));
            if (!done.empty()) continue;
            careplans::GoalInput goal;
            goal.description = g.description;
            goal.measure = g.measure;
            goal.target_value = g.target_value;
            goal.direction = g.direction;
            goal.target_date = FormatDate(
                DateOf(f.occurred + static_cast<Timestamp>(g.target_days) * kMillisPerDay));
            if (g.baseline_loinc) {
              CK_ASSIGN_OR_RETURN(
                  auto latest,
                  c.Query("SELECT value_number FROM observations WHERE patient_id = ? AND "
                          "code_system = 'http://loinc.org' AND code = ? AND value_number IS NOT "
                          "NULL AND status NOT IN ('entered-in-error', 'cancelled') ORDER BY "
                          "effective_at DESC, id DESC LIMIT 1",
                          {f.patient_id, *g.baseline_loinc}));
              if (!latest.empty()) goal.baseline_value = latest.at(0).Real(0);
            }
            CK_ASSIGN_OR_RETURN(int64_t goal_id,
                                careplans::ProposeGoal(c, k.id, program->name, goal,
                                                       program->name + " program", now));
            CK_RETURN_IF_ERROR(c.Exec("INSERT INTO program_actions (event_id, case_id, step, "
                                      "created_at) VALUES (?, ?, ?, ?)",
                                      {f.event_id, k.id, step, now})
                                   .status());
            CK_RETURN_IF_ERROR(
                audit.Add(audit::EventBy(system, now, "care_plan.goal_propose", "care_plan_goal",
                                         std::to_string(goal_id), f.patient_id, step)));
          }
        }
      }
    }
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE event_cursors SET last_event_id = ? WHERE consumer = ?", {last, kConsumer})
            .status());
    return audit.Flush(c);
  }));
  return made;
}

}  // namespace ck::programs
