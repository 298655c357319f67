#include "core/periodic.h"

#include <chrono>

namespace ck {

Periodic::Periodic(std::function<void()> fn, Timestamp interval_ms)
    : fn_(std::move(fn)), interval_ms_(interval_ms), thread_([this] { Loop(); }) {}

Periodic::~Periodic() { Stop(); }

void Periodic::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Periodic::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    fn_();
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
  }
}

}  // namespace ck
