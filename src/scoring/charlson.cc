#include "scoring/charlson.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace ck::scoring {
namespace {

// ../shared/domain/REFERENCE.md, "Charlson Comorbidity Index". The LACE column
// follows van Walraven et al. 2010 as issue #4 lists it, plus diabetes with
// chronic complications at 2 (the Ontario tool's "end-organ damage"): the
// hierarchy removes uncomplicated diabetes when complications are coded, so a
// weight of 0 would make complications lower C. Conditions the paper does not
// weight score 0.
const std::vector<CharlsonCondition> kConditions = {
    {"mi", "myocardial infarction", 1, 0, 1, "I21 I22 I252"},
    {"chf", "congestive heart failure", 1, 2, 2,
     "I099 I110 I130 I132 I255 I420 I425-I429 I43 I50 P290"},
    {"pvd", "peripheral vascular disease", 1, 0, 1,
     "I70 I71 I731 I738 I739 I771 I790 I792 K551 K558 K559 Z958 Z959"},
    {"cevd", "cerebrovascular disease", 1, 0, 1, "G45 G46 H340 I60-I69"},
    {"dementia", "dementia", 1, 2, 3, "F00 F01 F02 F03 F051 G30 G311"},
    {"cpd", "chronic pulmonary disease", 1, 1, 2, "I278 I279 J40-J47 J60-J67 J684 J701 J703"},
    {"rheumd", "rheumatic disease", 1, 1, 3, "M05 M06 M315 M32 M33 M34 M351 M353 M360"},
    {"pud", "peptic ulcer disease", 1, 0, 0, "K25 K26 K27 K28"},
    {"mld", "mild liver disease", 1, 2, 2,
     "B18 K700-K703 K709 K713-K715 K717 K73 K74 K760 K762-K764 K768 K769 Z944"},
    {"diab", "diabetes without chronic complication", 1, 0, 1, "E10-E14/01689"},
    {"diabwc", "diabetes with chronic complication", 2, 1, 2, "E10-E14/23457"},
    {"hp", "hemiplegia or paraplegia", 2, 2, 0, "G041 G114 G801 G802 G81 G82 G830-G834 G839"},
    {"rend", "renal disease", 2, 1, 0,
     "I120 I131 N032-N037 N052-N057 N18 N19 N250 Z490-Z492 Z940 Z992"},
    {"canc", "any malignancy", 2, 2, 2,
     "C00-C26 C30-C34 C37-C41 C43 C45-C58 C60-C76 C81-C85 C88 C90-C97"},
    {"msld", "moderate or severe liver disease", 3, 4, 4,
     "I850 I859 I864 I982 K704 K711 K721 K729 K765 K766 K767"},
    {"metacanc", "metastatic solid tumour", 6, 6, 6, "C77 C78 C79 C80"},
    {"aids", "HIV/AIDS", 6, 4, 4, "B20 B21 B22 B24"},
};

ConditionSet Bit(const char* key) {
  for (size_t i = 0; i < kConditions.size(); ++i)
    if (std::string_view(kConditions[i].key) == key) return ConditionSet{1} << i;
  return 0;
}

uint64_t Pack(std::string_view prefix) {
  uint64_t v = prefix.size();
  for (char c : prefix) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// "I425-I429" → I425 … I429; "E10-E14/01689" → E100 E101 E106 … E149.
std::vector<std::string> Expand(const std::string& token) {
  std::string range = token, fourth;
  if (auto slash = token.find('/'); slash != std::string::npos) {
    range = token.substr(0, slash);
    fourth = token.substr(slash + 1);
  }
  std::vector<std::string> stems;
  if (auto dash = range.find('-'); dash != std::string::npos) {
    std::string from = range.substr(0, dash), to = range.substr(dash + 1);
    if (from.size() != to.size() || from[0] != to[0])
      throw std::logic_error("bad Charlson range " + token);
    int a = std::stoi(from.substr(1)), b = std::stoi(to.substr(1));
    for (int n = a; n <= b; ++n) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%c%0*d", from[0], static_cast<int>(from.size() - 1), n);
      stems.push_back(buf);
    }
  } else {
    stems.push_back(range);
  }
  if (fourth.empty()) return stems;
  std::vector<std::string> out;
  for (const std::string& s : stems)
    for (char c : fourth) out.push_back(s + c);
  return out;
}

}  // namespace

Charlson::Charlson() {
  for (size_t i = 0; i < kConditions.size(); ++i) {
    std::istringstream tokens(kConditions[i].codes);
    std::string token;
    while (tokens >> token)
      for (const std::string& prefix : Expand(token))
        by_prefix_[Pack(prefix)] |= ConditionSet{1} << i;
  }
}

const Charlson& Charlson::Get() {
  static const Charlson instance;
  return instance;
}

const std::vector<CharlsonCondition>& Charlson::conditions() const { return kConditions; }

ConditionSet Charlson::ConditionsOf(std::string_view code) const {
  ConditionSet s = 0;
  for (size_t len = 3; len <= 4 && len <= code.size(); ++len) {
    auto it = by_prefix_.find(Pack(code.substr(0, len)));
    if (it != by_prefix_.end()) s |= it->second;
  }
  return s;
}

ConditionSet Charlson::ApplyHierarchy(ConditionSet s) {
  static const ConditionSet msld = Bit("msld"), mld = Bit("mld"), diabwc = Bit("diabwc"),
                            diab = Bit("diab"), metacanc = Bit("metacanc"), canc = Bit("canc");
  if (s & msld) s &= ~mld;
  if (s & diabwc) s &= ~diab;
  if (s & metacanc) s &= ~canc;
  return s;
}

int Charlson::Score(ConditionSet s, CharlsonWeights w) const {
  s = ApplyHierarchy(s);
  int total = 0;
  for (size_t i = 0; i < kConditions.size(); ++i) {
    if (!(s & (ConditionSet{1} << i))) continue;
    const CharlsonCondition& c = kConditions[i];
    total += w == CharlsonWeights::kCharlson1987 ? c.weight_1987
             : w == CharlsonWeights::kQuan2011   ? c.weight_quan2011
                                                 : c.weight_lace;
  }
  return total;
}

int CharlsonAgePoints(int age) {
  if (age < 50) return 0;
  if (age >= 80) return 4;
  return (age - 40) / 10;
}

}  // namespace ck::scoring
