#include "interop/fhir/exporter.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include "interop/fhir/codes.h"
#include "interop/fhir/resources.h"

namespace ck::fhir {
namespace {

namespace fs = std::filesystem;

using IdMap = std::unordered_map<int64_t, std::string>;

bool IsDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string Filter::Sql(bool has_where) const {
  std::string out;
  if (!where.empty()) out += (has_where ? " AND " : " WHERE ") + where;
  out += " ORDER BY id";
  if (limit > 0) out += " LIMIT " + std::to_string(limit);
  if (limit > 0 && offset > 0) out += " OFFSET " + std::to_string(offset);
  return out;
}

// The ids rows were imported under, and the meta every resource carries. An
// export loads all of them first (LoadAll); an API request looks them up as
// rows need them (`lazy`).
struct RenderContext {
  db::Connection* lazy = nullptr;
  std::string source;
  Timestamp now = 0;                 // for what depends on today (consent expiry)
  std::map<std::string, IdMap> ids;  // by FHIR type: local id → imported id
  std::map<std::string, std::unordered_map<int64_t, Json>> identifiers;  // non-patient types
  std::set<std::pair<std::string, int64_t>> looked_up;
  Status error = Status::Ok();

  Status LoadAll(db::Connection& c) {
    CK_RETURN_IF_ERROR(c.ForEachRow("SELECT resource_type, local_id, fhir_id FROM fhir_resources",
                                    {}, [&](const db::Row& r) {
                                      if (!IsDigits(r.Text(2)))
                                        ids[r.Text(0)][r.Int(1)] = r.Text(2);
                                      return Status::Ok();
                                    }));
    return c.ForEachRow(
        "SELECT resource_type, local_id, system, value FROM fhir_identifiers ORDER BY "
        "resource_type, local_id, system, value",
        {}, [&](const db::Row& r) {
          identifiers[r.Text(0)][r.Int(1)].push_back({{"system", r.Text(2)}, {"value", r.Text(3)}});
          return Status::Ok();
        });
  }

  void Lookup(const std::string& type, int64_t local) {
    if (!lazy || !looked_up.insert({type, local}).second || !error.ok()) return;
    auto rows =
        lazy->Query("SELECT fhir_id FROM fhir_resources WHERE resource_type = ? AND local_id = ?",
                    {type, local});
    if (!rows.ok()) {
      error = rows.status();
      return;
    }
    for (const db::Row& r : *rows)
      if (!IsDigits(r.Text(0))) ids[type][local] = r.Text(0);
    auto idents = lazy->Query(
        "SELECT system, value FROM fhir_identifiers WHERE resource_type = ? AND local_id = ? "
        "ORDER BY system, value",
        {type, local});
    if (!idents.ok()) {
      error = idents.status();
      return;
    }
    for (const db::Row& r : *idents)
      identifiers[type][local].push_back({{"system", r.Text(0)}, {"value", r.Text(1)}});
  }

  std::string Id(const std::string& type, int64_t local) {
    Lookup(type, local);
    auto t = ids.find(type);
    if (t != ids.end()) {
      auto it = t->second.find(local);
      if (it != t->second.end()) return it->second;
    }
    return std::to_string(local);
  }
  bool Has(const std::string& type, int64_t local) {
    Lookup(type, local);
    auto t = ids.find(type);
    return t != ids.end() && t->second.count(local) > 0;
  }
  const Json* Identifiers(const std::string& type, int64_t local) {
    Lookup(type, local);
    auto t = identifiers.find(type);
    if (t == identifiers.end()) return nullptr;
    auto it = t->second.find(local);
    return it == t->second.end() ? nullptr : &it->second;
  }
  Json Ref(const std::string& type, int64_t local) {
    return {{"reference", type + "/" + Id(type, local)}};
  }
  Json Meta(int64_t version, Timestamp updated) const {
    return {{"versionId", std::to_string(version)},
            {"lastUpdated", FormatTimestamp(updated)},
            {"source", source}};
  }
};

namespace {

using Context = RenderContext;

// Streams rows for an export; materialises them for an API request (whose
// rendering may look ids up on the same connection).
Status Each(db::Connection& c, Context& ctx, const std::string& sql, const db::Params& params,
            const std::function<Status(const db::Row&)>& fn) {
  if (!ctx.lazy) return c.ForEachRow(sql, params, fn);
  CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
  for (const db::Row& r : rows) {
    CK_RETURN_IF_ERROR(fn(r));
    CK_RETURN_IF_ERROR(ctx.error);
  }
  return Status::Ok();
}

Json Coding(std::string_view system, const std::string& code,
            const std::optional<std::string>& display = std::nullopt) {
  Json c = {{"system", system}, {"code", code}};
  if (display) c["display"] = *display;
  return c;
}

std::string Fhir(Timestamp t) { return FormatTimestamp(t); }

// One NDJSON file.
class Writer {
 public:
  Writer(const fs::path& dir, const std::string& type,
         const std::function<void(const std::string&, int64_t)>& progress)
      : path_(dir / (type + ".ndjson")), type_(type), progress_(progress) {
    tmp_ = path_;
    tmp_ += ".part";
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
  }
  bool ok() const { return static_cast<bool>(out_); }
  void Write(const Json& resource) {
    out_ << resource.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    if (++count_ % 10000 == 0 && progress_) progress_(type_, count_);
  }
  Status Finish(ExportReport& report) {
    out_.close();
    if (!out_) return Status(ErrorCode::kInternal, "cannot write " + tmp_.string());
    std::error_code ec;
    if (count_ == 0) {
      fs::remove(tmp_, ec);
      fs::remove(path_, ec);
      return Status::Ok();
    }
    fs::rename(tmp_, path_, ec);
    if (ec) return Status(ErrorCode::kInternal, "cannot write " + path_.string());
    report.counts[type_] = count_;
    report.files.push_back(path_.string());
    if (progress_) progress_(type_, count_);
    return Status::Ok();
  }

