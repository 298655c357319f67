#include "interop/hl7v2/adt.h"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "audit/trail.h"
#include "events/outbox.h"
#include "patients/store.h"
#include "patients/validation.h"
#include "scoring/icd10.h"

namespace ck::hl7 {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 12> kTriggers = {"A01", "A02", "A03", "A04", "A05", "A06",
                                                        "A07", "A08", "A11", "A12", "A13", "A40"};

auth::Actor Hl7Actor(const Message& m) {
  auth::Actor a;
  a.username = "hl7";
  a.role = "integration";
  a.request_id = "hl7:" + m.control_id();
  return a;
}

// A URI naming who issued an identifier: the assigning authority's universal id
// (an OID as urn:oid:), else its namespace, else the sending facility.
std::string SystemOf(const Segment& s, int field, int rep, const Message& m) {
  auto clean = [](std::string v) {
    for (char& ch : v)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_')
        ch = '-';
    return v;
  };
  std::string universal = s.Get(field, rep, 4, 2), type = s.Get(field, rep, 4, 3);
  if (!universal.empty()) {
    bool oid = type == "ISO" || universal.find_first_not_of("0123456789.") == std::string::npos;
    return oid ? "urn:oid:" + clean(universal) : "urn:hl7v2:aa:" + clean(universal);
  }
  std::string ns = s.Get(field, rep, 4, 1);
  if (!ns.empty()) return "urn:hl7v2:aa:" + clean(ns);
  return "urn:hl7v2:aa:" + clean(m.Get("MSH-4.1"));
}

std::vector<patients::Identifier> IdentifiersOf(const Segment& s, int field, const Message& m) {
  std::vector<patients::Identifier> out;
  for (int r = 1; r <= s.Repetitions(field); ++r) {
    std::string value = s.Get(field, r, 1);
    if (value.empty() || value.size() > 64) continue;
    std::string kind = s.Get(field, r, 5);
    static const std::array<std::string_view, 5> kKinds = {"MR", "MB", "PI", "SN", "DL"};
    bool known = std::find(kKinds.begin(), kKinds.end(), kind) != kKinds.end();
    out.push_back({0, SystemOf(s, field, r, m), value, known ? kind : "other"});
  }
  return out;
}

// The surviving record of whoever holds any of these identifiers.
// The audit records of one message, appended together when it is applied.
using Audit = audit::Batch;

Result<std::optional<int64_t>> FindPatient(db::Connection& c,
                                           const std::vector<patients::Identifier>& ids) {
  for (const patients::Identifier& id : ids) {
    CK_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT p.id, p.merged_into_id FROM patient_identifiers i JOIN "
                                "patients p ON p.id = i.patient_id WHERE i.system = ? AND "
                                "i.value = ?",
                                {id.system, id.value}));
    if (rows.empty()) continue;
    int64_t pid = rows.at(0).Int(0);
    std::optional<int64_t> next = rows.at(0).OptInt(1);
    for (int hops = 0; next && hops < 16; ++hops) {  // follow merges to the survivor
      pid = *next;
      CK_ASSIGN_OR_RETURN(auto up,
                          c.Query("SELECT merged_into_id FROM patients WHERE id = ?", {pid}));
      next = up.empty() ? std::nullopt : up.at(0).OptInt(0);
    }
    return std::optional<int64_t>(pid);
  }
  return std::optional<int64_t>();
}

