// The clinical background of a patient — conditions (ICD-10-CM), medications,
// allergies, encounters and coverage — as records described by data: each
// kind names its table and its fields (type, required, allowed values), and
// one store, one service and one set of routes serve them all. These are the
// inputs of risk scores, transitions and insurance work.
//
//   const RecordKind& conditions = *FindRecordKind("conditions");
//   Result<Record> r = clinical.Create(actor, patient_id, conditions, fields);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::patients {

struct FieldSpec {
  // kIcd10 holds a SNOMED CT concept id instead when the record's code_system is "snomed".
  enum class Type { kText, kDate, kTime, kEnum, kIcd10, kIcd10List, kSnomed, kRxNorm, kInt };
  const char* name;
  Type type;
  bool required = false;
  size_t max = 200;
  std::vector<const char*> allowed = {};  // kEnum
  // A read-only value another module computes: the SQL expression that selects
  // it for a row of the kind's table (named by the table). Never written here;
  // a request that sets it is refused.
  const char* derived = nullptr;
};

struct RecordKind {
  const char* resource;  // URL segment and table: "conditions"
  const char* singular;  // audit action prefix: "condition"
  std::vector<FieldSpec> fields;
  std::vector<std::pair<const char*, const char*>> ordered;  // (earlier, later) field pairs
  const char* unique_error_field = nullptr;  // field named when a unique index refuses a row
};

// Whether `name` is one of the kind's derived (read-only) fields.
bool IsDerivedField(const RecordKind& kind, std::string_view name);

const std::vector<RecordKind>& RecordKinds();
const RecordKind* FindRecordKind(std::string_view resource);

// Told of every change to a patient's encounters in the transaction that made
// it, after the rows are written (transitions keeps the patient's stays and
// readmission flags current). Must not open a transaction of its own.
class EncounterObserver {
 public:
  virtual ~EncounterObserver() = default;
  virtual Status EncountersChanged(db::Connection& c, int64_t patient_id, Timestamp now) = 0;
};

// A record's values by field name; absent fields are null. Times are UTC
// milliseconds, dates "YYYY-MM-DD", ICD-10 lists comma-separated codes.
struct Record {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::map<std::string, db::Value> fields;
  int version = 1;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// "E119", "e11.9" → "E11.9". InvalidArgument naming `field` for anything that is
// not an ICD-10-CM code shape (letter, digit, digit or letter, then up to four
// more characters after the dot).
Result<std::string> NormalizeIcd10(std::string_view code, std::string_view field);

// Checks required fields, types, allowed values and order; normalises codes in place.
Status ValidateRecord(const RecordKind& kind, std::map<std::string, db::Value>& fields);

// Validates and inserts in the caller's transaction (no audit record: callers
// that act for a person use ClinicalRecords).
Result<int64_t> InsertRecord(db::Connection& c, int64_t patient_id, const RecordKind& kind,
                             std::map<std::string, db::Value> fields, Timestamp now);

// Validates and replaces every field of record `record_id` (absent fields become
// null), bumping its version; with `expected_version` only if that version is
// current. Returns the number of rows changed (0: absent or another version).
Result<int64_t> UpdateFields(db::Connection& c, const RecordKind& kind, int64_t record_id,
                             std::map<std::string, db::Value> fields, Timestamp now,
                             std::optional<int> expected_version = std::nullopt);

// Encounters entered or changed by hand raise the domain events ADT raises for
// inpatient, emergency and observation encounters (encounter.admitted,
// .discharged, .admission_cancelled, .discharge_cancelled, .preadmitted,
// .updated) in the same transaction, so programs, the worklist and transitions
// treat them alike; `observer` (if any) is told of every encounter change.
class ClinicalRecords {
 public:
  ClinicalRecords(db::Database& db, const Clock& clock, EncounterObserver* observer = nullptr)
      : db_(db), clock_(clock), observer_(observer) {}

  Result<std::vector<Record>> List(const auth::Actor& actor, int64_t patient_id,
                                   const RecordKind& kind);
  Result<Record> Create(const auth::Actor& actor, int64_t patient_id, const RecordKind& kind,
                        std::map<std::string, db::Value> fields);
  // Replaces the given fields if `expected_version` is current (Conflict otherwise).
  Result<Record> Update(const auth::Actor& actor, int64_t patient_id, const RecordKind& kind,
                        int64_t record_id, const std::map<std::string, db::Value>& changes,
                        int expected_version);

 private:
  db::Database& db_;
  const Clock& clock_;
  EncounterObserver* observer_;
};

}  // namespace ck::patients
