// The demo's worklist snoozes (docs/worklist.md): one item Luis Garcia hid
// until tomorrow morning, and one of Linh Nguyen's back from a snooze that ran
// out yesterday, each with its reason.
#include "audit/trail.h"
#include "demo/demo_data.h"

namespace ck::demo {

Status SeedSnoozes(db::Database& db, worklist::Worklist& worklist, const Clock& clock,
                   const TimeZone& tz) {
  const Timestamp now = clock.Now();
  auto principal = [&](const char* username) -> Result<auth::Principal> {
    auth::Principal p;
    CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, display_name, team_id FROM users WHERE "
                                             "username = ?",
                                             {std::string(username)}));
      if (rows.empty()) return NotFound(std::string("no demo user ") + username);
      p.user_id = rows.at(0).Int(0);
      p.username = username;
      p.display_name = rows.at(0).Text(1);
      p.team_id = rows.at(0).OptInt(2);
      return Status::Ok();
    }));
    return p;
  };
  // The second item that can be snoozed (the first is what to do now), or
  // the first of `kind`.
  auto pick = [&](const auth::Principal& who,
                  std::string_view kind) -> Result<std::optional<worklist::Item>> {
    CK_ASSIGN_OR_RETURN(
        auto list, worklist.ForUser(who, auth::Actor::From(who, "demo-seed"), who.user_id, 200));
    int seen = 0;
    for (const worklist::Item& it : list.items)
      if (it.key && !(it.task_id && !it.owner_user_id) &&
          (kind.empty() ? ++seen == 2 : it.kind == kind))
        return std::optional<worklist::Item>(it);
    return std::optional<worklist::Item>();
  };

  CK_ASSIGN_OR_RETURN(auth::Principal garcia, principal("cm.garcia"));
  CK_ASSIGN_OR_RETURN(auto hidden, pick(garcia, ""));
  if (hidden) {
    Date tomorrow = AddDays(tz.LocalDate(now), 1);
    CK_RETURN_IF_ERROR(worklist
                           .SnoozeItem(garcia, auth::Actor::From(garcia, "demo-seed"), *hidden->key,
                                       tz.FromLocal(tomorrow, 9 * kMillisPerHour),
                                       "The patient's daughter calls back tomorrow morning with "
                                       "the pharmacy's opening hours")
                           .status());
  }
  CK_ASSIGN_OR_RETURN(auth::Principal nguyen, principal("cm.nguyen"));
  // A patient not reached lately: that was as true three days ago.
  CK_ASSIGN_OR_RETURN(auto back, pick(nguyen, "no_recent_contact"));
  if (back) {
    // Snoozed three days ago until yesterday: history, written as it was
    // (audited now, as the demo's seeding).
    CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(
          auto rows,
          c.Query("INSERT INTO worklist_snoozes (item_key, item_state, patient_id, reason, "
                  "until_at, snoozed_by, snoozed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  {*back->key, back->state, back->patient_id,
                   std::string("Left a voicemail; waiting two days for a call back"),
                   now - kMillisPerDay, nguyen.user_id, now - 3 * kMillisPerDay}));
      return audit::Append(
          c, audit::EventBy(auth::Actor::From(nguyen, "demo-seed"), now, "worklist.snooze",
                            "worklist_snooze", std::to_string(rows.at(0).Int(0)), back->patient_id,
                            "item=" + *back->key + "; demo history"));
    }));
  }
  return Status::Ok();
}

}  // namespace ck::demo