 private:
  fs::path path_, tmp_;
  std::string type_;
  const std::function<void(const std::string&, int64_t)>& progress_;
  std::ofstream out_;
  int64_t count_ = 0;
};

// ------------------------------------------------------------------ Patient

Status RenderPatients(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  const std::string sql =
      "SELECT id, given_name, family_name, birth_date, administrative_sex, middle_name, "
      "name_suffix, preferred_name, preferred_language, ethnicity, address_line1, address_line2, "
      "address_city, address_state, address_postal_code, address_country, email, version, "
      "updated_at FROM patients WHERE merged_into_id IS NULL" +
      f.Sql(true);
  // Identifiers, phones and races: all of them for an export, those of the
  // patients found for a request.
  std::string scope;
  db::Params scope_params;
  std::optional<db::Rows> found;
  if (ctx.lazy) {
    CK_ASSIGN_OR_RETURN(found, c.Query(sql, f.params));
    if (found->empty()) return Status::Ok();
    scope = " WHERE patient_id IN (";
    for (size_t i = 0; i < found->size(); ++i) {
      scope += i ? ", ?" : "?";
      scope_params.push_back(found->at(i).Int(0));
    }
    scope += ")";
  }
  std::unordered_map<int64_t, Json> identifiers, telecom, races;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT patient_id, system, value, kind FROM patient_identifiers" + scope + " ORDER BY id",
      scope_params, [&](const db::Row& r) {
        Json id = {{"system", r.Text(1)}, {"value", r.Text(2)}};
        std::string v2 = V2FromIdentifierKind(r.Text(3));
        if (!v2.empty()) id["type"] = {{"coding", Json::array({Coding(kIdentifierType, v2)})}};
        identifiers[r.Int(0)].push_back(std::move(id));
        return Status::Ok();
      }));
  CK_RETURN_IF_ERROR(
      c.ForEachRow("SELECT patient_id, number, phone_use, preferred FROM patient_phones" + scope +
                       " ORDER BY id",
                   scope_params, [&](const db::Row& r) {
                     std::string use = r.Text(2) == "other" ? "temp" : r.Text(2);
                     Json t = {{"system", "phone"}, {"value", r.Text(1)}, {"use", use}};
                     if (r.Int(3)) t["rank"] = 1;
                     telecom[r.Int(0)].push_back(std::move(t));
                     return Status::Ok();
                   }));
  CK_RETURN_IF_ERROR(
      c.ForEachRow("SELECT patient_id, race FROM patient_races" + scope + " ORDER BY race",
                   scope_params, [&](const db::Row& r) {
                     races[r.Int(0)].push_back(r.Text(1));
                     return Status::Ok();
                   }));
  auto omb = [](const std::string& url, const std::vector<std::string>& codes) {
    Json parts = Json::array();
    std::string text;
    for (const std::string& code : codes) {
      bool null_flavor = code == "UNK" || code == "ASKU";
      parts.push_back({{"url", "ombCategory"},
                       {"valueCoding",
                        Coding(null_flavor ? "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
                                           : std::string(kOmbRaceEthnicity),
                               code,
                               null_flavor ? (code == "UNK" ? "Unknown" : "Asked but no answer")
                                           : OmbDisplay(code))}});
      text += (text.empty() ? "" : ", ") + OmbDisplay(code);
    }
    parts.push_back({{"url", "text"}, {"valueString", text}});
    return Json{{"url", url}, {"extension", parts}};
  };
  auto code_of = [](const std::string& value, bool race) -> std::string {
    if (value == "unknown") return "UNK";
    if (value == "declined") return "ASKU";
    return (race ? OmbFromRace(value) : OmbFromEthnicity(value)).value_or("UNK");
  };
  auto render = [&](const db::Row& r) {
    int64_t id = r.Int(0);
    Json p = {{"resourceType", "Patient"},
              {"id", ctx.Id("Patient", id)},
              {"meta", ctx.Meta(r.Int(17), r.Int(18))}};
    if (auto it = identifiers.find(id); it != identifiers.end()) p["identifier"] = it->second;
    Json given = Json::array({r.Text(1)});
    if (!r.IsNull(5)) given.push_back(r.Text(5));
    Json name = {{"use", "official"}, {"family", r.Text(2)}, {"given", given}};
    if (!r.IsNull(6)) name["suffix"] = Json::array({r.Text(6)});
    Json names = Json::array({name});
    if (!r.IsNull(7))
      names.push_back(
          {{"use", "usual"}, {"family", r.Text(2)}, {"given", Json::array({r.Text(7)})}});
    p["name"] = names;
    Json tel = Json::array();
    if (auto it = telecom.find(id); it != telecom.end()) tel = it->second;
    if (!r.IsNull(16)) tel.push_back({{"system", "email"}, {"value", r.Text(16)}});
    if (!tel.empty()) p["telecom"] = tel;
    p["gender"] = r.Text(4);
    p["birthDate"] = r.Text(3);
    Json ext = Json::array();
    if (auto it = races.find(id); it != races.end()) {
      std::vector<std::string> codes;
      for (const auto& race : it->second) codes.push_back(code_of(race, true));
      ext.push_back(omb(std::string(kUsCoreRace), codes));
    }
    if (!r.IsNull(9))
      ext.push_back(omb(std::string(kUsCoreEthnicity), {code_of(r.Text(9), false)}));
    if (!ext.empty()) p["extension"] = ext;
    Json address = Json::object();
    Json lines = Json::array();
    if (!r.IsNull(10)) lines.push_back(r.Text(10));
    if (!r.IsNull(11)) lines.push_back(r.Text(11));
    if (!lines.empty()) address["line"] = lines;
    if (!r.IsNull(12)) address["city"] = r.Text(12);
    if (!r.IsNull(13)) address["state"] = r.Text(13);
    if (!r.IsNull(14)) address["postalCode"] = r.Text(14);
    if (!r.IsNull(15)) address["country"] = r.Text(15);
    if (!address.empty()) {
      address["use"] = "home";
      p["address"] = Json::array({address});
    }
    if (!r.IsNull(8))
      p["communication"] = Json::array(
          {{{"language", {{"coding", Json::array({Coding("urn:ietf:bcp:47", r.Text(8))})}}},
            {"preferred", true}}});
    out(p);
    return Status::Ok();
  };
  if (!found) return c.ForEachRow(sql, f.params, render);
  for (const db::Row& r : *found) CK_RETURN_IF_ERROR(render(r));
  return ctx.error;
}

// -------------------------------------------------- Practitioner, Organization

Status RenderDirectory(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, kind, name, role, phone, email, active, version, updated_at FROM "
      "directory_entries" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        int64_t id = r.Int(0);
        bool provider = r.Text(1) == "provider";
        std::string type = provider ? "Practitioner" : "Organization";
        Json res = {{"resourceType", type},
                    {"id", ctx.Id(type, id)},
                    {"meta", ctx.Meta(r.Int(7), r.Int(8))},
                    {"active", r.Int(6) != 0}};
        if (const Json* ids = ctx.Identifiers(type, id)) res["identifier"] = *ids;
        Json tel = Json::array();
        if (!r.IsNull(4))
          tel.push_back({{"system", "phone"}, {"value", r.Text(4)}, {"use", "work"}});
        if (!r.IsNull(5)) tel.push_back({{"system", "email"}, {"value", r.Text(5)}});
        if (!tel.empty()) res["telecom"] = tel;
        if (provider) {
          res["name"] = Json::array({{{"text", r.Text(2)}}});
          if (!r.IsNull(3)) res["qualification"] = Json::array({{{"code", {{"text", r.Text(3)}}}}});
          out(res);
        } else {
          static const std::map<std::string, std::string> kTypes = {
              {"facility", "prov"}, {"insurer", "ins"}, {"agency", "cg"}, {"pharmacy", "prov"}};
          auto it = kTypes.find(r.Text(1));
          std::string code = it == kTypes.end() ? "other" : it->second;
          res["type"] = Json::array(
              {{{"coding",
                 Json::array(
                     {Coding("http://terminology.hl7.org/CodeSystem/organization-type", code)})}}});
          res["name"] = r.Text(2);
          out(res);
        }
        return Status::Ok();
      });
}

