#include "core/time_zone.h"

#include <boost/date_time/local_time/local_time.hpp>
#include <boost/make_shared.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ck {
namespace {

namespace lt = boost::local_time;
namespace pt = boost::posix_time;
namespace gd = boost::gregorian;

const pt::ptime kEpoch(gd::date(1970, 1, 1));

pt::ptime ToPtime(Timestamp t) { return kEpoch + pt::milliseconds(t); }

// The POSIX rule at the end of a TZif (version 2+) file: "\n<rule>\n".
Result<std::string> RuleFromZoneinfo(const std::string& name) {
  for (char ch : name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' ||
          ch == '+'))
      return InvalidArgument("is not a time zone name", "calendar.time_zone");
  if (name.find("..") != std::string::npos)
    return InvalidArgument("is not a time zone name", "calendar.time_zone");
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in)
    return InvalidArgument("unknown time zone " + name + " (is tzdata installed?)",
                           "calendar.time_zone");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string data = buf.str();
  if (data.size() < 8 || data.compare(0, 4, "TZif") != 0 || data[4] < '2')
    return InvalidArgument(name + " is not a version 2+ TZif file", "calendar.time_zone");
  if (data.back() != '\n')
    return InvalidArgument(name + " has no POSIX rule", "calendar.time_zone");
  size_t start = data.rfind('\n', data.size() - 2);
  if (start == std::string::npos)
    return InvalidArgument(name + " has no POSIX rule", "calendar.time_zone");
  return data.substr(start + 1, data.size() - start - 2);
}

// Boost's posix_time_zone reads offsets with the sign of ISO 8601 ("EST-5"),
// the opposite of POSIX TZ ("EST5" is five hours behind UTC): flip the
// standard and daylight offsets, keep the names and transition rules.
std::string ForBoost(const std::string& rule) {
  std::string out;
  size_t i = 0;
  auto name = [&] {
    if (i < rule.size() && rule[i] == '<') {
      size_t end = rule.find('>', i);
      end = end == std::string::npos ? rule.size() : end + 1;
      out += rule.substr(i, end - i);
      i = end;
      return;
    }
    while (i < rule.size() && std::isalpha(static_cast<unsigned char>(rule[i]))) out += rule[i++];
  };
  auto offset = [&] {
    if (i >= rule.size()) return;
    char sign = '+';
    if (rule[i] == '+' || rule[i] == '-') sign = rule[i++];
    if (i >= rule.size() || !std::isdigit(static_cast<unsigned char>(rule[i]))) return;
    out += sign == '-' ? '+' : '-';
    while (i < rule.size() && (std::isdigit(static_cast<unsigned char>(rule[i])) || rule[i] == ':'))
      out += rule[i++];
  };
  name();
  offset();
  if (i < rule.size() && rule[i] != ',') {
    name();
    if (i < rule.size() && rule[i] != ',') offset();
  }
  out += rule.substr(i);
  return out;
}

}  // namespace

struct TimeZone::Rule {
  lt::time_zone_ptr zone;
};

Result<TimeZone> TimeZone::Load(const std::string& name_or_rule) {
  if (name_or_rule.empty() || name_or_rule == "UTC" || name_or_rule == "Etc/UTC") return Utc();
  std::string rule = name_or_rule;
  // IANA names contain a '/' (America/New_York) and never a digit-led offset.
  bool iana = name_or_rule.find('/') != std::string::npos;
  if (iana) {
    CK_ASSIGN_OR_RETURN(rule, RuleFromZoneinfo(name_or_rule));
  }
  auto r = std::make_shared<Rule>();
  try {
    r->zone = boost::make_shared<lt::posix_time_zone>(ForBoost(rule));
  } catch (const std::exception& e) {
    return InvalidArgument("not a POSIX TZ rule (" + rule + "): " + e.what(), "calendar.time_zone");
  }
  return TimeZone(name_or_rule, rule, std::move(r));
}

TimeZone TimeZone::Utc() {
  auto r = std::make_shared<Rule>();
  r->zone = boost::make_shared<lt::posix_time_zone>("UTC0");
  return TimeZone("UTC", "UTC0", std::move(r));
}

int TimeZone::UtcOffsetMinutes(Timestamp t) const {
  lt::local_date_time local(ToPtime(t), r_->zone);
  pt::time_duration offset = r_->zone->base_utc_offset();
  if (local.is_dst()) offset += r_->zone->dst_offset();
  return static_cast<int>(offset.total_seconds() / 60);
}

Date TimeZone::LocalDate(Timestamp t) const {
  return DateOf(t + static_cast<Timestamp>(UtcOffsetMinutes(t)) * kMillisPerMinute);
}

Timestamp TimeZone::LocalTimeOfDay(Timestamp t) const {
  Timestamp local = t + static_cast<Timestamp>(UtcOffsetMinutes(t)) * kMillisPerMinute;
  Timestamp r = local % kMillisPerDay;
  return r < 0 ? r + kMillisPerDay : r;
}

Timestamp TimeZone::FromLocal(Date d, Timestamp time_of_day) const {
  Timestamp wall =
      std::chrono::sys_days{d}.time_since_epoch().count() * kMillisPerDay + time_of_day;
  // Try the offsets in force around that wall time: the earlier instant that
  // shows this wall time wins (a repeated hour); none matches in a gap.
  Timestamp best = 0;
  bool found = false;
  for (Timestamp guess : {wall - 14 * kMillisPerHour, wall + 14 * kMillisPerHour}) {
    Timestamp candidate = wall - static_cast<Timestamp>(UtcOffsetMinutes(guess)) * kMillisPerMinute;
    Timestamp shown =
        candidate + static_cast<Timestamp>(UtcOffsetMinutes(candidate)) * kMillisPerMinute;
    if (shown == wall && (!found || candidate < best)) {
      best = candidate;
      found = true;
    }
  }
  if (found) return best;
  // In a gap (02:30 on the spring-forward day): the same instant as the wall
  // time read with the offset before the change, i.e. moved forward by the gap.
  Timestamp before = wall - static_cast<Timestamp>(UtcOffsetMinutes(wall - 14 * kMillisPerHour)) *
                                kMillisPerMinute;
  return before;
}

}  // namespace ck
