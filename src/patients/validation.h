// Rules for the parts of a patient record that have a format: search keys for
// names, phone numbers, e-mail, language tags, US addresses, and the coded
// demographic values (race and ethnicity follow the OMB categories used in US
// equity reporting; gender identity follows US Core).
//
//   SearchKey("García-Ortíz") == "garciaortiz"
//   NormalizePhone("(555) 010-4477") == "+15550104477"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "patients/model.h"

namespace ck::patients {

// Lower-case ASCII letters and digits only: accents folded (é → e, ß → ss,
// Ø → o), everything else dropped. Names and search input both go through it,
// so search is accent- and case-insensitive and ignores spaces and punctuation.
std::string SearchKey(std::string_view utf8);

// E.164 ("+15550104477"). Ten digits are a US number; otherwise a leading '+'
// (or 00) and 8-15 digits. InvalidArgument naming `field` for anything else.
Result<std::string> NormalizePhone(std::string_view text, std::string_view field);

Status ValidateEmail(std::string_view email, std::string_view field);
// A BCP 47 language tag such as "en", "es", "zh-Hant", "pt-BR".
Status ValidateLanguageTag(std::string_view tag, std::string_view field);
// System: a URI or OID naming who issued the identifier; value: the identifier.
Status ValidateIdentifier(const Identifier& id, std::string_view field);

// The whole record: required fields, formats and coded values, naming the field.
Status ValidateDemographics(const NewPatient& p, Date today);

inline const std::vector<std::string>& kRaces() {
  static const std::vector<std::string> v = {"american_indian_or_alaska_native",
                                             "asian",
                                             "black_or_african_american",
                                             "native_hawaiian_or_other_pacific_islander",
                                             "white",
                                             "other",
                                             "declined",
                                             "unknown"};
  return v;
}

}  // namespace ck::patients
