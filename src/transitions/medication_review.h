// Comparing the medications before admission with the discharge list
// (docs/transitions.md): each discharge medication is matched to one taken
// before (by RxNorm code, else by name, else by ingredient); what is left over
// is new or stopped; a match whose dose, frequency, route or product differs
// is a change; two discharge medications with the same code, ingredient or
// therapeutic class (a small curated list) are duplicate therapy.
//
//   std::vector<Discrepancy> found = FindDiscrepancies(before, discharge);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transitions/model.h"

namespace ck::transitions {

// "Furosemide 40 mg tablet" → "furosemide"; "insulin glargine" → "insulin glargine"
// (insulins are told apart by their second word). Lower case.
std::string IngredientOf(std::string_view name);

// The curated therapeutic class of an ingredient ("furosemide" → "loop diuretic"),
// or nullopt for one outside the list.
std::optional<std::string> TherapeuticClass(std::string_view ingredient);

// For each discharge medication, the index of the medication taken before it
// matches in `before`, or -1 for a new one. One-to-one.
std::vector<int> MatchMedications(const std::vector<MedicationLine>& before,
                                  const std::vector<MedicationLine>& discharge);

// The discrepancies between the two lists, in list order (positions as given).
std::vector<Discrepancy> FindDiscrepancies(const std::vector<MedicationLine>& before,
                                           const std::vector<MedicationLine>& discharge);

}  // namespace ck::transitions
