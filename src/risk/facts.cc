#include "risk/facts.h"

#include <algorithm>

namespace ck::risk {
namespace {

constexpr Timestamp kLedToAdmission = 24 * kMillisPerHour;
constexpr Timestamp kEdLookback = 183 * kMillisPerDay;

int64_t DayNumber(Timestamp t) {
  return t >= 0 ? t / kMillisPerDay : (t - kMillisPerDay + 1) / kMillisPerDay;
}

int CommaCount(const std::string& s) {
  return s.empty() ? 0 : static_cast<int>(std::count(s.begin(), s.end(), ',')) + 1;
}

bool HasFlag(const std::string& flags, std::string_view flag) {
  size_t start = 0;
  while (start <= flags.size()) {
    size_t comma = flags.find(',', start);
    if (comma == std::string::npos) comma = flags.size();
    if (std::string_view(flags).substr(start, comma - start) == flag) return true;
    start = comma + 1;
  }
  return false;
}

Json Num(double v) {
  return v == static_cast<int64_t>(v) ? Json(static_cast<int64_t>(v)) : Json(v);
}

}  // namespace

scoring::ConditionSet ConditionsOfStoredCode(std::string_view dotted) {
  char buf[8];
  size_t n = 0;
  for (char c : dotted) {
    if (c == '.') continue;
    if (n == sizeof buf) break;
    buf[n++] = c;
  }
  return scoring::Charlson::Get().ConditionsOf(std::string_view(buf, n));
}

int LengthOfStayDays(const Stay& stay) {
  return static_cast<int>(DayNumber(stay.discharged_at) - DayNumber(stay.admitted_at));
}

LaceFromRecord ComputeLace(const Stay& stay, const std::vector<Timestamp>& ed_visits,
                           scoring::ConditionSet conditions) {
  scoring::ConditionSet all = conditions;
  size_t start = 0;
  const std::string& dx = stay.diagnoses;
  while (start < dx.size()) {
    size_t comma = dx.find(',', start);
    if (comma == std::string::npos) comma = dx.size();
    all |= ConditionsOfStoredCode(std::string_view(dx).substr(start, comma - start));
    start = comma + 1;
  }
  bool via_ed = false;
  int ed_count = 0;
  for (Timestamp t : ed_visits) {
    if (t > stay.admitted_at) continue;
    if (stay.admitted_at - t <= kLedToAdmission)
      via_ed = true;
    else if (stay.admitted_at - t <= kEdLookback)
      ++ed_count;
  }
  scoring::LaceInput in;
  in.length_of_stay_days = LengthOfStayDays(stay);
  in.emergent_admission =
      stay.admission_type == "emergency" || stay.admission_type == "trauma" || via_ed;
  in.comorbidity_points = scoring::Charlson::Get().Score(all, scoring::CharlsonWeights::kLace);
  in.ed_visits_6mo = ed_count;
  LaceFromRecord out;
  out.result = scoring::Lace(in);
  out.inputs = {{"encounter_id", stay.encounter_id},
                {"admitted_at", FormatTimestamp(stay.admitted_at)},
                {"discharged_at", FormatTimestamp(stay.discharged_at)},
                {"length_of_stay_days", in.length_of_stay_days},
                {"admission_type", stay.admission_type},
                {"admitted_via_ed", via_ed},
                {"emergent_admission", in.emergent_admission},
                {"comorbidity_points", in.comorbidity_points},
                {"ed_visits_6mo", in.ed_visits_6mo}};
  return out;
}

const std::vector<std::string>& KnownFacts() {
  static const std::vector<std::string> kFacts = {"age",
                                                  "charlson.score",
                                                  "charlson.age_adjusted",
                                                  "lace.score",
                                                  "lace.risk",
                                                  "lace.discharge_date",
                                                  "lace.encounter_id",
                                                  "hospital.score",
                                                  "hospital.date",
                                                  "phq9.score",
                                                  "phq9.band",
                                                  "phq9.date",
                                                  "phq9.suicide_risk",
                                                  "gad7.score",
                                                  "gad7.band",
                                                  "gad7.date",
                                                  "ahc.date",
                                                  "ahc.positive_count",
                                                  "ahc.domains",
                                                  "ahc.safety_concern",
                                                  "morse.score",
                                                  "morse.band",
                                                  "morse.date",
                                                  "alerts.open_crisis"};
  return kFacts;
}

Json PatientFacts::ToFacts() const {
  Json f = Json::object();
  if (age) f["age"] = *age;
  const auto& charlson = scoring::Charlson::Get();
  int cci = charlson.Score(conditions, scoring::CharlsonWeights::kCharlson1987);
  f["charlson.score"] = cci;
  if (age) f["charlson.age_adjusted"] = cci + scoring::CharlsonAgePoints(*age);
  if (last_stay) {
    LaceFromRecord lace = ComputeLace(*last_stay, ed_visits, conditions);
    f["lace.score"] = lace.result.score;
    f["lace.risk"] = lace.result.risk;
    f["lace.discharge_date"] = FormatDate(DateOf(last_stay->discharged_at));
    f["lace.encounter_id"] = last_stay->encounter_id;
  }
  if (hospital) {
    f["hospital.score"] = hospital->first;
    f["hospital.date"] = FormatDate(DateOf(hospital->second));
  }
  auto add = [&](const char* prefix, const std::optional<LatestAssessment>& a) {
    if (!a) return;
    std::string p(prefix);
    f[p + ".score"] = Num(a->score);
    if (!a->band.empty()) f[p + ".band"] = a->band;
    f[p + ".date"] = FormatDate(DateOf(a->completed_at));
  };
  add("phq9", phq9);
  if (phq9) f["phq9.suicide_risk"] = HasFlag(phq9->flags, "suicide_risk");
  add("gad7", gad7);
  if (ahc) {
    f["ahc.date"] = FormatDate(DateOf(ahc->completed_at));
    f["ahc.positive_count"] = CommaCount(ahc->positive_domains);
    f["ahc.domains"] = ahc->positive_domains;
    f["ahc.safety_concern"] = HasFlag(ahc->flags, "safety_concern");
  }
  add("morse", morse);
  f["alerts.open_crisis"] = open_crisis_alerts;
  return f;
}

}  // namespace ck::risk
