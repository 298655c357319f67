// Worklist snoozes: an item hidden from every worklist until a time, for a
// reason (docs/worklist.md). Items are named by "<kind>:<subject>:<id>".
#include <algorithm>
#include <cctype>
#include <charconv>
#include <ranges>
#include <unordered_map>

#include "audit/trail.h"
#include "auth/authorizer.h"
#include "db/sql.h"
#include "worklist/worklist.h"

namespace ck::worklist {
namespace {

// What an item is about: its table and the column naming the patient.
struct Subject {
  std::string_view name, table, patient_column;
};
constexpr Subject kSubjects[] = {
    {"task", "tasks", "patient_id"},
    {"alert", "alerts", "patient_id"},
    {"encounter", "encounters", "patient_id"},
    {"discharge_plan", "discharge_plans", "patient_id"},
    {"case", "cases", "patient_id"},
    {"patient", "patients", "id"},
    {"care_plan", "care_plans", "patient_id"},
    {"goal", "care_plan_goals", "patient_id"},
    {"authorization", "prior_authorizations", "patient_id"},
    {"appeal", "appeals", "patient_id"},
    {"referral", "resource_referrals", "patient_id"},
};

// The subject an item of `kind` names (an appeal deadline: a denial's
// authorization, or a draft or filed appeal). Crisis alerts have none.
std::vector<std::string_view> SubjectsOf(std::string_view kind) {
  if (kind == "task_overdue" || kind == "task_due_soon") return {"task"};
  if (kind == "high_alert") return {"alert"};
  if (kind == "admitted" || kind == "discharged") return {"encounter"};
  if (kind == "discharge_plan_due") return {"discharge_plan"};
  if (kind == "new_referral") return {"case"};
  if (kind == "no_recent_contact") return {"patient"};
  if (kind == "care_plan_review_due") return {"care_plan"};
  if (kind == "goal_past_target") return {"goal"};
  if (kind == "authorization_decision_due" || kind == "authorization_expiring")
    return {"authorization"};
  if (kind == "appeal_deadline") return {"authorization", "appeal"};
  if (kind == "referral_unanswered") return {"referral"};
  return {};
}

std::optional<int64_t> SubjectId(const Item& it, std::string_view subject) {
  if (subject == "task") return it.task_id;
  if (subject == "alert") return it.alert_id;
  if (subject == "encounter") return it.encounter_id;
  if (subject == "discharge_plan") return it.discharge_plan_id;
  if (subject == "case") return it.case_id;
  if (subject == "patient") return it.patient_id;
  if (subject == "care_plan") return it.care_plan_id;
  if (subject == "goal") return it.goal_id;
  if (subject == "authorization") return it.authorization_id;
  if (subject == "appeal") return it.appeal_id;
  if (subject == "referral") return it.referral_id;
  return std::nullopt;
}

constexpr const char* kSnoozeColumns =
    "SELECT s.id, s.item_key, s.patient_id, s.reason, s.until_at, s.snoozed_by, u.display_name, "
    "s.snoozed_at, s.woken_at, s.woken_by, s.replaced_by FROM worklist_snoozes s JOIN users u ON "
    "u.id = s.snoozed_by ";

Snooze SnoozeOf(const db::Row& r, Timestamp now) {
  Snooze s;
  s.id = r.Int(0);
  s.item_key = r.Text(1);
  s.patient_id = r.Int(2);
  s.reason = r.Text(3);
  s.until = r.Int(4);
  s.snoozed_by = r.Int(5);
  s.snoozed_by_name = r.Text(6);
  s.snoozed_at = r.Int(7);
  s.woken_at = r.OptInt(8);
  s.woken_by = r.OptInt(9);
  s.replaced_by = r.OptInt(10);
  s.active = !s.woken_at && !s.replaced_by && s.until > now;
  return s;
}

Result<Snooze> LoadSnooze(db::Connection& c, int64_t id, Timestamp now) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kSnoozeColumns) + "WHERE s.id = ?", {id}));
  if (rows.empty()) return NotFound("no snooze " + std::to_string(id));
  return SnoozeOf(rows.at(0), now);
}

