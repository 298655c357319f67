#include "events/outbox.h"

namespace ck::events {

Status Raise(db::Connection& c, const Event& e, Timestamp now) {
  return c
      .Exec(
          "INSERT INTO domain_events (kind, patient_id, entity_type, entity_id, payload, "
          "source, occurred_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {e.kind, e.patient_id, e.entity_type, e.entity_id, e.payload, e.source,
           e.occurred_at.value_or(now), now})
      .status();
}

}  // namespace ck::events
