#include "tasks/escalator.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ck::tasks {

Escalator::Escalator(Service& tasks, Timestamp interval_ms)
    : tasks_(tasks), interval_ms_(interval_ms), thread_([this] { Loop(); }) {}

Escalator::~Escalator() { Stop(); }

void Escalator::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Escalator::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto n = tasks_.EscalateOverdue();
    if (!n.ok())
      spdlog::error("task escalation failed: {}", n.status().ToString());
    else if (*n > 0)
      spdlog::info("escalated {} overdue task(s)", *n);
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
  }
}

}  // namespace ck::tasks
