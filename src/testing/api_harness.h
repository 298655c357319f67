// An in-process API for tests: a fresh database on the run's backend, the
// authentication and authorization stack, a router, and signed-in users, so
// a test calls routes as the server would run them (no network).
//
//   testing::ApiHarness api;
//   api.AddUser("cm.one", auth::Role::kCaseManager, team);
//   patients::RegisterRoutes(api.router(), service);
//   http::Response r = api.Call(http::Method::kGet, "/api/v1/patients", "cm.one");
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/accounts.h"
#include "auth/authenticator.h"
#include "auth/authorizer.h"
#include "core/clock.h"
#include "http/json.h"
#include "http/router.h"
#include "testing/temp_db.h"

namespace ck::testing {

class ApiHarness {
 public:
  explicit ApiHarness(Timestamp start = 1795770000000);  // 2026-11-27T09:00:00Z

  db::Database& db() { return *db_; }
  FakeClock& clock() { return clock_; }
  auth::Authenticator& authenticator() { return *authn_; }
  auth::Accounts& accounts() { return *accounts_; }
  const auth::Authorizer& authorizer() { return *authz_; }
  http::Router& router() { return *router_; }
  const TempDir& dir() { return dir_; }

  int64_t AddTeam(const std::string& name);
  // Adds a user with password "password-1234" and signs them in.
  int64_t AddUser(const std::string& username, auth::Role role,
                  std::optional<int64_t> team = std::nullopt);
  // Signs the user in again (after the session idled out).
  void SignInAgain(const std::string& username);
  int64_t id(const std::string& username) const { return ids_.at(username); }
  std::string& token(const std::string& username) { return tokens_[username]; }

  // Runs `req` as `who` (empty: unauthenticated).
  http::Response Send(http::Request req, const std::string& who);
  // A request as `who` (empty: unauthenticated); the query string is split off the path.
  http::Response Call(http::Method method, const std::string& path, const std::string& who,
                      const http::Json& body = nullptr,
                      std::vector<std::pair<std::string, std::string>> headers = {});

 private:
  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<auth::Authenticator> authn_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<auth::Authorizer> authz_;
  std::unique_ptr<http::Router> router_;
  std::map<std::string, int64_t> ids_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace ck::testing
