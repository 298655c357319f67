// The storage conformance suite: every backend must pass it unchanged.
#include "db/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "db/migrations.h"
#include "testing/temp_db.h"

namespace ck::db {
namespace {

class DatabaseConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = testing::OpenTestDatabase(dir_, GetParam());
    ASSERT_TRUE(db_);
    ASSERT_TRUE(db_->Write([](Connection& c) {
                     return c.ExecScript(
                         "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                         "qty INTEGER, price DOUBLE PRECISION)");
                   })
                    .ok());
  }

  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](Connection& c) -> Status {
                     CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM items"));
                     n = rows.at(0).Int(0);
                     return Status::Ok();
                   })
                    .ok());
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseConformance, BoundParametersRoundTripEveryType) {
  std::string tricky = "O'Brien; DROP TABLE items; -- \xc3\xa9\xe2\x82\xac";
  ASSERT_TRUE(db_->Write([&](Connection& c) {
                   return c
                       .Exec("INSERT INTO items (id, name, qty, price) VALUES (?, ?, ?, ?)",
                             {1, tricky, nullptr, 2.5})
                       .status();
                 })
                  .ok());
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   CK_ASSIGN_OR_RETURN(
                       auto rows,
                       c.Query("SELECT id, name, qty, price FROM items WHERE name = ?", {tricky}));
                   EXPECT_EQ(rows.size(), 1u);
                   EXPECT_EQ(rows.at(0).Int(0), 1);
                   EXPECT_EQ(rows.at(0).Text(1), tricky);
                   EXPECT_TRUE(rows.at(0).IsNull(2));
                   EXPECT_DOUBLE_EQ(rows.at(0).Real(3), 2.5);
                   EXPECT_EQ(rows.columns().at(1), "name");
                   return Status::Ok();
                 })
                  .ok());
}

TEST_P(DatabaseConformance, ErrorInsideWriteRollsBackEverything) {
  Status st = db_->Write([](Connection& c) -> Status {
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {1, "a"}).status());
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {2, "b"}).status());
    return InvalidArgument("the caller changed its mind");
  });
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
}

TEST_P(DatabaseConformance, ConstraintViolationsMapToCanonicalCodes) {
  ASSERT_TRUE(db_->Write([](Connection& c) {
                   return c.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {1, "a"}).status();
                 })
                  .ok());
  Status dup = db_->Write([](Connection& c) {
    return c.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {2, "a"}).status();
  });
  EXPECT_EQ(dup.code(), ErrorCode::kAlreadyExists);
  Status null = db_->Write([](Connection& c) {
    return c.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {3, nullptr}).status();
  });
  EXPECT_EQ(null.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Count(), 1);
}

TEST_P(DatabaseConformance, WrongParameterCountIsAnError) {
  Status st = db_->Write([](Connection& c) {
    return c.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {1}).status();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Count(), 0);
}

