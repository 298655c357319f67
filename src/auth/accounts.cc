#include "auth/accounts.h"

#include "audit/trail.h"
#include "auth/authenticator.h"

namespace ck::auth {
namespace {

audit::Event EventFor(const Actor& actor, Timestamp now, std::string action, int64_t user_id,
                      std::string detail) {
  return audit::EventBy(actor, now, std::move(action), "user", std::to_string(user_id),
                        std::nullopt, std::move(detail));
}

Result<User> LoadUser(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows, c.Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no user with id " + std::to_string(id));
  return UserFromRow(rows.at(0));
}

Status CheckTeam(db::Connection& c, const std::optional<int64_t>& team_id) {
  if (!team_id) return Status::Ok();
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT 1 FROM teams WHERE id = ?", {*team_id}));
  if (rows.empty()) return InvalidArgument("no such team", "team_id");
  return Status::Ok();
}

}  // namespace

User UserFromRow(const db::Row& r) {
  User u;
  u.id = r.Int(0);
  u.username = r.Text(1);
  u.display_name = r.Text(2);
  auto role = ParseRole(r.Text(3));
  u.role = role.ok() ? *role : Role::kCaseManager;  // the CHECK constraint keeps it valid
  u.team_id = r.OptInt(4);
  u.active = r.Int(5) != 0;
  u.failed_logins = static_cast<int>(r.Int(6));
  u.locked_until = r.OptInt(7);
  u.created_at = r.Int(8);
  u.updated_at = r.Int(9);
  return u;
}

Status ValidateUsername(const std::string& username) {
  if (username.size() < 3 || username.size() > 64)
    return InvalidArgument("must be 3 to 64 characters", "username");
  if (!(username[0] >= 'a' && username[0] <= 'z'))
    return InvalidArgument("must start with a lower-case letter", "username");
  for (char ch : username) {
    bool ok =
        (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    if (!ok) return InvalidArgument("may contain only a-z, 0-9, '.', '_' and '-'", "username");
  }
  return Status::Ok();
}

Status ValidatePassword(const std::string& password) {
  if (password.size() < 12) return InvalidArgument("must be at least 12 characters", "password");
  if (password.size() > 1024) return InvalidArgument("must be at most 1024 characters", "password");
  return Status::Ok();
}

Accounts::Accounts(db::Database& db, const Clock& clock, Authenticator* authenticator,
                   PasswordCost cost)
    : db_(db), clock_(clock), authenticator_(authenticator), cost_(cost) {}

Result<User> Accounts::AddUser(const Actor& actor, const NewUser& nu) {
  CK_RETURN_IF_ERROR(ValidateUsername(nu.username));
  std::optional<std::string> hash;
  if (nu.password.empty()) {
    if (nu.role != Role::kIntegration)
      return InvalidArgument("a password is required for this role", "password");
  } else {
    CK_RETURN_IF_ERROR(ValidatePassword(nu.password));
    CK_ASSIGN_OR_RETURN(hash, HashPassword(nu.password, cost_));
  }
  std::string display = nu.display_name.empty() ? nu.username : nu.display_name;
  if (display.size() > 200)
    return InvalidArgument("must be at most 200 characters", "display_name");
  User out;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    CK_RETURN_IF_ERROR(CheckTeam(c, nu.team_id));
    Timestamp now = clock_.Now();
    auto rows = c.Query(
        "INSERT INTO users (username, display_name, role, team_id, password_hash, active, "
        "failed_logins, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?) RETURNING id",
        {nu.username, display, RoleName(nu.role), nu.team_id, hash, now, now});
    if (!rows.ok()) {
      if (rows.status().code() == ErrorCode::kAlreadyExists)
        return AlreadyExists("username is taken", "username");
      return rows.status();
    }
    int64_t id = rows->at(0).Int(0);
    CK_ASSIGN_OR_RETURN(out, LoadUser(c, id));
    return audit::Append(
        c, EventFor(actor, now, "user.create", id, "role=" + std::string(RoleName(nu.role))));
  });
  if (!st.ok()) return st;
  return out;
}

Result<User> Accounts::GetUser(int64_t id) {
  User out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadUser(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<User>> Accounts::ListUsers() {
  std::vector<User> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) {
    return c.ForEachRow(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username", {},
                        [&](const db::Row& r) {
                          out.push_back(UserFromRow(r));
                          return Status::Ok();
                        });
  }));
  return out;
}