Result<patients::NewPatient> DemographicsOf(const Segment& pid, Timestamp now) {
  patients::NewPatient p;
  p.family_name = pid.Get(5, 1, 1, 1);
  p.given_name = pid.Get(5, 1, 2);
  std::string middle = pid.Get(5, 1, 3), suffix = pid.Get(5, 1, 4);
  if (!middle.empty()) p.middle_name = middle;
  if (!suffix.empty()) p.name_suffix = suffix;
  if (p.family_name.empty()) return InvalidArgument("PID-5 needs a family name", "PID-5");
  if (p.given_name.empty()) return InvalidArgument("PID-5 needs a given name", "PID-5");
  std::string birth = pid.Get(7);
  if (birth.size() < 8 || birth.substr(0, 8).find_first_not_of("0123456789") != std::string::npos)
    return InvalidArgument("PID-7 needs a birth date YYYYMMDD", "PID-7");
  p.birth_date = birth.substr(0, 4) + "-" + birth.substr(4, 2) + "-" + birth.substr(6, 2);
  std::string sex = pid.Get(8);
  p.administrative_sex = sex == "F"   ? "female"
                         : sex == "M" ? "male"
                         : sex == "O" ? "other"
                                      : "unknown";
  std::string line1 = pid.Get(11, 1, 1, 1), city = pid.Get(11, 1, 3), state = pid.Get(11, 1, 4),
              zip = pid.Get(11, 1, 5);
  if (!line1.empty()) p.address.line1 = line1;
  if (!pid.Get(11, 1, 2).empty()) p.address.line2 = pid.Get(11, 1, 2);
  if (!city.empty()) p.address.city = city;
  if (state.size() == 2) p.address.state = state;
  if (!zip.empty()) p.address.postal_code = zip;
  // A phone the registry cannot read is left out rather than refusing the admission.
  std::string phone = pid.Get(13, 1, 1);
  if (phone.empty() && !pid.Get(13, 1, 7).empty()) phone = pid.Get(13, 1, 6) + pid.Get(13, 1, 7);
  if (auto e164 = patients::NormalizePhone(phone, "PID-13"); e164.ok())
    p.phones.push_back({*e164, "home", true});
  if (Status st = patients::ValidateDemographics(p, DateOf(now)); !st.ok()) {
    // Optional parts that do not validate are dropped; required ones refuse the message.
    const std::string& f = st.field();
    if (f == "birth_date") return InvalidArgument(st.message(), "PID-7");
    if (f == "given_name" || f == "family_name" || f == "middle_name" || f == "name_suffix")
      return InvalidArgument(st.message(), "PID-5");
    p.address = {};
    p.phones.clear();
    if (Status again = patients::ValidateDemographics(p, DateOf(now)); !again.ok())
      return InvalidArgument(again.message(), "PID");
  }
  return p;
}

Status Event(db::Connection& c, const std::string& kind, std::optional<int64_t> patient,
             const std::string& entity_type, std::optional<int64_t> entity_id, const Json& payload,
             Timestamp occurred, Timestamp now) {
  return events::Raise(
      c, {kind, patient, entity_type, entity_id, payload.dump(), "hl7v2", occurred}, now);
}

