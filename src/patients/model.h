// The patient registry's records. The foundation holds identity and the care
// team that governs access; the patients issue adds identifiers, contacts,
// clinical background and coverage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace ck::patients {

struct Patient {
  int64_t id = 0;
  std::string given_name;
  std::string family_name;
  std::string birth_date;          // YYYY-MM-DD
  std::string administrative_sex;  // female | male | other | unknown (FHIR AdministrativeGender)
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct NewPatient {
  std::string given_name;
  std::string family_name;
  std::string birth_date;
  std::string administrative_sex;
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
