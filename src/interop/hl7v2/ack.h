// Acknowledgements (original mode): MSA-1 AA when the message's effects are
// committed, AE for an error in the message, AR for a message type or
// structure casekeeper rejects; an ERR segment names the segment and field.
//
//   std::string ack = BuildAck(msg, AckCode::kError, "ACK0001", now,
//                              {{"PID", 1, 7}, "102", "birth date is not a date"});
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "interop/hl7v2/message.h"

namespace ck::hl7 {

enum class AckCode { kAccept, kError, kReject };  // AA, AE, AR

struct AckError {
  Location where;
  std::string code;  // HL7 table 0357: 100 segment sequence, 101 required field missing,
                     // 102 data type, 103 table value not found, 200 unsupported message
                     // type, 201 unsupported event code, 207 application internal error
  std::string text;  // free of patient data
};

// The ACK for `in`, CR-separated, in `in`'s version and encoding characters.
// MSH-3/4 and MSH-5/6 are swapped, MSH-9 is ACK^<trigger>^ACK, MSH-10 is
// `control_id`, MSA-2 echoes the received MSH-10. ERR uses ERR-2 (location),
// ERR-3 (code) and ERR-4 (severity) from v2.5 on, ERR-1 before.
std::string BuildAck(const Message& in, AckCode code, const std::string& control_id, Timestamp now,
                     const std::optional<AckError>& error = std::nullopt);

// An ACK for bytes that did not parse at all (no MSH to answer from): AR with
// an ERR naming what the parser named, in v2.5 with default encoding characters.
std::string BuildRejectForUnparsed(const Status& parse_error, const std::string& control_id,
                                   Timestamp now);

// "YYYYMMDDHHMMSS+0000", the HL7 DTM of `t` in UTC.
std::string Hl7Time(Timestamp t);

}  // namespace ck::hl7
