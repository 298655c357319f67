#include "scoring/readmission.h"

#include <algorithm>

namespace ck::scoring {

LaceResult Lace(const LaceInput& in) {
  LaceResult r;
  int los = in.length_of_stay_days;
  r.l = los < 1 ? 0 : los <= 3 ? los : los <= 6 ? 4 : los <= 13 ? 5 : 7;
  r.a = in.emergent_admission ? 3 : 0;
  r.c = in.comorbidity_points >= 4 ? 5 : std::max(0, in.comorbidity_points);
  r.e = std::clamp(in.ed_visits_6mo, 0, 4);
  r.score = r.l + r.a + r.c + r.e;
  r.risk = r.score >= 10 ? "high" : r.score >= 5 ? "moderate" : "low";
  return r;
}

HospitalResult Hospital(const HospitalInput& in) {
  HospitalResult r;
  r.hemoglobin = in.hemoglobin_g_dl < 12.0 ? 1 : 0;
  r.oncology = in.oncology_discharge ? 2 : 0;
  r.sodium = in.sodium_mmol_l < 135.0 ? 1 : 0;
  r.procedure = in.procedure_during_stay ? 1 : 0;
  r.index_type = in.urgent_admission ? 1 : 0;
  int n = in.admissions_prev_12mo;
  r.admissions = n <= 1 ? 0 : n <= 5 ? 2 : 5;
  r.length_of_stay = in.length_of_stay_days >= 5 ? 2 : 0;
  r.score = r.hemoglobin + r.oncology + r.sodium + r.procedure + r.index_type + r.admissions +
            r.length_of_stay;
  r.risk = r.score >= 7 ? "high" : r.score >= 5 ? "intermediate" : "low";
  return r;
}

}  // namespace ck::scoring
