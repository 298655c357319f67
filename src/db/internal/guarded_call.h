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

// BEGIN (`begin` may hold several statements), the function, COMMIT; ROLLBACK
// on any failure. `Conn` has Status Simple(const char*).
template <typename Conn>
Status RunTransaction(Conn& conn, const char* begin, const std::function<Status(Connection&)>& fn) {
  Status st = conn.Simple(begin);
  if (st.ok()) st = GuardedCall(fn, conn);
  if (st.ok()) {
    st = conn.Simple("COMMIT");
    if (st.ok()) return st;
  }
  (void)conn.Simple("ROLLBACK");
  return st;
}

}  // namespace ck::db::internal