// The patient of PID: found by identifier (updated from PID on A08, and on
// admissions when a newer record comes), or created.
Result<int64_t> UpsertPatient(db::Connection& c, const Message& m, const Segment& pid, bool update,
                              Timestamp now, Audit& audit) {
  std::vector<patients::Identifier> ids = IdentifiersOf(pid, 3, m);
  if (ids.empty()) return InvalidArgument("PID-3 needs a patient identifier", "PID-3");
  CK_ASSIGN_OR_RETURN(std::optional<int64_t> found, FindPatient(c, ids));
  auth::Actor actor = Hl7Actor(m);
  // Demographics are read only when they are used: cancels and merges often
  // carry a PID with identifiers alone.
  if (!found) {
    CK_ASSIGN_OR_RETURN(patients::NewPatient demo, DemographicsOf(pid, now));
    demo.identifiers = ids;
    CK_ASSIGN_OR_RETURN(patients::Patient made, patients::InsertPatient(c, demo, now));
    CK_RETURN_IF_ERROR(
        audit.Add(audit::EventBy(actor, now, "patient.create", "patient", std::to_string(made.id),
                                 made.id, "from " + m.type() + "^" + m.trigger())));
    return made.id;
  }
  // Identifiers the record does not have yet are added.
  for (const patients::Identifier& id : ids) {
    CK_ASSIGN_OR_RETURN(auto have, c.Query("SELECT patient_id FROM patient_identifiers WHERE "
                                           "system = ? AND value = ?",
                                           {id.system, id.value}));
    if (have.empty()) CK_RETURN_IF_ERROR(patients::InsertIdentifier(c, *found, id, now).status());
  }
  if (update) {
    CK_ASSIGN_OR_RETURN(patients::NewPatient demo, DemographicsOf(pid, now));
    CK_ASSIGN_OR_RETURN(patients::Patient current, patients::GetPatient(c, *found));
    // What the EHR does not send is kept: the registry holds more than PID carries.
    demo.middle_name = demo.middle_name ? demo.middle_name : current.middle_name;
    demo.preferred_name = current.preferred_name;
    demo.gender_identity = current.gender_identity;
    demo.preferred_language = current.preferred_language;
    demo.interpreter_needed = current.interpreter_needed;
    demo.races = current.races;
    demo.ethnicity = current.ethnicity;
    demo.email = current.email;
    demo.preferred_contact_method = current.preferred_contact_method;
    demo.preferred_contact_times = current.preferred_contact_times;
    if (!demo.address.line1) demo.address = current.address;
    if (demo.phones.empty()) demo.phones = current.phones;
    CK_RETURN_IF_ERROR(patients::UpdatePatient(c, *found, current.version, demo, now).status());
    CK_RETURN_IF_ERROR(
        audit.Add(audit::EventBy(actor, now, "patient.update", "patient", std::to_string(*found),
                                 *found, "from " + m.type() + "^" + m.trigger())));
  }
  return *found;
}

std::string ClassOf(const std::string& pv1_2) {
  if (pv1_2 == "I" || pv1_2 == "B") return "inpatient";
  if (pv1_2 == "E") return "emergency";
  if (pv1_2 == "O" || pv1_2 == "R" || pv1_2 == "P") return "outpatient";
  return "";
}

std::optional<std::string> AdmissionTypeOf(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (v == "E") return "emergency";
  if (v == "U" || v == "L") return "urgent";
  if (v == "C" || v == "R") return "elective";
  if (v == "N") return "newborn";
  if (v == "A") return "trauma";
  return "other";
}

std::optional<std::string> DispositionOf(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (v == "01") return "home";
  if (v == "02" || v == "05" || v == "66") return "transferred";
  if (v == "03" || v == "61") return "skilled_nursing";
  if (v == "04" || v == "64") return "long_term_care_hospital";
  if (v == "06") return "home_health";
  if (v == "07") return "left_against_medical_advice";
  if (v == "20" || v == "40" || v == "41" || v == "42") return "expired";
  if (v == "50" || v == "51") return "hospice";
  if (v == "62") return "inpatient_rehab";
  if (v == "63") return "long_term_care_hospital";
  return "other";
}

struct Visit {
  std::optional<int64_t> id;
  std::string status;
  std::optional<std::string> location;
  std::optional<Timestamp> discharged_at;
};

Result<Visit> FindVisit(db::Connection& c, const std::string& facility, const std::string& number) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, status, location, discharged_at FROM "
                                         "encounters WHERE facility = ? AND visit_number = ?",
                                         {facility, number}));
  Visit v;
  if (rows.empty()) return v;
  v.id = rows.at(0).Int(0);
  v.status = rows.at(0).Text(1);
  v.location = rows.at(0).OptText(2);
  v.discharged_at = rows.at(0).OptInt(3);
  return v;
}

std::string LocationOf(const Segment& pv1, int field) {
  std::string out;
  for (int comp : {1, 2, 3}) {
    std::string part = pv1.Get(field, 1, comp);
    if (!part.empty()) out += (out.empty() ? "" : "/") + part;
  }
  return out;
}

