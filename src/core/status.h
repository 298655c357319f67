// Status and Result<T>: the error vocabulary used at every module boundary.
//
//   Result<Patient> p = store.Get(conn, id);
//   if (!p.ok()) return p.status();
//   Use(*p);
//
// A Status carries a canonical code, a message safe to show a client (never
// patient data), and optionally the name of the input field at fault. Errors are
// turned into wire formats (HTTP, HL7 ACK) in exactly one place per protocol.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ck {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kConflict,
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,
  kUnavailable,
  kDataLoss,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Name of the offending input field ("birth_date", "PID-7"), empty if none.
  const std::string& field() const { return field_; }

  // "InvalidArgument: birth_date: not a date" — for logs and CLI errors.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string field_;
};

inline Status InvalidArgument(std::string msg, std::string field = {}) {
  return Status(ErrorCode::kInvalidArgument, std::move(msg), std::move(field));
}
inline Status NotFound(std::string msg, std::string field = {}) {
  return Status(ErrorCode::kNotFound, std::move(msg), std::move(field));
}
inline Status AlreadyExists(std::string msg, std::string field = {}) {
  return Status(ErrorCode::kAlreadyExists, std::move(msg), std::move(field));
}
inline Status FailedPrecondition(std::string msg, std::string field = {}) {
  return Status(ErrorCode::kFailedPrecondition, std::move(msg), std::move(field));
}
inline Status Conflict(std::string msg, std::string field = {}) {
  return Status(ErrorCode::kConflict, std::move(msg), std::move(field));
}
inline Status PermissionDenied(std::string msg) {
  return Status(ErrorCode::kPermissionDenied, std::move(msg));
}
inline Status Unauthenticated(std::string msg) {
  return Status(ErrorCode::kUnauthenticated, std::move(msg));
}
inline Status ResourceExhausted(std::string msg) {
  return Status(ErrorCode::kResourceExhausted, std::move(msg));
}
inline Status Unavailable(std::string msg) {
  return Status(ErrorCode::kUnavailable, std::move(msg));
}
inline Status DataLoss(std::string msg) { return Status(ErrorCode::kDataLoss, std::move(msg)); }
inline Status Internal(std::string msg) { return Status(ErrorCode::kInternal, std::move(msg)); }

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) v_ = Status(ErrorCode::kInternal, "Result built from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ck

// Returns early from the enclosing function if `expr` (a Status) is not OK.
#define CK_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::ck::Status ck_status_ = (expr);        \
    if (!ck_status_.ok()) return ck_status_; \
  } while (0)

#define CK_CONCAT_INNER(a, b) a##b
#define CK_CONCAT(a, b) CK_CONCAT_INNER(a, b)
// `CK_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its Status.
#define CK_ASSIGN_OR_RETURN(lhs, expr) \
  CK_ASSIGN_OR_RETURN_IMPL(CK_CONCAT(ck_result_, __LINE__), lhs, expr)
#define CK_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
