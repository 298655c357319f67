// Small helpers for building portable SQL.
#pragma once

#include <cstddef>
#include <string>

namespace ck::db {

// "(?, ?, ?)" for an IN list of `n` parameters (n ≥ 1).
inline std::string InList(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s + ")";
}

}  // namespace ck::db
