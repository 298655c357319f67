#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include "audit/trail.h"
#include "auth/accounts.h"
#include "testing/temp_db.h"

namespace ck::auth {
namespace {

constexpr const char* kPassword = "correct horse battery";

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    db_ = testing::OpenTestDatabase(dir_);
    authn_ = std::make_unique<Authenticator>(
        *db_, clock_,
        Authenticator::Options{.session_idle = 15 * kMillisPerMinute,
                               .session_max = 12 * kMillisPerHour,
                               .lockout_threshold = 3,
                               .lockout_duration = 15 * kMillisPerMinute,
                               .password_cost = PasswordCost::kMinimal});
    accounts_ = std::make_unique<Accounts>(*db_, clock_, authn_.get(), PasswordCost::kMinimal);
    auto u =
        accounts_->AddUser(Actor{}, {"cm.lee", "Lee", Role::kCaseManager, std::nullopt, kPassword});
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    user_id_ = u->id;
  }

  int CountAudit(const std::string& action, const std::string& outcome) {
    int n = 0;
    EXPECT_TRUE(db_->Read([&](db::Connection& c) -> Status {
                     CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM audit_log WHERE "
                                                            "action = ? AND outcome = ?",
                                                            {action, outcome}));
                     n = static_cast<int>(rows.at(0).Int(0));
                     return Status::Ok();
                   })
                    .ok());
    return n;
  }

  testing::TempDir dir_;
  FakeClock clock_{*ParseTimestamp("2026-11-27T09:00:00Z")};
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<Accounts> accounts_;
  int64_t user_id_ = 0;
};

TEST_F(AuthenticatorTest, SignInGivesAWorkingToken) {
  auto login = authn_->SignIn("cm.lee", kPassword, "r1");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_TRUE(login->token.starts_with("cks_"));
  auto p = authn_->Authenticate(login->token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user_id, user_id_);
  EXPECT_EQ(p->role, Role::kCaseManager);
  EXPECT_EQ(CountAudit("auth.login", "success"), 1);
}

TEST_F(AuthenticatorTest, WrongPasswordAndUnknownUserLookTheSame) {
  auto wrong = authn_->SignIn("cm.lee", "not the password", "r1");
  auto unknown = authn_->SignIn("nobody", "not the password", "r2");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_EQ(CountAudit("auth.login", "failure"), 2);
}

TEST_F(AuthenticatorTest, LockoutAfterRepeatedFailuresEvenWithTheRightPassword) {
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(authn_->SignIn("cm.lee", "wrong-password", "r").ok());
  auto locked = authn_->SignIn("cm.lee", kPassword, "r");
  EXPECT_EQ(locked.status().code(), ErrorCode::kUnauthenticated);
  clock_.Advance(16 * kMillisPerMinute);
  EXPECT_TRUE(authn_->SignIn("cm.lee", kPassword, "r").ok()) << "the lock expires";
}

TEST_F(AuthenticatorTest, SuccessResetsTheFailureCount) {
  EXPECT_FALSE(authn_->SignIn("cm.lee", "wrong-password", "r").ok());
  EXPECT_FALSE(authn_->SignIn("cm.lee", "wrong-password", "r").ok());
  EXPECT_TRUE(authn_->SignIn("cm.lee", kPassword, "r").ok());
  EXPECT_FALSE(authn_->SignIn("cm.lee", "wrong-password", "r").ok());
  EXPECT_FALSE(authn_->SignIn("cm.lee", "wrong-password", "r").ok());
  EXPECT_TRUE(authn_->SignIn("cm.lee", kPassword, "r").ok());
}

TEST_F(AuthenticatorTest, IdleSessionExpires) {
  auto login = authn_->SignIn("cm.lee", kPassword, "r");
  ASSERT_TRUE(login.ok());
  clock_.Advance(14 * kMillisPerMinute);
  EXPECT_TRUE(authn_->Authenticate(login->token).ok()) << "activity restarts the idle clock";
  clock_.Advance(14 * kMillisPerMinute);
  EXPECT_TRUE(authn_->Authenticate(login->token).ok());
  clock_.Advance(16 * kMillisPerMinute);
  EXPECT_EQ(authn_->Authenticate(login->token).status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, SessionEndsAtItsAbsoluteLifetimeDespiteActivity) {
  auto login = authn_->SignIn("cm.lee", kPassword, "r");
  ASSERT_TRUE(login.ok());
  for (int i = 0; i < 12 * 6; ++i) {
    clock_.Advance(10 * kMillisPerMinute);
    if (!authn_->Authenticate(login->token).ok()) {
      EXPECT_GE(i, 12 * 6 - 1);
      return;
    }
  }
  FAIL() << "session outlived its 12 hour lifetime";
}

TEST_F(AuthenticatorTest, SessionSurvivesARestartFromTheDatabase) {
  auto login = authn_->SignIn("cm.lee", kPassword, "r");
  ASSERT_TRUE(login.ok());
  Authenticator fresh(*db_, clock_, authn_->options());  // empty cache
  auto p = fresh.Authenticate(login->token);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->username, "cm.lee");
}

