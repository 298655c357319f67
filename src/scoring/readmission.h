// Readmission risk: the LACE index (van Walraven et al., CMAJ 2010) and the
// HOSPITAL score (Donzé et al., JAMA Intern Med 2013), with casekeeper's
// choices where sources differ (../shared/domain/REFERENCE.md, issue #4).
//
//   LaceResult r = Lace({.length_of_stay_days = 5, .emergent_admission = true,
//                        .comorbidity_points = 2, .ed_visits_6mo = 1});
//   r.score  // 4 + 3 + 2 + 1 = 10, r.risk == "high"
#pragma once

#include <string>

namespace ck::scoring {

struct LaceInput {
  int length_of_stay_days = 0;  // discharge date − admission date
  bool emergent_admission = false;
  int comorbidity_points = 0;  // Charlson (LACE weights) before LACE's own cap
  int ed_visits_6mo = 0;       // not counting the visit that led to the admission
};

struct LaceResult {
  int l = 0, a = 0, c = 0, e = 0;
  int score = 0;
  std::string risk;  // low 0–4, moderate 5–9, high 10+
};

LaceResult Lace(const LaceInput& in);

struct HospitalInput {
  double hemoglobin_g_dl = 0;  // at discharge
  double sodium_mmol_l = 0;    // at discharge
  bool oncology_discharge = false;
  bool procedure_during_stay = false;
  bool urgent_admission = false;
  int admissions_prev_12mo = 0;
  int length_of_stay_days = 0;
};

struct HospitalResult {
  int hemoglobin = 0, oncology = 0, sodium = 0, procedure = 0, index_type = 0, admissions = 0,
      length_of_stay = 0;
  int score = 0;
  std::string risk;  // low 0–4, intermediate 5–6, high 7+
};

HospitalResult Hospital(const HospitalInput& in);

}  // namespace ck::scoring
