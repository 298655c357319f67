#include "interop/fhir/resources.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "auth/crypto.h"
#include "interop/fhir/codes.h"
#include "patients/clinical.h"
#include "patients/store.h"
#include "patients/validation.h"

namespace ck::fhir {
namespace {

using Fields = std::map<std::string, db::Value>;

const Json& Null() {
  static const Json null;
  return null;
}

const Json& Get(const Json& j, const char* key) {
  if (!j.is_object()) return Null();
  auto it = j.find(key);
  return it == j.end() ? Null() : *it;
}

std::optional<std::string> Str(const Json& j, const char* key) {
  const Json& v = Get(j, key);
  if (v.is_string() && !v.get_ref<const std::string&>().empty()) return v.get<std::string>();
  return std::nullopt;
}

std::optional<std::string> Clip(std::optional<std::string> s, size_t max) {
  if (s && s->size() > max) {
    size_t n = max;
    while (n > 0 && (static_cast<unsigned char>((*s)[n]) & 0xC0) == 0x80) --n;  // UTF-8 boundary
    s->resize(n);
  }
  return s;
}

const Json& First(const Json& j, const char* key) {
  const Json& v = Get(j, key);
  return v.is_array() && !v.empty() ? v[0] : Null();
}

std::optional<std::string> CodeOf(const Json& codeable, std::string_view system = {}) {
  const Json* c = FindCoding(codeable, system);
  return c ? Str(*c, "code") : std::nullopt;
}

// The status with its field renamed to the FHIR path.
Status AtPath(Status st, const std::string& type,
              const std::map<std::string, std::string>& paths = {}) {
  if (st.ok()) return st;
  std::string field = st.field();
  auto it = paths.find(field);
  field = it != paths.end() ? type + "." + it->second : field.empty() ? type : type + "." + field;
  return Status(st.code(), st.message(), field);
}

Result<std::optional<std::string>> DateAt(const Json& r, const char* key, const std::string& path) {
  auto s = Str(r, key);
  if (!s) return std::optional<std::string>();
  CK_ASSIGN_OR_RETURN(std::string d, ParseFhirDate(*s, path));
  return std::optional<std::string>(d);
}

Result<std::optional<Timestamp>> TimeOf(const Json& v, const std::string& path) {
  if (!v.is_string()) return std::optional<Timestamp>();
  CK_ASSIGN_OR_RETURN(Timestamp t, ParseFhirDateTime(v.get<std::string>(), path));
  return std::optional<Timestamp>(t);
}

Result<int64_t> PatientOf(ResourceWriter& w, const Json& r, const char* key,
                          const std::string& type) {
  auto t = w.Resolve(Get(r, key), "Patient", type + "." + key, true);
  if (!t.ok()) return t.status();
  if (!t->has_value()) return InvalidArgument("is required", type + "." + key);
  return t->value().local_id;
}

Result<std::optional<int64_t>> EncounterOf(ResourceWriter& w, const Json& r,
                                           const std::string& type) {
  CK_ASSIGN_OR_RETURN(auto t,
                      w.Resolve(Get(r, "encounter"), "Encounter", type + ".encounter", false));
  return t ? std::optional<int64_t>(t->local_id) : std::nullopt;
}

Result<std::optional<std::string>> DirectoryName(ResourceWriter& w, const Json& reference,
                                                 std::string_view type, const std::string& field) {
  CK_ASSIGN_OR_RETURN(auto t, w.Resolve(reference, type, field, false));
  if (t) {
    CK_ASSIGN_OR_RETURN(auto rows, w.conn().Query("SELECT name FROM directory_entries WHERE id = ?",
                                                  {t->local_id}));
    if (!rows.empty()) return std::optional<std::string>(rows.at(0).Text(0));
  }
  return Str(reference, "display");
}

// Inserts (no `existing`) or replaces a row of a table outside the clinical
// record kinds; returns its id.
Result<int64_t> Upsert(db::Connection& c, const char* table, std::optional<int64_t> existing,
                       const std::vector<std::pair<const char*, db::Value>>& cols, Timestamp now) {
  db::Params params;
  std::string sql;
  if (existing) {
    sql = std::string("UPDATE ") + table + " SET ";
    for (const auto& [name, v] : cols) {
      sql += std::string(name) + " = ?, ";
      params.push_back(v);
    }
    sql += "updated_at = ?, version = version + 1 WHERE id = ?";
    params.insert(params.end(), {now, *existing});
    CK_ASSIGN_OR_RETURN(int64_t n, c.Exec(sql, params));
    if (n == 0) return NotFound(std::string("the ") + table + " row is gone");
    return *existing;
  }
  std::string names, marks;
  for (const auto& [name, v] : cols) {
    names += std::string(name) + ", ";
    marks += "?, ";
    params.push_back(v);
  }
  params.insert(params.end(), {now, now});
  CK_ASSIGN_OR_RETURN(auto rows,
                      c.Query(std::string("INSERT INTO ") + table + " (" + names +
                                  "created_at, updated_at) VALUES (" + marks + "?, ?) RETURNING id",
                              params));
  return rows.at(0).Int(0);
}

Result<int64_t> UpsertRecord(ResourceWriter& w, const char* kind_name, int64_t patient_id,
                             std::optional<int64_t> existing, Fields fields,
                             const std::string& type,
                             const std::map<std::string, std::string>& paths) {
  const patients::RecordKind& kind = *patients::FindRecordKind(kind_name);
  if (existing) {
    auto n = patients::UpdateFields(w.conn(), kind, *existing, std::move(fields), w.now());
    if (!n.ok()) return AtPath(n.status(), type, paths);
    if (*n == 0) return NotFound(std::string("the ") + kind.singular + " is gone");
    return *existing;
  }
  auto id = patients::InsertRecord(w.conn(), patient_id, kind, std::move(fields), w.now());
  if (!id.ok()) return AtPath(id.status(), type, paths);
  return *id;
}

Result<std::optional<int64_t>> NoMatch(ResourceWriter&, const Json&) {
  return std::optional<int64_t>();
}

// Identifiers other than patients' (conditional references resolve by them).
Status KeepIdentifiers(ResourceWriter& w, const std::string& type, int64_t local_id,
                       const Json& r) {
  db::Connection& c = w.conn();
  CK_RETURN_IF_ERROR(c.Exec("DELETE FROM fhir_identifiers WHERE resource_type = ? AND local_id = ?",
                            {type, local_id})
                         .status());
  const Json& ids = Get(r, "identifier");
  if (!ids.is_array()) return Status::Ok();
  for (const Json& id : ids) {
    auto system = Str(id, "system"), value = Str(id, "value");
    if (!system || !value) continue;
    auto st = c.Exec(
        "INSERT INTO fhir_identifiers (resource_type, system, value, local_id) VALUES (?, ?, ?, ?)",
        {type, *system, *value, local_id});
    if (st.status().code() == ErrorCode::kAlreadyExists)
      return AlreadyExists("identifier " + *system + "|" + *value + " belongs to another " + type,
                           type + ".identifier");
    CK_RETURN_IF_ERROR(st.status());
  }
  return Status::Ok();
}

void Telecom(ResourceWriter& w, const Json& r, const std::string& type,
             std::vector<patients::Phone>* phones, std::optional<std::string>* first_phone,
             std::optional<std::string>* email) {
  const Json& telecom = Get(r, "telecom");
  if (!telecom.is_array()) return;
  for (const Json& t : telecom) {
    auto system = Str(t, "system"), value = Str(t, "value");
    if (!system || !value) continue;
    if (*system == "phone" || *system == "sms") {
      auto number = patients::NormalizePhone(*value, type + ".telecom");
      if (!number.ok()) {
        w.Warn(type + ".telecom", "phone number dropped: " + number.status().message());
        continue;
      }
      if (first_phone && !*first_phone) *first_phone = *number;
      if (phones && phones->size() < 10) {
        std::string use = Str(t, "use").value_or("home");
        if (use == "mobile" || *system == "sms")
          use = "mobile";
        else if (use != "home" && use != "work")
          use = "other";
        bool preferred = Get(t, "rank").is_number() && Get(t, "rank").get<int>() == 1;
        phones->push_back({*number, use, preferred});
      }
    } else if (*system == "email" && email && !*email) {
      if (patients::ValidateEmail(*value, "email").ok())
        *email = *value;
      else
        w.Warn(type + ".telecom", "e-mail address dropped: not an address");
    }
  }
}

// ---------------------------------------------------------------- Patient

std::string UsState(const std::string& s) {
  static const std::map<std::string, std::string> kStates = {
      {"alabama", "AL"},        {"alaska", "AK"},         {"arizona", "AZ"},
      {"arkansas", "AR"},       {"california", "CA"},     {"colorado", "CO"},
      {"connecticut", "CT"},    {"delaware", "DE"},       {"district of columbia", "DC"},
      {"florida", "FL"},        {"georgia", "GA"},        {"hawaii", "HI"},
      {"idaho", "ID"},          {"illinois", "IL"},       {"indiana", "IN"},
      {"iowa", "IA"},           {"kansas", "KS"},         {"kentucky", "KY"},
      {"louisiana", "LA"},      {"maine", "ME"},          {"maryland", "MD"},
      {"massachusetts", "MA"},  {"michigan", "MI"},       {"minnesota", "MN"},
      {"mississippi", "MS"},    {"missouri", "MO"},       {"montana", "MT"},
      {"nebraska", "NE"},       {"nevada", "NV"},         {"new hampshire", "NH"},
      {"new jersey", "NJ"},     {"new mexico", "NM"},     {"new york", "NY"},
      {"north carolina", "NC"}, {"north dakota", "ND"},   {"ohio", "OH"},
      {"oklahoma", "OK"},       {"oregon", "OR"},         {"pennsylvania", "PA"},
      {"rhode island", "RI"},   {"south carolina", "SC"}, {"south dakota", "SD"},
      {"tennessee", "TN"},      {"texas", "TX"},          {"utah", "UT"},
      {"vermont", "VT"},        {"virginia", "VA"},       {"washington", "WA"},
      {"west virginia", "WV"},  {"wisconsin", "WI"},      {"wyoming", "WY"},
      {"puerto rico", "PR"},    {"guam", "GU"},           {"virgin islands", "VI"}};
  std::string lower;
  for (char ch : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto it = kStates.find(lower);
  if (it != kStates.end()) return it->second;
  if (s.size() == 2)
    return std::string{static_cast<char>(std::toupper(s[0])),
                       static_cast<char>(std::toupper(s[1]))};
  return s;
}

const std::map<std::string, std::string>& PatientPaths() {
  static const std::map<std::string, std::string> paths = {
      {"given_name", "name.given"},
      {"family_name", "name.family"},
      {"middle_name", "name.given"},
      {"name_suffix", "name.suffix"},
      {"birth_date", "birthDate"},
      {"administrative_sex", "gender"},
      {"preferred_language", "communication.language"},
      {"races", "extension(us-core-race)"},
      {"ethnicity", "extension(us-core-ethnicity)"},
      {"address.line1", "address.line"},
      {"address.line2", "address.line"},
      {"address.city", "address.city"},
      {"address.state", "address.state"},
      {"address.postal_code", "address.postalCode"},
      {"address.country", "address.country"},
      {"email", "telecom"},
      {"phones", "telecom"},
      {"identifiers", "identifier"}};
  return paths;
}

Result<patients::NewPatient> PatientFromFhir(ResourceWriter& w, const Json& r) {
  patients::NewPatient p;
  const Json* name = nullptr;
  if (const Json& names = Get(r, "name"); names.is_array()) {
    for (const Json& n : names) {
      if (!name || Str(n, "use") == "official") name = &n;
      if (Str(n, "use") == "usual" && First(n, "given").is_string())
        p.preferred_name = First(n, "given").get<std::string>();
    }
  }
  if (!name) return InvalidArgument("is required", "Patient.name");
  const Json& given = Get(*name, "given");
  if (given.is_array() && !given.empty() && given[0].is_string()) {
    p.given_name = given[0].get<std::string>();
    std::string middle;
    for (size_t i = 1; i < given.size(); ++i)
      if (given[i].is_string()) middle += (middle.empty() ? "" : " ") + given[i].get<std::string>();
    if (!middle.empty()) p.middle_name = middle;
  }
  p.family_name = Str(*name, "family").value_or("");
  if (p.given_name.empty()) return InvalidArgument("is required", "Patient.name.given");
  if (p.family_name.empty()) return InvalidArgument("is required", "Patient.name.family");
  if (const Json& suffix = First(*name, "suffix"); suffix.is_string())
    p.name_suffix = suffix.get<std::string>();
  auto birth = Str(r, "birthDate");
  if (!birth) return InvalidArgument("is required", "Patient.birthDate");
  CK_ASSIGN_OR_RETURN(p.birth_date, ParseFhirDate(*birth, "Patient.birthDate"));
  p.administrative_sex = Str(r, "gender").value_or("unknown");

  if (const Json& ext = Get(r, "extension"); ext.is_array()) {
    for (const Json& e : ext) {
      auto url = Str(e, "url");
      bool race = url == std::string(kUsCoreRace), eth = url == std::string(kUsCoreEthnicity);
      if (!race && !eth) continue;
      const Json& parts = Get(e, "extension");
      if (!parts.is_array()) continue;
      for (const Json& part : parts) {
        if (Str(part, "url") != "ombCategory") continue;
        auto code = Str(Get(part, "valueCoding"), "code");
        if (!code) continue;
        auto value = race ? RaceFromOmb(*code) : EthnicityFromOmb(*code);
        if (!value)
          w.Warn("Patient.extension", "unknown OMB code " + *code + " dropped");
        else if (race && std::find(p.races.begin(), p.races.end(), *value) == p.races.end())
          p.races.push_back(*value);
        else if (eth)
          p.ethnicity = *value;
      }
    }
  }

  const Json* address = nullptr;
  if (const Json& list = Get(r, "address"); list.is_array()) {
    for (const Json& a : list)
      if (!address || Str(a, "use") == "home") address = &a;
  }
  if (address) {
    const Json& lines = Get(*address, "line");
    if (lines.is_array() && !lines.empty() && lines[0].is_string())
      p.address.line1 = lines[0].get<std::string>();
    if (lines.is_array() && lines.size() > 1 && lines[1].is_string())
      p.address.line2 = lines[1].get<std::string>();
    p.address.city = Str(*address, "city");
    p.address.postal_code = Str(*address, "postalCode");
    auto country = Str(*address, "country");
    if (country && (*country == "USA" || *country == "United States")) country = "US";
    p.address.country = country;
    if (auto state = Str(*address, "state")) p.address.state = UsState(*state);
  }
  Telecom(w, r, "Patient", &p.phones, nullptr, &p.email);
  if (const Json& comm = Get(r, "communication"); comm.is_array()) {
    for (const Json& c : comm) {
      auto tag = CodeOf(Get(c, "language"));
      if (!tag) continue;
      if (patients::ValidateLanguageTag(*tag, "language").ok()) {
        if (!p.preferred_language || Get(c, "preferred") == true) p.preferred_language = *tag;
      } else {
        w.Warn("Patient.communication.language", "not a BCP 47 language tag: dropped");
      }
    }
  }
  if (const Json& ids = Get(r, "identifier"); ids.is_array()) {
    for (const Json& id : ids) {
      auto system = Str(id, "system"), value = Str(id, "value");
      if (!system || !value) {
        w.Warn("Patient.identifier", "an identifier without system or value was dropped");
        continue;
      }
      patients::Identifier ident;
      ident.system = *system;
      ident.value = *value;
      ident.kind = IdentifierKindFromV2(
          CodeOf(Get(id, "type"), kIdentifierType).value_or(CodeOf(Get(id, "type")).value_or("")));
      if (!patients::ValidateIdentifier(ident, "identifier").ok()) {
        w.Warn("Patient.identifier", "identifier " + *system + " dropped: not valid");
        continue;
      }
      bool seen = std::any_of(p.identifiers.begin(), p.identifiers.end(),
                              [&](const patients::Identifier& x) {
                                return x.system == ident.system && x.value == ident.value;
                              });
      if (!seen && p.identifiers.size() < 20) p.identifiers.push_back(ident);
    }
  }
  CK_RETURN_IF_ERROR(
      AtPath(patients::ValidateDemographics(p, DateOf(w.now())), "Patient", PatientPaths()));
  return p;
}

Result<int64_t> Survivor(db::Connection& c, int64_t patient_id) {
  for (int hops = 0; hops < 10; ++hops) {
    CK_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT merged_into_id FROM patients WHERE id = ?", {patient_id}));
    if (rows.empty() || rows.at(0).IsNull(0)) return patient_id;
    patient_id = rows.at(0).Int(0);
  }
  return patient_id;
}

Result<std::optional<int64_t>> MatchPatient(ResourceWriter& w, const Json& r) {
  std::set<int64_t> found;
  if (const Json& ids = Get(r, "identifier"); ids.is_array()) {
    for (const Json& id : ids) {
      auto system = Str(id, "system"), value = Str(id, "value");
      if (!system || !value) continue;
      CK_ASSIGN_OR_RETURN(auto rows, w.conn().Query("SELECT patient_id FROM patient_identifiers "
                                                    "WHERE system = ? AND value = ?",
                                                    {*system, *value}));
      for (const db::Row& row : rows) {
        CK_ASSIGN_OR_RETURN(int64_t p, Survivor(w.conn(), row.Int(0)));
        found.insert(p);
      }
    }
  }
  if (found.size() > 1)
    return AlreadyExists(
        "the identifiers belong to " + std::to_string(found.size()) + " different patients",
        "Patient.identifier");
  if (found.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(*found.begin());
}

Result<Written> WritePatient(ResourceWriter& w, const Json& r, std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(patients::NewPatient p, PatientFromFhir(w, r));
  db::Connection& c = w.conn();
  if (!existing) {
    auto made = patients::InsertPatient(c, p, w.now());
    if (!made.ok()) return AtPath(made.status(), "Patient", PatientPaths());
    return Written{made->id, made->id};
  }
  CK_ASSIGN_OR_RETURN(int64_t id, Survivor(c, *existing));
  CK_ASSIGN_OR_RETURN(patients::Patient current, patients::GetPatient(c, id));
  auto updated = patients::UpdatePatient(c, id, current.version, p, w.now());
  if (!updated.ok()) return AtPath(updated.status(), "Patient", PatientPaths());
  for (const patients::Identifier& ident : p.identifiers) {
    bool have = std::any_of(current.identifiers.begin(), current.identifiers.end(),
                            [&](const patients::Identifier& x) {
                              return x.system == ident.system && x.value == ident.value;
                            });
    if (have) continue;
    auto added = patients::InsertIdentifier(c, id, ident, w.now());
    if (!added.ok()) return AtPath(added.status(), "Patient", PatientPaths());
  }
  return Written{id, id};
}

// ------------------------------------------------ Practitioner, Organization

Result<Written> WriteDirectoryEntry(ResourceWriter& w, const Json& r,
                                    std::optional<int64_t> existing, const std::string& type,
                                    const std::string& kind, const std::string& name,
                                    std::optional<std::string> role) {
  std::optional<std::string> phone, email;
  Telecom(w, r, type, nullptr, &phone, &email);
  bool active = !Get(r, "active").is_boolean() || Get(r, "active").get<bool>();
  std::string clipped = *Clip(name, 200);
  CK_ASSIGN_OR_RETURN(int64_t id, Upsert(w.conn(), "directory_entries", existing,
                                         {{"kind", kind},
                                          {"name", clipped},
                                          {"name_key", patients::SearchKey(clipped)},
                                          {"role", Clip(role, 200)},
                                          {"phone", phone},
                                          {"email", email},
                                          {"active", active}},
                                         w.now()));
  CK_RETURN_IF_ERROR(KeepIdentifiers(w, type, id, r));
  return Written{id, std::nullopt, true};
}

std::string HumanName(const Json& n) {
  if (auto text = Str(n, "text")) return *text;
  std::string out;
  auto add = [&](const Json& parts) {
    if (parts.is_string()) parts.get<std::string>();
    if (!parts.is_array()) return;
    for (const Json& p : parts)
      if (p.is_string()) out += (out.empty() ? "" : " ") + p.get<std::string>();
  };
  add(Get(n, "prefix"));
  add(Get(n, "given"));
  if (auto family = Str(n, "family")) out += (out.empty() ? "" : " ") + *family;
  add(Get(n, "suffix"));
  return out;
}

Result<Written> WritePractitioner(ResourceWriter& w, const Json& r,
                                  std::optional<int64_t> existing) {
  std::string name = HumanName(First(r, "name"));
  if (name.empty()) return InvalidArgument("is required", "Practitioner.name");
  auto role = ConceptText(Get(First(r, "qualification"), "code"));
  return WriteDirectoryEntry(w, r, existing, "Practitioner", "provider", name, role);
}

Result<Written> WriteOrganization(ResourceWriter& w, const Json& r,
                                  std::optional<int64_t> existing) {
  auto name = Str(r, "name");
  if (!name) return InvalidArgument("is required", "Organization.name");
  std::string kind = "other";
  if (auto code = CodeOf(First(r, "type"))) {
    if (*code == "prov" || *code == "dept") kind = "facility";
    if (*code == "ins" || *code == "pay") kind = "insurer";
    if (*code == "cg" || *code == "govt" || *code == "crs" || *code == "team") kind = "agency";
  }
  return WriteDirectoryEntry(w, r, existing, "Organization", kind, *name, std::nullopt);
}

// ---------------------------------------------------------------- Encounter

// ICD-10-CM codes of concepts (SNOMED CT through the curated map), distinct.
std::string Icd10List(const Json& concepts) {
  std::vector<std::string> codes;
  if (!concepts.is_array()) return "";
  for (const Json& c : concepts) {
    std::optional<std::string> code = CodeOf(c, kIcd10Cm);
    if (!code) code = CodeOf(c, kIcd10);
    if (!code) {
      if (auto snomed = CodeOf(c, kSnomed)) code = SnomedToIcd10(*snomed);
    }
    if (!code || !patients::NormalizeIcd10(*code, "x").ok()) continue;
    std::string dotted = *patients::NormalizeIcd10(*code, "x");
    if (std::find(codes.begin(), codes.end(), dotted) == codes.end() && codes.size() < 25)
      codes.push_back(dotted);
  }
  std::string out;
  for (const std::string& c : codes) out += (out.empty() ? "" : ",") + c;
  return out;
}

Result<Written> WriteEncounter(ResourceWriter& w, const Json& r, std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "subject", "Encounter"));
  Fields f;
  auto cls = Str(Get(r, "class"), "code");
  if (!cls) return InvalidArgument("is required", "Encounter.class");
  auto encounter_class = EncounterClassFromActCode(*cls);
  if (!encounter_class)
    return InvalidArgument("must be an ActCode encounter class such as IMP, EMER, AMB, OBSENC",
                           "Encounter.class");
  f["encounter_class"] = *encounter_class;
  const Json& period = Get(r, "period");
  CK_ASSIGN_OR_RETURN(auto start, TimeOf(Get(period, "start"), "Encounter.period.start"));
  if (!start) return InvalidArgument("is required", "Encounter.period.start");
  CK_ASSIGN_OR_RETURN(auto end, TimeOf(Get(period, "end"), "Encounter.period.end"));
  f["admitted_at"] = *start;
  f["discharged_at"] = end;
  CK_ASSIGN_OR_RETURN(auto facility, DirectoryName(w, Get(r, "serviceProvider"), "Organization",
                                                   "Encounter.serviceProvider"));
  f["facility"] = Clip(facility, 200).value_or("unspecified");
  if (const Json& ids = Get(r, "identifier"); ids.is_array()) {
    for (const Json& id : ids) {
      if (CodeOf(Get(id, "type")) == "VN" || Str(id, "system") == std::string(kVisitNumberSystem))
        f["visit_number"] = Clip(Str(id, "value"), 64);
    }
  }
  if (auto priority = CodeOf(Get(r, "priority")))
    f["admission_type"] = AdmissionTypeFromPriority(*priority);
  const Json& hosp = Get(r, "hospitalization");
  if (auto disposition = CodeOf(Get(hosp, "dischargeDisposition")))
    f["discharge_disposition"] = DispositionFromFhir(*disposition).value_or("other");
  std::string diagnoses = Icd10List(Get(r, "reasonCode"));
  if (!diagnoses.empty()) f["diagnoses"] = diagnoses;
  f["status"] = EncounterStatusFromFhir(Str(r, "status").value_or("unknown"), end.has_value());
  CK_ASSIGN_OR_RETURN(
      int64_t id, UpsertRecord(w, "encounters", patient, existing, std::move(f), "Encounter",
                               {{"encounter_class", "class"},
                                {"admitted_at", "period.start"},
                                {"discharged_at", "period.end"},
                                {"facility", "serviceProvider"},
                                {"visit_number", "identifier"},
                                {"admission_type", "priority"},
                                {"discharge_disposition", "hospitalization.dischargeDisposition"},
                                {"diagnoses", "reasonCode"}}));
  auto location = Clip(Str(Get(First(r, "location"), "location"), "display"), 200);
  auto admit_source = Clip(CodeOf(Get(hosp, "admitSource")), 20);
  CK_RETURN_IF_ERROR(w.conn()
                         .Exec("UPDATE encounters SET location = ?, admit_source = ? WHERE id = ?",
                               {location, admit_source, id})
                         .status());
  return Written{id, patient};
}

// ---------------------------------------------------------------- Condition

Result<Written> WriteCondition(ResourceWriter& w, const Json& r, std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "subject", "Condition"));
  CK_ASSIGN_OR_RETURN(auto encounter, EncounterOf(w, r, "Condition"));
  const Json& code = Get(r, "code");
  Fields f;
  std::optional<std::string> icd = CodeOf(code, kIcd10Cm);
  if (!icd) icd = CodeOf(code, kIcd10);
  std::optional<std::string> snomed = CodeOf(code, kSnomed);
  if (!icd && snomed) icd = SnomedToIcd10(*snomed);
  if (icd) {
    f["code"] = *icd;
    f["code_system"] = "icd10cm";
  } else if (snomed) {
    f["code"] = *snomed;
    f["code_system"] = "snomed";
  } else {
    return InvalidArgument("needs an ICD-10-CM or SNOMED CT coding", "Condition.code");
  }
  if (snomed) f["snomed_code"] = *snomed;
  f["description"] = Clip(ConceptText(code), 300);
  std::string status = CodeOf(Get(r, "clinicalStatus")).value_or("");
  const std::string verification = CodeOf(Get(r, "verificationStatus")).value_or("");
  CK_ASSIGN_OR_RETURN(auto onset, DateAt(r, "onsetDateTime", "Condition.onsetDateTime"));
  if (!onset) {
    CK_ASSIGN_OR_RETURN(onset,
                        DateAt(Get(r, "onsetPeriod"), "start", "Condition.onsetPeriod.start"));
  }
  CK_ASSIGN_OR_RETURN(auto abated, DateAt(r, "abatementDateTime", "Condition.abatementDateTime"));
  if (!abated) {
    CK_ASSIGN_OR_RETURN(abated,
                        DateAt(Get(r, "abatementPeriod"), "end", "Condition.abatementPeriod.end"));
  }
  if (status.empty()) status = abated ? "resolved" : "active";
  if (verification == "entered-in-error") status = "entered_in_error";
  if (verification == "refuted") {
    w.Warn("Condition.verificationStatus", "a refuted condition is kept as entered_in_error");
    status = "entered_in_error";
  }
  f["status"] = status;
  f["onset_date"] = onset;
  f["resolved_date"] = abated;
  f["source"] = "fhir";
  CK_ASSIGN_OR_RETURN(int64_t id,
                      UpsertRecord(w, "conditions", patient, existing, std::move(f), "Condition",
                                   {{"code", "code"},
                                    {"snomed_code", "code"},
                                    {"status", "clinicalStatus"},
                                    {"onset_date", "onsetDateTime"},
                                    {"resolved_date", "abatementDateTime"}}));
  CK_RETURN_IF_ERROR(
      w.conn()
          .Exec("UPDATE conditions SET encounter_id = ? WHERE id = ?", {encounter, id})
          .status());
  return Written{id, patient};
}

