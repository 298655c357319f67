// FHIR R4 export in the Bulk Data format: one NDJSON file per resource type
// (Patient.ndjson, Encounter.ndjson, ...), one resource a line, from one
// consistent snapshot. Resources keep the ids they were imported under (others
// are the row ids) and carry meta.versionId, meta.lastUpdated and this
// installation's meta.source, so importing the files again — here or into an
// empty database — gives the same records (docs/fhir.md).
//
//   CK_ASSIGN_OR_RETURN(ExportReport r, ExportNdjson(db, "out/"));
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "db/database.h"

namespace ck::fhir {

struct ExportReport {
  std::map<std::string, int64_t> counts;  // resources written per type
  std::vector<std::string> files;
};

// Writes into `out_dir` (created if missing; existing .ndjson files of the
// exported types are replaced). `progress` gets (type, resources so far).
Result<ExportReport> ExportNdjson(
    db::Database& db, const std::string& out_dir,
    const std::function<void(const std::string&, int64_t)>& progress = {});

// The resource types ExportNdjson writes, in reference order.
const std::vector<std::string>& ExportedTypes();

// Which rows of a resource type: a condition on its columns (patient_id, id,
// code, ...) with bound parameters, and at most `limit` (0: all), by id.
struct Filter {
  std::string where;
  db::Params params;
  int limit = 0;
  int offset = 0;
  std::string Sql(bool has_where) const;  // " [WHERE|AND] <where> ORDER BY id [LIMIT n OFFSET m]"
};
using Sink = std::function<void(const nlohmann::json&)>;

// The rows of `type` matching `filter` as FHIR resources, for API reads and
// searches: the exported types and casekeeper's own EpisodeOfCare and
// ServiceRequest (cases and their referrals), Consent, CareTeam and
// AuditEvent. NotFound for other types.
Status RenderResources(db::Connection& c, const std::string& type, const Filter& filter,
                       const std::string& source, Timestamp now, const Sink& out);

}  // namespace ck::fhir