// ---------------------------------------------------------------- Encounter

Status RenderEncounters(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, encounter_class, facility, visit_number, admitted_at, "
      "discharged_at, admission_type, discharge_disposition, diagnoses, status, location, "
      "admit_source, version, updated_at FROM encounters" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json e = {{"resourceType", "Encounter"},
                  {"id", ctx.Id("Encounter", r.Int(0))},
                  {"meta", ctx.Meta(r.Int(13), r.Int(14))},
                  {"status", FhirEncounterStatus(r.Text(10))},
                  {"class", Coding(kActCode, ActCodeFromEncounterClass(r.Text(2)))},
                  {"subject", ctx.Ref("Patient", r.Int(1))},
                  {"serviceProvider", {{"display", r.Text(3)}}}};
        if (!r.IsNull(4))
          e["identifier"] =
              Json::array({{{"system", kVisitNumberSystem},
                            {"type", {{"coding", Json::array({Coding(kIdentifierType, "VN")})}}},
                            {"value", r.Text(4)}}});
        Json period = {{"start", Fhir(r.Int(5))}};
        if (!r.IsNull(6)) period["end"] = Fhir(r.Int(6));
        e["period"] = period;
        if (!r.IsNull(7))
          e["priority"] = {{"coding", Json::array({Coding(kActPriority,
                                                          PriorityFromAdmissionType(r.Text(7)))})}};
        Json hosp = Json::object();
        if (!r.IsNull(8))
          hosp["dischargeDisposition"] = {
              {"coding", Json::array({Coding(kDischargeDisposition, FhirDisposition(r.Text(8)))})}};
        if (!r.IsNull(12))
          hosp["admitSource"] = {{"coding", Json::array({Coding(kAdmitSource, r.Text(12))})}};
        if (!hosp.empty()) e["hospitalization"] = hosp;
        if (!r.IsNull(9) && !r.Text(9).empty()) {
          Json reasons = Json::array();
          const std::string& all = r.Text(9);
          size_t start = 0;
          while (start < all.size()) {
            size_t comma = all.find(',', start);
            if (comma == std::string::npos) comma = all.size();
            reasons.push_back(
                {{"coding", Json::array({Coding(kIcd10Cm, all.substr(start, comma - start))})}});
            start = comma + 1;
          }
          e["reasonCode"] = reasons;
        }
        if (!r.IsNull(11)) e["location"] = Json::array({{{"location", {{"display", r.Text(11)}}}}});
        out(e);
        return Status::Ok();
      });
}

// ---------------------------------------------------------------- Condition

