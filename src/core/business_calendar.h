// BusinessCalendar: which days count for due dates such as "contact within 2
// business days of discharge".
//
//   BusinessCalendar cal({.holidays = UsFederalHolidays(2026)});
//   Date due = cal.AddBusinessDays(*ParseDate("2026-11-25"), 2);  // 2026-11-30
//
// Weekends are Saturday and Sunday unless configured otherwise; holidays are an
// explicit list (an organisation's own calendar). Immutable after construction,
// so it is safe to share between threads.
#pragma once

#include <set>
#include <vector>

#include "core/clock.h"

namespace ck {

class BusinessCalendar {
 public:
  struct Options {
    std::vector<Date> holidays;
    // Days of the week that are not worked, as std::chrono::weekday c_encoding (0 = Sunday).
    std::vector<unsigned> weekend_days = {0, 6};
  };

  BusinessCalendar() : BusinessCalendar(Options{}) {}
  explicit BusinessCalendar(const Options& options);

  bool IsBusinessDay(Date d) const;
  bool IsHoliday(Date d) const { return holidays_.count(std::chrono::sys_days{d}) > 0; }

  // The date `n` business days after `d` (before it for negative n); `d` itself is
  // not counted. AddBusinessDays(d, 0) is `d` if it is a business day, else the next one.
  Date AddBusinessDays(Date d, int n) const;

  // Same wall-clock time `n` business days later (UTC dates).
  Timestamp AddBusinessDays(Timestamp t, int n) const;

  // Number of business days in (from, to]; negative when `to` is before `from`.
  int BusinessDaysBetween(Date from, Date to) const;

 private:
  std::set<std::chrono::sys_days> holidays_;
  bool weekend_[7] = {};
};

// The eleven US federal holidays of `year` as observed (Saturday → Friday,
// Sunday → Monday), the common default for US health plans.
std::vector<Date> UsFederalHolidays(int year);

}  // namespace ck
