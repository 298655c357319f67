#include "interop/hl7v2/inbox.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>

#include "auth/crypto.h"
#include "interop/hl7v2/ack.h"

namespace ck::hl7 {
// What is stored of a received message (hl7_messages).
struct InboxRecord {
  std::optional<std::string> app, facility, control_id, type, version;
  std::string outcome;
  std::optional<std::string> error_location, error_text;
  std::string ack;
  std::optional<int64_t> patient_id;
};

namespace {

using Record = InboxRecord;

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

// One message of a batch: what could be decided before the transaction.
struct Inbox::Work {
  const Incoming* in = nullptr;
  Timestamp received = 0;
  std::optional<Message> message;
  Status parse_error;
  InboxRecord base;
  MessageHandler* handler = nullptr;   // when the message is to be applied
  std::optional<AckCode> refuse_code;  // when it is refused before any handler
  AckError refuse_error;
  std::optional<Result<std::string>> result;
};

Inbox::Work Inbox::Prepare(const Incoming& in) {
  Work w;
  w.in = &in;
  w.received = clock_.Now();
  auto parsed = Message::Parse(in.bytes);
  if (!parsed.ok()) {
    w.parse_error = parsed.status();
    return w;
  }
  w.message = std::move(*parsed);
  const Message& m = *w.message;
  const Segment* msh = m.First("MSH");
  w.base.app = std::string(msh->Raw(3));
  w.base.facility = std::string(msh->Raw(4));
  w.base.control_id = m.control_id();
  w.base.type = m.type() + "^" + m.trigger();
  w.base.version = m.version();
  if (w.base.control_id->empty()) {
    w.refuse_code = AckCode::kReject;
    w.refuse_error = {{"MSH", 1, 10}, "101", "MSH-10 (message control id) is required"};
    return w;
  }
  bool known_type = false;
  for (MessageHandler* h : handlers_) {
    known_type = known_type || h->KnowsType(m.type());
    if (h->Handles(m.type(), m.trigger())) w.handler = h;
  }
  if (!w.handler) {
    w.refuse_code = AckCode::kReject;
    w.refuse_error = {{"MSH", 1, 9},
                      known_type ? "201" : "200",
                      std::string("unsupported ") + (known_type ? "event " : "message type ") +
                          m.type() + "^" + m.trigger()};
  }
  return w;
}

// A refused message: its AE or AR stored, unless the same message was answered before.
Status Inbox::Refuse(db::Connection& c, Work& w, AckCode code, const AckError& error,
                     std::string& ack) {
  Record r = w.base;
  r.outcome = code == AckCode::kReject ? "AR" : "AE";
  r.error_location =
      error.where.segment + (error.where.field ? "-" + std::to_string(error.where.field) : "");
  r.error_text = error.text;
  r.ack = BuildAck(*w.message, code, NextControlId(), w.received, error);
  if (r.control_id && !r.control_id->empty()) {
    CK_ASSIGN_OR_RETURN(auto stored, StoredAck(c, r));
    if (stored) {
      ack = *stored;
      return Status::Ok();
    }
  } else {
    r.control_id.reset();  // no key: never deduplicated
  }
  CK_RETURN_IF_ERROR(Store(c, w.in->bytes, w.in->peer, r, w.received, clock_.Now()));
  ack = r.ack;
  return Status::Ok();
}

// The message inside the batch's transaction, within its own savepoint: a
// message whose mapping fails is rolled back alone and answered with AE.
Status Inbox::RunOne(db::Connection& c, Work& w, audit::Batch& transaction_audit) {
  std::string ack;
  if (!w.message) {
    Record r;
    r.outcome = "AR";
    r.error_location = w.parse_error.field();
    r.error_text = w.parse_error.message();
    r.ack = BuildRejectForUnparsed(w.parse_error, NextControlId(), w.received);
    CK_RETURN_IF_ERROR(Store(c, w.in->bytes, w.in->peer, r, w.received, clock_.Now()));
    spdlog::warn("hl7: unparsable message from {} refused ({})", w.in->peer, w.parse_error.field());
    w.result = r.ack;
    return Status::Ok();
  }
  if (w.refuse_code) {
    CK_RETURN_IF_ERROR(Refuse(c, w, *w.refuse_code, w.refuse_error, ack));
    w.result = ack;
    return Status::Ok();
  }
  CK_RETURN_IF_ERROR(c.Exec("SAVEPOINT ck_message", {}).status());
  audit::Batch audit;  // this message's, kept only if the message is
  Status applied = [&]() -> Status {
    CK_ASSIGN_OR_RETURN(auto stored, StoredAck(c, w.base));
    if (stored) {  // a duplicate delivery: answered as before, not applied again
      ack = *stored;
      return Status::Ok();
    }
    Timestamp now = clock_.Now();
    CK_ASSIGN_OR_RETURN(Applied a, w.handler->Apply(c, *w.message, now, audit));
    Record r = w.base;
    r.outcome = "AA";
    r.patient_id = a.patient_id;
    r.ack = BuildAck(*w.message, AckCode::kAccept, NextControlId(), w.received);
    CK_RETURN_IF_ERROR(Store(c, w.in->bytes, w.in->peer, r, w.received, now));
    ack = r.ack;
    return Status::Ok();
  }();
  if (applied.ok()) {
    CK_RETURN_IF_ERROR(c.Exec("RELEASE SAVEPOINT ck_message", {}).status());
    transaction_audit.Append(std::move(audit));
    w.result = ack;
    return Status::Ok();
  }
  CK_RETURN_IF_ERROR(c.Exec("ROLLBACK TO SAVEPOINT ck_message", {}).status());
  CK_RETURN_IF_ERROR(c.Exec("RELEASE SAVEPOINT ck_message", {}).status());
  switch (applied.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict: {
      std::string code = applied.code() == ErrorCode::kInvalidArgument ? "102"
                         : applied.code() == ErrorCode::kNotFound      ? "204"
                                                                       : "207";
      CK_RETURN_IF_ERROR(Refuse(c, w, AckCode::kError,
                                {LocationOf(*w.message, applied.field()), code, applied.message()},
                                ack));
      w.result = ack;
      return Status::Ok();
    }
    default:
      // Not the message's fault: no ACK for it (the sender retries), the rest go on.
      spdlog::error("hl7: message {} from {} not applied: {}", *w.base.control_id, w.in->peer,
                    applied.ToString());
      w.result = applied;
      return Status::Ok();
  }
}

std::vector<Result<std::string>> Inbox::ReceiveMany(const std::vector<Incoming>& messages) {
  std::vector<Work> work;
  work.reserve(messages.size());
  for (const Incoming& in : messages) work.push_back(Prepare(in));
  Status st = db_.Write([&](db::Connection& c) -> Status {
    for (Work& w : work) w.result.reset();  // the function may run again
    // The messages' audit records are chained once, at the end (one read and
    // one update of the chain's head for the whole batch).
    audit::Batch audit;
    for (Work& w : work) CK_RETURN_IF_ERROR(RunOne(c, w, audit));
    return audit.Flush(c);
  });
  std::vector<Result<std::string>> out;
  out.reserve(work.size());
  for (Work& w : work) {
    if (!st.ok())
      out.emplace_back(st);
    else
      out.push_back(std::move(*w.result));
  }
  if (!st.ok()) spdlog::error("hl7: {} message(s) not stored: {}", work.size(), st.ToString());
  return out;
}

Result<std::string> Inbox::Receive(std::string_view bytes, const std::string& peer) {
  std::vector<Incoming> one{{bytes, peer}};
  return std::move(ReceiveMany(one).at(0));
}

}  // namespace ck::hl7