// ------------------------------------------------------ Observation, Procedure

std::pair<std::string, std::string> SystemAndCode(const Json& codeable,
                                                  std::string_view preferred) {
  const Json* c = FindCoding(codeable, preferred);
  if (!c) c = FindCoding(codeable);
  if (!c) return {};
  return {Str(*c, "system").value_or(""), Str(*c, "code").value_or("")};
}

struct Value {
  std::optional<double> number;
  std::optional<std::string> unit, code, text;
};

Value ValueOf(const Json& r) {
  Value v;
  if (const Json& q = Get(r, "valueQuantity"); q.is_object()) {
    if (Get(q, "value").is_number()) v.number = Get(q, "value").get<double>();
    v.unit = Str(q, "unit");
    if (!v.unit) v.unit = Str(q, "code");
  } else if (const Json& cc = Get(r, "valueCodeableConcept"); cc.is_object()) {
    v.code = CodeOf(cc);
    v.text = ConceptText(cc);
  } else if (Get(r, "valueString").is_string()) {
    v.text = Get(r, "valueString").get<std::string>();
  } else if (Get(r, "valueBoolean").is_boolean()) {
    v.text = Get(r, "valueBoolean").get<bool>() ? "true" : "false";
  } else if (Get(r, "valueInteger").is_number()) {
    v.number = Get(r, "valueInteger").get<double>();
  }
  v.unit = Clip(v.unit, 50);
  v.code = Clip(v.code, 64);
  v.text = Clip(v.text, 1000);
  return v;
}