TEST_P(DatabaseConformance, OneStatementPerCall) {
  Status st = db_->Write([](Connection& c) {
    return c.Exec("INSERT INTO items (id, name) VALUES (1, 'a'); DELETE FROM items").status();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Count(), 0);
}

TEST_P(DatabaseConformance, ReturningGivesNewRows) {
  ASSERT_TRUE(db_->Write([](Connection& c) -> Status {
                   CK_ASSIGN_OR_RETURN(auto rows,
                                       c.Query("INSERT INTO items (id, name, qty) VALUES "
                                               "(?, ?, ?) RETURNING id, qty",
                                               {7, "x", 3}));
                   EXPECT_EQ(rows.at(0).Int(0), 7);
                   EXPECT_EQ(rows.at(0).Int(1), 3);
                   return Status::Ok();
                 })
                  .ok());
}

TEST_P(DatabaseConformance, ForEachRowStreamsAndStopsOnError) {
  ASSERT_TRUE(db_->Write([](Connection& c) -> Status {
                   for (int i = 1; i <= 100; ++i)
                     CK_RETURN_IF_ERROR(c.Exec("INSERT INTO items (id, name) VALUES (?, ?)",
                                               {i, "n" + std::to_string(i)})
                                            .status());
                   return Status::Ok();
                 })
                  .ok());
  int seen = 0;
  Status st = db_->Read([&](Connection& c) {
    return c.ForEachRow("SELECT id FROM items ORDER BY id", {}, [&](const Row& r) -> Status {
      ++seen;
      if (r.Int(0) == 10) return Conflict("stop here");
      return Status::Ok();
    });
  });
  EXPECT_EQ(st.code(), ErrorCode::kConflict);
  EXPECT_EQ(seen, 10);
}

TEST_P(DatabaseConformance, ReadersSeeASnapshotWhileTheWriterCommits) {
  ASSERT_TRUE(db_->Write([](Connection& c) {
                   return c.Exec("INSERT INTO items (id, name) VALUES (1, 'a')").status();
                 })
                  .ok());
  // A reader inside its transaction keeps its snapshot across a concurrent commit.
  std::atomic<bool> first_read_done{false}, write_done{false};
  int64_t before = -1, after = -1;
  std::thread reader([&] {
    ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                     CK_ASSIGN_OR_RETURN(auto r1, c.Query("SELECT COUNT(*) FROM items"));
                     before = r1.at(0).Int(0);
                     first_read_done = true;
                     while (!write_done) std::this_thread::yield();
                     CK_ASSIGN_OR_RETURN(auto r2, c.Query("SELECT COUNT(*) FROM items"));
                     after = r2.at(0).Int(0);
                     return Status::Ok();
                   })
                    .ok());
  });
  while (!first_read_done) std::this_thread::yield();
  ASSERT_TRUE(db_->Write([](Connection& c) {
                   return c.Exec("INSERT INTO items (id, name) VALUES (2, 'b')").status();
                 })
                  .ok());
  write_done = true;
  reader.join();
  EXPECT_EQ(before, 1);
  EXPECT_EQ(after, 1);
  EXPECT_EQ(Count(), 2);
}

TEST_P(DatabaseConformance, ScansStreamASnapshotAndNeverWrite) {
  ASSERT_TRUE(db_->Write([](Connection& c) -> Status {
                   for (int i = 1; i <= 300; ++i)
                     CK_RETURN_IF_ERROR(c.Exec("INSERT INTO items (id, name) VALUES (?, ?)",
                                               {i, "item " + std::to_string(i)})
                                            .status());
                   return Status::Ok();
                 })
                  .ok());
  // Two scans at once (stratification runs two), each with the whole table,
  // rows refilled in place.
  std::atomic<int64_t> sums[2] = {0, 0};
  std::vector<std::thread> scans;
  for (int t = 0; t < 2; ++t)
    scans.emplace_back([&, t] {
      EXPECT_TRUE(db_->Scan([&](Connection& c) {
                       return c.ForEachRow(
                           "SELECT id, name FROM items ORDER BY id", {}, [&](const Row& r) {
                             EXPECT_EQ(r.Text(1), "item " + std::to_string(r.Int(0)));
                             sums[t] += r.Int(0);
                             return Status::Ok();
                           });
                     })
                      .ok());
    });
  for (auto& t : scans) t.join();
  EXPECT_EQ(sums[0], 300 * 301 / 2);
  EXPECT_EQ(sums[1], 300 * 301 / 2);
  Status write = db_->Scan([](Connection& c) {
    return c.Exec("INSERT INTO items (id, name) VALUES (999, 'x')").status();
  });
  EXPECT_FALSE(write.ok());
  EXPECT_EQ(Count(), 300);
}

