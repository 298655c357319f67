// HL7 v2 messages (versions 2.3 to 2.8): parsing and building, tolerant of
// what real senders emit and never crashing on what they should not.
//
//   CK_ASSIGN_OR_RETURN(Message m, Message::Parse(bytes));
//   m.Get("MSH-9.1")          // "ADT"
//   m.Get("PID-3[2].1")       // the second identifier's id (repetitions count from 1)
//   for (const Segment* dg1 : m.All("DG1")) dg1->Get(3, 1, 1) ...
//
// The encoding characters come from MSH-1 and MSH-2, never assumed. Segments
// end with CR; LF and CR LF are tolerated, as are a UTF-8 byte-order mark,
// blank lines and trailing spaces. Values are returned decoded: escape
// sequences (\F\ \S\ \T\ \R\ \E\, \Xhh..\, \.br\) resolved and the text
// converted to UTF-8 from the MSH-18 character set (UTF-8 and ISO-8859-1;
// ASCII and unknown sets are read as UTF-8 and fall back to ISO-8859-1 where
// the bytes are not valid UTF-8). Z-segments are kept like any other segment.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ck::hl7 {

struct Encoding {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
};

// Where an error is, for an ACK's ERR segment: "PID-7", segment index.
struct Location {
  std::string segment;  // "PID"
  int sequence = 0;     // 1-based position of the segment in the message
  int field = 0;        // 0: the whole segment
};

class Segment {
 public:
  const std::string& id() const { return id_; }
  // Number of fields (MSH counts MSH-1, the field separator).
  int field_count() const { return static_cast<int>(fields_.size()); }
  // Decoded value of field / repetition / component / subcomponent (all 1-based);
  // empty when absent. For MSH, field 1 is the field separator and 2 the encoding characters.
  std::string Get(int field, int repetition = 1, int component = 1, int subcomponent = 1) const;
  // Number of repetitions of a field (0 when empty).
  int Repetitions(int field) const;
  // The raw (still escaped) text of a field, for storing and re-encoding.
  std::string_view Raw(int field) const;

 private:
  friend class Message;
  std::string id_;
  std::vector<std::string> fields_;  // raw, index 0 is field 1
  const Encoding* enc_ = nullptr;
  const std::string* charset_ = nullptr;
};

class Message {
 public:
  // InvalidArgument (field "MSH", "MSH-2", or the segment at fault) when the
  // bytes do not start with an MSH segment, the encoding characters are
  // missing or repeat, or a segment has no valid three-character id.
  static Result<Message> Parse(std::string_view bytes);

  Message(const Message& other) { *this = other; }
  Message& operator=(const Message& other);
  Message(Message&&) noexcept;
  Message& operator=(Message&&) noexcept;

  const Encoding& encoding() const { return enc_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const Segment* First(std::string_view id) const;
  std::vector<const Segment*> All(std::string_view id) const;

  // "PID-3", "PID-3.1", "PID-3[2].4.1", "MSH-9.2"; empty when absent or malformed.
  std::string Get(std::string_view path) const;

  std::string type() const { return Get("MSH-9.1"); }     // "ADT"
  std::string trigger() const { return Get("MSH-9.2"); }  // "A01"
  std::string control_id() const { return Get("MSH-10"); }
  std::string version() const { return Get("MSH-12.1"); }  // "2.5.1"
  const std::string& charset() const { return charset_; }  // MSH-18 as sent

 private:
  Message() = default;
  void Bind();
  Encoding enc_;
  std::string charset_;
  std::vector<Segment> segments_;
};

// Escapes text for a field value with `enc` (the inverse of decoding).
std::string Escape(std::string_view text, const Encoding& enc);

// Decodes escape sequences in raw field text and converts it to UTF-8 from `charset`.
std::string Decode(std::string_view raw, const Encoding& enc, std::string_view charset);

}  // namespace ck::hl7