Result<Written> WriteObservation(ResourceWriter& w, const Json& r,
                                 std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "subject", "Observation"));
  CK_ASSIGN_OR_RETURN(auto encounter, EncounterOf(w, r, "Observation"));
  auto [system, code] = SystemAndCode(Get(r, "code"), kLoinc);
  if (code.empty()) return InvalidArgument("needs a coding with a code", "Observation.code");
  std::optional<Timestamp> effective;
  CK_ASSIGN_OR_RETURN(effective,
                      TimeOf(Get(r, "effectiveDateTime"), "Observation.effectiveDateTime"));
  if (!effective) {
    CK_ASSIGN_OR_RETURN(effective, TimeOf(Get(Get(r, "effectivePeriod"), "start"),
                                          "Observation.effectivePeriod.start"));
  }
  if (!effective) {
    CK_ASSIGN_OR_RETURN(effective,
                        TimeOf(Get(r, "effectiveInstant"), "Observation.effectiveInstant"));
  }
  if (!effective) {
    CK_ASSIGN_OR_RETURN(effective, TimeOf(Get(r, "issued"), "Observation.issued"));
  }
  Value v = ValueOf(r);
  std::optional<std::string> components;
  if (const Json& list = Get(r, "component"); list.is_array() && !list.empty()) {
    Json out = Json::array();
    for (const Json& comp : list) {
      Value cv = ValueOf(comp);
      auto [csys, ccode] = SystemAndCode(Get(comp, "code"), kLoinc);
      Json item = {{"system", csys}, {"code", ccode}};
      if (auto d = ConceptText(Get(comp, "code"))) item["display"] = *d;
      if (cv.number) item["value"] = *cv.number;
      if (cv.unit) item["unit"] = *cv.unit;
      if (cv.code) item["value_code"] = *cv.code;
      if (cv.text) item["value_text"] = *cv.text;
      out.push_back(std::move(item));
    }
    components = out.dump();
  }
  std::optional<std::string> category = CodeOf(First(r, "category"));
  CK_ASSIGN_OR_RETURN(
      int64_t id,
      Upsert(w.conn(), "observations", existing,
             {{"patient_id", patient},
              {"encounter_id", encounter},
              {"category", Clip(category, 50)},
              {"code_system", *Clip(system.empty() ? std::optional<std::string>("unknown")
                                                   : std::optional<std::string>(system),
                                    200)},
              {"code", *Clip(code, 64)},
              {"display", Clip(ConceptText(Get(r, "code")), 300)},
              {"status", *Clip(Str(r, "status").value_or("final"), 20)},
              {"effective_at", effective},
              {"value_number", v.number},
              {"value_unit", v.unit},
              {"value_code", v.code},
              {"value_text", v.text},
              {"components", components}},
             w.now()));
  return Written{id, patient};
}

