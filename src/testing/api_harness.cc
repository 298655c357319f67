#include "testing/api_harness.h"

#include <gtest/gtest.h>

namespace ck::testing {

ApiHarness::ApiHarness(Timestamp start) : clock_(start) {
  EXPECT_TRUE(auth::InitCrypto().ok());
  db_ = OpenTestDatabase(dir_);
  authn_ = std::make_unique<auth::Authenticator>(
      *db_, clock_, auth::Authenticator::Options{.password_cost = auth::PasswordCost::kMinimal});
  accounts_ =
      std::make_unique<auth::Accounts>(*db_, clock_, authn_.get(), auth::PasswordCost::kMinimal);
  authz_ = std::make_unique<auth::Authorizer>(clock_);
  router_ = std::make_unique<http::Router>(*authn_, *authz_, *db_, clock_);
}

int64_t ApiHarness::AddTeam(const std::string& name) {
  auto team = accounts_->AddTeam({}, name);
  EXPECT_TRUE(team.ok()) << team.status().ToString();
  return team.ok() ? team->id : 0;
}

int64_t ApiHarness::AddUser(const std::string& username, auth::Role role,
                            std::optional<int64_t> team) {
  std::string password = role == auth::Role::kIntegration ? "" : "password-1234";
  auto user = accounts_->AddUser({}, {username, "", role, team, password});
  EXPECT_TRUE(user.ok()) << user.status().ToString();
  if (!user.ok()) return 0;
  ids_[username] = user->id;
  if (role == auth::Role::kIntegration) {
    auto token = authn_->IssueApiToken({}, user->id, "test", std::nullopt);
    EXPECT_TRUE(token.ok());
    tokens_[username] = token.ok() ? *token : "";
  } else {
    SignInAgain(username);
  }
  return user->id;
}

void ApiHarness::SignInAgain(const std::string& username) {
  auto login = authn_->SignIn(username, "password-1234", "test");
  EXPECT_TRUE(login.ok()) << login.status().ToString();
  tokens_[username] = login.ok() ? login->token : "";
}

http::Response ApiHarness::Send(http::Request req, const std::string& who) {
  if (req.request_id.empty()) req.request_id = "test";
  if (!who.empty()) req.headers.emplace_back("authorization", "Bearer " + tokens_[who]);
  return router_->Execute(req);
}

http::Response ApiHarness::Call(http::Method method, const std::string& path,
                                const std::string& who, const http::Json& body,
                                std::vector<std::pair<std::string, std::string>> headers) {
  http::Request req;
  req.method = method;
  size_t q = path.find('?');
  req.path = path.substr(0, q);
  if (q != std::string::npos) req.query_string = path.substr(q + 1);
  if (!body.is_null()) req.body = body.dump();
  req.headers = std::move(headers);
  return Send(std::move(req), who);
}

}  // namespace ck::testing
