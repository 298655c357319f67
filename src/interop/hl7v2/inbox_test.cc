#include "interop/hl7v2/inbox.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "audit/trail.h"
#include "auth/crypto.h"
#include "interop/hl7v2/adt.h"
#include "testing/temp_db.h"

namespace ck::hl7 {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// "PV1|f1|f2|..." with the given fields (1-based) set and the rest empty.
std::string Seg(const std::string& id, const std::map<int, std::string>& fields) {
  int last = fields.empty() ? 0 : fields.rbegin()->first;
  std::string out = id;
  for (int i = 1; i <= last; ++i) {
    out += "|";
    auto it = fields.find(i);
    if (it != fields.end()) out += it->second;
  }
  return out + "\r";
}

std::string Msh(const std::string& trigger, const std::string& control_id) {
  return "MSH|^~\\&|EPIC|RIVERSIDE|CASEKEEPER|ORG|20261127080000||ADT^" + trigger + "|" +
         control_id + "|P|2.5.1\r";
}

std::string Pid(const std::string& mrn = "RV0004100", const std::string& birth = "19500203") {
  return Seg("PID", {{1, "1"},
                     {3, mrn + "^^^RIVERSIDE^MR"},
                     {5, "Lima^Ana^M"},
                     {7, birth},
                     {8, "F"},
                     {11, "10 Elm St^^Columbus^OH^43004"},
                     {13, "6145550101"}});
}

std::string Pv1(const std::string& klass, const std::string& visit,
                std::map<int, std::string> more = {}) {
  more[1] = "1";
  more[2] = klass;
  more[3] = "4E^401^A^RIVERSIDE";
  more[19] = visit;
  return Seg("PV1", more);
}

class InboxTest : public ::testing::Test {
 protected:
  InboxTest() : db_(testing::OpenTestDatabase(dir_)), inbox_(*db_, clock_, {&adt_}) {}

  Message Ack(const std::string& bytes) {
    auto ack = inbox_.Receive(bytes, "10.0.0.7:50000");
    EXPECT_TRUE(ack.ok()) << ack.status().ToString();
    auto m = Message::Parse(ack.ok() ? *ack : "");
    EXPECT_TRUE(m.ok()) << (ack.ok() ? *ack : "");
    return std::move(*m);
  }

  db::Rows Query(const std::string& sql, const db::Params& params = {}) {
    db::Rows out;
    EXPECT_TRUE(db_->Read([&](db::Connection& c) -> Status {
                     CK_ASSIGN_OR_RETURN(out, c.Query(sql, params));
                     return Status::Ok();
                   })
                    .ok());
    return out;
  }
  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    return Query(sql, params).at(0).Int(0);
  }

  testing::TempDir dir_;
  FakeClock clock_{*ParseTimestamp("2026-11-27T09:00:00Z")};
  std::unique_ptr<db::Database> db_;
  AdtMapping adt_;
  Inbox inbox_;
};

