// HL7 v2 ADT over MLLP, in process over loopback TCP: the real listener, inbox
// and ADT mapping on SQLite, with ACK after commit. Side by side in one run:
//   MllpAdtThroughput    8 connections, each sending A01s back to back (a new
//                        patient and visit each) and waiting for every ACK
//   MllpAdtLatency       one sender paced at 1,000 messages/s: ACK latency p50/p99
//   RawSqliteAdmitRows   raw sqlite3 writing the same rows (patient, identifier,
//                        encounter, stored message, event) one transaction each
// Targets (issue #8): >= 5,000 messages/s; p99 ACK < 20 ms at 1,000/s.
#include <benchmark/benchmark.h>
#include <sqlite3.h>  // the baseline only

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "db/database.h"
#include "interop/hl7v2/adt.h"
#include "interop/hl7v2/inbox.h"
#include "interop/hl7v2/listener.h"

namespace ck {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string Admit(int64_t i) {
  std::string n = std::to_string(i);
  return "MSH|^~\\&|EPIC|RIVERSIDE|CASEKEEPER|ORG|20261127080000||ADT^A01|B" + n +
         "|P|2.5.1\rEVN|A01|20261127075500\rPID|1||MRN" + n +
         "^^^RIVERSIDE^MR||Synthetic^Pat||19600101|F\rPV1|1|I|4E^401^A^RIVERSIDE||||||||||||||||V" +
         n + "|||||||||||||||||||||||||20261127074500\rDG1|1||I50.9^Heart failure^I10\r";
}

std::string FreshPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "casekeeper-bench";
  std::filesystem::create_directories(dir);
  std::string path = (dir / name).string();
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  return path;
}

// A running listener on a fresh database.
struct Rig {
  SystemClock clock;
  std::unique_ptr<db::Database> db;
  hl7::AdtMapping adt;
  std::unique_ptr<hl7::Inbox> inbox;
  net::io_context ioc{2};
  std::unique_ptr<hl7::MllpListener> listener;
  std::vector<std::thread> threads;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};

  explicit Rig(const std::string& name) {
    db::Database::Options o;
    o.path = FreshPath(name);
    db = std::move(db::OpenDatabase(o)).value();
    inbox = std::make_unique<hl7::Inbox>(*db, clock, std::vector<hl7::MessageHandler*>{&adt});
    hl7::MllpOptions mo;
    mo.port = 0;
    listener = std::move(hl7::MllpListener::Create(ioc, mo, *inbox)).value();
    listener->Start();
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  ~Rig() {
    listener->Stop();
    work.reset();
    ioc.stop();
    for (auto& t : threads) t.join();
    listener.reset();
    db->Close();
  }
};

// Sends one framed message and blocks for its ACK; returns false on failure.
bool SendAndAck(tcp::socket& s, const std::string& message, std::string& buffer) {
  std::string frame = "\x0b" + message + "\x1c\r";
  boost::system::error_code ec;
  net::write(s, net::buffer(frame), ec);
  if (ec) return false;
  char chunk[4096];
  for (;;) {
    size_t end = buffer.find("\x1c\r");
    if (end != std::string::npos) {
      bool aa = buffer.find("MSA|AA|") != std::string::npos;
      buffer.erase(0, end + 2);
      return aa;
    }
    size_t n = s.read_some(net::buffer(chunk), ec);
    if (ec) return false;
    buffer.append(chunk, n);
  }
}

void BM_MllpAdtThroughput(benchmark::State& state) {
  constexpr int kConnections = 8, kPerConnection = 1000;
  for (auto _ : state) {
    Rig rig("mllp_throughput.db");
    std::atomic<int> failures{0};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> senders;
    for (int c = 0; c < kConnections; ++c)
      senders.emplace_back([&, c] {
        net::io_context io;
        tcp::socket s(io);
        s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), rig.listener->port()));
        s.set_option(tcp::no_delay(true));
        std::string buffer;
        for (int i = 0; i < kPerConnection; ++i)
          if (!SendAndAck(s, Admit(static_cast<int64_t>(c) * kPerConnection + i), buffer))
            ++failures;
      });
    for (auto& t : senders) t.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(secs);
    state.counters["msgs_per_s"] = kConnections * kPerConnection / secs;
    state.counters["failures"] = failures.load();
  }
  state.SetItemsProcessed(state.iterations() * kConnections * kPerConnection);
}
BENCHMARK(BM_MllpAdtThroughput)->Unit(benchmark::kMillisecond)->Iterations(1)->UseManualTime();