// A task waiting in a queue is listed to everyone who may claim it: not its
// snoozes (nor their reasons).
bool Queued(const Item& it) { return it.task_id && !it.owner_user_id; }

}  // namespace

std::optional<std::string> KeyOf(const Item& item) {
  // An appeal deadline is about the appeal when there is one, else the denial.
  for (std::string_view subject : SubjectsOf(item.kind) | std::views::reverse) {
    if (auto id = SubjectId(item, subject))
      return item.kind + ":" + std::string(subject) + ":" + std::to_string(*id);
  }
  return std::nullopt;
}

Result<int64_t> PatientOfItem(db::Connection& conn, std::string_view key) {
  auto bad = [](const std::string& why) { return InvalidArgument(why, "item"); };
  size_t a = key.find(':'), b = key.rfind(':');
  if (a == std::string_view::npos || a == b)
    return bad("must be a worklist item's key, like task_overdue:task:12");
  std::string_view kind = key.substr(0, a), subject = key.substr(a + 1, b - a - 1),
                   digits = key.substr(b + 1);
  if (kind == "crisis_alert")
    return bad("a crisis alert cannot be snoozed: acknowledge it or resolve it");
  std::vector<std::string_view> subjects = SubjectsOf(kind);
  if (subjects.empty()) return bad("names an unknown kind of worklist item");
  if (std::find(subjects.begin(), subjects.end(), subject) == subjects.end())
    return bad("a " + std::string(kind) + " item is not about a " + std::string(subject));
  int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0)
    return bad("must end with a positive id");
  const Subject* s = nullptr;
  for (const Subject& candidate : kSubjects)
    if (candidate.name == subject) s = &candidate;
  CK_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT " + std::string(s->patient_column) + " FROM " +
                                                std::string(s->table) + " WHERE id = ?",
                                            {id}));
  if (rows.empty()) return NotFound("no " + std::string(subject) + " " + std::to_string(id));
  return rows.at(0).Int(0);
}

