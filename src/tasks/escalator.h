// Runs Service::EscalateOverdue() every `interval` inside `serve`: one
// background thread, stopped (and joined) by Stop() or the destructor. A
// failed sweep is logged and tried again at the next interval.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "tasks/service.h"

namespace ck::tasks {

class Escalator {
 public:
  Escalator(Service& tasks, Timestamp interval_ms);
  ~Escalator();
  Escalator(const Escalator&) = delete;
  Escalator& operator=(const Escalator&) = delete;
  void Stop();

 private:
  void Loop();
  Service& tasks_;
  const Timestamp interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ck::tasks
