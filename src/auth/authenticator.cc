#include "auth/authenticator.h"

#include "audit/trail.h"
#include "auth/accounts.h"

namespace ck::auth {
namespace {

constexpr Timestamp kPersistEvery = kMillisPerMinute;

audit::Event LoginEvent(Timestamp now, const std::string& username, std::optional<int64_t> user_id,
                        std::string role, std::string outcome, std::string detail,
                        const std::string& request_id) {
  audit::Event e;
  e.at = now;
  e.user_id = user_id;
  e.username = username.substr(0, 64);
  e.role = std::move(role);
  e.action = "auth.login";
  e.entity_type = "user";
  e.entity_id = user_id ? std::to_string(*user_id) : "";
  e.outcome = std::move(outcome);
  e.request_id = request_id;
  e.detail = std::move(detail);
  return e;
}

Principal PrincipalOf(const User& u, Credential credential, Timestamp expires_at) {
  Principal p;
  p.user_id = u.id;
  p.username = u.username;
  p.display_name = u.display_name;
  p.role = u.role;
  p.team_id = u.team_id;
  p.credential = credential;
  p.expires_at = expires_at;
  return p;
}

}  // namespace

Authenticator::Authenticator(db::Database& db, const Clock& clock, Options options)
    : db_(db), clock_(clock), options_(options) {
  auto dummy = HashPassword(RandomToken(16), options_.password_cost);
  if (dummy.ok()) dummy_hash_ = *dummy;
}

Result<Authenticator::Login> Authenticator::SignIn(const std::string& username,
                                                   const std::string& password,
                                                   const std::string& request_id) {
  if (username.empty()) return InvalidArgument("is required", "username");
  if (password.empty()) return InvalidArgument("is required", "password");
  std::optional<User> user;
  std::string password_hash;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kUserColumns +
                                               ", password_hash FROM users WHERE username = ?",
                                           {username}));
    if (!rows.empty()) {
      user = UserFromRow(rows.at(0));
      password_hash = rows.at(0).IsNull(10) ? "" : rows.at(0).Text(10);
    }
    return Status::Ok();
  }));
  const Status invalid = Unauthenticated("invalid username or password");
  Timestamp now = clock_.Now();
  auto fail = [&](std::string detail) -> Status {
    (void)audit::AppendNow(
        db_, LoginEvent(now, username, user ? std::optional(user->id) : std::nullopt,
                        user ? std::string(RoleName(user->role)) : "", "failure", std::move(detail),
                        request_id));
    return invalid;
  };
  if (!user) {
    (void)VerifyPassword(dummy_hash_, password);
    return fail("unknown user");
  }
  if (user->locked_until && *user->locked_until > now) {
    // Same work as a real check, so the reply's timing does not reveal the lock.
    (void)VerifyPassword(dummy_hash_, password);
    return fail("account locked");
  }
  bool password_ok = !password_hash.empty() && VerifyPassword(password_hash, password);
  if (!password_ok) {
    Timestamp t = clock_.Now();
    bool locked_now = false;
    CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(auto rows, c.Query("UPDATE users SET failed_logins = failed_logins + 1 "
                                             "WHERE id = ? RETURNING failed_logins",
                                             {user->id}));
      if (!rows.empty() && rows.at(0).Int(0) >= options_.lockout_threshold) {
        CK_RETURN_IF_ERROR(
            c.Exec("UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?",
                   {t + options_.lockout_duration, user->id})
                .status());
        locked_now = true;
      }
      return audit::Append(
          c,
          LoginEvent(t, username, user->id, std::string(RoleName(user->role)), "failure",
                     locked_now ? "wrong password; account locked" : "wrong password", request_id));
    }));
    return invalid;
  }
  if (!user->active) return fail("user inactive");

  Login login;
  login.token = std::string(kSessionTokenPrefix) + RandomToken();
  std::string token_hash = Sha256Hex(login.token);
  Timestamp t = clock_.Now();
  Timestamp expires = t + options_.session_max;
  int64_t session_id = 0;
  bool locked_meanwhile = false;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    // A lock taken by a concurrent failed attempt since we looked still holds.
    CK_ASSIGN_OR_RETURN(
        auto cleared, c.Exec("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ? "
                             "AND active = 1 AND (locked_until IS NULL OR locked_until <= ?)",
                             {user->id, t}));
    locked_meanwhile = cleared == 0;
    if (locked_meanwhile) {
      return audit::Append(c, LoginEvent(t, username, user->id, std::string(RoleName(user->role)),
                                         "failure", "account locked", request_id));
    }
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO sessions (token_hash, user_id, created_at, "
                                           "last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?) "
                                           "RETURNING id",
                                           {token_hash, user->id, t, t, expires}));
    session_id = rows.at(0).Int(0);
    return audit::Append(
        c, LoginEvent(t, username, user->id, std::string(RoleName(user->role)), "success",
                      "session " + std::to_string(session_id), request_id));
  }));
  if (locked_meanwhile) return invalid;
  login.principal = PrincipalOf(*user, Credential::kSession, expires);
  login.idle_expires_at = std::min(expires, t + options_.session_idle);
  std::lock_guard lock(mu_);
  if (++sign_ins_ % 256 == 0) {
    // Sweep sessions that idled out or ended, so the cache does not grow forever.
    std::erase_if(sessions_, [&](const auto& kv) {
      return t - kv.second.last_seen > options_.session_idle || t >= kv.second.principal.expires_at;
    });
  }
  sessions_[token_hash] = {session_id, login.principal, t, t};
  return login;
}

