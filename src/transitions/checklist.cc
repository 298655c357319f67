#include "transitions/checklist.h"

#include <algorithm>

namespace ck::transitions {

const std::vector<std::string>& ChecklistItems() {
  static const std::vector<std::string> items = {"medication_reconciliation",
                                                 "follow_up_within_7_days",
                                                 "dme",
                                                 "home_health",
                                                 "transport_home",
                                                 "education_teach_back",
                                                 "caregiver_briefed",
                                                 "discharge_summary_received"};
  return items;
}

bool IsChecklistItem(std::string_view item) {
  const auto& all = ChecklistItems();
  return std::find(all.begin(), all.end(), item) != all.end();
}

const std::vector<std::string>& PlanDispositions() {
  static const std::vector<std::string> d = {"home",
                                             "home_health",
                                             "skilled_nursing",
                                             "inpatient_rehab",
                                             "hospice",
                                             "long_term_care_hospital",
                                             "other"};
  return d;
}

bool IsPlanDisposition(std::string_view disposition) {
  const auto& all = PlanDispositions();
  return std::find(all.begin(), all.end(), disposition) != all.end();
}

std::optional<std::string> DefaultNotApplicable(std::string_view disposition,
                                                std::string_view item) {
  if (disposition == "home" && item == "home_health")
    return "going home without home health services";
  if (disposition == "skilled_nursing" || disposition == "inpatient_rehab" ||
      disposition == "long_term_care_hospital") {
    if (item == "home_health") return "discharged to a facility that provides the care";
    if (item == "dme") return "the facility provides the equipment";
    if (item == "transport_home") return "discharged to a facility, not home";
    if (item == "follow_up_within_7_days") return "the facility's physician follows the patient";
  }
  if (disposition == "hospice") {
    if (item == "home_health") return "hospice provides the care";
    if (item == "follow_up_within_7_days") return "the hospice team follows the patient";
  }
  return std::nullopt;
}

std::vector<ChecklistItem> DefaultChecklist(std::string_view disposition) {
  std::vector<ChecklistItem> out;
  for (const std::string& name : ChecklistItems()) {
    ChecklistItem it;
    it.item = name;
    if (auto why = DefaultNotApplicable(disposition, name)) {
      it.status = "not_applicable";
      it.not_applicable_reason = *why;
      it.defaulted = true;
    }
    out.push_back(std::move(it));
  }
  return out;
}

Readiness ReadinessOf(const std::vector<ChecklistItem>& items) {
  Readiness r;
  for (const std::string& name : ChecklistItems()) {
    auto it = std::find_if(items.begin(), items.end(),
                           [&](const ChecklistItem& i) { return i.item == name; });
    if (it == items.end()) continue;
    ++r.total;
    if (it->status == "done")
      ++r.done;
    else if (it->status == "not_applicable")
      ++r.not_applicable;
    else
      r.missing.push_back(name);
  }
  r.ready = r.total > 0 && r.missing.empty();
  return r;
}

}  // namespace ck::transitions
