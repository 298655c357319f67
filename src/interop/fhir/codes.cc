#include "interop/fhir/codes.h"

#include <algorithm>
#include <utility>

namespace ck::fhir {
namespace {

using Pair = std::pair<std::string_view, std::string_view>;

template <size_t N>
std::optional<std::string> Lookup(const Pair (&table)[N], std::string_view key) {
  for (const auto& [k, v] : table)
    if (k == key) return std::string(v);
  return std::nullopt;
}

template <size_t N>
std::optional<std::string> Reverse(const Pair (&table)[N], std::string_view value) {
  for (const auto& [k, v] : table)
    if (v == value) return std::string(k);
  return std::nullopt;
}

// SNOMED CT → ICD-10-CM for the conditions case management scores and programs
// use and that EHR and Synthea data carry. A curated list, not the NLM map:
// codes it does not know stay SNOMED CT (docs/fhir.md).
constexpr Pair kSnomedIcd10[] = {
    {"44054006", "E11.9"},           // diabetes mellitus type 2
    {"46635009", "E10.9"},           // diabetes mellitus type 1
    {"368581000119106", "E11.40"},   // neuropathy due to type 2 diabetes
    {"127013003", "E11.21"},         // diabetic renal disease
    {"15777000", "R73.03"},          // prediabetes
    {"80394007", "R73.9"},           // hyperglycaemia
    {"38341003", "I10"},             // hypertension
    {"59621000", "I10"},             // essential hypertension
    {"88805009", "I50.9"},           // chronic congestive heart failure
    {"42343007", "I50.9"},           // congestive heart failure
    {"84114007", "I50.9"},           // heart failure
    {"22298006", "I21.9"},           // myocardial infarction
    {"399211009", "I25.2"},          // history of myocardial infarction
    {"53741008", "I25.10"},          // coronary heart disease
    {"49436004", "I48.91"},          // atrial fibrillation
    {"230690007", "I63.9"},          // stroke
    {"185086009", "J44.9"},          // chronic obstructive bronchitis
    {"13645005", "J44.9"},           // chronic obstructive lung disease
    {"87433001", "J43.9"},           // pulmonary emphysema
    {"195967001", "J45.909"},        // asthma
    {"233678006", "J45.909"},        // childhood asthma
    {"431855005", "N18.1"},          // chronic kidney disease stage 1
    {"431856006", "N18.2"},          // chronic kidney disease stage 2
    {"433144002", "N18.30"},         // chronic kidney disease stage 3
    {"431857002", "N18.4"},          // chronic kidney disease stage 4
    {"46177005", "N18.6"},           // end-stage renal disease
    {"26929004", "G30.9"},           // Alzheimer's disease
    {"84757009", "G40.909"},         // epilepsy
    {"128613002", "G40.909"},        // seizure disorder
    {"124171000119105", "G43.719"},  // chronic intractable migraine without aura
    {"82423001", "G89.29"},          // chronic pain
    {"363406005", "C18.9"},          // malignant tumour of colon
    {"109838007", "C18.8"},          // overlapping malignant neoplasm of colon
    {"94260004", "C78.5"},           // secondary malignant neoplasm of colon
    {"254632001", "C34.90"},         // small cell carcinoma of lung
    {"67811000119102", "C34.90"},    // primary small cell malignant neoplasm of lung
    {"92691004", "D07.5"},           // carcinoma in situ of prostate
    {"69896004", "M06.9"},           // rheumatoid arthritis
    {"64859006", "M81.0"},           // osteoporosis
    {"90560007", "M10.9"},           // gout
    {"239873007", "M17.9"},          // osteoarthritis of knee
    {"239872002", "M16.9"},          // osteoarthritis of hip
    {"370143000", "F32.9"},          // major depressive disorder
    {"192127007", "F90.9"},          // child attention deficit disorder
    {"5602001", "F11.10"},           // opioid abuse
    {"449868002", "F17.210"},        // smokes tobacco daily
    {"162864005", "E66.9"},          // body mass index 30+ - obesity
    {"55822004", "E78.5"},           // hyperlipidaemia
    {"302870006", "E78.1"},          // hypertriglyceridaemia
    {"237602007", "E88.81"},         // metabolic syndrome
    {"271737000", "D64.9"},          // anaemia
    {"40055000", "J32.9"},           // chronic sinusitis
    {"444814009", "J01.90"},         // viral sinusitis
    {"75498004", "J01.90"},          // acute bacterial sinusitis
    {"195662009", "J02.9"},          // acute viral pharyngitis
    {"43878008", "J02.0"},           // streptococcal sore throat
    {"10509002", "J20.9"},           // acute bronchitis
    {"65363002", "H66.90"},          // otitis media
    {"72892002", "Z34.90"},          // normal pregnancy
    {"74400008", "K37"},             // appendicitis
    {"68496003", "K63.5"},           // polyp of colon
    {"713197008", "K62.1"},          // recurrent rectal polyp
    {"6072007", "K62.5"},            // bleeding from anus
    {"38822007", "N30.90"},          // cystitis
};

constexpr Pair kRaces[] = {
    {"1002-5", "american_indian_or_alaska_native"},
    {"2028-9", "asian"},
    {"2054-5", "black_or_african_american"},
    {"2076-8", "native_hawaiian_or_other_pacific_islander"},
    {"2106-3", "white"},
    {"2131-1", "other"},
};

constexpr Pair kEthnicities[] = {
    {"2135-2", "hispanic_or_latino"},
    {"2186-5", "not_hispanic_or_latino"},
};

constexpr Pair kOmbDisplays[] = {
    {"1002-5", "American Indian or Alaska Native"},
    {"2028-9", "Asian"},
    {"2054-5", "Black or African American"},
    {"2076-8", "Native Hawaiian or Other Pacific Islander"},
    {"2106-3", "White"},
    {"2131-1", "Other Race"},
    {"2135-2", "Hispanic or Latino"},
    {"2186-5", "Not Hispanic or Latino"},
};

constexpr Pair kIdentifierKinds[] = {
    {"MR", "MR"}, {"MB", "MB"}, {"PI", "PI"},     {"SS", "SN"},
    {"SB", "SN"}, {"DL", "DL"}, {"PPN", "other"},
};

constexpr Pair kEncounterClasses[] = {
    {"IMP", "inpatient"},  {"ACUTE", "inpatient"},    {"NONAC", "inpatient"},
    {"EMER", "emergency"}, {"OBSENC", "observation"}, {"AMB", "outpatient"},
    {"VR", "outpatient"},  {"HH", "outpatient"},      {"FLD", "outpatient"},
};

constexpr Pair kDispositions[] = {
    {"home", "home"},
    {"alt-home", "home"},
    {"hh", "home_health"},
    {"snf", "skilled_nursing"},
    {"rehab", "inpatient_rehab"},
    {"long", "long_term_care_hospital"},
    {"hosp", "hospice"},
    {"aadvice", "left_against_medical_advice"},
    {"other-hcf", "transferred"},
    {"exp", "expired"},
    {"oth", "other"},
};

constexpr Pair kPriorities[] = {
    {"EM", "emergency"},
    {"UR", "urgent"},
    {"EL", "elective"},
    {"R", "other"},
};

// Source of Payment Typology: the first digits name the family.
constexpr Pair kProductTypes[] = {
    {"11", "medicare_advantage"},
    {"12", "medicare_ffs"},
    {"21", "medicaid_managed_care"},
    {"22", "medicaid_ffs"},
    {"5", "commercial"},
    {"81", "self_pay"},
    {"9", "other"},
};

}  // namespace

const Json* FindCoding(const Json& codeable, std::string_view system) {
  if (!codeable.is_object()) return nullptr;
  auto it = codeable.find("coding");
  if (it == codeable.end() || !it->is_array()) return nullptr;
  for (const Json& c : *it) {
    if (!c.is_object()) continue;
    if (system.empty()) return &c;
    auto s = c.find("system");
    if (s != c.end() && s->is_string() && s->get_ref<const std::string&>() == system) return &c;
  }
  return nullptr;
}

std::optional<std::string> ConceptText(const Json& codeable) {
  if (!codeable.is_object()) return std::nullopt;
  auto t = codeable.find("text");
  if (t != codeable.end() && t->is_string() && !t->get_ref<const std::string&>().empty())
    return t->get<std::string>();
  if (auto it = codeable.find("coding"); it != codeable.end() && it->is_array()) {
    for (const Json& c : *it) {
      auto d = c.is_object() ? c.find("display") : c.end();
      if (c.is_object() && d != c.end() && d->is_string()) return d->get<std::string>();
    }
  }
  return std::nullopt;
}

std::optional<std::string> SnomedToIcd10(std::string_view snomed) {
  return Lookup(kSnomedIcd10, snomed);
}

std::optional<std::string> RaceFromOmb(std::string_view code) {
  if (code == "UNK") return "unknown";
  if (code == "ASKU") return "declined";
  return Lookup(kRaces, code);
}
std::optional<std::string> OmbFromRace(std::string_view race) { return Reverse(kRaces, race); }
std::optional<std::string> EthnicityFromOmb(std::string_view code) {
  if (code == "UNK") return "unknown";
  if (code == "ASKU") return "declined";
  return Lookup(kEthnicities, code);
}
std::optional<std::string> OmbFromEthnicity(std::string_view ethnicity) {
  return Reverse(kEthnicities, ethnicity);
}
std::string OmbDisplay(std::string_view code) {
  return Lookup(kOmbDisplays, code).value_or(std::string(code));
}

std::string IdentifierKindFromV2(std::string_view code) {
  return Lookup(kIdentifierKinds, code).value_or("other");
}
std::string V2FromIdentifierKind(std::string_view kind) {
  if (kind == "SN") return "SS";
  if (kind == "other") return "";
  return std::string(kind);
}

std::optional<std::string> EncounterClassFromActCode(std::string_view code) {
  return Lookup(kEncounterClasses, code);
}
std::string ActCodeFromEncounterClass(std::string_view encounter_class) {
  return Reverse(kEncounterClasses, encounter_class).value_or("AMB");
}

std::string EncounterStatusFromFhir(std::string_view status, bool ended) {
  if (status == "planned") return "planned";
  if (status == "finished") return "finished";
  if (status == "cancelled") return "cancelled";
  if (status == "entered-in-error") return "entered_in_error";
  if (status == "unknown") return ended ? "finished" : "in_progress";
  return "in_progress";  // arrived, triaged, in-progress, onleave
}
std::string FhirEncounterStatus(std::string_view status) {
  if (status == "in_progress") return "in-progress";
  if (status == "entered_in_error") return "entered-in-error";
  return std::string(status);
}

std::optional<std::string> DispositionFromFhir(std::string_view code) {
  return Lookup(kDispositions, code);
}
std::string FhirDisposition(std::string_view disposition) {
  if (disposition == "transferred") return "other-hcf";
  return Reverse(kDispositions, disposition).value_or("oth");
}

std::optional<std::string> AdmissionTypeFromPriority(std::string_view code) {
  return Lookup(kPriorities, code);
}
std::string PriorityFromAdmissionType(std::string_view admission_type) {
  return Reverse(kPriorities, admission_type).value_or("R");
}

std::string ProductTypeFromPayment(std::string_view code) {
  if (code == "81") return "self_pay";
  for (size_t n : {size_t{2}, size_t{1}}) {
    if (code.size() < n) continue;
    if (auto t = Lookup(kProductTypes, code.substr(0, n))) return *t;
  }
  return "other";
}
std::string PaymentFromProductType(std::string_view product_type) {
  return Reverse(kProductTypes, product_type).value_or("9");
}

std::string MedicationStatusFromFhir(std::string_view status) {
  if (status == "on-hold") return "on_hold";
  if (status == "cancelled" || status == "stopped" || status == "not-taken") return "stopped";
  if (status == "completed") return "completed";
  if (status == "entered-in-error") return "entered_in_error";
  return "active";  // active, draft, intended, unknown
}
std::string FhirMedicationRequestStatus(std::string_view status) {
  if (status == "on_hold") return "on-hold";
  if (status == "entered_in_error") return "entered-in-error";
  return std::string(status);
}

Result<std::string> ParseFhirDate(std::string_view text, std::string_view field) {
  std::string date(text.substr(0, std::min<size_t>(text.size(), 10)));
  if (date.size() == 4) date += "-01-01";
  if (date.size() == 7) date += "-01";
  auto d = ParseDate(date, field);
  if (!d.ok() || (text.size() > 10 && text[10] != 'T'))
    return InvalidArgument("must be a FHIR date or dateTime", std::string(field));
  return date;
}

Result<Timestamp> ParseFhirDateTime(std::string_view text, std::string_view field) {
  if (text.size() <= 10) {
    CK_ASSIGN_OR_RETURN(std::string date, ParseFhirDate(text, field));
    CK_ASSIGN_OR_RETURN(Date d, ParseDate(date, field));
    return StartOfDay(d);
  }
  auto t = ParseTimestamp(text, field);
  if (!t.ok())
    return InvalidArgument("must be a FHIR dateTime with a time zone", std::string(field));
  return *t;
}

}  // namespace ck::fhir
