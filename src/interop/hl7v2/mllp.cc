#include "interop/hl7v2/mllp.h"

namespace ck::hl7 {

std::string MllpFrame(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 3);
  out += kMllpStart;
  out.append(message);
  out += kMllpEnd;
  out += kMllpCr;
  return out;
}

void MllpDecoder::Feed(std::string_view bytes) {
  if (!oversized_) buffer_.append(bytes);
}

std::optional<std::string> MllpDecoder::Next() {
  size_t i = 0;
  std::optional<std::string> out;
  while (i < buffer_.size() && !out && !oversized_) {
    char c = buffer_[i++];
    if (!in_frame_) {
      if (c == kMllpStart) {
        in_frame_ = true;
        frame_.clear();
      }
      continue;  // noise between frames
    }
    if (saw_end_) {
      saw_end_ = false;
      if (c == kMllpCr) {
        in_frame_ = false;
        out = std::move(frame_);
        frame_.clear();
        continue;
      }
      frame_ += kMllpEnd;  // an FS not followed by CR belongs to the content
    }
    if (c == kMllpEnd) {
      saw_end_ = true;
    } else if (c == kMllpStart) {
      frame_.clear();  // a new start inside a frame: the sender restarted
    } else {
      frame_ += c;
    }
    if (frame_.size() > max_) oversized_ = true;
  }
  buffer_.erase(0, i);
  if (oversized_) {
    buffer_.clear();
    frame_.clear();
  }
  return out;
}

}  // namespace ck::hl7
