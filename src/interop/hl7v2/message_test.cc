#include "interop/hl7v2/message.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ck::hl7 {
namespace {

namespace fs = std::filesystem;

const fs::path kData = "../shared/data/hl7v2";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().filename() != "SOURCE.md" &&
        it->path().extension() != ".md")
      out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Hl7Message, ParsesEverySampleMessage) {
  auto files = FilesUnder(kData / "fhir-converter");
  for (auto& f : FilesUnder(kData / "hapi-hl7v2")) files.push_back(f);
  ASSERT_GE(files.size(), 15u) << "expected the shared samples at " << kData;
  for (const fs::path& f : files) {
    auto m = Message::Parse(ReadFile(f));
    ASSERT_TRUE(m.ok()) << f << ": " << m.status().ToString();
    EXPECT_FALSE(m->type().empty()) << f;
    EXPECT_FALSE(m->control_id().empty()) << f;
    EXPECT_GE(m->segments().size(), 2u) << f;
  }
}

TEST(Hl7Message, MalformedInputsAreRefusedOrReadNeverCrash) {
  auto files = FilesUnder(kData / "malformed");
  ASSERT_FALSE(files.empty());
  for (const fs::path& f : files) {
    auto m = Message::Parse(ReadFile(f));
    if (!m.ok()) {
      EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument) << f;
      EXPECT_FALSE(m.status().field().empty()) << f;
      continue;
    }
    // Whatever parsed can be read everywhere without harm.
    for (const Segment& s : m->segments())
      for (int field = 1; field <= s.field_count() + 1; ++field) (void)s.Get(field, 2, 3, 2);
  }
}

TEST(Hl7Message, FieldsRepetitionsComponentsAndEscapes) {
  auto m = Message::Parse(ReadFile(kData / "fhir-converter/ADT-A01-01.hl7"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->type(), "ADT");
  EXPECT_EQ(m->trigger(), "A01");
  EXPECT_EQ(m->version(), "2.8");
  EXPECT_EQ(m->control_id(), "MSG00001");
  EXPECT_EQ(m->Get("MSH-1"), "|");
  EXPECT_EQ(m->Get("MSH-2"), "^~\\&");
  EXPECT_EQ(m->Get("MSH-4.2"), "2.16.840.1.122848.1.30");
  EXPECT_EQ(m->Get("PID-3.1"), "PATID1234");
  EXPECT_EQ(m->Get("PID-3.4.2"), "2.16.1");
  EXPECT_EQ(m->Get("PID-3[2].1"), "123456789");
  EXPECT_EQ(m->Get("PID-3[2].4"), "USSSA");
  EXPECT_EQ(m->First("PID")->Repetitions(3), 2);
  EXPECT_EQ(m->Get("PID-3[3].1"), "");
  EXPECT_EQ(m->Get("PID-5.2"), "ADAM");
  EXPECT_EQ(m->Get("PID-7"), "198808181126+0215");
  EXPECT_EQ(m->Get("ZZZ-1"), "");
  for (const char* bad : {"PID", "PID-", "PID-x", "PID-3[", "PID-3[0]", "PID-3.", "PID-0",
                          "PID-3.1.1.1", "PID-99999999999"})
    EXPECT_EQ(m->Get(bad), "") << bad;
}

TEST(Hl7Message, EncodingCharactersComeFromTheMessage) {
  auto m = Message::Parse(ReadFile(kData / "hapi-hl7v2/segmentfinder_a24.hl7"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->encoding().field, '^');
  EXPECT_EQ(m->encoding().component, '~');
  EXPECT_EQ(m->encoding().repetition, '|');
  EXPECT_EQ(m->type(), "ADT");
  EXPECT_EQ(m->trigger(), "A24");
  EXPECT_EQ(m->Get("PID-3.1"), "11111");
  EXPECT_EQ(m->Get("PID-3.4.1"), "FOO");
  EXPECT_EQ(m->Get("PID-3.4.3"), "0363");
  EXPECT_EQ(m->Get("PID-5.2"), "JOHN");
  EXPECT_EQ(m->All("PID").size(), 2u);
}

TEST(Hl7Message, EscapeSequencesAndCharacterSets) {
  std::string msg = std::string("MSH|^~\\&|A|B|C|D|20261127||ADT^A08|1|P|2.5||||||8859/1\r") +
                    "PID|1||X1^^^H&1.2&ISO^MR||O\\F\\Brien^Ren\xE9||||||" +
                    R"(A\S\B\T\C\R\D\E\\X41C3\\Z\\.br\\H\n\N\)" + "\r" + "ZPD|custom|segment\r";
  auto m = Message::Parse(msg);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->charset(), "8859/1");
  EXPECT_EQ(m->Get("PID-5.1"), "O|Brien");
  EXPECT_EQ(m->Get("PID-5.2"), "Ren\xC3\xA9");  // é in UTF-8
  EXPECT_EQ(m->Get("PID-11"), "A^B&C~D\\A\xC3\x83\\Z\\\nn");
  EXPECT_EQ(m->Get("ZPD-2"), "segment");

  std::string utf8 =
      "MSH|^~\\&|A|B|C|D|20261127||ADT^A08|2|P|2.8||||||UNICODE UTF-8\n"
      "PID|1||X2||Nu\xC3\xB1\x65z^Jos\xC3\xA9\n";
  m = Message::Parse(utf8);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Get("PID-5.1"),
            "Nu\xC3\xB1"
            "ez");
  // Bytes that are not UTF-8 in a message that claims it are read as ISO-8859-1, never dropped.
  m = Message::Parse("MSH|^~\\&|A|B|C|D|1||ADT^A08|3|P|2.5\r\nPID|1||X3||M\xFCller\r\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Get("PID-5"), "M\xC3\xBCller");

  Encoding enc;
  std::string text = "a|b^c&d~e\\f\ng";
  EXPECT_EQ(Decode(Escape(text, enc), enc, ""), text);
}

TEST(Hl7Message, ToleratesLineEndingsBomAndTrailingSpace) {
  for (const char* eol : {"\r", "\n", "\r\n"}) {
    std::string msg = std::string("\xEF\xBB\xBF") + "MSH|^~\\&|A|B|C|D|1||ADT^A04|9|P|2.3" + eol +
                      "PID|1||P9   " + eol + eol + "PV1|1|O" + eol;
    auto m = Message::Parse(msg);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->segments().size(), 3u);
    EXPECT_EQ(m->Get("PID-3"), "P9");
    EXPECT_EQ(m->Get("PV1-2"), "O");
  }
}

TEST(Hl7Message, RefusalsNameWhatIsWrong) {
  struct Case {
    std::string bytes;
    const char* field;
  } cases[] = {
      {"", "MSH"},
      {"PID|1||X", "MSH"},
      {"MSH|", "MSH-2"},
      {"MSH", "MSH-2"},
      {"MSH||A|B", "MSH-2"},
      {"MSH|^~\\&&|A", "MSH-2"},
      {"MSH|^^\\&|A|B", "MSH-2"},
      {"MSH|^~a&|A|B", "MSH-2"},
      {"MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rpid|1\r", "segment 2"},
      {"MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rPID1\r", "segment 2"},
      {"MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rMSH|^~\\&|A\r", "segment 2"},
  };
  for (const Case& c : cases) {
    auto m = Message::Parse(c.bytes);
    ASSERT_FALSE(m.ok()) << c.bytes;
    EXPECT_EQ(m.status().field(), c.field) << c.bytes;
  }
}

}  // namespace
}  // namespace ck::hl7
