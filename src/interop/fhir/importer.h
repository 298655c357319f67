// FHIR R4 import: Bundles (transaction, batch, collection, searchset) and NDJSON
// (one resource a line, the Bulk Data format `casekeeper export fhir` writes)
// into the registry and the clinical record (docs/fhir.md has the mapping).
//
//   Importer importer(db, clock, {.actor = actor});
//   CK_RETURN_IF_ERROR(importer.ImportFile("Ann_Smith.json"));
//   importer.report();  // created / updated / unchanged per type, per-resource errors
//
// Files stream: a Bundle is read entry by entry and an NDJSON file line by line,
// written in transactions of `batch_size` resources. A resource that cannot be
// mapped is reported (where, type, id, field, problem) and skipped; the rest go
// on. References resolve by `urn:uuid:` fullUrl within a Bundle (forward
// references too), by `Type/id` against earlier imports, and conditionally
// (`Practitioner?identifier=system|value`). Re-importing is idempotent: a
// resource is found again by its type and id (patients also by identifier) and
// skipped when unchanged, updated when changed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::patients {
class EncounterObserver;  // patients/clinical.h
}

namespace ck::fhir {

struct ImportIssue {
  std::string where;  // "Ann_Smith.json entry 12", "Patient.ndjson line 7"
  std::string resource_type;
  std::string id;
  std::string field;  // FHIR path: "Condition.code", "Encounter.period.start"
  std::string message;
};

struct TypeCounts {
  int64_t created = 0, updated = 0, unchanged = 0, failed = 0;
};

struct ImportReport {
  std::map<std::string, TypeCounts> imported;    // by resource type
  std::map<std::string, int64_t> not_supported;  // resource types casekeeper does not keep
  std::vector<ImportIssue> errors;               // resources skipped
  std::vector<ImportIssue> warnings;             // parts dropped, resource kept
  int64_t resources_read = 0;
  int64_t Imported() const;  // created + updated + unchanged
  nlohmann::json ToJson(size_t max_issues = 1000) const;
};

struct ImportProgress {
  int64_t bytes_read = 0, bytes_total = 0, resources = 0;
};

class Importer {
 public:
  struct Options {
    auth::Actor actor{std::nullopt, "fhir-import", "integration", "cli", {}};
    int batch_size = 1000;
    std::function<void(const ImportProgress&)> progress;  // called after each batch
    // Told, in each batch's transaction, whose encounters changed (the
    // readmission flags follow). Not owned; may be null.
    patients::EncounterObserver* encounter_observer = nullptr;
  };

  Importer(db::Database& db, const Clock& clock, Options options);
  ~Importer();

  // A Bundle or a single resource (.json) or NDJSON (.ndjson, or any file whose
  // first line is a complete resource). Per-resource problems go to the report;
  // a non-OK status means the file could not be read or the database failed.
  Status ImportFile(const std::string& path);
  // Several files: information bundles (Organization, Practitioner, Location
  // only) first, then NDJSON files in reference order, then the rest.
  Status ImportFiles(std::vector<std::string> paths);

  // One Bundle posted to the API. A transaction is all or nothing (the first
  // error is returned, naming the entry); a batch commits what it can. Returns
  // the response Bundle (transaction-response or batch-response).
  Result<nlohmann::json> ImportBundle(const nlohmann::json& bundle);

  const ImportReport& report() const;

  struct State;  // internal

 private:
  std::unique_ptr<State> state_;
};

// Orders file names so referenced resources come first: Organization,
// Location, Practitioner, Patient, Encounter, then the rest (NDJSON by type).
std::vector<std::string> ImportOrder(std::vector<std::string> paths);

}  // namespace ck::fhir
