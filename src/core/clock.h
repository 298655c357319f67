// Time: a Clock interface (so tests can set the time), UTC timestamps as
// milliseconds since the Unix epoch, and ISO-8601 formatting and parsing.
//
//   SystemClock clock;
//   Timestamp now = clock.Now();
//   std::string s = FormatTimestamp(now);  // "2026-11-27T08:47:51.123Z"
//
// All stored times are UTC milliseconds (a BIGINT in every backend).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace ck {

using Timestamp = int64_t;  // UTC milliseconds since 1970-01-01T00:00:00Z
using Date = std::chrono::year_month_day;

inline constexpr Timestamp kMillisPerMinute = 60 * 1000;
inline constexpr Timestamp kMillisPerHour = 60 * kMillisPerMinute;
inline constexpr Timestamp kMillisPerDay = 24 * kMillisPerHour;

// Thread-safe source of the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock tests set and advance by hand. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_(start) {}
  Timestamp Now() const override { return now_.load(); }
  void Set(Timestamp t) { now_.store(t); }
  void Advance(Timestamp millis) { now_.fetch_add(millis); }

 private:
  std::atomic<Timestamp> now_;
};

// "2026-11-27T08:47:51.123Z".
std::string FormatTimestamp(Timestamp t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; InvalidArgument naming `field` otherwise.
Result<Timestamp> ParseTimestamp(std::string_view text, std::string_view field = "timestamp");

// "2026-11-27".
std::string FormatDate(Date d);
// Strict "YYYY-MM-DD" with a real calendar date; InvalidArgument naming `field` otherwise.
Result<Date> ParseDate(std::string_view text, std::string_view field = "date");

Date DateOf(Timestamp t);  // the UTC calendar date of t
inline Date AddDays(Date d, int n) { return Date(std::chrono::sys_days{d} + std::chrono::days{n}); }
Timestamp StartOfDay(Date d);           // midnight UTC of d
int YearsBetween(Date birth, Date on);  // completed years, for ages

}  // namespace ck
