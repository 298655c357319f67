// The community resource directory: organisations and their services (the
// needs they meet, eligibility, languages, hours, address and coordinates,
// phone, capacity), searched by need, text, language and distance from a
// patient's ZIP code (or any point), and imported from CSV: bad rows are
// reported by line and field, good rows kept (docs/social_needs.md).
//
//   social::Directory directory(db, clock);
//   CK_ASSIGN_OR_RETURN(auto hits, directory.Search(actor, {.domain = "transportation",
//                                                           .patient_id = 42}));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::social {

struct Resource {
  int64_t id = 0;
  std::string organization;
  std::string service;
  std::vector<std::string> domains;  // the needs it meets (social/domains.h)
  std::optional<std::string> description, eligibility, hours, phone, email, website;
  std::vector<std::string> languages = {"en"};  // BCP 47 primary tags
  std::optional<std::string> address_line, city, state, postal_code;
  std::optional<double> latitude, longitude;  // else the ZIP centroid of postal_code
  std::string capacity = "unknown";           // open | waitlist | full | unknown
  std::optional<std::string> capacity_note;
  std::optional<Timestamp> capacity_updated_at;
  bool active = true;
  Timestamp created_at = 0, updated_at = 0;
  int version = 1;
};

struct ResourceQuery {
  std::optional<std::string> domain;    // a need: only services meeting it
  std::optional<std::string> text;      // in organisation, service, description or eligibility
  std::optional<std::string> language;  // services offered in this language
  // Where from (the first given): a point, a ZIP code, or the patient's home ZIP code.
  std::optional<double> latitude, longitude;
  std::optional<std::string> postal_code;
  std::optional<int64_t> patient_id;
  std::optional<double> within_miles;  // drops services farther (or of unknown place)
  bool include_full = true;            // services at capacity are ranked last, or left out
  bool include_inactive = false;
  int limit = 50;
};

struct ResourceHit {
  Resource resource;
  std::optional<double> distance_miles;  // when both places are known
};

struct SearchResult {
  std::vector<ResourceHit> items;
  // Where distances were measured from ("ZIP 43205", "the given point"), if anywhere.
  std::optional<std::string> origin;
};

struct ImportError {
  int line = 0;  // 1 is the header
  std::string field;
  std::string message;
};

struct ImportReport {
  int created = 0, updated = 0, unchanged = 0;
  std::vector<ImportError> errors;
};

// Great-circle distance in statute miles (haversine, mean Earth radius).
double DistanceMiles(double lat1, double lon1, double lat2, double lon2);

// InvalidArgument naming the field for a resource that is not complete and
// well-formed (domains known, languages, coordinates in range, capacity).
Status ValidateResource(const Resource& r);

class Directory {
 public:
  Directory(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Conflict on a duplicate (organization, service) or a stale version.
  Result<Resource> Create(const auth::Actor& actor, Resource r);
  Result<Resource> Update(const auth::Actor& actor, int64_t id, Resource r, int expected_version);
  Result<Resource> Get(int64_t id);

  // Ranked: nearest first (unknown distances after known ones), services at
  // capacity after the others, then by name. The patient's ZIP code is read
  // with the caller's access already checked by the route.
  Result<SearchResult> Search(const ResourceQuery& q);

  // Rows of `csv` (header: organization, service, domains, ... see
  // docs/social_needs.md) inserted, or updated when (organization, service)
  // exists. Each bad row is reported and skipped; the good ones are kept, in
  // one transaction. InvalidArgument only when the header itself is unusable.
  Result<ImportReport> ImportCsv(const auth::Actor& actor, std::string_view csv);

  // ZIP code centroids (header: postal_code, latitude, longitude), replacing
  // the rows of the same ZIP codes; bad rows reported as above.
  Result<ImportReport> ImportZipCentroids(const auth::Actor& actor, std::string_view csv);

  // The organisation's own capacity update through a referral link.
  static Status SetCapacity(db::Connection& c, int64_t resource_id, const std::string& capacity,
                            const std::optional<std::string>& note, Timestamp now);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace ck::social
