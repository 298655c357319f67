// Small string helpers shared by the validators.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string_view>

namespace ck {

// Whether `v` is one of `allowed`: OneOf(status, {"open", "done"}).
inline bool OneOf(std::string_view v, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

}  // namespace ck
