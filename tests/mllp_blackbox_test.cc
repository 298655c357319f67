// Black-box tests of the MLLP listener of the real binary: ACKs over TCP,
// ordering, duplicates, oversized frames, and SIGKILL in the middle of a
// stream without losing an acknowledged message or applying one twice.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "db/database.h"
#include "server_process.h"
#include "testing/temp_db.h"

namespace ck::blackbox {
namespace {

std::string Admit(int i) {
  std::string n = std::to_string(i);
  return "MSH|^~\\&|EPIC|RIVERSIDE|CASEKEEPER|ORG|20261127080000||ADT^A01|C" + n +
         "|P|2.5.1\rEVN|A01|20261127075500\rPID|1||MRN" + n +
         "^^^RIVERSIDE^MR||Synthetic^Pat||19600101|F\rPV1|1|I|4E^401^A^RIVERSIDE||||||||||||||||V" +
         n + "\r";
}

std::string Field(const std::string& ack, const std::string& segment, int field) {
  size_t at = ack.find(segment + "|");
  if (at == std::string::npos) return "";
  std::string line = ack.substr(at, ack.find('\r', at) - at);
  size_t pos = 0;
  for (int i = 0; i < field && pos != std::string::npos; ++i) pos = line.find('|', pos + 1);
  if (pos == std::string::npos) return "";
  size_t end = line.find('|', pos + 1);
  return line.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
}

int64_t Count(const std::string& db_path, const std::string& sql) {
  db::Database::Options o;
  o.path = db_path;
  o.migrate = false;
  auto db = db::OpenDatabase(o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return -1;
  int64_t n = -1;
  EXPECT_TRUE((*db)
                  ->Read([&](db::Connection& c) -> Status {
                    CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql));
                    n = rows.at(0).Int(0);
                    return Status::Ok();
                  })
                  .ok());
  (*db)->Close();
  return n;
}

TEST(Mllp, AcksInOrderAnswersDuplicatesAndClosesOnOversizedFrames) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "mllp.db");
  ServerProcess server(db, {"--mllp", "127.0.0.1:0"}, {"CASEKEEPER_MLLP_MAX_FRAME_BYTES=4096"});
  ASSERT_TRUE(server.started()) << server.Stderr();
  ASSERT_NE(server.mllp_port(), 0) << server.banner();

  MllpClient client(server.mllp_port());
  ASSERT_TRUE(client.connected());
  for (int i = 1; i <= 3; ++i) client.Send(Admit(i));  // pipelined
  for (int i = 1; i <= 3; ++i) {
    auto ack = client.ReadAck();
    ASSERT_TRUE(ack) << "no ACK " << i;
    EXPECT_EQ(Field(*ack, "MSA", 1), "AA") << *ack;
    EXPECT_EQ(Field(*ack, "MSA", 2), "C" + std::to_string(i));
  }
  client.Send(Admit(1));
  auto dup = client.ReadAck();
  ASSERT_TRUE(dup);
  EXPECT_EQ(Field(*dup, "MSA", 1), "AA");
  EXPECT_EQ(Field(*dup, "MSA", 2), "C1");
  client.Send("MSH|^~\\&|LAB|X|CK|ORG|20261127||ORU^R01|R9|P|2.5\rPID|1||X\r");
  auto ar = client.ReadAck();
  ASSERT_TRUE(ar);
  EXPECT_EQ(Field(*ar, "MSA", 1), "AR");

  MllpClient big(server.mllp_port());
  big.Send(std::string(8000, 'X'));
  EXPECT_FALSE(big.ReadAck(3000));
  EXPECT_TRUE(big.closed());
  // Other connections carry on.
  client.Send(Admit(4));
  auto after = client.ReadAck();
  ASSERT_TRUE(after);
  EXPECT_EQ(Field(*after, "MSA", 1), "AA");
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM encounters"), 4);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM hl7_messages"), 5);
}