Status Worklist::ApplySnoozes(db::Connection& c, std::vector<Item>& items, bool include_snoozed,
                              int& snoozed) const {
  const Timestamp now = clock_.Now();
  const Timestamp recall = static_cast<Timestamp>(rules_.snooze_recall_days) * kMillisPerDay;
  // First which items are snoozed, by patient from a covering index (an
  // index range each, no table rows); then the whole snooze only of those
  // the list shows.
  std::vector<int64_t> patients;
  for (Item& it : items) {
    it.key = KeyOf(it);
    if (it.key && !Queued(it)) patients.push_back(it.patient_id);
  }
  std::sort(patients.begin(), patients.end());
  patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
  struct Latest {
    int64_t id = 0;
    Timestamp until = 0;
    int64_t state = 0;
  };
  std::unordered_map<std::string, Latest> by_key;  // the item's newest snooze
  for (size_t start = 0; start < patients.size(); start += 500) {
    size_t n = std::min<size_t>(500, patients.size() - start);
    db::Params p(patients.begin() + static_cast<long>(start),
                 patients.begin() + static_cast<long>(start + n));
    p.emplace_back(now - recall);
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT item_key, item_state, until_at, id FROM worklist_snoozes WHERE patient_id IN " +
            db::InList(n) + " AND until_at > ? AND woken_at IS NULL AND replaced_by IS NULL",
        p, [&](const db::Row& r) {
          Latest& l = by_key[r.Text(0)];
          if (r.Int(3) > l.id) l = {r.Int(3), r.Int(2), r.Int(1)};
          return Status::Ok();
        }));
  }
  if (by_key.empty()) return Status::Ok();
  enum class Shown { kHidden, kChanged, kRanOut };
  std::vector<Item> kept;
  kept.reserve(items.size());
  std::unordered_map<int64_t, std::vector<std::pair<size_t, Shown>>> shown;  // snooze → items
  for (Item& it : items) {
    auto l = it.key && !Queued(it) ? by_key.find(*it.key) : by_key.end();
    if (l != by_key.end()) {
      Shown how = l->second.until <= now        ? Shown::kRanOut
                  : l->second.state != it.state ? Shown::kChanged
                                                : Shown::kHidden;
      if (how == Shown::kHidden) {
        ++snoozed;
        if (!include_snoozed) continue;
      }
      shown[l->second.id].emplace_back(kept.size(), how);
    }
    kept.push_back(std::move(it));
  }
  std::vector<int64_t> ids;
  for (const auto& [id, _] : shown) ids.push_back(id);
  for (size_t start = 0; start < ids.size(); start += 500) {
    size_t n = std::min<size_t>(500, ids.size() - start);
    db::Params p(ids.begin() + static_cast<long>(start),
                 ids.begin() + static_cast<long>(start + n));
    CK_RETURN_IF_ERROR(c.ForEachRow(
        std::string(kSnoozeColumns) + "WHERE s.id IN " + db::InList(n), p, [&](const db::Row& r) {
          Snooze s = SnoozeOf(r, now);
          for (auto [k, how] : shown[s.id]) {
            Item& it = kept[k];
            if (how == Shown::kChanged) {
              it.snooze = s;
              it.snooze->active = false;
              it.snooze->changed = true;
              it.reasons.push_back("back from a snooze: it changed");
            } else if (how == Shown::kRanOut) {
              // Said for as long as the snooze lasted, a week at most.
              if (now >= s.until + std::min(recall, s.until - s.snoozed_at)) continue;
              it.snooze = s;
              it.reasons.push_back("back from a snooze");
            } else {
              it.snooze = s;
            }
          }
          return Status::Ok();
        }));
  }
  items = std::move(kept);
  return Status::Ok();
}

