// ADT events from hospitals' EHRs into the record (docs/hl7_adt_mapping.md):
// patients matched by identifier (PID-3 with its assigning authority) or
// created from PID; encounters matched by visit number (PV1-19) at the
// sending facility and updated from PV1 and DG1; a domain event per change
// (encounter.admitted, encounter.discharged, ...) for transitions and the
// worklist, and transitions' readmission flags kept current in the same
// transaction; A40 merges patients. Every change is audited as the "hl7" actor.
//
//   AdtMapping adt;  Inbox inbox(db, clock, {&adt});
#pragma once

#include "audit/trail.h"
#include "interop/hl7v2/inbox.h"
#include "patients/clinical.h"

namespace ck::hl7 {

class AdtMapping final : public MessageHandler {
 public:
  // `observer` (transitions' readmission flags) is told of every encounter
  // change in the message's transaction.
  explicit AdtMapping(patients::EncounterObserver* observer = nullptr) : observer_(observer) {}

  bool Handles(std::string_view type, std::string_view trigger) const override;
  bool KnowsType(std::string_view type) const override { return type == "ADT"; }
  Result<Applied> Apply(db::Connection& c, const Message& m, Timestamp now,
                        audit::Batch& audit) override;

 private:
  patients::EncounterObserver* observer_;
};

// HL7 DTM ("YYYYMMDD[HH[MM[SS[.S+]]]][+/-ZZZZ]") as UTC; without an offset the
// time is read as UTC. InvalidArgument naming `field` when malformed.
Result<Timestamp> ParseHl7Time(std::string_view text, std::string_view field);

}  // namespace ck::hl7