Result<Written> WriteProcedure(ResourceWriter& w, const Json& r, std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "subject", "Procedure"));
  CK_ASSIGN_OR_RETURN(auto encounter, EncounterOf(w, r, "Procedure"));
  auto [system, code] = SystemAndCode(Get(r, "code"), kSnomed);
  if (code.empty()) return InvalidArgument("needs a coding with a code", "Procedure.code");
  std::optional<Timestamp> start, end;
  CK_ASSIGN_OR_RETURN(start, TimeOf(Get(r, "performedDateTime"), "Procedure.performedDateTime"));
  if (!start) {
    const Json& period = Get(r, "performedPeriod");
    CK_ASSIGN_OR_RETURN(start, TimeOf(Get(period, "start"), "Procedure.performedPeriod.start"));
    CK_ASSIGN_OR_RETURN(end, TimeOf(Get(period, "end"), "Procedure.performedPeriod.end"));
  }
  CK_ASSIGN_OR_RETURN(int64_t id,
                      Upsert(w.conn(), "procedures", existing,
                             {{"patient_id", patient},
                              {"encounter_id", encounter},
                              {"code_system", system.empty() ? std::string("unknown") : system},
                              {"code", *Clip(code, 64)},
                              {"display", Clip(ConceptText(Get(r, "code")), 300)},
                              {"status", *Clip(Str(r, "status").value_or("completed"), 20)},
                              {"performed_start", start},
                              {"performed_end", end}},
                             w.now()));
  return Written{id, patient};
}

