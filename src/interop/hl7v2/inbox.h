// The HL7 v2 inbox: every message received over MLLP (or replayed) goes
// through Receive(), which answers with the ACK to send. A message is applied
// and recorded in one transaction, so the ACK goes out only after its effects
// are committed; the same MSH-10 from the same sending application and
// facility is answered with the stored ACK and not applied twice; every
// message, applied or refused, is stored as received with its outcome.
//
//   Inbox inbox(db, clock, {&adt});
//   CK_ASSIGN_OR_RETURN(std::string ack, inbox.Receive(frame, "10.0.0.7:51234"));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/trail.h"
#include "core/clock.h"
#include "db/database.h"
#include "interop/hl7v2/ack.h"
#include "interop/hl7v2/message.h"

namespace ck::hl7 {

struct Applied {
  std::optional<int64_t> patient_id;  // the patient the message concerned, if any
};

// Applies one kind of message inside the inbox's transaction. Errors decide
// the ACK: InvalidArgument or NotFound naming a field ("PID-7", "MRG-1") → AE
// with ERR there; FailedPrecondition → AE (the message conflicts with what is
// recorded); anything else aborts without an ACK (the sender will retry).
class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  // Whether it applies this message type and trigger event (MSH-9.1, MSH-9.2).
  virtual bool Handles(std::string_view type, std::string_view trigger) const = 0;
  // Whether it knows the message type at all (AR 201 for an unknown event of a
  // known type, AR 200 for an unknown type).
  virtual bool KnowsType(std::string_view type) const = 0;
  // Audit records go to `audit`, which the inbox appends with the rest of
  // the transaction's (only if the message is kept).
  virtual Result<Applied> Apply(db::Connection& c, const Message& m, Timestamp now,
                                audit::Batch& audit) = 0;
};

class Inbox {
 public:
  Inbox(db::Database& db, const Clock& clock, std::vector<MessageHandler*> handlers)
      : db_(db), clock_(clock), handlers_(std::move(handlers)) {}

  // The ACK to send for `bytes` (one message without MLLP framing). Bad input
  // never fails: it becomes an AE or AR ACK. Fails (no ACK: close the
  // connection, the sender retries) only when the database does.
  Result<std::string> Receive(std::string_view bytes, const std::string& peer);

  // Several messages (from different connections) in one transaction, each
  // within its own savepoint, answered in order: one commit serves them all.
  // A message that fails for a reason not its own gets an error (no ACK) while
  // the others are answered; if the transaction fails, every one does.
  struct Incoming {
    std::string_view bytes;
    std::string peer;
  };
  std::vector<Result<std::string>> ReceiveMany(const std::vector<Incoming>& messages);

 private:
  struct Work;
  Work Prepare(const Incoming& in);
  Status RunOne(db::Connection& c, Work& w, audit::Batch& audit);
  Status Refuse(db::Connection& c, Work& w, AckCode code, const AckError& error, std::string& ack);
  std::string NextControlId();
  db::Database& db_;
  const Clock& clock_;
  std::vector<MessageHandler*> handlers_;
};

}  // namespace ck::hl7
