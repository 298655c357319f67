#include "patients/clinical.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/trail.h"
#include "events/outbox.h"
#include "scoring/icd10.h"

namespace ck::patients {
namespace {

using T = FieldSpec::Type;

std::string Columns(const RecordKind& kind) {
  std::string out = "id, patient_id";
  for (const FieldSpec& f : kind.fields)
    out += std::string(", ") + (f.derived ? f.derived : f.name);
  return out + ", version, created_at, updated_at";
}

Record FromRow(const RecordKind& kind, const db::Row& r) {
  Record rec;
  rec.id = r.Int(0);
  rec.patient_id = r.Int(1);
  size_t i = 2;
  for (const FieldSpec& f : kind.fields) rec.fields[f.name] = r.at(i++);
  rec.version = static_cast<int>(r.Int(i));
  rec.created_at = r.Int(i + 1);
  rec.updated_at = r.Int(i + 2);
  return rec;
}

Result<Record> Load(db::Connection& c, const RecordKind& kind, int64_t patient_id, int64_t id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT " + Columns(kind) + " FROM " + kind.resource +
                                             " WHERE id = ? AND patient_id = ?",
                                         {id, patient_id}));
  if (rows.empty())
    return NotFound(std::string("no ") + kind.singular + " " + std::to_string(id) +
                    " on this patient");
  return FromRow(kind, rows.at(0));
}

bool IsDigits(std::string_view s, size_t min, size_t max) {
  return s.size() >= min && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// SNOMED CT SCTIDs: 6 to 18 digits, no leading zero.
bool IsSnomedConceptId(std::string_view s) { return IsDigits(s, 6, 18) && s[0] != '0'; }

// The "code_system" of a record that has one ("icd10cm" when absent).
std::string_view CodeSystem(const std::map<std::string, db::Value>& fields) {
  auto it = fields.find("code_system");
  if (it == fields.end() || it->second.type() != db::Value::Type::kText) return "icd10cm";
  return it->second.AsText();
}

Status Translate(const RecordKind& kind, Status st) {
  if (st.code() == ErrorCode::kAlreadyExists && kind.unique_error_field)
    return AlreadyExists(
        std::string("another ") + kind.singular + " has this " + kind.unique_error_field,
        kind.unique_error_field);
  return st;
}

std::string TextOf(const Record& r, const char* field) {
  auto it = r.fields.find(field);
  if (it == r.fields.end() || it->second.type() != db::Value::Type::kText) return "";
  return it->second.AsText();
}

std::optional<Timestamp> TimeOf(const Record& r, const char* field) {
  auto it = r.fields.find(field);
  if (it == r.fields.end() || it->second.type() != db::Value::Type::kInt) return std::nullopt;
  return it->second.AsInt();
}

bool IsAcute(const std::string& encounter_class) {
  return encounter_class == "inpatient" || encounter_class == "emergency" ||
         encounter_class == "observation";
}

// Admitted and not cancelled: in progress or finished.
bool IsLive(const std::string& status) { return status == "in_progress" || status == "finished"; }

// The domain events ADT would raise for this change of a hand-entered
// inpatient, emergency or observation encounter (`before` absent: created).
Status RaiseEncounterEvents(db::Connection& c, const std::optional<Record>& before,
                            const Record& after, const auth::Actor& actor, Timestamp now) {
  const std::string klass = TextOf(after, "encounter_class");
  if (!IsAcute(klass) && !(before && IsAcute(TextOf(*before, "encounter_class"))))
    return Status::Ok();
  nlohmann::json payload = {
      {"facility", TextOf(after, "facility")}, {"encounter_class", klass}, {"entered_by", "hand"}};
  if (std::string v = TextOf(after, "visit_number"); !v.empty()) payload["visit_number"] = v;
  if (std::string d = TextOf(after, "discharge_disposition"); !d.empty())
    payload["discharge_disposition"] = d;
  if (actor.user_id) payload["recorded_by"] = *actor.user_id;
  auto raise = [&](const char* kind, std::optional<Timestamp> occurred) {
    return events::Raise(c,
                         {kind, after.patient_id, "encounter", after.id, payload.dump(),
                          "casekeeper", occurred.value_or(now)},
                         now);
  };
  const std::string status = TextOf(after, "status");
  const std::optional<Timestamp> admitted = TimeOf(after, "admitted_at");
  const std::optional<Timestamp> discharged = TimeOf(after, "discharged_at");
  if (!before) {
    if (status == "planned") return raise("encounter.preadmitted", admitted);
    if (!IsLive(status)) return Status::Ok();
    CK_RETURN_IF_ERROR(raise("encounter.admitted", admitted));
    if (discharged) return raise("encounter.discharged", discharged);
    return Status::Ok();
  }
  const std::string was = TextOf(*before, "status");
  const bool was_live = IsLive(was);
  const std::optional<Timestamp> was_discharged = TimeOf(*before, "discharged_at");
  if (status == "cancelled" || status == "entered_in_error") {
    if (was == "cancelled" || was == "entered_in_error") return Status::Ok();
    payload["status"] = status;
    return raise("encounter.admission_cancelled", now);
  }
  bool raised = false;
  if (IsLive(status) && !was_live) {
    CK_RETURN_IF_ERROR(raise("encounter.admitted", admitted));
    raised = true;
  }
  if (IsLive(status) && discharged && (!was_discharged || !was_live)) {
    CK_RETURN_IF_ERROR(raise("encounter.discharged", discharged));
    raised = true;
  } else if (was_live && was_discharged && !discharged) {
    CK_RETURN_IF_ERROR(raise("encounter.discharge_cancelled", now));
    raised = true;
  }
  if (!raised) return raise("encounter.updated", now);
  return Status::Ok();
}

}  // namespace