// ----------------------------------------------------------------- Medications

std::string Frequency(const Json& dosage) {
  const Json& repeat = Get(Get(dosage, "timing"), "repeat");
  if (Get(dosage, "asNeededBoolean") == true) return "as needed";
  if (!repeat.is_object() || !Get(repeat, "frequency").is_number()) return "";
  std::string out = std::to_string(Get(repeat, "frequency").get<int>()) + " per ";
  if (Get(repeat, "period").is_number()) {
    double period = Get(repeat, "period").get<double>();
    out += period == static_cast<int>(period) ? std::to_string(static_cast<int>(period))
                                              : std::to_string(period);
  } else {
    out += "1";
  }
  return out + " " + Str(repeat, "periodUnit").value_or("d");
}

Result<Written> WriteMedication(ResourceWriter& w, const Json& r, std::optional<int64_t> existing,
                                const std::string& type) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "subject", type));
  Fields f;
  const Json& codeable = Get(r, "medicationCodeableConcept");
  auto name = ConceptText(codeable);
  if (!name) name = Str(Get(r, "medicationReference"), "display");
  if (!name) return InvalidArgument("needs a medication name", type + ".medication[x]");
  f["name"] = Clip(name, 200);
  if (auto rxnorm = CodeOf(codeable, kRxNorm)) {
    if (rxnorm->size() <= 12 && std::all_of(rxnorm->begin(), rxnorm->end(), ::isdigit))
      f["code"] = *rxnorm;
  }
  f["status"] = MedicationStatusFromFhir(Str(r, "status").value_or("unknown"));
  const Json& dosage =
      type == "MedicationRequest" ? First(r, "dosageInstruction") : First(r, "dosage");
  if (dosage.is_object()) {
    const Json& dose = Get(First(dosage, "doseAndRate"), "doseQuantity");
    if (Get(dose, "value").is_number()) {
      double value = Get(dose, "value").get<double>();
      std::string text = value == static_cast<int64_t>(value)
                             ? std::to_string(static_cast<int64_t>(value))
                             : std::to_string(value);
      if (auto unit = Str(dose, "unit")) text += " " + *unit;
      f["dose"] = Clip(text, 100);
    } else if (auto text = Str(dosage, "text")) {
      f["dose"] = Clip(text, 100);
    }
    std::string freq = Frequency(dosage);
    if (freq.empty()) freq = Str(Get(Get(dosage, "timing"), "code"), "text").value_or("");
    if (!freq.empty()) f["frequency"] = Clip(freq, 100);
    if (auto route = ConceptText(Get(dosage, "route"))) {
      std::string lower;
      for (char ch : *route)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      static const std::set<std::string> kRoutes = {
          "oral", "sublingual",   "topical",       "transdermal", "inhaled", "nasal",  "ophthalmic",
          "otic", "subcutaneous", "intramuscular", "intravenous", "rectal",  "vaginal"};
      f["route"] = kRoutes.count(lower) ? lower : "other";
    }
  }
  if (type == "MedicationRequest") {
    CK_ASSIGN_OR_RETURN(auto prescriber, DirectoryName(w, Get(r, "requester"), "Practitioner",
                                                       "MedicationRequest.requester"));
    f["prescriber"] = Clip(prescriber, 200);
    CK_ASSIGN_OR_RETURN(auto start, DateAt(r, "authoredOn", "MedicationRequest.authoredOn"));
    f["start_date"] = start;
  } else {
    CK_ASSIGN_OR_RETURN(auto start, DateAt(r, "effectiveDateTime", type + ".effectiveDateTime"));
    const Json& period = Get(r, "effectivePeriod");
    if (!start) {
      CK_ASSIGN_OR_RETURN(start, DateAt(period, "start", type + ".effectivePeriod.start"));
    }
    CK_ASSIGN_OR_RETURN(auto stop, DateAt(period, "end", type + ".effectivePeriod.end"));
    f["start_date"] = start;
    f["stop_date"] = stop;
  }
  CK_ASSIGN_OR_RETURN(int64_t id,
                      UpsertRecord(w, "medications", patient, existing, std::move(f), type,
                                   {{"name", "medication[x]"},
                                    {"start_date", "authoredOn"},
                                    {"stop_date", "effectivePeriod.end"}}));
  return Written{id, patient};
}

