// Group commit, shared by the backends. Write transactions queue up; the first
// caller to find no batch running becomes the leader, takes every queued job
// (its own included), and runs them in one database transaction, each inside
// a SAVEPOINT: a job whose function fails is rolled back to its savepoint
// alone, and one commit (one fsync) serves the whole batch. Callers see the
// same all-or-nothing result as with a transaction of their own.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "core/thread_annotations.h"
#include "db/database.h"
#include "db/internal/guarded_call.h"

namespace ck::db::internal {

struct WriteJob {
  const std::function<Status(Connection&)>* fn;
  Status status;
  bool done = false;
  std::condition_variable wake;  // its own, so finishing a batch wakes only whom it concerns
};

class WriteQueue {
 public:
  static constexpr size_t kMaxBatch = 64;

  // Queues `fn` and returns its result once its batch has run. `run_batch`
  // sets every job's status; it runs on the leader's thread, one batch at a time.
  Status Submit(const std::function<Status(Connection&)>& fn,
                const std::function<void(const std::vector<WriteJob*>&)>& run_batch) {
    WriteJob job{&fn, Status::Ok(), false, {}};
    std::unique_lock lock(mu_);
    queue_.push_back(&job);
    while (!job.done) {
      if (leader_active_ || queue_.front() != &job) {
        // Woken when the job is done, or when it leads the queue and no batch runs.
        if (!leader_active_ && !queue_.empty()) queue_.front()->wake.notify_one();
        job.wake.wait(lock);
        continue;
      }
      leader_active_ = true;
      size_t n = std::min(queue_.size(), kMaxBatch);
      std::vector<WriteJob*> batch(queue_.begin(), queue_.begin() + static_cast<long>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
      lock.unlock();
      run_batch(batch);  // never throws: job functions run through GuardedCall
      lock.lock();
      for (WriteJob* j : batch) {
        j->done = true;
        if (j != &job) j->wake.notify_one();
      }
      leader_active_ = false;
      if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next leader
    }
    return job.status;
  }

 private:
  std::mutex mu_;
  std::deque<WriteJob*> queue_ CK_GUARDED_BY(mu_);
  bool leader_active_ CK_GUARDED_BY(mu_) = false;
};

// What a backend provides to run a batch in one transaction on `conn`.
struct BatchOps {
  std::function<Status()> begin;                // BEGIN (and any lock)
  std::function<Status(const char* sql)> exec;  // SAVEPOINT, RELEASE, COMMIT, ...
  std::function<bool()> transaction_lost;       // the backend abandoned the transaction
  std::function<Status(const std::function<Status(Connection&)>&)> run_alone;  // own transaction
};

inline void RunBatchInOneTransaction(Connection& conn, const std::vector<WriteJob*>& batch,
                                     const BatchOps& ops) {
  if (batch.size() == 1) {
    batch[0]->status = ops.run_alone(*batch[0]->fn);
    return;
  }
  Status begin = ops.begin();
  if (!begin.ok()) {
    for (WriteJob* j : batch) j->status = ops.run_alone(*j->fn);
    return;
  }
  auto rerun_alone = [&](size_t from) {
    for (size_t k = from; k < batch.size(); ++k) batch[k]->status = ops.run_alone(*batch[k]->fn);
  };
  for (size_t i = 0; i < batch.size(); ++i) {
    WriteJob* job = batch[i];
    Status sp = ops.exec("SAVEPOINT ck_job");
    job->status = sp.ok() ? GuardedCall(*job->fn, conn) : sp;
    if (ops.transaction_lost()) {
      // The whole transaction is gone (I/O error, lost connection): nothing of
      // this batch was committed, so every job runs again on its own.
      (void)ops.exec("ROLLBACK");
      rerun_alone(0);
      return;
    }
    if (!job->status.ok() && sp.ok()) (void)ops.exec("ROLLBACK TO SAVEPOINT ck_job");
    if (sp.ok()) (void)ops.exec("RELEASE SAVEPOINT ck_job");
  }
  Status commit = ops.exec("COMMIT");
  if (!commit.ok()) {
    (void)ops.exec("ROLLBACK");
    rerun_alone(0);
  }
}

}  // namespace ck::db::internal
