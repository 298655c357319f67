#include "risk/scheduler.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ck::risk {

Result<std::optional<int>> ParseDailyTime(std::string_view text) {
  if (text == "off") return std::optional<int>();
  auto digit = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || !digit(0) || !digit(1) || text[2] != ':' || !digit(3) || !digit(4))
    return InvalidArgument("must be \"HH:MM\" (UTC) or \"off\"", "risk.nightly_at");
  int h = (text[0] - '0') * 10 + (text[1] - '0'), m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59)
    return InvalidArgument("must be \"HH:MM\" (UTC) or \"off\"", "risk.nightly_at");
  return std::optional<int>(h * 60 + m);
}

Timestamp NextDailyRun(Timestamp now, int minute_of_day) {
  Timestamp day = StartOfDay(DateOf(now));
  Timestamp at = day + minute_of_day * kMillisPerMinute;
  return at > now ? at : at + kMillisPerDay;
}

NightlyStratification::NightlyStratification(db::Database& db, const Clock& clock,
                                             const TierRules& rules, int minute_of_day)
    : db_(db), clock_(clock), rules_(rules), minute_of_day_(minute_of_day) {
  thread_ = std::thread([this] { Loop(); });
}

NightlyStratification::~NightlyStratification() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void NightlyStratification::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    Timestamp next = NextDailyRun(clock_.Now(), minute_of_day_);
    // Wake at least every minute so clock changes are noticed.
    while (!stopping_ && clock_.Now() < next)
      cv_.wait_for(lock, std::chrono::milliseconds(
                             std::min<Timestamp>(next - clock_.Now(), kMillisPerMinute)));
    if (stopping_) break;
    lock.unlock();
    auto run = Stratify(db_, clock_, rules_, {.trigger = "nightly"});
    if (run.ok())
      spdlog::info("nightly stratification: {} patients, {} changed", run->patients, run->changed);
    else
      spdlog::error("nightly stratification failed: {}", run.status().ToString());
    lock.lock();
  }
}

}  // namespace ck::risk
