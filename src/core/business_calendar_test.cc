#include "core/business_calendar.h"

#include <gtest/gtest.h>

namespace ck {
namespace {

Date D(const char* s) { return *ParseDate(s); }

TEST(BusinessCalendar, WeekendsAreNotBusinessDays) {
  BusinessCalendar cal;
  EXPECT_TRUE(cal.IsBusinessDay(D("2026-11-27")));   // Friday
  EXPECT_FALSE(cal.IsBusinessDay(D("2026-11-28")));  // Saturday
  EXPECT_FALSE(cal.IsBusinessDay(D("2026-11-29")));  // Sunday
}

TEST(BusinessCalendar, AddBusinessDaysSkipsWeekendsAndHolidays) {
  BusinessCalendar cal({.holidays = {D("2026-11-26")}});  // Thanksgiving
  struct Case {
    const char* from;
    int n;
    const char* want;
  } cases[] = {
      {"2026-11-27", 2, "2026-12-01"},  // Fri + 2 → Tue
      {"2026-11-25", 1, "2026-11-27"},  // Wed + 1 skips the holiday
      {"2026-11-25", 2, "2026-11-30"},
      {"2026-11-28", 0, "2026-11-30"},  // Sat + 0 → next business day
      {"2026-11-30", 0, "2026-11-30"},
      {"2026-11-30", -1, "2026-11-27"},
      {"2026-12-31", 1, "2027-01-01"},  // no holiday configured for New Year here
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatDate(cal.AddBusinessDays(D(c.from), c.n)), c.want) << c.from << " + " << c.n;
  }
}

TEST(BusinessCalendar, AddBusinessDaysKeepsTimeOfDay) {
  BusinessCalendar cal;
  Timestamp discharge = *ParseTimestamp("2026-11-27T22:15:00Z");
  EXPECT_EQ(FormatTimestamp(cal.AddBusinessDays(discharge, 2)), "2026-12-01T22:15:00.000Z");
}

TEST(BusinessCalendar, BusinessDaysBetweenCountsHalfOpenInterval) {
  BusinessCalendar cal({.holidays = {D("2026-11-26")}});
  EXPECT_EQ(cal.BusinessDaysBetween(D("2026-11-25"), D("2026-11-30")), 2);
  EXPECT_EQ(cal.BusinessDaysBetween(D("2026-11-30"), D("2026-11-25")), -2);
  EXPECT_EQ(cal.BusinessDaysBetween(D("2026-11-30"), D("2026-11-30")), 0);
}

TEST(BusinessCalendar, CustomWeekend) {
  BusinessCalendar cal({.weekend_days = {5, 6}});  // Friday and Saturday off
  EXPECT_FALSE(cal.IsBusinessDay(D("2026-11-27")));
  EXPECT_TRUE(cal.IsBusinessDay(D("2026-11-29")));
  EXPECT_EQ(FormatDate(cal.AddBusinessDays(D("2026-11-26"), 1)), "2026-11-29");
}

TEST(BusinessCalendar, CalendarWithoutWorkdaysDoesNotLoop) {
  BusinessCalendar cal({.weekend_days = {0, 1, 2, 3, 4, 5, 6}});
  EXPECT_EQ(FormatDate(cal.AddBusinessDays(D("2026-11-26"), 3)), "2026-11-26");
}

TEST(UsFederalHolidays, ObservedDates2026) {
  std::vector<std::string> got;
  for (Date d : UsFederalHolidays(2026)) got.push_back(FormatDate(d));
  std::vector<std::string> want = {"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25",
                                   "2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12",
                                   "2026-11-11", "2026-11-26", "2026-12-25"};
  EXPECT_EQ(got, want);  // July 4th 2026 is a Saturday: observed Friday the 3rd
}

TEST(UsFederalHolidays, SundayHolidayObservedMonday) {
  auto h = UsFederalHolidays(2027);
  // 2027-12-25 is a Saturday → Friday 24th; 2027-07-04 is a Sunday → Monday 5th.
  EXPECT_EQ(FormatDate(h[5]), "2027-07-05");
  EXPECT_EQ(FormatDate(h[10]), "2027-12-24");
}

}  // namespace
}  // namespace ck
