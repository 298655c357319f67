#include "interop/hl7v2/message.h"

#include <cctype>
#include <charconv>

namespace ck::hl7 {
namespace {

bool IsLatin1(std::string_view charset) {
  return charset == "8859/1" || charset == "ISO-8859-1" || charset == "ISO IR100" ||
         charset == "ISO_IR 100";
}

// Valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string ToUtf8(std::string_view s, std::string_view charset) {
  if (IsLatin1(charset)) return Latin1ToUtf8(s);
  if (ValidUtf8(s)) return std::string(s);
  return Latin1ToUtf8(s);
}

// Splits on `sep`; an empty input gives one empty piece.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

// The n-th (1-based) piece of s split on sep, or empty.
std::string_view Nth(std::string_view s, char sep, int n) {
  if (n < 1) return {};
  size_t start = 0;
  for (int i = 1; i < n; ++i) {
    size_t at = s.find(sep, start);
    if (at == std::string_view::npos) return {};
    start = at + 1;
  }
  size_t end = s.find(sep, start);
  return s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Decode(std::string_view raw, const Encoding& enc, std::string_view charset) {
  if (enc.escape == '\0' || raw.find(enc.escape) == std::string_view::npos)
    return ToUtf8(raw, charset);
  std::string bytes;
  bytes.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c != enc.escape) {
      bytes += c;
      ++i;
      continue;
    }
    size_t end = raw.find(enc.escape, i + 1);
    if (end == std::string_view::npos) {  // a lone escape character stays as it is
      bytes.append(raw.substr(i));
      break;
    }
    std::string_view seq = raw.substr(i + 1, end - i - 1);
    if (seq == "F") {
      bytes += enc.field;
    } else if (seq == "S") {
      bytes += enc.component;
    } else if (seq == "T") {
      bytes += enc.subcomponent;
    } else if (seq == "R") {
      bytes += enc.repetition;
    } else if (seq == "E") {
      bytes += enc.escape;
    } else if (seq == ".br") {
      bytes += '\n';
    } else if (seq == "H" || seq == "N" || (!seq.empty() && seq[0] == '.')) {
      // Highlighting and other formatting: dropped from plain text.
    } else if (seq.size() >= 3 && (seq[0] == 'X' || seq[0] == 'x') && seq.size() % 2 == 1) {
      std::string hex;
      bool ok = true;
      for (size_t k = 1; k + 1 < seq.size(); k += 2) {
        int hi = HexValue(seq[k]), lo = HexValue(seq[k + 1]);
        if (hi < 0 || lo < 0) {
          ok = false;
          break;
        }
        hex += static_cast<char>(hi * 16 + lo);
      }
      if (ok)
        bytes += hex;
      else
        bytes.append(raw.substr(i, end - i + 1));
    } else {
      bytes.append(raw.substr(i, end - i + 1));  // unknown: kept literally
    }
    i = end + 1;
  }
  return ToUtf8(bytes, charset);
}

std::string Escape(std::string_view text, const Encoding& enc) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == enc.escape)
      out += std::string{enc.escape, 'E', enc.escape};
    else if (c == enc.field)
      out += std::string{enc.escape, 'F', enc.escape};
    else if (c == enc.component)
      out += std::string{enc.escape, 'S', enc.escape};
    else if (c == enc.subcomponent)
      out += std::string{enc.escape, 'T', enc.escape};
    else if (c == enc.repetition)
      out += std::string{enc.escape, 'R', enc.escape};
    else if (c == '\r' || c == '\n')
      out += std::string{enc.escape} + ".br" + enc.escape;
    else
      out += c;
  }
  return out;
}

std::string_view Segment::Raw(int field) const {
  if (field < 1 || field > static_cast<int>(fields_.size())) return {};
  return fields_[static_cast<size_t>(field - 1)];
}

int Segment::Repetitions(int field) const {
  std::string_view raw = Raw(field);
  if (raw.empty()) return 0;
  if (id_ == "MSH" && field <= 2) return 1;
  return static_cast<int>(Split(raw, enc_->repetition).size());
}

std::string Segment::Get(int field, int repetition, int component, int subcomponent) const {
  std::string_view raw = Raw(field);
  if (raw.empty()) return {};
  if (id_ == "MSH" && field <= 2) return repetition == 1 && component == 1 ? std::string(raw) : "";
  std::string_view rep = Nth(raw, enc_->repetition, repetition);
  std::string_view comp = Nth(rep, enc_->component, component);
  std::string_view sub = Nth(comp, enc_->subcomponent, subcomponent);
  return Decode(sub, *enc_, *charset_);
}

Message& Message::operator=(const Message& other) {
  if (this == &other) return *this;
  enc_ = other.enc_;
  charset_ = other.charset_;
  segments_ = other.segments_;
  Bind();
  return *this;
}

Message::Message(Message&& other) noexcept { *this = std::move(other); }

Message& Message::operator=(Message&& other) noexcept {
  enc_ = other.enc_;
  charset_ = std::move(other.charset_);
  segments_ = std::move(other.segments_);
  Bind();
  return *this;
}

void Message::Bind() {
  for (Segment& s : segments_) {
    s.enc_ = &enc_;
    s.charset_ = &charset_;
  }
}