TEST_F(InboxTest, AnAdmissionTransferDischargeAndTheirCancellations) {
  Message ack = Ack(Msh("A01", "M1") + Seg("EVN", {{1, "A01"}, {2, "20261127075500"}}) + Pid() +
                    Pv1("I", "V1001", {{4, "E"}, {14, "7"}, {44, "20261127074500-0500"}}) +
                    Seg("DG1", {{1, "1"}, {3, "I50.9^Heart failure^I10"}}) +
                    Seg("DG1", {{1, "2"}, {3, "4225040^Stroke^SCT"}}));
  EXPECT_EQ(ack.Get("MSA-1"), "AA") << ack.Get("MSA-3");
  EXPECT_EQ(ack.Get("MSA-2"), "M1");
  auto p = Query(
      "SELECT p.id, p.family_name, p.birth_date, p.administrative_sex FROM patients p "
      "JOIN patient_identifiers i ON i.patient_id = p.id WHERE i.value = 'RV0004100' "
      "AND i.system = 'urn:hl7v2:aa:RIVERSIDE'");
  ASSERT_EQ(p.size(), 1u);
  int64_t patient = p.at(0).Int(0);
  EXPECT_EQ(p.at(0).Text(1), "Lima");
  EXPECT_EQ(p.at(0).Text(2), "1950-02-03");
  EXPECT_EQ(p.at(0).Text(3), "female");
  auto e = Query(
      "SELECT encounter_class, admission_type, admitted_at, status, diagnoses, location, "
      "admit_source, patient_id FROM encounters WHERE visit_number = 'V1001'");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e.at(0).Text(0), "inpatient");
  EXPECT_EQ(e.at(0).Text(1), "emergency");
  EXPECT_EQ(e.at(0).Int(2), *ParseTimestamp("2026-11-27T12:45:00Z"));
  EXPECT_EQ(e.at(0).Text(3), "in_progress");
  EXPECT_EQ(e.at(0).Text(4), "I50.9");  // the SNOMED code is not an ICD-10 diagnosis
  EXPECT_EQ(e.at(0).Text(5), "4E/401/A");
  EXPECT_EQ(e.at(0).Text(6), "7");
  EXPECT_EQ(e.at(0).Int(7), patient);

  EXPECT_EQ(Ack(Msh("A02", "M2") + Pid() +
                Seg("PV1", {{1, "1"}, {2, "I"}, {3, "5W^510^B^RIVERSIDE"}, {19, "V1001"}}))
                .Get("MSA-1"),
            "AA");
  EXPECT_EQ(Query("SELECT location FROM encounters WHERE visit_number = 'V1001'").at(0).Text(0),
            "5W/510/B");
  EXPECT_EQ(Ack(Msh("A12", "M3") + Pid() + Pv1("I", "V1001")).Get("MSA-1"), "AA");
  EXPECT_EQ(Query("SELECT location FROM encounters WHERE visit_number = 'V1001'").at(0).Text(0),
            "4E/401/A");

  EXPECT_EQ(Ack(Msh("A03", "M4") + Pid() + Pv1("I", "V1001", {{36, "06"}, {45, "20261130110000"}}))
                .Get("MSA-1"),
            "AA");
  auto d = Query(
      "SELECT status, discharged_at, discharge_disposition FROM encounters WHERE "
      "visit_number = 'V1001'");
  EXPECT_EQ(d.at(0).Text(0), "finished");
  EXPECT_EQ(d.at(0).Int(1), *ParseTimestamp("2026-11-30T11:00:00Z"));
  EXPECT_EQ(d.at(0).Text(2), "home_health");
  EXPECT_EQ(Ack(Msh("A13", "M5") + Pid() + Pv1("I", "V1001")).Get("MSA-1"), "AA");
  d = Query("SELECT status, discharged_at FROM encounters WHERE visit_number = 'V1001'");
  EXPECT_EQ(d.at(0).Text(0), "in_progress");
  EXPECT_TRUE(d.at(0).IsNull(1));
  // Cancels often carry a PID with the identifier alone.
  std::string bare_pid = Seg("PID", {{1, "1"}, {3, "RV0004100^^^RIVERSIDE^MR"}});
  EXPECT_EQ(Ack(Msh("A11", "M6") + bare_pid + Pv1("I", "V1001")).Get("MSA-1"), "AA");
  EXPECT_EQ(Query("SELECT status FROM encounters WHERE visit_number = 'V1001'").at(0).Text(0),
            "cancelled");

  std::vector<std::string> kinds;
  for (const db::Row& r :
       Query("SELECT kind FROM domain_events WHERE patient_id = ? ORDER BY id", {patient}))
    kinds.push_back(r.Text(0));
  EXPECT_EQ(kinds, (std::vector<std::string>{"encounter.admitted", "encounter.transferred",
                                             "encounter.transfer_cancelled", "encounter.discharged",
                                             "encounter.discharge_cancelled",
                                             "encounter.admission_cancelled"}));
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM hl7_messages WHERE outcome = 'AA' AND patient_id = ?", {patient}),
      6);
  EXPECT_GE(
      Count("SELECT COUNT(*) FROM audit_log WHERE username = 'hl7' AND patient_id = ?", {patient}),
      6);
}

