// TimeZone: the organisation's local time, for deadlines counted in calendar
// or business days ("7 calendar days", ending at the end of the local day),
// which move against UTC when daylight saving time starts or ends.
//
//   auto tz = TimeZone::Load("America/New_York");  // IANA name, or a POSIX TZ string
//   Timestamp end = tz->EndOfLocalDay(tz->LocalDate(t));
//
// An IANA name is read from the system's zoneinfo (the POSIX rule at the end
// of its TZif file, i.e. the rule in force now and in the future); a POSIX TZ
// string such as "EST5EDT,M3.2.0,M11.1.0" is taken as is. Immutable; safe to
// share between threads.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"

namespace ck {

class TimeZone {
 public:
  // InvalidArgument (field "calendar.time_zone") for an unknown name or bad rule.
  static Result<TimeZone> Load(const std::string& name_or_rule);
  static TimeZone Utc();

  const std::string& name() const { return name_; }
  const std::string& rule() const { return rule_; }

  // The local calendar date of an instant.
  Date LocalDate(Timestamp t) const;
  // Milliseconds since local midnight of an instant.
  Timestamp LocalTimeOfDay(Timestamp t) const;
  // The instant of a local date and time of day. A time skipped by a DST start
  // moves forward by the gap; a repeated one takes the earlier instant.
  Timestamp FromLocal(Date d, Timestamp time_of_day) const;
  // The last millisecond of a local date (23:59:59.999).
  Timestamp EndOfLocalDay(Date d) const { return FromLocal(d, kMillisPerDay - 1); }
  // Offset from UTC at an instant, in minutes (-240 for EDT).
  int UtcOffsetMinutes(Timestamp t) const;

 private:
  struct Rule;
  TimeZone(std::string name, std::string rule, std::shared_ptr<const Rule> r)
      : name_(std::move(name)), rule_(std::move(rule)), r_(std::move(r)) {}
  std::string name_, rule_;
  std::shared_ptr<const Rule> r_;
};

}  // namespace ck
