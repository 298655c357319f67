// ICD-10 code shapes shared by the clinical record and the scores.
//
//   CK_ASSIGN_OR_RETURN(std::string c, CompactIcd10("e11.9", "icd10[0]"));  // "E119"
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace ck::scoring {

// The code upper-cased without its dot ("E119"). InvalidArgument naming `field`
// unless it has the ICD-10-CM shape: a letter, a digit, a digit or letter, then
// up to four letters or digits, with at most one dot and only after the third
// character.
Result<std::string> CompactIcd10(std::string_view code, std::string_view field);

// The display form with the dot after the third character ("E11.9").
std::string DottedIcd10(std::string_view compact);

}  // namespace ck::scoring
