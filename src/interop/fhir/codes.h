// The code systems and value sets FHIR resources carry, and how they map onto
// casekeeper's own values in both directions (docs/fhir.md lists every table).
//
//   FindCoding(condition["code"], kSnomed)  // the SNOMED CT coding, or null
//   SnomedToIcd10("44054006") == "E11.9"
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace ck::fhir {

using Json = nlohmann::json;

inline constexpr std::string_view kSnomed = "http://snomed.info/sct";
inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr std::string_view kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr std::string_view kIcd10 = "http://hl7.org/fhir/sid/icd-10";
inline constexpr std::string_view kOmbRaceEthnicity = "urn:oid:2.16.840.1.113883.6.238";
inline constexpr std::string_view kUsCoreRace =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
inline constexpr std::string_view kUsCoreEthnicity =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
inline constexpr std::string_view kIdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
inline constexpr std::string_view kPaymentTypology = "urn:oid:2.16.840.1.113883.3.221.5";
inline constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kDischargeDisposition =
    "http://terminology.hl7.org/CodeSystem/discharge-disposition";
inline constexpr std::string_view kAdmitSource =
    "http://terminology.hl7.org/CodeSystem/admit-source";
inline constexpr std::string_view kActPriority =
    "http://terminology.hl7.org/CodeSystem/v3-ActPriority";
inline constexpr std::string_view kVisitNumberSystem = "urn:casekeeper:visit-number";

// The coding of `codeable` (a CodeableConcept) in `system`, or nullptr. With an
// empty system, the first coding.
const Json* FindCoding(const Json& codeable, std::string_view system = {});
// The text of a CodeableConcept: its text, else the first coding's display.
std::optional<std::string> ConceptText(const Json& codeable);

// The ICD-10-CM code for a SNOMED CT codeable where casekeeper's curated map
// (chronic conditions that drive risk scores and programs) knows one.
std::optional<std::string> SnomedToIcd10(std::string_view snomed);

// OMB race and ethnicity codes (CDC Race & Ethnicity) to casekeeper's values and back.
std::optional<std::string> RaceFromOmb(std::string_view code);
std::optional<std::string> OmbFromRace(std::string_view race);  // code
std::optional<std::string> EthnicityFromOmb(std::string_view code);
std::optional<std::string> OmbFromEthnicity(std::string_view ethnicity);
std::string OmbDisplay(std::string_view code);

// Identifier.type (v2 table 0203) to the registry's identifier kinds and back.
std::string IdentifierKindFromV2(std::string_view code);
std::string V2FromIdentifierKind(std::string_view kind);

// Encounter.class (v3 ActCode) to encounter_class and back.
std::optional<std::string> EncounterClassFromActCode(std::string_view code);
std::string ActCodeFromEncounterClass(std::string_view encounter_class);
// Encounter.status to casekeeper's, given whether the period has ended, and back.
std::string EncounterStatusFromFhir(std::string_view status, bool ended);
std::string FhirEncounterStatus(std::string_view status);
std::optional<std::string> DispositionFromFhir(std::string_view code);
std::string FhirDisposition(std::string_view disposition);
std::optional<std::string> AdmissionTypeFromPriority(std::string_view code);
std::string PriorityFromAdmissionType(std::string_view admission_type);

// Coverage.type (Source of Payment Typology) to product_type and back.
std::string ProductTypeFromPayment(std::string_view code);
std::string PaymentFromProductType(std::string_view product_type);

// MedicationRequest/MedicationStatement status to casekeeper's and back.
std::string MedicationStatusFromFhir(std::string_view status);
std::string FhirMedicationRequestStatus(std::string_view status);

// FHIR dateTime, date or instant ("2019", "2019-02", "2019-02-13",
// "2019-02-13T10:11:40-05:00") as UTC milliseconds; a partial date is its first
// day at midnight UTC. InvalidArgument naming `field` otherwise.
Result<Timestamp> ParseFhirDateTime(std::string_view text, std::string_view field);
// The date part ("YYYY-MM-DD", partial dates padded with -01); InvalidArgument naming `field`.
Result<std::string> ParseFhirDate(std::string_view text, std::string_view field);

}  // namespace ck::fhir
