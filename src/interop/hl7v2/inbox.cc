#include "interop/hl7v2/inbox.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>

#include "auth/crypto.h"
#include "interop/hl7v2/ack.h"

namespace ck::hl7 {
namespace {

struct Record {
  std::optional<std::string> app, facility, control_id, type, version;
  std::string outcome;
  std::optional<std::string> error_location, error_text;
  std::string ack;
  std::optional<int64_t> patient_id;
};

Status Store(db::Connection& c, std::string_view raw, const std::string& peer, const Record& r,
             Timestamp received, Timestamp now) {
  return c
      .Exec(
          "INSERT INTO hl7_messages (received_at, peer, sending_application, sending_facility, "
          "control_id, message_type, version, raw_base64, outcome, error_location, error_text, "
          "ack, patient_id, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {received, peer, r.app, r.facility, r.control_id, r.type, r.version,
           auth::Base64Encode(raw), r.outcome, r.error_location, r.error_text, r.ack, r.patient_id,
           now})
      .status();
}

Result<std::optional<std::string>> StoredAck(db::Connection& c, const Record& r) {
  CK_ASSIGN_OR_RETURN(auto rows,
                      c.Query("SELECT ack FROM hl7_messages WHERE sending_application = ? AND "
                              "sending_facility = ? AND control_id = ?",
                              {r.app, r.facility, r.control_id}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows.at(0).Text(0));
}

// "PID-7" → (PID, its 1-based position in the message, 7); "MRG-1[2]" style
// suffixes are ignored. An empty or unknown field names the whole message.
Location LocationOf(const Message& m, const std::string& field) {
  Location loc;
  if (field.size() < 3) return loc;
  loc.segment = field.substr(0, 3);
  for (size_t i = 0; i < m.segments().size(); ++i)
    if (m.segments()[i].id() == loc.segment) {
      loc.sequence = static_cast<int>(i) + 1;
      break;
    }
  if (field.size() > 4 && field[3] == '-') {
    int n = 0;
    auto [p, ec] = std::from_chars(field.data() + 4, field.data() + field.size(), n);
    if (ec == std::errc()) loc.field = n;
  }
  return loc;
}

}  // namespace

std::string Inbox::NextControlId() {
  static std::atomic<uint64_t> counter{0};
  return "CK" + std::to_string(clock_.Now()) + "-" + std::to_string(++counter);
}

Result<std::string> Inbox::Receive(std::string_view bytes, const std::string& peer) {
  const Timestamp received = clock_.Now();
  auto parsed = Message::Parse(bytes);
  if (!parsed.ok()) {
    Record r;
    r.outcome = "AR";
    r.error_location = parsed.status().field();
    r.error_text = parsed.status().message();
    r.ack = BuildRejectForUnparsed(parsed.status(), NextControlId(), received);
    CK_RETURN_IF_ERROR(db_.Write(
        [&](db::Connection& c) { return Store(c, bytes, peer, r, received, clock_.Now()); }));
    spdlog::warn("hl7: unparsable message from {} refused ({})", peer, parsed.status().field());
    return r.ack;
  }
  const Message& m = *parsed;
  const Segment* msh = m.First("MSH");
  Record base;
  base.app = std::string(msh->Raw(3));
  base.facility = std::string(msh->Raw(4));
  base.control_id = m.control_id();
  base.type = m.type() + "^" + m.trigger();
  base.version = m.version();

  auto refuse = [&](AckCode code, AckError error) -> Result<std::string> {
    Record r = base;
    r.outcome = code == AckCode::kReject ? "AR" : "AE";
    r.error_location =
        error.where.segment + (error.where.field ? "-" + std::to_string(error.where.field) : "");
    r.error_text = error.text;
    r.ack = BuildAck(m, code, NextControlId(), received, error);
    std::string answer = r.ack;
    CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
      if (r.control_id && !r.control_id->empty()) {
        CK_ASSIGN_OR_RETURN(auto stored, StoredAck(c, r));
        if (stored) {
          answer = *stored;
          return Status::Ok();
        }
      } else {
        r.control_id.reset();  // no key: never deduplicated
      }
      return Store(c, bytes, peer, r, received, clock_.Now());
    }));
    return answer;
  };

  if (base.control_id->empty())
    return refuse(AckCode::kReject,
                  {{"MSH", 1, 10}, "101", "MSH-10 (message control id) is required"});
  MessageHandler* handler = nullptr;
  bool known_type = false;
  for (MessageHandler* h : handlers_) {
    known_type = known_type || h->KnowsType(m.type());
    if (h->Handles(m.type(), m.trigger())) handler = h;
  }
  if (!handler) {
    bool event = known_type;
    return refuse(AckCode::kReject,
                  {{"MSH", 1, 9},
                   event ? "201" : "200",
                   std::string("unsupported ") + (event ? "event " : "message type ") + m.type() +
                       "^" + m.trigger()});
  }

  std::string ack;
  Status applied = db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto stored, StoredAck(c, base));
    if (stored) {  // a duplicate delivery: answered as before, not applied again
      ack = *stored;
      return Status::Ok();
    }
    Timestamp now = clock_.Now();
    CK_ASSIGN_OR_RETURN(Applied a, handler->Apply(c, m, now));
    Record r = base;
    r.outcome = "AA";
    r.patient_id = a.patient_id;
    r.ack = BuildAck(m, AckCode::kAccept, NextControlId(), received);
    CK_RETURN_IF_ERROR(Store(c, bytes, peer, r, received, now));
    ack = r.ack;
    return Status::Ok();
  });
  if (applied.ok()) return ack;
  switch (applied.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict: {
      std::string code = applied.code() == ErrorCode::kInvalidArgument ? "102"
                         : applied.code() == ErrorCode::kNotFound      ? "204"
                                                                       : "207";
      return refuse(AckCode::kError, {LocationOf(m, applied.field()), code, applied.message()});
    }
    default:
      spdlog::error("hl7: message {} from {} not applied: {}", *base.control_id, peer,
                    applied.ToString());
      return applied;
  }
}

}  // namespace ck::hl7