Result<std::string> DiagnosesOf(const Message& m) {
  std::string out;
  for (const Segment* dg1 : m.All("DG1")) {
    auto code = scoring::CompactIcd10(dg1->Get(3, 1, 1), "DG1-3");
    if (!code.ok()) continue;  // other coding systems (ICD-9, SNOMED) are not ICD-10 diagnoses
    std::string dotted = scoring::DottedIcd10(*code);
    if (out.find(dotted) != std::string::npos) continue;
    if (out.size() + dotted.size() + 1 > 500) break;
    out += (out.empty() ? "" : ",") + dotted;
  }
  return out;
}

// "YYYYMMDD..." → "YYYY-MM-DD", or empty when it is not a date.
std::string DateOfHl7(const std::string& v) {
  if (v.size() < 8 || v.substr(0, 8).find_first_not_of("0123456789") != std::string::npos)
    return "";
  std::string d = v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2);
  return ParseDate(d, "date").ok() ? d : "";
}

std::string ProductTypeOf(const std::string& payer, const std::string& plan) {
  std::string text = payer + " " + plan;
  for (char& ch : text) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (text.find("SELF") != std::string::npos) return "self_pay";
  if (text.find("MEDICARE") != std::string::npos)
    return text.find("ADVANTAGE") != std::string::npos ? "medicare_advantage" : "medicare_ffs";
  if (text.find("MEDICAID") != std::string::npos || text.find("MEDI-CAL") != std::string::npos)
    return "medicaid_ffs";
  return "other";
}

// IN1 segments → the patient's coverages, matched by payer and member id. An
// IN1 without a payer, or without a member id (self-pay excepted), is skipped:
// insurance is optional and must not hold up an admission.
Status ApplyInsurance(db::Connection& c, const Message& m, int64_t patient, Timestamp occurred,
                      Timestamp now, Audit& audit) {
  auth::Actor actor = Hl7Actor(m);
  for (const Segment* in1 : m.All("IN1")) {
    std::string payer = in1->Get(4, 1, 1);
    if (payer.empty()) payer = in1->Get(3, 1, 1);
    std::string plan = in1->Get(2, 1, 1);
    std::string product = ProductTypeOf(payer, plan);
    std::string member = in1->Get(36);
    if (member.empty()) member = in1->Get(49, 1, 1);
    if (member.empty() && product == "self_pay") member = "SELF-PAY";
    if (payer.empty() || member.empty() || payer.size() > 200 || member.size() > 64) continue;
    std::string group = in1->Get(8);
    std::string from = DateOfHl7(in1->Get(12));
    if (from.empty()) from = FormatDate(DateOf(occurred));
    std::string to = DateOfHl7(in1->Get(13));
    if (!to.empty() && to < from) to.clear();
    std::string set_id = in1->Get(1);
    std::string priority = set_id == "1" ? "primary" : set_id == "2" ? "secondary" : "tertiary";
    auto opt = [](const std::string& v) { return v.empty() ? db::Value() : db::Value(v); };
    CK_ASSIGN_OR_RETURN(
        auto found,
        c.Query("SELECT id FROM coverages WHERE patient_id = ? AND payer = ? AND member_id = ? "
                "AND status <> 'entered_in_error'",
                {patient, payer, member}));
    std::string action;
    int64_t id = 0;
    if (found.empty()) {
      CK_ASSIGN_OR_RETURN(
          auto rows,
          c.Query("INSERT INTO coverages (patient_id, payer, plan, product_type, member_id, "
                  "group_number, effective_from, effective_to, priority, status, created_at, "
                  "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id",
                  {patient, payer, opt(plan), product, member, opt(group), from, opt(to), priority,
                   now, now}));
      id = rows.at(0).Int(0);
      action = "coverage.create";
    } else {
      id = found.at(0).Int(0);
      CK_RETURN_IF_ERROR(
          c.Exec("UPDATE coverages SET plan = COALESCE(?, plan), group_number = COALESCE(?, "
                 "group_number), effective_from = ?, effective_to = ?, priority = ?, "
                 "product_type = ?, status = 'active', updated_at = ?, version = version + 1 "
                 "WHERE id = ?",
                 {opt(plan), opt(group), from, opt(to), priority, product, now, id})
              .status());
      action = "coverage.update";
    }
    CK_RETURN_IF_ERROR(audit.Add(audit::EventBy(actor, now, action, "coverage", std::to_string(id),
                                                patient, "from " + m.type() + "^" + m.trigger())));
  }
  return Status::Ok();
}