TEST(Mllp, KilledMidStreamLosesNoAcknowledgedMessageAndAppliesNoneTwice) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "kill.db");
  constexpr int kMessages = 120;
  std::set<int> acked;
  {
    ServerProcess server(db, {"--mllp", "127.0.0.1:0"});
    ASSERT_TRUE(server.started()) << server.Stderr();
    MllpClient client(server.mllp_port());
    ASSERT_TRUE(client.connected());
    for (int i = 1; i <= kMessages; ++i) client.Send(Admit(i));
    while (acked.size() < 40) {
      auto ack = client.ReadAck();
      ASSERT_TRUE(ack);
      acked.insert(std::stoi(Field(*ack, "MSA", 2).substr(1)));
    }
    server.Signal(SIGKILL);
    while (auto ack = client.ReadAck(500)) acked.insert(std::stoi(Field(*ack, "MSA", 2).substr(1)));
  }
  // Every acknowledged message is there after the crash.
  for (int i : acked)
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM encounters WHERE visit_number = 'V" +
                            std::to_string(i) + "'"),
              1)
        << i;
  // The sender resends everything; nothing is applied twice.
  ServerProcess again(db, {"--mllp", "127.0.0.1:0"});
  ASSERT_TRUE(again.started()) << again.Stderr();
  MllpClient client(again.mllp_port());
  for (int i = 1; i <= kMessages; ++i) client.Send(Admit(i));
  for (int i = 1; i <= kMessages; ++i) {
    auto ack = client.ReadAck();
    ASSERT_TRUE(ack) << i;
    EXPECT_EQ(Field(*ack, "MSA", 1), "AA");
  }
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM encounters"), kMessages);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM hl7_messages"), kMessages);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM domain_events"), kMessages);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM patients"), kMessages);
}

// The whole path: a hospital's A03 for a heart failure stay, over MLLP, enrols
// the patient in heart-failure transitions (a program rule) and puts the
// post-discharge bundle in the case managers' queue, due in business days.
TEST(Mllp, AHeartFailureDischargeBecomesTheCaseManagersWork) {
  testing::TempDir dir;
  std::string db = testing::NewDatabasePath(dir, "programs.db");
  ASSERT_EQ(RunCli({"user", "add", "--db", db, "--username", "cm.queue", "--role", "case_manager"},
                   "Synthetic-Passw0rd!\n")
                .exit_code,
            0);
  ServerProcess server(db, {"--mllp", "127.0.0.1:0"}, {"CASEKEEPER_PROGRAMS_POLL_SECONDS=1"});
  ASSERT_TRUE(server.started()) << server.Stderr();
  MllpClient client(server.mllp_port());
  ASSERT_TRUE(client.connected());
  std::string msh = "MSH|^~\\&|EPIC|RIVERSIDE|CASEKEEPER|ORG|20261125140000||ADT^";
  std::string pid = "PID|1||HF1001^^^RIVERSIDE^MR||Synthetic^Heart||19480303|M\r";
  client.Send(msh + "A01|HF1|P|2.5.1\rEVN|A01|20261121080000\r" + pid +
              "PV1|1|I|4E^401^A^RIVERSIDE|E|||||||||||||||VHF1|||||||||||||||||||||||||"
              "20261121080000\rDG1|1||I50.23^Acute on chronic systolic heart failure^I10\r");
  auto admit = client.ReadAck();
  ASSERT_TRUE(admit);
  ASSERT_EQ(Field(*admit, "MSA", 1), "AA") << *admit;
  client.Send(msh + "A03|HF2|P|2.5.1\rEVN|A03|20261125140000\r" + pid +
              "PV1|1|I|4E^401^A^RIVERSIDE|E|||||||||||||||VHF1||||||||||||||||01|||||||"
              "20261121080000|20261125140000\rDG1|1||I50.23^Acute on chronic systolic heart "
              "failure^I10\r");
  auto discharge = client.ReadAck();
  ASSERT_TRUE(discharge);
  ASSERT_EQ(Field(*discharge, "MSA", 1), "AA") << *discharge;

  std::string token = Login(server.port(), "cm.queue", "Synthetic-Passw0rd!");
  nlohmann::json items;
  for (int tries = 0; tries < 50; ++tries) {  // the engine polls every second
    HttpResponse r =
        Http(server.port(), "GET", "/api/v1/tasks", "", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(r.status, 200) << r.body;
    items = nlohmann::json::parse(r.body)["items"];
    if (items.size() >= 6) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::map<std::string, std::string> due;
  for (const auto& t : items) due[t["title"]] = t["due_at"];
  ASSERT_EQ(due.size(), 6u) << items.dump();
  EXPECT_EQ(due["Initial assessment"], "2026-12-03T14:00:00.000Z");   // 5 business days
  EXPECT_EQ(due["Post-discharge call"], "2026-11-30T14:00:00.000Z");  // skips Thanksgiving
  EXPECT_EQ(due["Medication reconciliation"], "2026-12-02T14:00:00.000Z");
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM cases WHERE urgency = 'urgent'"), 1);
}

}  // namespace
}  // namespace ck::blackbox