Result<Principal> Authenticator::LoadSession(const std::string& token_hash, CachedSession* out) {
  const Status invalid = Unauthenticated("session is not valid; sign in again");
  Status st = db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT s.id, s.last_seen_at, s.expires_at, s.revoked_at, ") +
                    "u.id, u.username, u.display_name, u.role, u.team_id, u.active, "
                    "u.failed_logins, u.locked_until, u.created_at, u.updated_at "
                    "FROM sessions s JOIN users u ON u.id = s.user_id "
                    "WHERE s.token_hash = ?",
                {token_hash}));
    if (rows.empty()) return invalid;
    const db::Row& r = rows.at(0);
    if (!r.IsNull(3)) return invalid;
    std::vector<db::Value> user_cols;
    for (size_t i = 4; i < r.size(); ++i) user_cols.push_back(r.at(i));
    User u = UserFromRow(db::Row(std::move(user_cols)));
    if (!u.active) return invalid;
    out->session_id = r.Int(0);
    out->last_seen = r.Int(1);
    out->last_persisted = r.Int(1);
    out->principal = PrincipalOf(u, Credential::kSession, r.Int(2));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out->principal;
}

Result<Principal> Authenticator::LoadApiToken(const std::string& token_hash) {
  const Status invalid = Unauthenticated("API token is not valid");
  Timestamp now = clock_.Now();
  Principal p;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        auto rows, c.Query(std::string("SELECT t.expires_at, t.revoked_at, ") +
                               "u.id, u.username, u.display_name, u.role, u.team_id, u.active, "
                               "u.failed_logins, u.locked_until, u.created_at, u.updated_at "
                               "FROM api_tokens t JOIN users u ON u.id = t.user_id "
                               "WHERE t.token_hash = ?",
                           {token_hash}));
    if (rows.empty()) return invalid;
    const db::Row& r = rows.at(0);
    if (!r.IsNull(1) || (!r.IsNull(0) && r.Int(0) <= now)) return invalid;
    std::vector<db::Value> user_cols;
    for (size_t i = 2; i < r.size(); ++i) user_cols.push_back(r.at(i));
    User u = UserFromRow(db::Row(std::move(user_cols)));
    if (!u.active || u.role != Role::kIntegration) return invalid;
    p = PrincipalOf(u, Credential::kApiToken, r.IsNull(0) ? 0 : r.Int(0));
    return Status::Ok();
  }));
  return p;
}

