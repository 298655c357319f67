#include "core/business_calendar.h"

namespace ck {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::weekday;

BusinessCalendar::BusinessCalendar(const Options& options) {
  for (const Date& d : options.holidays) holidays_.insert(sys_days{d});
  for (unsigned w : options.weekend_days) {
    if (w < 7) weekend_[w] = true;
  }
}

bool BusinessCalendar::IsBusinessDay(Date d) const {
  sys_days sd{d};
  return !weekend_[weekday{sd}.c_encoding()] && holidays_.count(sd) == 0;
}

Date BusinessCalendar::AddBusinessDays(Date d, int n) const {
  bool any_workday = false;
  for (bool w : weekend_) any_workday |= !w;
  if (!any_workday) return d;  // a calendar with no working day: nothing sensible to add
  sys_days cur{d};
  if (n == 0) {
    while (!IsBusinessDay(Date{cur})) cur += days{1};
    return Date{cur};
  }
  int step = n > 0 ? 1 : -1;
  for (int left = n > 0 ? n : -n; left > 0;) {
    cur += days{step};
    if (IsBusinessDay(Date{cur})) --left;
  }
  return Date{cur};
}

Timestamp BusinessCalendar::AddBusinessDays(Timestamp t, int n) const {
  Date d = DateOf(t);
  Timestamp time_of_day = t - StartOfDay(d);
  return StartOfDay(AddBusinessDays(d, n)) + time_of_day;
}

int BusinessCalendar::BusinessDaysBetween(Date from, Date to) const {
  sys_days a{from}, b{to};
  int sign = 1;
  if (b < a) {
    std::swap(a, b);
    sign = -1;
  }
  int count = 0;
  for (sys_days cur = a + days{1}; cur <= b; cur += days{1}) {
    if (IsBusinessDay(Date{cur})) ++count;
  }
  return sign * count;
}

std::vector<Date> UsFederalHolidays(int year) {
  using namespace std::chrono;
  std::chrono::year y{year};
  auto nth = [&](month m, weekday wd, unsigned n) {
    return Date{sys_days{year_month_weekday{y / m / wd[n]}}};
  };
  auto last = [&](month m, weekday wd) {
    return Date{sys_days{year_month_weekday_last{y / m / wd[std::chrono::last]}}};
  };
  auto observed = [&](Date d) {
    sys_days sd{d};
    weekday wd{sd};
    if (wd == Saturday) return Date{sd - days{1}};
    if (wd == Sunday) return Date{sd + days{1}};
    return d;
  };
  return {
      observed(Date{y / January / 1}),
      nth(January, Monday, 3),            // Birthday of Martin Luther King, Jr.
      nth(February, Monday, 3),           // Washington's Birthday
      last(May, Monday),                  // Memorial Day
      observed(Date{y / June / 19}),      // Juneteenth
      observed(Date{y / July / 4}),       // Independence Day
      nth(September, Monday, 1),          // Labor Day
      nth(October, Monday, 2),            // Columbus Day
      observed(Date{y / November / 11}),  // Veterans Day
      nth(November, Thursday, 4),         // Thanksgiving Day
      observed(Date{y / December / 25}),  // Christmas Day
  };
}

}  // namespace ck
