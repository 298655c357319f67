#include "audit/trail.h"

#include <gtest/gtest.h>

#include "auth/crypto.h"
#include "testing/temp_db.h"

namespace ck::audit {
namespace {

class AuditTrailTest : public ::testing::Test {
 protected:
  void SetUp() override { FreshChain(); }

  // A new database with ten records; each call starts over in a new directory.
  void FreshChain() {
    ASSERT_TRUE(auth::InitCrypto().ok());
    db_.reset();
    dir_ = std::make_unique<testing::TempDir>();
    db_ = testing::OpenTestDatabase(*dir_);
    ASSERT_TRUE(db_);
    for (int i = 0; i < 10; ++i) {
      Event e;
      e.at = 1'000'000 + i;
      e.user_id = 7;
      e.username = "cm.test";
      e.role = "case_manager";
      e.action = "patient.read";
      e.entity_type = "patient";
      e.entity_id = std::to_string(100 + i);
      e.patient_id = 100 + i;
      e.outcome = "success";
      e.request_id = "req-" + std::to_string(i);
      e.detail = "access=care_team";
      ASSERT_TRUE(AppendNow(*db_, e).ok());
    }
  }

  VerifyReport MustVerify() {
    auto r = Verify(*db_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyReport{};
  }

  // What an attacker with the database file can do: drop the triggers first.
  void Tamper(const std::string& sql, const db::Params& params = {}) {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) -> Status {
                     CK_RETURN_IF_ERROR(c.ExecScript(
                         c.backend() == db::Backend::kSqlite
                             ? "DROP TRIGGER IF EXISTS audit_log_no_update;"
                               "DROP TRIGGER IF EXISTS audit_log_no_delete;"
                             : "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;"));
                     return c.Exec(sql, params).status();
                   })
                    .ok());
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::unique_ptr<db::Database> db_;
};

TEST_F(AuditTrailTest, IntactChainVerifies) {
  VerifyReport r = MustVerify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.records, 10);
  EXPECT_EQ(r.head_hash.size(), 64u);
}

// A batch appended together chains exactly as one by one would, and the chain
// goes on after it.
TEST_F(AuditTrailTest, BatchesChainLikeSingleAppends) {
  Batch batch;
  for (int i = 0; i < 3; ++i) {
    Event e;
    e.at = 2'000'000 + i;
    e.username = "hl7";
    e.role = "integration";
    e.action = "encounter.create";
    e.entity_type = "encounter";
    e.entity_id = std::to_string(i);
    e.patient_id = 100;
    e.outcome = "success";
    e.request_id = "batch";
    ASSERT_TRUE(batch.Add(e).ok());
  }
  ASSERT_TRUE(db_->Write([&](db::Connection& c) { return batch.Flush(c); }).ok());
  Event after;
  after.at = 3'000'000;
  after.username = "cm.test";
  after.action = "patient.read";
  after.entity_type = "patient";
  after.outcome = "success";
  ASSERT_TRUE(AppendNow(*db_, after).ok());
  VerifyReport r = MustVerify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.records, 14);
  // Editing a record of the batch is detected there.
  Tamper("UPDATE audit_log SET entity_id = 'x' WHERE id = 12");
  r = MustVerify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_id, 12);
}

TEST_F(AuditTrailTest, EmptyChainVerifies) {
  testing::TempDir dir;
  auto db = testing::OpenTestDatabase(dir);
  auto r = Verify(*db);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->intact);
  EXPECT_EQ(r->records, 0);
}

TEST_F(AuditTrailTest, DatabaseRefusesUpdateAndDelete) {
  Status upd = db_->Write([](db::Connection& c) {
    return c.Exec("UPDATE audit_log SET outcome = 'denied' WHERE id = 3").status();
  });
  EXPECT_FALSE(upd.ok());
  Status del = db_->Write(
      [](db::Connection& c) { return c.Exec("DELETE FROM audit_log WHERE id = 3").status(); });
  EXPECT_FALSE(del.ok());
  EXPECT_TRUE(MustVerify().intact);
}