TEST_F(InboxTest, ADuplicateDeliveryIsAnsweredAsBeforeAndNotAppliedTwice) {
  std::string msg = Msh("A04", "DUP1") + Pid() + Pv1("O", "V2001");
  auto first = inbox_.Receive(msg, "a");
  clock_.Advance(60000);
  auto again = inbox_.Receive(msg, "a");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hl7_messages"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM domain_events"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM encounters"), 1);
  // The same control id from another sender is another message.
  std::string other = msg;
  other.replace(other.find("EPIC"), 4, "MEDITECH");
  EXPECT_EQ(Ack(other).Get("MSA-1"), "AA");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hl7_messages"), 2);
  // Stored as received, for replay.
  auto raw = Query("SELECT raw_base64 FROM hl7_messages ORDER BY id").at(0).Text(0);
  EXPECT_EQ(*auth::Base64Decode(raw), msg);
}

// What the MLLP writer does: every waiting message in one transaction, each in
// its own savepoint — a bad one rolled back alone (and answered AE), a
// duplicate within the batch answered as the first, audit records only for
// what was kept.
TEST_F(InboxTest, ABatchAnswersEachMessageAsIfItCameAlone) {
  const std::string good = Msh("A01", "B1") + Pid("RV0001001") + Pv1("I", "V5001");
  const std::string bad = Msh("A01", "B2") + Pid("RV0001002", "19XX0101") + Pv1("I", "V5002");
  const std::string other = Msh("A04", "B3") + Pid("RV0001003") + Pv1("O", "V5003");
  std::vector<Inbox::Incoming> batch = {{good, "10.0.0.7:1"},
                                        {bad, "10.0.0.7:2"},
                                        {good, "10.0.0.7:1"},
                                        {"not HL7 at all", "10.0.0.7:3"},
                                        {other, "10.0.0.7:4"}};
  std::vector<Result<std::string>> acks = inbox_.ReceiveMany(batch);
  ASSERT_EQ(acks.size(), 5u);
  std::vector<std::string> codes;
  for (const auto& a : acks) {
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    codes.push_back(Message::Parse(*a)->Get("MSA-1"));
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"AA", "AE", "AA", "AR", "AA"}));
  EXPECT_EQ(*acks[0], *acks[2]) << "the duplicate gets the first one's ACK";
  EXPECT_EQ(Message::Parse(*acks[1])->Get("ERR-2.3"), "7");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patients"), 2) << "the bad message left nothing";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM encounters"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hl7_messages"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'patient.create'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'encounter.create'"), 2);
  auto verified = audit::Verify(*db_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact);
}

