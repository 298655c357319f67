// Runs a transaction's function so that an exception thrown inside it becomes
// an Internal status instead of escaping through a backend's locks and
// leaving a transaction open. Used by the backends only.
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "db/database.h"

namespace ck::db::internal {

inline Status GuardedCall(const std::function<Status(Connection&)>& fn, Connection& conn) {
  try {
    return fn(conn);
  } catch (const std::exception& e) {
    return Internal(std::string("exception inside a transaction: ") + e.what());
  } catch (...) {
    return Internal("unknown exception inside a transaction");
  }
}

}  // namespace ck::db::internal