// Tampering with any one field of record 4 is detected at record 4.
TEST_F(AuditTrailTest, EditingAnyFieldIsDetected) {
  struct Edit {
    const char* column;
    db::Value value;
  } edits[] = {{"at", int64_t{5}},      {"user_id", int64_t{8}},  {"user_id", nullptr},
               {"username", "someone"}, {"role", "auditor"},      {"action", "patient.list"},
               {"entity_type", "user"}, {"entity_id", "999"},     {"patient_id", int64_t{1}},
               {"outcome", "denied"},   {"request_id", "forged"}, {"detail", ""},
               {"prev_hash", "00"}};
  for (const Edit& edit : edits) {
    FreshChain();
    Tamper(std::string("UPDATE audit_log SET ") + edit.column + " = ? WHERE id = 4", {edit.value});
    VerifyReport r = MustVerify();
    EXPECT_FALSE(r.intact) << edit.column;
    EXPECT_EQ(r.first_broken_id, 4) << edit.column << ": " << r.problem;
  }
}

TEST_F(AuditTrailTest, RewritingAHashIsDetectedAtTheNextRecord) {
  Tamper("UPDATE audit_log SET outcome = 'denied' WHERE id = 4");
  // The attacker recomputes record 4's hash as well...
  Record r4;
  ASSERT_TRUE(db_->Read([&](db::Connection& c) -> Status {
                   Query q;
                   q.after_id = 3;
                   q.limit = 1;
                   CK_ASSIGN_OR_RETURN(auto list, List(c, q));
                   r4 = list.at(0);
                   return Status::Ok();
                 })
                  .ok());
  Tamper("UPDATE audit_log SET hash = ? WHERE id = 4", {HashOf(4, r4, r4.prev_hash)});
  VerifyReport r = MustVerify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_id, 5);  // ...so record 5 no longer links to it
}

TEST_F(AuditTrailTest, DeletingAMiddleRecordIsDetected) {
  Tamper("DELETE FROM audit_log WHERE id = 6");
  VerifyReport r = MustVerify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_id, 7);
  EXPECT_NE(r.problem.find("missing"), std::string::npos);
}

TEST_F(AuditTrailTest, DeletingTheFirstRecordIsDetected) {
  Tamper("DELETE FROM audit_log WHERE id = 1");
  VerifyReport r = MustVerify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_id, 2);
}

TEST_F(AuditTrailTest, DeletingTheNewestRecordsIsDetected) {
  Tamper("DELETE FROM audit_log WHERE id >= 9");
  VerifyReport r = MustVerify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_id, 9);
}

TEST_F(AuditTrailTest, AppendInsideAFailedTransactionLeavesNoRecord) {
  Status st = db_->Write([](db::Connection& c) -> Status {
    Event e;
    e.username = "x";
    e.action = "patient.update";
    CK_RETURN_IF_ERROR(Append(c, e));
    return Internal("the change failed after auditing");
  });
  EXPECT_FALSE(st.ok());
  VerifyReport r = MustVerify();
  EXPECT_TRUE(r.intact);
  EXPECT_EQ(r.records, 10);
}

TEST_F(AuditTrailTest, ListFiltersByPatientAndPages) {
  ASSERT_TRUE(db_->Read([](db::Connection& c) -> Status {
                   Query q;
                   q.patient_id = 105;
                   CK_ASSIGN_OR_RETURN(auto one, List(c, q));
                   EXPECT_EQ(one.size(), 1u);
                   EXPECT_EQ(one.at(0).request_id, "req-5");
                   Query page;
                   page.limit = 4;
                   page.after_id = 4;
                   CK_ASSIGN_OR_RETURN(auto p, List(c, page));
                   EXPECT_EQ(p.size(), 4u);
                   EXPECT_EQ(p.front().id, 5);
                   return Status::Ok();
                 })
                  .ok());
}

TEST(AuditHash, FieldBoundariesCannotBeShifted) {
  Event a, b;
  a.username = "ab";
  a.role = "c";
  b.username = "a";
  b.role = "bc";
  EXPECT_NE(HashOf(1, a, ""), HashOf(1, b, ""));
}

}  // namespace
}  // namespace ck::audit