const std::vector<RecordKind>& RecordKinds() {
  static const std::vector<RecordKind> kinds = {
      {"conditions",
       "condition",
       {{"code", T::kIcd10, true, 18},
        {"code_system", T::kEnum, false, 10, {"icd10cm", "snomed"}},
        {"snomed_code", T::kSnomed, false, 18},
        {"description", T::kText, false, 300},
        {"status",
         T::kEnum,
         true,
         20,
         {"active", "recurrence", "relapse", "inactive", "remission", "resolved",
          "entered_in_error"}},
        {"onset_date", T::kDate},
        {"resolved_date", T::kDate},
        {"source", T::kEnum, false, 20, {"manual", "hl7v2", "fhir", "claims", "assessment"}}},
       {{"onset_date", "resolved_date"}}},
      {"medications",
       "medication",
       {{"name", T::kText, true, 200},
        {"dose", T::kText, false, 100},
        {"route",
         T::kEnum,
         false,
         20,
         {"oral", "sublingual", "topical", "transdermal", "inhaled", "nasal", "ophthalmic", "otic",
          "subcutaneous", "intramuscular", "intravenous", "rectal", "vaginal", "other"}},
        {"frequency", T::kText, false, 100},
        {"prescriber", T::kText, false, 200},
        {"code", T::kRxNorm, false, 12},
        {"start_date", T::kDate},
        {"stop_date", T::kDate},
        {"status",
         T::kEnum,
         true,
         20,
         {"active", "on_hold", "stopped", "completed", "entered_in_error"}}},
       {{"start_date", "stop_date"}}},
      {"allergies",
       "allergy",
       {{"substance", T::kText, true, 200},
        {"reaction", T::kText, false, 200},
        {"severity", T::kEnum, false, 20, {"mild", "moderate", "severe"}},
        {"status", T::kEnum, true, 20, {"active", "inactive", "resolved", "entered_in_error"}}},
       {}},
      {"encounters",
       "encounter",
       {{"encounter_class",
         T::kEnum,
         true,
         20,
         {"inpatient", "emergency", "observation", "outpatient"}},
        {"facility", T::kText, true, 200},
        {"visit_number", T::kText, false, 64},
        {"admitted_at", T::kTime, true},
        {"discharged_at", T::kTime},
        {"admission_type",
         T::kEnum,
         false,
         20,
         {"emergency", "urgent", "elective", "newborn", "trauma", "other"}},
        {"discharge_disposition",
         T::kEnum,
         false,
         30,
         {"home", "home_health", "skilled_nursing", "inpatient_rehab", "long_term_care_hospital",
          "hospice", "left_against_medical_advice", "transferred", "expired", "other"}},
        {"diagnoses", T::kIcd10List, false, 500},
        {"status",
         T::kEnum,
         true,
         20,
         {"planned", "in_progress", "finished", "cancelled", "entered_in_error"}},
        // The 30-day readmission flag of an acute inpatient admission, kept by
        // transitions (docs/transitions.md): counted | planned, the stay (its
        // first encounter) whose discharge it follows, and the days after it.
        {"readmission",
         T::kText,
         false,
         10,
         {},
         "(SELECT CASE WHEN s.counted = 1 THEN 'counted' ELSE 'planned' END FROM acute_stays s "
         "WHERE s.first_encounter_id = encounters.id AND s.readmission_of IS NOT NULL)"},
        {"readmission_of",
         T::kInt,
         false,
         0,
         {},
         "(SELECT s.readmission_of FROM acute_stays s WHERE s.first_encounter_id = encounters.id)"},
        {"readmission_days",
         T::kInt,
         false,
         0,
         {},
         "(SELECT s.days_after_discharge FROM acute_stays s WHERE s.first_encounter_id = "
         "encounters.id)"}},
       {{"admitted_at", "discharged_at"}},
       "visit_number"},
      {"coverages",
       "coverage",
       {{"payer", T::kText, true, 200},
        {"plan", T::kText, false, 200},
        {"product_type",
         T::kEnum,
         true,
         30,
         {"commercial", "medicare_advantage", "medicaid_managed_care", "medicare_ffs",
          "medicaid_ffs", "self_pay", "other"}},
        {"member_id", T::kText, true, 64},
        {"group_number", T::kText, false, 64},
        {"effective_from", T::kDate, true},
        {"effective_to", T::kDate},
        {"priority", T::kEnum, true, 10, {"primary", "secondary", "tertiary"}},
        {"status", T::kEnum, true, 20, {"active", "cancelled", "entered_in_error"}}},
       {{"effective_from", "effective_to"}}},
  };
  return kinds;
}

