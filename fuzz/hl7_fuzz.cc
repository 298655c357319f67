// libFuzzer target for the HL7 v2 parser: any bytes, never a crash, a hang or
// undefined behaviour; whatever parses can be read everywhere, and escaping
// then decoding gives the text back. Run by scripts/fuzz.sh (and test.sh).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "interop/hl7v2/ack.h"
#include "interop/hl7v2/message.h"
#include "interop/hl7v2/mllp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto m = ck::hl7::Message::Parse(bytes);
  if (m.ok()) {
    for (const ck::hl7::Segment& s : m->segments()) {
      for (int f = 1; f <= s.field_count() + 1; ++f) {
        (void)s.Raw(f);
        (void)s.Repetitions(f);
        for (int r = 1; r <= 2; ++r)
          for (int c = 1; c <= 2; ++c) (void)s.Get(f, r, c, 2);
      }
    }
    for (const char* path : {"MSH-9.2", "PID-3[2].4.1", "PV1-19", "MSH-18", "EVN-2"})
      (void)m->Get(path);
    ck::hl7::Message copy = *m;
    if (copy.control_id() != m->control_id()) std::abort();
    // Every ACK casekeeper would send for what it parsed parses itself.
    ck::hl7::AckError e{{"PID", 1, 3}, "102", std::string(bytes.substr(0, 40))};
    auto ack = ck::hl7::Message::Parse(
        ck::hl7::BuildAck(*m, ck::hl7::AckCode::kError, "CK1", 1795770000000, e));
    if (!ack.ok() || ack->Get("MSA-1") != "AE") std::abort();
  } else {
    auto ack =
        ck::hl7::Message::Parse(ck::hl7::BuildRejectForUnparsed(m.status(), "CK1", 1795770000000));
    if (!ack.ok()) std::abort();
  }
  ck::hl7::MllpDecoder decoder(4096);
  for (size_t i = 0; i < bytes.size(); i += 7) {
    decoder.Feed(bytes.substr(i, 7));
    while (auto frame = decoder.Next())
      if (frame->size() > 4096) std::abort();
  }
  for (const char* charset : {"", "8859/1", "UNICODE UTF-8"})
    (void)ck::hl7::Decode(bytes, ck::hl7::Encoding{}, charset);
  // Escaping is undone by decoding for UTF-8 text (the decoder's output).
  std::string text = ck::hl7::Decode(bytes, ck::hl7::Encoding{}, "");
  std::string back =
      ck::hl7::Decode(ck::hl7::Escape(text, ck::hl7::Encoding{}), ck::hl7::Encoding{}, "");
  std::string normalized;
  for (char c : text) normalized += c == '\r' ? '\n' : c;
  if (back != normalized) std::abort();
  return 0;
}