Result<Written> WriteMedicationRequest(ResourceWriter& w, const Json& r,
                                       std::optional<int64_t> existing) {
  return WriteMedication(w, r, existing, "MedicationRequest");
}
Result<Written> WriteMedicationStatement(ResourceWriter& w, const Json& r,
                                         std::optional<int64_t> existing) {
  return WriteMedication(w, r, existing, "MedicationStatement");
}

// ----------------------------------------------------------- AllergyIntolerance

Result<Written> WriteAllergy(ResourceWriter& w, const Json& r, std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "patient", "AllergyIntolerance"));
  Fields f;
  auto substance = ConceptText(Get(r, "code"));
  if (!substance) return InvalidArgument("is required", "AllergyIntolerance.code");
  f["substance"] = Clip(substance, 200);
  const Json& reaction = First(r, "reaction");
  f["reaction"] = Clip(ConceptText(First(reaction, "manifestation")), 200);
  if (auto severity = Str(reaction, "severity")) f["severity"] = *severity;
  std::string status = CodeOf(Get(r, "clinicalStatus")).value_or("active");
  if (CodeOf(Get(r, "verificationStatus")) == "entered-in-error") status = "entered_in_error";
  f["status"] = status;
  CK_ASSIGN_OR_RETURN(int64_t id, UpsertRecord(w, "allergies", patient, existing, std::move(f),
                                               "AllergyIntolerance",
                                               {{"substance", "code"},
                                                {"reaction", "reaction.manifestation"},
                                                {"severity", "reaction.severity"},
                                                {"status", "clinicalStatus"}}));
  return Written{id, patient};
}

