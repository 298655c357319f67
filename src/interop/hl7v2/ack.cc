#include "interop/hl7v2/ack.h"

#include <cstdio>

namespace ck::hl7 {
namespace {

const char* CodeText(AckCode c) {
  switch (c) {
    case AckCode::kAccept:
      return "AA";
    case AckCode::kError:
      return "AE";
    case AckCode::kReject:
      return "AR";
  }
  return "AR";
}

// Versions before 2.5 carry the location in ERR-1 (CM_ELD: segment^sequence^field^code&text).
bool UsesErr2(const std::string& version) {
  return !(version.starts_with("2.1") || version.starts_with("2.2") || version.starts_with("2.3") ||
           version.starts_with("2.4"));
}

std::string ErrSegment(const AckError& e, const Encoding& enc, const std::string& version) {
  std::string c(1, enc.component), f(1, enc.field), s(1, enc.subcomponent);
  std::string seq = e.where.sequence > 0 ? std::to_string(e.where.sequence) : "";
  std::string field = e.where.field > 0 ? std::to_string(e.where.field) : "";
  std::string text = Escape(e.text, enc);
  if (!UsesErr2(version)) {
    std::string location = "ERR" + f + e.where.segment + c + seq + c + field + c + e.code;
    // Without a subcomponent separator (MSH-2 of three characters) only the code fits.
    if (enc.subcomponent == '\0') return location;
    return location + s + text + s + "HL70357";
  }
  return "ERR" + f + f + e.where.segment + c + seq + c + field + f + e.code + c + text + c +
         "HL70357" + f + "E" + f + f + f + f + text;
}

}  // namespace

std::string Hl7Time(Timestamp t) {
  Date d = DateOf(t);
  Timestamp in_day = t - StartOfDay(d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02lld%02lld%02lld+0000", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()),
                static_cast<long long>(in_day / kMillisPerHour),
                static_cast<long long>(in_day / kMillisPerMinute % 60),
                static_cast<long long>(in_day / 1000 % 60));
  return buf;
}

std::string BuildAck(const Message& in, AckCode code, const std::string& control_id, Timestamp now,
                     const std::optional<AckError>& error) {
  const Encoding& enc = in.encoding();
  const Segment* msh = in.First("MSH");
  auto raw = [&](int field) { return msh ? std::string(msh->Raw(field)) : std::string(); };
  std::string f(1, enc.field), c(1, enc.component);
  std::string version = raw(12).empty() ? "2.5" : raw(12);
  std::string trigger = in.trigger();
  std::string out = "MSH" + f + raw(2) + f + raw(5) + f + raw(6) + f + raw(3) + f + raw(4) + f +
                    Hl7Time(now) + f + f + "ACK" + c + Escape(trigger, enc) + c + "ACK" + f +
                    Escape(control_id, enc) + f + raw(11) + f + version;
  if (!raw(18).empty()) out += f + f + f + f + f + f + raw(18);
  out += "\r";
  out += "MSA" + f + CodeText(code) + f + raw(10);
  if (error) out += f + Escape(error->text, enc);
  out += "\r";
  if (error) out += ErrSegment(*error, enc, version) + "\r";
  return out;
}

std::string BuildRejectForUnparsed(const Status& parse_error, const std::string& control_id,
                                   Timestamp now) {
  Encoding enc;
  AckError e;
  e.where.segment = parse_error.field().substr(0, 3) == "MSH" ? "MSH" : "";
  if (parse_error.field() == "MSH-2") e.where.field = 2;
  e.where.sequence = e.where.segment.empty() ? 0 : 1;
  e.code = "100";
  e.text = parse_error.message();
  std::string out = "MSH|^~\\&|||||" + Hl7Time(now) + "||ACK|" + Escape(control_id, enc) +
                    "|P|2.5\r" + "MSA|AR||" + Escape(e.text, enc) + "\r" +
                    ErrSegment(e, enc, "2.5") + "\r";
  return out;
}

}  // namespace ck::hl7
