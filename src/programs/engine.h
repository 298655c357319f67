// Programs acting on what happens to their patients: the engine reads the
// domain events (the outbox: admissions and discharges from HL7 ADT, completed
// assessments, new referrals) in order, enrols patients whose event a
// program's rule matches (a referral on the supervisors' desk), and turns each
// open case's program steps for the event into tasks, due from the event's
// time. Each step makes its task once per event and case, however often the
// event is read (program_actions); the position in the outbox is kept
// (event_cursors). `serve` runs it every programs.poll_seconds.
//
//   programs::Engine engine(db, clock, calendar, catalog);
//   CK_ASSIGN_OR_RETURN(int tasks_made, engine.ProcessPending());
#pragma once

#include "core/business_calendar.h"
#include "db/database.h"
#include "programs/program.h"

namespace ck::programs {

class Engine {
 public:
  Engine(db::Database& db, const Clock& clock, const BusinessCalendar& calendar,
         const ProgramCatalog& catalog)
      : db_(db), clock_(clock), calendar_(calendar), catalog_(catalog) {}

  // Applies up to `max_events` unread events in one transaction; returns the
  // number of tasks made.
  Result<int> ProcessPending(int max_events = 200);

 private:
  db::Database& db_;
  const Clock& clock_;
  const BusinessCalendar& calendar_;
  const ProgramCatalog& catalog_;
};

}  // namespace ck::programs
