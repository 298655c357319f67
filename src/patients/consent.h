// Consent: the patient's agreement to case management, and to sharing their
// information with a named person (a relationship) or organisation, with
// dates and revocation. Information-sharing actions check it: a relationship
// may be marked to receive information only under an active consent naming
// it, and revoking that consent withdraws the mark in the same transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::patients {

struct Consent {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::string kind;  // case_management | information_sharing
  std::optional<int64_t> relationship_id;
  std::optional<std::string> party_name;  // an organisation, when no relationship is named
  std::optional<std::string> scope;       // what may be shared
  std::string method = "verbal";          // verbal | written | electronic
  std::string granted_on;                 // YYYY-MM-DD
  std::optional<std::string> expires_on;
  std::optional<Timestamp> revoked_at;
  std::optional<std::string> revocation_reason;
  std::optional<int64_t> recorded_by;
  Timestamp created_at = 0;
  bool active = false;  // computed for `today`
};

// Whether an active information-sharing consent names this relationship on `today`.
Result<bool> SharingConsented(db::Connection& c, int64_t patient_id, int64_t relationship_id,
                              Date today);
Result<Consent> InsertConsent(db::Connection& c, const Consent& k, Timestamp now);

class Consents {
 public:
  Consents(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  Result<std::vector<Consent>> List(const auth::Actor& actor, int64_t patient_id);
  // InvalidArgument naming the field for a bad kind, party, method or dates.
  Result<Consent> Record(const auth::Principal& who, const auth::Actor& actor, Consent k);
  // Revokes it; relationships that were sharing under it stop, unless another
  // active consent still names them.
  Result<Consent> Revoke(const auth::Actor& actor, int64_t patient_id, int64_t consent_id,
                         const std::string& reason);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace ck::patients