bool IsDerivedField(const RecordKind& kind, std::string_view name) {
  return std::any_of(kind.fields.begin(), kind.fields.end(),
                     [&](const FieldSpec& f) { return f.derived && name == f.name; });
}

const RecordKind* FindRecordKind(std::string_view resource) {
  for (const RecordKind& k : RecordKinds()) {
    if (resource == k.resource) return &k;
  }
  return nullptr;
}

Result<std::string> NormalizeIcd10(std::string_view code, std::string_view field) {
  CK_ASSIGN_OR_RETURN(std::string compact, scoring::CompactIcd10(code, field));
  return scoring::DottedIcd10(compact);
}

Status ValidateRecord(const RecordKind& kind, std::map<std::string, db::Value>& fields) {
  for (const auto& [name, _] : fields) {
    bool known = std::any_of(kind.fields.begin(), kind.fields.end(),
                             [&](const FieldSpec& f) { return name == f.name; });
    if (!known) return InvalidArgument("unknown field", name);
  }
  for (const FieldSpec& f : kind.fields) {
    if (f.derived) continue;  // read from the kind's table, never written
    auto it = fields.find(f.name);
    bool present = it != fields.end() && !it->second.is_null();
    if (!present) {
      if (f.required) return InvalidArgument("is required", f.name);
      continue;
    }
    db::Value& v = it->second;
    bool text = v.type() == db::Value::Type::kText;
    switch (f.type) {
      case T::kTime:
        if (v.type() != db::Value::Type::kInt)
          return InvalidArgument("must be an ISO-8601 time", f.name);
        break;
      case T::kInt:
        if (v.type() != db::Value::Type::kInt) return InvalidArgument("must be an integer", f.name);
        break;
      case T::kText:
        if (!text || v.AsText().empty())
          return InvalidArgument("must be a non-empty string", f.name);
        if (v.AsText().size() > f.max)
          return InvalidArgument("must be at most " + std::to_string(f.max) + " bytes", f.name);
        break;
      case T::kDate:
        if (!text) return InvalidArgument("must be a date YYYY-MM-DD", f.name);
        CK_RETURN_IF_ERROR(ParseDate(v.AsText(), f.name).status());
        break;
      case T::kEnum: {
        bool allowed = text && std::any_of(f.allowed.begin(), f.allowed.end(),
                                           [&](const char* a) { return v.AsText() == a; });
        if (!allowed) {
          std::string list;
          for (const char* a : f.allowed) list += (list.empty() ? "" : ", ") + std::string(a);
          return InvalidArgument("must be one of " + list, f.name);
        }
        break;
      }
      case T::kSnomed:
        if (!text || !IsSnomedConceptId(v.AsText()))
          return InvalidArgument("must be a SNOMED CT concept id (6 to 18 digits)", f.name);
        break;
      case T::kRxNorm:
        if (!text || !IsDigits(v.AsText(), 1, f.max))
          return InvalidArgument("must be an RxNorm concept id (digits)", f.name);
        break;
      case T::kIcd10: {
        if (CodeSystem(fields) == "snomed") {
          if (!text || !IsSnomedConceptId(v.AsText()))
            return InvalidArgument("must be a SNOMED CT concept id (6 to 18 digits)", f.name);
          break;
        }
        if (!text) return InvalidArgument("must be an ICD-10-CM code such as E11.9", f.name);
        CK_ASSIGN_OR_RETURN(std::string code, NormalizeIcd10(v.AsText(), f.name));
        v = db::Value(code);
        break;
      }
      case T::kIcd10List: {
        if (!text) return InvalidArgument("must be a list of ICD-10-CM codes", f.name);
        std::string out, all = v.AsText();
        size_t start = 0;
        int count = 0;
        while (start <= all.size()) {
          size_t comma = all.find(',', start);
          if (comma == std::string::npos) comma = all.size();
          CK_ASSIGN_OR_RETURN(std::string code,
                              NormalizeIcd10(all.substr(start, comma - start), f.name));
          out += (out.empty() ? "" : ",") + code;
          if (++count > 25) return InvalidArgument("at most 25 diagnoses", f.name);
          start = comma + 1;
        }
        v = db::Value(out);
        break;
      }
    }
  }
  for (const auto& [earlier, later] : kind.ordered) {
    auto a = fields.find(earlier), b = fields.find(later);
    if (a == fields.end() || b == fields.end() || a->second.is_null() || b->second.is_null())
      continue;
    bool before = a->second.type() == db::Value::Type::kInt
                      ? a->second.AsInt() <= b->second.AsInt()
                      : a->second.AsText() <= b->second.AsText();
    if (!before) return InvalidArgument(std::string("must not be before ") + earlier, later);
  }
  return Status::Ok();
}

