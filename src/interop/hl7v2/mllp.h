// MLLP framing (HL7 v2 over TCP): a message is <VT> bytes <FS><CR>
// (0x0B … 0x1C 0x0D). The decoder takes bytes as they arrive, in any split,
// and yields whole frames; bytes outside a frame (line noise, keep-alive
// newlines) are skipped; a frame over the size limit is an error the listener
// answers by closing the connection.
//
//   MllpDecoder d(1 << 20);
//   d.Feed(chunk);
//   while (auto frame = d.Next()) Handle(*frame);
//   if (d.oversized()) Close();
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ck::hl7 {

inline constexpr char kMllpStart = 0x0B;
inline constexpr char kMllpEnd = 0x1C;
inline constexpr char kMllpCr = 0x0D;

std::string MllpFrame(std::string_view message);

class MllpDecoder {
 public:
  explicit MllpDecoder(size_t max_frame_bytes) : max_(max_frame_bytes) {}
  void Feed(std::string_view bytes);
  // The next complete frame's content, if one is ready.
  std::optional<std::string> Next();
  // A frame grew past the limit; the decoder stops yielding frames.
  bool oversized() const { return oversized_; }
  // Bytes of an unfinished frame are waiting.
  bool partial() const { return in_frame_; }

 private:
  size_t max_;
  std::string buffer_;  // unconsumed input
  std::string frame_;   // the frame being assembled
  bool in_frame_ = false;
  bool saw_end_ = false;  // FS seen, waiting for CR
  bool oversized_ = false;
};

}  // namespace ck::hl7
