#include "core/clock.h"

#include <charconv>
#include <cstdio>

namespace ck {
namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Timestamp SystemClock::Now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatTimestamp(Timestamp t) {
  using namespace std::chrono;
  Timestamp day_ms = t % kMillisPerDay;
  Timestamp days = t / kMillisPerDay;
  if (day_ms < 0) {
    day_ms += kMillisPerDay;
    days -= 1;
  }
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long long>(day_ms / kMillisPerHour),
                static_cast<long long>(day_ms / kMillisPerMinute % 60),
                static_cast<long long>(day_ms / 1000 % 60), static_cast<long long>(day_ms % 1000));
  return buf;
}

Result<Date> ParseDate(std::string_view text, std::string_view field) {
  auto bad = [&] { return InvalidArgument("must be a date YYYY-MM-DD", std::string(field)); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int y, m, d;
  if (!ParseInt(text.substr(0, 4), y) || !ParseInt(text.substr(5, 2), m) ||
      !ParseInt(text.substr(8, 2), d))
    return bad();
  Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
            std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok() || y < 1800) return bad();
  return date;
}

std::string FormatDate(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

Result<Timestamp> ParseTimestamp(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return InvalidArgument("must be an ISO-8601 time like 2026-01-31T14:05:00Z",
                           std::string(field));
  };
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return bad();
  auto date = ParseDate(text.substr(0, 10), field);
  if (!date.ok()) return bad();
  int hh, mm, ss;
  if (!ParseInt(text.substr(11, 2), hh) || !ParseInt(text.substr(14, 2), mm) ||
      !ParseInt(text.substr(17, 2), ss) || hh > 23 || mm > 59 || ss > 60)
    return bad();
  size_t pos = 19;
  int millis = 0;
  if (text[pos] == '.') {
    size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return bad();
    std::string frac(text.substr(start, pos - start));
    frac.resize(3, '0');
    millis = std::stoi(frac);
  }
  Timestamp offset = 0;
  std::string_view zone = text.substr(pos);
  if (zone == "Z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh, om;
    if (!ParseInt(zone.substr(1, 2), oh) || !ParseInt(zone.substr(4, 2), om) || oh > 23 || om > 59)
      return bad();
    offset = (oh * 60 + om) * kMillisPerMinute * (zone[0] == '+' ? 1 : -1);
  } else {
    return bad();
  }
  return StartOfDay(*date) + hh * kMillisPerHour + mm * kMillisPerMinute + ss * 1000 + millis -
         offset;
}

Date DateOf(Timestamp t) {
  Timestamp days = t / kMillisPerDay;
  if (t % kMillisPerDay < 0) days -= 1;
  return Date{std::chrono::sys_days{std::chrono::days{days}}};
}

Timestamp StartOfDay(Date d) {
  return static_cast<Timestamp>(std::chrono::sys_days{d}.time_since_epoch().count()) *
         kMillisPerDay;
}

int YearsBetween(Date birth, Date on) {
  int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  if (std::chrono::month_day{on.month(), on.day()} <
      std::chrono::month_day{birth.month(), birth.day()})
    --years;
  return years;
}

}  // namespace ck