Status RenderConditions(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, code, code_system, snomed_code, description, status, onset_date, "
      "resolved_date, encounter_id, version, updated_at FROM conditions" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json codings = Json::array();
        std::optional<std::string> display = r.OptText(5);
        if (r.Text(3) == "icd10cm") codings.push_back(Coding(kIcd10Cm, r.Text(2), display));
        if (!r.IsNull(4)) codings.push_back(Coding(kSnomed, r.Text(4), display));
        Json code = {{"coding", codings}};
        if (display) code["text"] = *display;
        Json cond = {{"resourceType", "Condition"},
                     {"id", ctx.Id("Condition", r.Int(0))},
                     {"meta", ctx.Meta(r.Int(10), r.Int(11))},
                     {"code", code},
                     {"subject", ctx.Ref("Patient", r.Int(1))}};
        const std::string& status = r.Text(6);
        if (status == "entered_in_error") {
          cond["verificationStatus"] = {
              {"coding",
               Json::array({Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                   "entered-in-error")})}};
        } else {
          cond["clinicalStatus"] = {
              {"coding",
               Json::array(
                   {Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", status)})}};
        }
        if (!r.IsNull(7)) cond["onsetDateTime"] = r.Text(7);
        if (!r.IsNull(8)) cond["abatementDateTime"] = r.Text(8);
        if (!r.IsNull(9)) cond["encounter"] = ctx.Ref("Encounter", r.Int(9));
        out(cond);
        return Status::Ok();
      });
}

// ------------------------------------------------------ Observation, Procedure

Status RenderObservations(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, encounter_id, category, code_system, code, display, status, "
      "effective_at, value_number, value_unit, value_code, value_text, components, version, "
      "updated_at FROM observations" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json code = {{"coding", Json::array({Coding(r.Text(4), r.Text(5), r.OptText(6))})}};
        if (!r.IsNull(6)) code["text"] = r.Text(6);
        Json o = {{"resourceType", "Observation"},
                  {"id", ctx.Id("Observation", r.Int(0))},
                  {"meta", ctx.Meta(r.Int(14), r.Int(15))},
                  {"status", r.Text(7)},
                  {"code", code},
                  {"subject", ctx.Ref("Patient", r.Int(1))}};
        if (!r.IsNull(3))
          o["category"] = Json::array(
              {{{"coding",
                 Json::array({Coding("http://terminology.hl7.org/CodeSystem/observation-category",
                                     r.Text(3))})}}});
        if (!r.IsNull(2)) o["encounter"] = ctx.Ref("Encounter", r.Int(2));
        if (!r.IsNull(8)) o["effectiveDateTime"] = Fhir(r.Int(8));
        if (!r.IsNull(9)) {
          Json q = {{"value", r.Real(9)}};
          if (!r.IsNull(10)) q["unit"] = r.Text(10);
          o["valueQuantity"] = q;
        } else if (!r.IsNull(11)) {
          Json cc = {{"coding", Json::array({{{"code", r.Text(11)}}})}};
          if (!r.IsNull(12)) cc["text"] = r.Text(12);
          o["valueCodeableConcept"] = cc;
        } else if (!r.IsNull(12)) {
          o["valueString"] = r.Text(12);
        }
        if (!r.IsNull(13)) {
          Json comps = Json::parse(r.Text(13), nullptr, false);
          Json list = Json::array();
          if (comps.is_array()) {
            for (const Json& item : comps) {
              Json ccode = {{"coding", Json::array({Coding(item.value("system", ""),
                                                           item.value("code", ""))})}};
              if (item.contains("display")) {
                ccode["coding"][0]["display"] = item["display"];
                ccode["text"] = item["display"];
              }
              Json comp = {{"code", ccode}};
              if (item.contains("value")) {
                Json q = {{"value", item["value"]}};
                if (item.contains("unit")) q["unit"] = item["unit"];
                comp["valueQuantity"] = q;
              } else if (item.contains("value_code")) {
                comp["valueCodeableConcept"] = {
                    {"coding", Json::array({{{"code", item["value_code"]}}})}};
                if (item.contains("value_text"))
                  comp["valueCodeableConcept"]["text"] = item["value_text"];
              } else if (item.contains("value_text")) {
                comp["valueString"] = item["value_text"];
              }
              list.push_back(std::move(comp));
            }
          }
          if (!list.empty()) o["component"] = list;
        }
        out(o);
        return Status::Ok();
      });
}

Status RenderProcedures(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, encounter_id, code_system, code, display, status, performed_start, "
      "performed_end, version, updated_at FROM procedures" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json code = {{"coding", Json::array({Coding(r.Text(3), r.Text(4), r.OptText(5))})}};
        if (!r.IsNull(5)) code["text"] = r.Text(5);
        Json p = {{"resourceType", "Procedure"},
                  {"id", ctx.Id("Procedure", r.Int(0))},
                  {"meta", ctx.Meta(r.Int(9), r.Int(10))},
                  {"status", r.Text(6)},
                  {"code", code},
                  {"subject", ctx.Ref("Patient", r.Int(1))}};
        if (!r.IsNull(2)) p["encounter"] = ctx.Ref("Encounter", r.Int(2));
        if (!r.IsNull(7) && !r.IsNull(8))
          p["performedPeriod"] = {{"start", Fhir(r.Int(7))}, {"end", Fhir(r.Int(8))}};
        else if (!r.IsNull(7))
          p["performedDateTime"] = Fhir(r.Int(7));
        out(p);
        return Status::Ok();
      });
}

// ----------------------------------------------------------------- Medications

Status RenderMedications(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, name, dose, route, frequency, prescriber, start_date, stop_date, "
      "status, code, version, updated_at FROM medications" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        int64_t id = r.Int(0);
        bool statement = ctx.Has("MedicationStatement", id);
        std::string type = statement ? "MedicationStatement" : "MedicationRequest";
        Json codeable = {{"text", r.Text(2)}};
        if (!r.IsNull(10))
          codeable["coding"] = Json::array({Coding(kRxNorm, r.Text(10), r.Text(2))});
        Json m = {{"resourceType", type},
                  {"id", ctx.Id(type, id)},
                  {"meta", ctx.Meta(r.Int(11), r.Int(12))},
                  {"status",
                   statement && r.Text(9) == "on_hold" ? "on-hold"
                   : statement ? (r.Text(9) == "entered_in_error" ? "entered-in-error" : r.Text(9))
                               : FhirMedicationRequestStatus(r.Text(9))},
                  {"medicationCodeableConcept", codeable},
                  {"subject", ctx.Ref("Patient", r.Int(1))}};
        Json dosage = Json::object();
        if (!r.IsNull(3)) dosage["text"] = r.Text(3);
        if (!r.IsNull(4)) dosage["route"] = {{"text", r.Text(4)}};
        if (!r.IsNull(5)) dosage["timing"] = {{"code", {{"text", r.Text(5)}}}};
        if (statement) {
          if (!dosage.empty()) m["dosage"] = Json::array({dosage});
          Json period = Json::object();
          if (!r.IsNull(7)) period["start"] = r.Text(7);
          if (!r.IsNull(8)) period["end"] = r.Text(8);
          if (!period.empty()) m["effectivePeriod"] = period;
          out(m);
        } else {
          m["intent"] = "order";
          if (!dosage.empty()) m["dosageInstruction"] = Json::array({dosage});
          if (!r.IsNull(6)) m["requester"] = {{"display", r.Text(6)}};
          if (!r.IsNull(7)) m["authoredOn"] = r.Text(7);
          out(m);
        }
        return Status::Ok();
      });
}