Result<Message> Message::Parse(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  while (!bytes.empty() && std::isspace(static_cast<unsigned char>(bytes.front())))
    bytes.remove_prefix(1);
  if (bytes.substr(0, 3) != "MSH")
    return InvalidArgument("a message starts with an MSH segment", "MSH");
  if (bytes.size() < 5)
    return InvalidArgument("MSH-1 and MSH-2 must give the encoding characters", "MSH-2");
  Message m;
  m.enc_.field = bytes[3];
  // MSH-2: the encoding characters up to the next field separator. Senders
  // omit trailing ones (three without the subcomponent separator) and v2.7
  // adds a fifth (truncation), accepted and not interpreted. An omitted one is
  // NUL: it never matches, so that level simply does not split.
  size_t end2 = bytes.find(m.enc_.field, 4);
  size_t line_end = bytes.find_first_of("\r\n", 4);
  if (end2 == std::string_view::npos || (line_end != std::string_view::npos && end2 > line_end))
    end2 = line_end == std::string_view::npos ? bytes.size() : line_end;
  std::string_view chars = bytes.substr(4, end2 - 4);
  if (chars.empty() || chars.size() > 5)
    return InvalidArgument("MSH-2 must hold the encoding characters (^~\\&)", "MSH-2");
  auto at = [&](size_t i) { return i < chars.size() ? chars[i] : '\0'; };
  m.enc_.component = at(0);
  m.enc_.repetition = at(1);
  m.enc_.escape = at(2);
  m.enc_.subcomponent = at(3);
  std::string all = std::string(1, m.enc_.field) + std::string(chars);
  for (size_t a = 0; a < all.size(); ++a) {
    auto ca = static_cast<unsigned char>(all[a]);
    if (std::isalnum(ca) || ca <= 0x20 || ca >= 0x7F)
      return InvalidArgument("encoding characters must be printable punctuation", "MSH-2");
    for (size_t b = a + 1; b < all.size(); ++b)
      if (all[a] == all[b]) return InvalidArgument("encoding characters must all differ", "MSH-2");
  }

  // Segments: split on CR, LF or CR LF; blank lines ignored.
  size_t pos = 0;
  int sequence = 0;
  while (pos < bytes.size()) {
    size_t eol = bytes.find_first_of("\r\n", pos);
    if (eol == std::string_view::npos) eol = bytes.size();
    std::string_view line = bytes.substr(pos, eol - pos);
    pos = eol + 1;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty()) continue;
    ++sequence;
    Segment seg;
    bool id_ok = line.size() >= 3 && std::isupper(static_cast<unsigned char>(line[0])) &&
                 std::isalnum(static_cast<unsigned char>(line[1])) &&
                 std::isalnum(static_cast<unsigned char>(line[2])) &&
                 (line.size() == 3 || line[3] == m.enc_.field);
    if (!id_ok)
      return InvalidArgument(
          "segment " + std::to_string(sequence) + " has no valid three-character id",
          "segment " + std::to_string(sequence));
    seg.id_ = std::string(line.substr(0, 3));
    if (sequence == 1 && seg.id_ != "MSH")
      return InvalidArgument("a message starts with an MSH segment", "MSH");
    if (seg.id_ == "MSH") {
      if (sequence != 1) {
        // A second message in the same bytes: batches are not accepted here.
        return InvalidArgument("one message at a time; a second MSH was found",
                               "segment " + std::to_string(sequence));
      }
      seg.fields_.emplace_back(1, m.enc_.field);
      std::string_view rest = line.size() > 4 ? line.substr(4) : std::string_view();
      for (std::string_view f : Split(rest, m.enc_.field)) seg.fields_.emplace_back(f);
    } else if (line.size() > 4) {
      for (std::string_view f : Split(line.substr(4), m.enc_.field)) seg.fields_.emplace_back(f);
    }
    m.segments_.push_back(std::move(seg));
  }
  m.Bind();
  if (const Segment* msh = m.First("MSH")) m.charset_ = msh->Get(18);
  m.Bind();
  return m;
}

const Segment* Message::First(std::string_view id) const {
  for (const Segment& s : segments_)
    if (s.id() == id) return &s;
  return nullptr;
}

std::vector<const Segment*> Message::All(std::string_view id) const {
  std::vector<const Segment*> out;
  for (const Segment& s : segments_)
    if (s.id() == id) out.push_back(&s);
  return out;
}

std::string Message::Get(std::string_view path) const {
  // SEG-F[R].C.S
  if (path.size() < 5 || path[3] != '-') return {};
  const Segment* seg = First(path.substr(0, 3));
  if (!seg) return {};
  std::string_view rest = path.substr(4);
  int nums[4] = {0, 1, 1, 1};
  auto number = [&](std::string_view& s, int& out) {
    const char* b = s.data();
    auto [p, ec] = std::from_chars(b, b + s.size(), out);
    if (ec != std::errc() || out < 1 || out > 10000) return false;
    s.remove_prefix(static_cast<size_t>(p - b));
    return true;
  };
  if (!number(rest, nums[0])) return {};
  if (!rest.empty() && rest[0] == '[') {
    rest.remove_prefix(1);
    if (!number(rest, nums[1]) || rest.empty() || rest[0] != ']') return {};
    rest.remove_prefix(1);
  }
  for (int k = 2; k <= 3 && !rest.empty(); ++k) {
    if (rest[0] != '.') return {};
    rest.remove_prefix(1);
    if (!number(rest, nums[k])) return {};
  }
  if (!rest.empty()) return {};
  return seg->Get(nums[0], nums[1], nums[2], nums[3]);
}

}  // namespace ck::hl7