TEST_P(DatabaseConformance, AStreamStoppedEarlyLeavesTheConnectionUsable) {
  ASSERT_TRUE(db_->Write([](Connection& c) -> Status {
                   for (int i = 1; i <= 500; ++i)
                     CK_RETURN_IF_ERROR(c.Exec("INSERT INTO items (id, name) VALUES (?, ?)",
                                               {i, "n" + std::to_string(i)})
                                            .status());
                   return Status::Ok();
                 })
                  .ok());
  for (int round = 0; round < 3; ++round) {
    Status st = db_->Read([&](Connection& c) -> Status {
      int seen = 0;
      Status stopped = c.ForEachRow("SELECT id FROM items ORDER BY id", {}, [&](const Row&) {
        return ++seen == 10 ? InvalidArgument("enough") : Status::Ok();
      });
      EXPECT_EQ(stopped.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(seen, 10);
      // The same connection answers the next statement completely.
      CK_ASSIGN_OR_RETURN(auto n, c.Query("SELECT COUNT(*) FROM items"));
      EXPECT_EQ(n.at(0).Int(0), 500);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
}

TEST_P(DatabaseConformance, AReadThatLosesItsConnectionMidwayIsNotRunAgain) {
  if (GetParam() != "postgres") GTEST_SKIP() << "a SQLite connection cannot be lost";
  auto killer = testing::OpenTestDatabase(dir_, "postgres");
  ASSERT_TRUE(killer);
  int runs = 0;
  Status st = db_->Read([&](Connection& c) -> Status {
    ++runs;
    CK_ASSIGN_OR_RETURN(auto pid, c.Query("SELECT pg_backend_pid()"));
    CK_RETURN_IF_ERROR(killer->Write([&](Connection& k) {
      return k.Query("SELECT pg_terminate_backend(?)", {pid.at(0).Int(0)}).status();
    }));
    return c.Query("SELECT COUNT(*) FROM items").status();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(runs, 1) << "the function had begun: a retry would repeat what it did";
  // The pool recovers for the next read.
  EXPECT_EQ(Count(), 0);
}

TEST_P(DatabaseConformance, ConcurrentReadersAndOneWriterLoseNothing) {
  constexpr int kWriters = 4, kPerWriter = 200;
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, read_errors{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&] {
      while (!stop) {
        Status st = db_->Read([&](Connection& c) -> Status {
          CK_ASSIGN_OR_RETURN(auto rows,
                              c.Query("SELECT COUNT(*), COALESCE(SUM(qty), 0) FROM items"));
          // Every committed row has qty 1, so the two always agree inside one snapshot.
          if (rows.at(0).Int(0) != rows.at(0).Int(1)) return DataLoss("torn read");
          return Status::Ok();
        });
        if (!st.ok()) ++read_errors;
        ++reads;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        int id = w * kPerWriter + i + 1;
        ASSERT_TRUE(db_->Write([&](Connection& c) {
                         return c
                             .Exec("INSERT INTO items (id, name, qty) VALUES (?, ?, 1)",
                                   {id, "item" + std::to_string(id)})
                             .status();
                       })
                        .ok());
      }
    });
  }
  for (auto& t : writers) t.join();
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(read_errors, 0);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(Count(), kWriters * kPerWriter);
}

TEST_P(DatabaseConformance, ConcurrentWritesStayAllOrNothingEach) {
  // Many writers at once (the SQLite backend commits them in groups): each
  // transaction that fails leaves nothing, each that succeeds leaves both rows.
  constexpr int kThreads = 8, kPerThread = 60;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int id = t * kPerThread + i + 1;
        bool should_fail = id % 3 == 0;
        Status st = db_->Write([&](Connection& c) -> Status {
          CK_RETURN_IF_ERROR(c.Exec("INSERT INTO items (id, name, qty) VALUES (?, ?, 1)",
                                    {id, "a" + std::to_string(id)})
                                 .status());
          CK_RETURN_IF_ERROR(c.Exec("INSERT INTO items (id, name, qty) VALUES (?, ?, 1)",
                                    {id + 100000, "b" + std::to_string(id)})
                                 .status());
          if (should_fail) return Conflict("changed its mind");
          return Status::Ok();
        });
        (st.ok() ? ok : failed)++;
        EXPECT_EQ(st.ok(), !should_fail) << st.ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok + failed, kThreads * kPerThread);
  EXPECT_EQ(Count(), 2 * ok);
  ASSERT_TRUE(db_->Read([&](Connection& c) -> Status {
                   CK_ASSIGN_OR_RETURN(auto rows,
                                       c.Query("SELECT COUNT(*) FROM items WHERE id % 3 = 0 "
                                               "AND id < 100000"));
                   EXPECT_EQ(rows.at(0).Int(0), 0) << "a failed transaction left rows behind";
                   return Status::Ok();
                 })
                  .ok());
}

TEST_P(DatabaseConformance, AFailedStatementDoesNotSpoilConcurrentWrites) {
  ASSERT_TRUE(db_->Write([](Connection& c) {
                   return c.Exec("INSERT INTO items (id, name) VALUES (1, 'taken')").status();
                 })
                  .ok());
  std::vector<std::thread> threads;
  std::atomic<int> dup_errors{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        int id = 1000 + t * 50 + i;
        // Half the transactions hit a unique violation after a good insert.
        Status st = db_->Write([&](Connection& c) -> Status {
          CK_RETURN_IF_ERROR(
              c.Exec("INSERT INTO items (id, name) VALUES (?, ?)", {id, "n" + std::to_string(id)})
                  .status());
          if (i % 2 == 0)
            return c.Exec("INSERT INTO items (id, name) VALUES (?, 'taken')", {id + 50000})
                .status();
          return Status::Ok();
        });
        if (st.code() == ErrorCode::kAlreadyExists) ++dup_errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(dup_errors, 6 * 25);
  EXPECT_EQ(Count(), 1 + 6 * 25);
}

TEST_P(DatabaseConformance, AnExceptionInsideATransactionRollsBackAndFreesTheWriter) {
  Status st = db_->Write([](Connection& c) -> Status {
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO items (id, name) VALUES (1, 'a')").status());
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id FROM items"));
    (void)rows.at(5);  // throws std::out_of_range
    return Status::Ok();
  });
  EXPECT_EQ(st.code(), ErrorCode::kInternal);
  Status read = db_->Read([](Connection&) -> Status { throw std::runtime_error("boom"); });
  EXPECT_EQ(read.code(), ErrorCode::kInternal);
  // Later work goes through, and nothing of the failed transaction remains.
  ASSERT_TRUE(db_->Write([](Connection& c) {
                   return c.Exec("INSERT INTO items (id, name) VALUES (2, 'b')").status();
                 })
                  .ok());
  EXPECT_EQ(Count(), 1);
}

TEST_P(DatabaseConformance, ClosedDatabaseRefusesWork) {
  db_->Close();
  EXPECT_EQ(db_->Read([](Connection&) { return Status::Ok(); }).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(db_->Write([](Connection&) { return Status::Ok(); }).code(), ErrorCode::kUnavailable);
}

TEST_P(DatabaseConformance, BackupIsRestorableAndComplete) {
  // A database with exactly the migrated schema (the fixture's extra table aside).
  testing::TempDir dir;
  auto db = testing::OpenTestDatabase(dir, GetParam());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Write([](Connection& c) -> Status {
                  for (int i = 1; i <= 500; ++i)
                    CK_RETURN_IF_ERROR(
                        c.Exec("INSERT INTO patients (given_name, family_name, birth_date, "
                               "administrative_sex, created_at, updated_at) "
                               "VALUES (?, ?, '1950-01-01', 'unknown', ?, ?)",
                               {"G" + std::to_string(i), "F", i, i})
                            .status());
                  return Status::Ok();
                }).ok());
  std::string out = dir.File("backup.db");
  Status st = db->Backup(out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  // The backup is a standalone SQLite database, whatever the source backend.
  Database::Options o;
  o.path = out;
  o.create = false;
  auto restored = OpenDatabase(o);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  ASSERT_TRUE((*restored)
                  ->Read([](Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto rows,
                                        c.Query("SELECT COUNT(*), SUM(created_at) FROM patients"));
                    EXPECT_EQ(rows.at(0).Int(0), 500);
                    EXPECT_EQ(rows.at(0).Int(1), 500 * 501 / 2);
                    return Status::Ok();
                  })
                  .ok());
  auto version = SchemaVersion(**restored);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, BuiltinMigrations().back().version);
}

// The suite runs on the backend of this run (CK_TEST_BACKEND); CI runs it for each.
INSTANTIATE_TEST_SUITE_P(Backend, DatabaseConformance, ::testing::Values(testing::TestBackend()));

TEST(Sqlite, RefusesAFileThatIsNotADatabase) {
  testing::TempDir dir;
  std::string path = dir.File("junk.db");
  FILE* f = fopen(path.c_str(), "w");
  fputs("this is not a database, just text long enough to fill a header page.........", f);
  fclose(f);
  Database::Options o;
  o.path = path;
  auto db = OpenDatabase(o);
  ASSERT_FALSE(db.ok());
}

TEST(Sqlite, NewDatabaseFilesAreReadableByTheOwnerOnly) {
  testing::TempDir dir;
  Database::Options o;
  o.path = dir.File("private.db");
  auto db = OpenDatabase(o);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Backup(dir.File("backup.db")).ok());
  for (const char* f : {"private.db", "private.db-wal", "backup.db"}) {
    auto perms = std::filesystem::status(dir.File(f)).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << f;
  }
}

TEST(Sqlite, MissingFileWithoutCreateIsUnavailable) {
  testing::TempDir dir;
  Database::Options o;
  o.path = dir.File("missing.db");
  o.create = false;
  EXPECT_EQ(OpenDatabase(o).status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace ck::db
