#include "transitions/medication_review.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace ck::transitions {
namespace {

// Classes where two members at once are usually an error (or, for the
// renin-angiotensin blockers, a combination to confirm with the prescriber).
// Ingredients as IngredientOf() gives them.
const std::map<std::string, std::string, std::less<>>& Classes() {
  static const std::map<std::string, std::string, std::less<>> m = [] {
    std::map<std::string, std::string, std::less<>> out;
    auto add = [&](const char* klass, std::initializer_list<const char*> members) {
      for (const char* x : members) out[x] = klass;
    };
    add("renin-angiotensin blocker",
        {"lisinopril", "enalapril", "ramipril", "benazepril", "captopril", "quinapril",
         "fosinopril", "perindopril", "losartan", "valsartan", "irbesartan", "candesartan",
         "olmesartan", "telmisartan", "sacubitril", "aliskiren"});
    add("beta blocker", {"metoprolol", "carvedilol", "bisoprolol", "atenolol", "propranolol",
                         "nebivolol", "labetalol", "nadolol"});
    add("loop diuretic", {"furosemide", "torsemide", "bumetanide", "ethacrynic"});
    add("thiazide diuretic", {"hydrochlorothiazide", "chlorthalidone", "metolazone", "indapamide"});
    add("mineralocorticoid antagonist", {"spironolactone", "eplerenone", "finerenone"});
    add("statin", {"atorvastatin", "simvastatin", "rosuvastatin", "pravastatin", "lovastatin",
                   "pitavastatin", "fluvastatin"});
    add("anticoagulant", {"warfarin", "apixaban", "rivaroxaban", "dabigatran", "edoxaban",
                          "enoxaparin", "heparin", "dalteparin", "fondaparinux"});
    add("P2Y12 inhibitor", {"clopidogrel", "prasugrel", "ticagrelor"});
    add("proton pump inhibitor", {"omeprazole", "esomeprazole", "pantoprazole", "lansoprazole",
                                  "rabeprazole", "dexlansoprazole"});
    add("SSRI",
        {"sertraline", "fluoxetine", "citalopram", "escitalopram", "paroxetine", "fluvoxamine"});
    add("opioid", {"oxycodone", "hydrocodone", "morphine", "hydromorphone", "tramadol", "fentanyl",
                   "codeine", "methadone", "tapentadol", "oxymorphone"});
    add("benzodiazepine", {"lorazepam", "alprazolam", "diazepam", "clonazepam", "temazepam"});
    add("NSAID", {"ibuprofen", "naproxen", "diclofenac", "meloxicam", "celecoxib", "ketorolac",
                  "indomethacin"});
    add("sulfonylurea", {"glipizide", "glyburide", "glimepiride"});
    add("dihydropyridine calcium channel blocker",
        {"amlodipine", "nifedipine", "felodipine", "isradipine", "nicardipine"});
    add("basal insulin", {"insulin glargine", "insulin detemir", "insulin degludec", "insulin nph",
                          "insulin isophane"});
    add("rapid-acting insulin", {"insulin lispro", "insulin aspart", "insulin glulisine"});
    add("SGLT2 inhibitor", {"empagliflozin", "dapagliflozin", "canagliflozin", "ertugliflozin"});
    return out;
  }();
  return m;
}

std::string Normalized(std::string_view s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

bool SameText(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  return Normalized(a.value_or("")) == Normalized(b.value_or(""));
}

bool BothAndDiffer(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  return a && b && !a->empty() && !b->empty() && !SameText(a, b);
}

std::string Show(const std::optional<std::string>& v) { return v ? *v : "(none)"; }

}  // namespace

namespace {

// The words of a name before its strength or form: "Metoprolol succinate ER
// 50 mg" → metoprolol, succinate, er; "sacubitril/valsartan" → sacubitril.
std::vector<std::string> NameWords(std::string_view name) {
  std::string n = Normalized(name);
  std::vector<std::string> words;
  size_t start = 0;
  while (start < n.size()) {
    size_t end = n.find(' ', start);
    if (end == std::string::npos) end = n.size();
    std::string w = n.substr(start, end - start);
    if (w.empty() || !std::isalpha(static_cast<unsigned char>(w[0]))) break;
    size_t cut = w.find_first_of("/,;-");
    if (cut != std::string::npos) {
      words.push_back(w.substr(0, cut));
      break;
    }
    words.push_back(w);
    start = end + 1;
  }
  return words;
}

std::string ProductName(std::string_view name) {
  std::string out;
  for (const std::string& w : NameWords(name)) out += (out.empty() ? "" : " ") + w;
  return out.empty() ? Normalized(name) : out;
}

}  // namespace

std::string IngredientOf(std::string_view name) {
  std::vector<std::string> words = NameWords(name);
  if (words.empty()) return Normalized(name);
  if (words[0] == "insulin" && words.size() > 1) return words[0] + " " + words[1];
  return words[0];
}

std::optional<std::string> TherapeuticClass(std::string_view ingredient) {
  auto it = Classes().find(ingredient);
  if (it == Classes().end()) return std::nullopt;
  return it->second;
}

namespace {

bool SameMedication(const MedicationLine& x, const MedicationLine& y, int pass) {
  if (pass == 0) return x.code && y.code && *x.code == *y.code;
  if (pass == 1) return ProductName(x.name) == ProductName(y.name);
  return IngredientOf(x.name) == IngredientOf(y.name);
}

}  // namespace

std::vector<int> MatchMedications(const std::vector<MedicationLine>& before,
                                  const std::vector<MedicationLine>& discharge) {
  std::vector<int> match(discharge.size(), -1);
  std::vector<bool> taken(before.size(), false);
  // Strongest evidence first, so a code match is never taken by a name match.
  for (int pass = 0; pass < 3; ++pass) {
    for (size_t d = 0; d < discharge.size(); ++d) {
      if (match[d] >= 0) continue;
      for (size_t b = 0; b < before.size(); ++b) {
        if (taken[b] || !SameMedication(discharge[d], before[b], pass)) continue;
        match[d] = static_cast<int>(b);
        taken[b] = true;
        break;
      }
    }
  }
  return match;
}

std::vector<Discrepancy> FindDiscrepancies(const std::vector<MedicationLine>& before,
                                           const std::vector<MedicationLine>& discharge) {
  std::vector<Discrepancy> out;
  const std::vector<int> match = MatchMedications(before, discharge);
  std::vector<bool> taken(before.size(), false);
  for (int m : match)
    if (m >= 0) taken[static_cast<size_t>(m)] = true;
  for (size_t d = 0; d < discharge.size(); ++d) {
    const MedicationLine& x = discharge[d];
    if (match[d] < 0) {
      out.push_back({0, "new", std::nullopt, x.position, std::nullopt, x.name,
                     "on the discharge list, not taken before admission"});
      continue;
    }
    const MedicationLine& y = before[static_cast<size_t>(match[d])];
    auto changed = [&](const char* kind, std::string detail) {
      out.push_back({0, kind, y.position, x.position, std::nullopt, x.name, std::move(detail)});
    };
    if (ProductName(x.name) != ProductName(y.name) && !(x.code && y.code && *x.code == *y.code))
      changed("product_changed", y.name + " → " + x.name);
    if (BothAndDiffer(y.dose, x.dose)) changed("dose_changed", Show(y.dose) + " → " + Show(x.dose));
    if (BothAndDiffer(y.frequency, x.frequency))
      changed("frequency_changed", Show(y.frequency) + " → " + Show(x.frequency));
    if (BothAndDiffer(y.route, x.route))
      changed("route_changed", Show(y.route) + " → " + Show(x.route));
  }
  for (size_t b = 0; b < before.size(); ++b) {
    if (taken[b]) continue;
    out.push_back({0, "stopped", before[b].position, std::nullopt, std::nullopt, before[b].name,
                   "taken before admission, not on the discharge list"});
  }
  // Duplicate therapy among the discharge medications: each pair once.
  for (size_t i = 0; i < discharge.size(); ++i) {
    for (size_t j = i + 1; j < discharge.size(); ++j) {
      const MedicationLine &a = discharge[i], &b = discharge[j];
      std::string why;
      std::string ia = IngredientOf(a.name), ib = IngredientOf(b.name);
      if (a.code && b.code && *a.code == *b.code) {
        why = "same RxNorm code " + *a.code;
      } else if (ia == ib) {
        why = "same ingredient: " + ia;
      } else {
        auto ca = TherapeuticClass(ia), cb = TherapeuticClass(ib);
        if (ca && cb && *ca == *cb) why = "same class: " + *ca;
      }
      if (why.empty()) continue;
      out.push_back({0, "duplicate_therapy", std::nullopt, a.position, b.position,
                     a.name + " + " + b.name, why});
    }
  }
  return out;
}

}  // namespace ck::transitions