std::string RelationshipOf(const std::string& code) {
  static const std::pair<const char*, const char*> kCodes[] = {
      {"SPO", "spouse"},  {"DOM", "spouse"},    {"CHD", "child"},           {"NCH", "child"},
      {"SCH", "child"},   {"ADC", "child"},     {"FCH", "child"},           {"GCH", "child"},
      {"PAR", "parent"},  {"MTH", "parent"},    {"FTH", "parent"},          {"STP", "parent"},
      {"SIB", "sibling"}, {"BRO", "sibling"},   {"SIS", "sibling"},         {"GRD", "guardian"},
      {"FND", "friend"},  {"CGV", "caregiver"}, {"HHM", "household_member"}};
  for (const auto& [hl7, ours] : kCodes)
    if (code == hl7) return ours;
  return "other";
}

// NK1 segments → the people around the patient, matched by name. A hospital's
// next-of-kin list never grants information sharing: that is the patient's
// consent, recorded separately; an existing person's sharing flag is kept.
Status ApplyNextOfKin(db::Connection& c, const Message& m, int64_t patient, Timestamp now,
                      Audit& audit) {
  auth::Actor actor = Hl7Actor(m);
  for (const Segment* nk1 : m.All("NK1")) {
    std::string given = nk1->Get(2, 1, 2), family = nk1->Get(2, 1, 1, 1);
    std::string name = given.empty() ? family : family.empty() ? given : given + " " + family;
    if (name.empty() || name.size() > 200) continue;
    std::string code = nk1->Get(3, 1, 1);
    std::string relationship = RelationshipOf(code);
    bool emergency = code == "EMC" || nk1->Get(7, 1, 1) == "C" || nk1->Get(7, 1, 1) == "EC";
    auto phone = patients::NormalizePhone(nk1->Get(5, 1, 1), "NK1-5");
    db::Value phone_value = phone.ok() ? db::Value(*phone) : db::Value();
    CK_ASSIGN_OR_RETURN(auto found, c.Query("SELECT id FROM patient_relationships WHERE "
                                            "patient_id = ? AND name = ?",
                                            {patient, name}));
    std::string action;
    int64_t id = 0;
    if (found.empty()) {
      patients::Relationship r;
      r.patient_id = patient;
      r.name = name;
      r.relationship = relationship;
      if (phone.ok()) r.phone = *phone;
      r.emergency_contact = emergency;
      CK_ASSIGN_OR_RETURN(patients::Relationship made, patients::InsertRelationship(c, r, now));
      id = made.id;
      action = "relationship.create";
    } else {
      id = found.at(0).Int(0);
      CK_RETURN_IF_ERROR(c.Exec("UPDATE patient_relationships SET relationship = ?, phone = "
                                "COALESCE(?, phone), emergency_contact = ?, updated_at = ?, "
                                "version = version + 1 WHERE id = ?",
                                {relationship, phone_value, emergency, now, id})
                             .status());
      action = "relationship.update";
    }
    CK_RETURN_IF_ERROR(
        audit.Add(audit::EventBy(actor, now, action, "relationship", std::to_string(id), patient,
                                 "from " + m.type() + "^" + m.trigger())));
  }
  return Status::Ok();
}

}  // namespace

