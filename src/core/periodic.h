// Runs a function now and then every `interval` on a background thread until
// Stop() or destruction (which joins it): the loops inside `serve` (task
// escalation, programs acting on events). The function logs its own failures.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/clock.h"

namespace ck {

class Periodic {
 public:
  Periodic(std::function<void()> fn, Timestamp interval_ms);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;
  void Stop();

 private:
  void Loop();
  std::function<void()> fn_;
  const Timestamp interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ck
