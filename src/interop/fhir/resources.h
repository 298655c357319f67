// How each FHIR resource type maps onto casekeeper's tables, for import
// (resources.cc) and export (exporter.cc); docs/fhir.md is the reader's table.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "db/database.h"

namespace ck::fhir {

using Json = nlohmann::json;

// A row a FHIR resource became.
struct Target {
  std::string type;  // FHIR resource type
  int64_t local_id = 0;
};

struct Written {
  int64_t local_id = 0;
  std::optional<int64_t> patient_id;  // whose record changed, for the audit trail
  bool directory_entry = false;
};

// What a mapping may ask of the importer while it writes one resource.
class ResourceWriter {
 public:
  virtual ~ResourceWriter() = default;
  virtual db::Connection& conn() = 0;
  virtual Timestamp now() const = 0;
  // A part of the resource that was dropped; the resource itself is kept.
  virtual void Warn(const std::string& field, const std::string& message) = 0;
  // The row a Reference points to: urn:uuid within the bundle, Type/id,
  // Type?identifier=system|value. Required and unresolved: NotFound naming `field`.
  virtual Result<std::optional<Target>> Resolve(const Json& reference,
                                                std::string_view expected_type,
                                                const std::string& field, bool required) = 0;
};

struct ResourceMapping {
  const char* type;   // "Condition"
  const char* table;  // "conditions"
  // A stored row this resource describes although imported under no known id
  // (patients: one of their identifiers); nullopt for a new row.
  Result<std::optional<int64_t>> (*match)(ResourceWriter& w, const Json& r);
  // Inserts (existing empty) or replaces the row; InvalidArgument naming the FHIR path.
  Result<Written> (*write)(ResourceWriter& w, const Json& r, std::optional<int64_t> existing);
};

// The mapping of a resource type casekeeper imports, or nullptr.
const ResourceMapping* FindMapping(std::string_view type);

// The version of row `id` of the mapping's table, nullopt when there is none.
Result<std::optional<int>> RowVersion(db::Connection& c, const ResourceMapping& m, int64_t id);

// Resolves "Type/id" (also as an absolute URL) through the import keys (and,
// with `native_ids`, for resources this installation exported, through its own
// numeric row ids), and "Type?identifier=system|value" through identifiers.
// Not found: nullopt.
Result<std::optional<Target>> ResolveStored(ResourceWriter& w, const std::string& reference,
                                            bool native_ids, const std::string& field);

// "urn:casekeeper:<random>", this database's FHIR meta.source; created on first use.
Result<std::string> InstallationSource(db::Connection& c);
// The same for read-only transactions: "" before it was created.
Result<std::string> InstallationSourceIfAny(db::Connection& c);

// An OperationOutcome with one error issue naming `field` (FHIRPath expression).
Json OperationOutcome(const std::string& field, const std::string& message,
                      const std::string& code = "invalid");

}  // namespace ck::fhir