Result<Timestamp> ParseHl7Time(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return InvalidArgument("must be an HL7 time YYYYMMDD[HHMM[SS]][+ZZZZ]", std::string(field));
  };
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits < 8 || digits > 14 || digits % 2 == 1) return bad();
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    std::from_chars(text.data() + at, text.data() + at + len, v);
    return v;
  };
  char iso[40];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d", num(0, 4), num(4, 2), num(6, 2),
                digits >= 10 ? num(8, 2) : 0, digits >= 12 ? num(10, 2) : 0,
                digits >= 14 ? num(12, 2) : 0);
  std::string_view rest = text.substr(digits);
  if (!rest.empty() && rest[0] == '.') {  // fractions of a second
    rest.remove_prefix(1);
    while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0])))
      rest.remove_prefix(1);
  }
  std::string zone = "Z";
  if (!rest.empty()) {
    if (rest.size() != 5 || (rest[0] != '+' && rest[0] != '-') ||
        rest.substr(1).find_first_not_of("0123456789") != std::string_view::npos)
      return bad();
    zone = std::string(rest.substr(0, 3)) + ":" + std::string(rest.substr(3));
  }
  auto t = ParseTimestamp(std::string(iso) + zone, field);
  if (!t.ok()) return bad();
  return *t;
}

bool AdtMapping::Handles(std::string_view type, std::string_view trigger) const {
  return type == "ADT" && std::find(kTriggers.begin(), kTriggers.end(), trigger) != kTriggers.end();
}

