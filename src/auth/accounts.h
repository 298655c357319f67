// Accounts: users and teams — creation, listing, role and status changes.
// Every change is audited in its own transaction; a role change or
// deactivation ends the user's cached sessions at once.
//
//   Accounts accounts(db, clock, authenticator, PasswordCost::kInteractive);
//   Result<User> u = accounts.AddUser(actor, {.username = "cm.lee", .role = Role::kCaseManager,
//                                             .password = pw});
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/crypto.h"
#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::auth {

class Authenticator;

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kCaseManager;
  std::optional<int64_t> team_id;
  bool active = true;
  int failed_logins = 0;
  std::optional<Timestamp> locked_until;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct NewUser {
  std::string username;      // 3-64 of [a-z0-9._-], starting with a letter
  std::string display_name;  // defaults to the username
  Role role = Role::kCaseManager;
  std::optional<int64_t> team_id;
  std::string password;  // at least 12 characters; empty only for integration users
};

struct UserChange {
  std::optional<Role> role;
  std::optional<bool> active;
  std::optional<std::optional<int64_t>> team_id;  // set, or clear with nullopt inside
  std::optional<std::string> display_name;
};

struct Team {
  int64_t id = 0;
  std::string name;
};

// Row decoding shared by Accounts and Authenticator.
User UserFromRow(const db::Row& row);
inline constexpr const char* kUserColumns =
    "id, username, display_name, role, team_id, active, failed_logins, locked_until, "
    "created_at, updated_at";

class Accounts {
 public:
  // `authenticator` may be null (CLI use, no sessions to end).
  Accounts(db::Database& db, const Clock& clock, Authenticator* authenticator, PasswordCost cost);

  // InvalidArgument naming the field; AlreadyExists for a taken username.
  Result<User> AddUser(const Actor& actor, const NewUser& user);
  Result<User> GetUser(int64_t id);
  Result<std::vector<User>> ListUsers();
  Result<User> ChangeUser(const Actor& actor, int64_t id, const UserChange& change);
  Status SetPassword(const Actor& actor, int64_t id, const std::string& password);

  Result<Team> AddTeam(const Actor& actor, const std::string& name);
  Result<std::vector<Team>> ListTeams();

 private:
  db::Database& db_;
  const Clock& clock_;
  Authenticator* authenticator_;
  PasswordCost cost_;
};

Status ValidateUsername(const std::string& username);
Status ValidatePassword(const std::string& password);

}  // namespace ck::auth