Result<User> Accounts::ChangeUser(const Actor& actor, int64_t id, const UserChange& change) {
  if (change.display_name && (change.display_name->empty() || change.display_name->size() > 200))
    return InvalidArgument("must be 1 to 200 characters", "display_name");
  User out;
  bool ends_sessions = false;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(User before, LoadUser(c, id));
    Timestamp now = clock_.Now();
    if (change.team_id) CK_RETURN_IF_ERROR(CheckTeam(c, *change.team_id));
    User after = before;
    if (change.role) after.role = *change.role;
    if (change.active) after.active = *change.active;
    if (change.team_id) after.team_id = *change.team_id;
    if (change.display_name) after.display_name = *change.display_name;
    auto upd = c.Exec(
        "UPDATE users SET role = ?, active = ?, team_id = ?, display_name = ?, updated_at = ? "
        "WHERE id = ?",
        {RoleName(after.role), after.active, after.team_id, after.display_name, now, id});
    if (!upd.ok()) return upd.status();
    // Role, status and team are permissions: each change gets its own record.
    if (after.role != before.role) {
      CK_RETURN_IF_ERROR(audit::Append(c, EventFor(actor, now, "user.role_change", id,
                                                   std::string(RoleName(before.role)) + "->" +
                                                       std::string(RoleName(after.role)))));
      ends_sessions = true;
    }
    if (after.active != before.active) {
      CK_RETURN_IF_ERROR(audit::Append(
          c, EventFor(actor, now, after.active ? "user.activate" : "user.deactivate", id, "")));
      ends_sessions |= !after.active;
    }
    if (after.team_id != before.team_id) {
      auto name = [](const std::optional<int64_t>& t) { return t ? std::to_string(*t) : "none"; };
      CK_RETURN_IF_ERROR(
          audit::Append(c, EventFor(actor, now, "user.team_change", id,
                                    name(before.team_id) + "->" + name(after.team_id))));
      ends_sessions = true;
    }
    if (after.display_name != before.display_name)
      CK_RETURN_IF_ERROR(audit::Append(c, EventFor(actor, now, "user.update", id, "display_name")));
    if (ends_sessions) {
      auto revoke = c.Exec(
          "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {now, id});
      if (!revoke.ok()) return revoke.status();
    }
    CK_ASSIGN_OR_RETURN(out, LoadUser(c, id));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (ends_sessions && authenticator_) authenticator_->ForgetUser(id);
  return out;
}

Status Accounts::SetPassword(const Actor& actor, int64_t id, const std::string& password) {
  CK_RETURN_IF_ERROR(ValidatePassword(password));
  CK_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, cost_));
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    Timestamp now = clock_.Now();
    CK_ASSIGN_OR_RETURN(auto n, c.Exec("UPDATE users SET password_hash = ?, failed_logins = 0, "
                                       "locked_until = NULL, updated_at = ? WHERE id = ?",
                                       {hash, now, id}));
    if (n == 0) return NotFound("no user with id " + std::to_string(id));
    auto revoke = c.Exec(
        "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {now, id});
    if (!revoke.ok()) return revoke.status();
    return audit::Append(c, EventFor(actor, now, "user.password_set", id, ""));
  }));
  if (authenticator_) authenticator_->ForgetUser(id);
  return Status::Ok();
}

Result<Team> Accounts::AddTeam(const Actor& actor, const std::string& name) {
  if (name.empty() || name.size() > 200)
    return InvalidArgument("must be 1 to 200 characters", "name");
  Team team;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    Timestamp now = clock_.Now();
    auto rows =
        c.Query("INSERT INTO teams (name, created_at) VALUES (?, ?) RETURNING id", {name, now});
    if (!rows.ok()) {
      if (rows.status().code() == ErrorCode::kAlreadyExists)
        return AlreadyExists("a team with this name exists", "name");
      return rows.status();
    }
    team = {rows->at(0).Int(0), name};
    audit::Event e = EventFor(actor, now, "team.create", team.id, "");
    e.entity_type = "team";
    return audit::Append(c, e);
  }));
  return team;
}

Result<std::vector<Team>> Accounts::ListTeams() {
  std::vector<Team> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) {
    return c.ForEachRow("SELECT id, name FROM teams ORDER BY name", {}, [&](const db::Row& r) {
      out.push_back({r.Int(0), r.Text(1)});
      return Status::Ok();
    });
  }));
  return out;
}

}  // namespace ck::auth
