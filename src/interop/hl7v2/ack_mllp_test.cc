#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "interop/hl7v2/ack.h"
#include "interop/hl7v2/mllp.h"

namespace ck::hl7 {
namespace {

std::string ReadFile(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

const Timestamp kNow = *ParseTimestamp("2026-11-27T09:05:03Z");

TEST(Hl7Ack, AcceptEchoesTheMessageInItsOwnEncoding) {
  auto in = Message::Parse(ReadFile("../shared/data/hl7v2/fhir-converter/ADT-A01-01.hl7"));
  ASSERT_TRUE(in.ok());
  auto ack = Message::Parse(BuildAck(*in, AckCode::kAccept, "CK000001", kNow));
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->Get("MSH-9"), "ACK");
  EXPECT_EQ(ack->Get("MSH-9.2"), "A01");
  EXPECT_EQ(ack->Get("MSH-3"), "EHRApp");  // the sender's receiving application
  EXPECT_EQ(ack->Get("MSH-5"), "ADTApp");
  EXPECT_EQ(ack->Get("MSH-7"), "20261127090503+0000");
  EXPECT_EQ(ack->control_id(), "CK000001");
  EXPECT_EQ(ack->version(), "2.8");
  EXPECT_EQ(ack->Get("MSA-1"), "AA");
  EXPECT_EQ(ack->Get("MSA-2"), "MSG00001");
  EXPECT_EQ(ack->First("ERR"), nullptr);
}

TEST(Hl7Ack, ErrorsNameTheSegmentAndFieldInTheVersionsWay) {
  auto v28 = Message::Parse(ReadFile("../shared/data/hl7v2/fhir-converter/ADT-A01-01.hl7"));
  ASSERT_TRUE(v28.ok());
  AckError e{{"PID", 4, 7}, "102", "birth date is not a date"};
  auto ack = Message::Parse(BuildAck(*v28, AckCode::kError, "CK2", kNow, e));
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->Get("MSA-1"), "AE");
  EXPECT_EQ(ack->Get("MSA-3"), "birth date is not a date");
  EXPECT_EQ(ack->Get("ERR-2.1"), "PID");
  EXPECT_EQ(ack->Get("ERR-2.2"), "4");
  EXPECT_EQ(ack->Get("ERR-2.3"), "7");
  EXPECT_EQ(ack->Get("ERR-3.1"), "102");
  EXPECT_EQ(ack->Get("ERR-3.3"), "HL70357");
  EXPECT_EQ(ack->Get("ERR-4"), "E");

  auto v24 = Message::Parse("MSH|^~\\&|LAB|H1|CK|ORG|20261127||ADT^A03|77|P|2.4\rPID|1||X\r");
  ASSERT_TRUE(v24.ok());
  ack = Message::Parse(BuildAck(*v24, AckCode::kReject, "CK3", kNow,
                                AckError{{"MSH", 1, 9}, "200", "unsupported | type"}));
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->Get("MSA-1"), "AR");
  EXPECT_EQ(ack->Get("MSA-2"), "77");
  EXPECT_EQ(ack->Get("MSA-3"), "unsupported | type");
  EXPECT_EQ(ack->Get("ERR-1.1"), "MSH");
  EXPECT_EQ(ack->Get("ERR-1.3"), "9");
  EXPECT_EQ(ack->Get("ERR-1.4.1"), "200");
}

TEST(Hl7Ack, NonStandardDelimitersAndUnparsedInput) {
  auto odd = Message::Parse(ReadFile("../shared/data/hl7v2/hapi-hl7v2/segmentfinder_a24.hl7"));
  ASSERT_TRUE(odd.ok());
  std::string text = BuildAck(*odd, AckCode::kAccept, "CK4", kNow);
  EXPECT_EQ(text.substr(0, 8), "MSH^~|\\&");
  auto ack = Message::Parse(text);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->Get("MSA-2"), odd->control_id());

  auto bad = Message::Parse("MSH|^^\\&|x");
  ASSERT_FALSE(bad.ok());
  ack = Message::Parse(BuildRejectForUnparsed(bad.status(), "CK5", kNow));
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->Get("MSA-1"), "AR");
  EXPECT_EQ(ack->Get("ERR-2.1"), "MSH");
  EXPECT_EQ(ack->Get("ERR-2.3"), "2");
}

// MSH-2 with three characters declares no subcomponent separator: the ACK must
// not put one (or a NUL) in ERR-1, only the code.
TEST(Hl7Ack, ThreeEncodingCharactersGetNoSubcomponents) {
  auto in =
      Message::Parse(ReadFile("../shared/data/hl7v2/hapi-hl7v2/extracted/"
                              "messages_txt_BAR_P01_v24_three_encoding_chars.hl7"));
  ASSERT_TRUE(in.ok());
  AckError e;
  e.where = {"MSH", 1, 9};
  e.code = "200";
  e.text = "unsupported message type";
  std::string text = BuildAck(*in, AckCode::kReject, "CK6", kNow, e);
  EXPECT_EQ(text.find('\0'), std::string::npos);
  auto ack = Message::Parse(text);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->Get("ERR-1.1"), "MSH");
  EXPECT_EQ(ack->Get("ERR-1.4"), "200");
}

TEST(Mllp, FramesArriveInAnySplit) {
  std::string stream =
      "\r\n" + MllpFrame("MSH|one") + "noise" + MllpFrame("MSH|two\x1Cstill") + MllpFrame("");
  for (size_t step : {size_t{1}, size_t{3}, size_t{7}, stream.size()}) {
    MllpDecoder d(1024);
    std::vector<std::string> frames;
    for (size_t i = 0; i < stream.size(); i += step) {
      d.Feed(std::string_view(stream).substr(i, step));
      while (auto f = d.Next()) frames.push_back(*f);
    }
    EXPECT_EQ(frames, (std::vector<std::string>{"MSH|one", "MSH|two\x1Cstill", ""})) << step;
    EXPECT_FALSE(d.partial());
    EXPECT_FALSE(d.oversized());
  }
}

TEST(Mllp, PartialAndOversizedFrames) {
  MllpDecoder d(16);
  d.Feed(std::string(1, kMllpStart) + "MSH|abc");
  EXPECT_FALSE(d.Next());
  EXPECT_TRUE(d.partial());
  d.Feed(std::string(1, kMllpStart) + "MSH|restart" + kMllpEnd + kMllpCr);
  EXPECT_EQ(d.Next(), "MSH|restart");
  d.Feed(MllpFrame(std::string(17, 'x')));
  EXPECT_FALSE(d.Next());
  EXPECT_TRUE(d.oversized());
  d.Feed(MllpFrame("MSH|after"));
  EXPECT_FALSE(d.Next());
}

}  // namespace
}  // namespace ck::hl7