TEST_F(AuthenticatorTest, ForgedAndMalformedTokensAreRejected) {
  auto login = authn_->SignIn("cm.lee", kPassword, "r");
  ASSERT_TRUE(login.ok());
  std::string forged = login->token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  for (const std::string& t : {forged, std::string("cks_"), std::string(""), std::string("Bearer"),
                               std::string("ckt_whatever"), std::string(5000, 'x'),
                               std::string("cks_") + std::string(43, 'A')}) {
    EXPECT_EQ(authn_->Authenticate(t).status().code(), ErrorCode::kUnauthenticated)
        << t.substr(0, 20);
  }
}

TEST_F(AuthenticatorTest, SignOutEndsTheSession) {
  auto login = authn_->SignIn("cm.lee", kPassword, "r");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(authn_->SignOut(login->token, "r2").ok());
  EXPECT_FALSE(authn_->Authenticate(login->token).ok());
  Authenticator fresh(*db_, clock_, authn_->options());
  EXPECT_FALSE(fresh.Authenticate(login->token).ok()) << "revoked in the database too";
  EXPECT_EQ(CountAudit("auth.logout", "success"), 1);
}

TEST_F(AuthenticatorTest, SignOutInAnotherProcessReachesTheCacheWithinAMinute) {
  auto login = authn_->SignIn("cm.lee", kPassword, "r");
  ASSERT_TRUE(login.ok());
  Authenticator other(*db_, clock_, authn_->options());  // another server, same database
  ASSERT_TRUE(other.SignOut(login->token, "r2").ok());
  clock_.Advance(61 * 1000);
  EXPECT_EQ(authn_->Authenticate(login->token).status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, LockedAccountAnswersLikeAWrongPassword) {
  for (int i = 0; i < 3; ++i) (void)authn_->SignIn("cm.lee", "wrong-password", "r");
  auto locked = authn_->SignIn("cm.lee", kPassword, "r");
  auto wrong = authn_->SignIn("cm.lee", "wrong-password", "r");
  EXPECT_EQ(locked.status().message(), wrong.status().message());
}

TEST_F(AuthenticatorTest, DeactivationAndRoleChangeEndSessions) {
  auto login = authn_->SignIn("cm.lee", kPassword, "r");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(accounts_->ChangeUser(Actor{}, user_id_, {.role = Role::kAuditor}).ok());
  EXPECT_FALSE(authn_->Authenticate(login->token).ok());
  auto again = authn_->SignIn("cm.lee", kPassword, "r");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->principal.role, Role::kAuditor);
  ASSERT_TRUE(accounts_->ChangeUser(Actor{}, user_id_, {.active = false}).ok());
  EXPECT_FALSE(authn_->Authenticate(again->token).ok());
  EXPECT_FALSE(authn_->SignIn("cm.lee", kPassword, "r").ok()) << "inactive users cannot sign in";
  EXPECT_EQ(CountAudit("user.role_change", "success"), 1);
  EXPECT_EQ(CountAudit("user.deactivate", "success"), 1);
}

TEST_F(AuthenticatorTest, ApiTokensAreForIntegrationUsersOnly) {
  auto integ = accounts_->AddUser(Actor{}, {"ehr.feed", "", Role::kIntegration, std::nullopt, ""});
  ASSERT_TRUE(integ.ok()) << integ.status().ToString();
  auto token = authn_->IssueApiToken(Actor{}, integ->id, "ADT feed", std::nullopt);
  ASSERT_TRUE(token.ok());
  auto p = authn_->Authenticate(*token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->role, Role::kIntegration);
  EXPECT_EQ(p->credential, Credential::kApiToken);
  EXPECT_EQ(authn_->IssueApiToken(Actor{}, user_id_, "nope", std::nullopt).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(authn_->SignIn("ehr.feed", "anything-at-all", "r").ok())
      << "no password, no sign-in";
}

TEST_F(AuthenticatorTest, ExpiredApiTokenIsRejected) {
  auto integ = accounts_->AddUser(Actor{}, {"ehr.feed", "", Role::kIntegration, std::nullopt, ""});
  ASSERT_TRUE(integ.ok());
  auto token = authn_->IssueApiToken(Actor{}, integ->id, "short", clock_.Now() + kMillisPerHour);
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(authn_->Authenticate(*token).ok());
  clock_.Advance(kMillisPerHour);
  EXPECT_FALSE(authn_->Authenticate(*token).ok());
}

TEST(Accounts, ValidatesInput) {
  EXPECT_EQ(ValidateUsername("ab").field(), "username");
  EXPECT_EQ(ValidateUsername("Upper").field(), "username");
  EXPECT_EQ(ValidateUsername("has space").field(), "username");
  EXPECT_TRUE(ValidateUsername("cm.rivera-2").ok());
  EXPECT_EQ(ValidatePassword("short").field(), "password");
  EXPECT_TRUE(ValidatePassword("twelve chars").ok());
}

TEST(Crypto, PasswordHashesAreArgon2idSaltedAndVerify) {
  ASSERT_TRUE(InitCrypto().ok());
  auto h1 = HashPassword("a long password", PasswordCost::kMinimal);
  auto h2 = HashPassword("a long password", PasswordCost::kMinimal);
  ASSERT_TRUE(h1.ok() && h2.ok());
  EXPECT_TRUE(h1->starts_with("$argon2id$"));
  EXPECT_NE(*h1, *h2);
  EXPECT_TRUE(VerifyPassword(*h1, "a long password"));
  EXPECT_FALSE(VerifyPassword(*h1, "a long passwore"));
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "x"));
}

TEST(Crypto, Sha256KnownAnswer) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace ck::auth
