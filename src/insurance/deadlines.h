// Deadlines on the organisation's calendar: hours are real hours (72 hours
// are 72 hours across a daylight-saving change); calendar days, business days
// and months end at the end of the local day they land on (23:59:59.999 in the
// organisation's time zone), counting from the local date of the start.
//
//   Deadlines clocks(time_zone, calendar);
//   Timestamp due = clocks.After(received_at, {Span::Unit::kCalendarDays, 7});
#pragma once

#include <optional>
#include <string>

#include "core/business_calendar.h"
#include "core/time_zone.h"
#include "insurance/rules.h"

namespace ck::insurance {

class Deadlines {
 public:
  Deadlines(const TimeZone& tz, const BusinessCalendar& calendar) : tz_(tz), calendar_(calendar) {}

  Timestamp After(Timestamp start, const Span& span) const;
  // From a local date (a notice date): the end of the day `span` later (hours
  // count from the start of that day).
  Timestamp AfterDate(Date start, const Span& span) const;

  struct Due {
    Timestamp at = 0;
    std::string rule;  // "60 calendar days from receipt on 2026-11-09 (Reconsideration)"
  };
  // When an appeal at `level` must be filed against a notice dated `notice`:
  // from the notice, or from its receipt (`received`, else presumed the
  // level's number of days later). nullopt when the payer forwards it.
  std::optional<Due> FilingDeadline(const AppealLevel& level, Date notice,
                                    std::optional<Date> received) const;

  const TimeZone& time_zone() const { return tz_; }
  const BusinessCalendar& calendar() const { return calendar_; }

 private:
  const TimeZone& tz_;
  const BusinessCalendar& calendar_;
};

}  // namespace ck::insurance