// ---------------------------------------------------------------- Coverage

Result<Written> WriteCoverage(ResourceWriter& w, const Json& r, std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "beneficiary", "Coverage"));
  Fields f;
  CK_ASSIGN_OR_RETURN(auto payer, DirectoryName(w, First(r, "payor"), "", "Coverage.payor"));
  if (!payer)
    return InvalidArgument("is required (an Organization or a display)", "Coverage.payor");
  f["payer"] = Clip(payer, 200);
  if (const Json& classes = Get(r, "class"); classes.is_array()) {
    for (const Json& c : classes) {
      auto kind = CodeOf(Get(c, "type"));
      if (kind == "plan") f["plan"] = Clip(Str(c, "name") ? Str(c, "name") : Str(c, "value"), 200);
      if (kind == "group") f["group_number"] = Clip(Str(c, "value"), 64);
    }
  }
  auto payment = CodeOf(Get(r, "type"), kPaymentTypology);
  f["product_type"] = payment ? ProductTypeFromPayment(*payment) : "other";
  auto member = Str(r, "subscriberId");
  if (!member) member = Str(First(r, "identifier"), "value");
  if (!member) return InvalidArgument("is required", "Coverage.subscriberId");
  f["member_id"] = Clip(member, 64);
  const Json& period = Get(r, "period");
  CK_ASSIGN_OR_RETURN(auto from, DateAt(period, "start", "Coverage.period.start"));
  if (!from) return InvalidArgument("is required", "Coverage.period.start");
  CK_ASSIGN_OR_RETURN(auto to, DateAt(period, "end", "Coverage.period.end"));
  f["effective_from"] = from;
  f["effective_to"] = to;
  int order = Get(r, "order").is_number_integer() ? Get(r, "order").get<int>() : 1;
  f["priority"] = order == 2 ? "secondary" : order >= 3 ? "tertiary" : "primary";
  std::string status = Str(r, "status").value_or("active");
  f["status"] = status == "cancelled"          ? "cancelled"
                : status == "entered-in-error" ? "entered_in_error"
                                               : "active";
  CK_ASSIGN_OR_RETURN(int64_t id,
                      UpsertRecord(w, "coverages", patient, existing, std::move(f), "Coverage",
                                   {{"payer", "payor"},
                                    {"member_id", "subscriberId"},
                                    {"effective_from", "period.start"},
                                    {"effective_to", "period.end"},
                                    {"priority", "order"}}));
  return Written{id, patient};
}

// ------------------------------------------------------------- CarePlan, Goal

Result<std::optional<std::string>> Addresses(ResourceWriter& w, const Json& r,
                                             const std::string& type) {
  const Json& list = Get(r, "addresses");
  if (!list.is_array() || list.empty()) return std::optional<std::string>();
  Json ids = Json::array();
  for (const Json& ref : list) {
    CK_ASSIGN_OR_RETURN(auto t, w.Resolve(ref, "Condition", type + ".addresses", false));
    if (t) ids.push_back(t->local_id);
  }
  return std::optional<std::string>(ids.dump());
}

Result<Written> WriteCarePlan(ResourceWriter& w, const Json& r, std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "subject", "CarePlan"));
  CK_ASSIGN_OR_RETURN(auto encounter, EncounterOf(w, r, "CarePlan"));
  auto status = Str(r, "status");
  if (!status) return InvalidArgument("is required", "CarePlan.status");
  std::optional<std::string> title = Str(r, "title"), category;
  if (const Json& cats = Get(r, "category"); cats.is_array() && !cats.empty()) {
    category = CodeOf(cats.back());
    if (!title) title = ConceptText(cats.back());
  }
  Json activities = Json::array();
  if (const Json& list = Get(r, "activity"); list.is_array()) {
    for (const Json& a : list) {
      const Json& detail = Get(a, "detail");
      Json item = Json::object();
      if (auto code = CodeOf(Get(detail, "code"))) item["code"] = *code;
      if (auto d = ConceptText(Get(detail, "code"))) item["display"] = *d;
      if (auto s = Str(detail, "status")) item["status"] = *s;
      if (!item.empty()) activities.push_back(std::move(item));
    }
  }
  const Json& period = Get(r, "period");
  CK_ASSIGN_OR_RETURN(auto start, DateAt(period, "start", "CarePlan.period.start"));
  CK_ASSIGN_OR_RETURN(auto end, DateAt(period, "end", "CarePlan.period.end"));
  CK_ASSIGN_OR_RETURN(auto addresses, Addresses(w, r, "CarePlan"));
  CK_ASSIGN_OR_RETURN(
      int64_t id,
      Upsert(w.conn(), "external_care_plans", existing,
             {{"patient_id", patient},
              {"encounter_id", encounter},
              {"status", *Clip(status, 20)},
              {"intent", *Clip(Str(r, "intent").value_or("plan"), 20)},
              {"title", Clip(title, 300)},
              {"category_code", Clip(category, 64)},
              {"period_start", start},
              {"period_end", end},
              {"activities", activities.empty() ? db::Value() : db::Value(activities.dump())},
              {"addresses", addresses}},
             w.now()));
  return Written{id, patient};
}

