// Authenticator: sign-in with lockout, sessions with idle and absolute
// timeouts, API tokens for integrations, sign-out.
//
//   Authenticator authn(db, clock, {});
//   Result<Authenticator::Login> s = authn.SignIn("cm.lee", password, request_id);
//   Result<Principal> p = authn.Authenticate(s->token);
//
// Tokens are random (256 bits) and only their SHA-256 is stored. Sessions are
// cached in memory; the last-seen time is written back at most once a minute,
// so a restart can only shorten a session. Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/crypto.h"
#include "auth/model.h"
#include "core/clock.h"
#include "core/thread_annotations.h"
#include "db/database.h"

namespace ck::auth {

class Authenticator {
 public:
  struct Options {
    Timestamp session_idle = 15 * kMillisPerMinute;
    Timestamp session_max = 12 * kMillisPerHour;
    int lockout_threshold = 5;
    Timestamp lockout_duration = 15 * kMillisPerMinute;
    PasswordCost password_cost = PasswordCost::kInteractive;
  };

  Authenticator(db::Database& db, const Clock& clock, Options options);

  struct Login {
    std::string token;  // bearer token; also the session cookie's value
    Principal principal;
    Timestamp idle_expires_at = 0;
  };
  // Unauthenticated for a wrong username or password (the same message for both),
  // an inactive user, a locked account, or a user without a password. Every
  // attempt is audited.
  Result<Login> SignIn(const std::string& username, const std::string& password,
                       const std::string& request_id);

  // The principal of a live session or API token; Unauthenticated otherwise
  // (unknown, forged, revoked, idle too long, past its lifetime, user inactive).
  // A session's idle clock restarts on each successful call.
  Result<Principal> Authenticate(std::string_view token);

  // Ends the session of `token` (idempotent); audited.
  Status SignOut(std::string_view token, const std::string& request_id);

  // A new API token for an integration user; returned once, stored hashed.
  Result<std::string> IssueApiToken(const Actor& actor, int64_t user_id, const std::string& name,
                                    std::optional<Timestamp> expires_at);

  // Drops cached sessions of a user whose role, team or status changed.
  void ForgetUser(int64_t user_id);

  const Options& options() const { return options_; }

 private:
  struct CachedSession {
    int64_t session_id = 0;
    Principal principal;
    Timestamp last_seen = 0;
    Timestamp last_persisted = 0;
  };

  Result<Principal> LoadSession(const std::string& token_hash, CachedSession* out);
  Result<Principal> LoadApiToken(const std::string& token_hash);

  db::Database& db_;
  const Clock& clock_;
  const Options options_;
  std::string dummy_hash_;  // verified against for unknown users, to even out timing
  std::mutex mu_;
  std::unordered_map<std::string, CachedSession> sessions_ CK_GUARDED_BY(mu_);
  uint64_t forget_generation_ CK_GUARDED_BY(mu_) = 0;
  uint64_t sign_ins_ CK_GUARDED_BY(mu_) = 0;
};

inline constexpr std::string_view kSessionTokenPrefix = "cks_";
inline constexpr std::string_view kApiTokenPrefix = "ckt_";

}  // namespace ck::auth
