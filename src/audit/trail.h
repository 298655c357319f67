// The audit trail: an append-only, hash-chained record of every access to
// patient data, every sign-in and every permission change (HIPAA).
//
//   CK_RETURN_IF_ERROR(audit::Append(conn, {.at = now, .user_id = p.user_id, ...}));
//
// Append() writes inside the caller's transaction, so a change and its audit
// record commit together or not at all. Each record stores the hash of the one
// before it; hash = SHA-256 of the fields below, each written as
// "<byte length>:<bytes>|" in this order: id, at, user_id, username, role,
// action, entity_type, entity_id, patient_id, outcome, request_id, detail,
// prev_hash (absent ids as empty strings). audit_chain_head keeps the newest id
// and hash so that deleting records from the end is detected too.
// Records are never updated or deleted: no function here does, and database
// triggers refuse it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::audit {

struct Event {
  Timestamp at = 0;
  std::optional<int64_t> user_id;
  std::string username;     // as given, also for failed sign-ins of unknown users
  std::string role;         // role name, "" when unauthenticated
  std::string action;       // "patient.read", "auth.login", "user.role_change", ...
  std::string entity_type;  // "patient", "user", "session", ...
  std::string entity_id;
  std::optional<int64_t> patient_id;
  std::string outcome;  // "success", "denied", "failure"
  std::string request_id;
  std::string detail;  // short, free of patient data beyond ids
};

struct Record : Event {
  int64_t id = 0;
  std::string prev_hash;
  std::string hash;
};

// An event by `actor`: who, role and request id filled in, outcome "success",
// and "access=<how>" leading the detail when the actor reached a patient
// through a care team, a team, the organisation or break-the-glass.
Event EventBy(const auth::Actor& actor, Timestamp at, std::string action, std::string entity_type,
              std::string entity_id, std::optional<int64_t> patient_id = std::nullopt,
              std::string detail = {});

// Appends `event` in the caller's (write) transaction.
Status Append(db::Connection& conn, const Event& event);

// Appends `events` in order in the caller's transaction, claiming their ids
// and updating the chain head once for all of them.
Status AppendAll(db::Connection& conn, const std::vector<Event>& events);

// The records of one unit of work, appended together at its end:
//   audit::Batch audit;  audit.Add(EventBy(...));  ...  CK_RETURN_IF_ERROR(audit.Flush(c));
class Batch {
 public:
  Status Add(Event e) {
    events_.push_back(std::move(e));
    return Status::Ok();
  }
  // Takes `other`'s records after this one's.
  void Append(Batch&& other) {
    for (Event& e : other.events_) events_.push_back(std::move(e));
    other.events_.clear();
  }
  Status Flush(db::Connection& conn) {
    Status st = AppendAll(conn, events_);
    events_.clear();
    return st;
  }

 private:
  std::vector<Event> events_;
};

// Appends in a transaction of its own (for reads and denials, which change nothing else).
Status AppendNow(db::Database& db, const Event& event);

struct VerifyReport {
  bool intact = true;
  int64_t records = 0;
  std::optional<int64_t> first_broken_id;  // the first record that fails a check
  std::string problem;                     // what failed, for the operator
  std::string head_hash;                   // the newest hash, to anchor elsewhere
};

// Walks the whole chain in one snapshot. intact=false names the first broken
// record: an edited field (hash mismatch), a deletion (gap in ids or prev_hash
// mismatch), or a missing tail (head points past the last record).
Result<VerifyReport> Verify(db::Database& db);

struct Query {
  std::optional<int64_t> patient_id;
  std::optional<int64_t> user_id;
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
  int64_t after_id = 0;           // keyset paging: records with id > after_id
  int limit = 100;
};
Result<std::vector<Record>> List(db::Connection& conn, const Query& q);

// The hash of a record as stored (exposed for tests and external verifiers).
std::string HashOf(int64_t id, const Event& e, const std::string& prev_hash);

}  // namespace ck::audit