Result<Snooze> Worklist::SnoozeItem(const auth::Principal& who, const auth::Actor& actor,
                                    const std::string& key, Timestamp until,
                                    const std::string& reason, std::optional<int64_t> replaces) {
  const Timestamp now = clock_.Now();
  auto blank = [](unsigned char ch) { return std::isspace(ch) != 0; };
  if (std::all_of(reason.begin(), reason.end(), blank))
    return InvalidArgument("is required: say why the item can wait", "reason");
  if (reason.size() > 500) return InvalidArgument("must be at most 500 bytes", "reason");
  if (until <= now) return InvalidArgument("must be in the future", "until");
  // By the end of the organisation's day snooze_max_days on.
  const Date today = tz_ ? tz_->LocalDate(now) : DateOf(now);
  const Date last = AddDays(today, rules_.snooze_max_days);
  const Timestamp latest =
      tz_ ? tz_->EndOfLocalDay(last)
          : static_cast<Timestamp>(std::chrono::sys_days{AddDays(last, 1)}.time_since_epoch() /
                                   std::chrono::milliseconds(1)) -
                1;
  if (until > latest)
    return InvalidArgument("must be by the end of " + FormatDate(last) + " (" +
                               std::to_string(rules_.snooze_max_days) + " days ahead)",
                           "until");
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kWorkWorklist));
  // The item as the caller's worklist (a supervisor's: the team's) has it now.
  CK_ASSIGN_OR_RETURN(Scope scope, who.role == auth::Role::kSupervisor
                                       ? TeamScope(who)
                                       : UserScope(who, who.user_id));
  std::optional<Item> item;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    std::vector<Item> items;
    CK_RETURN_IF_ERROR(Collect(c, scope, items));
    item.reset();
    for (Item& it : items)
      if (KeyOf(it) == key) item = std::move(it);
    return Status::Ok();
  }));
  if (!item)
    return FailedPrecondition("is not on your worklist now (done, or changed meanwhile): reload",
                              "item");
  if (Queued(*item)) return FailedPrecondition("the task waits in a queue: claim it first", "item");
  if (item->task_id && item->owner_user_id != who.user_id && who.role != auth::Role::kSupervisor)
    return PermissionDenied("the task is someone else's: they or a supervisor may snooze it");
  if (item->kind == "new_referral" && !item->owner_user_id)
    return FailedPrecondition("a referral nobody has cannot wait: assign it", "item");
  Snooze out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    // The item's snooze in force, if any: replaced only when named.
    CK_ASSIGN_OR_RETURN(auto current,
                        c.Query(std::string(kSnoozeColumns) +
                                    "WHERE s.item_key = ? AND s.woken_at IS NULL AND "
                                    "s.replaced_by IS NULL AND s.until_at > ? AND s.item_state = ? "
                                    "ORDER BY s.id DESC LIMIT 1",
                                {key, now, item->state}));
    std::optional<Snooze> in_force;
    if (!current.empty()) in_force = SnoozeOf(current.at(0), now);
    if (in_force && replaces != in_force->id)
      return Conflict("is snoozed until " + FormatTimestamp(in_force->until) + " by " +
                          in_force->snoozed_by_name + " (snooze " + std::to_string(in_force->id) +
                          "): name it in replaces to snooze it again",
                      "item");
    if (!in_force && replaces)
      return Conflict("snooze " + std::to_string(*replaces) + " is no longer in force: reload",
                      "replaces");
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO worklist_snoozes (item_key, item_state, patient_id, reason, "
                "until_at, snoozed_by, snoozed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {key, item->state, item->patient_id, reason, until, who.user_id, now}));
    int64_t id = rows.at(0).Int(0);
    std::string detail = "item=" + key + "; until=" + FormatTimestamp(until);
    // The newest snooze speaks for the item: earlier ones, in force or run
    // out, are replaced (kept, with what replaced them).
    CK_RETURN_IF_ERROR(c.Exec("UPDATE worklist_snoozes SET replaced_by = ? WHERE item_key = ? AND "
                              "woken_at IS NULL AND replaced_by IS NULL AND id <> ?",
                              {id, key, id})
                           .status());
    if (in_force) detail += "; replaces=" + std::to_string(in_force->id);
    CK_RETURN_IF_ERROR(
        audit::Append(c, audit::EventBy(actor, now, "worklist.snooze", "worklist_snooze",
                                        std::to_string(id), item->patient_id, detail)));
    CK_ASSIGN_OR_RETURN(out, LoadSnooze(c, id, now));
    return Status::Ok();
  }));
  return out;
}

Result<Snooze> Worklist::Wake(const auth::Principal& who, const auth::Actor& actor,
                              int64_t snooze_id) {
  CK_RETURN_IF_ERROR(auth::Authorizer::Require(who, auth::Permission::kWorkWorklist));
  const Timestamp now = clock_.Now();
  Snooze out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Snooze s, LoadSnooze(c, snooze_id, now));
    if (s.woken_at) return FailedPrecondition("the snooze was already ended");
    if (s.replaced_by)
      return FailedPrecondition("the snooze was replaced by snooze " +
                                std::to_string(*s.replaced_by));
    if (s.until <= now) return FailedPrecondition("the snooze has already run out");
    CK_RETURN_IF_ERROR(c.Exec("UPDATE worklist_snoozes SET woken_at = ?, woken_by = ? WHERE id = ?",
                              {now, who.user_id, snooze_id})
                           .status());
    CK_RETURN_IF_ERROR(audit::Append(
        c, audit::EventBy(actor, now, "worklist.wake", "worklist_snooze", std::to_string(snooze_id),
                          s.patient_id, "item=" + s.item_key)));
    CK_ASSIGN_OR_RETURN(out, LoadSnooze(c, snooze_id, now));
    return Status::Ok();
  }));
  return out;
}

}  // namespace ck::worklist