Status RenderAllergies(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, substance, reaction, severity, status, version, updated_at FROM "
      "allergies" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json a = {{"resourceType", "AllergyIntolerance"},
                  {"id", ctx.Id("AllergyIntolerance", r.Int(0))},
                  {"meta", ctx.Meta(r.Int(6), r.Int(7))},
                  {"code", {{"text", r.Text(2)}}},
                  {"patient", ctx.Ref("Patient", r.Int(1))}};
        if (r.Text(5) == "entered_in_error") {
          a["verificationStatus"] = {
              {"coding",
               Json::array(
                   {Coding("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                           "entered-in-error")})}};
        } else {
          a["clinicalStatus"] = {
              {"coding", Json::array({Coding(
                             "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                             r.Text(5))})}};
        }
        if (!r.IsNull(3) || !r.IsNull(4)) {
          Json reaction = Json::object();
          if (!r.IsNull(3))
            reaction["manifestation"] = Json::array({{{"text", r.Text(3)}}});
          else
            reaction["manifestation"] = Json::array({{{"text", "unspecified"}}});
          if (!r.IsNull(4)) reaction["severity"] = r.Text(4);
          a["reaction"] = Json::array({reaction});
        }
        out(a);
        return Status::Ok();
      });
}

Status RenderCoverages(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, payer, plan, product_type, member_id, group_number, effective_from, "
      "effective_to, priority, status, version, updated_at FROM coverages" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        std::string status = r.Text(10) == "entered_in_error" ? "entered-in-error" : r.Text(10);
        Json cov = {
            {"resourceType", "Coverage"},
            {"id", ctx.Id("Coverage", r.Int(0))},
            {"meta", ctx.Meta(r.Int(11), r.Int(12))},
            {"status", status},
            {"type",
             {{"coding",
               Json::array({Coding(kPaymentTypology, PaymentFromProductType(r.Text(4)))})}}},
            {"subscriberId", r.Text(5)},
            {"beneficiary", ctx.Ref("Patient", r.Int(1))},
            {"payor", Json::array({{{"display", r.Text(2)}}})},
            {"order", r.Text(9) == "secondary"  ? 2
                      : r.Text(9) == "tertiary" ? 3
                                                : 1}};
        Json period = {{"start", r.Text(7)}};
        if (!r.IsNull(8)) period["end"] = r.Text(8);
        cov["period"] = period;
        Json classes = Json::array();
        const char* kClass = "http://terminology.hl7.org/CodeSystem/coverage-class";
        if (!r.IsNull(3))
          classes.push_back({{"type", {{"coding", Json::array({Coding(kClass, "plan")})}}},
                             {"value", r.Text(3)},
                             {"name", r.Text(3)}});
        if (!r.IsNull(6))
          classes.push_back({{"type", {{"coding", Json::array({Coding(kClass, "group")})}}},
                             {"value", r.Text(6)}});
        if (!classes.empty()) cov["class"] = classes;
        out(cov);
        return Status::Ok();
      });
}

// ------------------------------------------------------------- CarePlan, Goal

Json AddressesOf(Context& ctx, const db::Row& r, size_t col) {
  Json out = Json::array();
  if (r.IsNull(col)) return out;
  Json ids = Json::parse(r.Text(col), nullptr, false);
  if (!ids.is_array()) return out;
  for (const Json& id : ids)
    if (id.is_number_integer()) out.push_back(ctx.Ref("Condition", id.get<int64_t>()));
  return out;
}

Status RenderCarePlans(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, encounter_id, status, intent, title, category_code, period_start, "
      "period_end, activities, addresses, version, updated_at FROM external_care_plans" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json p = {{"resourceType", "CarePlan"},
                  {"id", ctx.Id("CarePlan", r.Int(0))},
                  {"meta", ctx.Meta(r.Int(11), r.Int(12))},
                  {"status", r.Text(3)},
                  {"intent", r.Text(4)},
                  {"subject", ctx.Ref("Patient", r.Int(1))}};
        if (!r.IsNull(5)) p["title"] = r.Text(5);
        if (!r.IsNull(6)) {
          Json cat = {{"coding", Json::array({Coding(kSnomed, r.Text(6), r.OptText(5))})}};
          p["category"] = Json::array({cat});
        }
        if (!r.IsNull(2)) p["encounter"] = ctx.Ref("Encounter", r.Int(2));
        Json period = Json::object();
        if (!r.IsNull(7)) period["start"] = r.Text(7);
        if (!r.IsNull(8)) period["end"] = r.Text(8);
        if (!period.empty()) p["period"] = period;
        if (!r.IsNull(9)) {
          Json acts = Json::parse(r.Text(9), nullptr, false);
          Json list = Json::array();
          if (acts.is_array()) {
            for (const Json& a : acts) {
              Json detail = {{"status", a.value("status", "unknown")}};
              if (a.contains("code")) {
                Json coding = {{"system", kSnomed}, {"code", a["code"]}};
                if (a.contains("display")) coding["display"] = a["display"];
                detail["code"] = {{"coding", Json::array({coding})}};
              } else if (a.contains("display")) {
                detail["code"] = {{"text", a["display"]}};
              }
              list.push_back({{"detail", detail}});
            }
          }
          if (!list.empty()) p["activity"] = list;
        }
        Json addresses = AddressesOf(ctx, r, 10);
        if (!addresses.empty()) p["addresses"] = addresses;
        out(p);
        return Status::Ok();
      });
}

Status RenderGoals(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, lifecycle_status, achievement_status, description, start_date, "
      "target_measure, target_value, target_due_date, addresses, version, updated_at FROM "
      "external_goals" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json g = {{"resourceType", "Goal"},
                  {"id", ctx.Id("Goal", r.Int(0))},
                  {"meta", ctx.Meta(r.Int(10), r.Int(11))},
                  {"lifecycleStatus", r.Text(2)},
                  {"description", {{"text", r.Text(4)}}},
                  {"subject", ctx.Ref("Patient", r.Int(1))}};
        if (!r.IsNull(3))
          g["achievementStatus"] = {
              {"coding",
               Json::array(
                   {Coding("http://terminology.hl7.org/CodeSystem/goal-achievement", r.Text(3))})}};
        if (!r.IsNull(5)) g["startDate"] = r.Text(5);
        Json target = Json::object();
        if (!r.IsNull(6)) target["measure"] = {{"text", r.Text(6)}};
        if (!r.IsNull(7)) target["detailString"] = r.Text(7);
        if (!r.IsNull(8)) target["dueDate"] = r.Text(8);
        if (!target.empty()) g["target"] = Json::array({target});
        Json addresses = AddressesOf(ctx, r, 9);
        if (!addresses.empty()) g["addresses"] = addresses;
        out(g);
        return Status::Ok();
      });
}

// ------------------------------------------- casekeeper's own: cases, consent

std::string EpisodeStatus(const std::string& status) {
  if (status == "referred" || status == "screening") return "planned";
  if (status == "closed") return "finished";
  return "active";
}

constexpr const char* kCasesSql =
    "SELECT * FROM (SELECT c.id AS id, c.patient_id AS patient_id, c.status AS status, p.name AS "
    "program, c.referred_at AS referred_at, c.closed_at AS closed_at, u.display_name AS manager, "
    "c.version AS version, c.updated_at AS updated_at, c.referral_source AS referral_source, "
    "c.referral_reason AS referral_reason, c.urgency AS urgency FROM cases c JOIN programs p ON "
    "p.id = c.program_id LEFT JOIN users u ON u.id = c.assigned_user_id) x";

Status RenderEpisodes(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(c, ctx, kCasesSql + f.Sql(false), f.params, [&](const db::Row& r) {
    Json e = {{"resourceType", "EpisodeOfCare"},
              {"id", std::to_string(r.Int(0))},
              {"meta", ctx.Meta(r.Int(7), r.Int(8))},
              {"status", EpisodeStatus(r.Text(2))},
              {"type", Json::array({{{"text", r.Text(3)}}})},
              {"patient", ctx.Ref("Patient", r.Int(1))},
              {"referralRequest",
               Json::array({{{"reference", "ServiceRequest/" + std::to_string(r.Int(0))}}})}};
    Json period = {{"start", Fhir(r.Int(4))}};
    if (!r.IsNull(5)) period["end"] = Fhir(r.Int(5));
    e["period"] = period;
    if (!r.IsNull(6)) e["careManager"] = {{"display", r.Text(6)}};
    out(e);
    return Status::Ok();
  });
}

Status RenderReferrals(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(c, ctx, kCasesSql + f.Sql(false), f.params, [&](const db::Row& r) {
    const std::string& urgency = r.Text(11);
    Json s = {{"resourceType", "ServiceRequest"},
              {"id", std::to_string(r.Int(0))},
              {"meta", ctx.Meta(r.Int(7), r.Int(8))},
              {"status", r.Text(2) == "closed" ? "completed" : "active"},
              {"intent", "order"},
              {"priority", urgency == "emergent" ? "stat" : urgency},
              {"category", Json::array({{{"text", "case management referral"}}})},
              {"code", {{"text", r.Text(3)}}},
              {"subject", ctx.Ref("Patient", r.Int(1))},
              {"authoredOn", Fhir(r.Int(4))},
              {"requester", {{"display", r.Text(9)}}},
              {"reasonCode", Json::array({{{"text", r.Text(10)}}})}};
    out(s);
    return Status::Ok();
  });
}

Status RenderConsents(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  std::string today = FormatDate(DateOf(ctx.now));
  return Each(
      c, ctx,
      "SELECT id, patient_id, kind, party_name, scope, method, granted_on, expires_on, revoked_at, "
      "created_at FROM consents" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        bool sharing = r.Text(2) == "information_sharing";
        bool active = r.IsNull(8) && (r.IsNull(7) || r.Text(7) >= today);
        Json consent = {
            {"resourceType", "Consent"},
            {"id", std::to_string(r.Int(0))},
            {"meta", ctx.Meta(1, r.Int(9))},
            {"status", active ? "active" : "inactive"},
            {"scope",
             {{"coding", Json::array({Coding("http://terminology.hl7.org/CodeSystem/consentscope",
                                             sharing ? "patient-privacy" : "treatment")})}}},
            {"category",
             Json::array({{{"coding", Json::array({Coding(kLoinc, "59284-0", "Patient Consent")})},
                           {"text", sharing ? "information sharing" : "case management"}}})},
            {"patient", ctx.Ref("Patient", r.Int(1))},
            {"dateTime", r.Text(6)},
            {"policyRule",
             {{"text", sharing ? "HIPAA authorization to share information"
                               : "consent to case management"}}}};
        Json provision = {{"type", "permit"}};
        Json period = {{"start", r.Text(6)}};
        if (!r.IsNull(7)) period["end"] = r.Text(7);
        provision["period"] = period;
        if (!r.IsNull(3))
          provision["actor"] = Json::array(
              {{{"role", {{"text", "recipient"}}}, {"reference", {{"display", r.Text(3)}}}}});
        if (!r.IsNull(4)) provision["purpose"] = Json::array({{{"display", r.Text(4)}}});
        consent["provision"] = provision;
        consent["sourceAttachment"] = {{"title", "recorded " + r.Text(5)}};
        out(consent);
        return Status::Ok();
      });
}

// One CareTeam per patient: the staff whose membership grants access.
Status RenderCareTeams(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  std::map<int64_t, Json> teams;
  CK_RETURN_IF_ERROR(Each(
      c, ctx,
      "SELECT * FROM (SELECT m.id AS id, m.patient_id AS patient_id, m.member_role AS role, "
      "m.added_at AS added_at, u.display_name AS name FROM care_team_members m JOIN users u ON "
      "u.id = m.user_id WHERE m.removed_at IS NULL) x" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json& team = teams[r.Int(1)];
        if (team.is_null()) {
          team = {{"resourceType", "CareTeam"},     {"id", std::to_string(r.Int(1))},
                  {"meta", ctx.Meta(1, r.Int(3))},  {"status", "active"},
                  {"name", "casekeeper care team"}, {"subject", ctx.Ref("Patient", r.Int(1))},
                  {"participant", Json::array()}};
        }
        team["participant"].push_back({{"role", Json::array({{{"text", r.Text(2)}}})},
                                       {"member", {{"display", r.Text(4)}}},
                                       {"period", {{"start", Fhir(r.Int(3))}}}});
        if (r.Int(3) > 0 && FormatTimestamp(r.Int(3)) > team["meta"]["lastUpdated"])
          team["meta"]["lastUpdated"] = FormatTimestamp(r.Int(3));
        return Status::Ok();
      }));
  for (auto& [_, team] : teams) out(team);
  return Status::Ok();
}

