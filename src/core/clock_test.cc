#include "core/clock.h"

#include <gtest/gtest.h>

namespace ck {
namespace {

TEST(Timestamps, FormatAndParseRoundTrip) {
  for (const char* s : {"1970-01-01T00:00:00.000Z", "2026-11-27T08:47:51.123Z",
                        "1950-02-28T23:59:59.999Z", "2000-02-29T12:00:00.000Z"}) {
    auto t = ParseTimestamp(s);
    ASSERT_TRUE(t.ok()) << s;
    EXPECT_EQ(FormatTimestamp(*t), s);
  }
}

TEST(Timestamps, ParsesOffsets) {
  EXPECT_EQ(*ParseTimestamp("2026-11-27T10:00:00+02:00"), *ParseTimestamp("2026-11-27T08:00:00Z"));
  EXPECT_EQ(*ParseTimestamp("2026-11-27T03:00:00-05:00"), *ParseTimestamp("2026-11-27T08:00:00Z"));
}

TEST(Timestamps, RejectsBadInputNamingTheField) {
  for (const char* s :
       {"", "2026-11-27", "2026-11-27T25:00:00Z", "2026-02-30T00:00:00Z", "2026-11-27T10:00:00",
        "2026-11-27T10:00:00.Z", "garbage-garbage-garbage"}) {
    auto t = ParseTimestamp(s, "admitted_at");
    ASSERT_FALSE(t.ok()) << s;
    EXPECT_EQ(t.status().field(), "admitted_at");
  }
}

TEST(Dates, StrictParsing) {
  EXPECT_TRUE(ParseDate("2024-02-29").ok());
  for (const char* s : {"2023-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01",
                        "1700-01-01", "2026-01-0x"}) {
    EXPECT_FALSE(ParseDate(s, "birth_date").ok()) << s;
  }
}

TEST(Dates, YearsBetweenCountsCompletedYears) {
  EXPECT_EQ(YearsBetween(*ParseDate("1950-11-28"), *ParseDate("2026-11-27")), 75);
  EXPECT_EQ(YearsBetween(*ParseDate("1950-11-27"), *ParseDate("2026-11-27")), 76);
}

TEST(Dates, DateOfNegativeTimestamps) {
  EXPECT_EQ(FormatDate(DateOf(-1)), "1969-12-31");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
}

TEST(FakeClock, IsSetAndAdvanced) {
  FakeClock clock(1000);
  clock.Advance(500);
  EXPECT_EQ(clock.Now(), 1500);
  clock.Set(42);
  EXPECT_EQ(clock.Now(), 42);
}

}  // namespace
}  // namespace ck