Result<Applied> AdtMapping::Apply(db::Connection& c, const Message& m, Timestamp now,
                                  audit::Batch& audit) {
  const std::string trigger = m.trigger();
  auth::Actor actor = Hl7Actor(m);
  // When it happened: EVN-6 (occurred), else EVN-2 (recorded), else MSH-7.
  Timestamp occurred = now;
  for (const char* path : {"EVN-6", "EVN-2", "MSH-7"}) {
    std::string v = m.Get(path);
    if (v.empty()) continue;
    auto t = ParseHl7Time(v, path);
    if (t.ok()) {
      occurred = *t;
      break;
    }
  }

  if (trigger == "A40") {
    // Pairs of PID (the surviving patient) and MRG (the record merged into it).
    const auto& segs = m.segments();
    std::optional<int64_t> last;
    for (size_t i = 0; i < segs.size(); ++i) {
      if (segs[i].id() != "PID") continue;
      const Segment& pid = segs[i];
      const Segment* mrg =
          i + 1 < segs.size() && segs[i + 1].id() == "MRG" ? &segs[i + 1] : nullptr;
      if (!mrg) return InvalidArgument("A40 needs an MRG segment after each PID", "MRG");
      CK_ASSIGN_OR_RETURN(int64_t survivor, UpsertPatient(c, m, pid, false, now, audit));
      std::vector<patients::Identifier> prior = IdentifiersOf(*mrg, 1, m);
      if (prior.empty()) return InvalidArgument("MRG-1 needs the prior identifier", "MRG-1");
      CK_ASSIGN_OR_RETURN(std::optional<int64_t> merged, FindPatient(c, prior));
      if (!merged) return NotFound("no patient has the MRG-1 identifier", "MRG-1");
      if (*merged != survivor) {
        CK_RETURN_IF_ERROR(patients::MergePatients(c, survivor, *merged, now));
        CK_RETURN_IF_ERROR(audit.Add(
            audit::EventBy(actor, now, "patient.merge", "patient", std::to_string(*merged),
                           survivor, "merged into " + std::to_string(survivor) + " by A40")));
        CK_RETURN_IF_ERROR(Event(c, "patient.merged", survivor, "patient", *merged,
                                 {{"merged_patient_id", *merged}}, occurred, now));
      }
      last = survivor;
      if (observer_) CK_RETURN_IF_ERROR(observer_->EncountersChanged(c, survivor, now));
    }
    if (!last) return InvalidArgument("A40 needs a PID segment", "PID");
    return Applied{last};
  }

  const Segment* pid = m.First("PID");
  if (!pid) return InvalidArgument("the message needs a PID segment", "PID");
  const bool update_demographics = trigger != "A11" && trigger != "A12" && trigger != "A13";
  CK_ASSIGN_OR_RETURN(int64_t patient, UpsertPatient(c, m, *pid, update_demographics, now, audit));
  if (update_demographics) {
    CK_RETURN_IF_ERROR(ApplyInsurance(c, m, patient, occurred, now, audit));
    CK_RETURN_IF_ERROR(ApplyNextOfKin(c, m, patient, now, audit));
  }
  const Segment* pv1 = m.First("PV1");
  if (!pv1) {
    if (trigger == "A08") {
      CK_RETURN_IF_ERROR(
          Event(c, "patient.updated", patient, "patient", patient, Json::object(), occurred, now));
      return Applied{patient};
    }
    return InvalidArgument("the message needs a PV1 segment", "PV1");
  }

  std::string number = pv1->Get(19, 1, 1);
  std::string facility = pv1->Get(3, 1, 4, 1);
  if (facility.empty()) facility = m.Get("MSH-4.1");
  if (facility.empty()) return InvalidArgument("no facility in PV1-3.4 or MSH-4", "PV1-3");
  if (number.empty()) {
    if (trigger == "A08") {  // a demographics update without a visit
      CK_RETURN_IF_ERROR(
          Event(c, "patient.updated", patient, "patient", patient, Json::object(), occurred, now));
      return Applied{patient};
    }
    // An admission, registration or discharge without a visit number still
    // tells the case manager something: it is recorded as a visit of its own,
    // which later messages cannot refer to.
    if (trigger != "A01" && trigger != "A03" && trigger != "A04" && trigger != "A05")
      return InvalidArgument("PV1-19 needs the visit number", "PV1-19");
  }
  Visit visit;
  if (!number.empty()) {
    CK_ASSIGN_OR_RETURN(visit, FindVisit(c, facility, number));
  }
  std::string location = LocationOf(*pv1, 3);

  auto need_visit = [&]() -> Status {
    if (!visit.id) return NotFound("no encounter has this visit number", "PV1-19");
    return Status::Ok();
  };
  auto bump = [&](const std::string& set, db::Params params) -> Status {
    params.emplace_back(now);
    params.emplace_back(*visit.id);
    return c
        .Exec(
            "UPDATE encounters SET " + set + ", updated_at = ?, version = version + 1 WHERE id = ?",
            params)
        .status();
  };
  Json payload = {{"visit_number", number}, {"facility", facility}, {"trigger", trigger}};
  std::string kind;

  if (trigger == "A11") {  // cancel admit / visit
    CK_RETURN_IF_ERROR(need_visit());
    CK_RETURN_IF_ERROR(bump("status = 'cancelled'", {}));
    kind = "encounter.admission_cancelled";
  } else if (trigger == "A12") {  // cancel transfer: back to where the patient was
    CK_RETURN_IF_ERROR(need_visit());
    CK_RETURN_IF_ERROR(bump("location = previous_location, previous_location = NULL", {}));
    kind = "encounter.transfer_cancelled";
  } else if (trigger == "A13") {  // cancel discharge
    CK_RETURN_IF_ERROR(need_visit());
    CK_RETURN_IF_ERROR(
        bump("discharged_at = NULL, discharge_disposition = NULL, status = "
             "'in_progress'",
             {}));
    kind = "encounter.discharge_cancelled";
  } else {
    std::string klass = ClassOf(pv1->Get(2));
    if (klass.empty())
      return InvalidArgument("PV1-2 patient class must be I, E, O, B, R or P", "PV1-2");
    // Admission from PV1-44, else when the event occurred; discharge (A03 only)
    // from PV1-45, else when the event occurred.
    Timestamp admitted_at = occurred, discharged_at = occurred;
    if (std::string v = pv1->Get(44); !v.empty()) {
      CK_ASSIGN_OR_RETURN(admitted_at, ParseHl7Time(v, "PV1-44"));
    }
    if (std::string v = pv1->Get(45); !v.empty() && trigger == "A03") {
      CK_ASSIGN_OR_RETURN(discharged_at, ParseHl7Time(v, "PV1-45"));
    }
    const bool discharging = trigger == "A03";
    if (discharging && discharged_at < admitted_at)
      return InvalidArgument("discharge before admission", "PV1-45");
    std::optional<std::string> type = AdmissionTypeOf(pv1->Get(4));
    std::optional<std::string> disposition =
        trigger == "A03" ? DispositionOf(pv1->Get(36)) : std::nullopt;
    std::string admit_source = pv1->Get(14);
    CK_ASSIGN_OR_RETURN(std::string diagnoses, DiagnosesOf(m));
    std::string status = trigger == "A05"   ? "planned"
                         : trigger == "A03" ? "finished"
                                            : "in_progress";
    const db::Value discharged_value = discharging ? db::Value(discharged_at) : db::Value();
    if (!visit.id) {
      // A visit seen first here (its admission never reached us, or this is it)
      // starts with what this message knows.
      CK_ASSIGN_OR_RETURN(
          auto rows,
          c.Query("INSERT INTO encounters (patient_id, encounter_class, facility, visit_number, "
                  "admitted_at, discharged_at, admission_type, discharge_disposition, diagnoses, "
                  "status, location, admit_source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  {patient, klass, facility, number.empty() ? db::Value() : db::Value(number),
                   admitted_at, discharged_value, type, disposition,
                   diagnoses.empty() ? db::Value() : db::Value(diagnoses), status,
                   location.empty() ? db::Value() : db::Value(location),
                   admit_source.empty() ? db::Value() : db::Value(admit_source), now, now}));
      visit.id = rows.at(0).Int(0);
      CK_RETURN_IF_ERROR(audit.Add(audit::EventBy(actor, now, "encounter.create", "encounter",
                                                  std::to_string(*visit.id), patient, trigger)));
    } else {
      if (visit.status == "cancelled" && trigger != "A01" && trigger != "A04" && trigger != "A05")
        return FailedPrecondition("the visit was cancelled (A11); re-admit it first");
      std::string set =
          "patient_id = ?, encounter_class = ?, admitted_at = ?, admission_type = COALESCE(?, "
          "admission_type), diagnoses = COALESCE(?, diagnoses), status = ?, location = COALESCE(?, "
          "location), admit_source = COALESCE(?, admit_source)";
      db::Params params{patient,
                        klass,
                        admitted_at,
                        type,
                        diagnoses.empty() ? db::Value() : db::Value(diagnoses),
                        status,
                        location.empty() ? db::Value() : db::Value(location),
                        admit_source.empty() ? db::Value() : db::Value(admit_source)};
      if (trigger == "A02" && !location.empty() && visit.location != location) {
        set += ", previous_location = location";
      }
      if (trigger == "A03") {
        set += ", discharged_at = ?, discharge_disposition = ?";
        params.emplace_back(discharged_value);
        params.emplace_back(disposition);
      }
      CK_RETURN_IF_ERROR(bump(set, params));
      CK_RETURN_IF_ERROR(audit.Add(audit::EventBy(actor, now, "encounter.update", "encounter",
                                                  std::to_string(*visit.id), patient, trigger)));
    }
    payload["encounter_class"] = klass;
    if (!location.empty()) payload["location"] = location;
    if (disposition) payload["discharge_disposition"] = *disposition;
    kind = trigger == "A01"   ? "encounter.admitted"
           : trigger == "A02" ? "encounter.transferred"
           : trigger == "A03" ? "encounter.discharged"
           : trigger == "A04" ? "encounter.registered"
           : trigger == "A05" ? "encounter.preadmitted"
           : trigger == "A08" ? "encounter.updated"
                              : "encounter.class_changed";
  }
  CK_RETURN_IF_ERROR(Event(c, kind, patient, "encounter", visit.id, payload, occurred, now));
  if (observer_) CK_RETURN_IF_ERROR(observer_->EncountersChanged(c, patient, now));
  return Applied{patient};
}

}  // namespace ck::hl7