TEST_F(InboxTest, ErrorsAndRejectionsNameWhatIsWrongAndChangeNothing) {
  Message ae = Ack(Msh("A01", "E1") + Pid("RV0009999", "19XX0101") + Pv1("I", "V3001"));
  EXPECT_EQ(ae.Get("MSA-1"), "AE");
  EXPECT_EQ(ae.Get("ERR-2.1"), "PID");
  EXPECT_EQ(ae.Get("ERR-2.2"), "2");
  EXPECT_EQ(ae.Get("ERR-2.3"), "7");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patients"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM encounters"), 0);

  Message bad_class = Ack(Msh("A01", "E2") + Pid() + Pv1("X", "V3002"));
  EXPECT_EQ(bad_class.Get("MSA-1"), "AE");
  EXPECT_EQ(bad_class.Get("ERR-2.3"), "2");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patients"), 0) << "the whole message rolls back";

  Message no_visit = Ack(Msh("A03", "E3") + Pid() + Pv1("I", "NOSUCH"));
  EXPECT_EQ(no_visit.Get("MSA-1"), "AA") << "a discharge seen first starts the visit";
  Message cancel = Ack(Msh("A11", "E4") + Pid() + Pv1("I", "NEVER"));
  EXPECT_EQ(cancel.Get("MSA-1"), "AE");
  EXPECT_EQ(cancel.Get("ERR-2.1"), "PV1");
  EXPECT_EQ(cancel.Get("ERR-2.3"), "19");

  Message oru = Ack("MSH|^~\\&|LAB|RIVERSIDE|CK|ORG|20261127||ORU^R01|R1|P|2.5\rPID|1||X\r");
  EXPECT_EQ(oru.Get("MSA-1"), "AR");
  EXPECT_EQ(oru.Get("ERR-3.1"), "200");
  Message a99 = Ack(Msh("A99", "R2") + Pid());
  EXPECT_EQ(a99.Get("MSA-1"), "AR");
  EXPECT_EQ(a99.Get("ERR-3.1"), "201");
  Message junk = Ack("not HL7 at all");
  EXPECT_EQ(junk.Get("MSA-1"), "AR");
  Message no_id = Ack(Msh("A01", "") + Pid() + Pv1("I", "V3003"));
  EXPECT_EQ(no_id.Get("MSA-1"), "AR");
  EXPECT_EQ(no_id.Get("ERR-2.3"), "10");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hl7_messages WHERE outcome = 'AR'"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM hl7_messages WHERE outcome = 'AE'"), 3);
}

