#include "core/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <cstring>
#include <functional>
#include <map>

namespace ck {
namespace {

// One settable key: parses a string (from the environment) or a TOML node.
struct Setting {
  std::function<Status(std::string_view text, const std::string& name)> from_text;
  std::function<Status(const toml::node& node, const std::string& name)> from_toml;
};

Status ParseBool(std::string_view s, bool& out, const std::string& name) {
  if (s == "true" || s == "1" || s == "yes") {
    out = true;
  } else if (s == "false" || s == "0" || s == "no") {
    out = false;
  } else {
    return InvalidArgument("must be true or false", name);
  }
  return Status::Ok();
}

template <typename Int>
Status ParseIntText(std::string_view s, Int& out, const std::string& name, Int min) {
  Int v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    return InvalidArgument("must be an integer", name);
  if (v < min) return InvalidArgument("must be at least " + std::to_string(min), name);
  out = v;
  return Status::Ok();
}

template <typename Int>
Setting IntSetting(Int& field, Int min) {
  return {[&field, min](std::string_view s, const std::string& n) {
            return ParseIntText(s, field, n, min);
          },
          [&field, min](const toml::node& node, const std::string& n) -> Status {
            auto v = node.value<int64_t>();
            if (!node.is_integer() || !v) return InvalidArgument("must be an integer", n);
            return ParseIntText(std::to_string(*v), field, n, min);
          }};
}

Setting StringSetting(std::string& field, std::vector<std::string> allowed = {}) {
  auto check = [allowed](std::string_view s, const std::string& n) -> Status {
    if (allowed.empty()) return Status::Ok();
    for (const auto& a : allowed) {
      if (a == s) return Status::Ok();
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return InvalidArgument("must be one of: " + list, n);
  };
  return {[&field, check](std::string_view s, const std::string& n) -> Status {
            CK_RETURN_IF_ERROR(check(s, n));
            field = std::string(s);
            return Status::Ok();
          },
          [&field, check](const toml::node& node, const std::string& n) -> Status {
            if (!node.is_string()) return InvalidArgument("must be a string", n);
            std::string s = *node.value<std::string>();
            CK_RETURN_IF_ERROR(check(s, n));
            field = s;
            return Status::Ok();
          }};
}

Setting BoolSetting(bool& field) {
  return {[&field](std::string_view s, const std::string& n) { return ParseBool(s, field, n); },
          [&field](const toml::node& node, const std::string& n) -> Status {
            if (!node.is_boolean()) return InvalidArgument("must be true or false", n);
            field = *node.value<bool>();
            return Status::Ok();
          }};
}

Setting DateListSetting(std::vector<Date>& field) {
  auto parse_list = [&field](const std::vector<std::string>& items,
                             const std::string& n) -> Status {
    std::vector<Date> out;
    for (const auto& item : items) {
      auto d = ParseDate(item, n);
      if (!d.ok()) return d.status();
      out.push_back(*d);
    }
    field = std::move(out);
    return Status::Ok();
  };
  return {[parse_list](std::string_view s, const std::string& n) {
            std::vector<std::string> items;
            size_t start = 0;
            while (start <= s.size() && !s.empty()) {
              size_t comma = s.find(',', start);
              if (comma == std::string_view::npos) comma = s.size();
              items.emplace_back(s.substr(start, comma - start));
              start = comma + 1;
            }
            return parse_list(items, n);
          },
          [parse_list](const toml::node& node, const std::string& n) -> Status {
            const toml::array* arr = node.as_array();
            if (!arr) return InvalidArgument("must be an array of \"YYYY-MM-DD\" strings", n);
            std::vector<std::string> items;
            for (const auto& el : *arr) {
              if (!el.is_string()) return InvalidArgument("must be an array of strings", n);
              items.push_back(*el.value<std::string>());
            }
            return parse_list(items, n);
          }};
}

std::map<std::string, Setting> Settings(Config& c) {
  return {
      {"db.path", StringSetting(c.db.path)},
      {"db.readers", IntSetting(c.db.readers, 1)},
      {"db.busy_timeout_ms", IntSetting(c.db.busy_timeout_ms, 0)},
      {"db.synchronous", StringSetting(c.db.synchronous, {"normal", "full"})},
      {"http.listen", StringSetting(c.http.listen)},
      {"http.io_threads", IntSetting(c.http.io_threads, 1)},
      {"http.worker_threads", IntSetting(c.http.worker_threads, 1)},
      {"http.max_body_bytes", IntSetting(c.http.max_body_bytes, int64_t{1024})},
      {"http.max_bundle_bytes", IntSetting(c.http.max_bundle_bytes, int64_t{1024})},
      {"http.max_connections", IntSetting(c.http.max_connections, 1)},
      {"http.tls_cert", StringSetting(c.http.tls_cert)},
      {"http.tls_key", StringSetting(c.http.tls_key)},
      {"http.allow_plaintext_non_loopback", BoolSetting(c.http.allow_plaintext_non_loopback)},
      {"http.shutdown_grace_ms", IntSetting(c.http.shutdown_grace_ms, 0)},
      {"auth.session_idle_minutes", IntSetting(c.auth.session_idle_minutes, 1)},
      {"auth.session_max_hours", IntSetting(c.auth.session_max_hours, 1)},
      {"auth.lockout_threshold", IntSetting(c.auth.lockout_threshold, 1)},
      {"auth.lockout_minutes", IntSetting(c.auth.lockout_minutes, 1)},
      {"auth.break_glass_max_minutes", IntSetting(c.auth.break_glass_max_minutes, 1)},
      {"auth.password_cost",
       StringSetting(c.auth.password_cost, {"interactive", "moderate", "sensitive"})},
      {"calendar.holidays", DateListSetting(c.calendar.holidays)},
      {"calendar.us_federal_holidays", BoolSetting(c.calendar.us_federal_holidays)},
      {"calendar.time_zone", StringSetting(c.calendar.time_zone)},
      {"insurance.rules_file", StringSetting(c.insurance.rules_file)},
      {"insurance.renewal_days_before", IntSetting(c.insurance.renewal_days_before, 1)},
      {"insurance.renewal_units_percent", IntSetting(c.insurance.renewal_units_percent, 1)},
      {"insurance.eligibility_max_age_days", IntSetting(c.insurance.eligibility_max_age_days, 1)},
      {"insurance.coverage_ending_days", IntSetting(c.insurance.coverage_ending_days, 1)},
      {"insurance.check_minutes", IntSetting(c.insurance.check_minutes, 1)},
      {"social.referral_answer_business_days",
       IntSetting(c.social.referral_answer_business_days, 1)},
      {"social.referral_link_days", IntSetting(c.social.referral_link_days, 1)},
      {"social.partner_url", StringSetting(c.social.partner_url)},
      {"compliance.note_sign_hours", IntSetting(c.compliance.note_sign_hours, 1)},
      {"compliance.lookback_days", IntSetting(c.compliance.lookback_days, 1)},
      {"compliance.assessments", StringSetting(c.compliance.assessments)},
      {"compliance.assessment_grace_days", IntSetting(c.compliance.assessment_grace_days, 0)},
      {"worklist.snooze_max_days", IntSetting(c.worklist.snooze_max_days, 1)},
      {"mllp.listen", StringSetting(c.mllp.listen)},
      {"mllp.max_frame_bytes", IntSetting(c.mllp.max_frame_bytes, int64_t{1024})},
      {"mllp.idle_timeout_seconds", IntSetting(c.mllp.idle_timeout_seconds, 1)},
      {"mllp.max_connections", IntSetting(c.mllp.max_connections, 1)},
      {"mllp.allow_non_loopback", BoolSetting(c.mllp.allow_non_loopback)},
      {"assessments.instruments_dir", StringSetting(c.assessments.instruments_dir)},
      {"risk.rules_file", StringSetting(c.risk.rules_file)},
      {"risk.nightly_at", StringSetting(c.risk.nightly_at)},
      {"tasks.escalation_margin_hours", IntSetting(c.tasks.escalation_margin_hours, 1)},
      {"tasks.urgent_escalation_margin_hours",
       IntSetting(c.tasks.urgent_escalation_margin_hours, 0)},
      {"tasks.unable_to_reach_attempts", IntSetting(c.tasks.unable_to_reach_attempts, 1)},
      {"tasks.escalation_check_minutes", IntSetting(c.tasks.escalation_check_minutes, 1)},
      {"programs.dir", StringSetting(c.programs.dir)},
      {"programs.poll_seconds", IntSetting(c.programs.poll_seconds, 1)},
      {"web.root", StringSetting(c.web.root)},
      {"log.level", StringSetting(c.log.level, {"trace", "debug", "info", "warn", "error", "off"})},
      {"log.access_log", BoolSetting(c.log.access_log)},
  };
}

std::string EnvName(const std::string& key) {
  std::string out = "CASEKEEPER_";
  for (char ch : key) out += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
  return out;
}

}  // namespace

Result<Config> LoadConfig(const std::string& path, char** env) {
  Config config;
  auto settings = Settings(config);
  if (!path.empty()) {
    toml::table root;
    try {
      root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      return InvalidArgument(std::string("config file: ") + std::string(e.description()) +
                                 " at line " + std::to_string(e.source().begin.line),
                             path);
    }
    for (const auto& [section, node] : root) {
      std::string section_name(section.str());
      const toml::table* table = node.as_table();
      if (!table) return InvalidArgument("expected a [section]", section_name);
      for (const auto& [key, value] : *table) {
        std::string name = section_name + "." + std::string(key.str());
        auto it = settings.find(name);
        if (it == settings.end()) return InvalidArgument("unknown configuration key", name);
        CK_RETURN_IF_ERROR(it->second.from_toml(value, name));
      }
    }
  }
  if (env) {
    std::map<std::string, std::string> by_env;
    for (const auto& [name, _] : settings) by_env[EnvName(name)] = name;
    for (char** e = env; *e; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      auto it = by_env.find(std::string(kv.substr(0, eq)));
      if (it == by_env.end()) continue;
      CK_RETURN_IF_ERROR(settings.at(it->second).from_text(kv.substr(eq + 1), it->second));
    }
  }
  return config;
}

Result<HostPort> ParseHostPort(std::string_view text, std::string_view field) {
  auto bad = [&] { return InvalidArgument("must be HOST:PORT", std::string(field)); };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  HostPort hp;
  hp.host = std::string(text.substr(0, colon));
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']')
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || p != port.data() + port.size() || value > 65535) return bad();
  hp.port = static_cast<uint16_t>(value);
  return hp;
}

}  // namespace ck