Result<std::vector<Record>> ClinicalRecords::List(const auth::Actor& actor, int64_t patient_id,
                                                  const RecordKind& kind) {
  std::vector<Record> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) {
    return c.ForEachRow(
        "SELECT " + Columns(kind) + " FROM " + kind.resource + " WHERE patient_id = ? ORDER BY id",
        {patient_id}, [&](const db::Row& r) {
          out.push_back(FromRow(kind, r));
          return Status::Ok();
        });
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, clock_.Now(), std::string(kind.singular) + ".list", "patient",
                          std::to_string(patient_id), patient_id)));
  return out;
}

Result<int64_t> InsertRecord(db::Connection& c, int64_t patient_id, const RecordKind& kind,
                             std::map<std::string, db::Value> fields, Timestamp now) {
  CK_RETURN_IF_ERROR(ValidateRecord(kind, fields));
  std::string cols = "patient_id", marks = "?";
  db::Params params{patient_id};
  for (const FieldSpec& f : kind.fields) {
    if (f.derived) continue;
    auto it = fields.find(f.name);
    if (it == fields.end() || it->second.is_null()) continue;  // the column's default
    cols += std::string(", ") + f.name;
    marks += ", ?";
    params.push_back(it->second);
  }
  params.insert(params.end(), {now, now});
  auto rows = c.Query(std::string("INSERT INTO ") + kind.resource + " (" + cols +
                          ", created_at, updated_at) VALUES (" + marks + ", ?, ?) RETURNING id",
                      params);
  if (!rows.ok()) return Translate(kind, rows.status());
  return rows->at(0).Int(0);
}