std::string AuditAction(const std::string& action) {
  auto ends = [&](const char* s) {
    std::string suffix = std::string(".") + s;
    return action.size() >= suffix.size() &&
           action.compare(action.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("create") || ends("import") || ends("add")) return "C";
  if (ends("read") || ends("list") || ends("search") || ends("export") || ends("view")) return "R";
  if (ends("update") || ends("change") || ends("merge") || ends("sign")) return "U";
  if (ends("delete") || ends("remove")) return "D";
  return "E";
}

std::string FhirTaskStatus(const std::string& s) {
  if (s == "open") return "ready";
  if (s == "in_progress") return "in-progress";
  if (s == "paused") return "on-hold";
  if (s == "done") return "completed";
  return s;  // cancelled
}

// Tasks: the work of a case (FHIR Task, intent "order").
Status RenderTasks(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT * FROM (SELECT t.id AS id, t.patient_id AS patient_id, t.case_id AS case_id, "
      "t.title AS title, t.task_type AS task_type, t.status AS status, t.priority AS priority, "
      "t.due_at AS due_at, t.outcome AS outcome, t.pause_reason AS pause_reason, u.display_name "
      "AS owner, t.created_at AS created_at, t.updated_at AS updated_at, t.version AS version, "
      "t.queue_role AS queue_role FROM tasks t LEFT JOIN users u ON u.id = t.owner_user_id) x" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        const std::string& priority = r.Text(6);
        Json t = {{"resourceType", "Task"},
                  {"id", std::to_string(r.Int(0))},
                  {"meta", ctx.Meta(r.Int(13), r.Int(12))},
                  {"status", FhirTaskStatus(r.Text(5))},
                  {"intent", "order"},
                  {"priority", priority == "normal" || priority == "low" ? "routine" : priority},
                  {"code", {{"text", r.Text(4)}}},
                  {"description", r.Text(3)},
                  {"for", ctx.Ref("Patient", r.Int(1))},
                  {"basedOn",
                   Json::array({{{"reference", "EpisodeOfCare/" + std::to_string(r.Int(2))}}})},
                  {"authoredOn", Fhir(r.Int(11))},
                  {"lastModified", Fhir(r.Int(12))}};
        if (!r.IsNull(7)) t["restriction"] = {{"period", {{"end", Fhir(r.Int(7))}}}};
        if (!r.IsNull(10))
          t["owner"] = {{"display", r.Text(10)}};
        else if (!r.IsNull(14))
          t["owner"] = {{"display", "the " + r.Text(14) + " queue"}};
        if (!r.IsNull(9)) t["statusReason"] = {{"text", r.Text(9)}};
        if (!r.IsNull(8))
          t["output"] =
              Json::array({{{"type", {{"text", "outcome"}}}, {"valueString", r.Text(8)}}});
        out(t);
        return Status::Ok();
      });
}