Result<Principal> Authenticator::Authenticate(std::string_view token) {
  const Status invalid = Unauthenticated("session is not valid; sign in again");
  if (token.size() > 200) return invalid;
  if (token.starts_with(kApiTokenPrefix)) return LoadApiToken(Sha256Hex(token));
  if (!token.starts_with(kSessionTokenPrefix)) return invalid;
  std::string token_hash = Sha256Hex(token);
  Timestamp now = clock_.Now();
  CachedSession s;
  bool cached = false;
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    generation = forget_generation_;
    auto it = sessions_.find(token_hash);
    if (it != sessions_.end()) {
      s = it->second;
      cached = true;
    }
  }
  if (!cached) CK_RETURN_IF_ERROR(LoadSession(token_hash, &s).status());
  if (now - s.last_seen > options_.session_idle || now >= s.principal.expires_at) {
    std::lock_guard lock(mu_);
    sessions_.erase(token_hash);
    return invalid;
  }
  s.last_seen = now;
  bool persist = now - s.last_persisted >= kPersistEvery;
  if (persist) s.last_persisted = now;
  {
    std::lock_guard lock(mu_);
    // A ForgetUser() since we looked may have ended this session: do not revive it.
    if (forget_generation_ != generation) return invalid;
    sessions_[token_hash] = s;
  }
  if (persist) {
    // Once a minute the session is checked against the database too, so that a
    // sign-out or deactivation made by another casekeeper process takes effect.
    int64_t still_valid = 1;
    Status st = db_.Write([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(still_valid,
                          c.Exec("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND "
                                 "revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE "
                                 "active = 1)",
                                 {now, s.session_id}));
      return Status::Ok();
    });
    if (st.ok() && still_valid == 0) {
      std::lock_guard lock(mu_);
      sessions_.erase(token_hash);
      return invalid;
    }
  }
  return s.principal;
}

Status Authenticator::SignOut(std::string_view token, const std::string& request_id) {
  if (!token.starts_with(kSessionTokenPrefix)) return Status::Ok();
  std::string token_hash = Sha256Hex(token);
  {
    std::lock_guard lock(mu_);
    ++forget_generation_;  // an Authenticate() in flight must not put it back
    sessions_.erase(token_hash);
  }
  Timestamp now = clock_.Now();
  return db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto rows,
                        c.Query("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND "
                                "revoked_at IS NULL RETURNING id, user_id",
                                {now, token_hash}));
    if (rows.empty()) return Status::Ok();
    audit::Event e;
    e.at = now;
    e.user_id = rows.at(0).Int(1);
    CK_ASSIGN_OR_RETURN(
        auto u, c.Query("SELECT username, role FROM users WHERE id = ?", {rows.at(0).Int(1)}));
    e.username = u.empty() ? "" : u.at(0).Text(0);
    e.role = u.empty() ? "" : u.at(0).Text(1);
    e.action = "auth.logout";
    e.entity_type = "session";
    e.entity_id = std::to_string(rows.at(0).Int(0));
    e.outcome = "success";
    e.request_id = request_id;
    return audit::Append(c, e);
  });
}

Result<std::string> Authenticator::IssueApiToken(const Actor& actor, int64_t user_id,
                                                 const std::string& name,
                                                 std::optional<Timestamp> expires_at) {
  if (name.empty() || name.size() > 200)
    return InvalidArgument("must be 1 to 200 characters", "name");
  std::string token = std::string(kApiTokenPrefix) + RandomToken();
  Timestamp now = clock_.Now();
  if (expires_at && *expires_at <= now)
    return InvalidArgument("must be in the future", "expires_at");
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto u, c.Query("SELECT role, active FROM users WHERE id = ?", {user_id}));
    if (u.empty()) return NotFound("no user with id " + std::to_string(user_id));
    if (u.at(0).Text(0) != "integration")
      return InvalidArgument("API tokens are only for integration users", "user_id");
    CK_ASSIGN_OR_RETURN(auto rows,
                        c.Query("INSERT INTO api_tokens (token_hash, user_id, name, "
                                "created_by, created_at, expires_at) "
                                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                {Sha256Hex(token), user_id, name, actor.user_id, now, expires_at}));
    audit::Event e = audit::EventBy(actor, now, "api_token.issue", "api_token",
                                    std::to_string(rows.at(0).Int(0)), std::nullopt,
                                    "for user " + std::to_string(user_id));
    return audit::Append(c, e);
  }));
  return token;
}

void Authenticator::ForgetUser(int64_t user_id) {
  std::lock_guard lock(mu_);
  ++forget_generation_;
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.principal.user_id == user_id; });
}

}  // namespace ck::auth
