// The patient registry's records: who the patient is (demographics for care
// and for equity reporting), how to reach them, the identifiers other systems
// know them by, the people around them, and the care team that governs access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace ck::patients {

struct Address {
  std::optional<std::string> line1, line2, city;
  std::optional<std::string> state;        // two-letter code for US addresses
  std::optional<std::string> postal_code;  // ZIP or ZIP+4 for US addresses
  std::optional<std::string> country;      // ISO 3166 alpha-2; absent means US
};

struct Phone {
  std::string number;          // E.164, e.g. "+15550104477"
  std::string use = "mobile";  // mobile | home | work | other
  bool preferred = false;
};

// An identifier another system gives the patient: an MRN per facility, a plan
// member id. (system, value) is unique across all patients.
struct Identifier {
  int64_t id = 0;
  std::string system;  // a URI or OID naming the issuer
  std::string value;
  std::string kind = "MR";  // MR | MB | PI | SN | DL | other (HL7 v2 table 0203)
};

// The demographic record as created or replaced. The first four fields are required.
struct NewPatient {
  std::string given_name;
  std::string family_name;
  std::string birth_date;          // YYYY-MM-DD
  std::string administrative_sex;  // female | male | other | unknown (FHIR AdministrativeGender)
  std::optional<std::string> middle_name, name_suffix, preferred_name;
  std::optional<std::string> gender_identity;     // US Core gender identity codes
  std::optional<std::string> preferred_language;  // BCP 47
  bool interpreter_needed = false;
  std::vector<std::string> races;        // OMB race categories, any number
  std::optional<std::string> ethnicity;  // OMB ethnicity
  Address address;
  std::optional<std::string> email;
  std::optional<std::string>
      preferred_contact_method;  // phone | sms | email | mail | portal | in_person
  std::optional<std::string> preferred_contact_times;  // free text: "weekdays after 4pm"
  std::vector<Phone> phones;
  std::vector<Identifier> identifiers;  // set at creation; later through their own endpoints
};

struct Patient : NewPatient {
  int64_t id = 0;
  int version = 1;  // optimistic concurrency: an update must name the version it read
  std::optional<int64_t> merged_into_id;  // set when this record was merged into another
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// Family, caregivers, guardians and others around the patient.
struct Relationship {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::string name;
  std::string relationship;  // caregiver | guardian | power_of_attorney | household_member |
                             // spouse | parent | child | sibling | friend | other
  std::optional<std::string> phone;  // E.164
  std::optional<std::string> email;
  bool may_receive_information = false;  // the patient allows sharing with this person
  bool emergency_contact = false;
  int version = 1;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct SearchQuery {
  std::optional<std::string> name;        // "gar", "garcia, ma", "maria garcia": prefixes
  std::optional<std::string> birth_date;  // exact
  std::optional<std::string> identifier;  // exact value
  std::optional<std::string> system;      // with identifier: only this issuer
  std::optional<std::string> phone;       // any format; matched normalised
  int64_t after_id = 0;
  int limit = 50;
};

struct CareTeamMember {
  int64_t id = 0;
  int64_t patient_id = 0;
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  std::string member_role;  // "primary_case_manager", "case_manager", "supervisor", ...
  Timestamp added_at = 0;
};

}  // namespace ck::patients
