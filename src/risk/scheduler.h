// Runs stratification every night at a configured UTC time inside `serve`
// (config risk.nightly_at, "HH:MM", or "off"). One background thread that
// sleeps until the next run; a failed run is logged and retried the next night.
//
//   CK_ASSIGN_OR_RETURN(auto at, ParseDailyTime(cfg.risk.nightly_at));
//   NightlyStratification nightly(db, clock, rules, *at);   // stops when destroyed
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "risk/stratify.h"

namespace ck::risk {

// Minutes after midnight UTC; nullopt for "off". InvalidArgument
// (field "risk.nightly_at") otherwise.
Result<std::optional<int>> ParseDailyTime(std::string_view text);

// The first time strictly after `now` at `minute_of_day` UTC.
Timestamp NextDailyRun(Timestamp now, int minute_of_day);

class NightlyStratification {
 public:
  NightlyStratification(db::Database& db, const Clock& clock, const TierRules& rules,
                        int minute_of_day);
  ~NightlyStratification();
  NightlyStratification(const NightlyStratification&) = delete;
  NightlyStratification& operator=(const NightlyStratification&) = delete;

 private:
  void Loop();
  db::Database& db_;
  const Clock& clock_;
  const TierRules& rules_;
  const int minute_of_day_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ck::risk