TEST_F(InboxTest, InsuranceSegmentsKeepTheCoveragesCurrent) {
  std::string in1a = Seg("IN1", {{1, "1"},
                                 {2, "MEDICARE"},
                                 {4, "MEDICARE"},
                                 {8, "GRP1"},
                                 {12, "20240101"},
                                 {36, "1EG4TE5MK73"}});
  std::string in1b =
      Seg("IN1", {{1, "2"}, {2, "PPO"}, {4, "Acme Health Plan"}, {36, "ACM00052007"}});
  std::string selfpay = Seg("IN1", {{1, "3"}, {2, "SELF PAY"}, {4, "SELF PAY"}});
  std::string nomember = Seg("IN1", {{1, "3"}, {4, "Unknown Plan"}});
  ASSERT_EQ(Ack(Msh("A01", "I1") + Pid() + Pv1("I", "V5001") + in1a + in1b + selfpay + nomember)
                .Get("MSA-1"),
            "AA");
  auto rows = Query(
      "SELECT payer, member_id, product_type, priority, effective_from, group_number FROM "
      "coverages ORDER BY priority, id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows.at(0).Text(0), "MEDICARE");
  EXPECT_EQ(rows.at(0).Text(2), "medicare_ffs");
  EXPECT_EQ(rows.at(0).Text(3), "primary");
  EXPECT_EQ(rows.at(0).Text(4), "2024-01-01");
  EXPECT_EQ(rows.at(0).Text(5), "GRP1");
  EXPECT_EQ(rows.at(1).Text(1), "ACM00052007");
  EXPECT_EQ(rows.at(1).Text(3), "secondary");
  EXPECT_EQ(rows.at(2).Text(2), "self_pay");
  // An update of the same payer and member id changes the row rather than adding one.
  std::string moved = Seg("IN1", {{1, "1"},
                                  {2, "MEDICARE"},
                                  {4, "MEDICARE"},
                                  {8, "GRP2"},
                                  {12, "20240101"},
                                  {36, "1EG4TE5MK73"}});
  ASSERT_EQ(Ack(Msh("A08", "I2") + Pid() + Pv1("I", "V5001") + moved).Get("MSA-1"), "AA");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coverages"), 3);
  EXPECT_EQ(
      Query("SELECT group_number FROM coverages WHERE member_id = '1EG4TE5MK73'").at(0).Text(0),
      "GRP2");
}

TEST_F(InboxTest, NextOfKinBecomeThePeopleAroundThePatient) {
  std::string nk1 = Seg("NK1", {{1, "1"},
                                {2, "Lima^Rui"},
                                {3, "SPO^Spouse"},
                                {5, "6145550102"},
                                {7, "C^Emergency Contact"}});
  std::string nk2 = Seg("NK1", {{1, "2"}, {2, "Lima^Sofia"}, {3, "CHD^Child"}});
  ASSERT_EQ(Ack(Msh("A01", "K1") + Pid() + nk1 + nk2 + Pv1("I", "V6001")).Get("MSA-1"), "AA");
  auto rows = Query(
      "SELECT name, relationship, phone, emergency_contact, may_receive_information FROM "
      "patient_relationships ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.at(0).Text(0), "Rui Lima");
  EXPECT_EQ(rows.at(0).Text(1), "spouse");
  EXPECT_EQ(rows.at(0).Text(2), "+16145550102");
  EXPECT_EQ(rows.at(0).Int(3), 1);
  EXPECT_EQ(rows.at(0).Int(4), 0) << "a hospital feed never grants information sharing";
  EXPECT_EQ(rows.at(1).Text(1), "child");
  ASSERT_EQ(Ack(Msh("A08", "K2") + Pid() + nk1 + Pv1("I", "V6001")).Get("MSA-1"), "AA");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patient_relationships"), 2);
}

TEST_F(InboxTest, A40MergesThePriorRecordIntoTheSurvivor) {
  ASSERT_EQ(Ack(Msh("A04", "P1") + Pid("OLD-1") + Pv1("O", "V4001")).Get("MSA-1"), "AA");
  ASSERT_EQ(Ack(Msh("A04", "P2") + Pid("NEW-1") + Pv1("O", "V4002")).Get("MSA-1"), "AA");
  Message merge = Ack(Msh("A40", "P3") + Pid("NEW-1") + Seg("MRG", {{1, "OLD-1^^^RIVERSIDE^MR"}}));
  ASSERT_EQ(merge.Get("MSA-1"), "AA") << merge.Get("MSA-3");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patients WHERE merged_into_id IS NOT NULL"), 1);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT patient_id) FROM encounters"), 1);
  // Later messages naming the old identifier reach the survivor.
  ASSERT_EQ(Ack(Msh("A08", "P4") + Pid("OLD-1") + Pv1("O", "V4001")).Get("MSA-1"), "AA");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patients WHERE merged_into_id IS NULL"), 1);
  Message unknown = Ack(Msh("A40", "P5") + Pid("NEW-1") + Seg("MRG", {{1, "GONE^^^RIVERSIDE"}}));
  EXPECT_EQ(unknown.Get("MSA-1"), "AE");
  EXPECT_EQ(unknown.Get("ERR-2.1"), "MRG");
}

TEST_F(InboxTest, EverySharedSampleGetsTheRightKindOfAck) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator("../shared/data/hl7v2/fhir-converter"))
    files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 15u);
  for (const fs::path& f : files) {
    Message ack = Ack(ReadFile(f));
    std::string name = f.filename().string();
    // The A40 samples merge records that were never sent here.
    std::string want = name.starts_with("ADT-A40") ? "AE" : "AA";
    EXPECT_EQ(ack.Get("MSA-1"), want) << name << ": " << ack.Get("MSA-3");
  }
  for (const auto& entry : fs::recursive_directory_iterator("../shared/data/hl7v2/malformed")) {
    if (!entry.is_regular_file()) continue;
    auto ack = inbox_.Receive(ReadFile(entry.path()), "fuzz");
    ASSERT_TRUE(ack.ok()) << entry.path();
    EXPECT_TRUE(Message::Parse(*ack).ok()) << entry.path();
  }
}

}  // namespace
}  // namespace ck::hl7