std::string FhirAppointmentStatus(const std::string& s) {
  if (s == "confirmed") return "booked";
  if (s == "completed") return "fulfilled";
  if (s == "no_show") return "noshow";
  return s;  // proposed, booked, arrived, cancelled
}

Status RenderAppointments(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, patient_id, kind, reason, provider, location, telehealth_url, starts_at, "
      "ends_at, status, cancellation_reason, created_at, updated_at, version FROM appointments" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        Json participants =
            Json::array({{{"actor", ctx.Ref("Patient", r.Int(1))}, {"status", "accepted"}}});
        if (!r.IsNull(4))
          participants.push_back({{"actor", {{"display", r.Text(4)}}}, {"status", "accepted"}});
        Json a = {{"resourceType", "Appointment"},
                  {"id", std::to_string(r.Int(0))},
                  {"meta", ctx.Meta(r.Int(13), r.Int(12))},
                  {"status", FhirAppointmentStatus(r.Text(9))},
                  {"serviceType", Json::array({{{"text", r.Text(2)}}})},
                  {"reasonCode", Json::array({{{"text", r.Text(3)}}})},
                  {"start", Fhir(r.Int(7))},
                  {"end", Fhir(r.Int(8))},
                  {"created", Fhir(r.Int(11))},
                  {"participant", participants}};
        if (!r.IsNull(5)) a["comment"] = "at " + r.Text(5);
        if (!r.IsNull(6)) a["comment"] = "telehealth: " + r.Text(6);
        if (!r.IsNull(10)) a["cancelationReason"] = {{"text", r.Text(10)}};
        out(a);
        return Status::Ok();
      });
}

