// The domain event outbox: facts raised in the transaction that caused them (an
// admission, a discharge, a completed assessment, a referral, a no-show) for
// the modules that act on them in order (programs/engine.h, the worklist).
//
//   CK_RETURN_IF_ERROR(events::Raise(c, {.kind = "case.referred", .patient_id = p,
//                                        .entity_type = "case", .entity_id = k}, now));
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "db/database.h"

namespace ck::events {

struct Event {
  std::string kind;
  std::optional<int64_t> patient_id;
  std::string entity_type;
  std::optional<int64_t> entity_id;
  std::string payload = "{}";            // JSON object
  std::string source = "casekeeper";     // casekeeper | hl7v2 | fhir
  std::optional<Timestamp> occurred_at;  // default: now
};

// Appends `e` in the caller's transaction.
Status Raise(db::Connection& c, const Event& e, Timestamp now);

}  // namespace ck::events