Result<int64_t> UpdateFields(db::Connection& c, const RecordKind& kind, int64_t record_id,
                             std::map<std::string, db::Value> fields, Timestamp now,
                             std::optional<int> expected_version) {
  CK_RETURN_IF_ERROR(ValidateRecord(kind, fields));
  std::string sets;
  db::Params params;
  for (const FieldSpec& f : kind.fields) {
    if (f.derived) continue;
    auto it = fields.find(f.name);
    if (it == fields.end() || it->second.is_null()) {
      if (std::string_view(f.name) == "code_system") continue;  // keeps its NOT NULL default
      sets += std::string(sets.empty() ? "" : ", ") + f.name + " = NULL";
      continue;
    }
    sets += std::string(sets.empty() ? "" : ", ") + f.name + " = ?";
    params.push_back(it->second);
  }
  params.insert(params.end(), {now, record_id});
  std::string sql = std::string("UPDATE ") + kind.resource + " SET " + sets +
                    ", updated_at = ?, version = version + 1 WHERE id = ?";
  if (expected_version) {
    sql += " AND version = ?";
    params.push_back(*expected_version);
  }
  auto n = c.Exec(sql, params);
  if (!n.ok()) return Translate(kind, n.status());
  return *n;
}

Result<Record> ClinicalRecords::Create(const auth::Actor& actor, int64_t patient_id,
                                       const RecordKind& kind,
                                       std::map<std::string, db::Value> fields) {
  CK_RETURN_IF_ERROR(ValidateRecord(kind, fields));
  Timestamp now = clock_.Now();
  Record out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(int64_t id, InsertRecord(c, patient_id, kind, fields, now));
    if (kind.resource == std::string_view("encounters")) {
      CK_ASSIGN_OR_RETURN(Record made, Load(c, kind, patient_id, id));
      CK_RETURN_IF_ERROR(RaiseEncounterEvents(c, std::nullopt, made, actor, now));
      if (observer_) CK_RETURN_IF_ERROR(observer_->EncountersChanged(c, patient_id, now));
    }
    CK_ASSIGN_OR_RETURN(out, Load(c, kind, patient_id, id));
    return audit::Append(c, audit::EventBy(actor, now, std::string(kind.singular) + ".create",
                                           kind.singular, std::to_string(out.id), patient_id));
  }));
  return out;
}

Result<Record> ClinicalRecords::Update(const auth::Actor& actor, int64_t patient_id,
                                       const RecordKind& kind, int64_t record_id,
                                       const std::map<std::string, db::Value>& changes,
                                       int expected_version) {
  Timestamp now = clock_.Now();
  Record out;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Record current, Load(c, kind, patient_id, record_id));
    if (current.version != expected_version)
      return Status(ErrorCode::kConflict,
                    "changed since version " + std::to_string(expected_version) + " (now " +
                        std::to_string(current.version) + "); reload and apply again",
                    "version");
    std::map<std::string, db::Value> fields;
    for (const auto& [k, v] : current.fields)
      if (!IsDerivedField(kind, k)) fields[k] = v;
    for (const auto& [k, v] : changes) fields[k] = v;
    CK_ASSIGN_OR_RETURN(int64_t n, UpdateFields(c, kind, record_id, fields, now, expected_version));
    if (n == 0)
      return Status(ErrorCode::kConflict, "changed meanwhile; reload and apply again", "version");
    if (kind.resource == std::string_view("encounters")) {
      CK_ASSIGN_OR_RETURN(Record changed, Load(c, kind, patient_id, record_id));
      CK_RETURN_IF_ERROR(RaiseEncounterEvents(c, current, changed, actor, now));
      if (observer_) CK_RETURN_IF_ERROR(observer_->EncountersChanged(c, patient_id, now));
    }
    CK_ASSIGN_OR_RETURN(out, Load(c, kind, patient_id, record_id));
    return audit::Append(c, audit::EventBy(actor, now, std::string(kind.singular) + ".update",
                                           kind.singular, std::to_string(record_id), patient_id));
  });
  if (!st.ok()) return Translate(kind, st);
  return out;
}

}  // namespace ck::patients