Status RenderAuditEvents(db::Connection& c, Context& ctx, const Filter& f, const Sink& out) {
  return Each(
      c, ctx,
      "SELECT id, at, username, role, action, entity_type, entity_id, patient_id, outcome, "
      "request_id, detail FROM audit_log" +
          f.Sql(false),
      f.params, [&](const db::Row& r) {
        const std::string& outcome = r.Text(8);
        Json e = {{"resourceType", "AuditEvent"},
                  {"id", std::to_string(r.Int(0))},
                  {"meta", ctx.Meta(1, r.Int(1))},
                  {"type", Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest",
                                  "RESTful Operation")},
                  {"subtype",
                   Json::array({{{"system", "urn:casekeeper:audit-action"}, {"code", r.Text(4)}}})},
                  {"action", AuditAction(r.Text(4))},
                  {"recorded", Fhir(r.Int(1))},
                  {"outcome", outcome == "success"  ? "0"
                              : outcome == "denied" ? "4"
                                                    : "8"},
                  {"agent", Json::array({{{"who", {{"display", r.Text(2)}}},
                                          {"type", {{"text", r.Text(3)}}},
                                          {"requestor", true}}})},
                  {"source", {{"observer", {{"display", "casekeeper"}}}, {"site", r.Text(9)}}}};
        Json entities = Json::array();
        if (!r.IsNull(7)) entities.push_back({{"what", ctx.Ref("Patient", r.Int(7))}});
        Json thing = {{"what", {{"display", r.Text(5) + " " + r.Text(6)}}}};
        if (!r.Text(10).empty()) thing["description"] = r.Text(10);
        entities.push_back(thing);
        e["entity"] = entities;
        out(e);
        return Status::Ok();
      });
}

}  // namespace

Status RenderResources(db::Connection& c, const std::string& type, const Filter& filter,
                       const std::string& source, Timestamp now, const Sink& out) {
  Context ctx;
  ctx.lazy = &c;
  ctx.source = source;
  ctx.now = now;
  auto with = [&](const char* condition) {
    Filter f = filter;
    f.where = filter.where.empty() ? condition : std::string(condition) + " AND " + filter.where;
    return f;
  };
  auto only = [&](const std::string& wanted) {
    return [&out, wanted](const Json& r) {
      if (r["resourceType"] == wanted) out(r);
    };
  };
  if (type == "Patient") return RenderPatients(c, ctx, filter, out);
  if (type == "Practitioner") return RenderDirectory(c, ctx, with("kind = 'provider'"), out);
  if (type == "Organization") return RenderDirectory(c, ctx, with("kind <> 'provider'"), out);
  if (type == "Encounter") return RenderEncounters(c, ctx, filter, out);
  if (type == "Condition") return RenderConditions(c, ctx, filter, out);
  if (type == "Observation") return RenderObservations(c, ctx, filter, out);
  if (type == "Procedure") return RenderProcedures(c, ctx, filter, out);
  if (type == "MedicationRequest" || type == "MedicationStatement")
    return RenderMedications(c, ctx, filter, only(type));
  if (type == "AllergyIntolerance") return RenderAllergies(c, ctx, filter, out);
  if (type == "Coverage") return RenderCoverages(c, ctx, filter, out);
  if (type == "CarePlan") return RenderCarePlans(c, ctx, filter, out);
  if (type == "Goal") return RenderGoals(c, ctx, filter, out);
  if (type == "EpisodeOfCare") return RenderEpisodes(c, ctx, filter, out);
  if (type == "ServiceRequest") return RenderReferrals(c, ctx, filter, out);
  if (type == "Consent") return RenderConsents(c, ctx, filter, out);
  if (type == "CareTeam") return RenderCareTeams(c, ctx, filter, out);
  if (type == "AuditEvent") return RenderAuditEvents(c, ctx, filter, out);
  if (type == "Task") return RenderTasks(c, ctx, filter, out);
  if (type == "Appointment") return RenderAppointments(c, ctx, filter, out);
  return NotFound("casekeeper does not serve " + type, "type");
}

const std::vector<std::string>& ExportedTypes() {
  static const std::vector<std::string> types = {"Organization",
                                                 "Practitioner",
                                                 "Patient",
                                                 "Encounter",
                                                 "Condition",
                                                 "Observation",
                                                 "Procedure",
                                                 "MedicationRequest",
                                                 "MedicationStatement",
                                                 "AllergyIntolerance",
                                                 "Coverage",
                                                 "CarePlan",
                                                 "Goal"};
  return types;
}

Result<ExportReport> ExportNdjson(
    db::Database& db, const std::string& out_dir,
    const std::function<void(const std::string&, int64_t)>& progress) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return InvalidArgument("cannot create " + out_dir + ": " + ec.message(), "out");
  Context ctx;
  CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(ctx.source, InstallationSource(c));
    return Status::Ok();
  }));
  ExportReport report;
  std::map<std::string, std::unique_ptr<Writer>> writers;
  for (const std::string& type : ExportedTypes()) {
    writers[type] = std::make_unique<Writer>(fs::path(out_dir), type, progress);
    if (!writers[type]->ok()) return InvalidArgument("cannot write in " + out_dir, "out");
  }
  Sink sink = [&](const Json& r) { writers[r["resourceType"].get<std::string>()]->Write(r); };
  Filter all;
  CK_RETURN_IF_ERROR(db.Scan([&](db::Connection& c) -> Status {
    CK_RETURN_IF_ERROR(ctx.LoadAll(c));
    CK_RETURN_IF_ERROR(RenderDirectory(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderPatients(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderEncounters(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderConditions(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderObservations(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderProcedures(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderMedications(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderAllergies(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderCoverages(c, ctx, all, sink));
    CK_RETURN_IF_ERROR(RenderCarePlans(c, ctx, all, sink));
    return RenderGoals(c, ctx, all, sink);
  }));
  for (const std::string& type : ExportedTypes()) CK_RETURN_IF_ERROR(writers[type]->Finish(report));
  return report;
}

}  // namespace ck::fhir