Result<Written> WriteGoal(ResourceWriter& w, const Json& r, std::optional<int64_t> existing) {
  CK_ASSIGN_OR_RETURN(int64_t patient, PatientOf(w, r, "subject", "Goal"));
  auto lifecycle = Str(r, "lifecycleStatus");
  if (!lifecycle) return InvalidArgument("is required", "Goal.lifecycleStatus");
  auto description = ConceptText(Get(r, "description"));
  if (!description) return InvalidArgument("is required", "Goal.description");
  const Json& target = First(r, "target");
  std::optional<std::string> value;
  if (const Json& q = Get(target, "detailQuantity"); q.is_object() && Get(q, "value").is_number()) {
    value = Get(q, "value").dump() + (Str(q, "unit") ? " " + *Str(q, "unit") : "");
  } else if (const Json& range = Get(target, "detailRange"); range.is_object()) {
    value = Get(Get(range, "low"), "value").dump() + "-" + Get(Get(range, "high"), "value").dump();
  } else if (auto s = Str(target, "detailString")) {
    value = s;
  } else if (auto cc = ConceptText(Get(target, "detailCodeableConcept"))) {
    value = cc;
  }
  CK_ASSIGN_OR_RETURN(auto start, DateAt(r, "startDate", "Goal.startDate"));
  CK_ASSIGN_OR_RETURN(auto due, DateAt(target, "dueDate", "Goal.target.dueDate"));
  CK_ASSIGN_OR_RETURN(auto addresses, Addresses(w, r, "Goal"));
  CK_ASSIGN_OR_RETURN(int64_t id,
                      Upsert(w.conn(), "external_goals", existing,
                             {{"patient_id", patient},
                              {"lifecycle_status", *Clip(lifecycle, 20)},
                              {"achievement_status", Clip(CodeOf(Get(r, "achievementStatus")), 30)},
                              {"description", *Clip(description, 500)},
                              {"start_date", start},
                              {"target_measure", Clip(ConceptText(Get(target, "measure")), 300)},
                              {"target_value", Clip(value, 100)},
                              {"target_due_date", due},
                              {"addresses", addresses}},
                             w.now()));
  return Written{id, patient};
}

const ResourceMapping kMappings[] = {
    {"Patient", "patients", MatchPatient, WritePatient},
    {"Practitioner", "directory_entries", NoMatch, WritePractitioner},
    {"Organization", "directory_entries", NoMatch, WriteOrganization},
    {"Encounter", "encounters", NoMatch, WriteEncounter},
    {"Condition", "conditions", NoMatch, WriteCondition},
    {"Observation", "observations", NoMatch, WriteObservation},
    {"Procedure", "procedures", NoMatch, WriteProcedure},
    {"MedicationRequest", "medications", NoMatch, WriteMedicationRequest},
    {"MedicationStatement", "medications", NoMatch, WriteMedicationStatement},
    {"AllergyIntolerance", "allergies", NoMatch, WriteAllergy},
    {"Coverage", "coverages", NoMatch, WriteCoverage},
    {"CarePlan", "external_care_plans", NoMatch, WriteCarePlan},
    {"Goal", "external_goals", NoMatch, WriteGoal},
};

}  // namespace

const ResourceMapping* FindMapping(std::string_view type) {
  for (const ResourceMapping& m : kMappings)
    if (type == m.type) return &m;
  return nullptr;
}

Result<std::optional<int>> RowVersion(db::Connection& c, const ResourceMapping& m, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows, c.Query(std::string("SELECT version FROM ") + m.table + " WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<int>();
  return std::optional<int>(static_cast<int>(rows.at(0).Int(0)));
}

Result<std::optional<Target>> ResolveStored(ResourceWriter& w, const std::string& reference,
                                            bool native_ids, const std::string& field) {
  db::Connection& c = w.conn();
  size_t q = reference.find('?');
  if (q != std::string::npos) {
    std::string type = reference.substr(0, q), query = reference.substr(q + 1);
    if (query.rfind("identifier=", 0) != 0)
      return InvalidArgument("conditional references must search by identifier", field);
    std::string token = query.substr(11);
    size_t bar = token.find('|');
    if (bar == std::string::npos)
      return InvalidArgument("conditional references need identifier=system|value", field);
    std::string system = token.substr(0, bar), value = token.substr(bar + 1);
    db::Rows rows;
    if (type == "Patient") {
      CK_ASSIGN_OR_RETURN(rows, c.Query("SELECT patient_id FROM patient_identifiers WHERE system = "
                                        "? AND value = ?",
                                        {system, value}));
    } else {
      CK_ASSIGN_OR_RETURN(rows, c.Query("SELECT local_id FROM fhir_identifiers WHERE resource_type "
                                        "= ? AND system = ? AND value = ?",
                                        {type, system, value}));
    }
    if (rows.empty()) return std::optional<Target>();
    int64_t id = rows.at(0).Int(0);
    if (type == "Patient") {
      CK_ASSIGN_OR_RETURN(id, Survivor(c, id));
    }
    return std::optional<Target>(Target{type, id});
  }
  // "Type/id", "Type/id/_history/n", or an absolute URL ending so.
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= reference.size()) {
    size_t slash = reference.find('/', start);
    if (slash == std::string::npos) slash = reference.size();
    parts.push_back(reference.substr(start, slash - start));
    start = slash + 1;
  }
  if (parts.size() >= 4 && parts[parts.size() - 2] == "_history") parts.resize(parts.size() - 2);
  if (parts.size() < 2) return std::optional<Target>();
  std::string type = parts[parts.size() - 2], id = parts.back();
  const ResourceMapping* m = FindMapping(type);
  if (!m) return std::optional<Target>();
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT local_id FROM fhir_resources WHERE resource_type "
                                         "= ? AND fhir_id = ?",
                                         {type, id}));
  std::optional<int64_t> local;
  if (!rows.empty()) {
    local = rows.at(0).Int(0);
  } else if (native_ids && !id.empty() && id.size() < 19 &&
             std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    CK_ASSIGN_OR_RETURN(auto version, RowVersion(c, *m, std::stoll(id)));
    if (version) local = std::stoll(id);
  }
  if (!local) return std::optional<Target>();
  if (type == "Patient") {
    CK_ASSIGN_OR_RETURN(local, Survivor(c, *local));
  }
  return std::optional<Target>(Target{type, *local});
}

Result<std::string> InstallationSourceIfAny(db::Connection& c) {
  CK_ASSIGN_OR_RETURN(
      auto rows, c.Query("SELECT value FROM installation_settings WHERE name = 'fhir_source'"));
  return rows.empty() ? std::string() : rows.at(0).Text(0);
}

Result<std::string> InstallationSource(db::Connection& c) {
  CK_ASSIGN_OR_RETURN(
      auto rows, c.Query("SELECT value FROM installation_settings WHERE name = 'fhir_source'"));
  if (!rows.empty()) return rows.at(0).Text(0);
  std::string source = "urn:casekeeper:" + auth::RandomToken(12);
  CK_RETURN_IF_ERROR(
      c.Exec("INSERT INTO installation_settings (name, value) VALUES ('fhir_source', ?)", {source})
          .status());
  return source;
}

Json OperationOutcome(const std::string& field, const std::string& message,
                      const std::string& code) {
  Json issue = {{"severity", "error"}, {"code", code}, {"diagnostics", message}};
  if (!field.empty()) issue["expression"] = Json::array({field});
  return {{"resourceType", "OperationOutcome"}, {"issue", Json::array({issue})}};
}

}  // namespace ck::fhir