// The same messages handed to the inbox by 8 threads directly: the cost of
// parsing, mapping and committing without sockets and thread hand-offs.
void BM_InboxAdtDirect(benchmark::State& state) {
  constexpr int kThreads = 8, kPerThread = 1000;
  for (auto _ : state) {
    SystemClock clock;
    db::Database::Options o;
    o.path = FreshPath("inbox_direct.db");
    auto db = std::move(db::OpenDatabase(o)).value();
    hl7::AdtMapping adt;
    hl7::Inbox inbox(*db, clock, {&adt});
    std::atomic<int> failures{0};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          auto ack = inbox.Receive(Admit(static_cast<int64_t>(t) * kPerThread + i), "bench");
          if (!ack.ok() || ack->find("MSA|AA|") == std::string::npos) ++failures;
        }
      });
    for (auto& th : threads) th.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(secs);
    state.counters["msgs_per_s"] = kThreads * kPerThread / secs;
    state.counters["failures"] = failures.load();
    db->Close();
  }
}
BENCHMARK(BM_InboxAdtDirect)->Unit(benchmark::kMillisecond)->Iterations(1)->UseManualTime();

void BM_MllpAdtLatency(benchmark::State& state) {
  constexpr int kMessages = 3000;
  constexpr auto kInterval = std::chrono::microseconds(1000);  // 1,000 messages/s
  for (auto _ : state) {
    Rig rig("mllp_latency.db");
    net::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), rig.listener->port()));
    s.set_option(tcp::no_delay(true));
    std::string buffer;
    std::vector<double> ms;
    auto next = std::chrono::steady_clock::now();
    for (int i = 0; i < kMessages; ++i) {
      std::this_thread::sleep_until(next);
      next += kInterval;
      auto t0 = std::chrono::steady_clock::now();
      if (!SendAndAck(s, Admit(i), buffer)) return state.SkipWithError("no AA");
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    state.counters["p50_ms"] = ms[ms.size() / 2];
    state.counters["p99_ms"] = ms[ms.size() * 99 / 100];
    state.counters["max_ms"] = ms.back();
  }
}
BENCHMARK(BM_MllpAdtLatency)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_RawSqliteAdmitRows(benchmark::State& state) {
  constexpr int kMessages = 8000;
  std::string path = FreshPath("raw_admit.db");
  {
    db::Database::Options o;
    o.path = path;
    auto created = db::OpenDatabase(o);
    if (!created.ok()) return state.SkipWithError(created.status().message().c_str());
  }
  sqlite3* h = nullptr;
  sqlite3_open(path.c_str(), &h);
  sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
               nullptr, nullptr, nullptr);
  const char* sql[] = {
      "INSERT INTO patients (given_name, family_name, birth_date, administrative_sex, "
      "created_at, updated_at) VALUES ('Pat', 'Synthetic', '1960-01-01', 'female', ?1, ?1)",
      "INSERT INTO patient_identifiers (patient_id, system, value, kind, created_at) VALUES "
      "(last_insert_rowid(), 'urn:hl7v2:aa:RIVERSIDE', 'MRN' || ?1, 'MR', ?1)",
      "INSERT INTO encounters (patient_id, encounter_class, facility, visit_number, admitted_at, "
      "diagnoses, status, created_at, updated_at) VALUES ((SELECT MAX(id) FROM patients), "
      "'inpatient', 'RIVERSIDE', 'V' || ?1, ?1, 'I50.9', 'in_progress', ?1, ?1)",
      "INSERT INTO hl7_messages (received_at, sending_application, sending_facility, control_id, "
      "message_type, raw_base64, outcome, ack, processed_at) VALUES (?1, 'EPIC', 'RIVERSIDE', "
      "'B' || ?1, 'ADT^A01', 'TVNIfF5+XCY=', 'AA', 'MSH|^~\\&|ACK', ?1)",
      "INSERT INTO domain_events (kind, patient_id, entity_type, entity_id, payload, source, "
      "occurred_at, recorded_at) VALUES ('encounter.admitted', (SELECT MAX(id) FROM patients), "
      "'encounter', (SELECT MAX(id) FROM encounters), '{}', 'hl7v2', ?1, ?1)"};
  std::vector<sqlite3_stmt*> stmts;
  for (const char* s : sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, s, -1, &st, nullptr) != SQLITE_OK)
      return state.SkipWithError(sqlite3_errmsg(h));
    stmts.push_back(st);
  }
  for (auto _ : state) {
    for (int64_t i = 0; i < kMessages; ++i) {
      sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
      for (sqlite3_stmt* st : stmts) {
        sqlite3_bind_int64(st, 1, i);
        sqlite3_step(st);
        sqlite3_reset(st);
      }
      sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
    }
  }
  for (sqlite3_stmt* st : stmts) sqlite3_finalize(st);
  sqlite3_close(h);
  state.SetItemsProcessed(state.iterations() * kMessages);
}
BENCHMARK(BM_RawSqliteAdmitRows)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace ck
